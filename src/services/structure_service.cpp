#include "services/structure_service.h"

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr std::size_t kMaxNameLength = 200;

bool IsDate(const std::string& date) { return date.size() == 10 && LuxembourgDayStart(date).has_value(); }

bool SelfOrCoordinator(const Principal& p, Id person_id) {
  return p.IsCoordinator() || (p.kind == Principal::Kind::kUser && p.user_id == person_id);
}

Unexpected<DomainError> NotYours() {
  return Error(ErrorCode::kForbidden, "Only the person themself or a coordinator may see or change their memberships.");
}

void CheckSector(const std::string& field, const std::string& sector, std::vector<FieldError>& errors) {
  if (!SectorFromString(sector))
    errors.push_back({field, "must be formal_education, non_formal_education, health, social or other"});
}

}  // namespace

nlohmann::json ToJson(const Structure& s) {
  return {{"id", IdString(s.id)}, {"name", s.name}, {"kind", s.kind}, {"sector", ToString(s.sector)}};
}

nlohmann::json ToJson(const Membership& m) {
  return {{"id", IdString(m.id)}, {"person_id", IdString(m.user_id)}, {"structure_id", IdString(m.structure_id)},
          {"profession", m.profession}, {"starts_on", m.starts_on},
          {"ends_on", m.ends_on ? nlohmann::json(*m.ends_on) : nlohmann::json(nullptr)}};
}

nlohmann::json ToJson(const MembershipView& v) {
  auto j = ToJson(v.membership);
  j["structure"] = ToJson(v.structure);
  return j;
}

void CheckStructureRef(const StructureRef& ref, const std::string& prefix, std::vector<FieldError>& errors) {
  if (ref.name.empty()) {
    if (!ref.sector.empty()) errors.push_back({prefix + "sector", "is given without a structure"});
    if (!ref.profession.empty()) CheckText(prefix + "profession", ref.profession, kMaxNameLength, errors, false);
    return;
  }
  CheckText(prefix + "structure", ref.name, kMaxNameLength, errors);
  if (!ref.sector.empty()) CheckSector(prefix + "sector", ref.sector, errors);
  CheckText(prefix + "profession", ref.profession, kMaxNameLength, errors, false);
}

Result<std::optional<Membership>> JoinStructure(UnitOfWork& uow, const RequestContext& ctx, Id user_id,
                                                const StructureRef& ref, const std::string& date, TimePoint now,
                                                const std::string& prefix) {
  const std::string name(Trim(ref.name));
  if (name.empty()) return std::optional<Membership>();
  auto structure = uow.structures().FindByName(name);
  if (!structure) {
    auto sector = SectorFromString(ref.sector);
    if (!sector) return Invalid({{prefix + "sector", "is needed for a structure not yet known"}});
    Structure made{0, name, "", *sector, now};
    auto id = uow.structures().Insert(made);
    if (!id) return Error(ErrorCode::kConflict, "The structure was created concurrently; retry.");
    made.id = *id;
    Audit(uow, ctx, now, "structure.created", "structure", made.id, nullptr, ToJson(made));
    structure = made;
  }
  for (auto m : uow.structures().MembershipsOf(user_id)) {
    if (m.structure_id != structure->id || m.ends_on) continue;
    if (date < m.starts_on) {
      auto before = ToJson(m);
      m.starts_on = date;
      uow.structures().SetMembershipDates(m.id, m.starts_on, m.ends_on);
      Audit(uow, ctx, now, "membership.changed", "membership", m.id, before, ToJson(m), user_id);
    }
    return std::optional<Membership>(m);
  }
  Membership m{0, user_id, structure->id, std::string(Trim(ref.profession)), date, std::nullopt, now};
  m.id = uow.structures().InsertMembership(m);
  Audit(uow, ctx, now, "membership.added", "membership", m.id, nullptr, ToJson(m), user_id);
  return std::optional<Membership>(m);
}

std::string StructureService::Today() const { return FormatLocal(clock_.Now()).substr(0, 10); }

Result<Structure> StructureService::Create(const RequestContext& ctx, const StructureInput& in) {
  if (!ctx.principal.IsCoordinator()) return Error(ErrorCode::kForbidden, "Structures are made by coordinators.");
  std::vector<FieldError> errors;
  CheckText("name", in.name, kMaxNameLength, errors);
  CheckText("kind", in.kind, 100, errors, false);
  CheckSector("sector", in.sector, errors);
  if (!errors.empty()) return Invalid(errors);
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Structure> {
    const TimePoint now = clock_.Now();
    Structure s{0, std::string(Trim(in.name)), std::string(Trim(in.kind)), *SectorFromString(in.sector), now};
    auto id = uow.structures().Insert(s);
    if (!id) return Error(ErrorCode::kAlreadyExists, "A structure has this name already.", {{"name", "is taken"}});
    s.id = *id;
    Audit(uow, ctx, now, "structure.created", "structure", s.id, nullptr, ToJson(s));
    return s;
  });
}

