// The coordinator's sessions (the list with fill bars and filters, a new session), the
// history import (a CSV uploaded, the report of what was recorded or why nothing was) and the
// agencies (API keys shown once and revoked, webhooks with their delivery state). The rules
// are the services' (CatalogueService::CreateSession, HistoryService::Import, AccountService,
// WebhookService); the pages check the form's shape and say the answers in the reader's
// language.
#include <algorithm>
#include <map>

#include "common/text.h"
#include "common/time.h"
#include "services/views.h"
#include "web/desk_forms.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

json Problem(Lang lang, const std::string& field, const std::string& message_key) {
  return {{"field", field.empty() ? "" : Text(lang, "field." + field)}, {"message", Text(lang, message_key)}};
}

// The fill bar of a session drawn as SVG (no style attribute: the stylesheet colours it): the
// confirmed places over the capacity, the waiting list after it, a mark at the minimum.
json FillBar(Lang lang, const Session& s, bool at_risk) {
  const int whole = std::max(1, s.capacity + s.waitlist_count);
  auto x = [&](int n) { return std::to_string(std::min(n, whole) * 1000 / whole / 10.0).substr(0, 5); };
  return {{"confirmed_w", x(s.confirmed_count)},
          {"capacity_x", x(s.capacity)},
          {"waiting_w", x(s.waitlist_count)},
          {"min_x", x(s.min_registrants)},
          {"at_risk", at_risk},
          {"label", Fill(Text(lang, "desk.figures"),
                         {{"confirmed", std::to_string(s.confirmed_count)}, {"capacity", std::to_string(s.capacity)},
                          {"min", std::to_string(s.min_registrants)}, {"waitlist", std::to_string(s.waitlist_count)}})}};
}

// Below its minimum while its decision is still to come.
bool AtRisk(const Session& s, TimePoint now) {
  return s.status == SessionStatus::kScheduled && s.confirmed_count < s.min_registrants && now < s.decision_at;
}

std::string StatusCode(SessionStatus s) { return ToString(s); }

}  // namespace

WebResponse Site::AgenciesPage(PageContext& pc, json extra, int status) {
  auto agencies = services_.accounts.ListAgencies(pc.ctx);
  if (!agencies) return DomainErrorPage(pc, agencies.error());
  json list = json::array();
  for (const auto& a : agencies->items) {
    auto hooks = services_.webhooks->List(pc.ctx, a.code);
    if (!hooks) return DomainErrorPage(pc, hooks.error());
    json items = json::array();
    for (const auto& h : *hooks)
      items.push_back({{"id", IdString(h.id)}, {"url", h.url}, {"since", FormatDate(pc.lang, h.created_at)},
                       {"delivered", Fill(Text(pc.lang, "desk_agencies.delivered"), {{"seq", std::to_string(h.delivered_seq)}})},
                       {"failing", h.first_failure_at.has_value()},
                       {"failure", h.first_failure_at ? Fill(Text(pc.lang, "desk_agencies.failing"),
                                                             {{"attempts", std::to_string(h.attempts)},
                                                              {"since", FormatDate(pc.lang, *h.first_failure_at) + ", " +
                                                                            FormatTime(pc.lang, *h.first_failure_at)},
                                                              {"error", h.last_error}})
                                                      : ""}});
    auto keys = services_.accounts.ListAgencyKeys(pc.ctx, a.code);
    if (!keys) return DomainErrorPage(pc, keys.error());
    json key_rows = json::array();
    for (const auto& k : *keys)
      key_rows.push_back({{"id", IdString(k.id)}, {"created", FormatDate(pc.lang, k.created_at)},
                          {"revoked", k.revoked_at.has_value()},
                          {"revoked_on", k.revoked_at ? Fill(Text(pc.lang, "desk_agencies.revoked_on"),
                                                             {{"date", FormatDate(pc.lang, *k.revoked_at)}})
                                                      : ""}});
    list.push_back({{"code", a.code}, {"name", a.name}, {"webhooks", items}, {"has_webhooks", !items.empty()},
                    {"keys", key_rows}, {"has_keys", !key_rows.empty()}});
  }
  json data = {{"agencies", list}, {"none", list.empty()}, {"title", Text(pc.lang, "desk_agencies.title")},
               {"notice", DoneNotice(pc, "desk_agencies")}};
  data.update(extra);
  return Page(pc, "desk_agencies", data, status);
}

