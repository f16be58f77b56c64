#include "domain/documents.h"

#include <cctype>
#include <cstdint>

namespace parcours {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

std::uint32_t Le16(std::string_view s, std::size_t at) {
  return static_cast<unsigned char>(s[at]) | static_cast<unsigned char>(s[at + 1]) << 8;
}
std::uint32_t Le32(std::string_view s, std::size_t at) { return Le16(s, at) | Le16(s, at + 2) << 16; }

// A ZIP file: an OpenDocument names its type in a first, stored entry "mimetype"; an Office
// Open XML package has a "[Content_Types].xml" entry and its parts under word/, xl/ or ppt/.
std::optional<std::string> SniffZip(std::string_view b) {
  constexpr std::size_t kLocalHeader = 30;
  if (b.size() > kLocalHeader) {
    const std::size_t name_len = Le16(b, 26), extra_len = Le16(b, 28), data_len = Le32(b, 18);
    if (Le16(b, 8) == 0 && b.substr(kLocalHeader, name_len) == "mimetype") {
      const std::size_t at = kLocalHeader + name_len + extra_len;
      if (at + data_len <= b.size() && data_len < 100) {
        std::string_view type = b.substr(at, data_len);
        if (StartsWith(type, "application/vnd.oasis.opendocument.")) return std::string(type);
      }
    }
  }
  if (b.find("[Content_Types].xml") == std::string_view::npos) return std::nullopt;
  if (b.find("word/") != std::string_view::npos)
    return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  if (b.find("xl/") != std::string_view::npos)
    return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  if (b.find("ppt/") != std::string_view::npos)
    return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
  return std::nullopt;
}

}  // namespace

const char* ToString(DocumentKind k) {
  switch (k) {
    case DocumentKind::kHandout: return "handout";
    case DocumentKind::kSynthesis: return "synthesis";
    case DocumentKind::kOther: return "other";
  }
  return "other";
}

std::optional<DocumentKind> DocumentKindFromString(const std::string& s) {
  for (auto k : {DocumentKind::kHandout, DocumentKind::kSynthesis, DocumentKind::kOther})
    if (s == ToString(k)) return k;
  return std::nullopt;
}

std::optional<std::string> SniffDocumentType(std::string_view b) {
  if (StartsWith(b, "%PDF-")) return "application/pdf";
  if (StartsWith(b, std::string_view("\x89PNG\r\n\x1a\n", 8))) return "image/png";
  if (StartsWith(b, "\xFF\xD8\xFF")) return "image/jpeg";
  if (StartsWith(b, std::string_view("PK\x03\x04", 4))) return SniffZip(b);
  return std::nullopt;
}

std::string SafeFilename(std::string_view name, const std::string& fallback) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '"' || c == ';' || c == '\\') continue;
    out.push_back(static_cast<char>(c));
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(out.begin());
  if (out.size() > 120) {
    // Cut back to the start of a UTF-8 character, then drop that (possibly partial) character.
    out.resize(121);
    while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80) out.pop_back();
    if (!out.empty()) out.pop_back();
  }
  return out.empty() ? fallback : out;
}

std::vector<std::pair<std::string, std::string>> DownloadHeaders(const SessionDocument& d) {
  return {{"Content-Disposition", AttachmentDisposition(d.filename)},
          {"Cache-Control", "private, no-store"},
          {"Content-Security-Policy", "sandbox; default-src 'none'"}};
}

std::string AttachmentDisposition(const std::string& filename) {
  std::string ascii, encoded;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : filename) {
    ascii.push_back(c < 0x80 ? static_cast<char>(c) : '_');
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace parcours
