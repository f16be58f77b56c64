#include "services/personal_data_service.h"

#include <algorithm>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/account_service.h"
#include "services/audit.h"
#include "services/structure_service.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr const char* kErased = "[erased]";
// Audit rows read per round trip of an export.
constexpr int kAuditBatch = 1000;
// Keys of audit JSON documents that hold a person's contact data.
constexpr const char* kPersonalKeys[] = {"email", "name", "organisation", "holder_name"};

Unexpected<DomainError> NoSuchPerson() { return Error(ErrorCode::kNotFound, "No person you may see has this id."); }

std::string JsonText(const std::string& s) {
  const std::string quoted = nlohmann::json(s).dump();
  return quoted.substr(1, quoted.size() - 2);
}

// Replaces every occurrence of `needle` in `text` (ASCII case-insensitively for e-mails).
bool ReplaceAll(std::string& text, const std::string& needle, bool ignore_case) {
  if (needle.empty()) return false;
  bool changed = false;
  const std::string haystack = ignore_case ? AsciiLower(text) : text;
  const std::string target = ignore_case ? AsciiLower(needle) : needle;
  std::string out;
  std::size_t from = 0;
  for (std::size_t at = haystack.find(target); at != std::string::npos; at = haystack.find(target, from)) {
    out.append(text, from, at - from);
    out += kErased;
    from = at + target.size();
    changed = true;
  }
  if (changed) text = out + text.substr(from);
  return changed;
}

bool Scrub(nlohmann::json& node, bool about_person, const std::string& email, const std::vector<std::string>& names,
           const std::string& key) {
  bool changed = false;
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) changed |= Scrub(it.value(), about_person, email, names, it.key());
  } else if (node.is_array()) {
    for (auto& item : node) changed |= Scrub(item, about_person, email, names, key);
  } else if (node.is_string()) {
    auto& text = node.get_ref<std::string&>();
    const bool personal_key =
        std::any_of(std::begin(kPersonalKeys), std::end(kPersonalKeys), [&](const char* k) { return key == k; });
    if (about_person && personal_key && !text.empty() && text != kErased) {
      text = kErased;
      return true;
    }
    changed |= ReplaceAll(text, email, true);
    for (const auto& name : names)
      if (name.size() >= 3) changed |= ReplaceAll(text, name, false);
  }
  return changed;
}

}  // namespace

bool ScrubAuditJson(nlohmann::json& doc, bool about_person, const std::string& email,
                    const std::vector<std::string>& names) {
  return Scrub(doc, about_person, email, names, "");
}

Result<PersonalData> PersonalDataService::Export(const RequestContext& ctx, Id person) {
  const Principal& who = ctx.principal;
  const bool self = who.kind == Principal::Kind::kUser && who.user_id == person;
  if (!self && !who.IsCoordinator()) return NoSuchPerson();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<PersonalData> {
    auto& data = uow.personal_data();
    PersonalData out;
    auto account = uow.users().FindById(person);
    if (!account || IsErased(*account)) return NoSuchPerson();
    out.account = *account;
    out.account.password_hash.clear();
    out.generated_at = clock_.Now();
    out.last_login_at = data.LastLogin(person);
    out.sign_ins = data.SignInsOf(person);
    out.registrations = data.RegistrationsOf(person);
    out.attendance = data.AttendanceOf(person);
    out.attendance_parts = data.AttendancePartsOf(person);
    out.attestations = data.AttestationsOf(person);
    out.notifications = data.NotificationsOf(person);
    out.agency_enrolments = data.EnrolmentsOf(person);
    out.sessions_taught = data.SessionsTaughtBy(person);
    for (auto& m : uow.structures().MembershipsOf(person))
      out.memberships.push_back({m, *uow.structures().Find(m.structure_id)});
    AuditFilter filter;
    filter.person = person;
    filter.limit = kAuditBatch;
    for (;;) {
      auto rows = uow.audit().List(filter);
      out.audit.insert(out.audit.end(), rows.begin(), rows.end());
      if (static_cast<int>(rows.size()) < kAuditBatch) break;
      filter.before_id = rows.back().id;
    }
    out.evaluation_answers = uow.evaluations().AnswersOf(person);
    out.structure_sharing = uow.structures().SharingOf(person);
    out.structure_contacts = uow.structures().ContactRolesOf(person);
    std::vector<Id> session_ids = out.sessions_taught;
    for (const auto& a : out.evaluation_answers) session_ids.push_back(a.session_id);
    for (const auto& r : out.registrations) session_ids.push_back(r.session_id);
    for (const auto& a : out.attendance) session_ids.push_back(a.session_id);
    for (const auto& p : out.attendance_parts) session_ids.push_back(p.session_id);
    for (Id id : session_ids) {
      if (out.sessions.count(id)) continue;
      if (auto s = uow.catalogue().FindSession(id, false)) {
        if (!out.modules.count(s->module_id))
          if (auto m = uow.catalogue().FindModule(s->module_id)) out.modules[m->id] = *m;
        out.sessions[id] = *s;
      }
    }
    // A coordinator reading someone's data is itself recorded (after the read: the export does
    // not contain its own row).
    if (!self) Audit(uow, ctx, out.generated_at, "user.data_exported", "user", person, nullptr, nullptr);
    return out;
  });
}

