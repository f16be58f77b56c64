#include "app/commands.h"

#include <openssl/rand.h>
#include <signal.h>
#include <sys/resource.h>

#include <chrono>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>

#include "app/config.h"
#include "app/demo_people.h"
#include "app/offline_routes.h"
#include "common/time.h"
#include "http/handlers.h"
#include "http/server.h"
#include "web/site.h"
#include "certificates/certificates.h"
#include "notify/smtp_mailer.h"
#include "notify/timestamp_client.h"
#include "notify/webhook_sender.h"
#include "services/attestation_service.h"
#include "services/idempotency_service.h"
#include "services/outbox_service.h"
#include "services/scheduler_service.h"
#include "services/webhook_dispatcher.h"
#include "common/metrics.h"
#include "storage/metrics_queries.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"

namespace parcours::app {
namespace {

using nlohmann::json;

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override {
    return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  }
};

class OpenSslRandom final : public RandomSource {
 public:
  std::string Bytes(std::size_t n) override {
    std::string out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
      throw std::runtime_error("RAND_bytes failed");
    return out;
  }
};

std::int64_t MonotonicNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void Log(const std::string& level, const std::string& message, json extra = json::object()) {
  extra["level"] = level;
  extra["message"] = message;
  http::LogJson(extra);
}

// Each connection holds a descriptor: take the hard limit (the default soft limit of 1,024
// would stop new clients long before the connection caps).
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) return;
  if (limit.rlim_cur < limit.rlim_max) {
    const auto before = limit.rlim_cur;
    limit.rlim_cur = limit.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &limit) == 0)
      Log("info", "open file limit raised", {{"from", before}, {"to", limit.rlim_cur}});
  }
}

