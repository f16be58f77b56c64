#include "services/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <optional>
#include <stdexcept>
#include <vector>

#include "common/text.h"

namespace parcours {
namespace {

constexpr std::size_t kHashBytes = 32;

std::string Scrypt(std::string_view password, std::string_view salt, const ScryptParams& p) {
  std::string out(kHashBytes, '\0');
  // maxmem must cover 128 * r * N bytes, plus slack.
  std::uint64_t maxmem = 128ull * p.r * p.n + (1u << 20);
  if (EVP_PBE_scrypt(password.data(), password.size(),
                     reinterpret_cast<const unsigned char*>(salt.data()), salt.size(), p.n, p.r,
                     p.p, maxmem, reinterpret_cast<unsigned char*>(out.data()), out.size()) != 1)
    throw std::runtime_error("scrypt failed");
  return out;
}

// A stored hash whose parameters scrypt would refuse, or that would need more memory than
// the largest configurable setting (N = 2^20, r = 8: 1 GiB), is malformed, not a failure.
constexpr std::uint64_t kMaxStoredScryptMemory = 1ull << 30;  // 128 * r * N bytes
constexpr std::uint64_t kMaxStoredScryptP = 16;

// Digits only (no sign, no blanks), within [min, max].
std::optional<std::uint64_t> ParseParam(std::string_view s, std::uint64_t min,
                                        std::uint64_t max) {
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < min || v > max)
    return std::nullopt;
  return v;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return parts;
}

}  // namespace

std::string HashPassword(std::string_view password, RandomSource& random,
                         const ScryptParams& p) {
  std::string salt = random.Bytes(16);
  return "scrypt$" + std::to_string(p.n) + "$" + std::to_string(p.r) + "$" +
         std::to_string(p.p) + "$" + Base64UrlEncode(salt) + "$" +
         Base64UrlEncode(Scrypt(password, salt, p));
}

bool VerifyPassword(std::string_view password, std::string_view stored) {
  auto parts = Split(stored, '$');
  if (parts.size() != 6 || parts[0] != "scrypt") return false;
  auto n = ParseParam(parts[1], 2, kMaxStoredScryptMemory / 128);
  auto r = ParseParam(parts[2], 1, kMaxStoredScryptMemory / 128 / 2);
  auto pp = ParseParam(parts[3], 1, kMaxStoredScryptP);
  if (!n || !r || !pp || (*n & (*n - 1)) != 0 || 128 * *r * *n > kMaxStoredScryptMemory)
    return false;
  if (16 * *r < 64 && *n >= (1ull << (16 * *r))) return false;  // scrypt needs N < 2^(16 r)
  ScryptParams p;
  p.n = *n;
  p.r = static_cast<std::uint32_t>(*r);
  p.p = static_cast<std::uint32_t>(*pp);
  auto salt = Base64UrlDecode(parts[4]);
  auto expected = Base64UrlDecode(parts[5]);
  if (!salt || !expected || expected->size() != kHashBytes) return false;
  std::string actual = Scrypt(password, *salt, p);
  return CRYPTO_memcmp(actual.data(), expected->data(), kHashBytes) == 0;
}

std::string Sha256(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1)
    throw std::runtime_error("sha256 failed");
  return std::string(reinterpret_cast<char*>(md), len);
}

std::string Sha256Hex(std::string_view data) { return HexEncode(Sha256(data)); }

std::string NewSecret(RandomSource& random, std::string_view prefix) {
  return std::string(prefix) + Base64UrlEncode(random.Bytes(32));
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string HmacSha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), mac, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(mac), len);
}

}  // namespace parcours
