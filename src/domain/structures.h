#pragma once
// Who the trainings reached, by structure and sector (the centre's yearly report gives
// "41 participant·es (9 EF / 8 ENF / 24 autres)" and "71 personnes provenant de 49 structures").
// Pure logic over what storage reads: sessions attended and the memberships of those people.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/model.h"

namespace parcours {

// A session a person attended (present or partial), by its Luxembourg date (YYYY-MM-DD).
struct AttendedDay {
  Id participant_id = 0;
  std::string date;
};

// A membership with the sector of its structure.
struct MembershipSpan {
  Id user_id = 0;
  Id structure_id = 0;
  Sector sector = Sector::kOther;
  std::string starts_on;
  std::optional<std::string> ends_on;
  bool Covers(const std::string& date) const { return starts_on <= date && (!ends_on || date <= *ends_on); }
};

// The key of people whose structure is not known on the day they came.
inline constexpr const char* kUnknownSector = "unknown";

struct Reach {
  long long people = 0;                      // distinct people
  std::map<std::string, long long> sectors;  // every sector and "unknown"; sums to `people`
  long long structures = 0;                  // distinct structures reached
};

// Each person counts once, in the sector of the structure they belonged to on the first day
// they came (of several, the one they joined last; then the lowest id); without one, in
// "unknown". A structure is reached when a member came while belonging to it.
Reach CountReach(const std::vector<AttendedDay>& attended, const std::vector<MembershipSpan>& memberships);

// The employer's view (issue 12): a structure's contact person, named by the coordinator for
// that structure alone.
struct StructureContact {
  Id structure_id = 0;
  Id user_id = 0;
  TimePoint granted_at;
};

// A person's consent to show their registrations, progress and attestations to the contacts of
// one structure. It counts only while they are a member of it.
struct StaffSharing {
  Id user_id = 0;
  Id structure_id = 0;
  TimePoint given_at;
};

}  // namespace parcours
