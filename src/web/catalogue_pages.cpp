// The catalogue (/), a session's page and enrolment from it (register, join the waiting list,
// withdraw).
#include <algorithm>
#include <map>

#include "common/text.h"
#include "common/time.h"
#include "domain/events.h"
#include "services/views.h"
#include "web/site.h"
#include "web/view.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

std::string ModeKey(SessionMode m) {
  switch (m) {
    case SessionMode::kOnline: return "mode.online";
    case SessionMode::kHybrid: return "mode.hybrid";
    default: return "mode.onsite";
  }
}

// One session as the pages show it.
json SessionView(Lang lang, const Session& s, TimePoint now) {
  const int left = std::max(0, s.capacity - s.confirmed_count);
  json v = {{"id", IdString(s.id)},
            {"href", "/sessions/" + IdString(s.id)},
            {"slot", FormatSlot(lang, s.starts_at, s.ends_at)},
            {"date", FormatDate(lang, s.starts_at)},
            {"place", s.mode == SessionMode::kOnline ? Text(lang, "mode.online") : s.location},
            {"mode", Text(lang, ModeKey(s.mode))},
            {"agency", s.agency.value_or("")},
            {"places_left", std::to_string(left)},
            {"waitlist", std::to_string(s.waitlist_count)},
            {"full", left == 0},
            {"cancelled", s.status == SessionStatus::kCancelled},
            {"past", s.starts_at <= now},
            {"capacity", std::to_string(s.capacity)},
            {"confirmed", std::to_string(s.confirmed_count)},
            {"min_registrants", std::to_string(s.min_registrants)},
            {"decision_date", FormatDate(lang, s.decision_at)},
            {"decided", s.status == SessionStatus::kConfirmed || s.status == SessionStatus::kCompleted}};
  v["places_text"] = Fill(Text(lang, "session.places_text"),
                          {{"confirmed", std::to_string(s.confirmed_count)}, {"capacity", std::to_string(s.capacity)}});
  v["decision_text"] = Fill(Text(lang, "session.decision_text"),
                            {{"min", std::to_string(s.min_registrants)}, {"date", FormatDate(lang, s.decision_at)}});
  if (s.agency) v["agency_rule"] = Fill(Text(lang, "session.agency_rule"), {{"agency", *s.agency}});
  // Issue 12: the language it is held in and what the catalogue says about it.
  v["language"] = LanguageName(lang, s.description.language);
  v["foreign_language"] = s.description.language != "fr";
  v["audience"] = s.description.audience;
  v["objectives"] = s.description.objectives;
  v["trainers_organisation"] = s.description.trainers_organisation;
  v["co_organisers"] = s.description.co_organisers;
  json parts = json::array();
  for (const auto& p : s.parts)
    parts.push_back({{"label", Fill(Text(lang, "events.part"), {{"n", std::to_string(p.position)}})},
                     {"slot", FormatSlot(lang, p.starts_at, p.ends_at)},
                     {"hours", FormatNumber(lang, p.hours)}});
  v["parts"] = parts;
  v["has_parts"] = !parts.empty();
  return v;
}

// The months the filter offers: this one and the eleven after, Luxembourg time.
struct OfferedMonth {
  std::string value;  // "YYYY-MM"
  int year;
  unsigned month;
};
std::vector<OfferedMonth> OfferedMonths(TimePoint now) {
  const auto local = now + std::chrono::minutes(LuxembourgOffsetMinutes(now));
  std::chrono::year_month_day ymd(std::chrono::floor<std::chrono::days>(local));
  int y = int(ymd.year());
  unsigned mo = unsigned(ymd.month());
  std::vector<OfferedMonth> out;
  for (int i = 0; i < 12; ++i) {
    char value[24];  // "YYYY-MM", and room for any int the compiler imagines
    std::snprintf(value, sizeof value, "%04d-%02u", y, mo);
    out.push_back({value, y, mo});
    if (++mo == 13) {
      mo = 1;
      ++y;
    }
  }
  return out;
}

