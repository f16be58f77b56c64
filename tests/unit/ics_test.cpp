// Unit tests of src/services/ics: the iCalendar text of session invitations (RFC 5545):
// CRLF line ends, folding at 75 octets on UTF-8 boundaries, escaping, Luxembourg local times.
#include "services/ics.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/text.h"
#include "test_values.h"

namespace parcours {
namespace {

using namespace std::chrono;

// A winter session: 2027-03-04 08:00–12:00 UTC, 09:00–13:00 in Luxembourg.
CalendarEvent WinterEvent() {
  CalendarEvent e;
  e.uid = SessionEventUid(42, 7);
  e.starts_at = Utc(2027, 3, 4, 8);
  e.ends_at = Utc(2027, 3, 4, 12);
  e.stamp = Utc(2027, 2, 1, 10, 15, 30);
  e.summary = "Contraception";
  e.location = "Lycée technique, salle 12";
  e.sequence = 0;
  return e;
}

// The physical lines (without their CRLF); requires CRLF after every line.
std::vector<std::string> PhysicalLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto end = text.find("\r\n", pos);
    REQUIRE(end != std::string::npos);  // the text ends with CRLF
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 2;
  }
  return lines;
}

// The content lines, after unfolding (RFC 5545 §3.1).
std::vector<std::string> ContentLines(const std::string& text) {
  std::vector<std::string> lines;
  for (const auto& physical : PhysicalLines(text)) {
    if (!physical.empty() && physical[0] == ' ') {
      REQUIRE_FALSE(lines.empty());
      lines.back() += physical.substr(1);
    } else {
      lines.push_back(physical);
    }
  }
  return lines;
}

// The value of the first content line with the given name (up to ':' or ';').
std::string Property(const std::string& text, const std::string& name) {
  for (const auto& line : ContentLines(text)) {
    if (line.rfind(name, 0) == 0 && line.size() > name.size() &&
        (line[name.size()] == ':' || line[name.size()] == ';'))
      return line.substr(line.find(':') + 1);
  }
  return "<missing " + name + ">";
}

bool HasLine(const std::string& text, const std::string& line) {
  for (const auto& l : ContentLines(text))
    if (l == line) return true;
  return false;
}

int CountLines(const std::string& text, const std::string& line) {
  int n = 0;
  for (const auto& l : ContentLines(text)) n += l == line;
  return n;
}

void CheckCrlfOnly(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      INFO("offset " << i);
      REQUIRE(i > 0);
      CHECK(text[i - 1] == '\r');
    }
    if (text[i] == '\r') {
      INFO("offset " << i);
      REQUIRE(i + 1 < text.size());
      CHECK(text[i + 1] == '\n');
    }
  }
  REQUIRE(text.size() >= 2);
  CHECK(text.substr(text.size() - 2) == "\r\n");
}

void CheckFolding(const std::string& text) {
  for (const auto& line : PhysicalLines(text)) {
    INFO(line);
    CHECK(line.size() <= 75);
    std::string content = !line.empty() && line[0] == ' ' ? line.substr(1) : line;
    CHECK(IsValidUtf8(content));
  }
}

}  // namespace

TEST_CASE("ics: SessionEventUid names the session and the person", "[ics]") {
  CHECK(SessionEventUid(42, 7) == "session-42-7@parcours");
  CHECK(SessionEventUid(1, 1234567890123) == "session-1-1234567890123@parcours");
  CHECK(SessionEventUid(42, 7) != SessionEventUid(42, 8));
  CHECK(SessionEventUid(42, 7) != SessionEventUid(4, 27));
}

