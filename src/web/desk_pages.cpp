// The coordinator's desk: the dashboard (decisions coming, sessions at risk, completions due an
// attestation, work that gave up), a session's admin page (edit through the same service as
// PATCH /api/v1/sessions/{id}, confirm early, cancel, registrants), people and a person's
// record with attestations to issue or revoke, and the yearly participation report. Only
// coordinators see these pages; the services check it again.
#include <algorithm>
#include <array>
#include <cstdio>
#include <set>

#include "common/text.h"
#include "common/time.h"
#include "services/views.h"
#include "web/desk_forms.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

// A CSV file to download, never kept by a cache.
WebResponse CsvDownload(std::string body, const std::string& filename) {
  WebResponse r;
  r.content_type = "text/csv; charset=utf-8";
  r.body = std::move(body);
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + filename + "\""});
  r.headers.push_back({"Cache-Control", "private, no-store"});
  return r;
}

// The desk's notice after a form, with the count some of them give (a number, or no notice: the
// link is one anybody can write).
std::string Notice(PageContext& pc) {
  std::string text = DoneNotice(pc, "desk");
  if (text.find("{{count}}") == std::string::npos) return text;
  // The count is the redirect's, confirmed with the outcome by the notice cookie (page.h).
  const auto n = ParseCount(pc.req.Query("count").value_or(""));
  return n ? Fill(std::move(text), {{"count", std::to_string(*n)}}) : "";
}

// The edit form's fields as given, read into the service's SessionEdit: only what changed, so
// that a session that has started can still get a new place.
std::optional<SessionEdit> ReadEdit(const std::vector<std::pair<std::string, std::string>>& fields, const Session& s,
                                    std::vector<FieldError>& errors) {
  Form form(fields);
  SessionEdit e;
  if (auto c = ParseCount(form.Get("capacity"))) {
    if (*c != s.capacity) e.capacity = *c;
  } else {
    errors.push_back({"capacity", "must be a whole number"});
  }
  if (auto m = ParseCount(form.Get("min_registrants"))) {
    if (*m != s.min_registrants) e.min_registrants = *m;
  } else {
    errors.push_back({"min_registrants", "must be a whole number"});
  }
  for (const char* name : {"starts_at", "ends_at"}) {
    auto t = ParseLocalInput(form.Get(name));
    if (!t) {
      errors.push_back({name, "must be a date and time"});
      continue;
    }
    const TimePoint current = std::string(name) == "starts_at" ? s.starts_at : s.ends_at;
    if (LocalInput(*t) != LocalInput(current)) (std::string(name) == "starts_at" ? e.starts_at : e.ends_at) = *t;
  }
  if (form.Get("location") != s.location) e.location = form.Get("location");
  // The description (issue 12): a field changes when the form's value differs.
  const std::pair<const char*, std::pair<const std::string*, std::optional<std::string>*>> described[] = {
      {"language", {&s.description.language, &e.description.language}},
      {"audience", {&s.description.audience, &e.description.audience}},
      {"objectives", {&s.description.objectives, &e.description.objectives}},
      {"trainers_organisation", {&s.description.trainers_organisation, &e.description.trainers_organisation}},
      {"co_organisers", {&s.description.co_organisers, &e.description.co_organisers}}};
  for (const auto& [name, slot] : described)
    if (form.Has(name) && form.Get(name) != *slot.first) *slot.second = form.Get(name);
  std::vector<Id> trainers;
  for (const auto& [k, v] : fields)
    if (k == "trainer")
      if (auto id = ParseId(v)) trainers.push_back(*id);
  if (std::set<Id>(trainers.begin(), trainers.end()) != std::set<Id>(s.trainer_ids.begin(), s.trainer_ids.end()))
    e.trainer_ids = trainers;
  e.move_to_waitlist = form.Get("move_to_waitlist") == "on";
  if (!errors.empty()) return std::nullopt;
  return e;
}