Result<User> PersonalDataService::Rectify(const RequestContext& ctx, Id person, const ProfileChange& change) {
  const Principal& who = ctx.principal;
  if (!(who.kind == Principal::Kind::kUser && who.user_id == person)) return NoSuchPerson();
  std::vector<FieldError> errors;
  if (change.name) CheckText("name", *change.name, 200, errors);
  if (change.organisation) CheckText("organisation", *change.organisation, 200, errors, false);
  if (change.language && !IsSupportedLanguage(*change.language)) errors.push_back({"language", "must be fr, de or en"});
  if (!errors.empty()) return Invalid(errors);
  return Transact(store_, [&](UnitOfWork& uow) -> Result<User> {
    auto user = uow.personal_data().LockPerson(person);
    if (!user || IsErased(*user)) return NoSuchPerson();
    User after = *user;
    if (change.name) after.name = std::string(Trim(*change.name));
    if (change.organisation) after.organisation = std::string(Trim(*change.organisation));
    if (change.language) after.language = *change.language;
    auto profile = [](const User& u) {
      return nlohmann::json{{"name", u.name}, {"organisation", u.organisation}, {"language", u.language}};
    };
    if (profile(after) != profile(*user)) {
      uow.users().UpdateProfile(person, after.name, after.organisation, after.language);
      Audit(uow, ctx, clock_.Now(), "user.rectified", "user", person, profile(*user), profile(after));
    }
    after.password_hash.clear();
    return after;
  });
}

Result<ErasureReport> PersonalDataService::Erase(const RequestContext& ctx, Id person) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  if (ctx.principal.user_id == person)
    return Error(ErrorCode::kRuleViolation, "A coordinator cannot erase their own account.");
  return Transact(store_, [&](UnitOfWork& uow) { return EraseInTransaction(uow, ctx, person, clock_.Now()); });
}

