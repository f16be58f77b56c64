#pragma once
// People as the coordinator works with them: search by name, e-mail or organisation, and a
// person's record (registrations with their marks, progress along each pathway, attestations,
// and the audit trail of everything that concerned them).
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/attendance_service.h"
#include "services/pagination.h"

namespace parcours {

// A registration in a person's record, with its session, module and mark.
struct RecordRegistration {
  Registration registration;
  Session session;
  Module module;
  std::optional<AttendanceRecord> mark;
};

struct PersonRecord {
  User person;
  std::vector<RecordRegistration> registrations;  // latest first
  std::vector<PathwayProgress> progress;          // one per pathway
  std::vector<Attestation> attestations;
  std::vector<AuditEntry> audit;  // the latest entries; the whole trail: Trail()
  bool audit_more = false;
};

// The person with this e-mail, or a new one without a password (they can be sent a link to set
// one later), audited in the caller's transaction. `created` says which. Field errors are
// prefixed with `prefix` ("person." for a walk-in).
struct FoundPerson {
  User user;
  bool created = false;
};
Result<FoundPerson> FindOrCreatePerson(UnitOfWork& uow, const RequestContext& ctx, const std::string& email,
                                       const std::string& name, const std::string& organisation, TimePoint now,
                                       const std::string& prefix = "");

// A person's registrations with their sessions, modules and marks (latest first), and their
// progress along every pathway, read in the caller's transaction (the record, the employer's view).
std::vector<RecordRegistration> RecordRegistrations(UnitOfWork& uow, Id person_id);
std::vector<PathwayProgress> ProgressOnEveryPathway(UnitOfWork& uow, Id person_id);

class PeopleService {
 public:
  PeopleService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  Result<Page<User>> Search(const RequestContext& ctx, const std::string& query, std::optional<Role> role,
                            const PageRequest& page);
  Result<PersonRecord> Record(const RequestContext& ctx, Id person_id);
  // The person's audit trail, latest first.
  Result<Page<AuditEntry>> Trail(const RequestContext& ctx, Id person_id, const PageRequest& page);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace parcours
