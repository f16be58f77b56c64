// Unit tests of src/services/crypto: scrypt password hashes, secrets and SHA-256, with a
// deterministic RandomSource and small scrypt parameters to stay fast.
#include "services/crypto.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/random.h"
#include "common/text.h"

namespace parcours {
namespace {

// Deterministic "random" bytes: seed, seed+1, seed+2, ... across calls.
class FakeRandom final : public RandomSource {
 public:
  explicit FakeRandom(unsigned char seed) : next_(seed) {}
  std::string Bytes(std::size_t n) override {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(next_++);
    return out;
  }

 private:
  unsigned char next_;
};

ScryptParams Fast() {
  ScryptParams p;
  p.n = 1024;
  return p;
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

std::string Join(const std::vector<std::string>& parts) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? "$" : "") + parts[i];
  return out;
}

// Replaces one character of a base64url string (not the last one, whose low bits are unused).
std::string Flip(std::string s, std::size_t i) {
  s[i] = s[i] == 'A' ? 'B' : 'A';
  return s;
}

}  // namespace

TEST_CASE("crypto: HashPassword encodes algorithm, parameters, salt and hash", "[crypto]") {
  FakeRandom random(1);
  std::string stored = HashPassword("correct horse battery", random, Fast());
  auto parts = Split(stored, '$');
  REQUIRE(parts.size() == 6);
  CHECK(parts[0] == "scrypt");
  CHECK(parts[1] == "1024");
  CHECK(parts[2] == "8");
  CHECK(parts[3] == "1");
  FakeRandom same(1);
  CHECK(parts[4] == Base64UrlEncode(same.Bytes(16)));
  auto hash = Base64UrlDecode(parts[5]);
  REQUIRE(hash);
  CHECK(hash->size() == 32);
}

TEST_CASE("crypto: VerifyPassword accepts the right password", "[crypto]") {
  FakeRandom random(7);
  std::string stored = HashPassword("correct horse battery", random, Fast());
  CHECK(VerifyPassword("correct horse battery", stored));
}

TEST_CASE("crypto: VerifyPassword accepts non-ASCII passwords byte for byte", "[crypto]") {
  FakeRandom random(7);
  std::string password = "\xc3\xa9t\xc3\xa9 \xc3\xa0 Esch-sur-Alzette \xf0\x9f\x98\x80";
  std::string stored = HashPassword(password, random, Fast());
  CHECK(VerifyPassword(password, stored));
  CHECK_FALSE(VerifyPassword("ete a Esch-sur-Alzette", stored));
}

TEST_CASE("crypto: VerifyPassword rejects a wrong password", "[crypto]") {
  FakeRandom random(7);
  std::string stored = HashPassword("correct horse battery", random, Fast());
  CHECK_FALSE(VerifyPassword("correct horse batterz", stored));
  CHECK_FALSE(VerifyPassword("Correct horse battery", stored));
  CHECK_FALSE(VerifyPassword("correct horse battery ", stored));
  CHECK_FALSE(VerifyPassword("", stored));
}

TEST_CASE("crypto: HashPassword is deterministic for the same random bytes", "[crypto]") {
  FakeRandom a(3), b(3);
  CHECK(HashPassword("correct horse battery", a, Fast()) ==
        HashPassword("correct horse battery", b, Fast()));
}

TEST_CASE("crypto: salts differ with different random bytes", "[crypto]") {
  FakeRandom a(3), b(99);
  std::string first = HashPassword("correct horse battery", a, Fast());
  std::string second = HashPassword("correct horse battery", b, Fast());
  auto p1 = Split(first, '$'), p2 = Split(second, '$');
  REQUIRE(p1.size() == 6);
  REQUIRE(p2.size() == 6);
  CHECK(p1[4] != p2[4]);
  CHECK(p1[5] != p2[5]);
  CHECK(VerifyPassword("correct horse battery", first));
  CHECK(VerifyPassword("correct horse battery", second));
}