Result<ErasureReport> PersonalDataService::EraseInTransaction(UnitOfWork& uow, const RequestContext& ctx, Id person,
                                                              TimePoint now) {
  auto& data = uow.personal_data();
  auto user = data.LockPerson(person);
  if (!user) return NoSuchPerson();
  if (IsErased(*user)) return Error(ErrorCode::kConflict, "This person is already erased.");
  if (user->Has(Role::kCoordinator))
    return Error(ErrorCode::kRuleViolation, "A coordinator's account is not erased; another coordinator removes "
                                            "the role first.");
  auto holdings = data.HoldingsOf(person, now);
  if (holdings.upcoming_confirmed > 0)
    return Error(ErrorCode::kConflict, "This person holds " + std::to_string(holdings.upcoming_confirmed) +
                                           " confirmed place(s) in sessions that have not ended: withdraw them "
                                           "first, or erase after the sessions.");
  if (holdings.upcoming_teaching > 0)
    return Error(ErrorCode::kConflict, "This person teaches " + std::to_string(holdings.upcoming_teaching) +
                                           " session(s) that have not ended: assign other trainers first.");
  ErasureReport report;
  report.person_id = person;
  // Places on waiting lists are withdrawn as the person would withdraw them (positions behind
  // move up; agencies see it in their feed). Sessions are locked in id order.
  for (const auto& reg : holdings.upcoming_waitlisted) {
    auto session = uow.catalogue().FindSession(reg.session_id, true);
    auto fresh = uow.registrations().Find(reg.id);
    if (!session || !fresh || fresh->status != RegistrationStatus::kWaitlisted) continue;
    unit_.Withdraw(uow, ctx, *session, *fresh, now);
    ++report.waitlisted_withdrawn;
  }
  for (const auto& a : data.AttestationsOf(person)) {
    if (a.revoked_at) continue;
    const nlohmann::json before = {{"participant_id", IdString(a.participant_id)},
                                   {"pathway_id", IdString(a.pathway_id)},
                                   {"verification_code", a.verification_code},
                                   {"revoked", false}};
    nlohmann::json after = before;
    after["revoked"] = true;
    after["reason"] = "erased";
    Audit(uow, ctx, now, "attestation.revoked", "attestation", a.id, before, after);
    ++report.attestations_revoked;
  }
  // The audit trail: rows about the person lose every contact field; any row, the person's
  // e-mail and names (each name the person had: rows about them hold the earlier ones).
  const std::string email = JsonText(user->email);
  auto rows = data.AuditRowsToScrub(person, email);
  std::vector<std::string> names = {user->name};
  for (const auto& row : rows) {
    if (row.entry.person_id != person) continue;
    for (const auto* text : {&row.entry.before_json, &row.entry.after_json}) {
      auto doc = nlohmann::json::parse(*text, nullptr, false);
      if (doc.is_object() && doc.contains("name") && doc["name"].is_string()) names.push_back(JsonText(doc["name"]));
    }
  }
  // Longest first, so that "Anne Müller-Weber" goes whole before "Anne Müller" is looked for.
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (auto& row : rows) {
    bool changed = false;
    const bool about = row.entry.person_id == person;
    std::string texts[2] = {row.entry.before_json, row.entry.after_json};
    for (auto& text : texts) {
      if (text.empty()) continue;
      auto doc = nlohmann::json::parse(text, nullptr, false);
      if (doc.is_discarded()) {
        // Not JSON (never written so): scrub the text as it is.
        for (const auto& name : names) changed |= ReplaceAll(text, name, false);
        changed |= ReplaceAll(text, email, true);
        continue;
      }
      if (ScrubAuditJson(doc, about, user->email, names)) {
        text = doc.dump();
        changed = true;
      }
    }
    if (changed) {
      data.RewriteAudit(row.id, texts[0], texts[1]);
      ++report.audit_rows_scrubbed;
    }
  }
  const auto erased = data.Erase(person, email, LoginEmailHash(user->email), holdings.has_records, now);
  report.row_deleted = erased.row_deleted;
  report.notifications_deleted = erased.notifications;
  report.sign_in_rows_deleted = erased.tokens + erased.login_rows;
  // The erasure's own row names nothing erased: who erased whom (by id), when, and the counts.
  Audit(uow, ctx, now, "user.erased", "user", person, nullptr,
        {{"row_deleted", report.row_deleted},
         {"waitlisted_withdrawn", report.waitlisted_withdrawn},
         {"attestations_revoked", report.attestations_revoked},
         {"notifications_deleted", report.notifications_deleted},
         {"audit_rows_scrubbed", report.audit_rows_scrubbed},
         {"sign_in_rows_deleted", report.sign_in_rows_deleted}});
  return report;
}

