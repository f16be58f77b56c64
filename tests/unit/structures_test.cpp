// Who the trainings reached: people by the sector of their structure on the day they came, and
// the distinct structures reached (the centre's yearly report).
#include <catch2/catch.hpp>

#include "domain/structures.h"

using namespace parcours;

TEST_CASE("structures: each person counts once, in the sector of their structure on their first day", "[unit][structures]") {
  std::vector<AttendedDay> attended = {{1, "2024-03-10"}, {1, "2024-05-10"}, {2, "2024-03-10"},
                                       {3, "2024-06-01"}, {4, "2024-06-01"}, {5, "2024-02-01"}};
  std::vector<MembershipSpan> memberships = {
      {1, 10, Sector::kFormalEducation, "2020-01-01", std::nullopt},
      // Person 2 changed structure: the one of the day they came counts.
      {2, 11, Sector::kHealth, "2019-01-01", std::string("2024-01-31")},
      {2, 12, Sector::kSocial, "2024-02-01", std::nullopt},
      // Person 3 belongs to two structures: the one joined last counts as their sector.
      {3, 10, Sector::kFormalEducation, "2018-01-01", std::nullopt},
      {3, 13, Sector::kNonFormalEducation, "2023-09-01", std::nullopt},
      // Person 5 joined after the day they came: unknown that day.
      {5, 14, Sector::kOther, "2024-03-01", std::nullopt},
  };
  auto r = CountReach(attended, memberships);
  CHECK(r.people == 5);
  CHECK(r.sectors["formal_education"] == 1);
  CHECK(r.sectors["social"] == 1);
  CHECK(r.sectors["non_formal_education"] == 1);
  CHECK(r.sectors["health"] == 0);
  CHECK(r.sectors[kUnknownSector] == 2);  // person 4 has none, person 5 had none yet
  long long sum = 0;
  for (const auto& [sector, n] : r.sectors) sum += n;
  CHECK(sum == r.people);
  // 10 (persons 1 and 3), 12 and 13; not 11 (ended before), not 14 (joined after).
  CHECK(r.structures == 3);
}

TEST_CASE("structures: nobody came, nothing reached", "[unit][structures]") {
  auto r = CountReach({}, {{1, 10, Sector::kHealth, "2020-01-01", std::nullopt}});
  CHECK(r.people == 0);
  CHECK(r.structures == 0);
  CHECK(r.sectors.size() == 6);
}

TEST_CASE("structures: sectors read and written by name", "[unit][structures]") {
  for (auto s : {Sector::kFormalEducation, Sector::kNonFormalEducation, Sector::kHealth, Sector::kSocial, Sector::kOther})
    CHECK(SectorFromString(ToString(s)) == s);
  CHECK_FALSE(SectorFromString("Health"));
  CHECK_FALSE(SectorFromString(""));
}