TEST_CASE("ics: a calendar uses CRLF everywhere and balances BEGIN/END", "[ics]") {
  CalendarEvent second = WinterEvent();
  second.uid = SessionEventUid(43, 7);
  second.description = "Line one\nLine two";
  std::string ics = RenderCalendar({WinterEvent(), second}, "PUBLISH");
  CheckCrlfOnly(ics);
  CheckFolding(ics);
  auto lines = ContentLines(ics);
  REQUIRE_FALSE(lines.empty());
  CHECK(lines.front() == "BEGIN:VCALENDAR");
  CHECK(lines.back() == "END:VCALENDAR");
  CHECK(HasLine(ics, "VERSION:2.0"));
  CHECK(HasLine(ics, "METHOD:PUBLISH"));
  for (const char* component : {"VCALENDAR", "VTIMEZONE", "STANDARD", "DAYLIGHT", "VEVENT"}) {
    INFO(component);
    CHECK(CountLines(ics, std::string("BEGIN:") + component) ==
          CountLines(ics, std::string("END:") + component));
  }
  CHECK(CountLines(ics, "BEGIN:VEVENT") == 2);
  CHECK(CountLines(ics, "BEGIN:VTIMEZONE") == 1);
  // Every BEGIN is closed by the matching END, properly nested.
  std::vector<std::string> stack;
  for (const auto& line : lines) {
    if (line.rfind("BEGIN:", 0) == 0) {
      stack.push_back(line.substr(6));
    } else if (line.rfind("END:", 0) == 0) {
      REQUIRE_FALSE(stack.empty());
      CHECK(stack.back() == line.substr(4));
      stack.pop_back();
    }
  }
  CHECK(stack.empty());
}

TEST_CASE("ics: the METHOD line follows the argument", "[ics]") {
  CHECK(HasLine(RenderCalendar({WinterEvent()}, "REQUEST"), "METHOD:REQUEST"));
  CHECK(HasLine(RenderCalendar({WinterEvent()}, "CANCEL"), "METHOD:CANCEL"));
  CHECK(HasLine(RenderCalendar({}, "PUBLISH"), "METHOD:PUBLISH"));
  CHECK(CountLines(RenderCalendar({}, "PUBLISH"), "BEGIN:VEVENT") == 0);
}

TEST_CASE("ics: the Europe/Luxembourg time zone is defined", "[ics]") {
  std::string ics = RenderCalendar({WinterEvent()}, "REQUEST");
  CHECK(HasLine(ics, "BEGIN:VTIMEZONE"));
  CHECK(HasLine(ics, "TZID:Europe/Luxembourg"));
  CHECK(HasLine(ics, "TZOFFSETTO:+0100"));
  CHECK(HasLine(ics, "TZOFFSETTO:+0200"));
  // The time zone comes before the events that use it.
  CHECK(ics.find("BEGIN:VTIMEZONE") < ics.find("BEGIN:VEVENT"));
}

TEST_CASE("ics: an event has its UID, stamp in UTC, local times, sequence and status",
          "[ics]") {
  CalendarEvent e = WinterEvent();
  e.sequence = 3;
  std::string ics = RenderCalendar({e}, "REQUEST");
  CHECK(HasLine(ics, "UID:session-42-7@parcours"));
  CHECK(HasLine(ics, "DTSTAMP:20270201T101530Z"));
  CHECK(HasLine(ics, "DTSTART;TZID=Europe/Luxembourg:20270304T090000"));
  CHECK(HasLine(ics, "DTEND;TZID=Europe/Luxembourg:20270304T130000"));
  CHECK(HasLine(ics, "SEQUENCE:3"));
  CHECK(HasLine(ics, "STATUS:CONFIRMED"));
  CHECK_FALSE(HasLine(ics, "STATUS:CANCELLED"));
  CHECK(HasLine(ics, "SUMMARY:Contraception"));
}

TEST_CASE("ics: summer sessions are two hours ahead of UTC", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.starts_at = Utc(2027, 7, 8, 7, 30);
  e.ends_at = Utc(2027, 7, 8, 15);
  e.stamp = Utc(2027, 7, 1, 22, 5, 9);  // stamps stay in UTC in summer too
  std::string ics = RenderCalendar({e}, "REQUEST");
  CHECK(HasLine(ics, "DTSTART;TZID=Europe/Luxembourg:20270708T093000"));
  CHECK(HasLine(ics, "DTEND;TZID=Europe/Luxembourg:20270708T170000"));
  CHECK(HasLine(ics, "DTSTAMP:20270701T220509Z"));
}

