#include "common/time.h"
#include "http/error_map.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

HttpResponse Health(Services& s, const HttpRequest& req) {
  if (s.store.Ping()) return HttpResponse::Json(200, {{"status", "ok"}});
  HttpResponse r;
  r.status = 503;
  r.content_type = "application/problem+json";
  r.body = ProblemJson(503, "unavailable", "Service unavailable", "The database does not answer.",
                       req.ctx.request_id);
  return r;
}

json FailureJson(const SchedulerFailure& f) {
  return {{"session_id", IdString(f.session_id)}, {"step", f.step},
          {"failures", f.failures}, {"last_error", f.last_error},
          {"first_failed_at", FormatLocal(f.first_failed_at)}, {"last_failed_at", FormatLocal(f.last_failed_at)},
          {"next_attempt_at", FormatLocal(f.next_attempt_at)}};
}

json NotificationFailureJson(const FailedNotification& n) {
  return {{"id", IdString(n.id)}, {"user_id", IdString(n.user_id)}, {"kind", ToString(n.kind)},
          {"to", n.to_email}, {"attempts", n.attempts}, {"last_error", n.last_error},
          {"created_at", FormatLocal(n.created_at)}};
}

json WebhookFailureJson(const SkippedWebhookItem& w) {
  return {{"webhook_id", IdString(w.webhook_id)}, {"agency", w.agency}, {"seq", w.seq}, {"error", w.error},
          {"at", FormatLocal(w.at)}};
}

json DecisionJson(const ComingDecision& d, const std::string& lang) {
  json j = StaffJson(d.session, lang);
  j["module"] = ToJson(d.module);
  j["days_left"] = d.days_left;
  j["at_risk"] = d.at_risk;
  return j;
}

json FailuresJson(const OperationFailures& f) {
  json items = json::array(), notifications = json::array(), webhooks = json::array();
  for (const auto& x : f.scheduler) items.push_back(FailureJson(x));
  for (const auto& x : f.notifications) notifications.push_back(NotificationFailureJson(x));
  for (const auto& x : f.webhooks) webhooks.push_back(WebhookFailureJson(x));
  json j = ListJson(items, std::nullopt);
  j["notifications"] = notifications;
  j["webhooks"] = webhooks;
  return j;
}

// ?within_days= (default 14).
std::optional<int> WithinDays(const HttpRequest& req, HttpResponse& bad) {
  auto v = req.Query("within_days");
  if (!v) return 14;
  auto n = ParseId(*v);
  if (!n && *v == "0") n = 0;
  if (!n || *n > 366) {
    bad = HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.",
                                 {{"within_days", "must be an integer from 0 to 366"}}},
                                req.ctx.request_id);
    return std::nullopt;
  }
  return static_cast<int>(*n);
}

}  // namespace

void AddOperationsRoutes(Router& router, Services& s) {
  router.Add(Method::kGet, "/health", Access::kAnyone, [&s](HttpRequest& req) { return Health(s, req); });
  router.Add(Method::kGet, "/api/v1/health", Access::kAnyone, [&s](HttpRequest& req) { return Health(s, req); });

  // The sessions whose scheduler steps keep failing (each retried with backoff meanwhile).
  // ...and the messages and webhook items that were given up on.
  router.Add(Method::kGet, "/api/v1/operations/failures", Access::kSignedIn, [&s](HttpRequest& req) {
    return Reply(req, s.operations->Failures(req.ctx), 200, FailuresJson);
  });

  // The coming decision dates (scheduled sessions), at risk when fewer than min_registrants.
  router.Add(Method::kGet, "/api/v1/operations/decisions", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto days = WithinDays(req, bad);
    if (!days) return bad;
    const std::string at_risk = req.Query("at_risk").value_or("false");
    if (at_risk != "true" && at_risk != "false")
      return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.", {{"at_risk", "must be true or false"}}},
                                   req.ctx.request_id);
    return Reply(req, s.catalogue.Decisions(req.ctx, *days, at_risk == "true"), 200,
                 [lang = PreferredLanguage(req)](const std::vector<ComingDecision>& list) {
                   json items = json::array();
                   for (const auto& d : list) items.push_back(DecisionJson(d, lang));
                   return ListJson(items, std::nullopt);
                 });
  }));

  // The coordinator's desk in one answer.
  router.Add(Method::kGet, "/api/v1/operations/dashboard", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto days = WithinDays(req, bad);
    if (!days) return bad;
    return Reply(req, s.operations->Desk(req.ctx, *days), 200, [lang = PreferredLanguage(req)](const Dashboard& d) {
      json decisions = json::array(), due = json::array();
      int at_risk = 0;
      for (const auto& x : d.decisions) {
        decisions.push_back(DecisionJson(x, lang));
        at_risk += x.at_risk ? 1 : 0;
      }
      for (const auto& x : d.completions_due)
        due.push_back({{"pathway_id", IdString(x.pathway.id)}, {"title", x.pathway.title}, {"due", x.due}});
      json failures = FailuresJson(d.failures);
      return json{{"now", FormatLocal(d.now)}, {"within_days", d.within_days}, {"decisions", decisions},
                  {"at_risk", at_risk}, {"completions_due", due},
                  {"failures", {{"scheduler", failures["items"]}, {"notifications", failures["notifications"]},
                                {"webhooks", failures["webhooks"]}}}};
    });
  }));

  router.Add(Method::kPost, "/api/v1/test-clock", Access::kAnyone, [&s](HttpRequest& req) {
    if (!s.test_clock)
      return HttpResponse::Problem({ErrorCode::kNotFound, "There is nothing at this path.", {}}, req.ctx.request_id);
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto now = f.Time("now");
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("The clock needs 'now'."), req.ctx.request_id);
    s.test_clock->Set(*now);
    if (s.after_clock_change) s.after_clock_change();
    return HttpResponse::Json(200, {{"now", FormatLocal(s.test_clock->Now())}});
  });
}

}  // namespace parcours::http
