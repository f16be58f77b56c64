#pragma once
// A browser without JavaScript for the page tests: keeps cookies, follows nothing by itself,
// posts forms (application/x-www-form-urlencoded) with the CSRF token of the page it last read.
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http_client.h"

namespace parcours::testing {

class BrowserClient {
 public:
  explicit BrowserClient(const std::string& base_url) : http_(base_url) {}
  HttpResult Get(const std::string& path, std::map<std::string, std::string> headers = {});
  // Posts the fields; adds `csrf` (from the last page read) unless `with_csrf` is false.
  HttpResult Post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                  bool with_csrf = true, std::map<std::string, std::string> headers = {});
  // Posts the fields as multipart/form-data (a form with a file input), with `csrf` first; a
  // field named in `files` is sent as a file part (filename="<name>.csv").
  HttpResult PostMultipart(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                           const std::vector<std::string>& files = {});
  // Logs in through the login page; true when the answer is the redirect after success.
  bool LogIn(const std::string& email, const std::string& password);
  const std::string& csrf() const { return csrf_; }
  bool HasCookie(const std::string& name) const { return cookies_.count(name) > 0; }
  void set_local_address(std::string a) { http_.set_local_address(std::move(a)); }

 private:
  void Remember(const HttpResult& r);
  std::string CookieHeader() const;
  HttpClient http_;
  std::map<std::string, std::string> cookies_;
  std::string csrf_;
};

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields);
// The value of the first `name="csrf" value="…"` of a page, "" when none.
std::string CsrfOf(const std::string& html);

}  // namespace parcours::testing
