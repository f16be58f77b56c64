// Outbox (SMTP) and webhook deliveries against the real MariaDB: a short transaction claims
// due items with a lease, the sending runs with no database connection held, and a second
// short transaction records the outcome while the claim still holds. So a retried transaction
// never sends again, a send that needs the database itself cannot starve the pool, a dispatcher
// that dies after its claim gives the items back when the lease runs out, and two dispatchers
// never send the same item at the same time.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "common/time.h"
#include "services/agency_service.h"
#include "services/outbox_service.h"
#include "services/webhook_service.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"
#include "test_values.h"

using namespace parcours;
using parcours::testing::TestDatabase;
using namespace std::chrono;

namespace {

// Every call different (a counter in the first bytes): claim tokens never repeat.
class CounterRandom final : public RandomSource {
 public:
  std::string Bytes(std::size_t n) override {
    std::string out(n, '\0');
    unsigned long long v = ++next_;
    for (std::size_t i = 0; i < n && i < 8; ++i, v >>= 8) out[i] = static_cast<char>(v & 0xff);
    return out;
  }

 private:
  std::atomic<unsigned long long> next_{0};
};

// Runs each transaction's work twice: once rolled back, as when RunTransaction meets a
// deadlock or a refused COMMIT and starts over, then for real.
class ReplayingStore final : public Store {
 public:
  explicit ReplayingStore(Store& inner) : inner_(inner) {}
  void Transact(const std::function<bool(UnitOfWork&)>& work) override {
    inner_.Transact([&](UnitOfWork& uow) {
      work(uow);
      return false;
    });
    inner_.Transact(work);
  }
  bool Ping() override { return inner_.Ping(); }

 private:
  Store& inner_;
};

struct DeliveryWorld {
  TestDatabase db;
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<MySqlStore> store;
  ManualClock clock{Utc("2027-01-01T08:00:00Z")};
  CounterRandom random;
  int people = 0;
  // pool_size 1 with a short acquire timeout: a send that waits for a second connection
  // fails fast instead of hanging the test.
  explicit DeliveryWorld(std::size_t pool_size = 8) {
    pool = std::make_unique<ConnectionPool>(*DatabaseUrl::Parse(db.Url()), pool_size, seconds(2));
    Migrator(*pool).Apply(EmbeddedMigrations());
    store = std::make_unique<MySqlStore>(*pool);
  }
  // n pending messages to n new people.
  void Messages(int n) {
    store->Transact([&](UnitOfWork& u) {
      for (int i = 0; i < n; ++i) {
        User p;
        p.email = "p" + std::to_string(++people) + "@ex.lu";
        p.name = "P";
        p.created_at = clock.Now();
        Notification m;
        m.user_id = *u.users().Insert(p);
        m.to_email = p.email;
        m.language = "fr";
        m.subject = "Sujet " + std::to_string(i);
        m.body_text = "Texte";
        u.notifications().Enqueue(m, clock.Now());
      }
      return true;
    });
  }
  // An agency with `hooks` webhooks and `items` feed items for them.
  void Hooks(const std::string& agency, int hooks, int items) {
    store->Transact([&](UnitOfWork& u) {
      if (!u.agencies().Find(agency)) u.agencies().Insert({agency, agency}, clock.Now());
      for (int h = 0; h < hooks; ++h) {
        Webhook w;
        w.agency = agency;
        w.url = "https://hooks.example/" + agency + "/" + std::to_string(h);
        w.secret = "whsec_test";
        u.agencies().InsertWebhook(w, clock.Now());
      }
      return true;
    });
    store->Transact([&](UnitOfWork& u) {
      for (int i = 0; i < items; ++i) {
        AgencyChange c;
        c.agency = agency;
        c.kind = "enrolment";
        c.external_id = "E" + std::to_string(i);
        c.session_id = 1;
        c.status = "confirmed";
        c.at = clock.Now();
        u.agencies().AppendChange(c);
      }
      return true;
    });
  }
};

class RecordingMailer final : public Mailer {
 public:
  std::function<void(const Notification&)> during_send;  // runs inside Send
  std::optional<std::string> Send(const Notification& n) override {
    {
      std::lock_guard lock(mu);
      if (!in_flight.insert(n.id).second) overlapped = true;
    }
    if (during_send) during_send(n);
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    std::lock_guard lock(mu);
    in_flight.erase(n.id);
    sent.push_back(n.id);
    return std::nullopt;
  }
  std::mutex mu;
  std::set<Id> in_flight;
  std::vector<Id> sent;
  bool overlapped = false;
  milliseconds pause{0};
};

// Thrown by a sender to stand for the process dying in the middle of a send.
struct Crash : std::runtime_error {
  Crash() : std::runtime_error("the process died here") {}
};

class RecordingSender final : public WebhookSender {
 public:
  std::function<void(const std::string& url)> during_post;
  std::optional<std::string> Post(const std::string& url, const std::string& body,
                                  const std::vector<std::pair<std::string, std::string>>&) override {
    {
      std::lock_guard lock(mu);
      if (!in_flight.insert(url).second) overlapped = true;
    }
    if (during_post) during_post(url);
    if (pause.count() > 0) std::this_thread::sleep_for(pause);
    std::lock_guard lock(mu);
    in_flight.erase(url);
    posts.emplace_back(url, body);
    return std::nullopt;
  }
  std::size_t PostsTo(const std::string& url) {
    std::lock_guard lock(mu);
    return std::count_if(posts.begin(), posts.end(), [&](const auto& p) { return p.first == url; });
  }
  std::mutex mu;
  std::set<std::string> in_flight;
  std::vector<std::pair<std::string, std::string>> posts;
  bool overlapped = false;
  milliseconds pause{0};
};

}  // namespace

