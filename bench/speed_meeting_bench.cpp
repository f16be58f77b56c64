// The speed-meeting planner's benchmark (not a test): for 70, 200 and 1,000 attendees spread
// over structures as in the centre's 2024 speed-meeting (71 people from 49 structures: most come
// alone, a few structures send two to four), plans 7-minute rounds over 90 minutes as pairs and
// as tables of four, and prints the rounds reached against the upper bound, the people waiting
// and the planning time. Usage: build/speed_meeting_bench [repeats=5]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <vector>

#include "domain/speed_meeting.h"

namespace {

// Structure sizes drawn like the report's: 70 % alone, 20 % two, 10 % three or four.
std::vector<int> Attendees(int n, std::mt19937_64& rng) {
  std::vector<int> s;
  int structure = 0;
  while (static_cast<int>(s.size()) < n) {
    const int roll = static_cast<int>(rng() % 10);
    const int size = roll < 7 ? 1 : roll < 9 ? 2 : 3 + static_cast<int>(rng() % 2);
    for (int i = 0; i < size && static_cast<int>(s.size()) < n; ++i) s.push_back(structure);
    ++structure;
  }
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::printf("| people | structures | table | rounds wanted | rounds reached / upper bound | most waiting in a round | planning ms (median of %d) |\n",
              repeats);
  std::printf("| --- | --- | --- | --- | --- | --- | --- |\n");
  for (int n : {70, 200, 1000}) {
    for (int table : {2, 4}) {
      std::mt19937_64 rng(2024 + n);
      parcours::SpeedMeetingRequest r;
      r.structure_of = Attendees(n, rng);
      r.table_size = table;
      r.rounds_wanted = 90 / 7;
      std::vector<double> ms;
      parcours::SpeedMeetingPlan plan;
      for (int i = 0; i < repeats; ++i) {
        r.seed = 1 + i;
        const auto start = std::chrono::steady_clock::now();
        plan = parcours::PlanSpeedMeeting(r);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
        if (!parcours::CheckSpeedMeetingPlan(r, plan).empty()) {
          std::fprintf(stderr, "invalid plan\n");
          return 1;
        }
      }
      std::sort(ms.begin(), ms.end());
      const int structures = *std::max_element(r.structure_of.begin(), r.structure_of.end()) + 1;
      const int waiting = plan.waiting.empty() ? 0 : *std::max_element(plan.waiting.begin(), plan.waiting.end());
      std::printf("| %d | %d | %d | %d | %zu / %d | %d | %.1f |\n", n, structures, table, r.rounds_wanted,
                  plan.rounds.size(), plan.upper_bound, waiting, ms[ms.size() / 2]);
    }
  }
  return 0;
}