// The yearly table's columns, as in the centre's report.
constexpr std::array<const char*, 4> kReportGroups = {"ifen", "fedas", "other", "specialised"};

json AttestationView(Lang lang, const Attestation& a, const std::string& public_url) {
  return {{"id", IdString(a.id)},
          {"issued", FormatDate(lang, a.issued_at)},
          {"revoked", a.revoked_at.has_value()},
          {"revoked_on", a.revoked_at ? FormatDate(lang, *a.revoked_at) : ""},
          {"reason", a.revoke_reason},
          {"pdf", "/attestations/" + IdString(a.id) + "/pdf"},
          {"verify", "/verify/" + a.verification_code},
          {"verify_url", public_url + "/verify/" + a.verification_code},
          {"code", a.verification_code}};
}

}  // namespace

std::optional<WebResponse> Site::RequireCoordinator(PageContext& pc) {
  if (auto r = RequireSignIn(pc)) return r;
  if (pc.user->Has(Role::kCoordinator)) return std::nullopt;
  return ErrorPage(pc, 403, "error.forbidden");
}

WebResponse Site::SessionAdminPage(PageContext& pc, Id session_id, json extra, int status) {
  auto session = services_.catalogue.GetSession(session_id);
  if (!session) return DomainErrorPage(pc, session.error());
  const Session& s = *session;
  auto module = services_.catalogue.GetModule(s.module_id);
  parcours::PageRequest all;
  all.limit = kMaxPageSize;
  auto registrants = services_.registrations.ListForSession(pc.ctx, session_id, all);
  if (!registrants) return DomainErrorPage(pc, registrants.error());
  json people = json::array();
  for (const auto& r : registrants->items)
    people.push_back({{"name", r.name}, {"email", r.email}, {"organisation", r.organisation},
                      {"href", "/desk/people/" + IdString(r.registration.participant_id)},
                      {"channel", ChannelText(pc.lang, r.registration.channel)},
                      {"status", StatusText(pc.lang, r.registration.status)},
                      {"position", r.registration.waitlist_position ? std::to_string(*r.registration.waitlist_position) : ""}});
  parcours::PageRequest trainers_page;
  trainers_page.limit = 200;
  auto trainers = services_.people->Search(pc.ctx, "", Role::kTrainer, trainers_page);
  if (!trainers) return DomainErrorPage(pc, trainers.error());
  std::set<Id> teaching(s.trainer_ids.begin(), s.trainer_ids.end());
  json trainer_boxes = json::array();
  for (const auto& u : trainers->items)
    trainer_boxes.push_back({{"id", IdString(u.id)}, {"name", u.name}, {"organisation", u.organisation},
                             {"checked", teaching.count(u.id) > 0}});
  const bool open = s.status == SessionStatus::kScheduled || s.status == SessionStatus::kConfirmed;
  json data = {{"session",
                {{"id", IdString(s.id)},
                 {"slot", FormatSlot(pc.lang, s.starts_at, s.ends_at)},
                 {"place", PlaceText(pc.lang, s)},
                 {"status", Text(pc.lang, std::string("session_status.") + ToString(s.status))},
                 {"places", Fill(Text(pc.lang, "session.places_text"),
                                 {{"confirmed", std::to_string(s.confirmed_count)}, {"capacity", std::to_string(s.capacity)}})},
                 {"waitlist", std::to_string(s.waitlist_count)},
                 {"decision", FormatDate(pc.lang, s.decision_at)},
                 {"min", std::to_string(s.min_registrants)},
                 {"scheduled", s.status == SessionStatus::kScheduled},
                 {"cancel_reason", s.cancel_reason},
                 {"language", LanguageName(pc.lang, s.description.language)},
                 {"replay_link", s.replay_link},
                 {"replay_views", Fill(Text(pc.lang, "events.replay_views"), {{"count", std::to_string(s.replay_views)}})},
                 {"replay_open", s.status != SessionStatus::kCancelled && services_.clock.Now() >= s.starts_at}}},
               {"title", module ? module->title : Text(pc.lang, "desk.session_admin")},
               {"module", module ? module->title : ""},
               {"public_href", "/sessions/" + IdString(s.id)},
               {"open", open},
               {"form",
                {{"capacity", std::to_string(s.capacity)},
                 {"min_registrants", std::to_string(s.min_registrants)},
                 {"starts_at", LocalInput(s.starts_at)},
                 {"ends_at", LocalInput(s.ends_at)},
                 {"location", s.location},
                 {"languages", LanguageOptions(pc.lang, s.description.language)},
                 {"audience", s.description.audience},
                 {"objectives", s.description.objectives},
                 {"trainers_organisation", s.description.trainers_organisation},
                 {"co_organisers", s.description.co_organisers}}},
               {"trainers", trainer_boxes},
               {"people", people},
               {"has_people", !people.empty()},
               {"notice", Notice(pc)}};
  data["docs"] = DocumentsSection(pc, session_id, true, "/desk/sessions/" + IdString(session_id));
  data.update(extra);
  return Page(pc, "desk_session", data, status);
}

