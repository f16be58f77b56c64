#pragma once
// The employer's view (issue 12): the coordinator names a structure's contact people; each
// person decides, per structure, whether its contacts may see their registrations, progress and
// attestations; a contact sees exactly the people who are members of the structure today and
// share with it, and nothing of anyone else (a former member or one who withdrew is unknown to
// them: 404). Every grant, withdrawal and consent is audited in its transaction.
#include <optional>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/people_service.h"

namespace parcours {

struct ContactView {
  StructureContact contact;
  User person;
};

// One of a person's structures as their consent switch shows it.
struct SharingChoice {
  Structure structure;
  bool member_now = false;               // a membership covers today
  std::optional<TimePoint> shared_since;  // consent given (nullopt: not shared)
};

// A member of staff as the structure's contacts see them.
struct StaffMember {
  User person;
  Membership membership;
  std::vector<PathwayProgress> progress;  // the pathways they started (some hours, or complete)
  std::vector<Attestation> attestations;
};

struct StaffRecord {
  StaffMember member;
  std::vector<RecordRegistration> registrations;  // latest first
};

class EmployerService {
 public:
  EmployerService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  // The coordinator's.
  Result<ContactView> GrantContact(const RequestContext& ctx, Id structure_id, Id person_id);
  Result<bool> WithdrawContact(const RequestContext& ctx, Id structure_id, Id person_id);
  Result<std::vector<ContactView>> Contacts(const RequestContext& ctx, Id structure_id);
  // The signed-in person's: their structures (memberships now, and any they share with).
  Result<std::vector<SharingChoice>> Sharing(const RequestContext& ctx);
  Result<SharingChoice> Share(const RequestContext& ctx, Id structure_id);  // a member now only
  Result<bool> StopSharing(const RequestContext& ctx, Id structure_id);
  // The structures the signed-in person is a contact of.
  Result<std::vector<Structure>> ContactStructures(const RequestContext& ctx);
  // A contact of that structure only.
  Result<std::vector<StaffMember>> Staff(const RequestContext& ctx, Id structure_id);
  Result<StaffRecord> StaffMemberRecord(const RequestContext& ctx, Id structure_id, Id person_id);

 private:
  std::string Today() const;
  Store& store_;
  const Clock& clock_;
};

}  // namespace parcours