// Are these filters among those the page offers (a module of the catalogue, one of the
// months listed)? Only such pages are kept: a client inventing module ids or far months gets
// its page rendered, and takes no place among the pages people ask for.
bool OfferedFilters(const CatalogueSnapshot& snap, std::optional<Id> module, const std::string& month, TimePoint now) {
  if (module && !snap.FindModule(*module)) return false;
  if (month.empty()) return true;
  const auto months = OfferedMonths(now);
  return std::any_of(months.begin(), months.end(), [&](const OfferedMonth& m) { return m.value == month; });
}

// The catalogue page's data: pathways and one-off modules with their coming sessions (those
// the filters keep), and the filters' choices.
json CatalogueData(Lang lang, const CatalogueSnapshot& snap, const SessionFilter& filter,
                   const std::string& month_value, std::optional<SessionMode> mode, TimePoint now) {
  const std::optional<std::string>& language = filter.language;
  std::map<Id, json> by_module;
  for (const auto& s : snap.upcoming) {
    if (filter.from && s.starts_at < *filter.from) continue;
    if (filter.to && s.starts_at >= *filter.to) continue;
    if (filter.module_id && s.module_id != *filter.module_id) continue;
    if (mode && s.mode != *mode) continue;
    if (language && s.description.language != *language) continue;
    by_module[s.module_id].push_back(SessionView(lang, s, now));
  }
  auto module_view = [&](const Module& m) {
    json v = {{"id", IdString(m.id)}, {"title", m.title}, {"hours", FormatNumber(lang, m.hours)},
              {"sessions", by_module.count(m.id) ? by_module[m.id] : json::array()}};
    v["has_sessions"] = !v["sessions"].empty();
    return v;
  };
  json module_options = json::array();
  json pathway_views = json::array();
  for (const auto& p : snap.pathways) {
    json mods = json::array();
    for (const auto& m : p.modules) {
      mods.push_back(module_view(m));
      module_options.push_back({{"id", IdString(m.id)}, {"title", m.title}, {"selected", filter.module_id == m.id}});
    }
    pathway_views.push_back({{"title", p.title}, {"code", p.code}, {"total_hours", FormatNumber(lang, p.TotalHours())},
                             {"module_count", std::to_string(p.modules.size())}, {"modules", mods}});
  }
  json one_offs = json::array();
  for (const auto& m : snap.modules) {
    if (m.pathway_id) continue;
    one_offs.push_back(module_view(m));
    module_options.push_back({{"id", IdString(m.id)}, {"title", m.title}, {"selected", filter.module_id == m.id}});
  }
  json months = json::array();
  for (const auto& m : OfferedMonths(now))
    months.push_back({{"value", m.value}, {"label", FormatMonth(lang, m.year, m.month)}, {"selected", month_value == m.value}});
  json modes = json::array();
  for (auto m : {SessionMode::kOnsite, SessionMode::kOnline, SessionMode::kHybrid})
    modes.push_back({{"value", ToString(m)}, {"label", Text(lang, ModeKey(m))}, {"selected", mode && *mode == m}});
  return {{"languages", LanguageOptions(lang, language)},
          {"pathways", pathway_views},
          {"one_offs", one_offs},
          {"has_one_offs", !one_offs.empty()},
          {"module_options", module_options},
          {"months", months},
          {"modes", modes},
          {"filtered", filter.module_id.has_value() || !month_value.empty() || mode.has_value() || language.has_value()}};
}

// The first instant of the next month, Luxembourg time.
TimePoint NextMonthStart(TimePoint now) {
  const auto local = now + std::chrono::minutes(LuxembourgOffsetMinutes(now));
  std::chrono::year_month_day ymd(std::chrono::floor<std::chrono::days>(local));
  const int y = int(ymd.year());
  const unsigned mo = unsigned(ymd.month());
  return LuxembourgLocalToUtc(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, 1).value_or(TimePoint::max());
}

}  // namespace