void Site::AddDeskPages() {
  Add("GET", "/desk", [this](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    int days = 14;
    if (auto v = pc.req.Query("within_days"))
      if (auto n = ParseCount(*v); n && *n <= 366) days = *n;
    auto desk = services_.operations->Desk(pc.ctx, days);
    if (!desk) return DomainErrorPage(pc, desk.error());
    json decisions = json::array();
    int at_risk = 0;
    for (const auto& d : desk->decisions) {
      const auto& s = d.session;
      at_risk += d.at_risk ? 1 : 0;
      decisions.push_back(
          {{"id", IdString(s.id)},
           {"href", "/desk/sessions/" + IdString(s.id)},
           {"module", d.module.title},
           {"slot", FormatSlot(pc.lang, s.starts_at, s.ends_at)},
           {"at_risk", d.at_risk},
           {"fill", Percent(s.confirmed_count, s.capacity)},
           {"figures", Fill(Text(pc.lang, "desk.figures"),
                            {{"confirmed", std::to_string(s.confirmed_count)}, {"capacity", std::to_string(s.capacity)},
                             {"min", std::to_string(s.min_registrants)}, {"waitlist", std::to_string(s.waitlist_count)}})},
           {"days_left", Fill(Text(pc.lang, d.days_left == 0 ? "desk.decision_today" : "desk.days_left"),
                              {{"days", std::to_string(d.days_left)}, {"date", FormatDate(pc.lang, s.decision_at)}})}});
    }
    json due = json::array();
    for (const auto& x : desk->completions_due)
      if (x.due > 0)
        due.push_back({{"id", IdString(x.pathway.id)}, {"title", x.pathway.title},
                       {"text", Fill(Text(pc.lang, "desk.due_count"), {{"count", std::to_string(x.due)}})}});
    const std::size_t failures =
        desk->failures.scheduler.size() + desk->failures.notifications.size() + desk->failures.webhooks.size();
    json data = {{"decisions", decisions},
                 {"has_decisions", !decisions.empty()},
                 {"at_risk_text", Fill(Text(pc.lang, "desk.at_risk_count"),
                                       {{"count", std::to_string(at_risk)}, {"days", std::to_string(days)}})},
                 {"due", due},
                 {"has_due", !due.empty()},
                 {"failures", failures > 0},
                 {"failures_text", Fill(Text(pc.lang, "desk.failures"),
                                        {{"scheduler", std::to_string(desk->failures.scheduler.size())},
                                         {"notifications", std::to_string(desk->failures.notifications.size())},
                                         {"webhooks", std::to_string(desk->failures.webhooks.size())}})},
                 {"year", FormatLocal(desk->now).substr(0, 4)},
                 {"notice", Notice(pc)}};
    return Page(pc, "desk", data);
  });

  Add("GET", "/desk/sessions/{id}", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    return SessionAdminPage(pc, id, json::object());
  }));

  Add("POST", "/desk/sessions/{id}", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    auto session = services_.catalogue.GetSession(id);
    if (!session) return DomainErrorPage(pc, session.error());
    const auto fields = *ParseForm(pc.req.body);
    Form form(fields);
    std::vector<FieldError> errors;
    auto edit = ReadEdit(fields, *session, errors);
    Result<Session> edited = edit ? services_.catalogue.EditSession(pc.ctx, id, *edit)
                                  : Result<Session>(Invalid(errors));
    if (edited) return WebResponse::Redirect("/desk/sessions/" + IdString(id) + "?done=saved");
    const DomainError& e = edited.error();
    if (e.code == ErrorCode::kNotFound || e.code == ErrorCode::kForbidden) return DomainErrorPage(pc, e);
    json shown = e.code == ErrorCode::kConflict
                     ? json::array({{{"field", ""}, {"message", Text(pc.lang, "desk.closed")}}})
                     : FieldErrors(pc.lang, e);
    // Lowering the capacity below the people registered: say what to do about it.
    if (edit && edit->capacity && *edit->capacity < session->confirmed_count && !edit->move_to_waitlist)
      shown.push_back({{"field", ""},
                       {"message", Fill(Text(pc.lang, "desk.capacity_below"),
                                        {{"confirmed", std::to_string(session->confirmed_count)}})}});
    json values = {{"capacity", form.Get("capacity")}, {"min_registrants", form.Get("min_registrants")},
                   {"starts_at", form.Get("starts_at")}, {"ends_at", form.Get("ends_at")},
                   {"location", form.Get("location")},
                   {"languages", LanguageOptions(pc.lang, form.Get("language"))},
                   {"audience", form.Get("audience")}, {"objectives", form.Get("objectives")},
                   {"trainers_organisation", form.Get("trainers_organisation")},
                   {"co_organisers", form.Get("co_organisers")}};
    return SessionAdminPage(pc, id, {{"errors", shown}, {"form", values}, {"move_checked", edit && edit->move_to_waitlist}},
                            422);
  }));

  // The replay of an online event (issue 12), through the same service as PUT /api/v1/sessions/{id}/replay.
  Add("POST", "/desk/sessions/{id}/replay", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    auto done = services_.catalogue.SetReplay(pc.ctx, id, form.Get("replay_link"));
    if (!done) {
      if (done.error().code == ErrorCode::kNotFound || done.error().code == ErrorCode::kForbidden)
        return DomainErrorPage(pc, done.error());
      return SessionAdminPage(pc, id, {{"errors", FieldErrors(pc.lang, done.error())}},
                              done.error().code == ErrorCode::kConflict ? 409 : 422);
    }
    return WebResponse::Redirect("/desk/sessions/" + IdString(id) + "?done=replay_saved");
  }));

  // Confirm a session before its decision date, whatever its numbers.
  Add("POST", "/desk/sessions/{id}/confirm", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    auto done = services_.catalogue.ConfirmSession(pc.ctx, id);
    if (!done) {
      if (done.error().code == ErrorCode::kNotFound || done.error().code == ErrorCode::kForbidden)
        return DomainErrorPage(pc, done.error());
      return SessionAdminPage(pc, id, {{"errors", FieldErrors(pc.lang, done.error())}}, 409);
    }
    return WebResponse::Redirect(WithQuery(LocalOr(form.Get("next"), "/desk/sessions/" + IdString(id)), "done=confirmed"));
  }));

  Add("POST", "/desk/sessions/{id}/cancel", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    auto done = services_.catalogue.CancelSession(pc.ctx, id, form.Get("reason"));
    if (!done) {
      if (done.error().code == ErrorCode::kNotFound || done.error().code == ErrorCode::kForbidden)
        return DomainErrorPage(pc, done.error());
      return SessionAdminPage(pc, id, {{"errors", FieldErrors(pc.lang, done.error())}}, 422);
    }
    return WebResponse::Redirect("/desk/sessions/" + IdString(id) + "?done=cancelled");
  }));

  Add("GET", "/desk/people", [this](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    const std::string q = pc.req.Query("q").value_or("");
    parcours::PageRequest page;
    page.limit = kStaffListPageSize;
    page.cursor = pc.req.Query("after");
    json data = {{"q", q}};
    auto found = services_.people->Search(pc.ctx, q, std::nullopt, page);
    if (!found) {
      if (found.error().code == ErrorCode::kForbidden) return DomainErrorPage(pc, found.error());
      data["errors"] = FieldErrors(pc.lang, found.error());
      return Page(pc, "desk_people", data, 422);
    }
    json people = json::array();
    for (const auto& u : found->items)
      people.push_back({{"href", "/desk/people/" + IdString(u.id)}, {"name", u.name}, {"email", u.email},
                        {"organisation", u.organisation}, {"trainer", u.Has(Role::kTrainer)},
                        {"coordinator", u.Has(Role::kCoordinator)}, {"unclaimed", u.password_hash.empty()}});
    data["people"] = people;
    data["none"] = people.empty();
    if (found->next_cursor)
      data["next"] = "/desk/people?q=" + PercentEncode(q) + "&after=" + PercentEncode(*found->next_cursor);
    if (page.cursor) data["first"] = "/desk/people?q=" + PercentEncode(q);
    return Page(pc, "desk_people", data);
  });

  Add("GET", "/desk/people/{id}", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    auto record = services_.people->Record(pc.ctx, id);
    if (!record) return DomainErrorPage(pc, record.error());
    parcours::PageRequest audit_page;
    audit_page.limit = 20;
    audit_page.cursor = pc.req.Query("audit");
    auto trail = services_.people->Trail(pc.ctx, id, audit_page);
    if (!trail) return DomainErrorPage(pc, trail.error());
    json registrations = json::array();
    for (const auto& x : record->registrations) {
      json v = {{"module", x.module.title},
                {"href", "/desk/sessions/" + IdString(x.session.id)},
                {"slot", FormatSlot(pc.lang, x.session.starts_at, x.session.ends_at)},
                {"status", StatusText(pc.lang, x.registration.status)},
                {"channel", ChannelText(pc.lang, x.registration.channel)},
                {"mark", x.mark ? Text(pc.lang, std::string("mark.") + ToString(x.mark->status)) : ""}};
      registrations.push_back(v);
    }
    json attestations = json::array();
    std::set<Id> attested;
    for (const auto& a : record->attestations) {
      attestations.push_back(AttestationView(pc.lang, a, settings_.public_url));
      if (!a.revoked_at) attested.insert(a.pathway_id);
    }
    json progress = json::array();
    for (const auto& p : record->progress) {
      bool revoked_before = false;
      for (const auto& a : record->attestations) revoked_before |= a.pathway_id == p.pathway.id && a.revoked_at;
      progress.push_back({{"title", p.pathway.title},
                          {"pathway_id", IdString(p.pathway.id)},
                          {"hours", FormatNumber(pc.lang, p.hours_completed)},
                          {"total", FormatNumber(pc.lang, p.pathway.TotalHours())},
                          {"complete", p.complete},
                          {"can_issue", p.complete && !attested.count(p.pathway.id)},
                          {"reissue", revoked_before}});
    }
    json audit = json::array();
    for (const auto& e : trail->items)
      audit.push_back({{"at", FormatDate(pc.lang, e.at) + ", " + FormatTime(pc.lang, e.at)},
                       {"action", e.action}, {"actor", e.actor},
                       {"entity", e.entity_type + " " + IdString(e.entity_id)}});
    const User& u = record->person;
    json data = {{"person", {{"id", IdString(u.id)}, {"name", u.name}, {"email", u.email},
                             {"organisation", u.organisation}, {"unclaimed", u.password_hash.empty()}}},
                 {"title", u.name},
                 {"registrations", registrations}, {"has_registrations", !registrations.empty()},
                 {"progress", progress}, {"has_progress", !progress.empty()},
                 {"attestations", attestations}, {"has_attestations", !attestations.empty()},
                 {"audit", audit}, {"has_audit", !audit.empty()},
                 {"notice", Notice(pc)}};
    if (trail->next_cursor) data["audit_next"] = "/desk/people/" + IdString(u.id) + "?audit=" + PercentEncode(*trail->next_cursor) + "#audit";
    return Page(pc, "desk_person", data);
  }));

  // One person's attestation (a re-issue after a revocation needs a reason).
  Add("POST", "/desk/attestations", [this](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    Form form(*ParseForm(pc.req.body));
    auto person = ParseId(form.Get("participant_id"));
    auto pathway = ParseId(form.Get("pathway_id"));
    if (!person || !pathway) return ErrorPage(pc, 400, "error.bad_form");
    auto issued = services_.attestations.Issue(pc.ctx, *person, *pathway, form.Get("reason"));
    if (!issued) return DomainErrorPage(pc, issued.error());
    return WebResponse::Redirect("/desk/people/" + IdString(*person) + "?done=issued");
  });

  Add("POST", "/desk/attestations/{id}/revoke", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    auto revoked = services_.attestations.Revoke(pc.ctx, id, form.Get("reason"));
    if (!revoked) return DomainErrorPage(pc, revoked.error());
    return WebResponse::Redirect("/desk/people/" + IdString(revoked->participant_id) + "?done=revoked");
  }));

  // The batch: everyone who completed the pathway and never held its attestation.
  Add("POST", "/desk/pathways/{id}/attestations", WithId(&Site::RequireCoordinator, [this](PageContext& pc, Id id) {
    auto issued = services_.attestations.IssueAll(pc.ctx, id);
    if (!issued) return DomainErrorPage(pc, issued.error());
    return WebResponse::Redirect("/desk?done=batch&count=" + std::to_string(issued->size()));
  }));

  Add("GET", "/desk/report", [this](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    const int this_year = std::stoi(FormatLocal(services_.clock.Now()).substr(0, 4));
    int year = this_year;
    if (auto v = pc.req.Query("year"))
      if (auto n = ParseCount(*v); n && *n >= 2000 && *n <= 2100) year = *n;
    auto report = services_.reports->Participation(pc.ctx, year);
    if (!report) return DomainErrorPage(pc, report.error());
    // The centre's columns: formal education (IFEN), non-formal (FEDAS), others (direct
    // registrations and any other agency), the specialised public.
    auto group_of = [](const std::string& channel) {
      return channel == "IFEN" ? 0 : channel == "FEDAS" ? 1 : channel == "SPECIALISED" ? 3 : 2;
    };
    auto grouped = [&](const std::map<std::string, long long>& by) {
      std::array<long long, kReportGroups.size()> g{};
      for (const auto& [channel, n] : by) g[group_of(channel)] += n;
      return g;
    };
    auto cells_of = [&](const std::map<std::string, long long>& by) {
      json cells = json::array();
      for (long long n : grouped(by)) cells.push_back(n ? std::to_string(n) : "");
      return cells;
    };
    json rows = json::array();
    for (const auto& row : report->rows) {
      rows.push_back({{"label", row.label}, {"cells", cells_of(row.counts)}, {"total", std::to_string(row.total)}, {"child", false}});
      for (const auto& child : row.children)
        rows.push_back({{"label", child.label}, {"cells", cells_of(child.counts)}, {"total", std::to_string(child.total)}, {"child", true}});
    }
    json columns = json::array();
    for (const char* key : kReportGroups) columns.push_back(Text(pc.lang, std::string("report.col_") + key));
    json totals = json::array();
    for (long long n : grouped(report->totals)) totals.push_back(std::to_string(n));
    // The chart: one stacked bar per training (a pathway counts as one), drawn as SVG.
    long long widest = 1;
    for (const auto& row : report->rows) widest = std::max(widest, row.total);
    json bars = json::array();
    int y = 70;
    for (const auto& row : report->rows) {
      json parts = json::array();
      double x = 0;
      const auto g = grouped(row.counts);
      for (std::size_t i = 0; i < g.size(); ++i) {
        if (!g[i]) continue;
        const double w = 480.0 * static_cast<double>(g[i]) / static_cast<double>(widest);
        parts.push_back({{"x", x}, {"w", w}, {"group", kReportGroups[i]},
                         {"title", columns[i].get<std::string>() + " : " + std::to_string(g[i])}});
        x += w;
      }
      bars.push_back({{"label", row.label}, {"text_y", y}, {"bar_y", y + 6}, {"parts", parts},
                      {"total", std::to_string(row.total)}, {"total_x", x + 8}, {"total_y", y + 21}});
      y += 50;
    }
    json legend = json::array();
    for (std::size_t i = 0; i < kReportGroups.size(); ++i)
      legend.push_back({{"group", kReportGroups[i]}, {"label", columns[i]}, {"x", (i % 2) * 300}, {"y", (i / 2) * 26},
                        {"text_x", (i % 2) * 300 + 22}, {"text_y", (i / 2) * 26 + 14}});
    json years = json::array();
    for (int y = this_year + 1; y >= this_year - 4; --y)
      years.push_back({{"value", std::to_string(y)}, {"selected", y == year}});
    json data = {{"year", std::to_string(year)}, {"years", years}, {"columns", columns}, {"rows", rows},
                 {"has_rows", !rows.empty()}, {"totals", totals}, {"total", std::to_string(report->total)},
                 {"chart", {{"bars", bars}, {"legend", legend}, {"height", y}}},
                 {"csv", "/desk/report.csv?year=" + std::to_string(year)},
                 {"title", Fill(Text(pc.lang, "report.title_year"), {{"year", std::to_string(year)}})}};
    return Page(pc, "desk_report", data);
  });

  Add("GET", "/desk/report.csv", [this](PageContext& pc) {
    if (auto r = RequireCoordinator(pc)) return *r;
    auto year = ParseCount(pc.req.Query("year").value_or(""));
    if (!year || *year < 2000 || *year > 2100) return ErrorPage(pc, 400, "error.bad_filter");
    auto report = services_.reports->Participation(pc.ctx, *year);
    if (!report) return DomainErrorPage(pc, report.error());
    return CsvDownload(ReportService::ParticipationCsv(*report), "participation-" + std::to_string(*year) + ".csv");
  });

  // The sessions report: per session of a year (a module's alone with ?module=), registrations
  // by status and channel, attendance by status and the hours credited; and its CSV.
  struct SessionsQuery {
    int year = 0;
    std::optional<Id> module;
  };
  // The report that ?year= (this year by default) and ?module= ask for (module_titles keeps every
  // module of the year, for the filter), or the page that says why not.
  auto sessions_report = [this](PageContext& pc, SessionsQuery& q, SessionsReport& out) -> std::optional<WebResponse> {
    if (auto r = RequireCoordinator(pc)) return *r;
    q.year = std::stoi(FormatLocal(services_.clock.Now()).substr(0, 4));
    if (auto v = pc.req.Query("year"); v && !v->empty()) {
      auto n = ParseCount(*v);
      if (!n || *n < 2000 || *n > 2100) return ErrorPage(pc, 400, "error.bad_filter");
      q.year = *n;
    }
    if (auto v = pc.req.Query("module"); v && !v->empty()) {
      q.module = ParseId(*v);
      if (!q.module) return ErrorPage(pc, 400, "error.bad_filter");
    }
    auto report = services_.reports->Sessions(pc.ctx, q.year);
    if (!report) return DomainErrorPage(pc, report.error());
    out = std::move(*report);
    if (q.module)
      std::erase_if(out.sessions, [&](const SessionFigures& f) { return f.session.module_id != *q.module; });
    return std::nullopt;
  };
  Add("GET", "/desk/report/sessions", [this, sessions_report](PageContext& pc) {
    SessionsQuery q;
    SessionsReport report;
    if (auto refused = sessions_report(pc, q, report)) return *refused;
    json modules = json::array();
    for (const auto& [id, title] : report.module_titles)
      modules.push_back({{"value", IdString(id)}, {"label", title}, {"selected", q.module == id}});
    auto n = [](const std::map<std::string, long long>& m, const std::string& k) {
      auto it = m.find(k);
      return it == m.end() ? 0LL : it->second;
    };
    auto hours_text = [](double h) {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%g", h);
      return std::string(buf);
    };
    json rows = json::array();
    std::map<std::string, long long> regs, marks;
    double hours = 0;
    long long held = 0, by_threshold = 0, by_hand = 0;
    for (const auto& f : report.sessions) {
      if (f.session.status != SessionStatus::kCancelled) ++held;
      else ++(f.cancelled_by_threshold ? by_threshold : by_hand);
      const auto it = report.details.find(f.session.id);
      const SessionDetail d = it == report.details.end() ? SessionDetail{} : it->second;
      std::string channels;
      for (const auto& [channel, count] : d.channels)
        channels += (channels.empty() ? "" : " · ") + channel + " " + std::to_string(count);
      for (const auto& [k, v] : d.registrations) regs[k] += v;
      for (const auto& [k, v] : d.attendance) marks[k] += v;
      hours += d.hours;
      rows.push_back({{"href", "/desk/sessions/" + IdString(f.session.id)},
                      {"date", FormatDate(pc.lang, f.session.starts_at)},
                      {"module", report.module_titles[f.session.module_id]},
                      {"status", Text(pc.lang, "session_status." + std::string(ToString(f.session.status)))},
                      {"confirmed", n(d.registrations, "confirmed")}, {"waitlisted", n(d.registrations, "waitlisted")},
                      {"left", n(d.registrations, "withdrawn") + n(d.registrations, "cancelled")},
                      {"channels", channels}, {"present", n(d.attendance, "present")}, {"partial", n(d.attendance, "partial")},
                      {"absent", n(d.attendance, "absent") + n(d.attendance, "excused")}, {"hours", hours_text(d.hours)}});
    }
    json totals = {{"confirmed", n(regs, "confirmed")}, {"waitlisted", n(regs, "waitlisted")},
                   {"left", n(regs, "withdrawn") + n(regs, "cancelled")}, {"present", n(marks, "present")},
                   {"partial", n(marks, "partial")}, {"absent", n(marks, "absent") + n(marks, "excused")},
                   {"hours", hours_text(hours)}};
    const int this_year = std::stoi(FormatLocal(services_.clock.Now()).substr(0, 4));
    json years = json::array();
    for (int y = this_year + 1; y >= this_year - 4; --y)
      years.push_back({{"value", std::to_string(y)}, {"selected", y == q.year}});
    const std::string query = "?year=" + std::to_string(q.year) + (q.module ? "&module=" + IdString(*q.module) : "");
    json data = {{"years", years}, {"modules", modules}, {"rows", rows}, {"has_rows", !rows.empty()}, {"totals", totals},
                 {"summary", Fill(Text(pc.lang, "sessions_report.summary"),
                                  {{"offered", std::to_string(report.sessions.size())}, {"held", std::to_string(held)},
                                   {"threshold", std::to_string(by_threshold)}, {"by_hand", std::to_string(by_hand)}})},
                 {"csv", "/desk/report/sessions.csv" + query}, {"year", std::to_string(q.year)},
                 {"title", Fill(Text(pc.lang, "sessions_report.title_year"), {{"year", std::to_string(q.year)}})}};
    return Page(pc, "desk_sessions_report", data);
  });
  Add("GET", "/desk/report/sessions.csv", [sessions_report](PageContext& pc) {
    SessionsQuery q;
    SessionsReport report;
    if (auto refused = sessions_report(pc, q, report)) return *refused;
    return CsvDownload(ReportService::SessionsCsv(report), "sessions-" + std::to_string(q.year) + ".csv");
  });
}

}  // namespace parcours::web
