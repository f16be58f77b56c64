// Unit tests of src/common/text: base64url, hex, UTF-8 checks, ids, case and trimming.
#include "common/text.h"

#include <catch2/catch.hpp>
#include <string>

namespace parcours {

TEST_CASE("text: Base64UrlEncode matches the RFC 4648 vectors without padding", "[text]") {
  CHECK(Base64UrlEncode("") == "");
  CHECK(Base64UrlEncode("f") == "Zg");
  CHECK(Base64UrlEncode("fo") == "Zm8");
  CHECK(Base64UrlEncode("foo") == "Zm9v");
  CHECK(Base64UrlEncode("foob") == "Zm9vYg");
  CHECK(Base64UrlEncode("fooba") == "Zm9vYmE");
  CHECK(Base64UrlEncode("foobar") == "Zm9vYmFy");
}

TEST_CASE("text: Base64UrlEncode uses the URL alphabet", "[text]") {
  // Standard base64 of these bytes is "+/8=".
  CHECK(Base64UrlEncode(std::string("\xfb\xff", 2)) == "-_8");
}

TEST_CASE("text: Base64Url round trips binary strings of length 0 to 5", "[text]") {
  const std::string source("\x00\xff\x7f\x80\xfb\x01\xfe", 7);
  for (std::size_t len = 0; len <= 5; ++len) {
    for (std::size_t start = 0; start + len <= source.size(); ++start) {
      std::string bytes = source.substr(start, len);
      std::string encoded = Base64UrlEncode(bytes);
      INFO("length " << len << " from " << start << " encoded " << encoded);
      CHECK(encoded.size() == (len * 4 + 2) / 3);
      CHECK(encoded.find_first_of("+/=") == std::string::npos);
      auto decoded = Base64UrlDecode(encoded);
      REQUIRE(decoded);
      CHECK(*decoded == bytes);
    }
  }
}

TEST_CASE("text: Base64UrlDecode rejects characters outside the URL alphabet", "[text]") {
  CHECK_FALSE(Base64UrlDecode("Zm9v!"));
  CHECK_FALSE(Base64UrlDecode("Zg=="));  // padding is not used
  CHECK_FALSE(Base64UrlDecode("Zm8="));
  CHECK_FALSE(Base64UrlDecode("+/8"));  // standard alphabet
  CHECK_FALSE(Base64UrlDecode("Zm 9v"));
  CHECK_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)));
  CHECK_FALSE(Base64UrlDecode("Zm9v\xc3\xa9"));
}

TEST_CASE("text: Base64UrlDecode rejects impossible lengths", "[text]") {
  CHECK_FALSE(Base64UrlDecode("Z"));
  CHECK_FALSE(Base64UrlDecode("Zm9vY"));
}

TEST_CASE("text: HexEncode writes two lower-case digits per byte", "[text]") {
  CHECK(HexEncode("") == "");
  CHECK(HexEncode("abc") == "616263");
  CHECK(HexEncode(std::string("\x00\x0f\xf0\xff", 4)) == "000ff0ff");
}

TEST_CASE("text: IsValidUtf8 accepts ASCII, accents, CJK and emoji", "[text]") {
  CHECK(IsValidUtf8(""));
  CHECK(IsValidUtf8("hello"));
  CHECK(IsValidUtf8(std::string("a\0b", 3)));
  CHECK(IsValidUtf8("\xc3\xa9"));                      // é
  CHECK(IsValidUtf8("Ch\xc3\xa2teau d'\xc3\x89sch"));  // Château d'Ésch
  CHECK(IsValidUtf8("\xe6\x97\xa5\xe6\x9c\xac"));      // 日本
  CHECK(IsValidUtf8("\xf0\x9f\x98\x80"));              // 😀
  CHECK(IsValidUtf8("ok \xf0\x9f\x91\x8d done"));      // 👍 inside text
  CHECK(IsValidUtf8("\xef\xbf\xbf"));                  // U+FFFF
  CHECK(IsValidUtf8("\xf4\x8f\xbf\xbf"));              // U+10FFFF, the last code point
  CHECK(IsValidUtf8("\xed\x9f\xbf"));                  // U+D7FF, just below surrogates
  CHECK(IsValidUtf8("\xee\x80\x80"));                  // U+E000, just above surrogates
}

TEST_CASE("text: IsValidUtf8 rejects overlong encodings", "[text]") {
  CHECK_FALSE(IsValidUtf8("\xc0\xaf"));  // '/' in two bytes
  CHECK_FALSE(IsValidUtf8("\xc1\xbf"));
  CHECK_FALSE(IsValidUtf8("\xc0\x80"));          // NUL in two bytes
  CHECK_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // '/' in three bytes
  CHECK_FALSE(IsValidUtf8("\xe0\x9f\xbf"));      // U+07FF in three bytes
  CHECK_FALSE(IsValidUtf8("\xf0\x80\x80\xaf"));  // '/' in four bytes
  CHECK_FALSE(IsValidUtf8("\xf0\x8f\xbf\xbf"));  // U+FFFF in four bytes
}

