#pragma once
// Structures (schools, foyers, associations, services) with their sector, and people's
// memberships over time with their profession: made by the coordinator, by people for
// themselves, or on the way by an agency's push or a history import (JoinStructure).
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/pagination.h"

namespace parcours {

nlohmann::json ToJson(const Structure& s);
nlohmann::json ToJson(const Membership& m);

struct StructureInput {
  std::string name, kind, sector;
};

struct MembershipInput {
  Id structure_id = 0;
  std::string profession;
  std::optional<std::string> starts_on, ends_on;  // starts_on: today when not given
};

// A membership with its structure, as people and the coordinator read it.
struct MembershipView {
  Membership membership;
  Structure structure;
};
nlohmann::json ToJson(const MembershipView& v);

// What an agency's push or an import row says of a person's structure (all optional: an empty
// name says nothing).
struct StructureRef {
  std::string name, sector, profession;
};
// Checks the fields alone, before any transaction; errors named prefix + "structure", ...
void CheckStructureRef(const StructureRef& ref, const std::string& prefix, std::vector<FieldError>& errors);
// In the caller's transaction: the structure named (made with the sector given when unknown;
// without a sector that is an error on prefix + "sector"), and the person's membership of it
// covering `date` (an open one is kept, started earlier when `date` is before its start; else
// one is made from `date`), audited. nullopt when the reference names no structure.
Result<std::optional<Membership>> JoinStructure(UnitOfWork& uow, const RequestContext& ctx, Id user_id,
                                                const StructureRef& ref, const std::string& date, TimePoint now,
                                                const std::string& prefix = "");

class StructureService {
 public:
  StructureService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  Result<Structure> Create(const RequestContext& ctx, const StructureInput& in);  // coordinator
  // Anyone signed in (people choose their structure from it).
  Result<Page<Structure>> List(const RequestContext& ctx, const std::optional<std::string>& sector,
                               const PageRequest& page);
  Result<Structure> Get(const RequestContext& ctx, Id id);
  // The person themself or the coordinator.
  Result<MembershipView> AddMembership(const RequestContext& ctx, Id person_id, const MembershipInput& in);
  Result<std::vector<MembershipView>> Memberships(const RequestContext& ctx, Id person_id);
  Result<MembershipView> EndMembership(const RequestContext& ctx, Id membership_id,
                                       const std::optional<std::string>& ends_on);

 private:
  std::string Today() const;
  Store& store_;
  const Clock& clock_;
};

}  // namespace parcours
