#include "app/offline_routes.h"

namespace parcours::app {
namespace {

AccountSettings OfflineAccountSettings() {
  AccountSettings settings;
  settings.scrypt.n = 1024;  // the cheapest cost the configuration allows
  return settings;
}

http::HttpResponse Page(http::HttpRequest&) {
  http::HttpResponse r;
  r.content_type = "text/html; charset=utf-8";
  r.body = "<!doctype html><title>page</title>";
  return r;
}

}  // namespace

std::string CountingRandom::Bytes(std::size_t n) {
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(++next_ * 0x9E3779B97F4A7C15ull >> 56);
  return out;
}

OfflineRoutes::OfflineRoutes()
    : clock(TimePoint(std::chrono::sys_days(std::chrono::year{2027} / 1 / 15)) + std::chrono::hours(10)),
      accounts(store, clock, random, gate, OfflineAccountSettings()),
      catalogue(store, clock),
      registrations(store, clock),
      attendance(store, clock),
      agencies(store, clock, random, ""),
      reports(store, clock),
      attestations(store, clock, random, nullptr, nullptr, {}),
      webhooks(store, clock, random),
      scheduler(store, clock),
      personal_data(store, clock),
      audit_trail(store),
      people(store, clock),
      door(store, clock, random, ""),
      history(store, clock),
      operations(store, clock, catalogue, attestations, scheduler),
      structures(store, clock),
      evaluations(store, clock, random),
      employer(store, clock),
      services{accounts, catalogue, registrations, attendance, agencies, reports, attestations,
               webhooks, scheduler, store, &clock, {}, Page, &personal_data, &audit_trail} {
  // Every service a route uses, as `parcours serve` sets them (a route whose service is
  // missing would dereference a null pointer: found by the json_bodies fuzz target).
  services.people = &people;
  services.door = &door;
  services.history = &history;
  services.operations = &operations;
  services.structures = &structures;
  services.evaluations = &evaluations;
  services.employer = &employer;
  http::AddAllRoutes(router, services);
  router.SetFallback(services.pages);
}

}  // namespace parcours::app
