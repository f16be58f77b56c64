// Unit tests of src/app/config: flags, environment and config file, their precedence, and
// the messages for bad settings. The environment is saved and restored around each test.
#include "app/config.h"

#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parcours::app {
namespace {

// Every variable LoadConfig reads.
constexpr const char* kVariables[] = {
    "PARCOURS_DATABASE_URL",
    "PARCOURS_LISTEN",
    "PARCOURS_THREADS",
    "PARCOURS_WORKERS",
    "PARCOURS_DB_POOL",
    "PARCOURS_PORT_FILE",
    "PARCOURS_PUBLIC_URL",
    "PARCOURS_SCRYPT_N",
    "PARCOURS_SCRYPT_CONCURRENCY",
    "PARCOURS_SIGNUPS_PER_HOUR",
    "PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL",
    "PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD",
    "PARCOURS_SIGNING_KEY",
    "PARCOURS_SIGNING_CERT",
    "PARCOURS_SMTP_URL",
    "PARCOURS_SMTP_USER",
    "PARCOURS_SMTP_PASSWORD",
    "PARCOURS_MAIL_FROM",
    "PARCOURS_SCHEDULER_INTERVAL",
    "PARCOURS_OUTBOX_INTERVAL_MS",
    "PARCOURS_SIGNATORY_NAME",
    "PARCOURS_SIGNATORY_TITLE",
    "PARCOURS_SIGNATORY_TITLE_DE",
    "PARCOURS_CENTRE_NAME_EN",
    "PARCOURS_ORGANIZER_NAME",
    "PARCOURS_WEBHOOK_ALLOW_HOSTS",
    "PARCOURS_TRUSTED_PROXIES",
    "PARCOURS_METRICS_LISTEN",
    "PARCOURS_METRICS_PORT_FILE",
};

// Clears the variables for the test's duration and puts the previous values back after.
class CleanEnvironment {
 public:
  CleanEnvironment() {
    for (const char* name : kVariables) {
      if (const char* v = std::getenv(name)) saved_[name] = v;
      unsetenv(name);
    }
  }
  ~CleanEnvironment() {
    for (const char* name : kVariables) {
      auto it = saved_.find(name);
      if (it == saved_.end())
        unsetenv(name);
      else
        setenv(name, it->second.c_str(), 1);
    }
  }
  void Set(const char* name, const std::string& value) { setenv(name, value.c_str(), 1); }

