// Verification codes and document hashes.
#include <openssl/evp.h>

#include <stdexcept>

#include "certificates/certificates.h"

namespace parcours::certificates {
namespace {

constexpr std::size_t kCodeSymbols = 16;
constexpr std::size_t kGroupSize = 4;

}  // namespace

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("SHA-256 failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

std::string NewVerificationCode(const std::function<std::string(std::size_t)>& random_bytes) {
  const auto alphabet_size = static_cast<unsigned>(kVerificationAlphabet.size());
  // Bytes at or above the largest multiple of the alphabet size are rejected, so that every
  // symbol is equally likely (a plain modulo would favour the first symbols).
  const unsigned limit = 256 - 256 % alphabet_size;
  std::string symbols;
  while (symbols.size() < kCodeSymbols) {
    const std::string pool = random_bytes(kCodeSymbols * 2);
    for (unsigned char byte : pool) {
      if (byte >= limit) continue;
      symbols += kVerificationAlphabet[byte % alphabet_size];
      if (symbols.size() == kCodeSymbols) break;
    }
  }
  std::string code;
  for (std::size_t i = 0; i < kCodeSymbols; ++i) {
    if (i > 0 && i % kGroupSize == 0) code += '-';
    code += symbols[i];
  }
  return code;
}

bool IsWellFormedVerificationCode(const std::string& code) {
  constexpr std::size_t kLength = kCodeSymbols + kCodeSymbols / kGroupSize - 1;
  if (code.size() != kLength) return false;
  for (std::size_t i = 0; i < code.size(); ++i) {
    if ((i + 1) % (kGroupSize + 1) == 0) {
      if (code[i] != '-') return false;
    } else if (kVerificationAlphabet.find(code[i]) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

}  // namespace parcours::certificates
