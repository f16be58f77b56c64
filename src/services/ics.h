#pragma once
// iCalendar (RFC 5545) for sessions: VEVENTs in Europe/Luxembourg time with its VTIMEZONE,
// CRLF line ends, lines folded at 75 octets, text escaped.
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/model.h"

namespace parcours {

struct CalendarEvent {
  std::string uid;  // stable per session and person, so updates replace the event
  TimePoint starts_at, ends_at, stamp;
  std::string summary, location, description;
  int sequence = 0;
  bool cancelled = false;
};

// method: "REQUEST" (new or updated events), "CANCEL", or "PUBLISH" (a feed).
std::string RenderCalendar(const std::vector<CalendarEvent>& events, const std::string& method);
std::string SessionEventUid(Id session_id, Id participant_id);

}  // namespace parcours
