// Fuzz target: the .ics writer (src/services/ics, invitations and the calendar feed) read back
// by an RFC 5545 reader (ics_reader.h). Events are made from the input with what the database
// can hold (valid UTF-8 text, instants from 2000 to 2100, e-mail addresses as accepted at
// sign-up); the text is rendered as REQUEST, CANCEL or PUBLISH.
//
// Findings: a crash or sanitizer report; text that breaks the form (a line over 75 octets, a
// control character, a bare CR or LF); a field that does not read back as written (TEXT
// values lose only the control characters other than TAB and LF); a start or end that a
// calendar would place at another instant.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "common/time.h"
#include "domain/rules.h"
#include "fuzz_support.h"
#include "ics_reader.h"
#include "services/ics.h"

using namespace parcours;
using namespace parcours::fuzz;

namespace {

// What a TEXT value reads back as: control characters other than TAB and LF are dropped.
std::string ExpectedText(const std::string& s) {
  std::string out;
  for (unsigned char c : s)
    if (c >= 0x20 || c == '\t' || c == '\n') {
      if (c != 0x7f) out += static_cast<char>(c);
    }
  return out;
}

// A quoted parameter value (CN): no DQUOTE (written as '), no control characters.
std::string ExpectedParam(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"') out += '\'';
    else if (c >= 0x20 && c != 0x7f) out += static_cast<char>(c);
  }
  return out;
}

TimePoint Instant(FuzzedDataProvider& in) {
  // 2000-01-01 to 2100-01-01, whole seconds (as the writer writes them).
  const long long s = in.ConsumeIntegralInRange<long long>(946684800LL, 4102444800LL);
  return TimePoint(std::chrono::seconds(s));
}

std::string Email(FuzzedDataProvider& in) {
  auto e = NormaliseEmail(ToUtf8(in.ConsumeRandomLengthString(80)));
  return e ? *e : "person@example.lu";
}

// The instant a calendar reads from DTSTART/DTEND.
std::optional<TimePoint> ReadInstant(const IcsProperty& p) {
  const std::string& v = p.value;
  if (v.size() < 15 || v[8] != 'T') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t n) { return std::stoi(v.substr(at, n)); };
  const int y = num(0, 4), mo = num(4, 2), d = num(6, 2), h = num(9, 2), mi = num(11, 2), s = num(13, 2);
  if (v.size() == 16 && v[15] == 'Z')
    return TimePoint(std::chrono::sys_days(std::chrono::year{y} / mo / d).time_since_epoch() + std::chrono::hours(h) +
                     std::chrono::minutes(mi) + std::chrono::seconds(s));
  auto tz = p.params.find("TZID");
  if (v.size() != 15 || tz == p.params.end() || tz->second != "Europe/Luxembourg") return std::nullopt;
  return LuxembourgLocalToUtc(y, mo, d, h, mi, s);
}

void Same(const std::string& what, const std::string& got, const std::string& want) {
  if (got != want) Finding(what + " reads back as [" + got + "], written [" + want + "]");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  static const char* kMethods[] = {"REQUEST", "CANCEL", "PUBLISH"};
  const std::string method = kMethods[in.ConsumeIntegralInRange(0, 2)];
  std::vector<CalendarEvent> events(in.ConsumeIntegralInRange(0, 3));
  for (std::size_t i = 0; i < events.size(); ++i) {
    auto& e = events[i];
    e.uid = SessionEventUid(in.ConsumeIntegral<std::uint32_t>(), in.ConsumeIntegral<std::uint32_t>());
    e.starts_at = Instant(in);
    e.ends_at = Instant(in);
    e.stamp = Instant(in);
    e.sequence = in.ConsumeIntegralInRange(0, 1000000);
    e.cancelled = in.ConsumeBool();
    e.summary = ToUtf8(in.ConsumeRandomLengthString(300));
    e.location = ToUtf8(in.ConsumeRandomLengthString(300));
    e.description = ToUtf8(in.ConsumeRandomLengthString(600));
    if (in.ConsumeBool()) e.organizer = CalendarParty{ToUtf8(in.ConsumeRandomLengthString(100)), Email(in)};
    if (in.ConsumeBool()) e.attendee = CalendarParty{ToUtf8(in.ConsumeRandomLengthString(100)), Email(in)};
    e.attendee_partstat = in.ConsumeBool() ? "ACCEPTED" : "TENTATIVE";
  }
  const std::string text = RenderCalendar(events, method);
  std::string error;
  auto calendar = ReadIcs(text, error);
  if (!calendar) Finding("the calendar does not read back: " + error);
  if (calendar->name != "VCALENDAR") Finding("not a VCALENDAR");
  std::vector<const IcsComponent*> read;
  for (const auto& c : calendar->children)
    if (c.name == "VEVENT") read.push_back(&c);
  if (read.size() != events.size()) Finding("event count differs");
  for (std::size_t i = 0; i < events.size(); ++i) {
    const auto& e = events[i];
    const auto& c = *read[i];
    auto get = [&](const char* name) -> const IcsProperty& {
      const IcsProperty* p = c.Find(name);
      if (!p) Finding(std::string("no ") + name);
      return *p;
    };
    Same("UID", get("UID").value, e.uid);
    Same("SUMMARY", UnescapeText(get("SUMMARY").value), ExpectedText(e.summary));
    if (!ExpectedText(e.location).empty()) Same("LOCATION", UnescapeText(get("LOCATION").value), ExpectedText(e.location));
    if (!ExpectedText(e.description).empty())
      Same("DESCRIPTION", UnescapeText(get("DESCRIPTION").value), ExpectedText(e.description));
    Same("SEQUENCE", get("SEQUENCE").value, std::to_string(e.sequence));
    Same("STATUS", get("STATUS").value, e.cancelled ? "CANCELLED" : "CONFIRMED");
    for (auto [name, want] : {std::pair{"DTSTART", e.starts_at}, std::pair{"DTEND", e.ends_at}}) {
      auto at = ReadInstant(get(name));
      if (!at || *at != want)
        Finding(std::string(name) + " " + get(name).value + " is not " + FormatRfc3339(want, 0));
    }
    const bool scheduling = method != "PUBLISH";
    for (auto [name, party] : {std::pair{"ORGANIZER", &e.organizer}, std::pair{"ATTENDEE", &e.attendee}}) {
      const IcsProperty* p = c.Find(name);
      if (!scheduling || !*party) {
        if (p) Finding(std::string(name) + " written where it must not be");
        continue;
      }
      if (!p) Finding(std::string("no ") + name);
      Same(std::string(name) + " address", p->value, "mailto:" + (*party)->email);
      const std::string cn = ExpectedParam((*party)->name);
      auto it = p->params.find("CN");
      Same(std::string(name) + " CN", it == p->params.end() ? "" : it->second, cn);
    }
  }
  return 0;
}
