// Unit tests of src/http/client_address: which address is the client's behind a reverse
// proxy. X-Forwarded-For is believed only from a trusted peer, and only as far as trusted hops go.
#include "http/client_address.h"

#include <catch2/catch.hpp>
#include <string>

namespace parcours::http {
namespace {

TrustedProxies Proxies(const std::string& list) {
  std::string error;
  auto t = ParseTrustedProxies(list, error);
  REQUIRE(t);
  return *t;
}

}  // namespace

TEST_CASE("client_address: without trusted proxies X-Forwarded-For is ignored", "[client_address]") {
  TrustedProxies none;
  CHECK(none.ClientAddress("203.0.113.7", std::string("198.51.100.1")) == "203.0.113.7");
  CHECK(none.ClientAddress("127.0.0.1", std::string("198.51.100.1")) == "127.0.0.1");
}

TEST_CASE("client_address: a trusted proxy's X-Forwarded-For names the client", "[client_address]") {
  auto t = Proxies("127.0.0.1, ::1");
  CHECK(t.ClientAddress("127.0.0.1", std::string("198.51.100.1")) == "198.51.100.1");
  CHECK(t.ClientAddress("::1", std::string("2001:db8::5")) == "2001:db8::5");
  // No header: the peer.
  CHECK(t.ClientAddress("127.0.0.1", std::nullopt) == "127.0.0.1");
}

TEST_CASE("client_address: an untrusted peer cannot choose its address with the header", "[client_address]") {
  auto t = Proxies("127.0.0.1");
  CHECK(t.ClientAddress("203.0.113.7", std::string("198.51.100.1")) == "203.0.113.7");
}

TEST_CASE("client_address: what the client wrote left of the proxy's entry is not believed", "[client_address]") {
  auto t = Proxies("10.0.0.0/8,127.0.0.1");
  // The client sent "X-Forwarded-For: 1.2.3.4"; nginx appended the address it saw.
  CHECK(t.ClientAddress("127.0.0.1", std::string("1.2.3.4, 198.51.100.9")) == "198.51.100.9");
  // Two trusted hops (a load balancer in 10/8, then nginx): the first untrusted from the right.
  CHECK(t.ClientAddress("127.0.0.1", std::string("1.2.3.4, 198.51.100.9, 10.1.2.3")) == "198.51.100.9");
  // Every hop trusted: the left-most.
  CHECK(t.ClientAddress("127.0.0.1", std::string("10.0.0.5, 10.1.2.3")) == "10.0.0.5");
}

TEST_CASE("client_address: a malformed entry ends the walk at the last address believed", "[client_address]") {
  auto t = Proxies("127.0.0.1");
  CHECK(t.ClientAddress("127.0.0.1", std::string("garbage")) == "127.0.0.1");
  CHECK(t.ClientAddress("127.0.0.1", std::string("198.51.100.1, unknown")) == "127.0.0.1");
  CHECK(t.ClientAddress("127.0.0.1", std::string("")) == "127.0.0.1");
}

TEST_CASE("client_address: networks match IPv4, IPv6 and IPv4-mapped addresses", "[client_address]") {
  auto t = Proxies("192.168.0.0/16,fd00::/8");
  CHECK(t.Trusts("192.168.4.20"));
  CHECK(t.Trusts("::ffff:192.168.4.20"));
  CHECK_FALSE(t.Trusts("192.169.0.1"));
  CHECK(t.Trusts("fd12:3456::1"));
  CHECK_FALSE(t.Trusts("fe80::1"));
  CHECK_FALSE(t.Trusts("not-an-address"));
}

TEST_CASE("client_address: bad entries in the list are refused with their text", "[client_address]") {
  std::string error;
  CHECK_FALSE(ParseTrustedProxies("127.0.0.1, localhost", error));
  CHECK(error.find("'localhost'") != std::string::npos);
  CHECK_FALSE(ParseTrustedProxies("10.0.0.0/33", error));
  CHECK_FALSE(ParseTrustedProxies("::1/129", error));
  CHECK(ParseTrustedProxies("", error));
}

}  // namespace parcours::http
