#pragma once
// What a password must be, in the spirit of NIST SP 800-63B (5.1.1.2): long enough, and not
// one that guessers try first. No composition rules (digits, capitals, symbols), which push
// people to predictable variations. Pure logic over a compiled-in list; no I/O.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace parcours {

constexpr std::size_t kMinPasswordLength = 10;  // code points
constexpr std::size_t kMaxPasswordBytes = 256;

// What the person is known by: a password that contains it is refused. Either may be empty.
struct PasswordContext {
  std::string email;
  std::string name;
};

// nullopt when acceptable, else the message to show, naming the rule. Comparisons ignore case.
// Refused: fewer than 10 code points; only whitespace; one character or a group repeated
// ("aaaaaaaaaa", "abcabcabca"); a plain sequence or keyboard walk ("1234567890",
// "abcdefghij", "qwertyuiop", "azertyuiop"); containing the e-mail, its local part or the name
// (or a part of at least 4 characters of them); a listed common password; and a listed
// password, sequence or repetition with only digits, symbols or spaces around it
// ("password2024!", "qwertyuiop123"), also when spelt with look-alike digits ("p4ssw0rd").
std::optional<std::string> CheckPassword(const std::string& password, const PasswordContext& context = {});

// Is this (lower-case) text in the compiled-in list of common passwords?
bool IsCommonPassword(std::string_view lower);

// The list's text, one entry a line (src/domain/password_blocklist.txt), compiled in.
const std::string& EmbeddedPasswordBlocklist();

}  // namespace parcours
