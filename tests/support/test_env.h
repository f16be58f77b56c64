#pragma once
// What tests/run.sh hands the test binaries: the database admin URL, the server binary,
// the file where API responses are recorded for the OpenAPI check.
#include <cstdlib>
#include <string>

namespace parcours::testing {

inline std::string Env(const char* name, const char* fallback = "") {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

// mysql://user:password@host:port/ (no database): tests create their own databases.
inline std::string AdminUrl() { return Env("PARCOURS_TEST_DB_ADMIN_URL"); }
inline std::string ServerBinary() { return Env("PARCOURS_TEST_BINARY"); }
inline std::string ResponsesFile() { return Env("PARCOURS_TEST_RESPONSES"); }

}  // namespace parcours::testing