PersonalDataService::RetentionPass PersonalDataService::RunRetention(int limit, bool force) {
  RetentionPass pass;
  const TimePoint now = clock_.Now();
  {
    std::lock_guard lock(retention_mu_);
    // (The distance either way: a test clock may move back.)
    if (!force && last_retention_ && std::chrono::abs(now - *last_retention_) < retention_.every) return pass;
    last_retention_ = now;
  }
  store_.Transact([&](UnitOfWork& uow) {
    pass.notifications_purged = uow.personal_data().PurgeDeliveredNotifications(now - retention_.notifications_after, 10000);
    return true;
  });
  if (retention_.inactive_after.count() <= 0) return pass;
  const TimePoint cutoff = now - retention_.inactive_after;
  std::vector<Id> inactive;
  store_.Transact([&](UnitOfWork& uow) {
    inactive = uow.personal_data().InactiveParticipants(cutoff, 0, limit);
    return true;
  });
  RequestContext system;
  system.principal.kind = Principal::Kind::kSystem;
  system.request_id = "retention";
  for (Id person : inactive) {
    // Each in its own transaction, under the person's row lock, after checking again: a person
    // who became active meanwhile is kept.
    auto r = Transact(store_, [&](UnitOfWork& uow) -> Result<ErasureReport> {
      auto& data = uow.personal_data();
      if (!data.LockPerson(person) || data.InactiveParticipants(cutoff, person, 1) != std::vector<Id>{person})
        return Error(ErrorCode::kConflict, "active again");
      return EraseInTransaction(uow, system, person, now);
    });
    if (r) ++pass.erased;
  }
  return pass;
}

// --- the export as a JSON document (the API route and the profile page's download) -----------------

using nlohmann::json;

namespace {

json OptionalTime(const std::optional<TimePoint>& t) { return t ? json(FormatLocal(*t)) : json(nullptr); }
json IdOrNull(const std::optional<Id>& id) { return id ? json(IdString(*id)) : json(nullptr); }

// An audit JSON document as stored, or its text when it does not parse.
json AuditDocument(const std::string& text) {
  if (text.empty()) return nullptr;
  auto doc = json::parse(text, nullptr, false);
  return doc.is_discarded() ? json(text) : doc;
}

}  // namespace

json AuditJson(const AuditRecord& r) {
  const AuditEntry& e = r.entry;
  return {{"id", IdString(r.id)},          {"at", FormatLocal(e.at)},
          {"actor", e.actor},              {"action", e.action},
          {"entity_type", e.entity_type},  {"entity_id", IdString(e.entity_id)},
          {"person_id", IdOrNull(e.person_id)}, {"session_id", IdOrNull(e.session_id)},
          {"request_id", e.request_id},    {"before", AuditDocument(e.before_json)},
          {"after", AuditDocument(e.after_json)}};
}

namespace {

// The session a record names, as the person knows it: module title and dates.
json SessionSummary(const PersonalData& d, Id session_id) {
  json j = {{"session_id", IdString(session_id)}};
  auto s = d.sessions.find(session_id);
  if (s == d.sessions.end()) return j;
  j["module_id"] = IdString(s->second.module_id);
  auto m = d.modules.find(s->second.module_id);
  j["module_title"] = m == d.modules.end() ? json(nullptr) : json(m->second.title);
  j["starts_at"] = FormatLocal(s->second.starts_at);
  j["ends_at"] = FormatLocal(s->second.ends_at);
  j["location"] = s->second.location;
  return j;
}

}  // namespace