TEST_CASE("ics: local times change day and offset where they should", "[ics]") {
  CalendarEvent e = WinterEvent();
  // 23:30 UTC on 27 March is 00:30 CET on the 28th; 02:00 UTC on the 28th is 04:00 CEST.
  e.starts_at = Utc(2027, 3, 27, 23, 30);
  e.ends_at = Utc(2027, 3, 28, 2);
  std::string ics = RenderCalendar({e}, "REQUEST");
  CHECK(HasLine(ics, "DTSTART;TZID=Europe/Luxembourg:20270328T003000"));
  CHECK(HasLine(ics, "DTEND;TZID=Europe/Luxembourg:20270328T040000"));
}

TEST_CASE("ics: a cancelled event says so", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.cancelled = true;
  e.sequence = 1;
  std::string ics = RenderCalendar({e}, "CANCEL");
  CHECK(HasLine(ics, "METHOD:CANCEL"));
  CHECK(HasLine(ics, "STATUS:CANCELLED"));
  CHECK_FALSE(HasLine(ics, "STATUS:CONFIRMED"));
  CHECK(HasLine(ics, "SEQUENCE:1"));
  CHECK(HasLine(ics, "UID:session-42-7@parcours"));
}

TEST_CASE("ics: text values escape commas, semicolons, backslashes and newlines", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.summary = "Santé, sexualité; C:\\temp\nsuite";
  e.location = "Salle 1, bâtiment B;\r\n2e étage \\ aile";
  e.description = "a,b;c\\d\ne";
  std::string ics = RenderCalendar({e}, "REQUEST");
  CheckCrlfOnly(ics);
  CHECK(Property(ics, "SUMMARY") == "Santé\\, sexualité\\; C:\\\\temp\\nsuite");
  CHECK(Property(ics, "LOCATION") == "Salle 1\\, bâtiment B\\;\\n2e étage \\\\ aile");
  CHECK(Property(ics, "DESCRIPTION") == "a\\,b\\;c\\\\d\\ne");
}

TEST_CASE("ics: empty location and description are left out", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.location.clear();
  e.description.clear();
  std::string ics = RenderCalendar({e}, "REQUEST");
  CHECK(Property(ics, "LOCATION") == "<missing LOCATION>");
  CHECK(Property(ics, "DESCRIPTION") == "<missing DESCRIPTION>");
  CHECK(Property(ics, "SUMMARY") == "Contraception");
}

TEST_CASE("ics: long lines are folded at 75 octets and unfold to the original", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.summary = Repeat("Formation continue des enseignants ", 10);
  std::string ics = RenderCalendar({e}, "REQUEST");
  CheckCrlfOnly(ics);
  CheckFolding(ics);
  CHECK(ics.find("\r\n ") != std::string::npos);  // it was folded
  CHECK(Property(ics, "SUMMARY") == e.summary);
}

TEST_CASE("ics: folding never splits a UTF-8 sequence", "[ics]") {
  // Accented letters (2 octets), typographic signs (3 octets) and emoji (4 octets); every
  // ASCII prefix length moves the fold points to a different place in the sequences.
  const std::string mix = "Éducation à la santé 🩺 – «sexualité» ✔ 👩‍🏫 Ünterrïcht €";
  for (int prefix = 0; prefix < 8; ++prefix) {
    INFO("prefix " << prefix);
    CalendarEvent e = WinterEvent();
    e.summary = std::string(prefix, 'x') + Repeat(mix, 8);
    e.location = std::string(prefix, 'y') + Repeat("🎓é", 40);
    e.description = Repeat("😀", 60) + std::string(prefix, 'z');
    std::string ics = RenderCalendar({e}, "REQUEST");
    CheckCrlfOnly(ics);
    CheckFolding(ics);
    CHECK(Property(ics, "SUMMARY") == e.summary);
    CHECK(Property(ics, "LOCATION") == e.location);
    CHECK(Property(ics, "DESCRIPTION") == e.description);
  }
}

TEST_CASE("ics: a long UID is folded too", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.uid = Repeat("u", 120) + "@parcours";
  std::string ics = RenderCalendar({e}, "REQUEST");
  CheckFolding(ics);
  CHECK(Property(ics, "UID") == e.uid);
}

