#include "browser_client.h"

#include <algorithm>
#include <sstream>

namespace parcours::testing {

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (const auto& [k, v] : fields) {
    if (!out.empty()) out += '&';
    for (const std::string* part : {&k, &v}) {
      for (unsigned char c : *part) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') out += static_cast<char>(c);
        else if (c == ' ') out += '+';
        else {
          out += '%';
          out += kHex[c >> 4];
          out += kHex[c & 15];
        }
      }
      if (part == &k) out += '=';
    }
  }
  return out;
}

std::string CsrfOf(const std::string& html) {
  const std::string marker = "name=\"csrf\" value=\"";
  auto at = html.find(marker);
  if (at == std::string::npos) return "";
  at += marker.size();
  return html.substr(at, html.find('"', at) - at);
}

void BrowserClient::Remember(const HttpResult& r) {
  std::istringstream lines(r.header("set-cookie"));
  for (std::string line; std::getline(lines, line);) {
    const std::string pair = line.substr(0, line.find(';'));
    const auto eq = pair.find('=');
    if (eq == std::string::npos) continue;
    const std::string name = pair.substr(0, eq), value = pair.substr(eq + 1);
    if (value.empty() || line.find("Max-Age=0") != std::string::npos) cookies_.erase(name);
    else cookies_[name] = value;
  }
  if (auto token = CsrfOf(r.body); !token.empty()) csrf_ = token;
}

std::string BrowserClient::CookieHeader() const {
  std::string out;
  for (const auto& [k, v] : cookies_) out += (out.empty() ? "" : "; ") + k + "=" + v;
  return out;
}

HttpResult BrowserClient::Get(const std::string& path, std::map<std::string, std::string> headers) {
  if (!cookies_.empty()) headers["Cookie"] = CookieHeader();
  if (!headers.count("Accept")) headers["Accept"] = "text/html";
  headers["Content-Type"] = "text/plain";  // no body: keeps the client's JSON default off
  auto r = http_.Request("GET", path, "", headers);
  Remember(r);
  return r;
}

HttpResult BrowserClient::Post(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                               bool with_csrf, std::map<std::string, std::string> headers) {
  if (with_csrf) fields.insert(fields.begin(), {"csrf", csrf_});
  if (!cookies_.empty()) headers["Cookie"] = CookieHeader();
  headers["Content-Type"] = "application/x-www-form-urlencoded";
  auto r = http_.Request("POST", path, FormEncode(fields), headers);
  Remember(r);
  return r;
}

HttpResult BrowserClient::PostMultipart(const std::string& path, std::vector<std::pair<std::string, std::string>> fields,
                                        const std::vector<std::string>& files) {
  const std::string boundary = "----parcours-test-boundary-7d1f";
  fields.insert(fields.begin(), {"csrf", csrf_});
  std::string body;
  for (const auto& [name, value] : fields) {
    const bool file = std::find(files.begin(), files.end(), name) != files.end();
    body += "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"" +
            (file ? "; filename=\"" + name + ".csv\"\r\nContent-Type: text/csv" : "") + "\r\n\r\n" + value + "\r\n";
  }
  body += "--" + boundary + "--\r\n";
  std::map<std::string, std::string> headers;
  if (!cookies_.empty()) headers["Cookie"] = CookieHeader();
  headers["Content-Type"] = "multipart/form-data; boundary=" + boundary;
  auto r = http_.Request("POST", path, body, headers);
  Remember(r);
  return r;
}

bool BrowserClient::LogIn(const std::string& email, const std::string& password) {
  Get("/login");
  auto r = Post("/login", {{"email", email}, {"password", password}, {"next", "/parcours"}});
  return r.status == 303 && HasCookie("parcours_session");
}

}  // namespace parcours::testing
