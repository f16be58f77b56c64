#include "api_fixture.h"

#include <stdexcept>

namespace parcours::testing {

namespace {
void Expect(const HttpResult& r, long status, const char* what) {
  if (r.status != status)
    throw std::runtime_error(std::string(what) + ": HTTP " + std::to_string(r.status) + " " + r.body);
}
}  // namespace

namespace {
std::unique_ptr<SmtpSink> MaybeSink(bool with_mail) {
  return with_mail ? std::make_unique<SmtpSink>() : nullptr;
}
std::vector<std::string> ServerArgs(const std::unique_ptr<SmtpSink>& sink, std::vector<std::string> args) {
  if (sink) args.insert(args.end(), {"--smtp-url", sink->Url(), "--outbox-interval-ms", "50"});
  return args;
}
}  // namespace

ApiFixture::ApiFixture(bool with_mail, std::vector<std::string> server_args)
    : mail(MaybeSink(with_mail)),
      server(std::make_unique<ServerProcess>(db.Url(), ServerArgs(mail, std::move(server_args)))) {
  coordinator = Client();
  coordinator->set_token(Login(kCoordinatorEmail, kCoordinatorPassword));
}

std::unique_ptr<HttpClient> ApiFixture::Client(const std::string& token) const {
  auto c = Client();
  c->set_token(token);
  return c;
}

std::unique_ptr<HttpClient> ApiFixture::Agency(const std::string& code) {
  Expect(coordinator->Post("/api/v1/agencies", {{"code", code}, {"name", code}}), 201, "create agency");
  auto key = coordinator->Post("/api/v1/agencies/" + code + "/keys", nullptr);
  Expect(key, 201, "create agency key");
  return Client(key.json()["key"].get<std::string>());
}

std::unique_ptr<HttpClient> ApiFixture::Client() const {
  return std::make_unique<HttpClient>(server->BaseUrl());
}

std::string ApiFixture::Login(const std::string& email, const std::string& password) {
  auto c = Client();
  auto r = c->Post("/api/v1/auth/login", {{"email", email}, {"password", password}});
  Expect(r, 200, "login");
  return r.json()["token"];
}

std::pair<std::string, std::string> ApiFixture::Participant(const std::string& email,
                                                            const std::string& name) {
  auto c = Client();
  auto r = c->Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", name}});
  Expect(r, 201, "create account");
  return {r.json()["id"], Login(email, "a-long-password")};
}

std::pair<std::string, std::string> ApiFixture::Staff(const std::string& email, const std::string& role) {
  auto r = coordinator->Post("/api/v1/users", {{"email", email},
                                               {"password", "a-long-password"},
                                               {"name", "Trainer " + email},
                                               {"organisation", "Planning Familial"},
                                               {"roles", {role}}});
  Expect(r, 201, "create staff");
  return {r.json()["id"], Login(email, "a-long-password")};
}

std::string ApiFixture::Module(const std::string& code, double hours) {
  auto r = coordinator->Post("/api/v1/modules", {{"code", code}, {"title", "Module " + code}, {"hours", hours}});
  Expect(r, 201, "create module");
  return r.json()["id"];
}

std::string ApiFixture::Session(const std::string& module_id, int capacity,
                                const std::string& starts_at, const std::string& ends_at,
                                int min_registrants) {
  auto r = coordinator->Post("/api/v1/sessions", {{"module_id", module_id},
                                                  {"starts_at", starts_at},
                                                  {"ends_at", ends_at},
                                                  {"capacity", capacity},
                                                  {"min_registrants", min_registrants}});
  Expect(r, 201, "create session");
  return r.json()["id"];
}

void ApiFixture::SetClock(const std::string& now) {
  Expect(Client()->Post("/api/v1/test-clock", {{"now", now}}), 200, "set clock");
}

}  // namespace parcours::testing
