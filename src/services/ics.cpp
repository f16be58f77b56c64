#include "services/ics.h"

#include <cstdio>

#include "common/time.h"

namespace parcours {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == ';' || c == ',') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t' || (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)) {
      out += c;  // other control characters (RFC 5545 CONTROL, CR included) are dropped
    }
  }
  return out;
}

// A parameter value (RFC 5545 §3.1): always quoted; a quoted value may hold neither DQUOTE
// nor control characters.
std::string ParamValue(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '\'';
    else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  }
  return out + "\"";
}

std::string Party(const std::string& property, const CalendarParty& p, const std::string& params) {
  std::string line = property;
  if (!p.name.empty()) line += ";CN=" + ParamValue(p.name);
  return line + params + ":mailto:" + p.email;
}

// Folds a content line at 75 octets without splitting a UTF-8 sequence.
std::string Fold(const std::string& line) {
  std::string out;
  std::size_t count = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    unsigned char c = line[i];
    bool starts_char = (c & 0xC0) != 0x80;
    // The whole sequence this octet starts must fit on the line (75 octets, CRLF excluded).
    std::size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (starts_char && count + length > 75) {
      out += "\r\n ";
      count = 1;
    }
    out += line[i];
    ++count;
  }
  return out + "\r\n";
}

// Local Luxembourg time as "YYYYMMDDTHHMMSS".
std::string LocalStamp(TimePoint t) {
  std::string s = FormatRfc3339(t, LuxembourgOffsetMinutes(t));  // 2027-03-04T09:00:00+01:00
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + "T" + s.substr(11, 2) +
         s.substr(14, 2) + s.substr(17, 2);
}

std::string UtcStamp(TimePoint t) {
  std::string s = FormatRfc3339(t, 0);  // 2027-03-04T08:00:00Z
  return s.substr(0, 4) + s.substr(5, 2) + s.substr(8, 2) + "T" + s.substr(11, 2) +
         s.substr(14, 2) + s.substr(17, 2) + "Z";
}

// DTSTART/DTEND in Luxembourg local time, unless that local time names another instant: the
// hour repeated when summer time ends (02:00-03:00 twice) means its first occurrence (RFC 5545
// 3.3.5), so an instant in the second one is written in UTC. Found by the ics_roundtrip target.
std::string DateTimeLine(const char* name, TimePoint t) {
  const std::string s = FormatRfc3339(t, LuxembourgOffsetMinutes(t));
  auto n = [&](std::size_t at, std::size_t len) { return std::stoi(s.substr(at, len)); };
  const auto back = LuxembourgLocalToUtc(n(0, 4), static_cast<unsigned>(n(5, 2)), static_cast<unsigned>(n(8, 2)),
                                         n(11, 2), n(14, 2), n(17, 2));
  if (back && *back == std::chrono::floor<std::chrono::seconds>(t))
    return std::string(name) + ";TZID=Europe/Luxembourg:" + LocalStamp(t) + "\r\n";
  return std::string(name) + ":" + UtcStamp(t) + "\r\n";
}

constexpr const char* kTimezone =
    "BEGIN:VTIMEZONE\r\nTZID:Europe/Luxembourg\r\n"
    "BEGIN:DAYLIGHT\r\nTZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nTZNAME:CEST\r\n"
    "DTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\nEND:DAYLIGHT\r\n"
    "BEGIN:STANDARD\r\nTZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nTZNAME:CET\r\n"
    "DTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\nEND:STANDARD\r\n"
    "END:VTIMEZONE\r\n";

}  // namespace

std::string SessionEventUid(Id session_id, Id participant_id) {
  return "session-" + std::to_string(session_id) + "-" + std::to_string(participant_id) +
         "@parcours";
}

std::string RenderCalendar(const std::vector<CalendarEvent>& events, const std::string& method,
                           const std::string& calendar_name) {
  std::string out = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Parcours//Parcours//EN\r\n"
                    "CALSCALE:GREGORIAN\r\nMETHOD:" + method + "\r\n";
  if (!calendar_name.empty()) out += Fold("X-WR-CALNAME:" + Escape(calendar_name));
  out += kTimezone;
  for (const auto& e : events) {
    out += "BEGIN:VEVENT\r\n";
    out += Fold("UID:" + e.uid);
    out += "DTSTAMP:" + UtcStamp(e.stamp) + "\r\n";
    out += DateTimeLine("DTSTART", e.starts_at);
    out += DateTimeLine("DTEND", e.ends_at);
    out += "SEQUENCE:" + std::to_string(e.sequence) + "\r\n";
    out += std::string("STATUS:") + (e.cancelled ? "CANCELLED" : "CONFIRMED") + "\r\n";
    out += Fold("SUMMARY:" + Escape(e.summary));
    if (!e.location.empty()) out += Fold("LOCATION:" + Escape(e.location));
    if (!e.description.empty()) out += Fold("DESCRIPTION:" + Escape(e.description));
    if (method != "PUBLISH") {
      if (e.organizer) out += Fold(Party("ORGANIZER", *e.organizer, ""));
      if (e.attendee)
        out += Fold(Party("ATTENDEE", *e.attendee,
                          ";CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=" + e.attendee_partstat + ";RSVP=FALSE"));
    }
    out += "END:VEVENT\r\n";
  }
  return out + "END:VCALENDAR\r\n";
}

}  // namespace parcours
