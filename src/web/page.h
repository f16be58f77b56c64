#pragma once
// What a page handler sees and answers. The web layer is a sibling of src/http (STYLE.md):
// it has its own small request and response types, and src/app adapts the HTTP server's to
// them, so pages depend on services only.
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/model.h"
#include "services/catalogue_cache.h"

namespace parcours::web {

enum class Lang { kFr, kDe, kEn };
const char* Code(Lang l);

struct WebRequest {
  std::string method;  // GET, POST, HEAD
  std::string path;    // decoded
  std::vector<std::string> segments;
  std::vector<std::pair<std::string, std::string>> query;    // decoded
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;
  std::string client_address;
  std::string request_id;

  std::optional<std::string> Query(const std::string& name) const;
  std::optional<std::string> Header(const std::string& lower_name) const;
  std::optional<std::string> Cookie(const std::string& name) const;
};

struct WebResponse {
  int status = 200;
  std::string content_type = "text/html; charset=utf-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // Set-Cookie, Location, Cache-Control...
  // Public content that is the same for every request with the same target and headers while
  // the catalogue holds this stamp (http::HttpResponse::kept_under). Cleared for a signed-in
  // person and for any answer that sets a cookie.
  std::optional<CatalogueStamp> kept_under;

  static WebResponse Redirect(const std::string& local_path);  // 303 See Other
};

// application/x-www-form-urlencoded bodies (and query strings): decoded pairs, or nullopt
// when malformed (bad %-escape, invalid UTF-8, control characters other than CR LF TAB).
std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body);

// multipart/form-data bodies (a form with a file): the parts as (name, content) pairs, a file's
// content as sent, or nullopt when malformed (no boundary, an unterminated part, a field that
// is not UTF-8, more than 20 parts). Only routes that take an upload read them.
// `filenames`, when given, receives the file name the browser sent for each file part, by field.
std::optional<std::vector<std::pair<std::string, std::string>>> ParseMultipart(
    std::string_view body, std::string_view content_type, std::map<std::string, std::string>* filenames = nullptr);
// The posted form's fields, whichever of the two encodings it came in (nullopt: malformed).
std::optional<std::vector<std::pair<std::string, std::string>>> PostedFields(const WebRequest& req);

// A form read field by field: the first value of each name.
class Form {
 public:
  explicit Form(std::vector<std::pair<std::string, std::string>> fields) : fields_(std::move(fields)) {}
  std::string Get(const std::string& name) const;
  bool Has(const std::string& name) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

// A path on this site that is safe to redirect to after login: starts with one '/', no
// scheme or host, no backslash or control character ("/parcours", not "//evil.example").
bool IsLocalPath(const std::string& path);
// `next` when it is a local path (IsLocalPath), else `fallback`.
std::string LocalOr(const std::string& next, const std::string& fallback);
// The path with one more query parameter ("/parcours" + "done=x" → "/parcours?done=x").
std::string WithQuery(const std::string& path, const std::string& name_value);
// Percent-encodes everything but unreserved characters and '/' (for a path in a query value).
std::string PercentEncode(std::string_view s);
// The key the catalogue page's content is kept under: its language and its filters as read
// and checked, never the raw query, so that what the page ignores (an unknown parameter, the
// order, "007" for 7) makes no other entry: a client sending ?x=1, ?x=2... is answered from
// the kept page instead of having it rendered again. Only filters the page offers are kept (a
// module of the catalogue, one of the months listed): ?module=1, ?module=2... are rendered each
// time and take no place from the pages people ask for.
// The notice after a redirect ("Saved.", "3 attestation(s) issued."): the redirect's Location
// names it in its query (done=x, with count=n for some) and a short-lived cookie carries the
// same value ("x" or "x.n"), set with the redirect; a page shows the notice only when the
// cookie matches its query, then clears it. A link that anybody can write (?done=withdrawn)
// shows nothing: only the action itself announces its outcome.
// NoticeValue: the cookie's value for a query's done and count, "" when they are not a notice
// ([a-z_] names, a count of at most 7 digits). NoticeOfLocation: the same for a Location.
std::string NoticeValue(const std::string& done, const std::string& count);
std::string NoticeOfLocation(std::string_view location);

std::string CatalogueKey(const std::string& lang_code, std::optional<Id> module, const std::string& month,
                         std::optional<SessionMode> mode, const std::optional<std::string>& language);

}  // namespace parcours::web
