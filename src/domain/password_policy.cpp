#include "domain/password_policy.h"

#include <algorithm>
#include <array>
#include <vector>

#include "common/text.h"

namespace parcours {
namespace {

using Text = std::u32string;

// Valid UTF-8 (checked before) to code points.
Text Decode(std::string_view s) {
  Text out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? b : len == 2 ? b & 0x1F : len == 3 ? b & 0x0F : b & 0x07;
    for (int k = 1; k < len; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += len;
  }
  return out;
}

std::string Encode(const Text& t) {
  std::string out;
  for (char32_t c : t) {
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | c >> 6);
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | c >> 12);
      out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | c >> 18);
      out += static_cast<char>(0x80 | (c >> 12 & 0x3F));
      out += static_cast<char>(0x80 | (c >> 6 & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

// Lower case for the scripts Parcours' people write in (Latin with its accents, Greek,
// Cyrillic); enough to compare a password with a name without regard to case.
char32_t Fold(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;  // À–Þ
  if (c == 0x178) return 0xFF;                              // Ÿ
  if (c == 0x1E9E) return 0xDF;                             // ẞ
  const bool even_upper = (c >= 0x100 && c <= 0x12F) || (c >= 0x132 && c <= 0x137) || (c >= 0x14A && c <= 0x177);
  const bool odd_upper = (c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E);
  if ((even_upper && c % 2 == 0) || (odd_upper && c % 2 == 1)) return c + 1;
  if (c >= 0x391 && c <= 0x3A9 && c != 0x3A2) return c + 32;  // Greek capitals
  if (c >= 0x410 && c <= 0x42F) return c + 32;                // Cyrillic А–Я
  if (c >= 0x400 && c <= 0x40F) return c + 80;                // Ѐ–Џ
  return c;
}

Text Folded(std::string_view s) {
  Text t = Decode(s);
  std::transform(t.begin(), t.end(), t.begin(), Fold);
  return t;
}

bool IsSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200D) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F ||
         c == 0x3000 || c == 0xFEFF;
}

bool IsAsciiLetter(char32_t c) { return c >= 'a' && c <= 'z'; }

// One character or a group repeated, at least twice in full: "aaaaaaaaaa", "abcabcabca",
// "hello hello ".
bool IsRepetition(const Text& t) {
  for (std::size_t period = 1; 2 * period <= t.size(); ++period) {
    bool repeats = true;
    for (std::size_t i = period; i < t.size() && repeats; ++i) repeats = t[i] == t[i - period];
    if (repeats) return true;
  }
  return false;
}

// Alphabet and digit runs (wrapping around, forwards or backwards), and walks along the rows and
// columns of QWERTY, AZERTY and QWERTZ keyboards.
constexpr std::array<std::string_view, 14> kWalks = {
    "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz",
    "012345678901234567890123456789012345678901234567890123456789",
    "02468024680246802468024680246802468",
    "13579135791357913579135791357913579",
    "qwertyuiopasdfghjklzxcvbnm",
    "azertyuiopqsdfghjklmwxcvbn",
    "qwertzuiopasdfghjklyxcvbnm",
    "1234567890qwertyuiop",
    "1234567890azertyuiop",
    "1234567890qwertzuiop",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
    "1qay2wsx3edc4rfv5tgb6zhn7ujm8ik9ol0p",
    "qazwsxedcrfvtgbyhnujmikolp",
    "!@#$%^&*()_+",
};

bool IsWalk(const Text& t) {
  if (std::any_of(t.begin(), t.end(), [](char32_t c) { return c >= 0x80; })) return false;
  std::string forwards = Encode(t), backwards(forwards.rbegin(), forwards.rend());
  for (auto walk : kWalks)
    if (walk.find(forwards) != std::string_view::npos || walk.find(backwards) != std::string_view::npos)
      return true;
  return false;
}

// The text without the digits, symbols and spaces around it: "**sunshine2024!" → "sunshine".
Text Core(const Text& t) {
  auto keep = [](char32_t c) { return IsAsciiLetter(c) || c >= 0x80; };
  auto first = std::find_if(t.begin(), t.end(), keep);
  auto last = std::find_if(t.rbegin(), t.rend(), keep).base();
  return first < last ? Text(first, last) : Text();
}

// Look-alike digits and symbols read as letters: "p4ssw0rd" → "password". 1 reads as i or l.
std::array<Text, 2> Unleet(const Text& t) {
  std::array<Text, 2> out = {t, t};
  for (int v = 0; v < 2; ++v)
    for (char32_t& c : out[v]) {
      switch (c) {
        case '0': c = 'o'; break;
        case '1': c = v == 0 ? 'i' : 'l'; break;
        case '!': c = 'i'; break;
        case '3': c = 'e'; break;
        case '4': case '@': c = 'a'; break;
        case '5': case '$': c = 's'; break;
        case '7': c = 't'; break;
        default: break;
      }
    }
  return out;
}

bool IsListed(const Text& t) { return IsCommonPassword(Encode(t)); }

// What names the person: the whole e-mail, its local part and the name (3 characters or more),
// and their parts of 4 characters or more ("marie", "schmit" of marie.schmit@ecole.lu).
std::vector<Text> PersonalWords(const PasswordContext& ctx) {
  std::vector<Text> words;
  auto add_whole = [&](const Text& w) {
    if (w.size() >= 3) words.push_back(w);
  };
  auto add_parts = [&](const Text& w) {
    Text part;
    for (char32_t c : w + U" ") {
      if (c >= 0x80 || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        part.push_back(c);
      } else {
        if (part.size() >= 4) words.push_back(part);
        part.clear();
      }
    }
  };
  if (!ctx.email.empty() && IsValidUtf8(ctx.email)) {
    Text email = Folded(Trim(ctx.email));
    Text local = email.substr(0, email.find(U'@'));
    add_whole(email);
    add_whole(local);
    add_parts(local);
  }
  if (!ctx.name.empty() && IsValidUtf8(ctx.name)) {
    Text name = Folded(Trim(ctx.name));
    add_whole(name);
    add_parts(name);
  }
  return words;
}

}  // namespace