int Usage() {
  std::cerr << "usage: parcours <command> [options]\n"
               "  serve [--test-clock] [--listen HOST:PORT] [--database-url URL] [--config FILE]\n"
               "        [--threads N] [--workers N] [--db-pool N] [--port-file FILE]\n"
               "  migrate                         apply pending migrations and exit\n"
               "  seed FILE                       load a data script once (e.g. sql/seed/ltas_demo.sql)\n"
               "  demo-people                     the demo's trainer and participant (deploy/run.sh; passwords from\n"
               "                                  PARCOURS_DEMO_TRAINER_PASSWORD and PARCOURS_DEMO_PARTICIPANT_PASSWORD)\n"
               "  admin create-coordinator EMAIL NAME   password from PARCOURS_ADMIN_PASSWORD or stdin\n"
               "  verify FILE.pdf                 check an attestation's signature and its issued record\n"
               "  routes                          list the HTTP routes\n"
               "Settings also come from PARCOURS_* environment variables (see README).\n";
  return 2;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::invalid_argument("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Everything `serve` and the admin commands share: database, store, services.
struct Wiring {
  Config config;
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<MySqlStore> store;
  SystemClock system_clock;
  std::unique_ptr<ManualClock> test_clock;
  OpenSslRandom random;
  std::unique_ptr<HashingGate> hashing_gate;  // process-wide: every scrypt of this process
  std::unique_ptr<AccountService> accounts;
  std::unique_ptr<CatalogueService> catalogue;
  std::unique_ptr<RegistrationService> registrations;
  std::unique_ptr<IdempotencyService> idempotency;
  std::unique_ptr<AttendanceService> attendance;
  std::unique_ptr<SchedulerService> scheduler;
  std::unique_ptr<AgencyService> agencies;
  std::unique_ptr<ReportService> reports;
  std::unique_ptr<AttestationService> attestations;
  std::unique_ptr<WebhookService> webhooks;
  std::unique_ptr<PersonalDataService> personal_data;
  std::unique_ptr<AuditTrailService> audit_trail;
  std::unique_ptr<PeopleService> people;
  std::unique_ptr<DoorService> door;
  std::unique_ptr<HistoryService> history;
  std::unique_ptr<OperationsService> operations;
  std::unique_ptr<StructureService> structures;
  std::unique_ptr<DocumentService> documents;
  std::unique_ptr<EvaluationService> evaluations;
  std::unique_ptr<SpeedMeetingService> speed_meeting;
  std::unique_ptr<EmployerService> employer;

  const Clock& clock() const { return test_clock ? static_cast<const Clock&>(*test_clock) : system_clock; }

  explicit Wiring(Config c) : config(std::move(c)) {
    auto url = DatabaseUrl::Parse(config.database_url);
    if (!url)
      throw std::invalid_argument(
          "PARCOURS_DATABASE_URL (or --database-url) must be mysql://user:password@host:port/database");
    ConnectionTimeouts timeouts;
    timeouts.read = timeouts.write = std::chrono::seconds(config.db_io_timeout_seconds);
    timeouts.lock_wait = std::chrono::seconds(config.db_lock_wait_seconds);
    pool = std::make_unique<ConnectionPool>(*url, config.db_pool_size, std::chrono::seconds(10), timeouts);
    RetryPolicy retry;
    retry.budget = std::chrono::milliseconds(config.db_retry_budget_ms);
    store = std::make_unique<MySqlStore>(*pool, retry);
    if (config.test_clock) test_clock = std::make_unique<ManualClock>(system_clock.Now());
    AccountSettings account_settings;
    account_settings.scrypt = config.scrypt;
    account_settings.signups.burst = config.signups_per_hour;
    account_settings.public_url = config.public_base_url;
    hashing_gate = std::make_unique<HashingGate>(config.scrypt_concurrency, HashingGate::kDefaultWait);
    accounts = std::make_unique<AccountService>(*store, clock(), random, *hashing_gate, account_settings);
    const NotificationSettings notify{config.organizer_name, config.organizer_email};
    catalogue = std::make_unique<CatalogueService>(*store, clock(), notify);
    registrations = std::make_unique<RegistrationService>(*store, clock(), notify);
    idempotency = std::make_unique<IdempotencyService>(*store, clock(), random);
    attendance = std::make_unique<AttendanceService>(*store, clock());
    scheduler = std::make_unique<SchedulerService>(*store, clock(), notify);
    agencies = std::make_unique<AgencyService>(*store, clock(), random, config.public_base_url, notify);
    reports = std::make_unique<ReportService>(*store, clock());
    webhooks = std::make_unique<WebhookService>(*store, clock(), random,
                                                WebhookSettings{WebhookUrlPolicy(config.webhook_allow_hosts)});
    RetentionSettings retention;
    retention.inactive_after = std::chrono::days(config.retention_days);
    retention.notifications_after = std::chrono::days(config.notification_retention_days);
    personal_data = std::make_unique<PersonalDataService>(*store, clock(), retention, notify);
    audit_trail = std::make_unique<AuditTrailService>(*store);
    IssuerSettings issuer;
    issuer.public_url = config.public_base_url;
    // Per language: its own setting (…_DE), else the setting for every language, else the default.
    for (auto& [lang, wording] : issuer.wording) {
      const auto own = config.issuer_by_language.count(lang) ? config.issuer_by_language.at(lang) : Config::IssuerText{};
      auto pick = [](const std::string& specific, const std::string& general, std::string& target) {
        if (!specific.empty()) target = specific;
        else if (!general.empty()) target = general;
      };
      pick(own.centre_name, config.centre_name, wording.centre_name);
      pick(own.centre_place, config.centre_place, wording.place);
      pick(own.signatory_name, config.signatory_name, wording.signatory_name);
      pick(own.signatory_title, config.signatory_title, wording.signatory_title);
    }
    if (!config.tsa_url.empty()) issuer.timestamp_authority = HttpTimestampAuthority(config.tsa_url);
    const std::string templates = config.templates_dir.empty() ? PARCOURS_DEFAULT_TEMPLATES_DIR : config.templates_dir;
    std::shared_ptr<const certificates::SigningIdentity> identity;
    if (!config.signing_key.empty())
      identity = certificates::LoadIdentity(PemOrFile(config.signing_key), PemOrFile(config.signing_cert));
    attestations = std::make_unique<AttestationService>(
        *store, clock(), random, std::make_shared<certificates::Renderer>(templates), identity, issuer);
    people = std::make_unique<PeopleService>(*store, clock());
    door = std::make_unique<DoorService>(*store, clock(), random, config.public_base_url, notify);
    history = std::make_unique<HistoryService>(*store, clock());
    operations = std::make_unique<OperationsService>(*store, clock(), *catalogue, *attestations, *scheduler);
    structures = std::make_unique<StructureService>(*store, clock());
    documents = std::make_unique<DocumentService>(*store, clock(), config.public_base_url);
    evaluations = std::make_unique<EvaluationService>(*store, clock(), random, config.public_base_url);
    speed_meeting = std::make_unique<SpeedMeetingService>(*store, std::make_shared<certificates::Renderer>(templates));
    employer = std::make_unique<EmployerService>(*store, clock());
  }

  // PARCOURS_SIGNING_KEY/CERT hold either PEM text or the path of a PEM file.
  static std::string PemOrFile(const std::string& value) {
    return value.find("-----BEGIN") != std::string::npos ? value : ReadFile(value);
  }

  void Migrate() {
    auto applied = Migrator(*pool).Apply(EmbeddedMigrations());
    for (const auto& name : applied) Log("info", "migration applied", {{"migration", name}});
  }
};

// Runs `work` every `interval` on its own thread until stopped (or woken early by Wake()).
class Periodic {
 public:
  Periodic(std::string name, std::chrono::milliseconds interval, std::function<void()> work)
      : name_(std::move(name)), interval_(interval), work_(std::move(work)), thread_([this] { Run(); }) {}
  ~Periodic() { Stop(); }
  void Wake() {
    std::lock_guard lock(mu_);
    woken_ = true;
    cv_.notify_all();
  }
  void Stop() {
    {
      std::lock_guard lock(mu_);
      if (stopping_) return;
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  void Run() {
    for (;;) {
      try {
        work_();
      } catch (const std::exception& e) {
        Log("error", name_ + " failed: " + e.what());
      }
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, interval_, [&] { return stopping_ || woken_; });
      if (stopping_) return;
      woken_ = false;
    }
  }
  std::string name_;
  std::chrono::milliseconds interval_;
  std::function<void()> work_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false, woken_ = false;
  std::thread thread_;
};


// Written once listening (atomically: a reader never sees half a number).
void WritePortFile(const std::string& path, std::uint16_t port) {
  if (path.empty()) return;
  std::ofstream(path + ".tmp") << port << "\n";
  std::rename((path + ".tmp").c_str(), path.c_str());
}

// The web layer and the HTTP server are siblings: their request and response types meet here.
http::HttpResponse ServePage(web::Site& site, http::HttpRequest& req) {
  web::WebRequest page;
  page.method = http::ToString(req.method);
  page.path = req.path;
  page.segments = req.segments;
  page.query = req.query;
  page.headers = req.headers;
  page.body = req.body;
  page.client_address = req.ctx.client_address;
  page.request_id = req.ctx.request_id;
  web::WebResponse r = site.Handle(page);
  http::HttpResponse out;
  out.status = r.status;
  out.content_type = r.content_type;
  out.body = std::move(r.body);
  out.kept_under = r.kept_under;
  for (auto& [name, value] : r.headers) {
    if (name == "Location") out.location = value;
    else out.extra_headers.emplace_back(name, value);
  }
  return out;
}

// What /metrics shows beside the HTTP families that the server counts itself: registration
// and attestation changes as they are committed, transactions, the pool, the database's
// backlogs (read at scrape time on a connection of their own) and the process.
class ServiceMetrics {
 public:
  explicit ServiceMetrics(Wiring& w) : w_(w) {
    w.store->SetCommitObserver([this](const std::vector<std::pair<std::string, std::string>>& actions) {
      for (const auto& [action, status] : actions) OnCommitted(action, status);
    });
    registry.AddCollector([this](metrics::Writer& out) { WriteStore(out); });
    registry.AddCollector([this](metrics::Writer& out) { WriteDatabase(out); });
    registry.AddCollector([](metrics::Writer& out) { metrics::WriteProcessMetrics(out); });
  }
  ~ServiceMetrics() { w_.store->SetCommitObserver(nullptr); }

  void SchedulerPass(const SchedulerReport& r, int purged) {
    registry.GetCounter("parcours_scheduler_passes_total", "Scheduler passes run by this process.").Add();
    const char* help = "Scheduler decisions committed by this process, by kind.";
    auto add = [&](const char* kind, int n) {
      if (n > 0) registry.GetCounter("parcours_scheduler_decisions_total", help, {{"decision", kind}}).Add(n);
    };
    add("confirmed", r.confirmed);
    add("cancelled", r.cancelled);
    add("completed", r.completed);
    add("reminded", r.reminded);
    if (!r.failures.empty())
      registry.GetCounter("parcours_scheduler_step_failures_total", "Scheduler steps that failed (rolled back).")
          .Add(r.failures.size());
    if (purged > 0)
      registry.GetCounter("parcours_purged_rows_total", "Expired throttling, token and idempotency rows purged.").Add(purged);
  }

  metrics::Registry registry;

 private:
  void OnCommitted(const std::string& action, const std::string& status) {
    registry.GetCounter("parcours_audit_events_total", "State changes committed by this process, by audit action.",
                        {{"action", action}})
        .Add();
    const char* help = "Registration changes committed by this process, by outcome.";
    std::string outcome;
    if (action == "registration.created") outcome = status == "waitlisted" ? "waitlisted" : "confirmed";
    else if (action == "registration.withdrawn") outcome = "withdrawn";
    else if (action == "registration.promoted") outcome = "promoted";
    else if (action == "registration.cancelled") outcome = "cancelled";
    else if (action == "registration.transferred") outcome = "transferred";
    if (!outcome.empty()) registry.GetCounter("parcours_registrations_total", help, {{"outcome", outcome}}).Add();
    if (action == "attestation.issued")
      registry.GetCounter("parcours_attestations_issued_total", "Attestations issued (signed and stored).").Add();
  }

  void WriteStore(metrics::Writer& out) {
    const auto t = w_.store->stats();
    out.Single("parcours_db_transactions_committed_total", "Transactions committed.", "counter", static_cast<double>(t.committed));
    out.Family("parcours_db_transaction_retries_total",
               "Transaction attempts run again: conflicts (deadlock, lock wait, Galera certification) and lost connections.",
               "counter");
    out.Sample("parcours_db_transaction_retries_total", {{"reason", "conflict"}}, static_cast<double>(t.retried_conflict));
    out.Sample("parcours_db_transaction_retries_total", {{"reason", "connection"}}, static_cast<double>(t.retried_connection));
    out.Family("parcours_db_transaction_failures_total",
               "Transactions given up: busy (conflicts outlasted the retry budget, 503), outcome unknown (connection "
               "lost during COMMIT), unavailable (no database).",
               "counter");
    out.Sample("parcours_db_transaction_failures_total", {{"reason", "busy"}}, static_cast<double>(t.busy));
    out.Sample("parcours_db_transaction_failures_total", {{"reason", "outcome_unknown"}}, static_cast<double>(t.outcome_unknown));
    out.Sample("parcours_db_transaction_failures_total", {{"reason", "unavailable"}}, static_cast<double>(t.unavailable));
    const auto p = w_.pool->Stats();
    out.Family("parcours_db_pool_connections", "Database connections of the pool, by state.", "gauge");
    out.Sample("parcours_db_pool_connections", {{"state", "in_use"}}, static_cast<double>(p.open - p.idle));
    out.Sample("parcours_db_pool_connections", {{"state", "idle"}}, static_cast<double>(p.idle));
    out.Single("parcours_db_pool_size", "Most database connections the pool opens.", "gauge", static_cast<double>(p.size));
    out.Single("parcours_db_pool_waiting", "Requests waiting now for a database connection.", "gauge", static_cast<double>(p.waiting));
    out.Single("parcours_db_pool_acquisitions_total", "Connections taken from the pool.", "counter", static_cast<double>(p.acquisitions));
    out.Single("parcours_db_pool_waits_total", "Acquisitions that found every connection in use and waited.", "counter", static_cast<double>(p.waits));
    out.Single("parcours_db_pool_wait_seconds_total", "Time spent waiting for a connection.", "counter", p.wait_seconds);
    out.Single("parcours_db_pool_wait_timeouts_total", "Acquisitions that waited in vain (503).", "counter", static_cast<double>(p.wait_timeouts));
    out.Single("parcours_db_connect_failures_total", "Connection attempts refused or not ready, by any address.", "counter", static_cast<double>(p.connect_failures));
    out.Single("parcours_db_failovers_total", "Times new connections moved to another database address.", "counter", static_cast<double>(p.failovers));
    out.Single("parcours_db_address_index", "Which of the configured database addresses new connections go to (0: the first).", "gauge", static_cast<double>(p.current_address));
  }

  void WriteDatabase(metrics::Writer& out) {
    std::optional<DatabaseGauges> g;
    {
      std::lock_guard lock(mu_);
      try {
        if (!conn_ || conn_->broken) conn_ = w_.pool->ConnectProbe();
        g = ReadDatabaseGauges(*conn_);
      } catch (const std::exception&) {
        conn_.reset();
      }
    }
    out.Single("parcours_database_up", "1 when the database answered this scrape's queries.", "gauge", g ? 1 : 0);
    if (!g) return;
    out.Family("parcours_outbox_messages", "Notifications in the outbox, by state (sent ones are not counted).", "gauge");
    out.Sample("parcours_outbox_messages", {{"state", "pending"}}, static_cast<double>(g->outbox_pending));
    out.Sample("parcours_outbox_messages", {{"state", "failed"}}, static_cast<double>(g->outbox_failed));
    out.Single("parcours_outbox_oldest_due_seconds", "How long the most overdue pending notification has been due.", "gauge", g->outbox_oldest_due_seconds);
    out.Single("parcours_webhook_backlog_items", "Change-feed items not yet delivered to an active webhook.", "gauge", static_cast<double>(g->webhook_backlog));
    out.Family("parcours_webhooks", "Webhooks by state: failing (last delivery failed, retrying) or inactive (given up).", "gauge");
    out.Sample("parcours_webhooks", {{"state", "failing"}}, static_cast<double>(g->webhooks_failing));
    out.Sample("parcours_webhooks", {{"state", "inactive"}}, static_cast<double>(g->webhooks_inactive));
    out.Single("parcours_scheduler_failing_sessions", "Sessions whose scheduler step keeps failing.", "gauge", static_cast<double>(g->scheduler_failing));
    if (g->cluster_size) {
      out.Single("parcours_galera_cluster_size", "Nodes in the primary component, seen from this server's node.", "gauge", static_cast<double>(*g->cluster_size));
      out.Single("parcours_galera_node_ready", "1 when this server's node accepts work (wsrep_ready).", "gauge", *g->cluster_ready ? 1 : 0);
    }
  }

  Wiring& w_;
  std::mutex mu_;
  std::unique_ptr<PooledConnection> conn_;
};

http::HttpResponse MetricsResponse(const metrics::Registry& registry) {
  http::HttpResponse r;
  r.status = 200;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body = registry.Render();
  return r;
}

int Serve(Wiring& w) {
  w.Migrate();
  // Catalogue reads kept in this process, checked against the database's catalogue version on
  // every request; places left at most a second old (catalogue_cache.h).
  // The version is read outside transactions, one read in flight shared by the requests that
  // arrived before it started (VersionCoalescer).
  w.catalogue->SetCache({MonotonicNs, std::chrono::milliseconds(1000),
                         [&w] { return w.store->ReadCatalogueVersionNow(); }});
  ServiceMetrics service_metrics(w);
  if (!w.config.bootstrap_email.empty()) {
    auto r = w.accounts->BootstrapCoordinator(w.config.bootstrap_email, w.config.bootstrap_password,
                                              "Coordinator");
    if (!r) {
      std::string fields;
      for (const auto& f : r.error().errors) fields += " " + f.field + ": " + f.message + ";";
      Log("error", "cannot create the bootstrap coordinator: " + r.error().detail + fields);
      return 2;
    }
    if (*r) Log("info", "bootstrap coordinator created", {{"email", w.config.bootstrap_email}});
  }
  // Time-driven passes (decisions, completions, reminders) and the notification outbox.
  // Each pass also purges throttling rows no rule reads any more and expired tokens.
  auto scheduler_pass = [&w, &service_metrics](bool wait) {
    auto r = w.scheduler->RunOnce(wait);
    const auto retention = w.personal_data->RunRetention();
    const int purged = w.accounts->PurgeExpired() + w.idempotency->Purge(10000) + retention.notifications_purged;
    if (retention.erased > 0) Log("info", "retention: inactive people erased", {{"erased", retention.erased}});
    service_metrics.SchedulerPass(r, purged);
    if (r.confirmed + r.cancelled + r.completed + r.reminded + purged > 0)
      Log("info", "scheduler pass", {{"confirmed", r.confirmed}, {"cancelled", r.cancelled},
                                     {"completed", r.completed}, {"reminded", r.reminded},
                                     {"purged", purged}});
    for (const auto& f : r.failures)
      Log("error", "scheduler step failed", {{"session_id", f.session_id}, {"step", f.step},
                                             {"failures", f.failures}, {"error", f.last_error},
                                             {"next_attempt_at", FormatRfc3339(f.next_attempt_at, 0)}});
  };
  std::atomic<bool> stopping{false};  // lets the delivery loops leave a backlog at shutdown
  Periodic scheduler("scheduler", std::chrono::seconds(w.config.scheduler_interval_seconds),
                     [&] { scheduler_pass(false); });
  std::unique_ptr<SmtpMailer> mailer;
  std::unique_ptr<OutboxService> outbox;
  std::unique_ptr<Periodic> outbox_loop;
  if (!w.config.smtp_url.empty()) {
    mailer = std::make_unique<SmtpMailer>(SmtpSettings{w.config.smtp_url, w.config.mail_from,
                                                       w.config.smtp_user, w.config.smtp_password});
    outbox = std::make_unique<OutboxService>(*w.store, w.clock(), *mailer, w.random);
    outbox_loop = std::make_unique<Periodic>(
        "outbox", std::chrono::milliseconds(w.config.outbox_interval_ms), [&] {
          while (!stopping && outbox->DeliverDue() > 0) {
          }
        });
  } else {
    Log("warning", "no SMTP relay configured (PARCOURS_SMTP_URL): notifications stay in the outbox");
  }

  // Health of the database, four times a second: while it does not answer, requests fail at once
  // with 503 instead of waiting on a frozen server.
  Periodic db_probe("database probe", std::chrono::milliseconds(250), [&w] { w.store->Probe(); });
  WebhookSenderSettings sender_settings;
  sender_settings.policy = WebhookUrlPolicy(w.config.webhook_allow_hosts);
  CurlWebhookSender webhook_sender(sender_settings);
  WebhookDispatchSettings dispatch;
  dispatch.interval = std::chrono::milliseconds(w.config.outbox_interval_ms);
  WebhookDispatcher webhook_loop(*w.webhooks, webhook_sender, dispatch,
                                 [](const std::string& message) { Log("error", message); });
  if (!w.config.signing_key.empty()) Log("info", "attestations are signed", {{"certificate", w.config.signing_cert.find("-----BEGIN") == std::string::npos ? w.config.signing_cert : "(PEM)"}});
  else Log("warning", "no signing key (PARCOURS_SIGNING_KEY/CERT): attestations cannot be issued");
  http::Services services{*w.accounts, *w.catalogue, *w.registrations, *w.attendance, *w.agencies, *w.reports,
                          *w.attestations, *w.webhooks, *w.scheduler, *w.store,
                          w.test_clock.get(), [&] {
                            scheduler_pass(true);
                            if (outbox_loop) outbox_loop->Wake();
                            webhook_loop.Wake();
                          }};
  services.personal_data = w.personal_data.get();
  services.audit_trail = w.audit_trail.get();
  // The pages, beside the API on the same port: every path outside /api/ that no API route has.
  web::SiteServices site_services{*w.accounts, *w.catalogue, *w.registrations, *w.attendance, *w.attestations,
                                  w.clock(), w.random};
  site_services.door = w.door.get();
  site_services.people = w.people.get();
  site_services.operations = w.operations.get();
  site_services.reports = w.reports.get();
  site_services.history = w.history.get();
  site_services.webhooks = w.webhooks.get();
  site_services.speed_meeting = w.speed_meeting.get();
  site_services.personal_data = w.personal_data.get();
  site_services.employer = w.employer.get();
  site_services.documents = w.documents.get();
  web::Site site(site_services, {w.config.public_base_url});
  service_metrics.registry.AddCollector([&site](metrics::Writer& out) {
    out.Single("parcours_kept_pages", "Catalogue pages kept by this process (least recently used dropped first).",
               "gauge", static_cast<double>(site.KeptPages()));
  });
  services.pages = [&site](http::HttpRequest& req) { return ServePage(site, req); };
  services.people = w.people.get();
  services.door = w.door.get();
  services.history = w.history.get();
  services.operations = w.operations.get();
  services.structures = w.structures.get();
  services.documents = w.documents.get();
  services.evaluations = w.evaluations.get();
  services.speed_meeting = w.speed_meeting.get();
  services.employer = w.employer.get();
  http::Router router;
  http::AddAllRoutes(router, services);
  router.SetFallback(services.pages);
  auto metrics_handler = [&service_metrics](http::HttpRequest&) { return MetricsResponse(service_metrics.registry); };
  if (w.config.metrics_public) router.Add(http::Method::kGet, "/metrics", http::Access::kAnyone, metrics_handler);
  http::ServerSettings settings;
  settings.host = w.config.listen_host;
  settings.port = w.config.listen_port;
  settings.reactor_threads = w.config.reactor_threads;
  settings.worker_threads = w.config.worker_threads;
  settings.max_queue = static_cast<std::size_t>(w.config.http_queue);
  settings.max_connections = static_cast<std::size_t>(w.config.max_connections);
  settings.max_connections_per_address = static_cast<std::size_t>(w.config.max_connections_per_address);
  settings.header_timeout = std::chrono::seconds(w.config.header_timeout_seconds);
  settings.keepalive_timeout = std::chrono::seconds(w.config.keepalive_timeout_seconds);
  settings.monotonic_ns = MonotonicNs;
  settings.unix_seconds = [] {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  settings.metrics = &service_metrics.registry;
  // Public catalogue answers kept by the server and given out once the next shared version
  // read shows them fresh, without a worker (SetCache above gave the catalogue its version
  // reader, so AwaitVersion always takes the callback).
  settings.await_catalogue = [&w](std::function<void(const CatalogueReading&)> done) {
    w.catalogue->AwaitVersion(std::move(done));
  };
  {
    std::string error;
    settings.trusted_proxies = *http::ParseTrustedProxies(w.config.trusted_proxies, error);  // validated at load
  }
  RaiseFileLimit();
  // The metrics listener: /metrics (and /health) only, on an address of its own.
  http::Router metrics_router;
  std::unique_ptr<http::HttpServer> metrics_server;
  if (w.config.metrics_port >= 0) {
    metrics_router.Add(http::Method::kGet, "/metrics", http::Access::kAnyone, metrics_handler);
    metrics_router.Add(http::Method::kGet, "/health", http::Access::kAnyone, [&w](http::HttpRequest&) {
      const bool ok = w.store->Ping();
      return http::HttpResponse::Json(ok ? 200 : 503, {{"status", ok ? "ok" : "unavailable"}});
    });
    http::ServerSettings metrics_settings = settings;
    metrics_settings.host = w.config.metrics_host;
    metrics_settings.port = static_cast<std::uint16_t>(w.config.metrics_port);
    metrics_settings.worker_threads = 2;
    metrics_settings.reactor_threads = 1;
    metrics_settings.max_queue = 16;
    metrics_settings.await_catalogue = nullptr;
    metrics_server = std::make_unique<http::HttpServer>(metrics_router, *w.accounts, *w.idempotency, metrics_settings);
    metrics_server->Start();
    WritePortFile(w.config.metrics_port_file, metrics_server->Port());
    Log("info", "metrics listening", {{"address", w.config.metrics_host + ":" + std::to_string(metrics_server->Port())}});
  }
  settings.may_upload = [&w](const Principal& who, Id session_id) { return w.documents->MayUpload(who, session_id); };
  settings.session_cookie = web::kSessionCookieName;
  http::HttpServer server(router, *w.accounts, *w.idempotency, settings);
  server.Start();
  WritePortFile(w.config.port_file, server.Port());
  Log("info", "listening", {{"address", w.config.listen_host + ":" + std::to_string(server.Port())},
                            {"test_clock", w.config.test_clock},
                            {"database", w.pool->url().Redacted()}});
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  int sig = 0;
  sigwait(&signals, &sig);
  Log("info", "shutting down", {{"signal", sig}});
  stopping = true;
  server.Shutdown(std::chrono::seconds(10));
  if (metrics_server) metrics_server->Shutdown(std::chrono::seconds(1));
  scheduler.Stop();
  db_probe.Stop();
  webhook_loop.Stop();
  if (outbox_loop) outbox_loop->Stop();
  Log("info", "stopped");
  return 0;
}

// `parcours verify FILE.pdf`: the embedded signature against the configured issuer
// certificate, and the document's hash against the issued record. Exit 0 only when both hold.
int VerifyFile(Wiring& w, const std::string& path) {
  if (w.config.signing_cert.empty()) {
    std::cerr << "parcours: set PARCOURS_SIGNING_CERT to the issuer certificate\n";
    return 2;
  }
  const std::string pdf = ReadFile(path);
  auto check = certificates::Verify(pdf, Wiring::PemOrFile(w.config.signing_cert));
  const std::string sha = certificates::Sha256Hex(pdf);
  std::optional<Attestation> record;
  w.store->Transact([&](UnitOfWork& uow) {
    record = uow.attestations().FindBySha256(sha);
    return true;
  });
  std::cout << "file:        " << path << "\n"
            << "sha256:      " << sha << "\n"
            << "signature:   " << (check.Valid() ? "valid" : "NOT VALID") << (check.error.empty() ? "" : " (" + check.error + ")") << "\n"
            << "signer:      " << check.signer_subject << "\n";
  if (!record) {
    std::cout << "record:      no attestation was issued with these exact bytes\n";
    return 1;
  }
  std::cout << "record:      attestation " << record->id << ", code " << record->verification_code << ", "
            << record->holder_name << ", " << record->pathway_title << "\n"
            << "status:      " << (record->revoked_at ? "REVOKED (" + record->revoke_reason + ")" : "valid") << "\n";
  return check.Valid() && !record->revoked_at ? 0 : 1;
}

int CreateCoordinator(Wiring& w, const std::vector<std::string>& pos) {
  if (pos.size() < 4) return Usage();
  std::string password;
  if (const char* p = std::getenv("PARCOURS_ADMIN_PASSWORD")) password = p;
  else std::getline(std::cin, password);
  w.Migrate();
  RequestContext ctx;
  ctx.principal.kind = Principal::Kind::kUser;
  ctx.principal.roles = RoleBit(Role::kCoordinator);
  ctx.request_id = "cli";
  NewAccount in{pos[2], password, pos[3], "", "fr", {"coordinator", "trainer"}};
  auto r = w.accounts->CreateStaff(ctx, in);
  if (!r) {
    std::cerr << "parcours: " << r.error().detail << "\n";
    for (const auto& f : r.error().errors) std::cerr << "  " << f.field << ": " << f.message << "\n";
    return 1;
  }
  std::cout << "coordinator " << r->email << " created (id " << r->id << ")\n";
  return 0;
}

int Routes() {
  OfflineRoutes offline;
  for (const auto& line : offline.router.Describe()) std::cout << line << "\n";
  return 0;
}

}  // namespace

int Run(const std::vector<std::string>& args) {
  if (args.empty()) return Usage();
  const std::string command = args[0];
  if (command == "routes") return Routes();
  if (command != "serve" && command != "migrate" && command != "seed" && command != "admin" && command != "verify" &&
      command != "demo-people")
    return Usage();

  static const SystemClock wall_clock;
  http::SetLogClock(&wall_clock);
  // Signals are blocked before any thread starts, so only sigwait() receives them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Config config;
  std::vector<std::string> positional;
  if (auto error = LoadConfig({args.begin() + 1, args.end()}, config, positional)) {
    std::cerr << "parcours: " << *error << "\n";
    return 2;
  }
  try {
    Wiring w(config);
    if (command == "serve") return Serve(w);
    if (command == "migrate") {
      w.Migrate();
      return 0;
    }
    if (command == "seed") {
      if (positional.empty()) return Usage();
      w.Migrate();
      const std::string& path = positional[0];
      const std::string name = path.substr(path.find_last_of('/') + 1);  // recorded by file name
      bool applied = Migrator(*w.pool).ApplySeed(name, ReadFile(path));
      std::cout << (applied ? "loaded " : "already loaded: ") << positional[0] << "\n";
      return 0;
    }
    if (command == "demo-people") {
      w.Migrate();
      DemoPeople people;
      people.coordinator_email = w.config.bootstrap_email;
      people.coordinator_password = w.config.bootstrap_password;
      if (const char* p = std::getenv("PARCOURS_DEMO_TRAINER_PASSWORD")) people.trainer_password = p;
      if (const char* p = std::getenv("PARCOURS_DEMO_PARTICIPANT_PASSWORD")) people.participant_password = p;
      AccountSettings settings;
      settings.scrypt = w.config.scrypt;
      settings.public_url = w.config.public_base_url;
      return LoadDemoPeople(*w.store, w.clock(), w.random, *w.hashing_gate, settings, people);
    }
    if (command == "verify") {
      if (positional.empty()) return Usage();
      return VerifyFile(w, positional[0]);
    }
    if (positional.size() >= 1 && positional[0] == "create-coordinator") {
      positional.insert(positional.begin(), "admin");
      return CreateCoordinator(w, positional);
    }
    return Usage();
  } catch (const std::invalid_argument& e) {
    std::cerr << "parcours: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    Log("error", e.what());
    return 1;
  }
}

}  // namespace parcours::app
