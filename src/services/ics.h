#pragma once
// iCalendar (RFC 5545) for sessions: VEVENTs in Europe/Luxembourg time with its VTIMEZONE,
// CRLF line ends, lines folded at 75 octets, text escaped.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/model.h"

namespace parcours {

// A calendar user: a display name and an e-mail address (written as a mailto: URI).
struct CalendarParty {
  std::string name;
  std::string email;
};

struct CalendarEvent {
  std::string uid;  // stable per session and person, so updates replace the event
  TimePoint starts_at, ends_at, stamp;
  std::string summary, location, description;
  int sequence = 0;
  bool cancelled = false;
  // RFC 5546 scheduling: who sends the invitation and whom it is for, with their
  // participation status (ACCEPTED, TENTATIVE...). Written in REQUEST and CANCEL messages only.
  std::optional<CalendarParty> organizer = std::nullopt;
  std::optional<CalendarParty> attendee = std::nullopt;
  std::string attendee_partstat = "ACCEPTED";
};

// method: "REQUEST" (new or updated events), "CANCEL", or "PUBLISH" (a feed). REQUEST and
// CANCEL carry each event's ORGANIZER and ATTENDEE (with RSVP=FALSE: nothing to answer);
// PUBLISH never does.
// `calendar_name`, when given, is written as X-WR-CALNAME (the name calendar applications show
// for a subscribed feed).
std::string RenderCalendar(const std::vector<CalendarEvent>& events, const std::string& method,
                           const std::string& calendar_name = "");
std::string SessionEventUid(Id session_id, Id participant_id);

}  // namespace parcours
