#include "services/pagination.h"

#include <charconv>

namespace parcours {

std::optional<CursorKey> DecodeCursor(const std::string& cursor) {
  auto raw = Base64UrlDecode(cursor);
  if (!raw || raw->empty() || raw->size() > 48) return std::nullopt;
  CursorKey key;
  auto parse = [](std::string_view s, long long& out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && p == s.data() + s.size();
  };
  auto colon = raw->find(':');
  std::string_view text(*raw);
  if (colon == std::string::npos) return parse(text, key.a) ? std::optional(key) : std::nullopt;
  long long b;
  if (!parse(text.substr(0, colon), key.a) || !parse(text.substr(colon + 1), b))
    return std::nullopt;
  key.b = b;
  return key;
}

Result<Id> AfterId(const PageRequest& page) {
  if (!page.cursor) return Id{0};
  auto key = DecodeCursor(*page.cursor);
  if (!key || key->b) return Invalid({{"cursor", "is not a cursor of this list"}});
  return key->a;
}

}  // namespace parcours
