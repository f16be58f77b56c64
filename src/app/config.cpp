#include "app/config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>

#include "common/text.h"
#include "http/client_address.h"
#include "services/webhook_policy.h"

namespace parcours::app {
namespace {

// Every setting: its flag, environment variable and config-file key.
struct Setting {
  const char* flag;
  const char* env;
  const char* key;
};
constexpr Setting kSettings[] = {
    {"--database-url", "PARCOURS_DATABASE_URL", "database_url"},
    {"--listen", "PARCOURS_LISTEN", "listen"},
    {"--threads", "PARCOURS_THREADS", "threads"},
    {"--workers", "PARCOURS_WORKERS", "workers"},
    {"--db-pool", "PARCOURS_DB_POOL", "db_pool"},
    {"--db-lock-wait", "PARCOURS_DB_LOCK_WAIT", "db_lock_wait"},
    {"--db-retry-budget-ms", "PARCOURS_DB_RETRY_BUDGET_MS", "db_retry_budget_ms"},
    {"--db-io-timeout", "PARCOURS_DB_IO_TIMEOUT", "db_io_timeout"},
    {"--http-queue", "PARCOURS_HTTP_QUEUE", "http_queue"},
    {"--max-connections", "PARCOURS_MAX_CONNECTIONS", "max_connections"},
    {"--max-connections-per-address", "PARCOURS_MAX_CONNECTIONS_PER_ADDRESS", "max_connections_per_address"},
    {"--header-timeout", "PARCOURS_HEADER_TIMEOUT", "header_timeout"},
    {"--keepalive-timeout", "PARCOURS_KEEPALIVE_TIMEOUT", "keepalive_timeout"},
    {"--port-file", "PARCOURS_PORT_FILE", "port_file"},
    {"--public-url", "PARCOURS_PUBLIC_URL", "public_url"},
    {"--scrypt-n", "PARCOURS_SCRYPT_N", "scrypt_n"},
    {"--scrypt-concurrency", "PARCOURS_SCRYPT_CONCURRENCY", "scrypt_concurrency"},
    {"--signups-per-hour", "PARCOURS_SIGNUPS_PER_HOUR", "signups_per_hour"},
    {nullptr, "PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL", "bootstrap_coordinator_email"},
    {nullptr, "PARCOURS_BOOTSTRAP_COORDINATOR_PASSWORD", "bootstrap_coordinator_password"},
    {nullptr, "PARCOURS_SIGNING_KEY", "signing_key"},
    {nullptr, "PARCOURS_SIGNING_CERT", "signing_cert"},
    {"--smtp-url", "PARCOURS_SMTP_URL", "smtp_url"},
    {nullptr, "PARCOURS_SMTP_USER", "smtp_user"},
    {nullptr, "PARCOURS_SMTP_PASSWORD", "smtp_password"},
    {"--mail-from", "PARCOURS_MAIL_FROM", "mail_from"},
    {"--scheduler-interval", "PARCOURS_SCHEDULER_INTERVAL", "scheduler_interval"},
    {"--outbox-interval-ms", "PARCOURS_OUTBOX_INTERVAL_MS", "outbox_interval_ms"},
    {"--templates-dir", "PARCOURS_TEMPLATES_DIR", "templates_dir"},
    {nullptr, "PARCOURS_CENTRE_NAME", "centre_name"},
    {nullptr, "PARCOURS_CENTRE_PLACE", "centre_place"},
    {nullptr, "PARCOURS_SIGNATORY_NAME", "signatory_name"},
    {nullptr, "PARCOURS_SIGNATORY_TITLE", "signatory_title"},
    {nullptr, "PARCOURS_CENTRE_NAME_FR", "centre_name_fr"},
    {nullptr, "PARCOURS_CENTRE_NAME_DE", "centre_name_de"},
    {nullptr, "PARCOURS_CENTRE_NAME_EN", "centre_name_en"},
    {nullptr, "PARCOURS_CENTRE_PLACE_FR", "centre_place_fr"},
    {nullptr, "PARCOURS_CENTRE_PLACE_DE", "centre_place_de"},
    {nullptr, "PARCOURS_CENTRE_PLACE_EN", "centre_place_en"},
    {nullptr, "PARCOURS_SIGNATORY_NAME_FR", "signatory_name_fr"},
    {nullptr, "PARCOURS_SIGNATORY_NAME_DE", "signatory_name_de"},
    {nullptr, "PARCOURS_SIGNATORY_NAME_EN", "signatory_name_en"},
    {nullptr, "PARCOURS_SIGNATORY_TITLE_FR", "signatory_title_fr"},
    {nullptr, "PARCOURS_SIGNATORY_TITLE_DE", "signatory_title_de"},
    {nullptr, "PARCOURS_SIGNATORY_TITLE_EN", "signatory_title_en"},
    {"--organizer-name", "PARCOURS_ORGANIZER_NAME", "organizer_name"},
    {"--tsa-url", "PARCOURS_TSA_URL", "tsa_url"},
    {"--webhook-allow-hosts", "PARCOURS_WEBHOOK_ALLOW_HOSTS", "webhook_allow_hosts"},
    {"--trusted-proxies", "PARCOURS_TRUSTED_PROXIES", "trusted_proxies"},
    {"--metrics-listen", "PARCOURS_METRICS_LISTEN", "metrics_listen"},
    {"--metrics-port-file", "PARCOURS_METRICS_PORT_FILE", "metrics_port_file"},
    {"--retention-days", "PARCOURS_RETENTION_DAYS", "retention_days"},
    {"--notification-retention-days", "PARCOURS_NOTIFICATION_RETENTION_DAYS", "notification_retention_days"},
};

std::optional<long> ParseNumber(const std::string& s, long min, long max) {
  auto v = ParseId(s);
  if (!v || *v < min || *v > max) return std::nullopt;
  return static_cast<long>(*v);
}

}  // namespace

std::optional<std::string> LoadConfig(const std::vector<std::string>& args, Config& out,
                                      std::vector<std::string>& positional) {
  std::map<std::string, std::string> values;  // by config-file key
  std::map<std::string, std::string> from_flags;
  std::string config_file;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--test-clock") {
      out.test_clock = true;
      continue;
    }
    std::string name = a, value;
    bool has_value = false;
    if (auto eq = a.find('='); a.starts_with("--") && eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    if (name == "--config") {
      if (!has_value && i + 1 >= args.size()) return "--config needs a file";
      config_file = has_value ? value : args[++i];
      continue;
    }
    const Setting* s = nullptr;
    for (const auto& candidate : kSettings)
      if (candidate.flag && name == candidate.flag) s = &candidate;
    if (!s) {
      if (a.starts_with("--")) return "unknown option " + a;
      positional.push_back(a);
      continue;
    }
    if (!has_value) {
      if (i + 1 >= args.size()) return name + " needs a value";
      value = args[++i];
    }
    from_flags[s->key] = value;
  }
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) return "cannot read config file " + config_file;
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      auto text = Trim(line);
      if (text.empty() || text[0] == '#') continue;
      auto eq = text.find('=');
      if (eq == std::string_view::npos)
        return config_file + ":" + std::to_string(number) + ": expected 'key = value'";
      std::string key(Trim(text.substr(0, eq)));
      bool known = false;
      for (const auto& s : kSettings) known |= key == s.key;
      if (key == "test_clock") {
        out.test_clock = Trim(text.substr(eq + 1)) == "true";
        continue;
      }
      if (!known) return config_file + ":" + std::to_string(number) + ": unknown setting '" + key + "'";
      values[key] = std::string(Trim(text.substr(eq + 1)));
    }
  }
  for (const auto& s : kSettings)
    if (const char* v = std::getenv(s.env); v && *v) values[s.key] = v;
  for (auto& [k, v] : from_flags) values[k] = v;

  auto get = [&](const char* key) -> std::optional<std::string> {
    auto it = values.find(key);
    return it == values.end() ? std::nullopt : std::optional(it->second);
  };
  if (auto v = get("database_url")) out.database_url = *v;
  if (auto v = get("listen")) {
    auto colon = v->rfind(':');
    if (colon == std::string::npos) return "listen must be HOST:PORT, e.g. 127.0.0.1:8080";
    auto port = ParseNumber(v->substr(colon + 1), 1, 65535);
    if (v->substr(colon + 1) == "0") port = 0;
    if (!port) return "listen: bad port in '" + *v + "'";
    out.listen_host = colon == 0 ? "127.0.0.1" : v->substr(0, colon);
    out.listen_port = static_cast<std::uint16_t>(*port);
  }
  auto number = [&](const char* key, long min, long max, int& target) -> std::optional<std::string> {
    if (auto v = get(key)) {
      auto n = ParseNumber(*v, min, max);
      if (!n) return std::string(key) + " must be a number from " + std::to_string(min) + " to " + std::to_string(max);
      target = static_cast<int>(*n);
    }
    return std::nullopt;
  };
  if (auto e = number("threads", 1, 64, out.reactor_threads)) return e;
  if (auto e = number("workers", 1, 1024, out.worker_threads)) return e;
  if (auto e = number("db_pool", 1, 1024, out.db_pool_size)) return e;
  if (auto e = number("db_lock_wait", 1, 600, out.db_lock_wait_seconds)) return e;
  if (auto e = number("db_retry_budget_ms", 0, 60000, out.db_retry_budget_ms)) return e;
  if (auto e = number("db_io_timeout", 1, 3600, out.db_io_timeout_seconds)) return e;
  if (auto e = number("http_queue", 1, 1000000, out.http_queue)) return e;
  if (auto e = number("max_connections", 1, 10000000, out.max_connections)) return e;
  if (auto e = number("max_connections_per_address", 1, 10000000, out.max_connections_per_address)) return e;
  if (auto e = number("header_timeout", 1, 3600, out.header_timeout_seconds)) return e;
  if (auto e = number("keepalive_timeout", 1, 3600, out.keepalive_timeout_seconds)) return e;
  if (auto v = get("scrypt_n")) {
    auto n = ParseNumber(*v, 1024, 1 << 20);
    if (!n || (*n & (*n - 1)) != 0) return "scrypt_n must be a power of two from 1024 to 1048576";
    out.scrypt.n = static_cast<std::uint64_t>(*n);
  }
  if (auto e = number("scrypt_concurrency", 1, 64, out.scrypt_concurrency)) return e;
  if (auto e = number("signups_per_hour", 1, 1000000, out.signups_per_hour)) return e;
  if (auto e = number("scheduler_interval", 1, 86400, out.scheduler_interval_seconds)) return e;
  if (auto e = number("outbox_interval_ms", 10, 600000, out.outbox_interval_ms)) return e;
  if (auto e = number("retention_days", 0, 36500, out.retention_days)) return e;
  if (auto e = number("notification_retention_days", 1, 36500, out.notification_retention_days)) return e;
  if (auto v = get("smtp_url")) {
    if (!v->starts_with("smtp://") && !v->starts_with("smtps://"))
      return "smtp_url must start with smtp:// or smtps://";
    out.smtp_url = *v;
  }
  if (auto v = get("smtp_user")) out.smtp_user = *v;
  if (auto v = get("smtp_password")) out.smtp_password = *v;
  if (auto v = get("mail_from")) out.mail_from = *v;
  if (auto v = get("port_file")) out.port_file = *v;
  if (auto v = get("templates_dir")) out.templates_dir = *v;
  if (auto v = get("centre_name")) out.centre_name = *v;
  if (auto v = get("centre_place")) out.centre_place = *v;
  if (auto v = get("signatory_name")) out.signatory_name = *v;
  if (auto v = get("signatory_title")) out.signatory_title = *v;
  for (const char* lang : {"fr", "de", "en"}) {
    Config::IssuerText& t = out.issuer_by_language[lang];
    const std::string suffix = std::string("_") + lang;
    if (auto v = get(("centre_name" + suffix).c_str())) t.centre_name = *v;
    if (auto v = get(("centre_place" + suffix).c_str())) t.centre_place = *v;
    if (auto v = get(("signatory_name" + suffix).c_str())) t.signatory_name = *v;
    if (auto v = get(("signatory_title" + suffix).c_str())) t.signatory_title = *v;
  }
  if (auto v = get("organizer_name")) out.organizer_name = *v;
  {
    // mail_from is "Display Name <address>" or a bare address.
    const std::string& from = out.mail_from;
    const auto open = from.find('<'), close = from.rfind('>');
    const bool bracketed = open != std::string::npos && close != std::string::npos && close > open;
    out.organizer_email = std::string(Trim(bracketed ? from.substr(open + 1, close - open - 1) : from));
    if (out.organizer_email.find('@') == std::string::npos || out.organizer_email.find_first_of(" <>\"") != std::string::npos)
      return "mail_from must be an address or \"Name <address>\", not '" + from + "'";
    if (out.organizer_name.empty()) {
      std::string display(Trim(bracketed ? from.substr(0, open) : ""));
      if (display.size() >= 2 && display.front() == '"' && display.back() == '"') display = display.substr(1, display.size() - 2);
      out.organizer_name = display.empty() ? "Parcours" : display;
    }
  }
  if (auto v = get("tsa_url")) {
    if (!v->starts_with("http://") && !v->starts_with("https://")) return "tsa_url must be an http:// or https:// URL";
    out.tsa_url = *v;
  }
  if (auto v = get("webhook_allow_hosts")) {
    out.webhook_allow_hosts.clear();
    std::size_t start = 0;
    while (start <= v->size()) {
      const std::size_t comma = std::min(v->find(',', start), v->size());
      const std::string entry(Trim(std::string_view(*v).substr(start, comma - start)));
      start = comma + 1;
      if (entry.empty()) continue;
      if (auto error = WebhookUrlPolicy::CheckAllowEntry(entry))
        return "webhook_allow_hosts: " + *error + " (give host names or IP addresses, comma-separated)";
      out.webhook_allow_hosts.push_back(entry);
    }
  }
  if (auto v = get("trusted_proxies")) {
    std::string error;
    if (!http::ParseTrustedProxies(*v, error)) return "trusted_proxies: " + error;
    out.trusted_proxies = *v;
  }
  if (auto v = get("metrics_listen")) {
    if (*v == "public") {
      out.metrics_public = true;
    } else if (!v->empty()) {
      auto colon = v->rfind(':');
      if (colon == std::string::npos) return "metrics_listen must be HOST:PORT (e.g. 127.0.0.1:9464) or 'public'";
      auto port = v->substr(colon + 1) == "0" ? std::optional<long>(0) : ParseNumber(v->substr(colon + 1), 1, 65535);
      if (!port) return "metrics_listen: bad port in '" + *v + "'";
      out.metrics_host = colon == 0 ? "127.0.0.1" : v->substr(0, colon);
      out.metrics_port = static_cast<int>(*port);
    }
  }
  if (auto v = get("metrics_port_file")) out.metrics_port_file = *v;
  if (auto v = get("public_url")) out.public_base_url = *v;
  if (auto v = get("bootstrap_coordinator_email")) out.bootstrap_email = *v;
  if (auto v = get("bootstrap_coordinator_password")) out.bootstrap_password = *v;
  if (auto v = get("signing_key")) out.signing_key = *v;
  if (auto v = get("signing_cert")) out.signing_cert = *v;
  // The certificate alone is enough to verify (`parcours verify`); signing needs both.
  if (!out.signing_key.empty() && out.signing_cert.empty())
    return "PARCOURS_SIGNING_KEY needs PARCOURS_SIGNING_CERT (the certificate chain, leaf first)";
  if (out.bootstrap_email.empty() != out.bootstrap_password.empty())
    return "set both PARCOURS_BOOTSTRAP_COORDINATOR_EMAIL and _PASSWORD, or neither";
  return std::nullopt;
}

}  // namespace parcours::app
