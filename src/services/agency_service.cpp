#include "services/agency_service.h"

#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"
#include "common/time.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/crypto.h"
#include "services/csv.h"
#include "services/notifications.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr std::chrono::hours kClaimLifetime{14 * 24};

bool IsValidExternalId(const std::string& id) {
  if (id.empty() || id.size() > 128) return false;
  for (unsigned char c : id)
    if (c < 0x21 || c > 0x7e || c == '/' || c == '?' || c == '#') return false;
  return true;
}

std::vector<FieldError> CheckInput(const std::string& external_id, const EnrolmentInput& in) {
  std::vector<FieldError> errors;
  if (!IsValidExternalId(external_id))
    errors.push_back({"external_id", "must be 1–128 printable ASCII characters without / ? #"});
  if (!NormaliseEmail(in.email)) errors.push_back({"participant.email", "must be a valid e-mail address"});
  CheckText("participant.name", in.name, 200, errors);
  CheckText("participant.organisation", in.organisation, 200, errors, false);
  CheckStructureRef(in.structure, "participant.", errors);
  return errors;
}

}  // namespace

std::optional<DomainError> CheckAgencyAccess(const Principal& who, const std::string& code) {
  if (who.IsCoordinator()) return std::nullopt;
  if (who.kind == Principal::Kind::kAgency && who.agency_code == code) return std::nullopt;
  return DomainError{ErrorCode::kForbidden, "Only this agency's key (or a coordinator) may do this.", {}};
}

void SequenceFeed(Store& store, const std::string& code) {
  for (int assigned = 1; assigned > 0;) {
    store.Transact([&](UnitOfWork& uow) {
      assigned = uow.agencies().SequencePending(code);
      return true;
    });
  }
}

std::pair<TimePoint, TimePoint> YearBounds(int year) {
  auto start = LuxembourgLocalToUtc(year, 1, 1);
  auto end = LuxembourgLocalToUtc(year + 1, 1, 1);
  return {*start, *end};
}

