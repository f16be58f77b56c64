#include "services/catalogue_service.h"

#include <cmath>
#include <map>
#include <set>

#include "common/time.h"
#include "domain/rules.h"
#include "services/audit.h"
#include "services/views.h"

namespace parcours {
namespace {

void CheckModule(const std::string& prefix, const Module& m, std::vector<FieldError>& errors) {
  if (!IsValidCode(m.code))
    errors.push_back({prefix + "code", "must be 1–32 letters, digits, '-' or '_'"});
  CheckText(prefix + "title", m.title, 300, errors);
  CheckModuleHours(prefix + "hours", m.hours, errors);
}

// The people named as trainers must be trainers (or coordinators), each listed once.
std::vector<FieldError> CheckTrainers(UnitOfWork& uow, const std::vector<Id>& ids) {
  std::vector<FieldError> errors;
  std::set<Id> seen;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto t = uow.users().FindById(ids[i]);
    if (!t || !(t->Has(Role::kTrainer) || t->Has(Role::kCoordinator)))
      errors.push_back({"trainer_ids[" + std::to_string(i) + "]", "is not a trainer"});
    if (!seen.insert(ids[i]).second) errors.push_back({"trainer_ids[" + std::to_string(i) + "]", "is listed twice"});
  }
  return errors;
}

// Whole calendar days (Luxembourg) from the day of `from` to the day of `to`.
int CalendarDaysBetween(TimePoint from, TimePoint to) {
  auto day = [](TimePoint t) { return *LuxembourgDayStart(FormatLocal(t).substr(0, 10)); };
  return static_cast<int>(std::lround(std::chrono::duration<double, std::ratio<86400>>(day(to) - day(from)).count()));
}

}  // namespace

Result<Pathway> CatalogueService::CreatePathway(const RequestContext& ctx, Pathway in) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<FieldError> errors;
  if (!IsValidCode(in.code)) errors.push_back({"code", "must be 1–32 letters, digits, '-' or '_'"});
  CheckText("title", in.title, 300, errors);
  if (in.modules.empty() || in.modules.size() > 100)
    errors.push_back({"modules", "must list between 1 and 100 modules"});
  std::set<std::string> codes;
  for (std::size_t i = 0; i < in.modules.size(); ++i) {
    std::string prefix = "modules[" + std::to_string(i) + "].";
    CheckModule(prefix, in.modules[i], errors);
    if (!codes.insert(in.modules[i].code).second)
      errors.push_back({prefix + "code", "is used twice in this pathway"});
  }
  if (!errors.empty()) return Invalid(errors);

  Result<Pathway> out;
  store_.Transact([&](UnitOfWork& uow) {
    Pathway p = in;
    auto id = uow.catalogue().InsertPathway(p);
    if (!id) {
      out = Error(ErrorCode::kAlreadyExists, "A pathway with this code already exists.");
      return false;
    }
    p.id = *id;
    for (std::size_t i = 0; i < p.modules.size(); ++i) {
      auto& m = p.modules[i];
      m.pathway_id = p.id;
      m.position = static_cast<int>(i) + 1;
      auto mid = uow.catalogue().InsertModule(m);
      if (!mid) {
        out = Error(ErrorCode::kAlreadyExists,
                    "A module with code '" + m.code + "' already exists.",
                    {{"modules[" + std::to_string(i) + "].code", "is already used"}});
        return false;
      }
      m.id = *mid;
    }
    Audit(uow, ctx, clock_.Now(), "pathway.created", "pathway", p.id, nullptr, ToJson(p));
    out = p;
    return true;
  });
  return out;
}

Result<Pathway> CatalogueService::GetPathway(Id id) {
  std::optional<Pathway> p;
  store_.Transact([&](UnitOfWork& uow) {
    p = uow.catalogue().FindPathway(id);
    return true;
  });
  if (!p) return Error(ErrorCode::kNotFound, "No pathway has this id.");
  return *p;
}

Result<Page<Pathway>> CatalogueService::ListPathways(const PageRequest& page) {
  auto after = AfterId(page);
  if (!after) return Fail(after.error());
  std::vector<Pathway> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.catalogue().ListPathways(*after, page.limit + 1);
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const Pathway& p) { return EncodeCursor(p.id); });
}

