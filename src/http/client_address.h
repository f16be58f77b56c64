#pragma once
// Who the client is when Parcours sits behind a reverse proxy. The address used for sign-up
// pacing, login throttling and anonymous Idempotency-Key scopes comes from X-Forwarded-For
// only when the TCP peer is a trusted proxy (PARCOURS_TRUSTED_PROXIES); otherwise a client
// could name any address it likes and escape every per-address limit.
#include <array>
#include <optional>
#include <string>
#include <vector>

namespace parcours::http {

// An address or network, "127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8" (IPv4-mapped IPv6
// addresses match the IPv4 networks).
class AddressRange {
 public:
  static std::optional<AddressRange> Parse(const std::string& text);
  bool Contains(const std::string& address) const;

 private:
  std::array<unsigned char, 16> net_{};  // IPv4 as IPv4-mapped IPv6
  int prefix_ = 128;
};

class TrustedProxies {
 public:
  TrustedProxies() = default;
  explicit TrustedProxies(std::vector<AddressRange> ranges) : ranges_(std::move(ranges)) {}
  bool Trusts(const std::string& peer) const;
  bool empty() const { return ranges_.empty(); }
  // The client's address: `peer` itself unless it is trusted and X-Forwarded-For is given;
  // then the right-most entry of the header that is not a trusted proxy (proxies append the
  // address they saw), or the left-most when every entry is trusted. A malformed entry ends
  // the walk: what stands left of it cannot be believed, so the last address believed is used.
  std::string ClientAddress(const std::string& peer, const std::optional<std::string>& forwarded_for) const;

 private:
  std::vector<AddressRange> ranges_;
};

// Parses a comma-separated list of addresses and networks; nullopt names the bad entry in `error`.
std::optional<TrustedProxies> ParseTrustedProxies(const std::string& list, std::string& error);

}  // namespace parcours::http
