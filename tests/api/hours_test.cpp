// Hours are stored as DECIMAL(7,2): a value with more decimals than that, or out of range,
// is a 422 naming the field, never rounded silently (review issue 8, item 18).
#include <catch2/catch.hpp>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

}  // namespace

TEST_CASE("hours: modules take at most two decimals, within range", "[api][catalogue][hours]") {
  ApiFixture f;
  for (double bad : {0.004, 4.999, 1.005, 0.001, 1000.01, -2.0, 0.0}) {
    INFO(bad);
    auto r = f.coordinator->Post("/api/v1/modules", {{"code", "M"}, {"title", "Module"}, {"hours", bad}});
    CHECK(r.status == 422);
    CHECK(FirstField(r) == "hours");
  }
  auto p = f.coordinator->Post("/api/v1/pathways", {{"code", "P"}, {"title", "Pathway"},
                                                    {"modules", {{{"code", "P1"}, {"title", "One"}, {"hours", 4}},
                                                                 {{"code", "P2"}, {"title", "Two"}, {"hours", 2.125}}}}});
  CHECK(p.status == 422);
  CHECK(FirstField(p) == "modules[1].hours");
  CHECK(f.db.Count("SELECT COUNT(*) FROM modules") == 0);
  auto ok = f.coordinator->Post("/api/v1/modules", {{"code", "OK"}, {"title", "Module"}, {"hours", 4.25}});
  REQUIRE(ok.status == 201);
  CHECK(ok.json()["hours"] == 4.25);
  CHECK(f.db.Scalar("SELECT hours FROM modules WHERE code = 'OK'") == "4.25");
  CHECK(f.coordinator->Post("/api/v1/modules", {{"code", "TENTH"}, {"title", "Module"}, {"hours", 0.1}}).status == 201);
  CHECK(f.coordinator->Post("/api/v1/modules", {{"code", "MAX"}, {"title", "Module"}, {"hours", 1000}}).status == 201);
}

TEST_CASE("hours: partial attendance takes at most two decimals", "[api][attendance][hours]") {
  ApiFixture f;
  auto session = f.Session(f.Module("ATT", 4), 10);
  auto [p, token] = f.Participant("p@ex.lu");
  REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", p}}).status == 201);
  f.SetClock("2027-03-04T10:00:00+01:00");  // the session has started: its sheet is open
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  const std::string sheet = "/api/v1/sessions/" + session + "/attendance";
  for (double bad : {0.004, 3.999, 1.234}) {
    INFO(bad);
    auto r = f.coordinator->Put(sheet, {{"records", {{{"participant_id", p}, {"status", "partial"}, {"hours", bad}}}}});
    CHECK(r.status == 422);
    CHECK(FirstField(r) == "records[0].hours");
  }
  CHECK(f.db.Count("SELECT COUNT(*) FROM attendance") == 0);
  auto ok = f.coordinator->Put(sheet, {{"records", {{{"participant_id", p}, {"status", "partial"}, {"hours", 2.75}}}}});
  REQUIRE(ok.status == 200);
  CHECK(ok.json()["records"][0]["hours"] == 2.75);
  CHECK(f.db.Scalar("SELECT hours FROM attendance") == "2.75");
}
