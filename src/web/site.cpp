#include "web/site.h"

#include "common/text.h"
#include "services/crypto.h"
#include "web/assets.h"
#include "web/view.h"

namespace parcours::web {
namespace {

constexpr const char* kSessionCookie = kSessionCookieName;
constexpr const char* kCsrfCookie = "parcours_csrf";
constexpr const char* kLangCookie = "parcours_lang";
constexpr const char* kNoticeCookie = "parcours_notice";  // page.h NoticeValue
constexpr int kNoticeSeconds = 60;  // from the redirect to the page it leads to

std::vector<std::string> Split(const std::string& pattern) {
  std::vector<std::string> out;
  std::size_t start = 1;
  if (pattern == "/") return {""};
  while (start <= pattern.size()) {
    std::size_t end = pattern.find('/', start);
    if (end == std::string::npos) end = pattern.size();
    out.push_back(pattern.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool IsParam(const std::string& s) { return s.size() > 2 && s.front() == '{' && s.back() == '}'; }

// scheme://host[:port] of a URL.
std::string OriginOf(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return "";
  auto path = url.find('/', scheme_end + 3);
  return AsciiLower(url.substr(0, path));
}

const char* ContentTypeOf(const std::string& file) {
  if (file.ends_with(".css")) return "text/css; charset=utf-8";
  if (file.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (file.ends_with(".svg")) return "image/svg+xml";
  if (file.ends_with(".png")) return "image/png";
  if (file.ends_with(".ico")) return "image/x-icon";
  return "application/octet-stream";
}

}  // namespace

std::string CookieHeader(const std::string& name, const std::string& value, bool secure, int max_age_seconds,
                         const std::string& same_site) {
  std::string h = name + "=" + value + "; Path=/; HttpOnly; SameSite=" + same_site;
  if (secure) h += "; Secure";
  if (max_age_seconds >= 0) h += "; Max-Age=" + std::to_string(max_age_seconds);
  return h;
}

Site::Site(SiteServices services, SiteSettings settings) : services_(services), settings_(std::move(settings)) {
  Add("GET", "/static/{file}", [this](PageContext& pc) { return Static(pc); });
  AddCataloguePages();
  AddAccountPages();
  AddVerifyPage();
  AddParcoursPages();
  if (services_.door) AddTrainerPages();
  if (services_.people && services_.operations && services_.reports) {
    AddDeskAdminPages();  // before AddDeskPages: /desk/sessions/new is not a session's id
    AddDeskPages();
  }
  if (services_.speed_meeting) AddSpeedMeetingPages();
  if (services_.employer) AddEmployerPages();
  if (services_.documents) AddDocumentPages();
}

bool Site::HasRoute(const std::string& method, const std::string& pattern) const {
  for (const auto& r : routes_)
    if (r.method == method && r.pattern == pattern) return true;
  return false;
}

PageHandler Site::WithId(Guard guard, std::function<WebResponse(PageContext&, Id)> handler) {
  return [this, guard, handler = std::move(handler)](PageContext& pc) {
    if (auto refused = (this->*guard)(pc)) return *refused;
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    return handler(pc, *id);
  };
}

void Site::Add(const std::string& method, const std::string& pattern, PageHandler handler) {
  routes_.push_back({method, pattern, Split(pattern), std::move(handler), false});
}

void Site::AddUpload(const std::string& pattern, PageHandler handler) {
  routes_.push_back({"POST", pattern, Split(pattern), std::move(handler), true});
}

std::vector<std::string> Site::Describe() const {
  std::vector<std::string> out;
  for (const auto& r : routes_) out.push_back(r.method + " " + r.pattern);
  return out;
}

void Site::StartSession(PageContext& pc, const std::string& token, TimePoint expires_at) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(expires_at - services_.clock.Now()).count();
  pc.set_cookies.push_back(CookieHeader(kSessionCookie, token, secure(), static_cast<int>(std::max<long long>(seconds, 0))));
  pc.session_token = token;
  pc.csrf = Sha256Hex("csrf:" + token).substr(0, 40);
}

void Site::EndSession(PageContext& pc) {
  if (!pc.session_token.empty()) services_.accounts.Logout(pc.ctx, pc.session_token);
  pc.set_cookies.push_back(CookieHeader(kSessionCookie, "", secure(), 0));
  pc.session_token.clear();
  pc.user.reset();
  pc.ctx.principal = Principal{};
}

WebResponse Site::Static(PageContext& pc) {
  const auto& files = EmbeddedWebFiles();
  auto it = files.find("static/" + pc.params[0]);
  if (it == files.end()) return ErrorPage(pc, 404, "error.not_found");
  WebResponse r;
  r.content_type = ContentTypeOf(pc.params[0]);
  r.body = it->second;
  const std::string etag = "\"" + Sha256Hex(it->second).substr(0, 16) + "\"";
  r.headers.push_back({"ETag", etag});
  r.headers.push_back({"Cache-Control", "public, max-age=3600"});
  if (pc.req.Header("if-none-match") == etag) {
    r.status = 304;
    r.body.clear();
  }
  return r;
}

// A POST must come from one of our pages: same origin when the browser says, and the form's
// CSRF token.
std::optional<WebResponse> Site::CheckPost(PageContext& pc, bool upload) {
  if (auto site = pc.req.Header("sec-fetch-site"); site && *site == "cross-site")
    return ErrorPage(pc, 403, "error.csrf");
  if (auto origin = pc.req.Header("origin"); origin && *origin != "null") {
    const std::string o = AsciiLower(*origin);
    const auto host = pc.req.Header("host").value_or("");
    const bool ours = o == OriginOf(settings_.public_url) || o == "http://" + AsciiLower(host) ||
                      o == "https://" + AsciiLower(host);
    if (!ours) return ErrorPage(pc, 403, "error.csrf");
  }
  auto type = pc.req.Header("content-type").value_or("");
  const bool multipart = upload && AsciiLower(type).starts_with("multipart/form-data");
  if (!multipart && !AsciiLower(type).starts_with("application/x-www-form-urlencoded"))
    return ErrorPage(pc, 415, "error.bad_form");
  auto fields = PostedFields(pc.req);
  if (!fields) return ErrorPage(pc, 400, "error.bad_form");
  const std::string sent = Form(*fields).Get("csrf");
  if (sent.empty() || pc.csrf.empty() || !ConstantTimeEquals(sent, pc.csrf)) return ErrorPage(pc, 403, "error.csrf");
  return std::nullopt;
}

WebResponse Site::Handle(const WebRequest& req) {
  PageContext pc{req};
  pc.ctx.client_address = req.client_address;
  pc.ctx.request_id = req.request_id;
  // The person, from the session cookie.
  if (auto token = req.Cookie(kSessionCookie); token && !token->empty()) {
    // A page kept per person is stamped with a version read before the person is.
    if (req.method == "GET" && req.path == "/parcours") pc.reading = services_.catalogue.ReadVersion();
    // The person, their profile and their version in one read.
    if (auto person = services_.accounts.AuthenticatePerson(*token)) {
      pc.ctx.principal = person->principal;
      pc.user = std::move(person->user);
      pc.person_version = person->version;
      pc.token_expires_at = person->token_expires_at;
      pc.session_token = *token;
      pc.csrf = Sha256Hex("csrf:" + *token).substr(0, 40);
    }
    if (!pc.user) {
      pc.ctx.principal = Principal{};
      pc.set_cookies.push_back(CookieHeader(kSessionCookie, "", secure(), 0));
    }
  }
  // The language: the switch, the person's profile, the browser's preference, French.
  std::optional<Lang> lang;
  if (auto chosen = req.Query("lang")) {
    lang = LangFromCode(*chosen);
    if (lang) pc.set_cookies.push_back(CookieHeader(kLangCookie, Code(*lang), secure(), 365 * 86400));
  }
  if (!lang) if (auto c = req.Cookie(kLangCookie)) lang = LangFromCode(*c);
  if (!lang && pc.user) lang = LangFromCode(pc.user->language);
  if (!lang) if (auto accept = req.Header("accept-language")) lang = NegotiateLanguage(*accept);
  pc.lang = lang.value_or(Lang::kFr);
  // Before signing in, forms carry a random token that is also kept in a cookie. A new one is
  // given (the cookie set, below) only by a page that has a form carrying it: the catalogue's
  // pages have none, so they stay the same for everyone and can be kept.
  bool fresh_csrf = false;
  if (!pc.user) {
    auto c = req.Cookie(kCsrfCookie);
    if (c && c->size() >= 32 && c->size() <= 64) pc.csrf = *c;
    else {
      pc.csrf = NewSecret(services_.random, "").substr(0, 40);
      fresh_csrf = true;
    }
  }

  // The notice the redirect here announced, when its cookie confirms it (then cleared).
  if (auto done = req.Query("done"); done && req.method == "GET") {
    const std::string expected = NoticeValue(*done, req.Query("count").value_or(""));
    const auto cookie = req.Cookie(kNoticeCookie);
    if (!expected.empty() && cookie && *cookie == expected) {
      pc.done = *done;
      pc.set_cookies.push_back(CookieHeader(kNoticeCookie, "", secure(), 0));
    }
  }

  WebResponse resp;
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  const Route* found = nullptr;
  bool other_method = false;
  for (const auto& r : routes_) {
    if (r.segments.size() != req.segments.size()) continue;
    std::vector<std::string> params;
    bool ok = true;
    for (std::size_t i = 0; i < r.segments.size() && ok; ++i) {
      if (IsParam(r.segments[i])) {
        ok = !req.segments[i].empty();
        params.push_back(req.segments[i]);
      } else {
        ok = r.segments[i] == req.segments[i];
      }
    }
    if (!ok) continue;
    if (r.method != method) {
      other_method = true;
      continue;
    }
    found = &r;
    pc.params = std::move(params);
    break;
  }
  try {
    if (!found) {
      resp = ErrorPage(pc, other_method ? 405 : 404, other_method ? "error.method" : "error.not_found");
    } else if (method == "POST") {
      if (auto refused = CheckPost(pc, found->upload)) resp = std::move(*refused);
      else resp = found->handler(pc);
    } else {
      resp = found->handler(pc);
    }
  } catch (const StoreUnavailable&) {
    resp = ErrorPage(pc, 503, "error.unavailable");
    resp.headers.push_back({"Retry-After", "2"});
  }
  // A redirect that announces an outcome confirms it to the page it leads to.
  if (resp.status >= 300 && resp.status < 400)
    for (const auto& [k, v] : resp.headers)
      if (k == "Location")
        if (auto notice = NoticeOfLocation(v); !notice.empty())
          pc.set_cookies.push_back(CookieHeader(kNoticeCookie, notice, secure(), kNoticeSeconds));
  if (fresh_csrf && resp.body.find(pc.csrf) != std::string::npos)
    pc.set_cookies.push_back(CookieHeader(kCsrfCookie, pc.csrf, secure(), -1, "Strict"));
  for (const auto& c : pc.set_cookies) resp.headers.push_back({"Set-Cookie", c});
  // Kept only when it is everyone's, or this person's and stamped with their shard; never an
  // answer that sets a cookie.
  if (!pc.set_cookies.empty() || (pc.user && (!resp.kept_under || resp.kept_under->person_shard < 0)))
    resp.kept_under.reset();
  if (resp.content_type.starts_with("text/html")) {
    // The server answers 304 to an If-None-Match naming it (pages marked Revalidated).
    if (resp.status == 200 && method == "GET") resp.headers.push_back({"ETag", BodyEtag(resp.body)});
    bool cache_set = false;
    for (const auto& [k, v] : resp.headers) cache_set |= k == "Cache-Control";
    // Pages for a signed-in person are private to them; public ones may be cached briefly.
    if (!cache_set) resp.headers.push_back({"Cache-Control", pc.user ? "private, no-store" : "no-cache"});
    resp.headers.push_back({"Vary", "Cookie, Accept-Language"});
    resp.headers.push_back({"Content-Language", Code(pc.lang)});
  }
  return resp;
}

void Site::AddCommon(PageContext& pc, nlohmann::json& data) const {
  data["lang"] = Code(pc.lang);  // the texts ({{t.…}}) come from Render(name, data, lang)
  data["csrf"] = pc.csrf;
  data["signed_in"] = pc.signed_in();
  data["has_errors"] = data.contains("errors") && data["errors"].is_array() && !data["errors"].empty();
}

WebResponse Site::Page(PageContext& pc, const std::string& name, nlohmann::json data, int status,
                        const std::string& title_key) {
  AddCommon(pc, data);
  std::string content = Render(name, data, pc.lang);
  return Layout(pc, std::move(content), std::move(data), status, title_key.empty() ? name + ".title" : title_key);
}

WebResponse Site::PageWithContent(PageContext& pc, std::string content, const std::string& title_key) {
  nlohmann::json layout = nlohmann::json::object();
  AddCommon(pc, layout);
  return Layout(pc, std::move(content), std::move(layout), 200, title_key);
}

void Site::Revalidated(PageContext& pc, WebResponse& r) const {
  r.headers.push_back({"Cache-Control", pc.user ? "private, no-cache" : "no-cache"});
}

WebResponse Site::Layout(PageContext& pc, std::string content, nlohmann::json layout, int status,
                         const std::string& title_key) {
  layout["content"] = std::move(content);
  if (!layout.contains("title")) layout["title"] = Text(pc.lang, title_key);
  if (pc.user) {
    // The trainers' and coordinator's pages are linked once they exist.
    layout["user"] = {{"name", pc.user->name},
                      {"trainer", pc.user->Has(Role::kTrainer) && HasRoute("GET", "/trainer")},
                      {"coordinator", pc.user->Has(Role::kCoordinator) && HasRoute("GET", "/desk")}};
  }
  nlohmann::json langs = nlohmann::json::array();
  // The same page in another language: its query kept (a reset link keeps its token).
  std::string here = PercentEncode(pc.req.path);
  for (const auto& [name, value] : pc.req.query)
    if (name != "lang") here = WithQuery(here, PercentEncode(name) + "=" + PercentEncode(value));
  for (Lang l : {Lang::kFr, Lang::kDe, Lang::kEn}) {
    langs.push_back({{"code", Code(l)},
                     {"label", Text(l, "language.name")},
                     {"current", l == pc.lang},
                     {"href", WithQuery(here, std::string("lang=") + Code(l))}});
  }
  layout["langs"] = langs;
  WebResponse r;
  r.status = status;
  r.body = Render("layout", layout, pc.lang);
  return r;
}

WebResponse Site::ErrorPage(PageContext& pc, int status, const std::string& message_key, const std::string& detail) {
  nlohmann::json data = {{"status", status}, {"message", Text(pc.lang, message_key)}, {"detail", detail}};
  return Page(pc, "error", data, status, "error.title");
}

std::string Site::Message(PageContext& pc, const DomainError& e) {
  (void)pc;
  std::string text = e.detail;
  for (const auto& f : e.errors) text += " " + f.field + ": " + f.message + ".";
  return text;
}

WebResponse Site::DomainErrorPage(PageContext& pc, const DomainError& e) {
  switch (e.code) {
    case ErrorCode::kNotFound: return ErrorPage(pc, 404, "error.not_found");
    case ErrorCode::kForbidden: return ErrorPage(pc, 403, "error.forbidden");
    case ErrorCode::kUnauthenticated: return WebResponse::Redirect("/login?next=" + PercentEncode(pc.req.path));
    case ErrorCode::kUnavailable:
    case ErrorCode::kBusy: return ErrorPage(pc, 503, "error.unavailable");
    case ErrorCode::kAlreadyInModule: return ErrorPage(pc, 409, "error.already_in_module");
    case ErrorCode::kAlreadyRegistered: return ErrorPage(pc, 409, "error.already_registered");
    case ErrorCode::kSessionNotOpen: return ErrorPage(pc, 422, "error.session_not_open");
    default: return ErrorPage(pc, 422, "error.rule", Message(pc, e));
  }
}

}  // namespace parcours::web
