// A signed-in person's own pages: "mon parcours" (progress along each pathway started, with the
// next dates of the missing modules), their registrations and their attestations, and the
// downloads behind them. Every read goes through the services with the person's principal, so
// another person's registration or attestation is a 404 or 403 here as in the API.
#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"
#include "common/time.h"
#include "services/views.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

bool Active(const Registration& r) {
  return r.status == RegistrationStatus::kConfirmed || r.status == RegistrationStatus::kWaitlisted;
}

WebResponse PdfDownload(const IssuedPdf& pdf) {
  WebResponse r;
  r.content_type = "application/pdf";
  r.body = pdf.bytes;
  r.headers.push_back({"Content-Disposition", "attachment; filename=\"" + pdf.filename + "\""});
  r.headers.push_back({"Cache-Control", "private, no-store"});
  return r;
}

}  // namespace

std::optional<WebResponse> Site::RequireSignIn(PageContext& pc) {
  if (pc.user) return std::nullopt;
  return WebResponse::Redirect("/login?next=" + PercentEncode(pc.req.path));
}

void Site::AddParcoursPages() {
  Add("GET", "/parcours", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    // The catalogue (pathways, coming dates) from its snapshot; the person's registrations (with
    // their sessions and modules), attestations and completed modules in one transaction.
    const CatalogueReading reading = pc.reading ? *pc.reading : services_.catalogue.ReadVersion();
    auto snapshot = services_.catalogue.Snapshot(reading);
    const CatalogueSnapshot& snap = snapshot->value;
    const TimePoint now = reading.now;
    // Kept per person while their version (read with them) and the catalogue's structure hold.
    std::optional<PersonStamp> stamp;
    if (reading.enabled) stamp = PersonStamp{pc.person_version, reading.version.structure};
    auto rows = services_.registrations.MyParcoursKept(pc.ctx, snap.pathways, 500, stamp);
    if (!rows) return ErrorPage(pc, 503, "error.unavailable");
    const std::vector<RegistrationDetail>& mine = (*rows)->registrations;
    const std::vector<Attestation>& attestations = (*rows)->attestations;
    const std::vector<PathwayProgress>& progresses = (*rows)->progress;
    std::map<Id, std::vector<const Session*>> coming_by_module;
    for (const auto& s : snap.upcoming) coming_by_module[s.module_id].push_back(&s);
    // The person's active registration per module, and the modules they ever registered in.
    std::map<Id, const RegistrationDetail*> active_by_module;
    std::set<Id> touched_modules;
    for (const auto& d : mine) {
      touched_modules.insert(d.session.module_id);
      if (Active(d.registration)) active_by_module[d.session.module_id] = &d;
    }
    json views = json::array();
    for (std::size_t pi = 0; pi < snap.pathways.size(); ++pi) {
      const Pathway& p = snap.pathways[pi];
      const PathwayProgress* progress = &progresses[pi];
      bool started = false;
      for (const auto& m : progress->modules) started |= m.completed.has_value() || touched_modules.count(m.module.id);
      if (!started) continue;
      json modules = json::array();
      int done_count = 0;
      for (const auto& mp : progress->modules) {
        json mv = {{"title", mp.module.title}, {"hours", FormatNumber(pc.lang, mp.module.hours)}, {"done", mp.completed.has_value()}};
        if (mp.completed) {
          ++done_count;
          mv["date"] = FormatDate(pc.lang, mp.completed->starts_at);
          mv["credited"] = FormatNumber(pc.lang, mp.completed->hours);
          mv["channel"] = ChannelText(pc.lang, mp.completed->channel);
          modules.push_back(mv);
          continue;
        }
        const RegistrationDetail* current = nullptr;
        if (auto it = active_by_module.find(mp.module.id); it != active_by_module.end()) current = it->second;
        if (current) {
          const auto& r = current->registration;
          mv["current"] = {{"id", IdString(r.id)},
                           {"slot", FormatSlot(pc.lang, current->session.starts_at, current->session.ends_at)},
                           {"href", "/sessions/" + IdString(current->session.id)},
                           {"place", PlaceText(pc.lang, current->session)},
                           {"confirmed", r.status == RegistrationStatus::kConfirmed},
                           {"position", r.waitlist_position ? std::to_string(*r.waitlist_position) : ""},
                           {"open", current->session.starts_at > now}};
        }
        json dates = json::array();
        for (const Session* sp : coming_by_module[mp.module.id]) {
          const Session& s = *sp;
          if (s.status == SessionStatus::kCancelled || s.status == SessionStatus::kCompleted) continue;
          if (current && s.id == current->session.id) continue;
          const int left = std::max(0, s.capacity - s.confirmed_count);
          dates.push_back({{"id", IdString(s.id)},
                           {"href", "/sessions/" + IdString(s.id)},
                           {"slot", FormatSlot(pc.lang, s.starts_at, s.ends_at)},
                           {"place", PlaceText(pc.lang, s)},
                           {"agency", s.agency.value_or("")},
                           {"full", left == 0},
                           {"places_left", std::to_string(left)},
                           {"waitlist", std::to_string(s.waitlist_count)},
                           {"transfer_from", current ? IdString(current->registration.id) : ""}});
          if (dates.size() == 3) break;
        }
        mv["dates"] = dates;
        mv["has_dates"] = !dates.empty();
        modules.push_back(mv);
      }
      json view = {{"title", p.title},
                   {"hours_done", FormatNumber(pc.lang, progress->hours_completed)},
                   {"hours_total", FormatNumber(pc.lang, p.TotalHours())},
                   {"progress_value", FormatNumber(Lang::kEn, progress->hours_completed)},
                   {"progress_max", FormatNumber(Lang::kEn, p.TotalHours())},
                   {"complete", progress->complete},
                   {"modules", modules}};
      view["summary"] = Fill(Text(pc.lang, "parcours.summary"),
                             {{"done", std::to_string(done_count)}, {"total", std::to_string(progress->modules.size())},
                              {"hours", view["hours_done"].get<std::string>()},
                              {"total_hours", view["hours_total"].get<std::string>()}});
      for (const auto& a : attestations) {
        if (a.pathway_id != p.id || a.revoked_at) continue;
        view["attestation"] = {{"pdf", "/attestations/" + IdString(a.id) + "/pdf"},
                               {"verify", "/verify/" + a.verification_code},
                               {"issued", FormatDate(pc.lang, a.issued_at)},
                               {"code", a.verification_code}};
        break;
      }
      views.push_back(view);
    }
    json data = {{"pathways", views}, {"none", views.empty()}};
    const std::string& done = pc.done;
    data["notice"] = done.empty() ? "" : Text(pc.lang, "notice." + done);
    if (data["notice"].get<std::string>().starts_with("[")) data["notice"] = "";
    WebResponse r = Page(pc, "parcours", data);
    Revalidated(pc, r);
    if (reading.enabled && pc.reading && pc.user) {
      // The same page for the same request while the catalogue's snapshot holds, this person's
      // shard has not moved since the reading made before they were read, and they are signed in.
      CatalogueStamp stamp = snapshot->stamp;
      stamp.valid_until = std::min(stamp.valid_until, pc.token_expires_at);
      stamp.person_shard = PeopleShard(pc.user->id);
      stamp.person_shard_version = reading.version.people[static_cast<std::size_t>(stamp.person_shard)];
      r.kept_under = stamp;
    }
    return r;
  });

  Add("GET", "/registrations", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    const TimePoint now = services_.clock.Now();
    parcours::PageRequest all;
    all.limit = 500;
    auto mine = services_.registrations.ListMineDetailed(pc.ctx, all);
    if (!mine) return DomainErrorPage(pc, mine.error());
    std::vector<const RegistrationDetail*> rows;
    for (const auto& d : mine->items) rows.push_back(&d);
    // Coming sessions first (soonest first), then past ones (latest first).
    std::stable_sort(rows.begin(), rows.end(), [now](const RegistrationDetail* a, const RegistrationDetail* b) {
      const bool fa = a->session.starts_at > now, fb = b->session.starts_at > now;
      if (fa != fb) return fa;
      return fa ? a->session.starts_at < b->session.starts_at : a->session.starts_at > b->session.starts_at;
    });
    json upcoming = json::array(), past = json::array();
    for (const auto* d : rows) {
      const auto& r = d->registration;
      const bool future = d->session.starts_at > now;
      json v = {{"id", IdString(r.id)},
                {"module", d->module.title},
                {"href", "/sessions/" + IdString(d->session.id)},
                {"slot", FormatSlot(pc.lang, d->session.starts_at, d->session.ends_at)},
                {"place", PlaceText(pc.lang, d->session)},
                {"status", StatusText(pc.lang, r.status)},
                {"status_class", r.status == RegistrationStatus::kConfirmed    ? "ok"
                                 : r.status == RegistrationStatus::kWaitlisted ? "warn"
                                                                                : "muted"},
                {"position", r.waitlist_position ? std::to_string(*r.waitlist_position) : ""},
                {"channel", ChannelText(pc.lang, r.channel)},
                {"can_withdraw", Active(r) && future},
                {"certificate", !future && r.status == RegistrationStatus::kConfirmed
                                    ? "/registrations/" + IdString(r.id) + "/certificate.pdf"
                                    : ""}};
      if (r.status == RegistrationStatus::kConfirmed) {  // issue 12: revealed once confirmed
        v["online_link"] = d->session.online_link;
        if (!d->session.replay_link.empty()) v["replay_href"] = "/sessions/" + IdString(d->session.id) + "/replay";
      }
      (future ? upcoming : past).push_back(v);
    }
    json data = {{"upcoming", upcoming}, {"past", past}, {"has_upcoming", !upcoming.empty()}, {"has_past", !past.empty()}};
    data["just_withdrawn"] = pc.done == "withdrawn";
    return Page(pc, "registrations", data);
  });

  Add("GET", "/attestations", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto mine = services_.attestations.ListMine(pc.ctx);
    if (!mine) return DomainErrorPage(pc, mine.error());
    json items = json::array();
    for (const auto& a : *mine) {
      items.push_back({{"title", a.pathway_title},
                       {"hours", FormatNumber(pc.lang, a.total_hours)},
                       {"issued", FormatDate(pc.lang, a.issued_at)},
                       {"revoked", a.revoked_at.has_value()},
                       {"revoked_on", a.revoked_at ? FormatDate(pc.lang, *a.revoked_at) : ""},
                       {"pdf", "/attestations/" + IdString(a.id) + "/pdf"},
                       {"verify", "/verify/" + a.verification_code},
                       {"verify_url", settings_.public_url + "/verify/" + a.verification_code},
                       {"code", a.verification_code}});
    }
    return Page(pc, "attestations", {{"items", items}, {"none", items.empty()}});
  });

  Add("GET", "/attestations/{id}/pdf", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    auto pdf = services_.attestations.Pdf(pc.ctx, *id);
    if (!pdf) return DomainErrorPage(pc, pdf.error());
    return PdfDownload(*pdf);
  });

  Add("GET", "/registrations/{id}/certificate.pdf", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    auto pdf = services_.attestations.AttendanceCertificate(pc.ctx, *id);
    if (!pdf) {
      if (pdf.error().code == ErrorCode::kRuleViolation) return ErrorPage(pc, 422, "error.no_attendance");
      return DomainErrorPage(pc, pdf.error());
    }
    return PdfDownload(*pdf);
  });

  Add("POST", "/registrations/{id}/transfer", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto id = ParseId(pc.params[0]);
    Form form(*ParseForm(pc.req.body));
    auto to = ParseId(form.Get("session_id"));
    if (!id || !to) return ErrorPage(pc, 404, "error.not_found");
    auto moved = services_.registrations.Transfer(pc.ctx, *id, *to);
    if (!moved) return DomainErrorPage(pc, moved.error());
    return WebResponse::Redirect(WithQuery(LocalOr(form.Get("next"), "/parcours"),
                                           moved->status == RegistrationStatus::kConfirmed ? "done=moved"
                                                                                           : "done=moved_waitlisted"));
  });
}

}  // namespace parcours::web