TEST_CASE("outbox: a claim transaction that is run again never sends again", "[db][outbox]") {
  DeliveryWorld w;
  w.Messages(3);
  ReplayingStore replaying(*w.store);
  RecordingMailer mailer;
  OutboxService outbox(replaying, w.clock, mailer, w.random);
  while (outbox.DeliverDue(10) > 0) {
  }
  CHECK(mailer.sent.size() == 3);
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent' AND attempts = 1") == 3);
}

TEST_CASE("outbox: no pooled connection is held while a message is sent", "[db][outbox]") {
  DeliveryWorld w(1);
  w.Messages(2);
  RecordingMailer mailer;
  long long pending_seen = -1;
  // The send itself needs the pool's only connection.
  mailer.during_send = [&](const Notification&) {
    w.store->Transact([&](UnitOfWork& u) {
      pending_seen = static_cast<long long>(u.notifications().ForUser(1).size());
      return true;
    });
  };
  OutboxService outbox(*w.store, w.clock, mailer, w.random);
  int handled = 0;
  REQUIRE_NOTHROW(handled = outbox.DeliverDue(10));
  CHECK(handled == 2);
  CHECK(pending_seen == 1);
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent'") == 2);
}

TEST_CASE("outbox: a dispatcher that dies after its claim gives the messages back after the lease", "[db][outbox]") {
  DeliveryWorld w;
  w.Messages(2);
  RecordingMailer dying;
  int sends = 0;
  dying.during_send = [&](const Notification&) {
    if (++sends == 2) throw Crash();  // the first message went out, the process dies on the second
  };
  OutboxService first(*w.store, w.clock, dying, w.random);
  CHECK_THROWS_AS(first.DeliverDue(10), Crash);

  RecordingMailer mailer;
  OutboxService second(*w.store, w.clock, mailer, w.random);
  CHECK(second.DeliverDue(10) == 0);  // the first message is recorded, the second still leased
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent'") == 1);
  w.clock.Advance(OutboxService::kLease - milliseconds(1));
  CHECK(second.DeliverDue(10) == 0);
  w.clock.Advance(milliseconds(1));
  CHECK(second.DeliverDue(10) == 1);  // at least once: the lease ran out, it is sent again
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent'") == 2);

  // A claim that is never followed by an outcome (claim, then drop) ...
  w.Messages(1);
  const std::string stale = "token-of-a-dead-process";
  std::vector<Notification> claimed;
  w.store->Transact([&](UnitOfWork& u) {
    claimed = u.notifications().Claim(w.clock.Now(), 10, stale, w.clock.Now() + OutboxService::kLease);
    return true;
  });
  REQUIRE(claimed.size() == 1);
  CHECK(second.DeliverDue(10) == 0);
  w.clock.Advance(OutboxService::kLease);
  CHECK(second.DeliverDue(10) == 1);
  // ... and an outcome that comes after the lease was taken over is ignored.
  bool recorded = true;
  w.store->Transact([&](UnitOfWork& u) {
    recorded = u.notifications().MarkRetry(claimed[0].id, stale, 1, w.clock.Now(), "late", false);
    return true;
  });
  CHECK_FALSE(recorded);
  CHECK(w.db.Scalar("SELECT status FROM notifications WHERE id = " + std::to_string(claimed[0].id)) == "sent");
}

