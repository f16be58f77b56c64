#pragma once
// The usual starting point of an API test: a fresh database, the real server on it, a
// coordinator's client, and helpers to create people and catalogue entries.
#include <memory>
#include <string>
#include <vector>

#include "http_client.h"
#include "server_process.h"
#include "smtp_sink.h"
#include "test_database.h"

namespace parcours::testing {

// The server_args that lift the sign-up pace (tests creating many accounts from one address).
inline const std::vector<std::string> kManySignups = {"--signups-per-hour", "1000000"};

class ApiFixture {
 public:
  // with_mail: the server delivers notifications to `mail`, an SMTP sink on loopback;
  // server_args: more `parcours serve` options (e.g. --webhook-allow-hosts 127.0.0.1).
  explicit ApiFixture(bool with_mail = false, std::vector<std::string> server_args = {});
  std::unique_ptr<SmtpSink> mail;
  TestDatabase db;
  std::unique_ptr<ServerProcess> server;
  std::unique_ptr<HttpClient> coordinator;  // signed in as the bootstrap coordinator

  std::unique_ptr<HttpClient> Client() const;  // anonymous
  std::unique_ptr<HttpClient> Client(const std::string& token) const;  // signed in with `token`
  // Creates the agency `code` (named `code`) and one key of it; returns a client using the key.
  std::unique_ptr<HttpClient> Agency(const std::string& code);
  std::string Login(const std::string& email, const std::string& password);
  // Creates a participant account, returns {id, token}.
  std::pair<std::string, std::string> Participant(const std::string& email,
                                                  const std::string& name = "Séverine Müller");
  // Creates a staff user with the given role, returns {id, token}.
  std::pair<std::string, std::string> Staff(const std::string& email, const std::string& role);
  // A stand-alone module (hours 4) and a session of it; returns the session id.
  std::string Module(const std::string& code, double hours = 4);
  // min_registrants 0: the scheduler confirms it whatever the numbers (threshold tests set it).
  std::string Session(const std::string& module_id, int capacity,
                      const std::string& starts_at = "2027-03-04T09:00:00+01:00",
                      const std::string& ends_at = "2027-03-04T13:00:00+01:00", int min_registrants = 0);
  void SetClock(const std::string& now);
};

}  // namespace parcours::testing
