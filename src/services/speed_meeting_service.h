#pragma once
// The speed-meeting planner for an event (issue 12 item 6): plans rounds of pairs or small
// tables from the people of a session and the structure each belongs to on its day, so that
// nobody sits with someone of their own structure and no two people meet twice. Nothing is
// stored: the plan is a function of the session's people and the parameters (the session's id
// is the seed), so the page, the JSON and the printed plan agree, and re-planning after the
// attendance sheet changes gives the plan for the people actually there.
#include <memory>
#include <string>
#include <vector>

#include "certificates/certificates.h"
#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "domain/speed_meeting.h"

namespace parcours {

struct SpeedMeetingParams {
  int round_minutes = 7;
  int duration_minutes = 90;
  int table_size = 2;
};

struct SpeedMeetingPerson {
  Id id = 0;
  std::string name;
  std::string structure;  // empty when none is known on the day
};

struct SpeedMeetingView {
  Id session_id = 0;
  std::string module_title;
  TimePoint starts_at;
  SpeedMeetingParams params;
  // "attendance" (people marked present or partial) or, before any mark, "registrations"
  // (confirmed registrants).
  std::string source;
  int rounds_wanted = 0;
  int upper_bound = 0;
  std::vector<SpeedMeetingPerson> people;  // the plan's indexes point here
  SpeedMeetingPlan plan;
  std::string language;  // the caller's, for the printed plan
};

class SpeedMeetingService {
 public:
  SpeedMeetingService(Store& store, std::shared_ptr<const certificates::Renderer> renderer)
      : store_(store), renderer_(std::move(renderer)) {}
  // The session's trainers and coordinators. 404 unknown session, 403 anyone else, 422 for
  // parameters out of range (rounds of 1 to 120 minutes, 1 to 1,000 rounds, tables of 2 to 12).
  Result<SpeedMeetingView> Plan(const RequestContext& ctx, Id session_id, const SpeedMeetingParams& params);
  // The printed plan: one block per person (their table each round), then one per table.
  Result<std::string> Pdf(const RequestContext& ctx, Id session_id, const SpeedMeetingParams& params);
  // "HH:MM" (Luxembourg) at which round `r` (0-based) starts.
  static std::string RoundStart(const SpeedMeetingView& v, int r);

 private:
  Store& store_;
  std::shared_ptr<const certificates::Renderer> renderer_;
};

}  // namespace parcours
