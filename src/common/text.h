#pragma once
// Small string utilities shared by every layer.
#include <optional>
#include <string>
#include <string_view>

namespace parcours {

std::string Base64UrlEncode(std::string_view bytes);
std::optional<std::string> Base64UrlDecode(std::string_view text);
std::string HexEncode(std::string_view bytes);
std::string AsciiLower(std::string_view s);
std::string_view Trim(std::string_view s);
bool IsValidUtf8(std::string_view s);
// %XX-decoding; '+' becomes a space when `plus_is_space` (form encoding). nullopt on a bad
// escape. The result may hold any byte: callers check UTF-8 and control characters.
std::optional<std::string> PercentDecode(std::string_view s, bool plus_is_space);
// Counts code points of valid UTF-8.
std::size_t Utf8Length(std::string_view s);
// The code point starting at s[i], advancing i past it (U+FFFD, one byte on, for invalid UTF-8).
char32_t NextCodePoint(std::string_view s, std::size_t& i);
// Characters that are never part of a name, a title or any other one-line text: C0 controls
// (TAB and line ends included), DEL, C1 controls, the line and paragraph separators, the
// bidirectional embeddings, overrides, isolates and marks, and zero-width or other invisible
// format characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM...).
bool IsForbiddenInText(char32_t c);
// What a reader does not see at the start of a value: the characters above, spaces of every
// width (NBSP, ideographic space...) and the soft hyphen.
bool IsBlankOrInvisible(char32_t c);
// Parses a decimal id (1 to 18 digits, no sign or leading zero) with nothing else around it.
std::optional<long long> ParseId(std::string_view s);
// The value of cookie `name` in a Cookie header ("a=1; b=2"), empty when absent.
std::string CookieValue(std::string_view header, std::string_view name);

}  // namespace parcours