TEST_CASE("outbox: two dispatchers never send the same message at the same time", "[db][outbox]") {
  DeliveryWorld w;
  w.Messages(12);
  RecordingMailer mailer;
  mailer.pause = milliseconds(20);
  OutboxService one(*w.store, w.clock, mailer, w.random), two(*w.store, w.clock, mailer, w.random);
  std::thread a([&] { while (one.DeliverDue(2) > 0) {} });
  std::thread b([&] { while (two.DeliverDue(2) > 0) {} });
  a.join();
  b.join();
  CHECK_FALSE(mailer.overlapped);
  CHECK(mailer.sent.size() == 12);
  CHECK(std::set<Id>(mailer.sent.begin(), mailer.sent.end()).size() == 12);
  CHECK(w.db.Count("SELECT COUNT(*) FROM notifications WHERE status = 'sent' AND claim_token IS NULL") == 12);
}

TEST_CASE("webhooks: a claim transaction that is run again never posts again", "[db][webhook]") {
  DeliveryWorld w;
  w.Hooks("IFEN", 1, 3);
  ReplayingStore replaying(*w.store);
  RecordingSender sender;
  WebhookService hooks(replaying, w.clock, w.random);
  while (hooks.DeliverDue(sender) > 0) {
  }
  CHECK(sender.posts.size() == 3);
  CHECK(w.db.Scalar("SELECT delivered_seq FROM agency_webhooks") == "3");
}

TEST_CASE("webhooks: no pooled connection is held while a webhook is called", "[db][webhook]") {
  DeliveryWorld w(1);
  w.Hooks("IFEN", 1, 2);
  RecordingSender sender;
  sender.during_post = [&](const std::string&) {
    w.store->Transact([&](UnitOfWork& u) {
      u.agencies().List();
      return true;
    });
  };
  WebhookService hooks(*w.store, w.clock, w.random);
  int attempted = 0;
  REQUIRE_NOTHROW(attempted = hooks.DeliverDue(sender));
  CHECK(attempted == 2);
  CHECK(w.db.Scalar("SELECT delivered_seq FROM agency_webhooks") == "2");
}

TEST_CASE("webhooks: a dispatcher that dies after its claim gives the webhook back after the lease", "[db][webhook]") {
  DeliveryWorld w;
  w.Hooks("IFEN", 1, 2);
  RecordingSender dying;
  dying.during_post = [](const std::string&) { throw Crash(); };
  WebhookService first(*w.store, w.clock, w.random);
  CHECK_THROWS_AS(first.DeliverDue(dying), Crash);

  RecordingSender sender;
  WebhookService second(*w.store, w.clock, w.random);
  CHECK(second.DeliverDue(sender) == 0);  // still leased to the dead dispatcher
  w.clock.Advance(WebhookService::kLease);
  CHECK(second.DeliverDue(sender) == 2);
  CHECK(w.db.Scalar("SELECT delivered_seq FROM agency_webhooks") == "2");
}

