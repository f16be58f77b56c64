// Verification codes: unguessable (>= 60 bits) and human-typable.
#include <catch2/catch.hpp>

#include <cmath>
#include <openssl/rand.h>
#include <map>
#include <set>

#include "certificates/certificates.h"

namespace pc = parcours::certificates;

namespace {

std::string SecureBytes(std::size_t n) {
  std::string bytes(n, '\0');
  REQUIRE(RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), static_cast<int>(n)) == 1);
  return bytes;
}

}  // namespace

TEST_CASE("verification codes are 4 groups of 4 from an unambiguous alphabet") {
  const std::string code = pc::NewVerificationCode(SecureBytes);
  CHECK(code.size() == 19);
  CHECK(code[4] == '-');
  CHECK(code[9] == '-');
  CHECK(code[14] == '-');
  for (char ambiguous : std::string("01OILU")) {
    CHECK(pc::kVerificationAlphabet.find(ambiguous) == std::string_view::npos);
  }
  CHECK(16 * std::log2(pc::kVerificationAlphabet.size()) >= 60);
  CHECK(pc::IsWellFormedVerificationCode(code));
}

TEST_CASE("well-formedness") {
  CHECK(pc::IsWellFormedVerificationCode("K7QM-2XHP-9TRW-4CFD"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("K7QM2XHP9TRW4CFD"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("K7QM-2XHP-9TRW-4CF"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("K7QM-2XHP-9TRW-4CFDX"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("k7qm-2xhp-9trw-4cfd"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("K7QM-2XHP-9TRW-4CF0"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("K7QM-2XHP-9TRW-4CFO"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode("K7QM_2XHP-9TRW-4CFD"));
  CHECK_FALSE(pc::IsWellFormedVerificationCode(""));
}

TEST_CASE("10,000 codes are all distinct and use every symbol about equally") {
  std::set<std::string> seen;
  std::map<char, int> counts;
  for (int i = 0; i < 10000; ++i) {
    const std::string code = pc::NewVerificationCode(SecureBytes);
    REQUIRE(pc::IsWellFormedVerificationCode(code));
    seen.insert(code);
    for (char c : code) {
      if (c != '-') ++counts[c];
    }
  }
  CHECK(seen.size() == 10000);
  CHECK(counts.size() == pc::kVerificationAlphabet.size());
  const double expected = 160000.0 / static_cast<double>(pc::kVerificationAlphabet.size());
  for (const auto& [symbol, count] : counts) {
    INFO(symbol);
    CHECK(std::fabs(count - expected) < expected * 0.1);  // > 10 sigma for a uniform draw
  }
}

TEST_CASE("rejection sampling keeps codes uniform even with biased-looking bytes") {
  // Bytes at or above 232 (= 8 * 29) are skipped; a source emitting them first still yields
  // a code from the following bytes.
  int call = 0;
  const auto source = [&](std::size_t n) {
    ++call;
    return call == 1 ? std::string(n, '\xFF') : std::string(n, '\x00');
  };
  CHECK(pc::NewVerificationCode(source) == "2222-2222-2222-2222");
  CHECK(call == 2);
}
