#include "services/people_service.h"

#include <map>

#include "common/text.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr int kRecordAuditEntries = 50;
constexpr int kRecordRegistrations = 500;

Unexpected<DomainError> PeopleRecordsForCoordinators() {
  return Error(ErrorCode::kForbidden, "People's records are for coordinators.");
}

}  // namespace

Result<FoundPerson> FindOrCreatePerson(UnitOfWork& uow, const RequestContext& ctx, const std::string& email_in,
                                       const std::string& name, const std::string& organisation, TimePoint now,
                                       const std::string& prefix) {
  auto email = NormaliseEmail(email_in);
  std::vector<FieldError> errors;
  if (!email) errors.push_back({prefix + "email", "must be a valid e-mail address"});
  CheckText(prefix + "organisation", organisation, 200, errors, false);
  if (!errors.empty()) return Invalid(errors);
  // Someone known is found by their e-mail alone; a name is needed to create someone new.
  if (auto existing = uow.users().FindByEmail(*email, false)) return FoundPerson{*existing, false};
  CheckText(prefix + "name", name, 200, errors);
  if (!errors.empty()) return Invalid(errors);
  User u;
  u.email = *email;
  u.name = std::string(Trim(name));
  u.organisation = std::string(Trim(organisation));
  u.created_at = now;
  auto id = uow.users().Insert(u);
  if (!id) {  // created a moment ago by a concurrent request, now committed: use that account
    if (auto existing = uow.users().FindByEmail(*email, false)) return FoundPerson{*existing, false};
    return Error(ErrorCode::kConflict, "The person was created concurrently; retry.");
  }
  u.id = *id;
  Audit(uow, ctx, now, "user.created", "user", u.id, nullptr, ToJson(u), u.id);
  return FoundPerson{u, true};
}

std::vector<RecordRegistration> RecordRegistrations(UnitOfWork& uow, Id person_id) {
  std::vector<RecordRegistration> out;
  std::map<Id, AttendanceRecord> marks;
  for (auto& m : uow.attendance().ForParticipant(person_id)) marks[m.session_id] = m;
  std::map<Id, Module> modules;
  for (auto& r : uow.registrations().ListForParticipant(person_id, 0, kRecordRegistrations)) {
    auto s = uow.catalogue().FindSession(r.session_id, false);
    auto m = modules.find(s->module_id);
    if (m == modules.end()) m = modules.emplace(s->module_id, *uow.catalogue().FindModule(s->module_id)).first;
    std::optional<AttendanceRecord> mark;
    if (auto it = marks.find(r.session_id); it != marks.end()) mark = it->second;
    out.push_back({std::move(r), std::move(*s), m->second, mark});
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<PathwayProgress> ProgressOnEveryPathway(UnitOfWork& uow, Id person_id) {
  std::vector<PathwayProgress> out;
  for (Id after = 0;;) {
    auto pathways = uow.catalogue().ListPathways(after, 100);
    if (pathways.empty()) break;
    for (const auto& p : pathways) {
      after = p.id;
      out.push_back(ProgressOf(uow, person_id, p));
    }
  }
  return out;
}

Result<Page<User>> PeopleService::Search(const RequestContext& ctx, const std::string& query,
                                         std::optional<Role> role, const PageRequest& page) {
  if (!ctx.principal.IsCoordinator()) return PeopleRecordsForCoordinators();
  std::vector<FieldError> errors;
  CheckText("q", query, 200, errors, false);
  PersonFilter filter;
  if (page.cursor) {
    auto key = DecodeCursor(*page.cursor);
    if (!key || key->b) errors.push_back({"cursor", "is not a cursor of this list"});
    else filter.after_id = key->a;
  }
  if (!errors.empty()) return Error(ErrorCode::kMalformed, "Invalid query parameters.", errors);
  filter.query = std::string(Trim(query));
  filter.role = role;
  filter.limit = page.limit + 1;
  std::vector<User> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.users().Search(filter);
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const User& u) { return EncodeCursor(u.id); });
}

Result<PersonRecord> PeopleService::Record(const RequestContext& ctx, Id person_id) {
  if (!ctx.principal.IsCoordinator()) return PeopleRecordsForCoordinators();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<PersonRecord> {
    auto person = uow.users().FindById(person_id);
    if (!person) return Error(ErrorCode::kNotFound, "No person has this id.");
    PersonRecord record;
    record.person = *person;
    record.registrations = RecordRegistrations(uow, person_id);
    record.progress = ProgressOnEveryPathway(uow, person_id);
    record.attestations = uow.attestations().OfParticipant(person_id);
    record.audit = uow.audit().AboutSubject(person_id, 0, kRecordAuditEntries + 1);
    record.audit_more = static_cast<int>(record.audit.size()) > kRecordAuditEntries;
    if (record.audit_more) record.audit.resize(kRecordAuditEntries);
    return record;
  });
}

Result<Page<AuditEntry>> PeopleService::Trail(const RequestContext& ctx, Id person_id, const PageRequest& page) {
  if (!ctx.principal.IsCoordinator()) return PeopleRecordsForCoordinators();
  Id before = 0;
  if (page.cursor) {
    auto key = DecodeCursor(*page.cursor);
    if (!key || key->b || key->a <= 0)
      return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"cursor", "is not a cursor of this list"}});
    before = key->a;
  }
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Page<AuditEntry>> {
    if (!uow.users().FindById(person_id)) return Error(ErrorCode::kNotFound, "No person has this id.");
    return MakePage(uow.audit().AboutSubject(person_id, before, page.limit + 1), page.limit,
                    [](const AuditEntry& e) { return EncodeCursor(e.id); });
  });
}

}  // namespace parcours
