#include "services/webhook_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <stdexcept>

namespace parcours {
namespace {

constexpr std::size_t kMaxUrl = 2000;

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// WHATWG's "ends in a number": a host whose last label is decimal or 0x-hex is an IPv4
// address to every resolver (inet_aton reads 127.1, 0x7f.1 and 2130706433 as 127.0.0.1).
bool LooksNumeric(std::string_view label) {
  if (AllDigits(label)) return true;
  if (label.size() >= 2 && label[0] == '0' && (label[1] == 'x' || label[1] == 'X'))
    return std::all_of(label.begin() + 2, label.end(), [](unsigned char c) { return std::isxdigit(c); });
  return false;
}

// A DNS host name in lower case without its trailing dot, or why `text` is not one.
Expected<std::string, std::string> HostName(std::string_view text) {
  std::string host = Lower(text);
  if (!host.empty() && host.back() == '.') host.pop_back();
  if (host.empty() || host.size() > 253) return Fail(std::string("has no valid host name"));
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label = std::string_view(host).substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    const bool ok = !label.empty() && label.size() <= 63 && label.front() != '-' && label.back() != '-' &&
                    std::all_of(label.begin(), label.end(),
                                [](unsigned char c) { return std::isdigit(c) || (c >= 'a' && c <= 'z') || c == '-'; });
    if (!ok)
      return Fail(std::string("has an invalid host name (letters, digits and '-' in dot-separated labels of "
                              "at most 63 characters; internationalised names in their xn-- form)"));
    if (dot == std::string::npos) {
      if (LooksNumeric(label)) return Fail(std::string("writes an IPv4 address in a form other than four decimal numbers"));
      return host;
    }
    start = dot + 1;
  }
}

bool IsLocalhostName(const std::string& host) {
  return host == "localhost" || (host.size() > 10 && host.ends_with(".localhost"));
}

bool InV4(std::uint32_t a, std::uint32_t net, int bits) {
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a & mask) == net;
}

constexpr std::uint32_t V4(unsigned a, unsigned b, unsigned c, unsigned d) { return (a << 24) | (b << 16) | (c << 8) | d; }

bool IsPublicV4(const unsigned char* p) {
  const std::uint32_t a = V4(p[0], p[1], p[2], p[3]);
  // RFC 6890 and its updates: the special-purpose ranges that are not globally reachable.
  static constexpr struct {
    std::uint32_t net;
    int bits;
  } kSpecial[] = {
      {V4(0, 0, 0, 0), 8},        // "this network", 0.0.0.0 unspecified
      {V4(10, 0, 0, 0), 8},       // private
      {V4(100, 64, 0, 0), 10},    // shared address space (CGNAT)
      {V4(127, 0, 0, 0), 8},      // loopback
      {V4(169, 254, 0, 0), 16},   // link-local (cloud metadata services live here)
      {V4(172, 16, 0, 0), 12},    // private
      {V4(192, 0, 0, 0), 24},     // IETF protocol assignments
      {V4(192, 0, 2, 0), 24},     // documentation TEST-NET-1
      {V4(192, 88, 99, 0), 24},   // 6to4 relay anycast (deprecated)
      {V4(192, 168, 0, 0), 16},   // private
      {V4(198, 18, 0, 0), 15},    // benchmarking
      {V4(198, 51, 100, 0), 24},  // documentation TEST-NET-2
      {V4(203, 0, 113, 0), 24},   // documentation TEST-NET-3
      {V4(224, 0, 0, 0), 4},      // multicast
      {V4(240, 0, 0, 0), 4},      // reserved, and 255.255.255.255 broadcast
  };
  return std::none_of(std::begin(kSpecial), std::end(kSpecial), [&](const auto& r) { return InV4(a, r.net, r.bits); });
}

bool StartsWith(const std::array<unsigned char, 16>& b, std::initializer_list<unsigned char> prefix) {
  return std::equal(prefix.begin(), prefix.end(), b.begin());
}

}  // namespace

std::optional<IpAddress> IpAddress::Parse(std::string_view text) {
  if (text.empty() || text.size() > 45) return std::nullopt;
  const std::string s(text);
  IpAddress a;
  if (s.find(':') != std::string::npos) {
    a.v6 = true;
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
    return a;
  }
  // glibc's inet_pton takes exactly four decimal parts without leading zeros.
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) != 1) return std::nullopt;
  return a;
}

std::string IpAddress::ToString() const {
  char out[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), out, sizeof out);
  return out;
}