 private:
  std::map<std::string, std::string> saved_;
};

// A config file in the temporary directory, removed afterwards.
class TempConfigFile {
 public:
  explicit TempConfigFile(const std::string& text) {
    char name[] = "/tmp/parcours_unit_config_XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    path_ = name;
    std::ofstream out(path_);
    out << text;
  }
  ~TempConfigFile() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Loaded {
  std::optional<std::string> error;
  Config config;
  std::vector<std::string> positional;
};

Loaded Load(const std::vector<std::string>& args) {
  Loaded l;
  l.error = LoadConfig(args, l.config, l.positional);
  return l;
}

bool Contains(const std::optional<std::string>& message, const std::string& part) {
  return message && message->find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("config: no settings give the defaults", "[config]") {
  CleanEnvironment env;
  auto l = Load({});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.database_url.empty());
  CHECK(l.config.listen_host == "127.0.0.1");
  CHECK(l.config.listen_port == 8080);
  CHECK(l.config.reactor_threads == 2);
  CHECK(l.config.worker_threads == 32);
  CHECK(l.config.db_pool_size == 32);
  CHECK_FALSE(l.config.test_clock);
  CHECK(l.config.scrypt.n == (1u << 15));
  CHECK(l.config.scrypt_concurrency == 2);
  CHECK(l.config.signups_per_hour == 10);
  CHECK(l.config.smtp_url.empty());
  CHECK(l.config.smtp_user.empty());
  CHECK(l.config.smtp_password.empty());
  CHECK(l.config.mail_from == "Parcours <no-reply@parcours.local>");
  CHECK(l.config.scheduler_interval_seconds == 30);
  CHECK(l.config.outbox_interval_ms == 500);
  CHECK(l.positional.empty());
}

TEST_CASE("config: flags set the listen address, database URL and workers", "[config]") {
  CleanEnvironment env;
  auto l = Load({"--listen", "127.0.0.1:0", "--database-url", "mysql://u:p@db:3306/parcours",
                 "--workers", "4"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.listen_host == "127.0.0.1");
  CHECK(l.config.listen_port == 0);
  CHECK(l.config.database_url == "mysql://u:p@db:3306/parcours");
  CHECK(l.config.worker_threads == 4);
}

TEST_CASE("config: flags also take the --name=value form", "[config]") {
  CleanEnvironment env;
  auto l = Load({"--listen=0.0.0.0:9090", "--threads=3", "--db-pool=5", "--port-file=/tmp/p",
                 "--public-url=https://parcours.example.lu", "--scrypt-n=2048"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.listen_host == "0.0.0.0");
  CHECK(l.config.listen_port == 9090);
  CHECK(l.config.reactor_threads == 3);
  CHECK(l.config.db_pool_size == 5);
  CHECK(l.config.port_file == "/tmp/p");
  CHECK(l.config.public_base_url == "https://parcours.example.lu");
  CHECK(l.config.scrypt.n == 2048);
}

TEST_CASE("config: --listen with only a port listens on 127.0.0.1", "[config]") {
  CleanEnvironment env;
  auto l = Load({"--listen", ":9000"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.listen_host == "127.0.0.1");
  CHECK(l.config.listen_port == 9000);
}

TEST_CASE("config: --test-clock and positional arguments", "[config]") {
  CleanEnvironment env;
  auto l = Load({"create-coordinator", "--test-clock", "ana@example.lu", "--workers", "2"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.test_clock);
  CHECK(l.config.worker_threads == 2);
  CHECK(l.positional == std::vector<std::string>{"create-coordinator", "ana@example.lu"});
}

TEST_CASE("config: a bad --listen value is refused with a message", "[config]") {
  CleanEnvironment env;
  auto nonsense = Load({"--listen", "nonsense"});
  CHECK(Contains(nonsense.error, "listen must be HOST:PORT"));
  for (const char* value :
       {"127.0.0.1:", "127.0.0.1:abc", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:08080"}) {
    INFO(value);
    auto l = Load({"--listen", value});
    CHECK(Contains(l.error, "listen: bad port"));
  }
}

TEST_CASE("config: numbers out of range are refused with a message", "[config]") {
  CleanEnvironment env;
  CHECK(Load({"--workers", "0"}).error == std::string("workers must be a number from 1 to 1024"));
  CHECK(Contains(Load({"--workers", "1025"}).error, "workers must be"));
  CHECK(Contains(Load({"--workers", "many"}).error, "workers must be"));
  CHECK(Contains(Load({"--workers", "-3"}).error, "workers must be"));
  CHECK(Contains(Load({"--threads", "65"}).error, "threads must be a number from 1 to 64"));
  CHECK(Contains(Load({"--db-pool", "0"}).error, "db_pool must be"));
  CHECK(Contains(Load({"--scrypt-n", "1000"}).error, "scrypt_n must be a power of two"));
  CHECK(Contains(Load({"--scrypt-n", "512"}).error, "scrypt_n must be a power of two"));
  CHECK(Contains(Load({"--scrypt-n", "2097152"}).error, "scrypt_n must be a power of two"));
  CHECK(Load({"--scrypt-concurrency", "0"}).error == std::string("scrypt_concurrency must be a number from 1 to 64"));
  CHECK(Contains(Load({"--signups-per-hour", "0"}).error, "signups_per_hour must be a number from 1"));
}

TEST_CASE("config: the hashing gate and the sign-up pace are set by flag or environment", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_SCRYPT_CONCURRENCY", "4");
  auto l = Load({"--signups-per-hour", "100000"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.scrypt_concurrency == 4);
  CHECK(l.config.signups_per_hour == 100000);
}

TEST_CASE("config: unknown options and missing values are refused", "[config]") {
  CleanEnvironment env;
  CHECK(Load({"--frobnicate"}).error == std::string("unknown option --frobnicate"));
  CHECK(Load({"--frobnicate=1"}).error == std::string("unknown option --frobnicate=1"));
  CHECK(Load({"--workers"}).error == std::string("--workers needs a value"));
  CHECK(Load({"--config"}).error == std::string("--config needs a file"));
}

TEST_CASE("config: a config file is read", "[config]") {
  CleanEnvironment env;
  TempConfigFile file(
      "# Parcours settings\n"
      "\n"
      "database_url = mysql://file:secret@db.example.lu:3307/parcours\n"
      "  listen=127.0.0.1:9000  \n"
      "workers = 8\n"
      "test_clock = true\n");
  auto l = Load({"--config", file.path()});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.database_url == "mysql://file:secret@db.example.lu:3307/parcours");
  CHECK(l.config.listen_port == 9000);
  CHECK(l.config.worker_threads == 8);
  CHECK(l.config.test_clock);
}

TEST_CASE("config: flags override the config file wherever they appear", "[config]") {
  CleanEnvironment env;
  TempConfigFile file("database_url = mysql://file@db/parcours\nworkers = 8\nthreads = 4\n");
  auto after = Load({"--config", file.path(), "--workers", "3"});
  REQUIRE_FALSE(after.error);
  CHECK(after.config.worker_threads == 3);
  CHECK(after.config.reactor_threads == 4);
  CHECK(after.config.database_url == "mysql://file@db/parcours");

  auto before = Load({"--workers=5", "--config=" + file.path()});
  REQUIRE_FALSE(before.error);
  CHECK(before.config.worker_threads == 5);
}

TEST_CASE("config: a bad config file is refused with its line number", "[config]") {
  CleanEnvironment env;
  TempConfigFile unknown("workers = 8\ncolour = blue\n");
  auto l = Load({"--config", unknown.path()});
  CHECK(l.error == unknown.path() + ":2: unknown setting 'colour'");

  TempConfigFile no_equals("# comment\nworkers 8\n");
  auto m = Load({"--config", no_equals.path()});
  CHECK(m.error == no_equals.path() + ":2: expected 'key = value'");

  TempConfigFile bad_value("workers = 0\n");
  CHECK(Contains(Load({"--config", bad_value.path()}).error, "workers must be"));

  auto missing = Load({"--config", "/nonexistent/parcours.conf"});
  CHECK(missing.error == std::string("cannot read config file /nonexistent/parcours.conf"));
}

TEST_CASE("config: environment variables are read", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_DATABASE_URL", "mysql://env@db/parcours");
  env.Set("PARCOURS_WORKERS", "7");
  env.Set("PARCOURS_LISTEN", "0.0.0.0:8443");
  auto l = Load({});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.database_url == "mysql://env@db/parcours");
  CHECK(l.config.worker_threads == 7);
  CHECK(l.config.listen_host == "0.0.0.0");
  CHECK(l.config.listen_port == 8443);
}

TEST_CASE("config: flags override the environment, which overrides the file", "[config]") {
  CleanEnvironment env;
  TempConfigFile file("workers = 8\nthreads = 4\ndb_pool = 6\n");
  env.Set("PARCOURS_WORKERS", "7");
  env.Set("PARCOURS_THREADS", "5");
  auto l = Load({"--config", file.path(), "--workers", "3"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.worker_threads == 3);   // flag
  CHECK(l.config.reactor_threads == 5);  // environment
  CHECK(l.config.db_pool_size == 6);     // file
}

TEST_CASE("config: an empty environment variable counts as unset", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_WORKERS", "");
  auto l = Load({});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.worker_threads == 32);
}

TEST_CASE("config: a bad environment value is refused", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_WORKERS", "0");
  CHECK(Contains(Load({}).error, "workers must be"));
}

TEST_CASE("config: the bootstrap coordinator needs both e-mail and password", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL", "coordinator@example.lu");
  CHECK(Contains(Load({}).error, "set both PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL"));
  env.Set("PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD", "a long enough password");
  auto l = Load({});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.bootstrap_email == "coordinator@example.lu");
  CHECK(l.config.bootstrap_password == "a long enough password");
}

TEST_CASE("config: the environment is restored after each test", "[config]") {
  CleanEnvironment outer;  // so this test leaves the real environment as it found it
  outer.Set("PARCOURS_WORKERS", "9");
  {
    CleanEnvironment env;
    CHECK(std::getenv("PARCOURS_WORKERS") == nullptr);
    env.Set("PARCOURS_WORKERS", "7");
    env.Set("PARCOURS_THREADS", "3");
  }
  REQUIRE(std::getenv("PARCOURS_WORKERS") != nullptr);
  CHECK(std::string(std::getenv("PARCOURS_WORKERS")) == "9");
  CHECK(std::getenv("PARCOURS_THREADS") == nullptr);
}

TEST_CASE("config: flags set the SMTP relay, sender and intervals", "[config]") {
  CleanEnvironment env;
  auto l = Load({"--smtp-url", "smtp://mail.example.lu:587", "--mail-from",
                 "Parcours <noreply@parcours.lu>", "--scheduler-interval", "60",
                 "--outbox-interval-ms", "250"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.smtp_url == "smtp://mail.example.lu:587");
  CHECK(l.config.mail_from == "Parcours <noreply@parcours.lu>");
  CHECK(l.config.scheduler_interval_seconds == 60);
  CHECK(l.config.outbox_interval_ms == 250);
  CHECK(l.positional.empty());

  auto eq = Load({"--smtp-url=smtps://mail.example.lu", "--scheduler-interval=5",
                  "--outbox-interval-ms=1000", "--mail-from=ops@parcours.lu"});
  REQUIRE_FALSE(eq.error);
  CHECK(eq.config.smtp_url == "smtps://mail.example.lu");
  CHECK(eq.config.scheduler_interval_seconds == 5);
  CHECK(eq.config.outbox_interval_ms == 1000);
  CHECK(eq.config.mail_from == "ops@parcours.lu");
}

TEST_CASE("config: the SMTP URL must be smtp:// or smtps://", "[config]") {
  CleanEnvironment env;
  for (const char* value : {"smtp://127.0.0.1:2525", "smtps://mail.example.lu:465"}) {
    INFO(value);
    auto l = Load({"--smtp-url", value});
    REQUIRE_FALSE(l.error);
    CHECK(l.config.smtp_url == value);
  }
  for (const char* value : {"mail.example.lu:25", "http://mail.example.lu", "SMTP://mail.example.lu",
                            "smtp:/mail", "smtp", " smtp://mail.example.lu"}) {
    INFO(value);
    CHECK(Load({"--smtp-url", value}).error ==
          std::string("smtp_url must start with smtp:// or smtps://"));
  }
  CHECK(Load({"--smtp-url"}).error == std::string("--smtp-url needs a value"));
}

TEST_CASE("config: the scheduler interval is 1 to 86400 seconds", "[config]") {
  CleanEnvironment env;
  CHECK(Load({"--scheduler-interval", "1"}).config.scheduler_interval_seconds == 1);
  CHECK(Load({"--scheduler-interval", "86400"}).config.scheduler_interval_seconds == 86400);
  for (const char* value : {"0", "86401", "-1", "ten", "1.5", "", "030"}) {
    INFO(value);
    CHECK(Load({"--scheduler-interval", value}).error ==
          std::string("scheduler_interval must be a number from 1 to 86400"));
  }
}

TEST_CASE("config: the outbox interval is 10 to 600000 milliseconds", "[config]") {
  CleanEnvironment env;
  CHECK(Load({"--outbox-interval-ms", "10"}).config.outbox_interval_ms == 10);
  CHECK(Load({"--outbox-interval-ms", "600000"}).config.outbox_interval_ms == 600000);
  for (const char* value : {"9", "0", "600001", "-10", "fast", "99999999999999999999"}) {
    INFO(value);
    CHECK(Load({"--outbox-interval-ms", value}).error ==
          std::string("outbox_interval_ms must be a number from 10 to 600000"));
  }
}

TEST_CASE("config: SMTP settings come from the environment", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_SMTP_URL", "smtp://relay.example.lu:25");
  env.Set("PARCOURS_SMTP_USER", "parcours");
  env.Set("PARCOURS_SMTP_PASSWORD", "s3cret password");
  env.Set("PARCOURS_MAIL_FROM", "Parcours <env@parcours.lu>");
  env.Set("PARCOURS_SCHEDULER_INTERVAL", "120");
  env.Set("PARCOURS_OUTBOX_INTERVAL_MS", "2000");
  auto l = Load({});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.smtp_url == "smtp://relay.example.lu:25");
  CHECK(l.config.smtp_user == "parcours");
  CHECK(l.config.smtp_password == "s3cret password");
  CHECK(l.config.mail_from == "Parcours <env@parcours.lu>");
  CHECK(l.config.scheduler_interval_seconds == 120);
  CHECK(l.config.outbox_interval_ms == 2000);
}

TEST_CASE("config: a bad SMTP URL or interval in the environment is refused", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_SMTP_URL", "relay.example.lu");
  CHECK(Load({}).error == std::string("smtp_url must start with smtp:// or smtps://"));
  env.Set("PARCOURS_SMTP_URL", "");  // empty counts as unset
  CHECK_FALSE(Load({}).error);
  env.Set("PARCOURS_SCHEDULER_INTERVAL", "0");
  CHECK(Contains(Load({}).error, "scheduler_interval must be"));
  env.Set("PARCOURS_SCHEDULER_INTERVAL", "10");
  env.Set("PARCOURS_OUTBOX_INTERVAL_MS", "5");
  CHECK(Contains(Load({}).error, "outbox_interval_ms must be"));
}

TEST_CASE("config: the --smtp-url flag overrides PARCOURS_SMTP_URL", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_SMTP_URL", "smtp://env.example.lu");
  env.Set("PARCOURS_SCHEDULER_INTERVAL", "120");
  auto l = Load({"--smtp-url", "smtps://flag.example.lu", "--scheduler-interval", "15"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.smtp_url == "smtps://flag.example.lu");
  CHECK(l.config.scheduler_interval_seconds == 15);
  // A valid flag also wins over a bad environment value.
  env.Set("PARCOURS_SMTP_URL", "bad");
  auto over = Load({"--smtp-url", "smtp://flag.example.lu"});
  REQUIRE_FALSE(over.error);
  CHECK(over.config.smtp_url == "smtp://flag.example.lu");
}

TEST_CASE("config: the SMTP credentials have no flags", "[config]") {
  CleanEnvironment env;
  CHECK(Load({"--smtp-user", "u"}).error == std::string("unknown option --smtp-user"));
  CHECK(Load({"--smtp-password=p"}).error == std::string("unknown option --smtp-password=p"));
}

TEST_CASE("config: SMTP settings are read from a config file", "[config]") {
  CleanEnvironment env;
  TempConfigFile file(
      "smtp_url = smtp://file.example.lu:2525\n"
      "smtp_user = file-user\n"
      "smtp_password = file password\n"
      "mail_from = Parcours <file@parcours.lu>\n"
      "scheduler_interval = 300\n"
      "outbox_interval_ms = 750\n");
  env.Set("PARCOURS_OUTBOX_INTERVAL_MS", "900");
  auto l = Load({"--config", file.path()});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.smtp_url == "smtp://file.example.lu:2525");
  CHECK(l.config.smtp_user == "file-user");
  CHECK(l.config.smtp_password == "file password");
  CHECK(l.config.mail_from == "Parcours <file@parcours.lu>");
  CHECK(l.config.scheduler_interval_seconds == 300);
  CHECK(l.config.outbox_interval_ms == 900);  // the environment wins over the file

  TempConfigFile bad("smtp_url = ftp://file.example.lu\n");
  CHECK(Load({"--config", bad.path()}).error ==
        std::string("smtp_url must start with smtp:// or smtps://"));
}

TEST_CASE("config: the guard also clears and restores the notification variables", "[config]") {
  CleanEnvironment outer;
  outer.Set("PARCOURS_SMTP_URL", "smtp://outer.example.lu");
  outer.Set("PARCOURS_SMTP_PASSWORD", "outer");
  {
    CleanEnvironment env;
    for (const char* name : {"PARCOURS_SMTP_URL", "PARCOURS_SMTP_USER", "PARCOURS_SMTP_PASSWORD",
                             "PARCOURS_MAIL_FROM", "PARCOURS_SCHEDULER_INTERVAL",
                             "PARCOURS_OUTBOX_INTERVAL_MS"}) {
      INFO(name);
      CHECK(std::getenv(name) == nullptr);
    }
    env.Set("PARCOURS_SMTP_URL", "smtp://inner.example.lu");
    env.Set("PARCOURS_MAIL_FROM", "inner@parcours.lu");
  }
  REQUIRE(std::getenv("PARCOURS_SMTP_URL") != nullptr);
  CHECK(std::string(std::getenv("PARCOURS_SMTP_URL")) == "smtp://outer.example.lu");
  REQUIRE(std::getenv("PARCOURS_SMTP_PASSWORD") != nullptr);
  CHECK(std::string(std::getenv("PARCOURS_SMTP_PASSWORD")) == "outer");
  CHECK(std::getenv("PARCOURS_MAIL_FROM") == nullptr);
}

TEST_CASE("config: the issuer's wording per language, from the environment and the file", "[config]") {
  CleanEnvironment env;
  env.Set("PARCOURS_SIGNATORY_TITLE", "Coordination");
  env.Set("PARCOURS_SIGNATORY_TITLE_DE", "Koordinatorin");
  env.Set("PARCOURS_CENTRE_NAME_EN", "Cesas, Luxembourg");
  TempConfigFile file("signatory_name_fr = Claire Weber\ncentre_place_de = Luxemburg-Stadt\n");
  auto l = Load({"--config", file.path()});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.signatory_title == "Coordination");
  CHECK(l.config.issuer_by_language.at("de").signatory_title == "Koordinatorin");
  CHECK(l.config.issuer_by_language.at("en").centre_name == "Cesas, Luxembourg");
  CHECK(l.config.issuer_by_language.at("fr").signatory_name == "Claire Weber");
  CHECK(l.config.issuer_by_language.at("de").centre_place == "Luxemburg-Stadt");
  CHECK(l.config.issuer_by_language.at("fr").signatory_title.empty());  // the general one applies
}

TEST_CASE("config: the calendar organizer is the sender, under its display name or a configured one", "[config]") {
  CleanEnvironment env;
  auto defaults = Load({});
  REQUIRE_FALSE(defaults.error);
  CHECK(defaults.config.organizer_email == "no-reply@parcours.local");
  CHECK(defaults.config.organizer_name == "Parcours");
  auto quoted = Load({"--mail-from", "\"Cesas Luxembourg\" <info@cesas.lu>"});
  CHECK(quoted.config.organizer_email == "info@cesas.lu");
  CHECK(quoted.config.organizer_name == "Cesas Luxembourg");
  auto bare = Load({"--mail-from", "ops@parcours.lu", "--organizer-name", "Cesas"});
  CHECK(bare.config.organizer_email == "ops@parcours.lu");
  CHECK(bare.config.organizer_name == "Cesas");
  env.Set("PARCOURS_ORGANIZER_NAME", "Centre");
  CHECK(Load({}).config.organizer_name == "Centre");
  CHECK(Load({"--mail-from", "Parcours <not an address>"}).error);
}

TEST_CASE("config: the webhook allow-list is empty unless set", "[config][webhook-policy]") {
  CleanEnvironment env;
  auto l = Load({});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.webhook_allow_hosts.empty());
}

TEST_CASE("config: the webhook allow-list is a comma-separated list of hosts", "[config][webhook-policy]") {
  CleanEnvironment env;
  env.Set("PARCOURS_WEBHOOK_ALLOW_HOSTS", "ignored.example");
  auto l = Load({"--webhook-allow-hosts", " 127.0.0.1, hooks.internal ,[::1],"});
  REQUIRE_FALSE(l.error);
  CHECK(l.config.webhook_allow_hosts == std::vector<std::string>{"127.0.0.1", "hooks.internal", "[::1]"});
  env.Set("PARCOURS_WEBHOOK_ALLOW_HOSTS", "sync.ifen.lu");
  auto from_env = Load({});
  REQUIRE_FALSE(from_env.error);
  CHECK(from_env.config.webhook_allow_hosts == std::vector<std::string>{"sync.ifen.lu"});
  TempConfigFile file("webhook_allow_hosts = 10.1.2.3\n");
  unsetenv("PARCOURS_WEBHOOK_ALLOW_HOSTS");
  auto from_file = Load({"--config", file.path()});
  REQUIRE_FALSE(from_file.error);
  CHECK(from_file.config.webhook_allow_hosts == std::vector<std::string>{"10.1.2.3"});
}

TEST_CASE("config: a bad webhook allow-list entry stops the start", "[config][webhook-policy]") {
  CleanEnvironment env;
  for (const char* bad : {"http://127.0.0.1", "127.1", "host:8080", "*.example", "a b"}) {
    INFO(bad);
    auto l = Load({"--webhook-allow-hosts", std::string("127.0.0.1,") + bad});
    CHECK(Contains(l.error, "webhook_allow_hosts"));
  }
}

}  // namespace parcours::app

namespace parcours::app {

TEST_CASE("config: trusted proxies and the metrics listener", "[config]") {
  CleanEnvironment env;
  auto none = Load({});
  REQUIRE_FALSE(none.error);
  CHECK(none.config.trusted_proxies.empty());
  CHECK(none.config.metrics_port == -1);  // no /metrics unless asked
  CHECK_FALSE(none.config.metrics_public);

  env.Set("PARCOURS_TRUSTED_PROXIES", "127.0.0.1, ::1, 10.0.0.0/8");
  env.Set("PARCOURS_METRICS_LISTEN", "127.0.0.1:9464");
  auto set = Load({});
  REQUIRE_FALSE(set.error);
  CHECK(set.config.trusted_proxies == "127.0.0.1, ::1, 10.0.0.0/8");
  CHECK(set.config.metrics_host == "127.0.0.1");
  CHECK(set.config.metrics_port == 9464);

  auto on_public = Load({"--metrics-listen", "public"});
  REQUIRE_FALSE(on_public.error);
  CHECK(on_public.config.metrics_public);

  CHECK(Contains(Load({"--trusted-proxies", "nginx.local"}).error, "trusted_proxies: 'nginx.local'"));
  CHECK(Contains(Load({"--metrics-listen", "9464"}).error, "metrics_listen must be HOST:PORT"));
  CHECK(Contains(Load({"--metrics-listen", "127.0.0.1:99999"}).error, "metrics_listen: bad port"));
}

}  // namespace parcours::app