TEST_CASE("webhooks: two dispatchers never call the same webhook at the same time", "[db][webhook]") {
  DeliveryWorld w;
  w.Hooks("IFEN", 2, 6);
  w.Hooks("FEDAS", 1, 6);
  RecordingSender sender;
  sender.pause = milliseconds(10);
  WebhookService one(*w.store, w.clock, w.random), two(*w.store, w.clock, w.random);
  std::thread a([&] { while (one.DeliverDue(sender, 2) > 0) {} });
  std::thread b([&] { while (two.DeliverDue(sender, 2) > 0) {} });
  a.join();
  b.join();
  CHECK_FALSE(sender.overlapped);
  for (const char* url : {"https://hooks.example/IFEN/0", "https://hooks.example/IFEN/1", "https://hooks.example/FEDAS/0"}) {
    INFO(url);
    CHECK(sender.PostsTo(url) == 6);
  }
  CHECK(w.db.Count("SELECT COUNT(*) FROM agency_webhooks WHERE delivered_seq = 6 AND claim_token IS NULL") == 3);
}

TEST_CASE("webhooks: a claim takes at most per_agency webhooks of one agency", "[db][webhook]") {
  DeliveryWorld w;
  w.Hooks("FEDAS", 5, 1);
  w.Hooks("IFEN", 1, 1);
  WebhookService hooks(*w.store, w.clock, w.random);
  hooks.SequenceFeeds();
  auto agencies = [](const std::vector<WebhookClaim>& claims) {
    std::map<std::string, int> n;
    for (const auto& c : claims) ++n[c.hook.agency];
    return n;
  };
  // FEDAS's five webhooks come first in due order, yet IFEN's is in the same claim.
  auto first = hooks.Claim(4, {}, 2);
  CHECK(agencies(first) == std::map<std::string, int>{{"FEDAS", 2}, {"IFEN", 1}});
  for (const auto& c : first) CHECK(c.items.size() == 1);
  // While those run, FEDAS has its two: nothing more for it.
  CHECK(hooks.Claim(4, WebhookLoad{{{"FEDAS", 2}, {"IFEN", 1}}, {}}, 2).empty());
  // Another process (nothing in flight there) takes two more of FEDAS's, not the leased ones.
  auto other = hooks.Claim(4, {}, 2);
  CHECK(agencies(other) == std::map<std::string, int>{{"FEDAS", 2}});
  for (const auto& c : other)
    for (const auto& f : first) CHECK(c.hook.id != f.hook.id);
}

TEST_CASE("webhooks: a webhook this process is still delivering is not claimed again when its lease ran out",
          "[db][webhook]") {
  DeliveryWorld w;
  w.Hooks("FEDAS", 1, 2);
  WebhookService hooks(*w.store, w.clock, w.random);
  hooks.SequenceFeeds();
  auto first = hooks.Claim(4, {}, 2);
  REQUIRE(first.size() == 1);
  // The clock jumps past the lease while the first claim is still being delivered here.
  w.clock.Advance(WebhookService::kLease + std::chrono::minutes(1));
  WebhookLoad load;
  load.agencies["FEDAS"] = 1;
  load.hooks.insert(first[0].hook.id);
  CHECK(hooks.Claim(4, load, 2).empty());
  // Another process knows nothing of it: the expired lease lets it take the webhook over.
  auto other = hooks.Claim(4, {}, 2);
  REQUIRE(other.size() == 1);
  CHECK(other[0].hook.id == first[0].hook.id);
}