TEST_CASE("crypto: VerifyPassword rejects a tampered hash, salt or parameter", "[crypto]") {
  FakeRandom random(11);
  std::string stored = HashPassword("correct horse battery", random, Fast());
  auto parts = Split(stored, '$');
  REQUIRE(parts.size() == 6);

  auto hash = parts;
  hash[5] = Flip(hash[5], 10);
  CHECK_FALSE(VerifyPassword("correct horse battery", Join(hash)));

  auto first = parts;
  first[5] = Flip(first[5], 0);
  CHECK_FALSE(VerifyPassword("correct horse battery", Join(first)));

  auto salt = parts;
  salt[4] = Flip(salt[4], 3);
  CHECK_FALSE(VerifyPassword("correct horse battery", Join(salt)));

  auto n = parts;
  n[1] = "2048";
  CHECK_FALSE(VerifyPassword("correct horse battery", Join(n)));

  auto r = parts;
  r[2] = "4";
  CHECK_FALSE(VerifyPassword("correct horse battery", Join(r)));
}

TEST_CASE("crypto: VerifyPassword returns false for malformed stored strings", "[crypto]") {
  FakeRandom random(5);
  std::string stored = HashPassword("correct horse battery", random, Fast());
  auto parts = Split(stored, '$');
  REQUIRE(parts.size() == 6);
  const std::string salt = parts[4], hash = parts[5];

  std::vector<std::string> malformed = {
      "",
      "scrypt",
      "$$$$$",
      "bcrypt$1024$8$1$" + salt + "$" + hash,
      "scrypt$1024$8$1$" + salt,
      "scrypt$1024$8$1$" + salt + "$" + hash + "$extra",
      "scrypt$x$8$1$" + salt + "$" + hash,
      "scrypt$1024$x$1$" + salt + "$" + hash,
      "scrypt$1024$8$x$" + salt + "$" + hash,
      "scrypt$$8$1$" + salt + "$" + hash,
      "scrypt$1024$8$1$" + salt + "!$" + hash,
      "scrypt$1024$8$1$" + salt + "$" + hash + "=",
      "scrypt$1024$8$1$" + salt + "$" + hash.substr(0, 20),  // too short a hash
      "scrypt$1024$8$1$" + salt + "$",
      // Parameters scrypt itself refuses, or that would need absurd memory.
      "scrypt$1000$8$1$" + salt + "$" + hash,  // N not a power of two
      "scrypt$0$8$1$" + salt + "$" + hash,
      "scrypt$1$8$1$" + salt + "$" + hash,
      "scrypt$1024$0$1$" + salt + "$" + hash,
      "scrypt$1024$8$0$" + salt + "$" + hash,
      "scrypt$-1024$8$1$" + salt + "$" + hash,
      "scrypt$ 1024$8$1$" + salt + "$" + hash,
      "scrypt$18446744073709551615$8$1$" + salt + "$" + hash,
      "scrypt$99999999999999999999999$8$1$" + salt + "$" + hash,
      "scrypt$1099511627776$8$1$" + salt + "$" + hash,  // 2^40
      "scrypt$131072$1$1$" + salt + "$" + hash,         // N must be below 2^(16 r)
      "scrypt$1024$4294967297$1$" + salt + "$" + hash,  // r wraps to 1 in 32 bits
      "scrypt$1024$8$4294967297$" + salt + "$" + hash,
  };
  for (const auto& s : malformed) {
    INFO("stored: " << s);
    bool ok = true;
    CHECK_NOTHROW(ok = VerifyPassword("correct horse battery", s));
    CHECK_FALSE(ok);
  }
}

TEST_CASE("crypto: NewSecret has the prefix and 256 random bits in base64url", "[crypto]") {
  FakeRandom random(42);
  std::string token = NewSecret(random, "pt_");
  CHECK(token.rfind("pt_", 0) == 0);
  CHECK(token.size() == 3 + 43);
  auto bytes = Base64UrlDecode(token.substr(3));
  REQUIRE(bytes);
  CHECK(bytes->size() == 32);
  FakeRandom same(42);
  CHECK(*bytes == same.Bytes(32));

  std::string key = NewSecret(random, "pak_");
  CHECK(key.rfind("pak_", 0) == 0);
  CHECK(key.size() == 4 + 43);
  CHECK(key.substr(4) != token.substr(3));
}

TEST_CASE("crypto: Sha256Hex matches the FIPS 180-2 vectors", "[crypto]") {
  CHECK(Sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256("abc").size() == 32);
  CHECK(HexEncode(Sha256("abc")) == Sha256Hex("abc"));
}

}  // namespace parcours
