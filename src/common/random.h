#pragma once
// Injected randomness: tokens, salts and keys come from here so tests can substitute it.
#include <cstddef>
#include <string>

namespace parcours {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `n` cryptographically strong random bytes.
  virtual std::string Bytes(std::size_t n) = 0;
};

}  // namespace parcours
