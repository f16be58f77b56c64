// Accounts in a browser: sign up, log in and out, forgot password (an e-mailed one-time link),
// choosing a password at a reset or claim link, confirming a held-back login, and the profile
// with its calendar subscription.
#include "common/text.h"
#include "services/views.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

std::string NextOrDefault(const std::string& next) { return LocalOr(next, "/parcours"); }

constexpr Site::TokenFlow kReset{"/password/reset", "reset", "password_set"};
constexpr Site::TokenFlow kClaim{"/claim", "claim", "claimed"};

}  // namespace

void Site::AddTokenPages(const TokenFlow& flow) {
  const std::string section = flow.texts;
  Add("GET", flow.path, [this, flow, section](PageContext& pc) {
    const std::string token = pc.req.Query("token").value_or("");
    json data = {{"action", flow.path}, {"token", token}, {"intro", Text(pc.lang, section + ".intro")},
                 {"submit", Text(pc.lang, section + ".submit")}, {"title", Text(pc.lang, section + ".title")}};
    if (!services_.accounts.PasswordTokenUsable(token)) {
      data["expired"] = true;
      auto page = Page(pc, "set_password", data, 410, section + ".title");
      page.headers.push_back({"Referrer-Policy", "no-referrer"});
      return page;
    }
    auto page = Page(pc, "set_password", data, 200, section + ".title");
    // The token is in the URL: never hand it to another site.
    page.headers.push_back({"Referrer-Policy", "no-referrer"});
    return page;
  });
  Add("POST", flow.path, [this, flow, section](PageContext& pc) {
    Form form(*ParseForm(pc.req.body));
    const std::string token = form.Get("token");
    auto signed_in = services_.accounts.SetPasswordAndSignIn(pc.ctx, token, form.Get("password"));
    if (!signed_in) {
      json data = {{"action", flow.path}, {"token", token}, {"intro", Text(pc.lang, section + ".intro")},
                   {"submit", Text(pc.lang, section + ".submit")}, {"title", Text(pc.lang, section + ".title")}};
      const auto& e = signed_in.error();
      const bool bad_token = e.errors.size() == 1 && e.errors[0].field == "token";
      if (bad_token) data["expired"] = true;
      else data["errors"] = FieldErrors(pc.lang, e);
      if (e.code == ErrorCode::kBusy) return ErrorPage(pc, 503, "error.unavailable");
      return Page(pc, "set_password", data, bad_token ? 410 : 422, section + ".title");
    }
    StartSession(pc, signed_in->token, signed_in->expires_at);
    return WebResponse::Redirect(std::string("/parcours?done=") + flow.done);
  });
}

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
      const auto code = token.error().code;
      const bool throttled = code == ErrorCode::kTooManyAttempts;
      const bool held = code == ErrorCode::kLoginConfirmationSent;
      const char* key = throttled ? "login.throttled" : held ? "login.held" : code == ErrorCode::kBusy ? "error.unavailable" : "login.failed";
      auto page = Page(pc, "login", {{"next", next}, {"email", email}, {"error", Text(pc.lang, key)}},
                       throttled ? 429 : held ? 202 : code == ErrorCode::kBusy ? 503 : 401);
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
      const bool exists = created.error().code == ErrorCode::kAlreadyExists;
      json errors = exists ? json::array({{{"field", ""}, {"message", Text(pc.lang, "signup.exists")}}})
                           : FieldErrors(pc.lang, created.error());
      return Page(pc, "signup",
                  {{"next", next},
                   {"errors", errors},
                   {"form", {{"email", in.email}, {"name", in.name}, {"organisation", in.organisation}}}},
                  exists ? 409 : created.error().code == ErrorCode::kTooManyAttempts ? 429 : 422);
    }
    auto token = services_.accounts.Login(pc.ctx, in.email, in.password);
    if (token) StartSession(pc, token->token, token->expires_at);
    return WebResponse::Redirect(next);
  });

  // Forgot password: the same answer whether the address has an account or not.
  Add("GET", "/password/forgot", [this](PageContext& pc) { return Page(pc, "forgot", {{"email", ""}}); });
  Add("POST", "/password/forgot", [this](PageContext& pc) {
    Form form(*ParseForm(pc.req.body));
    auto r = services_.accounts.RequestPasswordReset(pc.ctx, form.Get("email"));
    if (!r) {
      auto page = Page(pc, "forgot", {{"email", form.Get("email")}, {"error", Text(pc.lang, "forgot.throttled")}}, 429);
      page.headers.push_back({"Retry-After", std::to_string(std::max<long long>(1, r.error().retry_after.value_or(std::chrono::seconds(60)).count()))});
      return page;
    }
    return Page(pc, "forgot", {{"sent", true}});
  });
  AddTokenPages(kReset);
  AddTokenPages(kClaim);

  // The link of a held-back login: a page with a button (a GET never signs in, so a mail
  // scanner that follows the link uses nothing up).
  Add("GET", "/login/unlock", [this](PageContext& pc) {
    auto page = Page(pc, "unlock", {{"token", pc.req.Query("token").value_or("")}});
    page.headers.push_back({"Referrer-Policy", "no-referrer"});
    return page;
  });
  Add("POST", "/login/unlock", [this](PageContext& pc) {
    Form form(*ParseForm(pc.req.body));
    auto token = services_.accounts.Unlock(pc.ctx, form.Get("token"));
    if (!token) return Page(pc, "unlock", {{"expired", true}}, 410);
    StartSession(pc, token->token, token->expires_at);
    return WebResponse::Redirect("/parcours");
  });

  Add("GET", "/profile", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    return ProfilePage(pc, {}, "", 200);
  });
  Add("POST", "/profile", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    Form form(*ParseForm(pc.req.body));
    auto updated = services_.accounts.UpdateProfile(pc.ctx, form.Get("name"), form.Get("organisation"), form.Get("language"));
    if (!updated) {
      json values = {{"name", form.Get("name")}, {"organisation", form.Get("organisation")}};
      return ProfilePage(pc, FieldErrors(pc.lang, updated.error()), "", 422, values);
    }
    // The chosen language is the one the pages speak from now on.
    pc.set_cookies.push_back(CookieHeader("parcours_lang", updated->language, secure(), 365 * 86400));
    return WebResponse::Redirect("/profile?done=saved");
  });
  Add("POST", "/profile/calendar", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto token = services_.accounts.RenewCalendarFeed(pc.ctx);
    if (!token) return DomainErrorPage(pc, token.error());
    return ProfilePage(pc, {}, *token, 200);
  });
  Add("POST", "/profile/calendar/revoke", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto done = services_.accounts.RevokeCalendarFeed(pc.ctx);
    if (!done) return DomainErrorPage(pc, done.error());
    return WebResponse::Redirect("/profile?done=calendar_revoked");
  });

  // Everything held about the signed-in person, as the JSON document of GET /api/v1/me/data,
  // downloaded from the profile page (the API route needs a bearer token, the pages a cookie).
  Add("GET", "/profile/data", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    if (!services_.personal_data) return ErrorPage(pc, 404, "error.not_found");
    auto data = services_.personal_data->Export(pc.ctx, pc.ctx.principal.user_id);
    if (!data) return DomainErrorPage(pc, data.error());
    WebResponse r;
    r.content_type = "application/json";
    r.body = PersonalDataJson(*data).dump(2);
    r.headers.push_back(
        {"Content-Disposition", "attachment; filename=\"parcours-data-" + IdString(data->account.id) + ".json\""});
    return r;
  });

  // The calendar subscription: no cookie, no Authorization header, only the secret in the URL.
  Add("GET", "/calendar/{file}", [this](PageContext& pc) {
    const std::string& file = pc.params[0];
    if (!file.ends_with(".ics")) return ErrorPage(pc, 404, "error.not_found");
    auto owner = services_.accounts.CalendarFeedOwner(file.substr(0, file.size() - 4));
    if (!owner) return ErrorPage(pc, 404, "error.not_found");
    RequestContext ctx = pc.ctx;
    ctx.principal = *owner;
    auto person = services_.accounts.Me(ctx);
    const Lang lang = person ? LangFromCode(person->language).value_or(Lang::kFr) : Lang::kFr;
    auto ics = services_.registrations.Calendar(ctx, Text(lang, "calendar.name"));
    if (!ics) return DomainErrorPage(pc, ics.error());
    WebResponse r;
    r.content_type = "text/calendar; charset=utf-8";
    r.body = *ics;
    r.headers.push_back({"Cache-Control", "private, max-age=300"});
    r.headers.push_back({"Referrer-Policy", "no-referrer"});
    return r;
  });
}

