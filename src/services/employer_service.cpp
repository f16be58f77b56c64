#include "services/employer_service.h"

#include <map>

#include "common/text.h"
#include "common/time.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

nlohmann::json ContactJson(Id structure_id, Id person_id) {
  return {{"structure_id", IdString(structure_id)}, {"person_id", IdString(person_id)}};
}

Unexpected<DomainError> ContactsNamedByCoordinators() {
  return Error(ErrorCode::kForbidden, "Structures' contacts are named by coordinators.");
}

Unexpected<DomainError> NotAContact() {
  return Error(ErrorCode::kForbidden, "Only the structure's contact people see its staff.");
}

// Nothing tells a contact whether the person exists, works there, or does not share.
Unexpected<DomainError> NoSuchStaff() {
  return Error(ErrorCode::kNotFound, "No member of this structure's staff shares their record under this id.");
}

bool IsPerson(const Principal& p) { return p.kind == Principal::Kind::kUser; }

bool IsContactOf(UnitOfWork& uow, Id structure_id, Id user_id) {
  for (const auto& c : uow.structures().ContactRolesOf(user_id))
    if (c.structure_id == structure_id) return true;
  return false;
}

StaffMember MemberOf(UnitOfWork& uow, const Membership& m) {
  StaffMember out;
  out.person = *uow.users().FindById(m.user_id);
  out.membership = m;
  for (auto& p : ProgressOnEveryPathway(uow, m.user_id))
    if (p.hours_completed > 0 || p.complete) out.progress.push_back(std::move(p));
  out.attestations = uow.attestations().OfParticipant(m.user_id);
  return out;
}

// The person's structures: those they belong to today, and those they share with.
std::vector<SharingChoice> ChoicesOf(UnitOfWork& uow, Id user_id, const std::string& today) {
  std::map<Id, SharingChoice> by_structure;
  auto choice = [&](Id structure_id) -> SharingChoice& {
    auto it = by_structure.find(structure_id);
    if (it == by_structure.end())
      it = by_structure.emplace(structure_id, SharingChoice{*uow.structures().Find(structure_id), false, std::nullopt}).first;
    return it->second;
  };
  for (const auto& m : uow.structures().MembershipsOf(user_id))
    if (m.starts_on <= today && (!m.ends_on || today <= *m.ends_on)) choice(m.structure_id).member_now = true;
  for (const auto& s : uow.structures().SharingOf(user_id)) choice(s.structure_id).shared_since = s.given_at;
  std::vector<SharingChoice> out;
  for (auto& [id, c] : by_structure) out.push_back(std::move(c));
  return out;
}

}  // namespace

std::string EmployerService::Today() const { return FormatLocal(clock_.Now()).substr(0, 10); }

Result<ContactView> EmployerService::GrantContact(const RequestContext& ctx, Id structure_id, Id person_id) {
  if (!ctx.principal.IsCoordinator()) return ContactsNamedByCoordinators();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<ContactView> {
    if (!uow.structures().Find(structure_id)) return Error(ErrorCode::kNotFound, "No structure has this id.");
    auto person = uow.users().FindById(person_id);
    if (!person || person->email.starts_with("erased:"))
      return Invalid({{"person_id", "no person has this id"}});
    const TimePoint now = clock_.Now();
    StructureContact c{structure_id, person_id, now};
    if (!uow.structures().InsertContact(c))
      return Error(ErrorCode::kConflict, "This person is a contact of the structure already.");
    Audit(uow, ctx, now, "structure_contact.granted", "structure", structure_id, nullptr,
          ContactJson(structure_id, person_id), person_id);
    return ContactView{c, *person};
  });
}

Result<bool> EmployerService::WithdrawContact(const RequestContext& ctx, Id structure_id, Id person_id) {
  if (!ctx.principal.IsCoordinator()) return ContactsNamedByCoordinators();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<bool> {
    if (!uow.structures().DeleteContact(structure_id, person_id))
      return Error(ErrorCode::kNotFound, "This person is not a contact of this structure.");
    Audit(uow, ctx, clock_.Now(), "structure_contact.withdrawn", "structure", structure_id,
          ContactJson(structure_id, person_id), nullptr, person_id);
    return true;
  });
}