bool IsCommonPassword(std::string_view lower) {
  static const std::vector<std::string_view> entries = [] {
    std::vector<std::string_view> out;
    std::string_view text = EmbeddedPasswordBlocklist();
    while (!text.empty()) {
      const auto newline = text.find('\n');
      std::string_view line = text.substr(0, newline);
      text = newline == std::string_view::npos ? std::string_view() : text.substr(newline + 1);
      if (!line.empty() && line.front() != '#') out.push_back(line);
    }
    std::sort(out.begin(), out.end());
    return out;
  }();
  return std::binary_search(entries.begin(), entries.end(), lower);
}

std::optional<std::string> CheckPassword(const std::string& password, const PasswordContext& context) {
  if (password.size() > kMaxPasswordBytes) return "must be at most 256 bytes";
  if (!IsValidUtf8(password)) return "must be valid UTF-8";
  if (Utf8Length(password) < kMinPasswordLength) return "must be at least 10 characters";
  const Text text = Folded(password);
  if (std::all_of(text.begin(), text.end(), IsSpace)) return "must not be only spaces";
  if (IsRepetition(text)) return "must not be one character or a group of characters repeated";
  if (IsWalk(text)) return "must not be a plain sequence such as 1234567890, abcdefghij or qwertyuiop";
  for (const Text& word : PersonalWords(context))
    if (text.find(word) != Text::npos) return "must not contain your e-mail address or your name";
  if (IsListed(text)) return "is one of the most common passwords";
  const Text core = Core(text);
  bool weak_core = core.size() >= 4 && core != text && (IsListed(core) || IsRepetition(core) || IsWalk(core));
  for (const Text& read : Unleet(core)) weak_core = weak_core || (read.size() >= 4 && IsListed(read));
  if (weak_core) return "is a common password, sequence or repetition with only digits or symbols added";
  return std::nullopt;
}

}  // namespace parcours
