#pragma once
// Registrations: enrolment with capacity and a first-come-first-served waiting list,
// withdrawal with immediate promotion, and the lists. Every change runs in one transaction
// holding the session's row lock, so several server processes may share the database.
#include <optional>
#include <string>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/attendance_service.h"
#include "services/pagination.h"
#include "services/person_cache.h"
#include "services/registration_unit.h"

namespace parcours {

struct RegistrationRequest {
  Id session_id = 0;
  std::optional<Id> participant_id;  // coordinators register someone else
  std::optional<std::string> channel;  // only coordinators set another than DIRECT
  bool module_override = false;        // coordinators: a second active place in the module
};

// What "mon parcours" shows of one person, read in one transaction (issue 9): their
// registrations with sessions and modules, their attestations, their progress along pathways.
struct ParcoursRows {
  std::vector<RegistrationDetail> registrations;
  std::vector<Attestation> attestations;
  std::vector<PathwayProgress> progress;  // one per pathway asked, in that order
  std::int64_t version = 0;                // the person's version, read in the same transaction
};

class RegistrationService {
 public:
  RegistrationService(Store& store, const Clock& clock, NotificationSettings notify = {})
      : store_(store), clock_(clock), unit_(std::move(notify)) {}

  // One active registration per person and module: another date is a transfer.
  Result<Registration> Register(const RequestContext& ctx, const RegistrationRequest& in);
  Result<Registration> Withdraw(const RequestContext& ctx, Id registration_id);
  // Moves an active registration to another date of its module in one transaction (the old
  // place is withdrawn, promoting the first waiting person there); returns the new one.
  Result<Registration> Transfer(const RequestContext& ctx, Id registration_id, Id session_id);
  // The session's registrants with their names and organisations (its trainers,
  // coordinators); only those with `status` when given.
  Result<Page<Registrant>> ListForSession(const RequestContext& ctx, Id session_id, const PageRequest& page,
                                          std::optional<RegistrationStatus> status = std::nullopt);
  Result<Page<Registration>> ListMine(const RequestContext& ctx, const PageRequest& page);
  // The same page, each registration with its session and module (read in one transaction).
  Result<Page<RegistrationDetail>> ListMineDetailed(const RequestContext& ctx, const PageRequest& page);
  // The caller's rows of "mon parcours" (up to `limit` registrations), progress along `pathways`.
  Result<ParcoursRows> MyParcours(const RequestContext& ctx, const std::vector<Pathway>& pathways, int limit);
  // The same, kept per person (services/person_cache.h) and used again while `current` holds:
  // the person's version read at this request and the structure version `pathways` come from.
  // Without `current` nothing is kept.
  Result<std::shared_ptr<const ParcoursRows>> MyParcoursKept(const RequestContext& ctx,
                                                             const std::vector<Pathway>& pathways, int limit,
                                                             std::optional<PersonStamp> current);
  // The caller's confirmed (and cancelled) sessions as an iCalendar feed.
  // `calendar_name` becomes X-WR-CALNAME (the name a subscribed calendar shows) when given.
  Result<std::string> Calendar(const RequestContext& ctx, const std::string& calendar_name = "");
  // One registration: for its holder, the session's trainers and coordinators (404 otherwise).
  Result<Registration> Get(const RequestContext& ctx, Id registration_id);

 private:
  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;
  PersonCache<ParcoursRows> parcours_kept_;
};

}  // namespace parcours