Result<std::vector<ContactView>> EmployerService::Contacts(const RequestContext& ctx, Id structure_id) {
  if (!ctx.principal.IsCoordinator()) return ContactsNamedByCoordinators();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<ContactView>> {
    if (!uow.structures().Find(structure_id)) return Error(ErrorCode::kNotFound, "No structure has this id.");
    std::vector<ContactView> out;
    for (const auto& c : uow.structures().ContactsOf(structure_id))
      out.push_back({c, *uow.users().FindById(c.user_id)});
    return out;
  });
}

Result<std::vector<SharingChoice>> EmployerService::Sharing(const RequestContext& ctx) {
  if (!IsPerson(ctx.principal)) return Error(ErrorCode::kForbidden, "Consents are a person's own.");
  const std::string today = Today();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<SharingChoice>> {
    return ChoicesOf(uow, ctx.principal.user_id, today);
  });
}

Result<SharingChoice> EmployerService::Share(const RequestContext& ctx, Id structure_id) {
  if (!IsPerson(ctx.principal)) return Error(ErrorCode::kForbidden, "Consents are a person's own.");
  const std::string today = Today();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<SharingChoice> {
    for (auto c : ChoicesOf(uow, ctx.principal.user_id, today)) {
      if (c.structure.id != structure_id) continue;
      if (c.shared_since) return c;  // given already: nothing changes
      if (!c.member_now) break;
      const TimePoint now = clock_.Now();
      if (!uow.structures().InsertSharing({ctx.principal.user_id, structure_id, now}))
        return Error(ErrorCode::kConflict, "The consent was given concurrently.");
      Audit(uow, ctx, now, "staff_sharing.given", "structure", structure_id, nullptr,
            ContactJson(structure_id, ctx.principal.user_id), ctx.principal.user_id);
      c.shared_since = now;
      return c;
    }
    return Invalid({{"structure_id", "you are not a member of this structure today"}});
  });
}

Result<bool> EmployerService::StopSharing(const RequestContext& ctx, Id structure_id) {
  if (!IsPerson(ctx.principal)) return Error(ErrorCode::kForbidden, "Consents are a person's own.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<bool> {
    if (!uow.structures().DeleteSharing(ctx.principal.user_id, structure_id))
      return Error(ErrorCode::kNotFound, "You do not share your record with this structure.");
    Audit(uow, ctx, clock_.Now(), "staff_sharing.withdrawn", "structure", structure_id,
          ContactJson(structure_id, ctx.principal.user_id), nullptr, ctx.principal.user_id);
    return true;
  });
}

Result<std::vector<Structure>> EmployerService::ContactStructures(const RequestContext& ctx) {
  if (!IsPerson(ctx.principal)) return NotAContact();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<Structure>> {
    std::vector<Structure> out;
    for (const auto& c : uow.structures().ContactRolesOf(ctx.principal.user_id))
      out.push_back(*uow.structures().Find(c.structure_id));
    return out;
  });
}

Result<std::vector<StaffMember>> EmployerService::Staff(const RequestContext& ctx, Id structure_id) {
  if (!IsPerson(ctx.principal)) return NotAContact();
  const std::string today = Today();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::vector<StaffMember>> {
    if (!IsContactOf(uow, structure_id, ctx.principal.user_id)) return NotAContact();
    std::vector<StaffMember> out;
    for (const auto& m : uow.structures().SharingMembers(structure_id, today))
      if (out.empty() || out.back().person.id != m.user_id) out.push_back(MemberOf(uow, m));
    return out;
  });
}

Result<StaffRecord> EmployerService::StaffMemberRecord(const RequestContext& ctx, Id structure_id, Id person_id) {
  if (!IsPerson(ctx.principal)) return NotAContact();
  const std::string today = Today();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<StaffRecord> {
    if (!IsContactOf(uow, structure_id, ctx.principal.user_id)) return NotAContact();
    for (const auto& m : uow.structures().SharingMembers(structure_id, today)) {
      if (m.user_id != person_id) continue;
      return StaffRecord{MemberOf(uow, m), RecordRegistrations(uow, person_id)};
    }
    return NoSuchStaff();
  });
}

}  // namespace parcours