bool IsPublicAddress(const IpAddress& a) {
  if (!a.v6) return IsPublicV4(a.bytes.data());
  const auto& b = a.bytes;
  // Forms that carry an IPv4 address are judged by it: IPv4-mapped ::ffff:0:0/96, the NAT64
  // well-known prefix 64:ff9b::/96, 6to4 2002::/16.
  if (StartsWith(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff})) return IsPublicV4(b.data() + 12);
  if (StartsWith(b, {0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})) return IsPublicV4(b.data() + 12);
  if (StartsWith(b, {0x20, 0x02})) return IsPublicV4(b.data() + 2);
  // Only global unicast (2000::/3) is public; that leaves out ::, ::1, IPv4-compatible ::/96,
  // discard 100::/64, local NAT64 64:ff9b:1::/48, unique-local fc00::/7, link-local fe80::/10,
  // site-local fec0::/10 and multicast ff00::/8. Within it, a few ranges are not reachable:
  if ((b[0] & 0xe0) != 0x20) return false;
  if (b[0] == 0x20 && b[1] == 0x01 && (b[2] & 0xfe) == 0x00) return false;  // 2001::/23 IETF (Teredo...)
  if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8) return false;  // 2001:db8::/32 documentation
  if (b[0] == 0x3f && b[1] == 0xff && (b[2] & 0xf0) == 0x00) return false;  // 3fff::/20 documentation
  if (b[0] == 0x5f && b[1] == 0x00) return false;                           // 5f00::/16 SRv6 SIDs
  return true;
}

std::optional<std::string> WebhookUrlPolicy::CheckAllowEntry(std::string_view entry) {
  std::string_view e = entry;
  if (e.size() >= 2 && e.front() == '[' && e.back() == ']') e = e.substr(1, e.size() - 2);
  if (e.empty()) return "an empty entry";
  if (e.find(':') != std::string_view::npos) {
    if (!IpAddress::Parse(e)) return "'" + std::string(entry) + "' is not a host name or an IP address";
    return std::nullopt;
  }
  if (IpAddress::Parse(e)) return std::nullopt;
  if (auto name = HostName(e); !name) return "'" + std::string(entry) + "' " + name.error();
  return std::nullopt;
}

WebhookUrlPolicy::WebhookUrlPolicy(const std::vector<std::string>& allow_hosts) {
  for (const auto& entry : allow_hosts) {
    if (auto error = CheckAllowEntry(entry)) throw std::invalid_argument("webhook allow-list: " + *error);
    std::string_view e = entry;
    if (e.front() == '[') e = e.substr(1, e.size() - 2);
    if (auto ip = IpAddress::Parse(e)) addresses_.push_back(*ip);
    else names_.push_back(*HostName(e));
  }
}

Expected<WebhookUrl, std::string> WebhookUrlPolicy::Check(std::string_view url) const {
  if (url.size() > kMaxUrl) return Fail(std::string("is longer than 2000 characters"));
  for (unsigned char c : url)
    if (c <= 0x20 || c >= 0x7f || std::strchr("\"<>\\^`{|}", c))
      return Fail(std::string("holds a character a URL may not (space, quote, backslash, <, >, non-ASCII...)"));
  const std::size_t sep = url.find("://");
  WebhookUrl u;
  u.scheme = Lower(url.substr(0, sep == std::string_view::npos ? 0 : sep));
  if (sep == std::string_view::npos || (u.scheme != "https" && u.scheme != "http"))
    return Fail(std::string("must be an https:// URL"));
  if (url.find('#') != std::string_view::npos) return Fail(std::string("may not have a fragment (#...)"));
  const std::string_view rest = url.substr(sep + 3);
  const std::string_view authority = rest.substr(0, rest.find_first_of("/?"));
  if (authority.find('@') != std::string_view::npos)
    return Fail(std::string("may not carry a user name or password (user@host)"));

  std::string_view port;
  if (!authority.empty() && authority.front() == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) return Fail(std::string("has an unterminated IPv6 address"));
    auto ip = IpAddress::Parse(authority.substr(1, close - 1));
    if (!ip || !ip->v6) return Fail(std::string("has an invalid IPv6 address (no zone, no IPv4 in brackets)"));
    u.ip = ip;
    u.host = ip->ToString();
    port = authority.substr(close + 1);
  } else {
    const std::size_t colon = authority.find(':');
    const std::string_view host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon);
    if (host.empty()) return Fail(std::string("has no host"));
    if (auto ip = IpAddress::Parse(host)) {
      u.ip = ip;
      u.host = ip->ToString();
    } else {
      auto name = HostName(host);
      if (!name) return Fail(name.error());
      u.host = *name;
    }
  }
  if (!port.empty()) {
    const std::string_view digits = port.substr(1);
    if (port.front() != ':' || !AllDigits(digits) || digits.size() > 5) return Fail(std::string("has an invalid port"));
    u.port = std::stoi(std::string(digits));
    if (u.port < 1 || u.port > 65535) return Fail(std::string("has an invalid port (1 to 65535)"));
  }

  if (AllowListed(u)) return u;
  if (u.scheme != "https")
    return Fail(std::string("must be an https:// URL (http:// only to hosts the operator allows)"));
  if (u.ip && !IsPublicAddress(*u.ip))
    return Fail("points to " + u.host + ", an address outside the public Internet");
  if (IsLocalhostName(u.host)) return Fail(std::string("points to this machine (localhost)"));
  return u;
}

bool WebhookUrlPolicy::AllowListed(const WebhookUrl& url) const {
  if (url.ip) return std::find(addresses_.begin(), addresses_.end(), *url.ip) != addresses_.end();
  return std::find(names_.begin(), names_.end(), url.host) != names_.end();
}

bool WebhookUrlPolicy::MayConnect(const WebhookUrl& url, const IpAddress& address) const {
  return AllowListed(url) || IsPublicAddress(address);
}

}  // namespace parcours
