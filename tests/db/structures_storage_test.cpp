// The structures repository against the real MariaDB: names unique case and accents aside,
// memberships over time, and what the yearly report reads (dates in Luxembourg time).
#include <catch2/catch.hpp>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"

using namespace parcours;
using parcours::testing::TestDatabase;

TEST_CASE("db: structures by name, memberships over time and the report's reach", "[db][structures]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  db.Execute("INSERT INTO users (id, email, name, roles, created_at) VALUES (7, 'a@ex.lu', 'A', 1, NOW()), "
             "(8, 'b@ex.lu', 'B', 1, NOW())");
  const TimePoint now = *ParseRfc3339("2024-06-01T10:00:00+02:00");
  store.Transact([&](UnitOfWork& uow) {
    auto& st = uow.structures();
    auto lycee = st.Insert({0, "Lycée Michel Lucius", "school", Sector::kFormalEducation, now});
    REQUIRE(lycee);
    CHECK_FALSE(st.Insert({0, "LYCEE MICHEL LUCIUS", "", Sector::kHealth, now}));  // the same name
    auto foyer = st.Insert({0, "Foyer", "", Sector::kSocial, now});
    CHECK(st.FindByName("lycée michel lucius")->id == *lycee);
    CHECK(st.List(Sector::kSocial, 0, 10).size() == 1);
    CHECK(st.List(std::nullopt, *lycee, 10).size() == 1);
    auto m = st.InsertMembership({0, 7, *lycee, "enseignante", "2020-09-15", std::nullopt, now});
    st.InsertMembership({0, 8, *foyer, "", "2024-01-01", std::string("2024-12-31"), now});
    st.SetMembershipDates(m, "2019-09-15", std::string("2024-07-01"));
    auto mine = st.MembershipsOf(7);
    REQUIRE(mine.size() == 1);
    CHECK(mine[0].starts_on == "2019-09-15");
    CHECK(mine[0].ends_on == std::optional<std::string>("2024-07-01"));
    CHECK(st.FindMembership(m)->profession == "enseignante");
    return true;
  });
  // A session starting at 23:30 UTC on 31 December is on 1 January in Luxembourg.
  db.Execute("INSERT INTO modules (id, code, title, hours) VALUES (1, 'M', 'M', 4)");
  db.Execute("INSERT INTO sessions (id, module_id, starts_at, ends_at, decision_at, capacity, min_registrants) VALUES "
             "(1, 1, '2024-12-31 23:30:00', '2025-01-01 03:30:00', '2024-12-01', 10, 0)");
  db.Execute("INSERT INTO attendance (session_id, participant_id, status, hours, marked_by, marked_at, module_id, "
             "starts_at, channel) VALUES (1, 7, 'present', 4, 7, NOW(), 1, '2024-12-31 23:30:00', 'DIRECT'), "
             "(1, 8, 'absent', 0, 7, NOW(), 1, '2024-12-31 23:30:00', 'DIRECT')");
  store.Transact([&](UnitOfWork& uow) {
    auto days = uow.structures().AttendedBetween(*ParseRfc3339("2024-01-01T00:00:00Z"), *ParseRfc3339("2025-06-01T00:00:00Z"));
    REQUIRE(days.size() == 1);
    CHECK(days[0].participant_id == 7);
    CHECK(days[0].date == "2025-01-01");
    auto spans = uow.structures().MembershipsOfAttendees(*ParseRfc3339("2024-01-01T00:00:00Z"),
                                                         *ParseRfc3339("2025-06-01T00:00:00Z"));
    REQUIRE(spans.size() == 1);  // the absent person's membership is not read
    CHECK(spans[0].sector == Sector::kFormalEducation);
    return true;
  });
}