TEST_CASE("text: IsValidUtf8 rejects UTF-16 surrogates", "[text]") {
  CHECK_FALSE(IsValidUtf8("\xed\xa0\x80"));              // U+D800
  CHECK_FALSE(IsValidUtf8("\xed\xbf\xbf"));              // U+DFFF
  CHECK_FALSE(IsValidUtf8("\xed\xa0\xbd\xed\xb8\x80"));  // a CESU-8 surrogate pair
}

TEST_CASE("text: IsValidUtf8 rejects code points above U+10FFFF", "[text]") {
  CHECK_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xf5\x80\x80\x80"));
  CHECK_FALSE(IsValidUtf8("\xf7\xbf\xbf\xbf"));
}

TEST_CASE("text: IsValidUtf8 rejects truncated sequences", "[text]") {
  CHECK_FALSE(IsValidUtf8("\xc3"));
  CHECK_FALSE(IsValidUtf8("abc\xc3"));
  CHECK_FALSE(IsValidUtf8("\xe6\x97"));
  CHECK_FALSE(IsValidUtf8("\xf0\x9f\x98"));
  CHECK_FALSE(IsValidUtf8("\xf0\x9f"));
  CHECK_FALSE(IsValidUtf8("\xc3 tail"));  // lead byte followed by ASCII
  CHECK_FALSE(IsValidUtf8("\xe6\x97x"));
}

TEST_CASE("text: IsValidUtf8 rejects lone continuation bytes", "[text]") {
  CHECK_FALSE(IsValidUtf8("\x80"));
  CHECK_FALSE(
      IsValidUtf8("a\xbf"
                  "b"));
  CHECK_FALSE(IsValidUtf8("\xc3\xa9\xa9"));  // é plus one continuation too many
}

TEST_CASE("text: IsValidUtf8 rejects bytes that never occur in UTF-8", "[text]") {
  CHECK_FALSE(IsValidUtf8("\xff"));
  CHECK_FALSE(IsValidUtf8("\xfe"));
  CHECK_FALSE(IsValidUtf8("abc\xff"));
  CHECK_FALSE(IsValidUtf8("\xf8\x88\x80\x80\x80"));      // old five-byte form
  CHECK_FALSE(IsValidUtf8("\xfc\x84\x80\x80\x80\x80"));  // old six-byte form
}

TEST_CASE("text: Utf8Length counts code points, not bytes", "[text]") {
  CHECK(Utf8Length("") == 0);
  CHECK(Utf8Length("abc") == 3);
  CHECK(Utf8Length("\xc3\xa9") == 1);
  CHECK(Utf8Length("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9") ==
        9);
  CHECK(Utf8Length("\xe6\x97\xa5\xe6\x9c\xac") == 2);
  CHECK(Utf8Length("a\xf0\x9f\x98\x80"
                   "b") == 3);
}

TEST_CASE("text: ParseId accepts positive decimal ids", "[text]") {
  CHECK(ParseId("1") == 1);
  CHECK(ParseId("42") == 42);
  CHECK(ParseId("9223372036854775") == 9223372036854775LL);
  CHECK(ParseId("999999999999999999") == 999999999999999999LL);  // 18 digits
}

TEST_CASE("text: ParseId rejects empty, zero, leading zeros, signs and junk", "[text]") {
  for (const char* text :
       {"", "0", "00", "01", "-1", "+1", "1a", "a1", " 1", "1 ", "1.0", "1e3", "0x10", "１"}) {
    INFO("'" << text << "'");
    CHECK_FALSE(ParseId(text));
  }
}

TEST_CASE("text: ParseId rejects 19 digits or more", "[text]") {
  CHECK_FALSE(ParseId("1000000000000000000"));
  CHECK_FALSE(ParseId("9223372036854775807"));
  CHECK_FALSE(ParseId("9223372036854775808"));
  CHECK_FALSE(ParseId("99999999999999999999999"));
}

TEST_CASE("text: AsciiLower lowers ASCII letters only", "[text]") {
  CHECK(AsciiLower("") == "");
  CHECK(AsciiLower("Alice.MARTIN@Example.LU") == "alice.martin@example.lu");
  CHECK(AsciiLower("AZaz09-_") == "azaz09-_");
  CHECK(AsciiLower("\xc3\x89LODIE") == "\xc3\x89lodie");  // É is left alone
}

TEST_CASE("text: Trim removes spaces, tabs and line ends at both ends", "[text]") {
  CHECK(Trim("") == "");
  CHECK(Trim("   ") == "");
  CHECK(Trim(" \t\r\n") == "");
  CHECK(Trim("abc") == "abc");
  CHECK(Trim("  a b \t\r\n") == "a b");
  CHECK(Trim("\n\tx") == "x");
  CHECK(Trim("a  ") == "a");
}

}  // namespace parcours
