// Webhooks through the real server: every change-feed item POSTed in order to a receiver on
// loopback, signed with HMAC-SHA256 (checked here with OpenSSL), retried after a failure.
#include <catch2/catch.hpp>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <thread>

#include "api_fixture.h"
#include "webhook_receiver.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {
std::string Hmac(const std::string& key, const std::string& message) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(message.data()),
       message.size(), mac, &len);
  static const char* hex = "0123456789abcdef";
  std::string out = "v1=";
  for (unsigned i = 0; i < len; ++i) {
    out += hex[mac[i] >> 4];
    out += hex[mac[i] & 15];
  }
  return out;
}
}  // namespace

TEST_CASE("webhooks: signed deliveries in feed order, retried after a failure", "[api][agency][webhook]") {
  ApiFixture f;
  WebhookReceiver receiver(1);  // the first delivery attempt fails
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto agency = f.Client();
  agency->set_token(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"]);
  CHECK(agency->Post("/api/v1/agencies/IFEN/webhooks", {{"url", "ftp://example.lu/x"}}).status == 422);
  auto hook = agency->Post("/api/v1/agencies/IFEN/webhooks", {{"url", receiver.Url()}});
  REQUIRE(hook.status == 201);
  const std::string secret = hook.json()["secret"];
  CHECK(secret.rfind("whsec_", 0) == 0);
  CHECK(agency->Get("/api/v1/agencies/IFEN/webhooks").json()["items"][0].count("secret") == 0);

  auto session = f.coordinator->Post("/api/v1/sessions", {{"module_id", f.Module("M")}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                          {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 1},
                                                          {"min_registrants", 0}, {"agency", "IFEN"}}).json()["id"].get<std::string>();
  for (const char* ext : {"A", "B"})
    REQUIRE(agency->Put(std::string("/api/v1/agencies/IFEN/enrolments/") + ext,
                        {{"session_id", session}, {"participant", {{"email", std::string(ext) + "@ex.lu"}, {"name", ext}}}})
                .status == 201);
  // The first attempt failed; the retry comes after the backoff (one minute).
  auto first = receiver.WaitForAttempts(1);
  REQUIRE(first.size() >= 1);
  CHECK(first[0].answered == 500);
  std::this_thread::sleep_for(std::chrono::milliseconds(700));  // no retry before the backoff
  CHECK(receiver.All().size() == 1);
  f.SetClock("2026-12-31T12:00:00+01:00");
  auto got = receiver.WaitFor(2);
  std::vector<Delivery> ok;
  for (auto& d : got)
    if (d.answered == 204) ok.push_back(d);
  REQUIRE(ok.size() == 2);
  std::vector<std::string> order;
  for (const auto& d : ok) {
    CHECK(d.headers.at("parcours-signature") == Hmac(secret, d.headers.at("parcours-timestamp") + "." + d.body));
    CHECK(d.headers.at("content-type") == "application/json");
    auto item = json::parse(d.body);
    order.push_back(item["external_id"].get<std::string>() + ":" + item["status"].get<std::string>());
  }
  CHECK(order == std::vector<std::string>{"A:confirmed", "B:waitlisted"});
  // The delivery position is the feed's cursor: the same items the agency reads by polling.
  auto feed = agency->Get("/api/v1/agencies/IFEN/changes").json();
  CHECK(json::parse(ok[1].body)["cursor"] == feed["next_cursor"]);
  auto id = agency->Get("/api/v1/agencies/IFEN/webhooks").json()["items"][0]["id"].get<std::string>();
  CHECK(agency->Delete("/api/v1/agencies/IFEN/webhooks/" + id).status == 204);
  CHECK(agency->Get("/api/v1/agencies/IFEN/webhooks").json()["items"].empty());
}

TEST_CASE("webhooks: an item failing for three days is skipped, the next one is delivered", "[api][agency][webhook]") {
  ApiFixture f;
  WebhookReceiver receiver(2);  // the first two requests fail
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "FEDAS"}, {"name", "FEDAS"}}).status == 201);
  auto agency = f.Client();
  agency->set_token(f.coordinator->Post("/api/v1/agencies/FEDAS/keys", nullptr).json()["key"]);
  REQUIRE(agency->Post("/api/v1/agencies/FEDAS/webhooks", {{"url", receiver.Url()}}).status == 201);
  auto session = f.coordinator->Post("/api/v1/sessions", {{"module_id", f.Module("M")}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                          {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5},
                                                          {"min_registrants", 0}, {"agency", "FEDAS"}}).json()["id"].get<std::string>();
  REQUIRE(agency->Put("/api/v1/agencies/FEDAS/enrolments/A",
                      {{"session_id", session}, {"participant", {{"email", "a@ex.lu"}, {"name", "A"}}}}).status == 201);
  REQUIRE(receiver.WaitForAttempts(1).size() == 1);
  REQUIRE(agency->Put("/api/v1/agencies/FEDAS/enrolments/B",
                      {{"session_id", session}, {"participant", {{"email", "b@ex.lu"}, {"name", "B"}}}}).status == 201);
  f.SetClock("2026-12-31T12:00:00+01:00");  // more than 72 h after the first failure
  auto all = receiver.WaitFor(1);
  REQUIRE(all.size() == 3);
  CHECK(all[0].answered == 500);
  CHECK(all[1].answered == 500);
  CHECK(json::parse(all[1].body)["external_id"] == "A");  // retried once more, then given up
  CHECK(all[2].answered == 204);
  CHECK(json::parse(all[2].body)["external_id"] == "B");
  CHECK(f.db.Scalar("SELECT after_json FROM audit_log WHERE action = 'webhook.item_skipped'").find("\"seq\":1") != std::string::npos);
}
