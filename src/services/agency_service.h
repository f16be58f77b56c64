#pragma once
// Training-agency sync: an agency pushes the enrolments made in its own catalogue (by its
// external id), by API or CSV, and pulls back what changed. Capacity, waiting-list and
// one-place-per-module rules are the same as for everyone; the person is found by normalised
// e-mail or created without a password (they claim the account by a link sent through the
// outbox). An agency writes only in its own domain: it pushes only into its own sessions, never
// enrols a staff account, and is shown only what it sent itself (the name and organisation
// kept with its enrolment), never an existing account's own profile.
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/pagination.h"
#include "services/registration_unit.h"
#include "services/structure_service.h"

namespace parcours {

struct EnrolmentInput {
  Id session_id = 0;
  std::string email, name, organisation;
  StructureRef structure;  // optional: the structure the person works in, their sector and profession
};

struct EnrolmentResult {
  Registration registration;
  std::string external_id;
  bool created = false;  // a new registration (201) rather than the existing one (200)
};

struct CsvRowError {
  int row = 0;  // 1-based line of the file (the header is row 1)
  std::string field, message;
};

struct CsvImportResult {
  std::vector<EnrolmentResult> applied;
  std::vector<CsvRowError> errors;  // non-empty: nothing was applied
};

class AgencyService {
 public:
  AgencyService(Store& store, const Clock& clock, RandomSource& random, std::string public_url,
                NotificationSettings notify = {})
      : store_(store), clock_(clock), random_(random), public_url_(std::move(public_url)), unit_(std::move(notify)) {}

  Result<EnrolmentResult> Put(const RequestContext& ctx, const std::string& code,
                              const std::string& external_id, const EnrolmentInput& in);
  Result<EnrolmentResult> Delete(const RequestContext& ctx, const std::string& code,
                                 const std::string& external_id);
  Result<Page<AgencyChange>> Changes(const RequestContext& ctx, const std::string& code,
                                     const std::optional<std::string>& since, int limit);
  Result<CsvImportResult> ImportCsv(const RequestContext& ctx, const std::string& code,
                                    const std::string& csv);
  Result<std::string> ExportCsv(const RequestContext& ctx, const std::string& code, int year);
  Result<std::string> SessionCsv(const RequestContext& ctx, Id session_id);

 private:
  Result<EnrolmentResult> PutInTransaction(UnitOfWork& uow, const RequestContext& ctx,
                                           const std::string& code, const std::string& external_id,
                                           const EnrolmentInput& in, TimePoint now);
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  std::string public_url_;
  RegistrationUnit unit_;
};

// Checks the access rule shared by the agency routes: that agency's key, or a coordinator.
std::optional<DomainError> CheckAgencyAccess(const Principal& who, const std::string& code);
// [start, end) of a calendar year in Luxembourg time.
std::pair<TimePoint, TimePoint> YearBounds(int year);
// Numbers the agency's committed, unsequenced change-feed items (see AgencyRepository).
void SequenceFeed(Store& store, const std::string& code);

}  // namespace parcours
