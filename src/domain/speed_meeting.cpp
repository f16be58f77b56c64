#include "domain/speed_meeting.h"

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>

namespace parcours {
namespace {

constexpr int kMaxPeople = 5000;

// Who has already shared a table with whom: a symmetric n x n matrix of bytes.
class MetMatrix {
 public:
  explicit MetMatrix(int n) : n_(n), cells_(static_cast<std::size_t>(n) * n, 0) {}
  bool Met(int a, int b) const { return cells_[Index(a, b)] != 0; }
  void Mark(int a, int b) {
    cells_[Index(a, b)] = 1;
    cells_[Index(b, a)] = 1;
  }

 private:
  std::size_t Index(int a, int b) const { return static_cast<std::size_t>(a) * n_ + b; }
  int n_;
  std::vector<unsigned char> cells_;
};

struct Planner {
  const SpeedMeetingRequest& req;
  int n;
  MetMatrix met;
  std::mt19937_64 rng;

  bool Compatible(int a, int b) const {
    return a != b && req.structure_of[a] != req.structure_of[b] && !met.Met(a, b);
  }
  bool FitsTable(int p, const std::vector<int>& table) const {
    return std::all_of(table.begin(), table.end(), [&](int q) { return Compatible(p, q); });
  }

  // One randomised attempt at a round: the most constrained people are seated first, and each
  // table is filled with the candidate who has the fewest options left (ties broken at random),
  // so flexible people stay free for those who need them.
  std::vector<std::vector<int>> Attempt(const std::vector<int>& options) {
    std::vector<std::uint64_t> tie(n);
    for (auto& t : tie) t = rng();
    std::vector<int> order(n);
    for (int i = 0; i < n; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](int a, int b) {
      return options[a] != options[b] ? options[a] < options[b] : tie[a] < tie[b];
    });
    std::vector<char> seated(n, 0);
    std::vector<std::vector<int>> tables;
    std::vector<int> alone;
    for (int p : order) {
      if (seated[p]) continue;
      std::vector<int> table{p};
      seated[p] = 1;
      while (static_cast<int>(table.size()) < req.table_size) {
        int best = -1;
        for (int q : order) {
          if (seated[q] || !FitsTable(q, table)) continue;
          if (best < 0 || options[q] < options[best] || (options[q] == options[best] && tie[q] < tie[best])) best = q;
        }
        if (best < 0) break;
        table.push_back(best);
        seated[best] = 1;
      }
      if (table.size() == 1) {
        seated[p] = 0;
        alone.push_back(p);
      } else {
        tables.push_back(std::move(table));
      }
    }
    // Someone left alone joins a table that can take one more rather than wait.
    for (int p : alone) {
      for (auto& table : tables) {
        if (static_cast<int>(table.size()) <= req.table_size && FitsTable(p, table)) {
          table.push_back(p);
          break;
        }
      }
    }
    return tables;
  }

  static int Seated(const std::vector<std::vector<int>>& tables) {
    int s = 0;
    for (const auto& t : tables) s += static_cast<int>(t.size());
    return s;
  }

  std::vector<std::vector<int>> Round() {
    std::vector<int> options(n, 0);
    for (int a = 0; a < n; ++a)
      for (int b = a + 1; b < n; ++b)
        if (Compatible(a, b)) {
          ++options[a];
          ++options[b];
        }
    std::vector<std::vector<int>> best;
    for (int attempt = 0; attempt < std::max(1, req.attempts_per_round); ++attempt) {
      auto tables = Attempt(options);
      if (Seated(tables) > Seated(best)) best = std::move(tables);
      if (Seated(best) == n) break;
    }
    for (const auto& table : best)
      for (std::size_t i = 0; i < table.size(); ++i)
        for (std::size_t j = i + 1; j < table.size(); ++j) met.Mark(table[i], table[j]);
    return best;
  }
};

void Validate(const SpeedMeetingRequest& r) {
  const auto n = r.structure_of.size();
  if (n < 2 || n > static_cast<std::size_t>(kMaxPeople))
    throw std::invalid_argument("a speed meeting needs 2 to 5000 people");
  if (r.table_size < 2 || r.table_size > 12) throw std::invalid_argument("table_size must be 2 to 12");
  if (r.rounds_wanted < 1 || r.rounds_wanted > 1000) throw std::invalid_argument("rounds_wanted must be 1 to 1000");
  for (int s : r.structure_of)
    if (s < 0) throw std::invalid_argument("structures are numbered from 0");
}

}  // namespace

int SpeedMeetingUpperBound(const SpeedMeetingRequest& request) {
  Validate(request);
  std::map<int, int> size_of;
  for (int s : request.structure_of) ++size_of[s];
  const int n = static_cast<int>(request.structure_of.size());
  int bound = request.rounds_wanted;
  for (const auto& [structure, size] : size_of) bound = std::min(bound, (n - size) / (request.table_size - 1));
  return bound;
}

SpeedMeetingPlan PlanSpeedMeeting(const SpeedMeetingRequest& request) {
  SpeedMeetingPlan plan;
  plan.upper_bound = SpeedMeetingUpperBound(request);
  const int n = static_cast<int>(request.structure_of.size());
  Planner planner{request, n, MetMatrix(n), std::mt19937_64(request.seed)};
  for (int r = 0; r < request.rounds_wanted; ++r) {
    auto tables = planner.Round();
    if (tables.empty()) break;
    plan.waiting.push_back(n - Planner::Seated(tables));
    plan.rounds.push_back(std::move(tables));
  }
  return plan;
}

std::string CheckSpeedMeetingPlan(const SpeedMeetingRequest& request, const SpeedMeetingPlan& plan) {
  const int n = static_cast<int>(request.structure_of.size());
  MetMatrix met(n);
  if (plan.waiting.size() != plan.rounds.size()) return "waiting counts do not match the rounds";
  for (std::size_t r = 0; r < plan.rounds.size(); ++r) {
    std::vector<char> seen(n, 0);
    int seated = 0;
    for (const auto& table : plan.rounds[r]) {
      if (table.size() < 2 || static_cast<int>(table.size()) > request.table_size + 1)
        return "round " + std::to_string(r + 1) + ": a table of " + std::to_string(table.size());
      for (std::size_t i = 0; i < table.size(); ++i) {
        const int p = table[i];
        if (p < 0 || p >= n) return "round " + std::to_string(r + 1) + ": unknown person";
        if (seen[p]) return "round " + std::to_string(r + 1) + ": person " + std::to_string(p) + " twice";
        seen[p] = 1;
        ++seated;
        for (std::size_t j = 0; j < i; ++j) {
          const int q = table[j];
          if (request.structure_of[p] == request.structure_of[q])
            return "round " + std::to_string(r + 1) + ": same structure at a table";
          if (met.Met(p, q)) return "round " + std::to_string(r + 1) + ": people meet again";
        }
      }
    }
    for (const auto& table : plan.rounds[r])
      for (std::size_t i = 0; i < table.size(); ++i)
        for (std::size_t j = 0; j < i; ++j) met.Mark(table[i], table[j]);
    if (plan.waiting[r] != n - seated) return "round " + std::to_string(r + 1) + ": waiting count is wrong";
  }
  return "";
}

}  // namespace parcours