Result<Module> CatalogueService::CreateModule(const RequestContext& ctx, Module in) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<FieldError> errors;
  CheckModule("", in, errors);
  if (!errors.empty()) return Invalid(errors);
  in.pathway_id.reset();
  Result<Module> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto id = uow.catalogue().InsertModule(in);
    if (!id) {
      out = Error(ErrorCode::kAlreadyExists, "A module with this code already exists.");
      return false;
    }
    Module m = in;
    m.id = *id;
    Audit(uow, ctx, clock_.Now(), "module.created", "module", m.id, nullptr, ToJson(m));
    out = m;
    return true;
  });
  return out;
}

Result<Module> CatalogueService::GetModule(Id id) {
  std::optional<Module> m;
  store_.Transact([&](UnitOfWork& uow) {
    m = uow.catalogue().FindModule(id);
    return true;
  });
  if (!m) return Error(ErrorCode::kNotFound, "No module has this id.");
  return *m;
}

Result<Page<Module>> CatalogueService::ListModules(const PageRequest& page) {
  auto after = AfterId(page);
  if (!after) return Fail(after.error());
  std::vector<Module> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.catalogue().ListModules(*after, page.limit + 1, false);
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const Module& m) { return EncodeCursor(m.id); });
}

namespace {

// A new session as given, checked (the field errors) and completed with its defaults.
std::vector<FieldError> PrepareNewSession(const NewSession& in, Session& s) {
  s = in.session;
  if (!in.min_registrants_given) s.min_registrants = std::min(kDefaultMinRegistrants, s.capacity);
  std::vector<FieldError> errors;
  CheckNewSession(s, in.decision_given, errors);
  CheckText("location", s.location, 300, errors, false);
  if (!IsValidOnlineLink(s.online_link))
    errors.push_back({"online_link", "must be empty or an http(s) URL of at most 2000 characters"});
  if (s.trainer_ids.size() > 20) errors.push_back({"trainer_ids", "must list at most 20 trainers"});
  ApplyDescriptionEdit(s.description, in.description, errors);
  s.status = SessionStatus::kScheduled;
  s.confirmed_count = s.waitlist_count = 0;
  return errors;
}

// What a new session names must exist: its module, agency and trainers.
std::vector<FieldError> CheckReferences(UnitOfWork& uow, const Session& s) {
  std::vector<FieldError> refs;
  if (!uow.catalogue().FindModule(s.module_id)) refs.push_back({"module_id", "no module has this id"});
  if (s.agency && !uow.agencies().Find(*s.agency)) refs.push_back({"agency", "no agency has this code"});
  for (auto& e : CheckTrainers(uow, s.trainer_ids)) refs.push_back(std::move(e));
  return refs;
}

}  // namespace

Result<Session> CatalogueService::CreateSession(const RequestContext& ctx, NewSession in) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  Session s;
  if (auto errors = PrepareNewSession(in, s); !errors.empty()) return Invalid(errors);

  Result<Session> out;
  store_.Transact([&](UnitOfWork& uow) {
    std::vector<FieldError> refs = CheckReferences(uow, s);
    if (!refs.empty()) {
      out = Invalid(refs);
      return false;
    }
    s.id = uow.catalogue().InsertSession(s);
    Audit(uow, ctx, clock_.Now(), "session.created", "session", s.id, nullptr, ToJson(s));
    out = s;
    return true;
  });
  return out;
}

Result<Session> CatalogueService::GetSession(Id id) {
  std::optional<Session> s;
  store_.Transact([&](UnitOfWork& uow) {
    s = uow.catalogue().FindSession(id, false);
    return true;
  });
  if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
  return *s;
}

Result<Page<Session>> CatalogueService::ListSessions(SessionFilter filter,
                                                     const PageRequest& page) {
  if (page.cursor) {
    auto key = DecodeCursor(*page.cursor);
    if (!key || !key->b) return Invalid({{"cursor", "is not a cursor of this list"}});
    filter.after_starts_at = TimePoint(std::chrono::milliseconds(key->a));
    filter.after_id = *key->b;
  }
  filter.limit = page.limit + 1;
  std::vector<Session> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.catalogue().ListSessions(filter);
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const Session& s) {
    return EncodeCursor(s.starts_at.time_since_epoch().count(), s.id);
  });
}

Result<Session> CatalogueService::CancelSession(const RequestContext& ctx, Id id,
                                                const std::string& reason) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  std::vector<FieldError> errors;
  CheckText("reason", reason, 1000, errors);
  if (!errors.empty()) return Invalid(errors);
  Result<Session> out;
  store_.Transact([&](UnitOfWork& uow) {
    auto s = uow.catalogue().FindSession(id, true);
    if (!s) {
      out = Error(ErrorCode::kNotFound, "No session has this id.");
      return false;
    }
    if (s->status == SessionStatus::kCancelled || s->status == SessionStatus::kCompleted) {
      out = Error(ErrorCode::kConflict,
                  std::string("The session is already ") + ToString(s->status) + ".");
      return false;
    }
    CancelReason why;
    why.code = CancelReasonCode::kByCoordinator;
    why.text = std::string(Trim(reason));
    unit_.Cancel(uow, ctx, *s, why, false, clock_.Now());
    out = *s;
    return true;
  });
  return out;
}

