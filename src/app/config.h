#pragma once
// Settings, read once at start from flags, then environment variables, then a config file
// (`--config`, lines "key = value" with the environment names' suffix in lower case, e.g.
// "database_url = mysql://..."), then defaults. Validated here: a bad setting stops the start.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "services/crypto.h"

namespace parcours::app {

struct Config {
  std::string database_url;
  std::string listen_host = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  int reactor_threads = 2;
  int worker_threads = 32;
  int db_pool_size = 32;
  // Database timing: a statement waits for a row lock at most db_lock_wait seconds; a
  // transaction that keeps meeting conflicts is retried for db_retry_budget_ms, then 503;
  // reads and writes on a connection time out after db_io_timeout seconds.
  int db_lock_wait_seconds = 5;
  int db_retry_budget_ms = 2000;
  int db_io_timeout_seconds = 10;
  // HTTP front: queue of requests waiting for a worker (503 beyond), open connections in
  // total and per client address, and how long a request may take to arrive / a
  // persistent connection may stay idle.
  int http_queue = 512;
  int max_connections = 20000;
  int max_connections_per_address = 512;
  int header_timeout_seconds = 10;
  int keepalive_timeout_seconds = 30;
  bool test_clock = false;
  std::string port_file;  // written with the bound port once listening (for --listen :0)
  std::string bootstrap_email, bootstrap_password;
  std::string signing_key, signing_cert;
  std::string public_base_url = "http://127.0.0.1:8080";
  ScryptParams scrypt;
  // Password hashes computed at once in this process; more wait up to a second, then 503.
  int scrypt_concurrency = 2;
  int signups_per_hour = 10;  // self sign-ups per client address (IPv4 address or IPv6 /64)
  // Notifications: delivered only when an SMTP relay is configured.
  std::string smtp_url, smtp_user, smtp_password;
  std::string mail_from = "Parcours <no-reply@parcours.local>";
  int scheduler_interval_seconds = 30;
  std::string templates_dir;  // certificates/templates (logo, font subset); default: the source tree's
  // The issuer's wording on certificates: the unsuffixed settings for every language, the
  // _FR/_DE/_EN ones (keys "fr", "de", "en" here) for one; empty: the language's default.
  std::string centre_name, centre_place, signatory_name, signatory_title;
  struct IssuerText {
    std::string centre_name, centre_place, signatory_name, signatory_title;
  };
  std::map<std::string, IssuerText> issuer_by_language;
  // The ORGANIZER of calendar invitations: mail_from's address, under organizer_name (default:
  // mail_from's display name, else "Parcours").
  std::string organizer_name;
  std::string organizer_email;
  std::string tsa_url;  // RFC 3161 timestamp authority (PAdES B-T); empty: B-B signatures
  int outbox_interval_ms = 500;
  // Hosts (names or IP addresses) that webhooks may call over plain http:// and at any
  // address, private or loopback included; every other webhook is https:// to a public address.
  std::vector<std::string> webhook_allow_hosts;
  // Reverse proxies (addresses or networks) whose X-Forwarded-For names the client; empty:
  // the header is ignored and the TCP peer is the client.
  std::string trusted_proxies;
  // GET /metrics (Prometheus text format): on its own listener at metrics_host:metrics_port
  // (metrics_port -1: no metrics; 0: a free port, written to metrics_port_file), and on the
  // public listener only when metrics_listen is the word "public".
  std::string metrics_host = "127.0.0.1";
  int metrics_port = -1;
  bool metrics_public = false;
  std::string metrics_port_file;
  // Personal data: participants with no activity for retention_days are erased by the
  // scheduler (0: never, the default); delivered notifications are deleted after
  // notification_retention_days.
  int retention_days = 0;
  int notification_retention_days = 90;
};

// Parses argv (after the subcommand) and the environment. On error, returns the message.
std::optional<std::string> LoadConfig(const std::vector<std::string>& args, Config& out,
                                      std::vector<std::string>& positional);

}  // namespace parcours::app