Result<EnrolmentResult> AgencyService::PutInTransaction(UnitOfWork& uow, const RequestContext& ctx,
                                                        const std::string& code,
                                                        const std::string& external_id,
                                                        const EnrolmentInput& in, TimePoint now) {
  auto agency = uow.agencies().Find(code);
  if (!agency) return Error(ErrorCode::kNotFound, "No agency has this code.");
  const std::string email = *NormaliseEmail(in.email);
  auto target = uow.catalogue().FindSession(in.session_id, false);
  if (!target) return Invalid({{"session_id", "no session has this id"}});
  // An agency pushes only into its own sessions (the coordinator, acting for it, anywhere).
  if (ctx.principal.kind == Principal::Kind::kAgency && target->agency != code)
    return Error(ErrorCode::kForbidden, "An agency enrols only into its own sessions.",
                 {{"session_id", "is not a session of " + code}});
  auto existing = uow.agencies().FindEnrolment(code, external_id, true);
  std::optional<Registration> current;
  if (existing) current = uow.registrations().Find(existing->registration_id);

  // The person: found by e-mail whatever the channel, or created without a password. A staff
  // account is never enrolled by a push; the answer is the one for a person who already holds
  // a place in the module, so the agency learns nothing about the account.
  auto person = uow.users().FindByEmail(email, false);
  if (person && (person->Has(Role::kTrainer) || person->Has(Role::kCoordinator)))
    return Error(ErrorCode::kAlreadyInModule, kAlreadyInModuleDetail);
  if (!person) {
    User u;
    u.email = email;
    u.name = std::string(Trim(in.name));
    u.organisation = std::string(Trim(in.organisation));
    u.created_at = now;
    if (auto id = uow.users().Insert(u)) {
      u.id = *id;
      Audit(uow, ctx, now, "user.created", "user", u.id, nullptr, ToJson(u), u.id);
      const std::string token = NewSecret(random_, "pr_");
      uow.users().InsertPasswordReset(Sha256Hex(token), u.id, now, now + kClaimLifetime);
      Notifier(uow).AccountClaim(u, public_url_ + "/claim?token=" + token, agency->name, now);
      person = u;
    } else {  // created a moment ago by a concurrent push, now committed: use that account
      person = uow.users().FindByEmail(email, false);
      if (!person) return Error(ErrorCode::kConflict, "The person was created concurrently; retry.");
      if (person->Has(Role::kTrainer) || person->Has(Role::kCoordinator))
        return Error(ErrorCode::kAlreadyInModule, kAlreadyInModuleDetail);
    }
  }

  const bool moving = current && IsActive(current->status);
  if (moving) {
    if (current->participant_id != person->id)
      return Error(ErrorCode::kConflict, "This external id already names another person's enrolment.");
    if (current->session_id == in.session_id)
      return EnrolmentResult{*current, external_id, false};  // a repeat: nothing changes
  }

  // What the agency sent, kept with its enrolment: all it is ever shown of the person.
  const EnrolmentRecord record{code, external_id, email, std::string(Trim(in.name)),
                               std::string(Trim(in.organisation))};
  // Lock the sessions involved in id order (no deadlock between transfers), then change.
  std::vector<Id> ids = {in.session_id};
  if (moving && current->session_id != in.session_id) ids.push_back(current->session_id);
  std::sort(ids.begin(), ids.end());
  std::map<Id, Session> locked;
  for (Id id : ids) locked[id] = *uow.catalogue().FindSession(id, true);
  Result<Registration> r;
  std::optional<Registration> fresh;
  if (moving) fresh = uow.registrations().Find(current->id);
  if (fresh && IsActive(fresh->status)) {
    r = unit_.Transfer(uow, ctx, locked[fresh->session_id], locked[in.session_id], *fresh, now,
                       "enrolment.transferred", record);
  } else {
    RegisterRequest request;
    request.participant_id = person->id;
    request.channel = code;
    r = unit_.Register(uow, ctx, locked[in.session_id], request, now, record);
  }
  if (!r) return Fail(r.error());
  auto joined = JoinStructure(uow, ctx, person->id, in.structure, FormatLocal(now).substr(0, 10), now, "participant.");
  if (!joined) return Fail(joined.error());
  return EnrolmentResult{*r, external_id, true};
}

Result<EnrolmentResult> AgencyService::Put(const RequestContext& ctx, const std::string& code,
                                           const std::string& external_id, const EnrolmentInput& in) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  if (auto errors = CheckInput(external_id, in); !errors.empty()) return Invalid(errors);
  Result<EnrolmentResult> out;
  store_.Transact([&](UnitOfWork& uow) {
    out = PutInTransaction(uow, ctx, code, external_id, in, clock_.Now());
    return out.ok();
  });
  return out;
}

Result<EnrolmentResult> AgencyService::Delete(const RequestContext& ctx, const std::string& code,
                                              const std::string& external_id) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  Result<EnrolmentResult> out;
  store_.Transact([&](UnitOfWork& uow) {
    const TimePoint now = clock_.Now();
    auto e = uow.agencies().FindEnrolment(code, external_id, true);
    if (!e) {
      out = Error(ErrorCode::kNotFound, "This agency has no enrolment with this external id.");
      return false;
    }
    auto peek = uow.registrations().Find(e->registration_id);
    auto session = uow.catalogue().FindSession(peek->session_id, true);
    auto reg = uow.registrations().Find(e->registration_id);
    if (!IsActive(reg->status)) {  // already withdrawn or cancelled: repeating changes nothing
      out = EnrolmentResult{*reg, external_id, false};
      return false;
    }
    out = EnrolmentResult{unit_.Withdraw(uow, ctx, *session, *reg, now), external_id, false};
    return true;
  });
  return out;
}

