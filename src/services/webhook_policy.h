#pragma once
// Which URLs a webhook may call. An agency chooses its webhook URLs and the server POSTs to
// them from inside the operator's network: unchecked, an agency key could make the server
// call the cloud metadata service, the database port or any private host (SSRF). So:
// - https:// only; http:// only to hosts the operator lists (--webhook-allow-hosts);
// - no userinfo and no fragment; the host is a DNS name or an IP literal in its one
//   canonical form (no 127.1, 0x7f.0.0.1, 2130706433: resolvers read them as addresses);
// - an IP literal or a "localhost" name that is not on the public Internet (loopback,
//   private, link-local, CGNAT, multicast, documentation, unique-local, unspecified, and the
//   IPv4-mapped or NAT64 forms of those) only when the operator lists that host.
// The check runs when a webhook is registered and again before every delivery; at delivery
// the address a name resolves to is checked as well (MayConnect), since DNS can change.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace parcours {

struct IpAddress {
  bool v6 = false;
  std::array<unsigned char, 16> bytes{};  // an IPv4 address in the first four
  // A dotted quad with no leading zeros, or an IPv6 address (no brackets, no zone).
  static std::optional<IpAddress> Parse(std::string_view text);
  std::string ToString() const;
  bool operator==(const IpAddress&) const = default;
};

// True for globally reachable unicast addresses; false for every special-purpose range a
// server must not be made to call (see the file comment). IPv6 forms that embed an IPv4
// address (::ffff:a.b.c.d, 64:ff9b::/96, 2002::/16) are judged by that address.
bool IsPublicAddress(const IpAddress& a);

struct WebhookUrl {
  std::string scheme;           // "http" or "https"
  std::string host;             // lower case, no trailing dot; an IPv6 literal without brackets
  int port = 0;                 // 0: the scheme's default
  std::optional<IpAddress> ip;  // set when the host is an IP literal
};

class WebhookUrlPolicy {
 public:
  // nullopt when `entry` can be listed: a DNS name or an IP address (IPv6 with or without
  // brackets); else what is wrong with it.
  static std::optional<std::string> CheckAllowEntry(std::string_view entry);

  WebhookUrlPolicy() = default;
  // Entries must pass CheckAllowEntry (the configuration checks them): throws
  // std::invalid_argument otherwise.
  explicit WebhookUrlPolicy(const std::vector<std::string>& allow_hosts);

  // The URL's parts when a webhook may call it; else why not (one sentence).
  Expected<WebhookUrl, std::string> Check(std::string_view url) const;
  bool AllowListed(const WebhookUrl& url) const;
  // At connection time: may a delivery to `url` connect to `address`? Listed hosts may use
  // any address; others only public ones.
  bool MayConnect(const WebhookUrl& url, const IpAddress& address) const;

 private:
  std::vector<std::string> names_;
  std::vector<IpAddress> addresses_;
};

}  // namespace parcours