void Site::AddCataloguePages() {
  Add("GET", "/", [this](PageContext& pc) {
    const TimePoint now = services_.clock.Now();
    std::vector<std::string> problems;
    SessionFilter filter;
    filter.from = now;
    filter.limit = 500;
    if (auto m = pc.req.Query("module"); m && !m->empty()) {
      if (auto id = ParseId(*m)) filter.module_id = *id;
      else problems.push_back("module");
    }
    std::string month_value = pc.req.Query("month").value_or("");
    if (!month_value.empty()) {
      auto start = month_value.size() == 7 ? LuxembourgDayStart(month_value + "-01") : std::nullopt;
      if (!start) {
        problems.push_back("month");
      } else {
        int y = std::stoi(month_value.substr(0, 4)), mo = std::stoi(month_value.substr(5, 2));
        filter.from = std::max(*start, now);
        filter.to = LuxembourgLocalToUtc(mo == 12 ? y + 1 : y, mo == 12 ? 1 : mo + 1, 1);
      }
    }
    std::optional<SessionMode> mode;
    std::string mode_value = pc.req.Query("mode").value_or("");
    if (!mode_value.empty()) {
      mode = SessionModeFromString(mode_value);
      if (!mode) problems.push_back("mode");
    }
    if (std::string v = pc.req.Query("language").value_or(""); !v.empty()) {
      if (IsSessionLanguage(v)) filter.language = v;
      else problems.push_back("language");
    }
    if (!problems.empty()) return ErrorPage(pc, 400, "error.bad_filter");

    // The content is the same for everyone who asks in this language with these filters: it
    // is kept while the catalogue shows the same (catalogue_cache.h).
    const CatalogueReading reading = services_.catalogue.ReadVersion();
    const std::string key = CatalogueKey(Code(pc.lang), filter.module_id, month_value, mode, filter.language);
    auto kept = kept_catalogue_.Find(key, reading);
    bool keep = true;  // a kept page was kept for offered filters
    if (!kept) {
      auto snapshot = services_.catalogue.Snapshot(reading);
      json data = CatalogueData(pc.lang, snapshot->value, filter, month_value, mode, now);
      AddCommon(pc, data);
      data["csrf"] = "";  // the kept content is everyone's: nothing of this person in it
      data["signed_in"] = false;
      // The months offered change with the month; the sessions shown when the first starts.
      const TimePoint until = std::min(snapshot->stamp.valid_until, NextMonthStart(now));
      keep = OfferedFilters(snapshot->value, filter.module_id, month_value, now);
      std::string content = Render("catalogue", data, pc.lang);
      kept = keep ? kept_catalogue_.Put(key, reading, std::move(content), until)
                  : CatalogueCache<std::string>::Unkept(reading, std::move(content), until);
    }
    WebResponse r = PageWithContent(pc, kept->value, "catalogue.title");
    Revalidated(pc, r);
    if (keep) r.kept_under = kept->stamp;  // the same page for the same request while the catalogue holds
    return r;
  });

  Add("GET", "/sessions/{id}", [this](PageContext& pc) {
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    // A coming session, its module and pathway from the catalogue's snapshot (no query when
    // it is fresh); a past one from the database.
    const CatalogueReading reading = services_.catalogue.ReadVersion();
    auto snapshot = services_.catalogue.Snapshot(reading);
    const CatalogueSnapshot& snap = snapshot->value;
    // All of it from the snapshot: the page may be kept under the snapshot's stamp.
    bool from_snapshot = true;
    Result<Session> session = Error(ErrorCode::kNotFound, "");
    if (const Session* coming = snap.FindUpcoming(*id)) session = *coming;
    else session = services_.catalogue.GetSession(*id), from_snapshot = false;
    if (!session) return DomainErrorPage(pc, session.error());
    Result<Module> module = Error(ErrorCode::kNotFound, "");
    if (const Module* m = snap.FindModule(session->module_id)) module = *m;
    else module = services_.catalogue.GetModule(session->module_id), from_snapshot = false;
    if (!module) return DomainErrorPage(pc, module.error());
    const TimePoint now = reading.now;
    json data = {{"session", SessionView(pc.lang, *session, now)}, {"module", {{"title", module->title}, {"hours", FormatNumber(pc.lang, module->hours)}}}};
    data["title"] = module->title;
    if (module->pathway_id) {
      if (const Pathway* p = snap.FindPathway(*module->pathway_id)) data["pathway"] = {{"title", p->title}};
      else if (auto q = services_.catalogue.GetPathway(*module->pathway_id)) data["pathway"] = {{"title", q->title}}, from_snapshot = false;
      else from_snapshot = false;
    }
    const bool open = session->status != SessionStatus::kCancelled && session->status != SessionStatus::kCompleted &&
                      session->starts_at > now;
    data["open"] = open;
    if (pc.user) {
      std::optional<Registration> links_for;
      parcours::PageRequest all;
      all.limit = 500;
      auto mine = services_.registrations.ListMine(pc.ctx, all);
      if (mine) {
        for (const auto& r : mine->items) {
          if (r.session_id != session->id || !(r.status == RegistrationStatus::kConfirmed || r.status == RegistrationStatus::kWaitlisted))
            continue;
          data["registration"] = {{"id", IdString(r.id)},
                                  {"confirmed", r.status == RegistrationStatus::kConfirmed},
                                  {"position", r.waitlist_position ? std::to_string(*r.waitlist_position) : ""}};
          if (r.status == RegistrationStatus::kConfirmed) links_for = r;
        }
      }
      // The online link and the replay: for confirmed registrants and the session's staff.
      if (MaySeeLinks(pc.ctx.principal, *session, links_for)) {
        if (!session->online_link.empty()) data["online_link"] = session->online_link;
        if (!session->replay_link.empty()) data["replay_href"] = "/sessions/" + IdString(session->id) + "/replay";
      }
    }
    const std::string& done = pc.done;
    data["just_registered"] = done == "registered";
    data["just_waitlisted"] = done == "waitlisted";
    data["just_withdrawn"] = done == "withdrawn";
    data["next"] = "/sessions/" + IdString(session->id);
    data["docs"] = DocumentsSection(pc, session->id, false, "");
    WebResponse r = Page(pc, "session", data);
    Revalidated(pc, r);
    if (from_snapshot) r.kept_under = snapshot->stamp;  // Handle drops it for a signed-in person
    return r;
  });

  // The replay of a past online event: counted, then 303 to the recording (issue 12).
  Add("GET", "/sessions/{id}/replay", [this](PageContext& pc) {
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    if (!pc.user) return WebResponse::Redirect("/login?next=/sessions/" + IdString(*id) + "/replay");
    auto link = services_.catalogue.OpenReplay(pc.ctx, *id);
    if (!link) return DomainErrorPage(pc, link.error());
    return WebResponse::Redirect(*link);
  });

  Add("POST", "/sessions/{id}/register", [this](PageContext& pc) {
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    const std::string here = "/sessions/" + IdString(*id);
    if (!pc.user) return WebResponse::Redirect("/login?next=" + here);
    Form form(*ParseForm(pc.req.body));
    const std::string next = LocalOr(form.Get("next"), here);  // one-click enrolment from "mon parcours"
    RegistrationRequest in;
    in.session_id = *id;
    auto r = services_.registrations.Register(pc.ctx, in);
    if (!r) {
      if (r.error().code == ErrorCode::kAlreadyRegistered) return WebResponse::Redirect(here);
      return DomainErrorPage(pc, r.error());
    }
    return WebResponse::Redirect(
        WithQuery(next, r->status == RegistrationStatus::kConfirmed ? "done=registered" : "done=waitlisted"));
  });

  Add("POST", "/registrations/{id}/withdraw", [this](PageContext& pc) {
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    if (!pc.user) return WebResponse::Redirect("/login");
    auto r = services_.registrations.Withdraw(pc.ctx, *id);
    if (!r) return DomainErrorPage(pc, r.error());
    auto form = ParseForm(pc.req.body);
    std::string next = form ? Form(*form).Get("next") : "";
    if (!IsLocalPath(next)) next = "/sessions/" + IdString(r->session_id);
    return WebResponse::Redirect(next + (next.find('?') == std::string::npos ? "?" : "&") + "done=withdrawn");
  });
}

}  // namespace parcours::web