Result<Page<AgencyChange>> AgencyService::Changes(const RequestContext& ctx, const std::string& code,
                                                  const std::optional<std::string>& since, int limit) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  long long after = 0;
  if (since && !since->empty()) {
    auto key = DecodeCursor(*since);
    if (!key || key->b || key->a < 0) return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"since", "is not a cursor of this feed"}});
    after = key->a;
  }
  try {
    SequenceFeed(store_, code);
  } catch (const StoreBusy&) {
    // Numbering is contended (a rush through several servers or nodes): serve the items that
    // are numbered; the next read or the webhook dispatcher numbers the rest, in commit order.
  }
  Result<Page<AgencyChange>> out;
  store_.Transact([&](UnitOfWork& uow) {
    if (!uow.agencies().Find(code)) {
      out = Error(ErrorCode::kNotFound, "No agency has this code.");
      return false;
    }
    Page<AgencyChange> page;
    page.items = uow.agencies().Changes(code, after, limit);
    // The cursor always advances to the last item read (or stays), so a client can poll.
    long long last = page.items.empty() ? after : page.items.back().seq;
    page.next_cursor = EncodeCursor(last);
    out = page;
    return true;
  });
  return out;
}

Result<CsvImportResult> AgencyService::ImportCsv(const RequestContext& ctx, const std::string& code,
                                                 const std::string& text) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  auto rows = ParseCsv(text);
  if (!rows) return Error(ErrorCode::kMalformed, "The file is not UTF-8 CSV (or a quote is not closed).");
  if (rows->empty()) return Invalid({{"file", "is empty"}});
  // Columns by header name, in any order.
  std::map<std::string, std::size_t> col;
  for (std::size_t i = 0; i < (*rows)[0].size(); ++i) col[AsciiLower(Trim((*rows)[0][i]))] = i;
  std::vector<FieldError> missing;
  for (const char* name : {"external_id", "session_id", "email", "name"})
    if (!col.count(name)) missing.push_back({"header", std::string("needs a column '") + name + "'"});
  if (!missing.empty()) return Invalid(missing);
  if (rows->size() > 5001) return Invalid({{"file", "has more than 5000 rows"}});

  CsvImportResult result;
  struct Parsed {
    int row;
    std::string external_id;
    EnrolmentInput in;
  };
  std::vector<Parsed> parsed;
  std::set<std::string> seen;
  auto cell = [&](const CsvRow& r, const char* name) -> std::string {
    auto it = col.find(name);
    return it == col.end() || it->second >= r.size() ? "" : std::string(Trim(r[it->second]));
  };
  for (std::size_t i = 1; i < rows->size(); ++i) {
    const CsvRow& r = (*rows)[i];
    const int line = static_cast<int>(i) + 1;
    Parsed p{line, cell(r, "external_id"), {}};
    auto session = ParseId(cell(r, "session_id"));
    if (!session) result.errors.push_back({line, "session_id", "must be a session id"});
    else p.in.session_id = *session;
    p.in.email = cell(r, "email");
    p.in.name = cell(r, "name");
    p.in.organisation = cell(r, "organisation");
    p.in.structure = {cell(r, "structure"), cell(r, "sector"), cell(r, "profession")};
    for (auto& e : CheckInput(p.external_id, p.in)) result.errors.push_back({line, e.field, e.message});
    if (!p.external_id.empty() && !seen.insert(p.external_id).second)
      result.errors.push_back({line, "external_id", "appears twice in the file"});
    parsed.push_back(std::move(p));
  }
  if (!result.errors.empty()) return result;

  // All rows in one transaction: either every row applies or none does.
  std::vector<FieldError> forbidden;  // rows for sessions that are not this agency's
  store_.Transact([&](UnitOfWork& uow) {
    result.applied.clear();
    result.errors.clear();
    forbidden.clear();
    const TimePoint now = clock_.Now();
    for (const auto& p : parsed) {
      auto r = PutInTransaction(uow, ctx, code, p.external_id, p.in, now);
      if (!r) {
        const auto& e = r.error();
        if (e.code == ErrorCode::kForbidden)
          for (const auto& f : e.errors) forbidden.push_back({"rows[" + std::to_string(p.row) + "]." + f.field, f.message});
        if (e.errors.empty()) result.errors.push_back({p.row, "", e.detail});
        for (const auto& f : e.errors) result.errors.push_back({p.row, f.field, f.message});
      } else {
        result.applied.push_back(*r);
      }
    }
    return result.errors.empty();
  });
  if (!forbidden.empty())
    return Error(ErrorCode::kForbidden, "An agency enrols only into its own sessions; nothing was applied.", forbidden);
  if (!result.errors.empty()) result.applied.clear();
  return result;
}

