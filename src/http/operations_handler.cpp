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

}  // namespace

void AddOperationsRoutes(Router& router, Services& s) {
  router.Add(Method::kGet, "/health", Access::kAnyone, [&s](HttpRequest& req) { return Health(s, req); });
  router.Add(Method::kGet, "/api/v1/health", Access::kAnyone, [&s](HttpRequest& req) { return Health(s, req); });

  // The sessions whose scheduler steps keep failing (each retried with backoff meanwhile).
  router.Add(Method::kGet, "/api/v1/operations/failures", Access::kSignedIn, [&s](HttpRequest& req) {
    auto r = s.scheduler.Failures(req.ctx);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    json items = json::array();
    for (const auto& f : *r) items.push_back(FailureJson(f));
    return HttpResponse::Json(200, ListJson(items, std::nullopt));
  });

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
