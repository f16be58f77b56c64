// The webhook sender (src/notify/webhook_sender) against receivers on loopback: it connects
// only where the URL policy allows, checks the address a name resolves to when it connects,
// follows no redirect and gives up at its timeouts. (In the api tier: it needs real sockets.)
#include <catch2/catch.hpp>

#include <chrono>

#include "notify/webhook_sender.h"
#include "webhook_receiver.h"

using namespace parcours;
using namespace parcours::testing;
using namespace std::chrono;

namespace {

const std::vector<std::pair<std::string, std::string>> kHeaders = {{"Content-Type", "application/json"}};

std::string Port(const WebhookReceiver& r) {
  const std::string url = r.Url();  // http://127.0.0.1:PORT/hooks/parcours
  const auto start = url.rfind(':') + 1;
  return url.substr(start, url.find('/', start) - start);
}

// A sender for which hooks.test resolves to the receiver's loopback address.
WebhookSenderSettings Resolving(const WebhookReceiver& r, std::vector<std::string> allow = {}) {
  WebhookSenderSettings s;
  s.policy = WebhookUrlPolicy(allow);
  s.resolve = {"hooks.test:" + Port(r) + ":127.0.0.1"};
  return s;
}

}  // namespace

TEST_CASE("webhook sender: a name that resolves to a private address is not connected to", "[api][webhook]") {
  WebhookReceiver receiver;
  CurlWebhookSender sender(Resolving(receiver));
  // https to a name passes the URL check; the address it resolves to (127.0.0.1) does not.
  auto error = sender.Post("https://hooks.test:" + Port(receiver) + "/x", "{}", kHeaders);
  REQUIRE(error.has_value());
  CHECK(error->find("127.0.0.1") != std::string::npos);
  CHECK(receiver.Connections() == 0);
}

TEST_CASE("webhook sender: a listed host is called over http at its private address", "[api][webhook]") {
  WebhookReceiver receiver;
  CurlWebhookSender by_name(Resolving(receiver, {"hooks.test"}));
  CHECK_FALSE(by_name.Post("http://hooks.test:" + Port(receiver) + "/x", "{\"a\":1}", kHeaders).has_value());
  CurlWebhookSender by_address(Resolving(receiver, {"127.0.0.1"}));
  CHECK_FALSE(by_address.Post(receiver.Url(), "{\"a\":2}", kHeaders).has_value());
  auto got = receiver.WaitFor(2);
  REQUIRE(got.size() == 2);
  CHECK(got[0].body == "{\"a\":1}");
}

TEST_CASE("webhook sender: a URL the policy refuses is never called", "[api][webhook]") {
  WebhookReceiver receiver;
  CurlWebhookSender sender(Resolving(receiver));  // nothing listed
  for (const std::string& url : {receiver.Url(), "http://hooks.test:" + Port(receiver) + "/x",
                                 "https://user@hooks.test:" + Port(receiver) + "/x",
                                 "https://127.0.0.1:" + Port(receiver) + "/x"}) {
    INFO(url);
    auto error = sender.Post(url, "{}", kHeaders);
    REQUIRE(error.has_value());
    CHECK(error->find("refused") != std::string::npos);
  }
  CHECK(receiver.Connections() == 0);
}

TEST_CASE("webhook sender: redirects are not followed", "[api][webhook]") {
  WebhookReceiver target;
  ReceiverBehaviour redirect;
  redirect.reply = "HTTP/1.1 307 Temporary Redirect\r\nLocation: " + target.Url() +
                   "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
  WebhookReceiver receiver(redirect);
  WebhookSenderSettings settings;
  settings.policy = WebhookUrlPolicy({"127.0.0.1"});
  CurlWebhookSender sender(settings);
  auto error = sender.Post(receiver.Url(), "{}", kHeaders);
  REQUIRE(error.has_value());
  CHECK(error->find("307") != std::string::npos);
  CHECK(target.Connections() == 0);
}

TEST_CASE("webhook sender: a slow receiver is given up at the total timeout", "[api][webhook]") {
  ReceiverBehaviour slow;
  slow.delay = milliseconds(1500);
  WebhookReceiver receiver(slow);
  WebhookSenderSettings settings;
  settings.policy = WebhookUrlPolicy({"127.0.0.1"});
  settings.total_timeout = milliseconds(300);
  CurlWebhookSender sender(settings);
  const auto start = steady_clock::now();
  auto error = sender.Post(receiver.Url(), "{}", kHeaders);
  CHECK(error.has_value());
  CHECK(steady_clock::now() - start < milliseconds(1200));
}

TEST_CASE("webhook sender: a 2xx answer with a long body is a delivery, read only in part", "[api][webhook]") {
  ReceiverBehaviour big;
  big.reply = "HTTP/1.1 200 OK\r\nContent-Length: 4194304\r\nConnection: close\r\n\r\n" + std::string(4194304, 'x');
  WebhookReceiver receiver(big);
  WebhookSenderSettings settings;
  settings.policy = WebhookUrlPolicy({"127.0.0.1"});
  CurlWebhookSender sender(settings);
  CHECK_FALSE(sender.Post(receiver.Url(), "{}", kHeaders).has_value());
  CHECK(receiver.WaitFor(1).size() == 1);
}
