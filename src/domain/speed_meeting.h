#pragma once
// The inter-sector speed-meeting planner: from the attendees of an event and the structure each
// comes from, rounds of pairs (or small tables) in which nobody sits with someone from their own
// structure and no two people share a table twice.
//
// Pure logic: the caller gives the randomness as a seed, so a plan is reproducible, and bounds
// the work with a number of attempts per round rather than a clock.
#include <cstdint>
#include <string>
#include <vector>

namespace parcours {

struct SpeedMeetingRequest {
  // structure_of[p]: the structure of person p (any number; equal numbers never share a table).
  std::vector<int> structure_of;
  int table_size = 2;        // 2 for pairs; a table may take one more person so nobody waits alone
  int rounds_wanted = 1;     // the time budget in rounds: floor(duration / round length)
  int attempts_per_round = 64;
  std::uint64_t seed = 1;
};

struct SpeedMeetingPlan {
  // rounds[r][t]: the people at table t in round r (indexes into structure_of).
  std::vector<std::vector<std::vector<int>>> rounds;
  // No plan can give more rounds in which everybody is seated than this: a person p meets at
  // least table_size - 1 new people per round, among the people outside p's structure; it is
  // also at most rounds_wanted.
  int upper_bound = 0;
  // The number of people who wait (are at no table) in each round.
  std::vector<int> waiting;
};

// Plans up to rounds_wanted rounds; stops early when a round can seat nobody. Throws
// std::invalid_argument for a table size outside 2..12, a negative structure, fewer than two
// people or rounds_wanted outside 1..1000.
SpeedMeetingPlan PlanSpeedMeeting(const SpeedMeetingRequest& request);

// The upper bound described above, for a request.
int SpeedMeetingUpperBound(const SpeedMeetingRequest& request);

// Checks a plan against its request: every table within 2..table_size + 1 people, nobody twice
// in a round, no table with two people of one structure, no two people together twice. Returns
// the first violation found, or an empty string.
std::string CheckSpeedMeetingPlan(const SpeedMeetingRequest& request, const SpeedMeetingPlan& plan);

}  // namespace parcours