TEST_CASE("ics: a REQUEST names its organizer and the attendee, who need not answer (RFC 5546)", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.organizer = CalendarParty{"Cesas, Luxembourg", "no-reply@cesas.lu"};
  e.attendee = CalendarParty{"Séverine \"Sev\" Müller", "severine@ecole.lu"};
  std::string ics = RenderCalendar({e}, "REQUEST");
  CheckCrlfOnly(ics);
  CheckFolding(ics);
  CHECK(HasLine(ics, "ORGANIZER;CN=\"Cesas, Luxembourg\":mailto:no-reply@cesas.lu"));
  CHECK(HasLine(ics, "ATTENDEE;CN=\"Séverine 'Sev' Müller\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
                     "PARTSTAT=ACCEPTED;RSVP=FALSE:mailto:severine@ecole.lu"));
  CHECK(CountLines(ics, "BEGIN:VEVENT") == 1);
  // Both inside the event.
  CHECK(ics.find("ORGANIZER") > ics.find("BEGIN:VEVENT"));
  CHECK(ics.find("ATTENDEE") < ics.find("END:VEVENT"));
}

TEST_CASE("ics: a CANCEL names them too, with the attendee's status", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.cancelled = true;
  e.organizer = CalendarParty{"Parcours", "no-reply@parcours.local"};
  e.attendee = CalendarParty{"Ana", "ana@ex.lu"};
  e.attendee_partstat = "TENTATIVE";
  std::string ics = RenderCalendar({e}, "CANCEL");
  CHECK(Property(ics, "ORGANIZER") == "mailto:no-reply@parcours.local");
  CHECK(Property(ics, "ATTENDEE") == "mailto:ana@ex.lu");
  CHECK(HasLine(ics, "ATTENDEE;CN=\"Ana\";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=TENTATIVE;RSVP=FALSE:mailto:ana@ex.lu"));
}

TEST_CASE("ics: a PUBLISH feed names neither organizer nor attendee", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.organizer = CalendarParty{"Parcours", "no-reply@parcours.local"};
  e.attendee = CalendarParty{"Ana", "ana@ex.lu"};
  std::string ics = RenderCalendar({e}, "PUBLISH");
  CHECK(Property(ics, "ORGANIZER") == "<missing ORGANIZER>");
  CHECK(Property(ics, "ATTENDEE") == "<missing ATTENDEE>");
}

TEST_CASE("ics: a long attendee line is folded and unfolds to the original", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.organizer = CalendarParty{Repeat("Centre national de référence ", 4), "no-reply@parcours.local"};
  e.attendee = CalendarParty{Repeat("Müller-Øster ", 8), "a.very.long.address.for.folding@ecole.example.lu"};
  std::string ics = RenderCalendar({e}, "REQUEST");
  CheckFolding(ics);
  CHECK(Property(ics, "ATTENDEE") == "mailto:a.very.long.address.for.folding@ecole.example.lu");
  CHECK(Property(ics, "ORGANIZER") == "mailto:no-reply@parcours.local");
}

TEST_CASE("ics: an instant in the hour repeated when summer time ends is written in UTC", "[ics]") {
  // 2035-10-28: 03:00 summer time becomes 02:00 winter time. 00:31:27Z is 02:31:27 the first
  // time (local, as RFC 5545 reads it); 01:31:27Z is 02:31:27 the second time (UTC, exact).
  CalendarEvent e = WinterEvent();
  e.starts_at = Utc(2035, 10, 28, 0, 31, 27);
  e.ends_at = Utc(2035, 10, 28, 1, 31, 27);
  std::string ics = RenderCalendar({e}, "REQUEST");
  CHECK(HasLine(ics, "DTSTART;TZID=Europe/Luxembourg:20351028T023127"));
  CHECK(HasLine(ics, "DTEND:20351028T013127Z"));
}

TEST_CASE("ics: control characters in a text are dropped (RFC 5545 forbids them)", "[ics]") {
  CalendarEvent e = WinterEvent();
  e.summary = std::string("\x01\x02") + "Contraception\x7f\tbis";
  std::string ics = RenderCalendar({e}, "REQUEST");
  CHECK(HasLine(ics, "SUMMARY:Contraception\tbis"));
}

}  // namespace parcours
