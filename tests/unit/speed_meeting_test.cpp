// The speed-meeting planner: nobody sits with their own structure, nobody meets twice, and the
// number of rounds reaches the time budget when the structures allow it.
#include <catch2/catch.hpp>

#include <random>
#include <stdexcept>

#include "domain/speed_meeting.h"

using namespace parcours;

namespace {

// The 2024 speed-meeting of the centre's report: 71 people from 49 structures (35 came alone,
// 10 structures sent two, 4 sent four).
std::vector<int> ReportAttendees() {
  std::vector<int> s;
  int structure = 0;
  for (int i = 0; i < 35; ++i) s.push_back(structure++);
  for (int i = 0; i < 10; ++i, ++structure) s.insert(s.end(), 2, structure);
  for (int i = 0; i < 4; ++i, ++structure) s.insert(s.end(), 4, structure);
  return s;
}

}  // namespace

TEST_CASE("speed meeting: the report's 71 people get 12 rounds of pairs in 90 minutes, nobody waits",
          "[speed-meeting]") {
  SpeedMeetingRequest r;
  r.structure_of = ReportAttendees();
  REQUIRE(r.structure_of.size() == 71);
  r.table_size = 2;
  r.rounds_wanted = 90 / 7;
  auto plan = PlanSpeedMeeting(r);
  CHECK(CheckSpeedMeetingPlan(r, plan).empty());
  CHECK(plan.upper_bound == 12);
  REQUIRE(plan.rounds.size() == 12);
  for (int w : plan.waiting) CHECK(w == 0);  // 71 is odd: one table of three each round
}

TEST_CASE("speed meeting: random instances never pair a structure with itself or anyone twice", "[speed-meeting]") {
  std::mt19937_64 rng(2027);
  for (int instance = 0; instance < 300; ++instance) {
    SpeedMeetingRequest r;
    const int n = 2 + static_cast<int>(rng() % 60);
    const int structures = 1 + static_cast<int>(rng() % n);
    for (int p = 0; p < n; ++p) r.structure_of.push_back(static_cast<int>(rng() % structures));
    r.table_size = 2 + static_cast<int>(rng() % 4);
    r.rounds_wanted = 1 + static_cast<int>(rng() % 15);
    r.seed = rng();
    auto plan = PlanSpeedMeeting(r);
    INFO("instance " << instance << ": " << n << " people, " << structures << " structures, tables of "
                     << r.table_size << ", " << r.rounds_wanted << " rounds wanted");
    CHECK(CheckSpeedMeetingPlan(r, plan).empty());
    CHECK(static_cast<int>(plan.rounds.size()) <= r.rounds_wanted);
    CHECK(plan.upper_bound <= r.rounds_wanted);
  }
}

TEST_CASE("speed meeting: pairs from many small structures reach the upper bound", "[speed-meeting]") {
  std::mt19937_64 rng(7);
  for (int n : {20, 70, 200}) {
    SpeedMeetingRequest r;
    for (int p = 0; p < n; ++p) r.structure_of.push_back(static_cast<int>(rng() % (n / 2)));
    r.rounds_wanted = 13;
    auto plan = PlanSpeedMeeting(r);
    INFO(n << " people");
    CHECK(CheckSpeedMeetingPlan(r, plan).empty());
    CHECK(static_cast<int>(plan.rounds.size()) == plan.upper_bound);
  }
}

TEST_CASE("speed meeting: one structure only gives no round, and the same seed gives the same plan",
          "[speed-meeting]") {
  SpeedMeetingRequest one;
  one.structure_of = {4, 4, 4, 4};
  one.rounds_wanted = 3;
  auto none = PlanSpeedMeeting(one);
  CHECK(none.rounds.empty());
  CHECK(none.upper_bound == 0);

  SpeedMeetingRequest r;
  r.structure_of = ReportAttendees();
  r.table_size = 4;
  r.rounds_wanted = 6;
  r.seed = 99;
  auto a = PlanSpeedMeeting(r), b = PlanSpeedMeeting(r);
  CHECK(a.rounds == b.rounds);
  CHECK(CheckSpeedMeetingPlan(r, a).empty());
}

TEST_CASE("speed meeting: the checker finds each kind of violation", "[speed-meeting]") {
  SpeedMeetingRequest r;
  r.structure_of = {0, 1, 2, 2};
  r.rounds_wanted = 3;
  SpeedMeetingPlan plan;
  plan.rounds = {{{0, 1}, {2, 3}}};
  plan.waiting = {0};
  CHECK(CheckSpeedMeetingPlan(r, plan).find("same structure") != std::string::npos);
  plan.rounds = {{{0, 1}}, {{1, 0}}};
  plan.waiting = {2, 2};
  CHECK(CheckSpeedMeetingPlan(r, plan).find("meet again") != std::string::npos);
  plan.rounds = {{{0, 1}, {1, 2}}};
  plan.waiting = {0};
  CHECK(CheckSpeedMeetingPlan(r, plan).find("twice") != std::string::npos);
  plan.rounds = {{{0}}};
  plan.waiting = {3};
  CHECK(CheckSpeedMeetingPlan(r, plan).find("a table of 1") != std::string::npos);
  plan.rounds = {{{0, 2}}};
  plan.waiting = {0};
  CHECK(CheckSpeedMeetingPlan(r, plan).find("waiting count") != std::string::npos);
}

TEST_CASE("speed meeting: requests outside the limits are refused", "[speed-meeting]") {
  SpeedMeetingRequest r;
  r.structure_of = {0};
  CHECK_THROWS_AS(PlanSpeedMeeting(r), std::invalid_argument);
  r.structure_of = {0, 1};
  r.table_size = 1;
  CHECK_THROWS_AS(PlanSpeedMeeting(r), std::invalid_argument);
  r.table_size = 2;
  r.rounds_wanted = 0;
  CHECK_THROWS_AS(PlanSpeedMeeting(r), std::invalid_argument);
  r.rounds_wanted = 1;
  r.structure_of = {0, -1};
  CHECK_THROWS_AS(PlanSpeedMeeting(r), std::invalid_argument);
}