Result<Page<Structure>> StructureService::List(const RequestContext& ctx, const std::optional<std::string>& sector,
                                               const PageRequest& page) {
  if (ctx.principal.kind != Principal::Kind::kUser && ctx.principal.kind != Principal::Kind::kAgency)
    return Error(ErrorCode::kForbidden, "Sign in to read the structures.");
  std::vector<FieldError> errors;
  std::optional<Sector> filter;
  if (sector) {
    filter = SectorFromString(*sector);
    if (!filter) CheckSector("sector", *sector, errors);
  }
  Id after = 0;
  if (page.cursor) {
    auto key = DecodeCursor(*page.cursor);
    if (!key || key->b) errors.push_back({"cursor", "is not a cursor of this list"});
    else after = key->a;
  }
  if (!errors.empty()) return Error(ErrorCode::kMalformed, "Invalid query parameters.", errors);
  std::vector<Structure> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.structures().List(filter, after, page.limit + 1);
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const Structure& s) { return EncodeCursor(s.id); });
}

Result<Structure> StructureService::Get(const RequestContext& ctx, Id id) {
  if (ctx.principal.kind != Principal::Kind::kUser && ctx.principal.kind != Principal::Kind::kAgency)
    return Error(ErrorCode::kForbidden, "Sign in to read the structures.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Structure> {
    auto s = uow.structures().Find(id);
    if (!s) return Error(ErrorCode::kNotFound, "No structure has this id.");
    return *s;
  });
}

Result<MembershipView> StructureService::AddMembership(const RequestContext& ctx, Id person_id,
                                                       const MembershipInput& in) {
  if (!SelfOrCoordinator(ctx.principal, person_id)) return NotYours();
  std::vector<FieldError> errors;
  CheckText("profession", in.profession, kMaxNameLength, errors, false);
  const std::string starts_on = in.starts_on.value_or(Today());
  if (!IsDate(starts_on)) errors.push_back({"starts_on", "must be a date (YYYY-MM-DD)"});
  if (in.ends_on && !IsDate(*in.ends_on)) errors.push_back({"ends_on", "must be a date (YYYY-MM-DD)"});
  else if (in.ends_on && *in.ends_on < starts_on) errors.push_back({"ends_on", "must not be before starts_on"});
  if (!errors.empty()) return Invalid(errors);
  return Transact(store_, [&](UnitOfWork& uow) -> Result<MembershipView> {
    if (!uow.users().FindById(person_id)) return Error(ErrorCode::kNotFound, "No person has this id.");
    auto structure = uow.structures().Find(in.structure_id);
    if (!structure) return Invalid({{"structure_id", "no structure has this id"}});
    const TimePoint now = clock_.Now();
    Membership m{0, person_id, structure->id, std::string(Trim(in.profession)), starts_on, in.ends_on, now};
    m.id = uow.structures().InsertMembership(m);
    Audit(uow, ctx, now, "membership.added", "membership", m.id, nullptr, ToJson(m), person_id);
    return MembershipView{m, *structure};
  });
}

Result<std::vector<MembershipView>> StructureService::Memberships(const RequestContext& ctx, Id person_id) {
  if (!SelfOrCoordinator(ctx.principal, person_id)) return NotYours();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<MembershipView>> {
    if (!uow.users().FindById(person_id)) return Error(ErrorCode::kNotFound, "No person has this id.");
    std::vector<MembershipView> out;
    for (auto& m : uow.structures().MembershipsOf(person_id))
      out.push_back({m, *uow.structures().Find(m.structure_id)});
    return out;
  });
}

Result<MembershipView> StructureService::EndMembership(const RequestContext& ctx, Id membership_id,
                                                       const std::optional<std::string>& ends_on_in) {
  const std::string ends_on = ends_on_in.value_or(Today());
  if (ctx.principal.kind != Principal::Kind::kUser) return NotYours();
  if (!IsDate(ends_on)) return Invalid({{"ends_on", "must be a date (YYYY-MM-DD)"}});
  return Transact(store_, [&](UnitOfWork& uow) -> Result<MembershipView> {
    auto m = uow.structures().FindMembership(membership_id);
    if (!m) return Error(ErrorCode::kNotFound, "No membership has this id.");
    if (!SelfOrCoordinator(ctx.principal, m->user_id)) return NotYours();
    if (m->ends_on) return Error(ErrorCode::kConflict, "This membership has ended already.");
    if (ends_on < m->starts_on) return Invalid({{"ends_on", "must not be before the membership's start"}});
    auto before = ToJson(*m);
    m->ends_on = ends_on;
    uow.structures().SetMembershipDates(m->id, m->starts_on, m->ends_on);
    const TimePoint now = clock_.Now();
    Audit(uow, ctx, now, "membership.ended", "membership", m->id, before, ToJson(*m), m->user_id);
    return MembershipView{*m, *uow.structures().Find(m->structure_id)};
  });
}

}  // namespace parcours
