#pragma once
// Password hashing (scrypt, memory-hard, per-user salt), token generation and SHA-256,
// over OpenSSL 3.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"

namespace parcours {

struct ScryptParams {
  std::uint64_t n = 1 << 15;  // 32 MiB with r = 8
  std::uint32_t r = 8;
  std::uint32_t p = 1;
};

// Encoded as "scrypt$N$r$p$salt$hash" (base64url) so parameters can change over time.
std::string HashPassword(std::string_view password, RandomSource& random, const ScryptParams& p);
// Constant-time comparison; false for malformed stored hashes.
bool VerifyPassword(std::string_view password, std::string_view stored);
std::string Sha256(std::string_view data);     // raw 32 bytes
std::string Sha256Hex(std::string_view data);  // 64 hex digits
// A bearer secret: 256 random bits, base64url, with a readable prefix ("pt_", "pak_").
std::string NewSecret(RandomSource& random, std::string_view prefix);
// HMAC-SHA256 of `data` under `key`: raw 32 bytes.
std::string HmacSha256(std::string_view key, std::string_view data);
// Equality whose time does not depend on where the inputs differ (tokens, CSRF).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace parcours
