#include "web/page.h"

#include <cctype>

#include "common/text.h"

namespace parcours::web {

std::optional<std::string> WebRequest::Query(const std::string& name) const {
  for (const auto& [k, v] : query)
    if (k == name) return v;
  return std::nullopt;
}

std::optional<std::string> WebRequest::Header(const std::string& lower_name) const {
  for (const auto& [k, v] : headers)
    if (k == lower_name) return v;
  return std::nullopt;
}

std::optional<std::string> WebRequest::Cookie(const std::string& name) const {
  for (const auto& [k, v] : headers) {
    if (k != "cookie") continue;
    std::string_view rest = v;
    while (!rest.empty()) {
      auto semi = rest.find(';');
      std::string_view pair = Trim(rest.substr(0, semi));
      rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
      auto eq = pair.find('=');
      if (eq != std::string_view::npos && pair.substr(0, eq) == name) return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

WebResponse WebResponse::Redirect(const std::string& local_path) {
  WebResponse r;
  r.status = 303;
  r.body.clear();
  r.headers.push_back({"Location", local_path});
  return r;
}

std::optional<std::vector<std::pair<std::string, std::string>>> ParseForm(std::string_view body) {
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t start = 0;
  while (start < body.size()) {
    std::size_t amp = body.find('&', start);
    if (amp == std::string_view::npos) amp = body.size();
    std::string_view pair = body.substr(start, amp - start);
    start = amp + 1;
    if (pair.empty()) continue;
    auto eq = pair.find('=');
    auto name = PercentDecode(pair.substr(0, eq), true);
    auto value = PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
    if (!name || !value || !IsValidUtf8(*name) || !IsValidUtf8(*value)) return std::nullopt;
    for (unsigned char c : *value)
      if ((c < 0x20 && c != '\r' && c != '\n' && c != '\t') || c == 0x7F) return std::nullopt;
    out.emplace_back(std::move(*name), std::move(*value));
    if (out.size() > 200) return std::nullopt;
  }
  return out;
}

std::string Form::Get(const std::string& name) const {
  for (const auto& [k, v] : fields_)
    if (k == name) return v;
  return "";
}

bool Form::Has(const std::string& name) const {
  for (const auto& [k, v] : fields_)
    if (k == name) return true;
  return false;
}

bool IsLocalPath(const std::string& path) {
  if (path.empty() || path[0] != '/' || path.size() > 500) return false;
  if (path.size() > 1 && (path[1] == '/' || path[1] == '\\')) return false;
  for (unsigned char c : path)
    if (c < 0x20 || c == 0x7F || c == '\\') return false;
  return true;
}

std::string LocalOr(const std::string& next, const std::string& fallback) {
  return IsLocalPath(next) ? next : fallback;
}

std::string WithQuery(const std::string& path, const std::string& name_value) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + name_value;
}

std::string PercentEncode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace parcours::web