Result<std::string> AgencyService::ExportCsv(const RequestContext& ctx, const std::string& code, int year) {
  if (auto denied = CheckAgencyAccess(ctx.principal, code)) return Fail(*denied);
  const auto bounds = YearBounds(year);  // (no structured binding: clang 14 cannot capture one)
  const TimePoint from = bounds.first, to = bounds.second;
  std::vector<CsvRow> rows = {{"external_id", "registration_id", "session_id", "module", "starts_at",
                               "email", "name", "organisation", "status", "waitlist_position"}};
  bool found = true;
  store_.Transact([&](UnitOfWork& uow) {
    rows.resize(1);
    found = uow.agencies().Find(code).has_value();
    if (!found) return false;
    std::map<Id, std::pair<Session, std::string>> sessions;
    for (const auto& r : uow.agencies().RegistrationsOf(code, from, to)) {
      auto it = sessions.find(r.session_id);
      if (it == sessions.end()) {
        auto s = *uow.catalogue().FindSession(r.session_id, false);
        it = sessions.emplace(r.session_id, std::make_pair(s, uow.catalogue().FindModule(s.module_id)->title)).first;
      }
      // Only what this agency sent with its enrolment, never the account's own profile; nothing
      // for a registration it did not send (the coordinator's, on this agency's channel).
      auto e = uow.agencies().EnrolmentOf(r.id);
      if (e && e->agency != code) e.reset();
      rows.push_back({e ? e->external_id : "", IdString(r.id), IdString(r.session_id),
                      it->second.second, FormatLocal(it->second.first.starts_at), e ? e->email : "",
                      e ? e->name : "", e ? e->organisation : "", ToString(r.status),
                      r.waitlist_position ? std::to_string(*r.waitlist_position) : ""});
    }
    return true;
  });
  if (!found) return Error(ErrorCode::kNotFound, "No agency has this code.");
  return WriteCsv(rows);
}

Result<std::string> AgencyService::SessionCsv(const RequestContext& ctx, Id session_id) {
  std::vector<CsvRow> rows = {{"registration_id", "participant_id", "name", "email", "organisation",
                               "channel", "status", "waitlist_position", "registered_at"}};
  Result<std::string> out;
  store_.Transact([&](UnitOfWork& uow) {
    rows.resize(1);
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) {
      out = Error(ErrorCode::kNotFound, "No session has this id.");
      return false;
    }
    if (!ctx.principal.IsCoordinator() && !(ctx.principal.kind == Principal::Kind::kUser && s->Teaches(ctx.principal.user_id))) {
      out = Error(ErrorCode::kForbidden, "Only the session's trainers and coordinators see its registrants.");
      return false;
    }
    for (Id after = 0;;) {
      auto regs = uow.registrations().ListForSession(session_id, after, 500);
      if (regs.empty()) break;
      for (const auto& r : regs) {
        after = r.id;
        auto u = uow.users().FindById(r.participant_id);
        rows.push_back({IdString(r.id), IdString(r.participant_id), u ? u->name : "", u ? u->email : "",
                        u ? u->organisation : "", r.channel, ToString(r.status),
                        r.waitlist_position ? std::to_string(*r.waitlist_position) : "",
                        FormatLocal(r.created_at)});
      }
    }
    out = WriteCsv(rows);
    return true;
  });
  return out;
}

}  // namespace parcours
