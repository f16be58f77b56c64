// Unit tests of the webhook URL and address policy (src/services/webhook_policy): what an
// agency may register as a webhook, and which addresses a delivery may connect to.
#include "services/webhook_policy.h"

#include <catch2/catch.hpp>

namespace parcours {
namespace {

IpAddress Ip(const char* text) {
  auto a = IpAddress::Parse(text);
  INFO(text);
  REQUIRE(a.has_value());
  return *a;
}

bool Accepted(const WebhookUrlPolicy& policy, const std::string& url) {
  auto r = policy.Check(url);
  if (!r) UNSCOPED_INFO(url << ": " << r.error());
  return r.ok();
}

const WebhookUrlPolicy kNoList;
const WebhookUrlPolicy kListed({"127.0.0.1", "hooks.internal", "::1", "[fd00::5]"});

}  // namespace

TEST_CASE("webhook policy: https URLs to public hosts are accepted and split", "[webhook-policy]") {
  for (const char* url : {"https://sync.ifen.lu/parcours/events", "https://sync.ifen.lu:8443/hooks?x=1&y=%20",
                          "https://sync.ifen.lu", "https://93.184.216.34/", "https://[2001:4860:4860::8888]:443/x",
                          "https://a-b.c0.example/", "https://[::ffff:93.184.216.34]/"}) {
    INFO(url);
    CHECK(Accepted(kNoList, url));
  }
  auto u = kNoList.Check("HTTPS://Sync.IFEN.lu.:8443/Path?Q=1");
  REQUIRE(u.ok());
  CHECK(u->scheme == "https");
  CHECK(u->host == "sync.ifen.lu");
  CHECK(u->port == 8443);
  CHECK_FALSE(u->ip.has_value());
  auto v6 = kNoList.Check("https://[2001:4860:4860:0:0:0:0:8888]/");
  REQUIRE(v6.ok());
  CHECK(v6->host == "2001:4860:4860::8888");
  REQUIRE(v6->ip.has_value());
  CHECK(v6->port == 0);
}

TEST_CASE("webhook policy: http only to listed hosts", "[webhook-policy]") {
  CHECK_FALSE(Accepted(kNoList, "http://sync.ifen.lu/hooks"));
  CHECK_FALSE(Accepted(kNoList, "http://93.184.216.34/"));
  CHECK(Accepted(kListed, "http://127.0.0.1:8080/hooks/parcours"));
  CHECK(Accepted(kListed, "http://hooks.internal/x"));
  CHECK(Accepted(kListed, "http://HOOKS.Internal./x"));
  CHECK(Accepted(kListed, "http://[::1]:9000/"));
  CHECK(Accepted(kListed, "http://[0:0:0:0:0:0:0:1]/"));  // the same address written out
  CHECK(Accepted(kListed, "https://[fd00::5]/"));
  CHECK_FALSE(Accepted(kListed, "http://127.0.0.2/"));
  CHECK_FALSE(Accepted(kListed, "http://sub.hooks.internal/"));  // names match exactly
  CHECK_FALSE(Accepted(kListed, "http://localhost/"));
  CHECK_FALSE(Accepted(kListed, "http://sync.ifen.lu/"));
}

TEST_CASE("webhook policy: other schemes and malformed URLs are refused", "[webhook-policy]") {
  for (const char* url :
       {"", "ftp://example.lu/x", "file:///etc/passwd", "gopher://example.lu/", "example.lu/x", "https://",
        "https:///x", "https:/example.lu", "//example.lu/x", "https://exa_mple.lu/", "https://ex%61mple.lu/",
        "https://exämple.lu/", "https://a..b.lu/", "https://-a.lu/", "https://a-.lu/", "https://.lu/",
        "https://example.lu /x", "https://example.lu\\@evil.lu/", "https://example.lu/\x01",
        "https://example.lu/\"x\"", "https://example.lu/<x>", "https://[::1", "https://[::1]junk/",
        "https://[1.2.3.4]/", "https://[fe80::1%25eth0]/", "https://[zz::1]/", "https://example.lu:/",
        "https://example.lu:0/", "https://example.lu:65536/", "https://example.lu:80a/",
        "https://example.lu:99999999999/", "https://example.lu:1:2/"}) {
    INFO(url);
    CHECK_FALSE(Accepted(kNoList, url));
    CHECK_FALSE(Accepted(kListed, url));
  }
  CHECK_FALSE(Accepted(kNoList, "https://example.lu/" + std::string(2000, 'a')));
  CHECK_FALSE(Accepted(kNoList, "https://" + std::string(64, 'a') + ".lu/"));  // a label of 64
  CHECK(Accepted(kNoList, "https://" + std::string(63, 'a') + ".lu/"));
}

TEST_CASE("webhook policy: userinfo and fragments are refused, even for listed hosts", "[webhook-policy]") {
  for (const char* url : {"https://user:pw@example.lu/", "https://user@example.lu/", "https://example.lu@evil.lu/",
                          "https://:@example.lu/", "http://u@127.0.0.1/", "https://example.lu/x#frag",
                          "https://example.lu/#", "http://127.0.0.1/#x"}) {
    INFO(url);
    CHECK_FALSE(Accepted(kNoList, url));
    CHECK_FALSE(Accepted(kListed, url));
  }
  auto r = kNoList.Check("https://user:pw@example.lu/");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("user") != std::string::npos);
}