Result<Session> CatalogueService::EditSession(const RequestContext& ctx, Id id, const SessionEdit& edit) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Session> {
    auto s = uow.catalogue().FindSession(id, true);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    const TimePoint now = clock_.Now();
    auto after = ApplySessionEdit(*s, edit, now);
    if (!after) return Fail(after.error());
    if (edit.trainer_ids)
      if (auto errors = CheckTrainers(uow, *edit.trainer_ids); !errors.empty()) return Invalid(errors);
    return unit_.Edit(uow, ctx, *s, *after, edit.move_to_waitlist, now);
  });
}

Result<Session> CatalogueService::ConfirmSession(const RequestContext& ctx, Id id) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Session> {
    auto s = uow.catalogue().FindSession(id, true);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (s->status != SessionStatus::kScheduled)
      return Error(ErrorCode::kConflict, std::string("The session is already ") + ToString(s->status) + ".");
    const TimePoint now = clock_.Now();
    const auto before = ToJson(*s);
    uow.catalogue().MarkDecided(s->id, SessionStatus::kConfirmed, false, now);
    s->status = SessionStatus::kConfirmed;
    Audit(uow, ctx, now, "session.confirmed_early", "session", s->id, before, ToJson(*s));
    return *s;
  });
}

Result<Page<SessionWithModule>> CatalogueService::TaughtSessions(const RequestContext& ctx, bool upcoming,
                                                                 const PageRequest& page) {
  const Principal& who = ctx.principal;
  if (!who.Has(Role::kTrainer) && !who.Has(Role::kCoordinator))
    return Error(ErrorCode::kForbidden, "Only trainers (and coordinators) teach sessions.");
  std::optional<TimePoint> after_starts;
  Id after_id = 0;
  if (page.cursor) {
    auto key = DecodeCursor(*page.cursor);
    if (!key || !key->b) return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"cursor", "is not a cursor of this list"}});
    after_starts = TimePoint(std::chrono::milliseconds(key->a));
    after_id = *key->b;
  }
  const TimePoint now = clock_.Now();
  const TimePoint today = *LuxembourgDayStart(FormatLocal(now).substr(0, 10));
  const TimePoint tomorrow = AddLuxembourgDays(today, 1);
  std::vector<SessionWithModule> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows.clear();
    std::map<Id, Module> modules;
    for (auto& s : uow.catalogue().TaughtBy(who.user_id, today, upcoming, after_starts, after_id, page.limit + 1)) {
      auto m = modules.find(s.module_id);
      if (m == modules.end()) m = modules.emplace(s.module_id, *uow.catalogue().FindModule(s.module_id)).first;
      const bool runs_today = s.starts_at < tomorrow && s.ends_at >= today;
      rows.push_back({std::move(s), m->second, runs_today});
    }
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const SessionWithModule& x) {
    return EncodeCursor(x.session.starts_at.time_since_epoch().count(), x.session.id);
  });
}

Result<std::vector<ComingDecision>> CatalogueService::Decisions(const RequestContext& ctx, int within_days,
                                                               bool at_risk_only) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  if (within_days < 0 || within_days > 366)
    return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"within_days", "must be an integer from 0 to 366"}});
  const TimePoint now = clock_.Now();
  // Up to the end of the N-th day from today; a decision already due but not yet taken (the
  // scheduler's next pass) is listed too, with 0 days left.
  const TimePoint until = AddLuxembourgDays(*LuxembourgDayStart(FormatLocal(now).substr(0, 10)), within_days + 1);
  std::vector<ComingDecision> out;
  store_.Transact([&](UnitOfWork& uow) {
    out.clear();
    std::map<Id, Module> modules;
    for (auto& s : uow.catalogue().DecisionsBetween(TimePoint{}, until, 1000)) {
      const bool at_risk = s.confirmed_count < s.min_registrants;
      if (at_risk_only && !at_risk) continue;
      auto m = modules.find(s.module_id);
      if (m == modules.end()) m = modules.emplace(s.module_id, *uow.catalogue().FindModule(s.module_id)).first;
      const int days = std::max(0, CalendarDaysBetween(now, s.decision_at));
      out.push_back({std::move(s), m->second, days, at_risk});
    }
    return true;
  });
  return out;
}

