#include "http/client_address.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

#include "common/text.h"

namespace parcours::http {
namespace {

// IPv4 (as IPv4-mapped IPv6) or IPv6; `is_v4` tells which was written.
std::optional<std::array<unsigned char, 16>> ParseIp(std::string text, bool& is_v4) {
  if (text.size() > 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  std::array<unsigned char, 16> out{};
  in_addr v4{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, &v4, 4);
    is_v4 = true;
    return out;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    std::memcpy(out.data(), &v6, 16);
    is_v4 = false;
    return out;
  }
  return std::nullopt;
}

}  // namespace

std::optional<AddressRange> AddressRange::Parse(const std::string& text) {
  const auto slash = text.find('/');
  bool v4 = false;
  auto ip = ParseIp(text.substr(0, slash), v4);
  if (!ip) return std::nullopt;
  AddressRange r;
  r.net_ = *ip;
  r.prefix_ = 128;
  if (slash != std::string::npos) {
    auto bits = ParseId(text.substr(slash + 1));
    const long max = v4 ? 32 : 128;
    if (!bits || *bits > max) return std::nullopt;
    r.prefix_ = static_cast<int>(*bits) + (v4 ? 96 : 0);
  }
  // Clear the host bits so that Contains compares networks.
  for (int i = 0; i < 16; ++i) {
    const int keep = std::max(0, std::min(8, r.prefix_ - 8 * i));
    r.net_[i] &= static_cast<unsigned char>(keep == 0 ? 0 : 0xff << (8 - keep));
  }
  return r;
}

bool AddressRange::Contains(const std::string& address) const {
  bool v4 = false;
  auto ip = ParseIp(address, v4);
  if (!ip) return false;
  for (int i = 0; i < 16; ++i) {
    const int keep = std::max(0, std::min(8, prefix_ - 8 * i));
    const unsigned char mask = static_cast<unsigned char>(keep == 0 ? 0 : 0xff << (8 - keep));
    if (((*ip)[i] & mask) != net_[i]) return false;
  }
  return true;
}

bool TrustedProxies::Trusts(const std::string& peer) const {
  for (const auto& r : ranges_)
    if (r.Contains(peer)) return true;
  return false;
}

std::string TrustedProxies::ClientAddress(const std::string& peer,
                                          const std::optional<std::string>& forwarded_for) const {
  if (!forwarded_for || !Trusts(peer)) return peer;
  std::vector<std::string> hops;
  std::size_t start = 0;
  while (start <= forwarded_for->size()) {
    const std::size_t comma = std::min(forwarded_for->find(',', start), forwarded_for->size());
    hops.emplace_back(Trim(std::string_view(*forwarded_for).substr(start, comma - start)));
    start = comma + 1;
  }
  std::string client = peer;
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    bool v4 = false;
    if (!ParseIp(*it, v4)) break;
    client = *it;
    if (!Trusts(*it)) break;
  }
  return client;
}

std::optional<TrustedProxies> ParseTrustedProxies(const std::string& list, std::string& error) {
  std::vector<AddressRange> ranges;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string entry(Trim(std::string_view(list).substr(start, comma - start)));
    start = comma + 1;
    if (entry.empty()) continue;
    auto r = AddressRange::Parse(entry);
    if (!r) {
      error = "'" + entry + "' is not an IP address or network (e.g. 127.0.0.1, 10.0.0.0/8, ::1)";
      return std::nullopt;
    }
    ranges.push_back(*r);
  }
  return TrustedProxies(std::move(ranges));
}

}  // namespace parcours::http