TEST_CASE("webhook policy: IP literals outside the public Internet are refused unless listed", "[webhook-policy]") {
  for (const char* url :
       {"https://169.254.169.254/latest/meta-data", "https://127.0.0.1/", "https://127.255.0.9:3306/",
        "https://10.0.0.1/", "https://172.16.0.1/", "https://172.31.255.255/", "https://192.168.1.1/",
        "https://100.64.0.1/", "https://100.127.255.254/", "https://0.0.0.0/", "https://0.1.2.3/",
        "https://224.0.0.1/", "https://239.255.255.250/", "https://240.0.0.1/", "https://255.255.255.255/",
        "https://192.0.2.1/", "https://198.51.100.7/", "https://203.0.113.9/", "https://198.18.0.1/",
        "https://192.0.0.8/", "https://[::1]/", "https://[::]/", "https://[fe80::1]/", "https://[febf::1]/",
        "https://[fd00::1]/", "https://[fc00::1]/", "https://[ff02::1]/", "https://[2001:db8::1]/",
        "https://[3fff::1]/", "https://[fec0::1]/", "https://[100::1]/", "https://[::ffff:127.0.0.1]/",
        "https://[::ffff:7f00:1]/", "https://[::ffff:10.0.0.1]/", "https://[::ffff:169.254.169.254]/",
        "https://[::127.0.0.1]/", "https://[64:ff9b::a9fe:a9fe]/", "https://[64:ff9b:1::1]/",
        "https://[2002:7f00:1::]/", "https://[2002:c0a8:101::1]/", "https://[2001::1]/"}) {
    INFO(url);
    CHECK_FALSE(Accepted(kNoList, url));
  }
  // Just outside the refused ranges.
  for (const char* url : {"https://172.15.255.255/", "https://172.32.0.1/", "https://100.63.255.255/",
                          "https://100.128.0.1/", "https://169.253.255.255/", "https://169.255.0.1/",
                          "https://11.0.0.1/", "https://223.255.255.255/", "https://192.0.3.1/",
                          "https://[2a00:1450:4001::200e]/", "https://[64:ff9b::5db8:d822]/",
                          "https://[2002:5db8:d822::1]/"}) {
    INFO(url);
    CHECK(Accepted(kNoList, url));
  }
  auto r = kNoList.Check("https://[fd00::1]/");
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().find("fd00::1") != std::string::npos);
}

