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
// Parses a decimal id (1 to 18 digits, no sign or leading zero) with nothing else around it.
std::optional<long long> ParseId(std::string_view s);

}  // namespace parcours
