#include "common/time.h"
#include "http/error_map.h"
#include "http/handlers.h"

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

}  // namespace

void AddOperationsRoutes(Router& router, Services& s) {
  router.Add(Method::kGet, "/health", Access::kAnyone, [&s](HttpRequest& req) { return Health(s, req); });
  router.Add(Method::kGet, "/api/v1/health", Access::kAnyone, [&s](HttpRequest& req) { return Health(s, req); });

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