json PersonalDataJson(const PersonalData& d) {
  json account = ToJson(d.account);
  account["created_at"] = FormatLocal(d.account.created_at);
  account["last_login_at"] = OptionalTime(d.last_login_at);
  json sign_ins = json::array();
  for (const auto& s : d.sign_ins)
    sign_ins.push_back({{"created_at", FormatLocal(s.created_at)}, {"expires_at", FormatLocal(s.expires_at)},
                        {"revoked", s.revoked}});
  json registrations = json::array();
  for (const auto& r : d.registrations) {
    json j = ToJson(r);
    j["session"] = SessionSummary(d, r.session_id);
    registrations.push_back(j);
  }
  json attendance = json::array();
  for (const auto& a : d.attendance) {
    json j = SessionSummary(d, a.session_id);
    j["status"] = ToString(a.status);
    j["hours"] = a.hours;
    j["marked_at"] = FormatLocal(a.marked_at);
    attendance.push_back(j);
  }
  // Marks per part of a multi-part session, each with the part's dates and hours.
  json attendance_parts = json::array();
  for (const auto& p : d.attendance_parts) {
    json part = {{"position", p.position}};
    if (auto s = d.sessions.find(p.session_id); s != d.sessions.end())
      for (const auto& x : s->second.parts)
        if (x.position == p.position) part = ToJson(x);
    attendance_parts.push_back({{"session", SessionSummary(d, p.session_id)}, {"part", part}, {"present", p.present},
                                {"marked_at", FormatLocal(p.marked_at)}});
  }
  json attestations = json::array();
  for (const auto& a : d.attestations)
    attestations.push_back({{"id", IdString(a.id)}, {"pathway_id", IdString(a.pathway_id)},
                            {"pathway_title", a.pathway_title}, {"holder_name", a.holder_name},
                            {"total_hours", a.total_hours}, {"language", a.language},
                            {"verification_code", a.verification_code}, {"issued_at", FormatLocal(a.issued_at)},
                            {"revoked", a.revoked_at.has_value()}, {"revoked_at", OptionalTime(a.revoked_at)},
                            {"revoke_reason", a.revoke_reason}, {"sha256", a.sha256}});
  json notifications = json::array();
  for (const auto& n : d.notifications)
    notifications.push_back({{"id", IdString(n.message.id)}, {"kind", ToString(n.message.kind)},
                             {"to_email", n.message.to_email}, {"language", n.message.language},
                             {"subject", n.message.subject}, {"body_text", n.message.body_text},
                             {"calendar", n.message.ics.empty() ? json(nullptr) : json(n.message.ics)},
                             {"status", n.status}, {"created_at", FormatLocal(n.message.created_at)},
                             {"sent_at", OptionalTime(n.sent_at)}});
  json enrolments = json::array();
  for (const auto& e : d.agency_enrolments)
    enrolments.push_back({{"agency", e.agency}, {"external_id", e.external_id},
                          {"registration_id", IdString(e.registration_id)}, {"email", e.email}, {"name", e.name},
                          {"organisation", e.organisation}});
  json memberships = json::array();
  for (const auto& [m, st] : d.memberships) memberships.push_back(ToJson(MembershipView{m, st}));
  json taught = json::array();
  for (Id id : d.sessions_taught) taught.push_back(SessionSummary(d, id));
  json audit = json::array();
  for (const auto& r : d.audit) audit.push_back(AuditJson(r));
  json answers = json::array();
  for (const auto& a : d.evaluation_answers)
    answers.push_back({{"session", SessionSummary(d, a.session_id)},
                       {"answers", json::parse(a.answers_json, nullptr, false)}});
  json sharing = json::array();
  for (const auto& s : d.structure_sharing)
    sharing.push_back({{"structure_id", IdString(s.structure_id)}, {"given_at", FormatLocal(s.given_at)}});
  json contacts = json::array();
  for (const auto& c : d.structure_contacts)
    contacts.push_back({{"structure_id", IdString(c.structure_id)}, {"granted_at", FormatLocal(c.granted_at)}});
  return {{"generated_at", FormatLocal(d.generated_at)},
          {"account", account},
          {"sign_ins", sign_ins},
          {"registrations", registrations},
          {"attendance", attendance},
          {"attendance_parts", attendance_parts},
          {"attestations", attestations},
          {"notifications", notifications},
          {"agency_enrolments", enrolments},
          {"sessions_taught", taught},
          {"audit", audit},
          {"memberships", memberships},
          {"evaluation_answers", answers},
          {"structure_sharing", sharing},
          {"structure_contacts", contacts}};
}

}  // namespace parcours
