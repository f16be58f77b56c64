#include "domain/structures.h"

#include <set>

namespace parcours {

Reach CountReach(const std::vector<AttendedDay>& attended, const std::vector<MembershipSpan>& memberships) {
  std::map<Id, std::vector<const MembershipSpan*>> of;
  for (const auto& m : memberships) of[m.user_id].push_back(&m);
  std::map<Id, std::string> first_day;
  for (const auto& a : attended) {
    auto [it, fresh] = first_day.emplace(a.participant_id, a.date);
    if (!fresh && a.date < it->second) it->second = a.date;
  }
  Reach r;
  for (auto s : {Sector::kFormalEducation, Sector::kNonFormalEducation, Sector::kHealth, Sector::kSocial, Sector::kOther})
    r.sectors[ToString(s)] = 0;
  r.sectors[kUnknownSector] = 0;
  r.people = static_cast<long long>(first_day.size());
  for (const auto& [person, day] : first_day) {
    const MembershipSpan* chosen = nullptr;
    for (const auto* m : of[person])
      if (m->Covers(day) && (!chosen || m->starts_on > chosen->starts_on ||
                             (m->starts_on == chosen->starts_on && m->structure_id < chosen->structure_id)))
        chosen = m;
    ++r.sectors[chosen ? ToString(chosen->sector) : kUnknownSector];
  }
  std::set<Id> reached;
  for (const auto& a : attended)
    for (const auto* m : of[a.participant_id])
      if (m->Covers(a.date)) reached.insert(m->structure_id);
  r.structures = static_cast<long long>(reached.size());
  return r;
}

}  // namespace parcours