TEST_CASE("webhook policy: localhost names and numeric host forms are refused", "[webhook-policy]") {
  for (const char* url : {"https://localhost/", "https://LOCALHOST./", "https://localhost:3306/",
                          "https://api.localhost/", "https://2130706433/", "https://0x7f000001/",
                          "https://0x7f.0.0.1/", "https://127.1/", "https://0177.0.0.1/", "https://127.0.0.01/",
                          "https://1.2.3.4.5/", "https://93.184.216.034/", "https://example.123/", "https://0x10/"}) {
    INFO(url);
    CHECK_FALSE(Accepted(kNoList, url));
  }
  CHECK(Accepted(kNoList, "https://123.example/"));  // a digit-led label is a name
  CHECK(Accepted(kNoList, "https://localhost.example/"));
}

TEST_CASE("webhook policy: allow-list entries", "[webhook-policy]") {
  for (const char* ok : {"hooks.internal", "HOOKS.internal.", "127.0.0.1", "::1", "[::1]", "fd00::5", "a"}) {
    INFO(ok);
    CHECK_FALSE(WebhookUrlPolicy::CheckAllowEntry(ok).has_value());
  }
  for (const char* bad : {"", " ", "http://x", "a b", "127.1", "0x7f.0.0.1", "*.example", "host:8080",
                          "[::1", "fe80::1%eth0", "exa_mple", "u@host"}) {
    INFO(bad);
    CHECK(WebhookUrlPolicy::CheckAllowEntry(bad).has_value());
  }
  CHECK_THROWS_AS(WebhookUrlPolicy({"a b"}), std::invalid_argument);
}

TEST_CASE("webhook policy: at delivery, unlisted hosts connect to public addresses only", "[webhook-policy]") {
  auto named = kListed.Check("https://sync.ifen.lu/x");
  REQUIRE(named.ok());
  CHECK(kListed.MayConnect(*named, Ip("93.184.216.34")));
  CHECK(kListed.MayConnect(*named, Ip("2a00:1450:4001::200e")));
  for (const char* inside : {"127.0.0.1", "10.1.2.3", "169.254.169.254", "::1", "::ffff:127.0.0.1", "fd00::1",
                             "fe80::1", "0.0.0.0", "::"}) {
    INFO(inside);
    CHECK_FALSE(kListed.MayConnect(*named, Ip(inside)));
  }
  auto listed = kListed.Check("http://hooks.internal/x");
  REQUIRE(listed.ok());
  CHECK(kListed.MayConnect(*listed, Ip("10.1.2.3")));
  CHECK(kListed.MayConnect(*listed, Ip("127.0.0.1")));
}

TEST_CASE("webhook policy: addresses parse in canonical forms only and print back", "[webhook-policy]") {
  CHECK(Ip("192.0.2.1").ToString() == "192.0.2.1");
  CHECK(Ip("0:0:0:0:0:0:0:1").ToString() == "::1");
  CHECK(Ip("::ffff:7f00:1") == Ip("::ffff:127.0.0.1"));
  CHECK_FALSE(Ip("127.0.0.1").v6);
  CHECK(Ip("::1").v6);
  for (const char* bad : {"", "127.1", "127.0.0.01", "1.2.3.4.5", "256.1.1.1", "[::1]", "fe80::1%eth0", "::1::", "x"}) {
    INFO(bad);
    CHECK_FALSE(IpAddress::Parse(bad).has_value());
  }
  CHECK(IsPublicAddress(Ip("8.8.8.8")));
  CHECK_FALSE(IsPublicAddress(Ip("169.254.169.254")));
  CHECK_FALSE(IsPublicAddress(Ip("::ffff:169.254.169.254")));
  CHECK_FALSE(IsPublicAddress(Ip("100.64.0.0")));
  CHECK(IsPublicAddress(Ip("2606:4700:4700::1111")));
}

}  // namespace parcours
