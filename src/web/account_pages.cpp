// Signing up, in and out.
#include "services/views.h"
#include "web/site.h"

namespace parcours::web {
namespace {

using nlohmann::json;

std::string NextOrDefault(const std::string& next) { return IsLocalPath(next) ? next : "/parcours"; }

}  // namespace

void Site::AddAccountPages() {
  Add("GET", "/login", [this](PageContext& pc) {
    const std::string next = NextOrDefault(pc.req.Query("next").value_or(""));
    if (pc.user) return WebResponse::Redirect(next);
    return Page(pc, "login", {{"next", next}, {"email", ""}});
  });

  Add("POST", "/login", [this](PageContext& pc) {
    Form form(*ParseForm(pc.req.body));
    const std::string next = NextOrDefault(form.Get("next"));
    const std::string email = form.Get("email");
    auto token = services_.accounts.Login(pc.ctx, email, form.Get("password"));
    if (!token) {
      const bool throttled = token.error().code == ErrorCode::kTooManyAttempts;
      auto page = Page(pc, "login",
                       {{"next", next}, {"email", email},
                        {"error", Text(pc.lang, throttled ? "login.throttled" : "login.failed")}},
                       throttled ? 429 : 401);
      if (throttled) page.headers.push_back({"Retry-After", "60"});
      return page;
    }
    StartSession(pc, token->token, token->expires_at);
    return WebResponse::Redirect(next);
  });

  Add("POST", "/logout", [this](PageContext& pc) {
    EndSession(pc);
    return WebResponse::Redirect("/");
  });

  Add("GET", "/signup", [this](PageContext& pc) {
    if (pc.user) return WebResponse::Redirect("/parcours");
    return Page(pc, "signup", {{"next", NextOrDefault(pc.req.Query("next").value_or(""))}, {"form", json::object()}});
  });

  Add("POST", "/signup", [this](PageContext& pc) {
    Form form(*ParseForm(pc.req.body));
    const std::string next = NextOrDefault(form.Get("next"));
    NewAccount in;
    in.email = form.Get("email");
    in.password = form.Get("password");
    in.name = form.Get("name");
    in.organisation = form.Get("organisation");
    in.language = Code(pc.lang);
    auto created = services_.accounts.CreateAccount(pc.ctx, in);
    if (!created) {
      json errors = json::array();
      for (const auto& e : created.error().errors) errors.push_back({{"field", Text(pc.lang, "field." + e.field)}, {"message", e.message}});
      if (errors.empty()) errors.push_back({{"field", ""}, {"message", created.error().code == ErrorCode::kAlreadyExists
                                                                          ? Text(pc.lang, "signup.exists")
                                                                          : created.error().detail}});
      return Page(pc, "signup",
                  {{"next", next},
                   {"errors", errors},
                   {"form", {{"email", in.email}, {"name", in.name}, {"organisation", in.organisation}}}},
                  created.error().code == ErrorCode::kAlreadyExists ? 409 : 422);
    }
    auto token = services_.accounts.Login(pc.ctx, in.email, in.password);
    if (token) StartSession(pc, token->token, token->expires_at);
    return WebResponse::Redirect(next);
  });
}

}  // namespace parcours::web