Result<Session> CatalogueService::SetReplay(const RequestContext& ctx, Id id, const std::string& link) {
  const Principal& who = ctx.principal;
  if (!who.Has(Role::kTrainer) && !who.IsCoordinator())
    return Error(ErrorCode::kForbidden, "A replay is added by the session's trainers and coordinators.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Session> {
    auto s = uow.catalogue().FindSession(id, true);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!who.IsCoordinator() && !s->Teaches(who.user_id))
      return Error(ErrorCode::kForbidden, "Only this session's trainers add its replay.");
    if (!IsValidOnlineLink(link))
      return Invalid({{"replay_link", "must be empty or an http(s) URL of at most 2000 characters"}});
    const TimePoint now = clock_.Now();
    if (s->status == SessionStatus::kCancelled) return Error(ErrorCode::kConflict, "The session was cancelled.");
    if (now < s->starts_at) return Error(ErrorCode::kConflict, "A replay is added once the session has started.");
    const nlohmann::json before = {{"replay_link", s->replay_link}};
    uow.catalogue().SetReplayLink(s->id, link);
    s->replay_link = link;
    Audit(uow, ctx, now, "session.replay_set", "session", s->id, before, {{"replay_link", link}});
    return *s;
  });
}

Result<std::string> CatalogueService::OpenReplay(const RequestContext& ctx, Id id) {
  const Principal& who = ctx.principal;
  if (who.kind != Principal::Kind::kUser)
    return Error(ErrorCode::kForbidden, "A replay is for the session's registrants and staff.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<std::string> {
    auto s = uow.catalogue().FindSession(id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    bool may = MaySeeLinks(who, *s, uow.registrations().FindActive(s->id, who.user_id));
    if (!may) {
      auto mark = uow.attendance().Find(s->id, who.user_id);
      may = mark && (mark->status == AttendanceStatus::kPresent || mark->status == AttendanceStatus::kPartial);
    }
    if (!may) return Error(ErrorCode::kForbidden, "A replay is for the session's confirmed registrants and staff.");
    if (s->replay_link.empty()) return Error(ErrorCode::kNotFound, "This session has no replay.");
    uow.catalogue().CountReplayView(s->id);
    // Every view is counted, but only a person's first view of the session's replay is audited:
    // a link reloaded in a loop must not grow the audit log without bound.
    AuditFilter earlier;
    earlier.person = who.user_id;
    earlier.session = s->id;
    earlier.action = "session.replay_viewed";
    earlier.limit = 1;
    if (uow.audit().List(earlier).empty())
      Audit(uow, ctx, clock_.Now(), "session.replay_viewed", "session", s->id, nullptr,
            {{"views", s->replay_views + 1}}, who.user_id);
    return s->replay_link;
  });
}

Result<Session> CatalogueService::SetParts(const RequestContext& ctx, Id id, const std::vector<SessionPart>& parts) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Session> {
    auto s = uow.catalogue().FindSession(id, true);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (s->status == SessionStatus::kCancelled || s->status == SessionStatus::kCompleted)
      return Error(ErrorCode::kConflict, std::string("The session is ") + ToString(s->status) + ": it no longer changes.");
    const TimePoint now = clock_.Now();
    if (now >= s->starts_at) return Error(ErrorCode::kConflict, "The session has started: its parts no longer change.");
    auto checked = CheckParts(*s, parts, uow.catalogue().FindModule(s->module_id)->hours);
    if (!checked) return Fail(checked.error());
    nlohmann::json before = nlohmann::json::array(), after = nlohmann::json::array();
    for (const auto& p : s->parts) before.push_back(ToJson(p));
    for (const auto& p : *checked) after.push_back(ToJson(p));
    uow.catalogue().ReplaceParts(s->id, *checked);
    s->parts = *checked;
    Audit(uow, ctx, now, "session.parts_set", "session", s->id, {{"parts", before}}, {{"parts", after}});
    return *s;
  });
}

