// Route guards shared by the handler files (see handlers.h) and the reader's language.
#include "common/text.h"
#include "http/handlers.h"

namespace parcours::http {
namespace {

Guarded Guard(Handler h, std::function<std::optional<DomainError>(const HttpRequest&)> check) {
  return {[h = std::move(h), check = std::move(check)](HttpRequest& req) {
    if (auto denied = check(req)) return HttpResponse::Problem(*denied, req.ctx.request_id);
    if (req.route)
      if (auto bad_query = CheckQuery(*req.route, req)) return HttpResponse::Problem(*bad_query, req.ctx.request_id);
    return h(req);
  }};
}

}  // namespace

Guarded CoordinatorOnly(Handler h) {
  return Guard(std::move(h), [](const HttpRequest& req) -> std::optional<DomainError> {
    if (req.ctx.principal.IsCoordinator()) return std::nullopt;
    return DomainError{ErrorCode::kForbidden, "This action is reserved to coordinators.", {}};
  });
}

Guarded AgencyOrCoordinator(Handler h) {
  return Guard(std::move(h), [](const HttpRequest& req) -> std::optional<DomainError> {
    return CheckAgencyAccess(req.ctx.principal, req.params.empty() ? "" : req.params[0]);
  });
}

Guarded StaffOnly(Handler h) {
  return Guard(std::move(h), [](const HttpRequest& req) -> std::optional<DomainError> {
    const Principal& who = req.ctx.principal;
    if (who.Has(Role::kTrainer) || who.Has(Role::kCoordinator)) return std::nullopt;
    return DomainError{ErrorCode::kForbidden, "Only the session's trainers and coordinators do this.", {}};
  });
}

std::string PreferredLanguage(const HttpRequest& req) {
  std::string header = AsciiLower(req.Header("Accept-Language").value_or(""));
  std::size_t best = std::string::npos;
  std::string lang = "fr";
  for (const char* candidate : {"fr", "de", "en"}) {
    auto at = header.find(candidate);
    if (at != std::string::npos && at < best) {
      best = at;
      lang = candidate;
    }
  }
  return lang;
}

}  // namespace parcours::http

namespace parcours::http {

Guarded PersonOrCoordinator(Handler h) {
  return Guard(std::move(h), [](const HttpRequest& req) -> std::optional<DomainError> {
    const Principal& who = req.ctx.principal;
    if (who.IsCoordinator()) return std::nullopt;
    if (who.kind == Principal::Kind::kUser && !req.params.empty() && ParseId(req.params[0]) == who.user_id)
      return std::nullopt;
    return DomainError{ErrorCode::kForbidden, "Only the person themself or a coordinator may do this.", {}};
  });
}

Guarded PeopleOnly(Handler h) {
  return Guard(std::move(h), [](const HttpRequest& req) -> std::optional<DomainError> {
    if (req.ctx.principal.kind == Principal::Kind::kUser) return std::nullopt;
    return DomainError{ErrorCode::kForbidden, "This is for people signed in, not for agency keys.", {}};
  });
}

}  // namespace parcours::http
