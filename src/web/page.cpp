#include "web/page.h"

#include <algorithm>
#include <cctype>

#include "common/text.h"
#include "web/desk_forms.h"

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
    std::string value = CookieValue(v, name);
    if (!value.empty()) return value;
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

namespace {

// The value of `name=` in a header's parameters ('boundary=x', 'name="file"'), unquoted.
std::optional<std::string> HeaderParam(std::string_view header, std::string_view name) {
  std::size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    std::string_view rest = Trim(header.substr(++at));
    if (rest.size() <= name.size() || AsciiLower(rest.substr(0, name.size())) != name || rest[name.size()] != '=')
      continue;
    std::string_view v = rest.substr(name.size() + 1);
    if (!v.empty() && v[0] == '"') {
      auto close = v.find('"', 1);
      if (close == std::string_view::npos) return std::nullopt;
      return std::string(v.substr(1, close - 1));
    }
    return std::string(v.substr(0, v.find(';')));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> ParseMultipart(
    std::string_view body, std::string_view content_type, std::map<std::string, std::string>* filenames) {
  auto boundary = HeaderParam(content_type, "boundary");
  if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
  const std::string delimiter = "--" + *boundary;
  std::vector<std::pair<std::string, std::string>> out;
  std::size_t at = body.find(delimiter);
  if (at == std::string_view::npos) return std::nullopt;
  for (;;) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return out;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    const std::size_t head_end = body.find("\r\n\r\n", at);
    if (head_end == std::string_view::npos) return std::nullopt;
    std::optional<std::string> name, filename;
    bool file = false;
    for (std::string_view head = body.substr(at, head_end - at); !head.empty();) {
      const std::size_t eol = head.find("\r\n");
      std::string_view line = head.substr(0, eol);
      head = eol == std::string_view::npos ? std::string_view() : head.substr(eol + 2);
      if (AsciiLower(line).starts_with("content-disposition:")) {
        name = HeaderParam(line, "name");
        filename = HeaderParam(line, "filename");
        file = filename.has_value();
      }
    }
    const std::size_t content = head_end + 4;
    const std::size_t next = body.find("\r\n" + delimiter, content);
    if (!name || next == std::string_view::npos || out.size() >= 20) return std::nullopt;
    std::string value(body.substr(content, next - content));
    if (!file && !IsValidUtf8(value)) return std::nullopt;
    if (file && filenames) (*filenames)[*name] = *filename;
    out.emplace_back(std::move(*name), std::move(value));
    at = next + 2;
  }
}

std::optional<std::vector<std::pair<std::string, std::string>>> PostedFields(const WebRequest& req) {
  const std::string type = req.Header("content-type").value_or("");
  if (AsciiLower(type).starts_with("multipart/form-data")) return ParseMultipart(req.body, type);
  return ParseForm(req.body);
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

std::string NoticeValue(const std::string& done, const std::string& count) {
  const bool name = !done.empty() && done.size() <= 40 &&
                    std::all_of(done.begin(), done.end(), [](char c) { return (c >= 'a' && c <= 'z') || c == '_'; });
  if (!name || (!count.empty() && !ParseCount(count))) return "";
  return count.empty() ? done : done + "." + count;
}

std::string NoticeOfLocation(std::string_view location) {
  location = location.substr(0, location.find('#'));
  const auto q = location.find('?');
  if (q == std::string_view::npos) return "";
  auto fields = ParseForm(location.substr(q + 1));
  if (!fields) return "";
  std::string done, count;
  for (const auto& [k, v] : *fields) {
    if (k == "done") done = v;
    if (k == "count") count = v;
  }
  return done.empty() ? "" : NoticeValue(done, count);
}

std::string CatalogueKey(const std::string& lang_code, std::optional<Id> module, const std::string& month,
                         std::optional<SessionMode> mode, const std::optional<std::string>& language) {
  return lang_code + "\nmodule=" + (module ? std::to_string(*module) : "") + "\nmonth=" + month +
         "\nmode=" + (mode ? ToString(*mode) : "") + "\nlanguage=" + language.value_or("");
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