void Site::AddDeskAdminPages() {
  // Every session from a day on (today by default), soonest first, with a fill bar each.
  Add("GET", "/desk/sessions", [this](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    const TimePoint now = services_.clock.Now();
    const std::string today = FormatLocal(now).substr(0, 10);
    const std::string from = pc.req.Query("from").value_or(today);
    const std::string status = pc.req.Query("status").value_or("");
    const bool risk_only = pc.req.Query("risk").value_or("") == "1";
    SessionFilter filter;
    auto day = LuxembourgDayStart(from);
    std::optional<SessionStatus> wanted;
    if (!status.empty()) wanted = SessionStatusFromString(status);
    if (!day || from.size() != 10 || (!status.empty() && !wanted)) return ErrorPage(pc, 400, "error.bad_filter");
    filter.from = *day;
    filter.status = wanted;
    if (risk_only) filter.status = SessionStatus::kScheduled;
    parcours::PageRequest page;
    page.limit = kStaffListPageSize;
    page.cursor = pc.req.Query("after");
    auto sessions = services_.catalogue.ListSessions(filter, page);
    if (!sessions) return ErrorPage(pc, 400, "error.bad_filter");
    parcours::PageRequest all;
    all.limit = kMaxPageSize;
    auto modules = services_.catalogue.ListModules(all);
    if (!modules) return DomainErrorPage(pc, modules.error());
    std::map<Id, std::string> titles;
    for (const auto& m : modules->items) titles[m.id] = m.title;
    json items = json::array();
    for (const auto& s : sessions->items) {
      const bool at_risk = AtRisk(s, now);
      if (risk_only && !at_risk) continue;
      // Calendar days in Luxembourg, as the dashboard counts them.
      const auto day = [](TimePoint t) { return *LuxembourgDayStart(FormatLocal(t).substr(0, 10)); };
      const auto hours = std::chrono::duration_cast<std::chrono::hours>(day(s.decision_at) - day(now)).count();
      const int days = static_cast<int>((hours + 12) / 24);
      items.push_back({{"href", "/desk/sessions/" + IdString(s.id)},
                       {"module", titles.count(s.module_id) ? titles[s.module_id] : IdString(s.module_id)},
                       {"slot", FormatSlot(pc.lang, s.starts_at, s.ends_at)},
                       {"place", PlaceText(pc.lang, s)},
                       {"status", Text(pc.lang, "session_status." + StatusCode(s.status))},
                       {"cancelled", s.status == SessionStatus::kCancelled},
                       {"at_risk", at_risk},
                       {"risk_text", Fill(Text(pc.lang, "desk_sessions.risk"),
                                          {{"missing", std::to_string(s.min_registrants - s.confirmed_count)},
                                           {"days", std::to_string(std::max(days, 0))},
                                           {"date", FormatDate(pc.lang, s.decision_at)}})},
                       {"bar", FillBar(pc.lang, s, at_risk)}});
    }
    json statuses = json::array();
    for (auto st : {SessionStatus::kScheduled, SessionStatus::kConfirmed, SessionStatus::kCancelled, SessionStatus::kCompleted})
      statuses.push_back({{"value", StatusCode(st)}, {"label", Text(pc.lang, "session_status." + StatusCode(st))}, {"selected", wanted == st}});
    json data = {{"from", from}, {"statuses", statuses}, {"risk", risk_only}, {"sessions", items},
                 {"none", items.empty()}, {"title", Text(pc.lang, "desk_sessions.title")}};
    const std::string here = "/desk/sessions?from=" + from + "&status=" + status + (risk_only ? "&risk=1" : "");
    if (sessions->next_cursor) data["next"] = here + "&after=" + PercentEncode(*sessions->next_cursor);
    if (page.cursor) data["first"] = here;
    return Page(pc, "desk_sessions", data);
  });

  // The new-session form: a module, the times, places and minimum, the mode, trainers.
  auto new_session_page = [this](PageContext& pc, json values, json errors, int status) {
    parcours::PageRequest all;
    all.limit = kMaxPageSize;
    auto modules = services_.catalogue.ListModules(all);
    if (!modules) return DomainErrorPage(pc, modules.error());
    json options = json::array();
    for (const auto& m : modules->items)
      options.push_back({{"id", IdString(m.id)}, {"label", m.code + " – " + m.title},
                         {"selected", values.value("module_id", "") == IdString(m.id)}});
    parcours::PageRequest trainers_page;
    trainers_page.limit = 200;
    auto trainers = services_.people->Search(pc.ctx, "", Role::kTrainer, trainers_page);
    if (!trainers) return DomainErrorPage(pc, trainers.error());
    const json chosen = values.value("trainers", json::array());
    json boxes = json::array();
    for (const auto& u : trainers->items)
      boxes.push_back({{"id", IdString(u.id)}, {"name", u.name}, {"organisation", u.organisation},
                       {"checked", std::find(chosen.begin(), chosen.end(), IdString(u.id)) != chosen.end()}});
    auto agencies = services_.accounts.ListAgencies(pc.ctx);
    if (!agencies) return DomainErrorPage(pc, agencies.error());
    json agency_options = json::array();
    for (const auto& a : agencies->items)
      agency_options.push_back({{"code", a.code}, {"name", a.name}, {"selected", values.value("agency", "") == a.code}});
    json modes = json::array();
    for (const char* m : {"onsite", "online", "hybrid"})
      modes.push_back({{"value", m}, {"label", Text(pc.lang, std::string("mode.") + m)},
                       {"selected", values.value("mode", "onsite") == m}});
    // Issue 12: the language, and a series from a rule (weekly or monthly, N dates).
    values["languages"] = LanguageOptions(pc.lang, values.value("language", "fr"));
    json repeats = json::array();
    for (const char* r : {"", "weekly", "monthly"})
      repeats.push_back({{"value", r}, {"label", Text(pc.lang, std::string("events.repeat_") + (*r ? r : "none"))},
                         {"selected", values.value("repeat", "") == r}});
    json data = {{"modules", options}, {"trainers", boxes}, {"agencies", agency_options}, {"modes", modes},
                 {"repeats", repeats}, {"form", values}, {"errors", errors}, {"title", Text(pc.lang, "desk_sessions.new")}};
    return Page(pc, "desk_session_new", data, status);
  };

  Add("GET", "/desk/sessions/new", [this, new_session_page](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    return new_session_page(pc, {{"capacity", "20"}, {"min_registrants", std::to_string(kDefaultMinRegistrants)}},
                            json::array(), 200);
  });

  Add("POST", "/desk/sessions", [this, new_session_page](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    const auto fields = *ParseForm(pc.req.body);
    Form form(fields);
    json values = json::object();
    for (const char* name : {"module_id", "starts_at", "ends_at", "capacity", "min_registrants", "decision_at",
                             "location", "mode", "online_link", "agency", "language", "audience", "objectives",
                             "trainers_organisation", "co_organisers", "repeat", "repeat_count"})
      values[name] = form.Get(name);
    json errors = json::array();
    NewSession in;
    Session& x = in.session;
    json trainers = json::array();
    for (const auto& [k, v] : fields)
      if (k == "trainer") {
        trainers.push_back(v);
        if (auto id = ParseId(v)) x.trainer_ids.push_back(*id);
        else errors.push_back(Problem(pc.lang, "trainer_ids", "form_error.choose_listed"));
      }
    values["trainers"] = trainers;
    if (auto id = ParseId(form.Get("module_id"))) x.module_id = *id;
    else errors.push_back(Problem(pc.lang, "module_id", "form_error.choose_module"));
    for (const char* name : {"starts_at", "ends_at"}) {
      auto t = ParseLocalInput(form.Get(name));
      if (!t) errors.push_back(Problem(pc.lang, name, "form_error.date_time"));
      else (std::string(name) == "starts_at" ? x.starts_at : x.ends_at) = *t;
    }
    if (auto c = ParseCount(form.Get("capacity"))) x.capacity = *c;
    else errors.push_back(Problem(pc.lang, "capacity", "form_error.whole_number"));
    if (!form.Get("min_registrants").empty()) {
      if (auto m = ParseCount(form.Get("min_registrants"))) {
        x.min_registrants = *m;
        in.min_registrants_given = true;
      } else {
        errors.push_back(Problem(pc.lang, "min_registrants", "form_error.whole_number"));
      }
    }
    if (!form.Get("decision_at").empty()) {
      if (auto t = ParseLocalInput(form.Get("decision_at"))) {
        x.decision_at = *t;
        in.decision_given = true;
      } else {
        errors.push_back(Problem(pc.lang, "decision_at", "form_error.date_time"));
      }
    }
    if (auto mode = SessionModeFromString(form.Get("mode").empty() ? "onsite" : form.Get("mode"))) x.mode = *mode;
    else errors.push_back(Problem(pc.lang, "mode", "form_error.choose_listed"));
    x.location = form.Get("location");
    x.online_link = form.Get("online_link");
    if (!form.Get("agency").empty()) x.agency = form.Get("agency");
    if (!form.Get("language").empty()) in.description.language = form.Get("language");
    for (auto [name, slot] : {std::pair{"audience", &in.description.audience}, std::pair{"objectives", &in.description.objectives},
                              std::pair{"trainers_organisation", &in.description.trainers_organisation},
                              std::pair{"co_organisers", &in.description.co_organisers}})
      if (!form.Get(name).empty()) *slot = form.Get(name);
    std::optional<SeriesRule> rule;
    if (!form.Get("repeat").empty()) {
      rule = SeriesRule{form.Get("repeat"), 0, 1};
      if (auto n = ParseCount(form.Get("repeat_count"))) rule->count = *n;
      else errors.push_back(Problem(pc.lang, "repeat_count", "form_error.whole_number"));
    }
    if (!errors.empty()) return new_session_page(pc, values, errors, 422);
    if (rule) {
      auto series = services_.catalogue.CreateSeries(pc.ctx, in, *rule);
      if (series)
        return WebResponse::Redirect("/desk/sessions/" + IdString(series->sessions.front().id) + "?done=series_created");
      if (series.error().code == ErrorCode::kForbidden) return DomainErrorPage(pc, series.error());
      DomainError shown = series.error();  // the rule's fields as this form names them
      for (auto& e : shown.errors)
        if (e.field.starts_with("repeat.")) e.field = e.field == "repeat.count" ? "repeat_count" : "repeat";
      return new_session_page(pc, values, FieldErrors(pc.lang, shown), 422);
    }
    auto created = services_.catalogue.CreateSession(pc.ctx, in);
    if (created) return WebResponse::Redirect("/desk/sessions/" + IdString(created->id) + "?done=created");
    if (created.error().code == ErrorCode::kForbidden) return DomainErrorPage(pc, created.error());
    return new_session_page(pc, values, FieldErrors(pc.lang, created.error()), 422);
  });

  // Agencies: their API keys (a new one shown once, revoked by its number) and webhooks (a new
  // one's secret shown once, each with where its deliveries stand).
  if (services_.webhooks) {
    Add("GET", "/desk/agencies", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      return AgenciesPage(pc, json::object(), 200);
    });
    Add("POST", "/desk/agencies/{code}/keys", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      auto key = services_.accounts.CreateAgencyKey(pc.ctx, pc.params[0]);
      if (!key) return DomainErrorPage(pc, key.error());
      return AgenciesPage(pc, {{"shown", {{"agency", pc.params[0]}, {"what", Text(pc.lang, "desk_agencies.key_created")},
                                          {"number", IdString(key->id)}, {"secret", key->key}}}}, 200);
    });
    Add("POST", "/desk/agencies/{code}/keys/revoke", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      Form form(*ParseForm(pc.req.body));
      auto id = ParseId(form.Get("key_id"));
      auto revoked = id ? services_.accounts.RevokeAgencyKey(pc.ctx, pc.params[0], *id)
                        : Result<Unit>(Invalid({{"key_id", "must be a key's number"}}));
      if (revoked) return WebResponse::Redirect("/desk/agencies?done=key_revoked#a-" + pc.params[0]);
      if (revoked.error().code == ErrorCode::kForbidden) return DomainErrorPage(pc, revoked.error());
      return AgenciesPage(pc, {{"errors", json::array({Problem(pc.lang, "key_id", "desk_agencies.no_key")})}}, 422);
    });
    Add("POST", "/desk/agencies/{code}/webhooks", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      Form form(*ParseForm(pc.req.body));
      auto hook = services_.webhooks->Create(pc.ctx, pc.params[0], form.Get("url"));
      if (!hook) {
        if (hook.error().code == ErrorCode::kForbidden || hook.error().code == ErrorCode::kNotFound)
          return DomainErrorPage(pc, hook.error());
        return AgenciesPage(pc, {{"errors", FieldErrors(pc.lang, hook.error())}}, 422);
      }
      return AgenciesPage(pc, {{"shown", {{"agency", pc.params[0]}, {"what", Text(pc.lang, "desk_agencies.webhook_created")},
                                          {"number", IdString(hook->id)}, {"secret", hook->secret}}}}, 200);
    });
    Add("POST", "/desk/agencies/{code}/webhooks/{id}/delete", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      auto id = ParseId(pc.params[1]);
      if (!id) return ErrorPage(pc, 404, "error.not_found");
      auto done = services_.webhooks->Delete(pc.ctx, pc.params[0], *id);
      if (!done) return DomainErrorPage(pc, done.error());
      return WebResponse::Redirect("/desk/agencies?done=webhook_deleted#a-" + pc.params[0]);
    });
  }

  // The history import: a CSV of participation from before Parcours, all rows or none.
  if (services_.history) {
    Add("GET", "/desk/import", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      return Page(pc, "desk_import", {{"title", Text(pc.lang, "desk_import.title")}});
    });

    AddUpload("/desk/import", [this](PageContext& pc) {
      if (auto r = RequireCoordinator(pc)) return *r;
      Form form(*PostedFields(pc.req));
      std::string csv = form.Get("file");
      if (Trim(csv).empty()) csv = form.Get("csv");
      json data = {{"title", Text(pc.lang, "desk_import.title")}, {"csv", form.Get("csv")}};
      if (Trim(csv).empty()) {
        data["errors"] = json::array({Problem(pc.lang, "file", "desk_import.empty")});
        return Page(pc, "desk_import", data, 422);
      }
      auto imported = services_.history->Import(pc.ctx, csv);
      if (!imported) {
        if (imported.error().code == ErrorCode::kForbidden) return DomainErrorPage(pc, imported.error());
        data["errors"] = imported.error().code == ErrorCode::kMalformed
                             ? json::array({Problem(pc.lang, "file", "desk_import.unreadable")})
                             : FieldErrors(pc.lang, imported.error());
        return Page(pc, "desk_import", data, 422);
      }
      const auto& r = *imported;
      if (!r.errors.empty()) {
        json rows = json::array();
        for (const auto& e : r.errors) {
          const std::string field = Text(pc.lang, "field." + e.field);
          rows.push_back({{"row", std::to_string(e.row)}, {"field", field.starts_with("[") ? e.field : field},
                          {"message", RuleMessage(pc.lang, e.message)}});
        }
        data["refused"] = {{"text", Fill(Text(pc.lang, "desk_import.refused"), {{"count", std::to_string(r.errors.size())}})},
                           {"rows", rows}};
        return Page(pc, "desk_import", data, 422);
      }
      data["csv"] = "";
      data["report"] = {{"text", Fill(Text(pc.lang, "desk_import.applied"),
                                      {{"rows", std::to_string(r.rows)}, {"recorded", std::to_string(r.recorded)},
                                       {"unchanged", std::to_string(r.unchanged)},
                                       {"people", std::to_string(r.people_created)},
                                       {"sessions", std::to_string(r.sessions_created)}})},
                        {"id", IdString(r.import_id)}};
      return Page(pc, "desk_import", data);
    });
  }
}

}  // namespace parcours::web