Result<SessionSeries> CatalogueService::CreateSeries(const RequestContext& ctx, NewSession in, const SeriesRule& rule) {
  if (!ctx.principal.IsCoordinator()) return CoordinatorsOnly();
  Session first;
  std::vector<FieldError> errors = PrepareNewSession(in, first);
  auto dates = SeriesDates(in.session.starts_at, in.session.ends_at, rule);
  if (!dates) for (const auto& e : dates.error().errors) errors.push_back(e);
  if (!errors.empty()) return Invalid(errors);
  const auto decision_lead = first.starts_at - first.decision_at;
  return Transact(store_, [&](UnitOfWork& uow) -> Result<SessionSeries> {
    if (auto refs = CheckReferences(uow, first); !refs.empty()) return Invalid(refs);
    const TimePoint now = clock_.Now();
    SessionSeries series;
    series.module_id = first.module_id;
    series.rule = rule;
    series.id = uow.catalogue().InsertSeries(first.module_id, SeriesRuleJson(rule), ctx.principal.user_id, now);
    for (const auto& [starts, ends] : *dates) {
      Session s = first;
      s.starts_at = starts;
      s.ends_at = ends;
      // The same decision lead as the first date's (its default: 14 calendar days before).
      s.decision_at = in.decision_given ? starts - decision_lead : AddLuxembourgDays(starts, -kDefaultDecisionLeadDays);
      s.series_id = series.id;
      s.id = uow.catalogue().InsertSession(s);
      Audit(uow, ctx, now, "session.created", "session", s.id, nullptr, ToJson(s));
      series.sessions.push_back(std::move(s));
    }
    return series;
  });
}

Result<SessionSeries> CatalogueService::GetSeries(Id id) {
  return Transact(store_, [&](UnitOfWork& uow) -> Result<SessionSeries> {
    SessionSeries series;
    series.sessions = uow.catalogue().SessionsOfSeries(id);
    if (series.sessions.empty()) return Error(ErrorCode::kNotFound, "No series has this id.");
    series.id = id;
    series.module_id = series.sessions.front().module_id;
    return series;
  });
}

const Module* CatalogueSnapshot::FindModule(Id id) const {
  for (const auto& m : modules)
    if (m.id == id) return &m;
  return nullptr;
}

const Pathway* CatalogueSnapshot::FindPathway(Id id) const {
  for (const auto& p : pathways)
    if (p.id == id) return &p;
  return nullptr;
}

const Session* CatalogueSnapshot::FindUpcoming(Id id) const {
  for (const auto& s : upcoming)
    if (s.id == id) return &s;
  return nullptr;
}

bool CatalogueService::AwaitVersion(std::function<void(const CatalogueReading&)> done) {
  if (!cache_settings_.monotonic_ns || !versions_) return false;
  versions_->Await([this, done = std::move(done)](std::optional<CatalogueVersion> v) {
    CatalogueReading r;
    r.now = clock_.Now();
    if (v) {
      r.version = *v;
      r.at_ns = cache_settings_.monotonic_ns();
      r.bound_ns = std::chrono::nanoseconds(cache_settings_.counts_bound).count();
      r.enabled = true;
    }
    done(r);
  });
  return true;
}

CatalogueReading CatalogueService::ReadVersion() {
  CatalogueReading r;
  r.now = clock_.Now();
  if (!cache_settings_.monotonic_ns) return r;
  if (versions_) {
    const std::optional<CatalogueVersion> v = versions_->Get();  // shared with concurrent requests
    if (!v) return r;  // the read failed: nothing kept is used, the request reads the database
    r.version = *v;
  } else {
    store_.Transact([&](UnitOfWork& uow) {
      r.version = uow.catalogue().ReadCatalogueVersion();
      return true;
    });
  }
  r.at_ns = cache_settings_.monotonic_ns();
  r.bound_ns = std::chrono::nanoseconds(cache_settings_.counts_bound).count();
  r.enabled = true;
  return r;
}

std::shared_ptr<const CatalogueSnapshotEntry> CatalogueService::Snapshot(const CatalogueReading& r) {
  if (auto kept = snapshot_.Find("", r)) return kept;
  constexpr int kMost = 5000;  // far above a year's catalogue (1,200 sessions)
  CatalogueSnapshot snap;
  SessionFilter coming;
  coming.from = r.now;
  coming.limit = kMost;
  store_.Transact([&](UnitOfWork& uow) {
    snap.pathways = uow.catalogue().ListPathways(0, kMost);
    snap.modules = uow.catalogue().ListModules(0, kMost, false);
    snap.upcoming = uow.catalogue().ListSessions(coming);
    return true;
  });
  // Once the first of them starts, the list of coming sessions is another one.
  const TimePoint until = snap.upcoming.empty() ? TimePoint::max() : snap.upcoming.front().starts_at;
  return snapshot_.Put("", r, std::move(snap), until);
}

}  // namespace parcours
