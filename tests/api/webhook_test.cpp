// Webhooks through the real server: every change-feed item POSTed in order to a receiver on
// loopback (allow-listed: the servers run with --webhook-allow-hosts 127.0.0.1), signed with
// HMAC-SHA256 (checked here with OpenSSL), retried after a failure; URLs into the server's own
// network refused; one agency's slow receivers never hold up another agency's deliveries.
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

// The receivers of these tests listen on 127.0.0.1, which webhooks may call only when listed.
const std::vector<std::string> kAllowLoopback = {"--webhook-allow-hosts", "127.0.0.1", "--outbox-interval-ms", "50"};

}  // namespace

TEST_CASE("webhooks: signed deliveries in feed order, retried after a failure", "[api][agency][webhook]") {
  ApiFixture f(false, kAllowLoopback);
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
  ApiFixture f(false, kAllowLoopback);
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
  // The skip is recorded when the batch that went past it ends, just after B's delivery: wait
  // for that commit (a slow server, e.g. the sanitized build, takes a moment).
  std::string skipped;
  for (int i = 0; i < 100 && skipped.empty(); ++i) {
    skipped = f.db.Scalar("SELECT after_json FROM audit_log WHERE action = 'webhook.item_skipped'");
    if (skipped.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(skipped.find("\"seq\":1") != std::string::npos);
}

TEST_CASE("webhooks: URLs into the server's own network are refused, nothing is stored", "[api][agency][webhook]") {
  ApiFixture f;  // no allow-list
  auto agency = f.Agency("IFEN");
  for (const char* url : {"http://169.254.169.254/latest", "http://localhost:3306/", "http://10.0.0.1/",
                          "http://[::1]/", "https://[fd00::1]/", "https://169.254.169.254/latest/meta-data",
                          "https://127.0.0.1:3306/", "https://localhost/", "https://[::ffff:10.0.0.1]/",
                          "https://2130706433/", "https://user:secret@sync.ifen.lu/", "https://sync.ifen.lu/x#y",
                          "http://sync.ifen.lu/hooks"}) {
    INFO(url);
    auto r = agency->Post("/api/v1/agencies/IFEN/webhooks", {{"url", url}});
    CHECK(r.status == 422);
    REQUIRE(r.json()["errors"].size() == 1);
    CHECK(r.json()["errors"][0]["field"] == "url");
  }
  CHECK(agency->Get("/api/v1/agencies/IFEN/webhooks").json()["items"].empty());
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_webhooks") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'webhook.created'") == 0);
  // A public https URL is fine (nothing is called until the feed has an item).
  CHECK(agency->Post("/api/v1/agencies/IFEN/webhooks", {{"url", "https://sync.ifen.lu:8443/parcours"}}).status == 201);
}

TEST_CASE("webhooks: only listed hosts are reachable over http or at a private address", "[api][agency][webhook]") {
  ApiFixture f(false, kAllowLoopback);
  auto agency = f.Agency("IFEN");
  CHECK(agency->Post("/api/v1/agencies/IFEN/webhooks", {{"url", "http://127.0.0.1:9/hooks"}}).status == 201);
  for (const char* url : {"http://localhost:3306/", "http://127.0.0.2/", "https://[::1]/", "http://10.0.0.1/"}) {
    INFO(url);
    CHECK(agency->Post("/api/v1/agencies/IFEN/webhooks", {{"url", url}}).status == 422);
  }
}

TEST_CASE("webhooks: an agency has at most five", "[api][agency][webhook]") {
  ApiFixture f;
  auto agency = f.Agency("FEDAS");
  for (int i = 0; i < 5; ++i)
    REQUIRE(agency->Post("/api/v1/agencies/FEDAS/webhooks", {{"url", "https://hooks.fedas.lu/" + std::to_string(i)}})
                .status == 201);
  auto sixth = agency->Post("/api/v1/agencies/FEDAS/webhooks", {{"url", "https://hooks.fedas.lu/5"}});
  CHECK(sixth.status == 422);
  CHECK(f.db.Count("SELECT COUNT(*) FROM agency_webhooks") == 5);
  // Deleting one makes room; another agency has its own five.
  auto id = agency->Get("/api/v1/agencies/FEDAS/webhooks").json()["items"][0]["id"].get<std::string>();
  REQUIRE(agency->Delete("/api/v1/agencies/FEDAS/webhooks/" + id).status == 204);
  CHECK(agency->Post("/api/v1/agencies/FEDAS/webhooks", {{"url", "https://hooks.fedas.lu/5"}}).status == 201);
  auto ifen = f.Agency("IFEN");
  CHECK(ifen->Post("/api/v1/agencies/IFEN/webhooks", {{"url", "https://hooks.ifen.lu/0"}}).status == 201);
}

TEST_CASE("webhooks: one agency's slow receivers do not delay another agency's deliveries", "[api][agency][webhook]") {
  ApiFixture f(false, kAllowLoopback);
  ReceiverBehaviour slow_behaviour;
  slow_behaviour.delay = std::chrono::seconds(3);  // every answer takes 3 s
  WebhookReceiver slow(slow_behaviour), fast;
  auto fedas = f.Agency("FEDAS");
  auto ifen = f.Agency("IFEN");
  for (int i = 0; i < 5; ++i)
    REQUIRE(fedas->Post("/api/v1/agencies/FEDAS/webhooks", {{"url", slow.Url() + "/" + std::to_string(i)}}).status == 201);
  REQUIRE(ifen->Post("/api/v1/agencies/IFEN/webhooks", {{"url", fast.Url()}}).status == 201);
  // An agency pushes into its own sessions only.
  const std::string module = f.Module("M");
  auto session_of = [&](const std::string& code) {
    auto r = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                      {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 10},
                                                      {"agency", code}});
    REQUIRE(r.status == 201);
    return r.json()["id"].get<std::string>();
  };
  const std::string fedas_session = session_of("FEDAS"), ifen_session = session_of("IFEN");
  auto enrol = [&](HttpClient& agency, const std::string& code, const std::string& ext) {
    REQUIRE(agency.Put("/api/v1/agencies/" + code + "/enrolments/" + ext,
                       {{"session_id", code == "IFEN" ? ifen_session : fedas_session},
                        {"participant", {{"email", ext + "@ex.lu"}, {"name", ext}}}})
                .status == 201);
  };
  enrol(*fedas, "FEDAS", "F1");
  REQUIRE(slow.WaitForAttempts(1, std::chrono::seconds(5)).size() >= 1);  // FEDAS's deliveries are under way
  const auto pushed = std::chrono::steady_clock::now();
  enrol(*ifen, "IFEN", "I1");
  auto got = fast.WaitFor(1, std::chrono::seconds(30));
  REQUIRE(got.size() == 1);
  const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(got[0].received_at - pushed);
  INFO("IFEN's delivery came " << waited.count() << " ms after its enrolment");
  CHECK(waited < std::chrono::milliseconds(2000));  // one slow answer alone takes 3 s
  // FEDAS's own deliveries all arrive, at most a few at a time.
  CHECK(slow.WaitForAttempts(5, std::chrono::seconds(20)).size() == 5);
}
