#include "common/text.h"
#include "common/time.h"
#include "http/error_map.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

// Reads the fields shared by POST /accounts and POST /users.
std::optional<NewAccount> ReadAccount(FieldReader& f) {
  NewAccount in;
  auto email = f.String("email", true, 400);
  auto password = f.String("password", true, 1000);
  auto name = f.String("name", true, 1000);
  auto organisation = f.String("organisation", false, 1000);
  auto language = f.String("language", false, 10);
  if (!f.errors().empty()) return std::nullopt;  // f.ok() (unknown fields) comes after every read
  in.email = *email;
  in.password = *password;
  in.name = *name;
  in.organisation = organisation.value_or("");
  in.language = language.value_or("fr");
  return in;
}

// A refusal that says when to come back (throttled: 429, busy: 503) tells it in Retry-After.
template <class T>
HttpResponse WithRetryAfter(HttpResponse resp, const Result<T>& r) {
  if (!r)
    if (auto after = RetryAfter(r.error())) resp.extra_headers.push_back({"Retry-After", *after});
  return resp;
}

}  // namespace

void AddAccountRoutes(Router& router, Services& s) {
  router.Add(Method::kPost, "/api/v1/accounts", Access::kAnyone, [&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto in = ReadAccount(f);
    if (!in || !f.ok()) return HttpResponse::Problem(f.Problem("The account has invalid fields."), req.ctx.request_id);
    auto r = s.accounts.CreateAccount(req.ctx, *in);
    return WithRetryAfter(Reply(req, r, 201, [](const User& u) { return ToJson(u); }), r);
  });

  router.Add(Method::kPost, "/api/v1/users", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto in = ReadAccount(f);
    auto roles = f.Strings("roles", true, 3);
    if (!in || !roles || !f.ok())
      return HttpResponse::Problem(f.Problem("The user has invalid fields."), req.ctx.request_id);
    in->roles = *roles;
    auto r = s.accounts.CreateStaff(req.ctx, *in);
    return WithRetryAfter(Reply(req, r, 201, [](const User& u) { return ToJson(u); }), r);
  }));

  router.Add(Method::kPost, "/api/v1/auth/login", Access::kAnyone, [&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto email = f.String("email", true, 400);
    auto password = f.String("password", true, 1000);
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("Login needs an e-mail and a password."), req.ctx.request_id);
    auto r = s.accounts.Login(req.ctx, *email, *password);
    auto resp = WithRetryAfter(Reply(req, r, 200, [](const IssuedToken& t) {
      return json{{"token", t.token}, {"expires_at", FormatLocal(t.expires_at)}};
    }), r);
    resp.carries_secret = true;
    return resp;
  });

  router.Add(Method::kPost, "/api/v1/auth/unlock", Access::kAnyone, [&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto token = f.String("token", true, 200);
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("Send the token of the e-mailed link."), req.ctx.request_id);
    auto resp = Reply(req, s.accounts.Unlock(req.ctx, *token), 200, [](const IssuedToken& t) {
      return json{{"token", t.token}, {"expires_at", FormatLocal(t.expires_at)}};
    });
    resp.carries_secret = true;
    return resp;
  });

  router.Add(Method::kPost, "/api/v1/auth/logout", Access::kSignedIn, [&s](HttpRequest& req) {
    auto auth = req.Header("Authorization").value_or("");
    std::string token = auth.size() > 7 ? std::string(Trim(std::string_view(auth).substr(7))) : "";
    auto r = s.accounts.Logout(req.ctx, token);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    HttpResponse resp;
    resp.status = 204;
    return resp;
  });

  router.Add(Method::kPost, "/api/v1/auth/password", Access::kAnyone, [&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto token = f.String("token", true, 200);
    auto password = f.String("password", true, 1000);
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("Send the token and the new password."), req.ctx.request_id);
    auto r = s.accounts.SetPasswordWithToken(req.ctx, *token, *password);
    if (!r) return WithRetryAfter(HttpResponse::Problem(r.error(), req.ctx.request_id), r);
    HttpResponse resp;
    resp.status = 204;
    return resp;
  });

  router.Add(Method::kGet, "/api/v1/me", Access::kSignedIn, [&s](HttpRequest& req) {
    return Reply(req, s.accounts.Me(req.ctx), 200, [](const User& u) { return ToJson(u); });
  });

  router.Add(Method::kPost, "/api/v1/agencies", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto code = f.String("code", true, 100);
    auto name = f.String("name", true, 1000);
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("The agency has invalid fields."), req.ctx.request_id);
    return Reply(req, s.accounts.CreateAgency(req.ctx, Agency{*code, *name}), 201,
                 [](const Agency& a) { return ToJson(a); });
  }));

  router.Add(Method::kGet, "/api/v1/agencies", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    return ReplyPage(req, s.accounts.ListAgencies(req.ctx), [](const Agency& a) { return ToJson(a); });
  }));

  router.Add(Method::kPost, "/api/v1/agencies/{code}/keys", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    const std::string code = req.params[0];
    auto resp = Reply(req, s.accounts.CreateAgencyKey(req.ctx, code), 201, [&code](const AccountService::IssuedKey& k) {
      return json{{"id", std::to_string(k.id)}, {"agency", code}, {"key", k.key}};
    });
    resp.carries_secret = true;
    return resp;
  }));

  router.Add(Method::kDelete, "/api/v1/agencies/{code}/keys/{id}", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 1);
    if (!id) return NotFound(req, "key");
    auto r = s.accounts.RevokeAgencyKey(req.ctx, req.params[0], *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    HttpResponse resp;
    resp.status = 204;
    return resp;
  }));
}

}  // namespace parcours::http
