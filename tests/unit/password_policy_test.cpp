// The password rule: length and blocklists, no composition rules (NIST SP 800-63B).
#include "domain/password_policy.h"
#include "test_values.h"

#include <catch2/catch.hpp>
#include <string>

namespace parcours {
namespace {

std::string Why(const std::string& password, const PasswordContext& context = {}) {
  return CheckPassword(password, context).value_or("accepted");
}

constexpr const char* kTooShort = "must be at least 10 characters";
constexpr const char* kSpaces = "must not be only spaces";
constexpr const char* kRepeated = "must not be one character or a group of characters repeated";
constexpr const char* kSequence = "must not be a plain sequence such as 1234567890, abcdefghij or qwertyuiop";
constexpr const char* kPersonal = "must not contain your e-mail address or your name";
constexpr const char* kCommon = "is one of the most common passwords";
constexpr const char* kCommonAdded = "is a common password, sequence or repetition with only digits or symbols added";

TEST_CASE("password: long, uncommon passwords and passphrases are accepted", "[password]") {
  CHECK(Why("correct horse") == "accepted");
  CHECK(Why("correct horse battery") == "accepted");
  CHECK(Why("a-long-password") == "accepted");
  CHECK(Why("Tr0ub4dor&3xyz") == "accepted");
  CHECK(Why("été à Esch-sur-Alzette 😀") == "accepted");
  CHECK(Why("\xc3\xa9t\xc3\xa9 \xc3\xa0 Esch") == "accepted");  // 10 code points in 13 bytes
  CHECK(Why("Kaffi mat Kuch 7") == "accepted");
  CHECK(Why(std::string("x7Qm2vLr9pT4") + std::string(244, 'k')) == "accepted");  // 256 bytes
  // No composition rule: only letters, or only lower case, is fine when long and uncommon.
  CHECK(Why("lilac umbrella") == "accepted");
}

TEST_CASE("password: at least 10 code points, at most 256 bytes, valid UTF-8", "[password]") {
  CHECK(Why("short") == kTooShort);
  CHECK(Why("") == kTooShort);
  CHECK(Why("x7Qm2vLr9") == kTooShort);
  CHECK(Why(Repeat("\xc3\xa9", 9)) == kTooShort);  // "ééééééééé": 9 code points in 18 bytes
  CHECK(Why(std::string(257, 'k')) == "must be at most 256 bytes");
  CHECK(Why("abcdefghij\xff") == "must be valid UTF-8");
}

TEST_CASE("password: only whitespace is refused", "[password]") {
  CHECK(Why("          ") == kSpaces);
  CHECK(Why(" \t \t \t \t \t") == kSpaces);
  CHECK(Why(Repeat("\xc2\xa0", 10)) == kSpaces);       // no-break spaces
  CHECK(Why(Repeat(" \xe3\x80\x80", 5)) == kSpaces);   // with ideographic spaces
}

TEST_CASE("password: one character or a short group repeated is refused", "[password]") {
  CHECK(Why("aaaaaaaaaa") == kRepeated);
  CHECK(Why("AAAAAaaaaa") == kRepeated);  // case does not matter
  CHECK(Why("1111111111") == kRepeated);
  CHECK(Why(Repeat("\xc3\xa9", 10)) == kRepeated);          // éééééééééé
  CHECK(Why(Repeat("\xc3\x89\xc3\xa9", 5)) == kRepeated);   // ÉéÉéÉéÉéÉé
  CHECK(Why(Repeat("\xf0\x9f\x98\x80", 10)) == kRepeated);  // 10 × 😀
  CHECK(Why("abababababab") == kRepeated);
  CHECK(Why("abcabcabca") == kRepeated);
  CHECK(Why("xyz!xyz!xyz!") == kRepeated);
  CHECK(Why(std::string(256, 'a')) == kRepeated);
  CHECK(Why("abcdeabcdeabcde") == kRepeated);
  CHECK(Why("2468024680") == kRepeated);
  CHECK(Why("hello hello ") == kRepeated);
}

TEST_CASE("password: plain sequences and keyboard walks are refused", "[password]") {
  for (const char* s : {"1234567890", "0123456789", "0987654321", "12345678901", "abcdefghij", "ABCDEFGHIJ",
                        "jihgfedcba", "klmnopqrst", "qwertyuiop", "QWERTYUIOP", "azertyuiop", "qwertzuiop",
                        "poiuytrewq", "asdfghjklz", "1qaz2wsx3edc",
                        "xyzabcdefgh", "uiopasdfghjk"}) {
    INFO(s);
    CHECK(Why(s) == kSequence);
  }
}

TEST_CASE("password: the e-mail, its local part or the name is refused, in any case", "[password]") {
  const PasswordContext marie{"marie.schmit@ecole.lu", "Marie Schmit"};
  CHECK(Why("marie.schmit@ecole.lu", marie) == kPersonal);
  CHECK(Why("MARIE.SCHMIT@ECOLE.LU", marie) == kPersonal);
  CHECK(Why("marie.schmit", marie) == kPersonal);
  CHECK(Why("Marie Schmit", marie) == kPersonal);
  CHECK(Why("my name is Marie Schmit", marie) == kPersonal);
  CHECK(Why("schmit family 2027", marie) == kPersonal);  // a part of the name
  CHECK(Why("hello marie!!", marie) == kPersonal);
  CHECK(Why("lilac umbrella", marie) == "accepted");
  const PasswordContext severine{"severine@example.lu", "SÉVERINE MÜLLER-ØSTER"};
  CHECK(Why("séverine müller-øster", severine) == kPersonal);
  CHECK(Why("bonjour Müller !", severine) == kPersonal);
  CHECK(Why("ØSTER-ØSTER-42", severine) == kPersonal);
  // Short names and local parts only count when the whole password matches them.
  const PasswordContext short_ones{"jo@ex.lu", "Li"};
  CHECK(Why("jolly good fellow", short_ones) == "accepted");
  CHECK(Why("lilac umbrella", short_ones) == "accepted");
}

TEST_CASE("password: listed common passwords are refused", "[password]") {
  CHECK(IsCommonPassword("password"));
  CHECK(IsCommonPassword("motdepasse"));
  CHECK(IsCommonPassword("passwort"));
  CHECK_FALSE(IsCommonPassword("lilac umbrella"));
  for (const char* s : {"basketball", "Basketball", "BASKETBALL", "motdepasse", "MotDePasse", "ichliebedich",
                        "letstalkaboutsex", "password123", "christopher", "bayernmünchen", "BAYERNMÜNCHEN"}) {
    INFO(s);
    CHECK(Why(s) == kCommon);
  }
}

TEST_CASE("password: a listed password, sequence or repetition with digits or symbols added is refused",
          "[password]") {
  for (const char* s : {"password2027", "Password1234!", "!!sunshine!!", "2027iloveyou", "passwort 2027",
                        "qwertyuiop123", "abcdef123456", "aaaaaaaa12", "p4ssw0rd2027", "P@ssw0rd!!!", "m0tdepasse!",
                        "iL0veY0u2027"}) {
    INFO(s);
    CHECK(Why(s) == kCommonAdded);
  }
  // Words around a listed one are not "digits or symbols".
  CHECK(Why("my password is long") == "accepted");
  CHECK(Why("sunshine over Esch") == "accepted");
}

}  // namespace
}  // namespace parcours
