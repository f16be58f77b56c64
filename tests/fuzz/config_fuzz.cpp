// Fuzz target: the configuration file (`parcours serve --config FILE`, lines "key = value"),
// with every value checked as at start, and the database URL it names parsed as the server
// parses it before connecting. PARCOURS_* variables are cleared first so only the file counts.
//
// Findings: a crash or sanitizer report (a setting that overflows, a URL that exhausts the
// stack); an exception (a bad setting must be a message); a setting accepted out of its range.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>

#include "app/config.h"
#include "fuzz_support.h"
#include "storage/connection_pool.h"

extern char** environ;

using namespace parcours;
using namespace parcours::fuzz;

namespace {

int ConfigFile() {
  static int fd = [] {
    for (char** e = environ; *e;) {  // unsetenv shifts the array: do not advance after it
      if (std::strncmp(*e, "PARCOURS_", 9) == 0) {
        std::string name(*e, std::strchr(*e, '=') - *e);
        unsetenv(name.c_str());
      } else {
        ++e;
      }
    }
    return memfd_create("parcours-config", 0);
  }();
  return fd;
}

void InRange(long value, long min, long max, const char* what) {
  if (value < min || value > max) Finding(std::string(what) + " accepted out of range: " + std::to_string(value));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const int fd = ConfigFile();
  if (fd < 0) Finding("memfd_create failed");
  if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) Finding("memfd write failed");
  app::Config config;
  std::vector<std::string> positional;
  std::optional<std::string> error;
  try {
    error = app::LoadConfig({"--config", "/proc/self/fd/" + std::to_string(fd)}, config, positional);
  } catch (const std::exception& e) {
    Finding(std::string("LoadConfig threw: ") + e.what());
  }
  if (error) {
    if (error->empty()) Finding("an empty error message");
    return 0;
  }
  InRange(config.reactor_threads, 1, 64, "threads");
  InRange(config.worker_threads, 1, 1024, "workers");
  InRange(config.db_pool_size, 1, 1024, "db_pool");
  InRange(config.http_queue, 1, 1000000, "http_queue");
  InRange(config.header_timeout_seconds, 1, 3600, "header_timeout");
  InRange(static_cast<long>(config.scrypt.n), 1024, 1 << 20, "scrypt_n");
  if (config.scrypt.n & (config.scrypt.n - 1)) Finding("scrypt_n not a power of two");
  if (config.organizer_email.find('@') == std::string::npos) Finding("mail_from without an address accepted");
  if (config.signing_key.size() && config.signing_cert.empty()) Finding("a signing key without certificate accepted");
  try {
    if (auto url = DatabaseUrl::Parse(config.database_url)) {
      // Logs show the URL redacted: the user, "***" for the password, the addresses and the
      // database, never the password field (whose text may recur in the other parts).
      std::string where = url->Address(0);
      for (std::size_t i = 1; i < url->AddressCount(); ++i) where += "," + url->Address(i);
      if (url->Redacted() != "mysql://" + url->user + ":***@" + where + "/" + url->database)
        Finding("the redacted URL is not user:***@addresses/database: " + url->Redacted());
      InRange(url->port, 1, 65535, "database port");
    }
  } catch (const std::exception& e) {
    Finding(std::string("DatabaseUrl::Parse threw: ") + e.what());
  }
  return 0;
}