WebResponse Site::ProfilePage(PageContext& pc, nlohmann::json errors, const std::string& new_calendar_token, int status,
                              nlohmann::json values) {
  const User& u = *pc.user;
  json form = {{"name", values.value("name", u.name)}, {"organisation", values.value("organisation", u.organisation)},
               {"email", u.email}};
  json languages = json::array();
  for (Lang l : {Lang::kFr, Lang::kDe, Lang::kEn})
    languages.push_back({{"code", Code(l)}, {"label", Text(l, "language.name")}, {"selected", u.language == Code(l)}});
  json data = {{"form", form}, {"languages", languages}, {"errors", errors.is_null() ? json::array() : errors}};
  data["saved"] = pc.done == "saved";
  data["calendar_revoked"] = pc.done == "calendar_revoked";
  auto since = services_.accounts.CalendarFeedSince(pc.ctx);
  if (since && *since) data["calendar_since"] = FormatDate(pc.lang, **since);
  if (!new_calendar_token.empty()) {
    const std::string url = settings_.public_url + "/calendar/" + new_calendar_token + ".ics";
    data["calendar_url"] = url;
    const auto scheme = url.find("://");
    data["webcal_url"] = "webcal://" + url.substr(scheme == std::string::npos ? 0 : scheme + 3);
  }
  data["sharing"] = SharingSection(pc);
  auto page = Page(pc, "profile", data, status);
  page.headers.push_back({"Referrer-Policy", "no-referrer"});
  return page;
}

}  // namespace parcours::web
