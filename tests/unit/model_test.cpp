// Unit tests of src/domain/model: the string forms of the enums, roles, principals,
// pathway totals and session trainers.
#include "domain/model.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

namespace parcours {

TEST_CASE("model: SessionStatus string forms round trip", "[model]") {
  for (auto s : {SessionStatus::kScheduled, SessionStatus::kConfirmed, SessionStatus::kCancelled,
                 SessionStatus::kCompleted}) {
    INFO(ToString(s));
    auto back = SessionStatusFromString(ToString(s));
    REQUIRE(back);
    CHECK(*back == s);
  }
  CHECK(std::string(ToString(SessionStatus::kScheduled)) == "scheduled");
  CHECK(std::string(ToString(SessionStatus::kConfirmed)) == "confirmed");
  CHECK(std::string(ToString(SessionStatus::kCancelled)) == "cancelled");
  CHECK(std::string(ToString(SessionStatus::kCompleted)) == "completed");
}

TEST_CASE("model: SessionMode string forms round trip", "[model]") {
  for (auto m : {SessionMode::kOnsite, SessionMode::kOnline, SessionMode::kHybrid}) {
    INFO(ToString(m));
    auto back = SessionModeFromString(ToString(m));
    REQUIRE(back);
    CHECK(*back == m);
  }
  CHECK(std::string(ToString(SessionMode::kOnsite)) == "onsite");
  CHECK(std::string(ToString(SessionMode::kOnline)) == "online");
  CHECK(std::string(ToString(SessionMode::kHybrid)) == "hybrid");
}

TEST_CASE("model: RegistrationStatus string forms round trip", "[model]") {
  for (auto s : {RegistrationStatus::kConfirmed, RegistrationStatus::kWaitlisted,
                 RegistrationStatus::kWithdrawn, RegistrationStatus::kCancelled}) {
    INFO(ToString(s));
    auto back = RegistrationStatusFromString(ToString(s));
    REQUIRE(back);
    CHECK(*back == s);
  }
  CHECK(std::string(ToString(RegistrationStatus::kWaitlisted)) == "waitlisted");
  CHECK(std::string(ToString(RegistrationStatus::kWithdrawn)) == "withdrawn");
}

TEST_CASE("model: unknown or differently cased enum strings are rejected", "[model]") {
  CHECK_FALSE(SessionStatusFromString(""));
  CHECK_FALSE(SessionStatusFromString("Scheduled"));
  CHECK_FALSE(SessionStatusFromString("open"));
  CHECK_FALSE(SessionModeFromString("ONLINE"));
  CHECK_FALSE(SessionModeFromString("remote"));
  CHECK_FALSE(RegistrationStatusFromString("confirmed "));
  CHECK_FALSE(RegistrationStatusFromString("pending"));
}

TEST_CASE("model: RoleNames lists the roles of a bit set in a fixed order", "[model]") {
  CHECK(RoleNames(0).empty());
  CHECK(RoleNames(RoleBit(Role::kParticipant)) == std::vector<std::string>{"participant"});
  CHECK(RoleNames(RoleBit(Role::kCoordinator) | RoleBit(Role::kTrainer)) ==
        std::vector<std::string>{"trainer", "coordinator"});
  CHECK(RoleNames(7) == std::vector<std::string>{"participant", "trainer", "coordinator"});
  CHECK(RoleNames(8).empty());  // unknown bits are ignored
}

TEST_CASE("model: RoleFromName reads every role name and nothing else", "[model]") {
  for (auto r : {Role::kParticipant, Role::kTrainer, Role::kCoordinator}) {
    auto names = RoleNames(RoleBit(r));
    REQUIRE(names.size() == 1);
    auto back = RoleFromName(names[0]);
    REQUIRE(back);
    CHECK(*back == r);
  }
  CHECK_FALSE(RoleFromName(""));
  CHECK_FALSE(RoleFromName("admin"));
  CHECK_FALSE(RoleFromName("Coordinator"));
}

TEST_CASE("model: users and principals report their roles", "[model]") {
  User u;
  CHECK(u.Has(Role::kParticipant));
  CHECK_FALSE(u.Has(Role::kCoordinator));

  Principal user;
  user.kind = Principal::Kind::kUser;
  user.user_id = 12;
  user.roles = RoleBit(Role::kCoordinator);
  CHECK(user.IsCoordinator());
  CHECK_FALSE(user.Has(Role::kTrainer));
  CHECK(user.Label() == "user:12");

  Principal agency;
  agency.kind = Principal::Kind::kAgency;
  agency.agency_code = "IFEN";
  agency.roles = RoleBit(Role::kCoordinator);  // roles only count for people
  CHECK_FALSE(agency.IsCoordinator());
  CHECK(agency.Label() == "agency:IFEN");

  Principal nobody;
  CHECK_FALSE(nobody.Has(Role::kParticipant));
  CHECK(nobody.Label() == "anonymous");
}

TEST_CASE("model: Pathway::TotalHours sums the module hours (LTAS is 32 h)", "[model]") {
  Pathway ltas;
  ltas.code = "LTAS";
  for (int i = 1; i <= 6; ++i) {
    Module m;
    m.position = i;
    m.code = "LTAS-M" + std::to_string(i);
    m.hours = 4;
    ltas.modules.push_back(m);
  }
  Module day;
  day.position = 7;
  day.code = "LTAS-M7";
  day.hours = 8;
  ltas.modules.push_back(day);
  CHECK(ltas.TotalHours() == Approx(32.0));

  Pathway empty;
  CHECK(empty.TotalHours() == 0.0);

  Pathway halves;
  for (double h : {1.5, 2.25}) {
    Module m;
    m.hours = h;
    halves.modules.push_back(m);
  }
  CHECK(halves.TotalHours() == Approx(3.75));
}

TEST_CASE("model: AttendanceStatus string forms round trip", "[model]") {
  for (auto s : {AttendanceStatus::kPresent, AttendanceStatus::kAbsent, AttendanceStatus::kExcused,
                 AttendanceStatus::kPartial}) {
    INFO(ToString(s));
    auto back = AttendanceStatusFromString(ToString(s));
    REQUIRE(back);
    CHECK(*back == s);
  }
  CHECK(std::string(ToString(AttendanceStatus::kPresent)) == "present");
  CHECK(std::string(ToString(AttendanceStatus::kAbsent)) == "absent");
  CHECK(std::string(ToString(AttendanceStatus::kExcused)) == "excused");
  CHECK(std::string(ToString(AttendanceStatus::kPartial)) == "partial");
  CHECK_FALSE(AttendanceStatusFromString(""));
  CHECK_FALSE(AttendanceStatusFromString("Present"));
  CHECK_FALSE(AttendanceStatusFromString("late"));
}

TEST_CASE("model: NotificationKind names", "[model]") {
  CHECK(std::string(ToString(NotificationKind::kRegistrationConfirmed)) == "registration_confirmed");
  CHECK(std::string(ToString(NotificationKind::kPromoted)) == "promoted");
  CHECK(std::string(ToString(NotificationKind::kSessionCancelled)) == "session_cancelled");
  CHECK(std::string(ToString(NotificationKind::kReminder)) == "reminder");
}

TEST_CASE("model: Session::Teaches holds for the session's trainers only", "[model]") {
  Session s;
  CHECK_FALSE(s.Teaches(0));
  CHECK_FALSE(s.Teaches(7));
  s.trainer_ids = {7, 12};
  CHECK(s.Teaches(7));
  CHECK(s.Teaches(12));
  CHECK_FALSE(s.Teaches(8));
  CHECK_FALSE(s.Teaches(0));
}

TEST_CASE("model: the system principal is labelled \"system\"", "[model]") {
  Principal system;
  system.kind = Principal::Kind::kSystem;
  CHECK(system.Label() == "system");
  CHECK_FALSE(system.IsCoordinator());
  system.roles = RoleBit(Role::kCoordinator);  // roles only count for people
  CHECK_FALSE(system.IsCoordinator());
}

}  // namespace parcours
