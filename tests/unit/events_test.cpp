// Unit tests of src/domain/events (issue 12, item 5): session languages and descriptions, who
// sees the links, multi-part sessions (the parts' checks, the session mark made from them) and
// the dates of a series made from a rule.
#include "domain/events.h"

#include <catch2/catch.hpp>

#include "common/time.h"
#include "test_values.h"

namespace parcours {
namespace {

std::vector<std::string> Starts(const std::vector<std::pair<TimePoint, TimePoint>>& dates) {
  std::vector<std::string> out;
  for (const auto& [s, e] : dates) out.push_back(FormatLocal(s));
  return out;
}

Session TwoDays() {
  Session s;
  s.id = 7;
  s.starts_at = Utc("2027-03-04T09:00:00+01:00");
  s.ends_at = Utc("2027-04-01T16:00:00+02:00");
  return s;
}

}  // namespace

TEST_CASE("events: languages and descriptions are checked field by field", "[unit][events]") {
  CHECK(IsSessionLanguage("lb"));
  CHECK_FALSE(IsSessionLanguage("LB"));
  CHECK_FALSE(IsSessionLanguage(""));
  SessionDescription d;
  std::vector<FieldError> errors;
  DescriptionEdit e;
  e.language = "de";
  e.audience = "  Éducateurs et éducatrices  ";
  ApplyDescriptionEdit(d, e, errors);
  CHECK(errors.empty());
  CHECK(d.language == "de");
  CHECK(d.audience == "Éducateurs et éducatrices");
  DescriptionEdit bad;
  bad.language = "xx";
  bad.objectives = std::string(2001, 'o');
  bad.co_organisers = "a\nb";
  ApplyDescriptionEdit(d, bad, errors);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].field == "language");
  CHECK(errors[1].field == "objectives");
  CHECK(errors[2].field == "co_organisers");
}

TEST_CASE("events: links are for staff and confirmed registrants only", "[unit][events]") {
  Session s = TwoDays();
  s.trainer_ids = {3};
  Principal trainer{Principal::Kind::kUser, 3, RoleBit(Role::kTrainer), ""};
  Principal other_trainer{Principal::Kind::kUser, 4, RoleBit(Role::kTrainer), ""};
  Principal coordinator{Principal::Kind::kUser, 5, RoleBit(Role::kCoordinator), ""};
  Principal person{Principal::Kind::kUser, 9, RoleBit(Role::kParticipant), ""};
  Principal agency{Principal::Kind::kAgency, 0, 0, "IFEN"};
  Registration r;
  r.session_id = 7;
  r.participant_id = 9;
  CHECK(MaySeeLinks(trainer, s, std::nullopt));
  CHECK(MaySeeLinks(coordinator, s, std::nullopt));
  CHECK_FALSE(MaySeeLinks(other_trainer, s, std::nullopt));
  CHECK_FALSE(MaySeeLinks(agency, s, std::nullopt));
  CHECK(MaySeeLinks(person, s, r));
  r.status = RegistrationStatus::kWaitlisted;
  CHECK_FALSE(MaySeeLinks(person, s, r));
  r.status = RegistrationStatus::kConfirmed;
  r.session_id = 8;
  CHECK_FALSE(MaySeeLinks(person, s, r));
}

TEST_CASE("events: parts cover the session in order and add up to the module's hours", "[unit][events]") {
  const Session s = TwoDays();
  const SessionPart day1{0, Utc("2027-03-04T09:00:00+01:00"), Utc("2027-03-04T16:00:00+01:00"), 6};
  const SessionPart day2{0, Utc("2027-04-01T09:00:00+02:00"), Utc("2027-04-01T16:00:00+02:00"), 6};
  auto ok = CheckParts(s, {day1, day2}, 12);
  REQUIRE(ok);
  CHECK((*ok)[0].position == 1);
  CHECK((*ok)[1].position == 2);
  CHECK(CheckParts(s, {}, 12));  // held in one go again
  CHECK_FALSE(CheckParts(s, {day1}, 12));
  CHECK_FALSE(CheckParts(s, {day1, day2}, 13));
  CHECK_FALSE(CheckParts(s, {day2, day1}, 12));
  SessionPart third = day2;
  third.hours = 0.005;
  CHECK_FALSE(CheckParts(s, {day1, third}, 6.005));
}

TEST_CASE("events: the session mark is made from the parts attended", "[unit][events]") {
  const std::vector<SessionPart> parts = {{1, {}, {}, 6}, {2, {}, {}, 4.5}};
  auto mark = [&](std::vector<std::pair<int, bool>> marks) {
    std::vector<PartAttendance> out;
    for (auto [position, present] : marks) out.push_back({7, 9, position, present, 3, {}});
    return AttendanceFromParts(parts, out, 10.5);
  };
  CHECK(mark({{1, true}, {2, true}}).status == AttendanceStatus::kPresent);
  CHECK(mark({{1, true}, {2, true}}).hours == 10.5);
  CHECK(mark({{1, true}}).status == AttendanceStatus::kPartial);
  CHECK(mark({{1, false}, {2, true}}).hours == 4.5);
  CHECK(mark({{1, false}, {2, false}}).status == AttendanceStatus::kAbsent);
  CHECK(mark({}).hours == 0);
}

TEST_CASE("events: a series' dates follow its rule in Luxembourg time", "[unit][events]") {
  const TimePoint start = Utc("2027-01-14T18:00:00+01:00"), end = Utc("2027-01-14T20:00:00+01:00");
  auto monthly = SeriesDates(start, end, {"monthly", 4, 1});
  REQUIRE(monthly);
  CHECK(Starts(*monthly) == std::vector<std::string>{"2027-01-14T18:00:00+01:00", "2027-02-11T18:00:00+01:00",
                                                     "2027-03-11T18:00:00+01:00", "2027-04-08T18:00:00+02:00"});
  CHECK(FormatLocal((*monthly)[3].second) == "2027-04-08T20:00:00+02:00");
  auto quarterly = SeriesDates(start, end, {"monthly", 3, 3});
  REQUIRE(quarterly);
  CHECK(Starts(*quarterly)[2] == "2027-07-08T18:00:00+02:00");  // the second Thursday of July
  auto last = SeriesDates(Utc("2027-01-29T09:00:00+01:00"), Utc("2027-01-29T11:00:00+01:00"), {"monthly", 3, 1});
  REQUIRE(last);
  CHECK(Starts(*last) == std::vector<std::string>{"2027-01-29T09:00:00+01:00", "2027-02-26T09:00:00+01:00",
                                                  "2027-03-26T09:00:00+01:00"});
  auto weekly = SeriesDates(Utc("2027-03-18T18:00:00+01:00"), Utc("2027-03-18T20:00:00+01:00"), {"weekly", 3, 1});
  REQUIRE(weekly);
  CHECK(Starts(*weekly)[2] == "2027-04-01T18:00:00+02:00");  // across the summer-time change
  CHECK_FALSE(SeriesDates(start, end, {"daily", 3, 1}));
  CHECK_FALSE(SeriesDates(start, end, {"monthly", 1, 1}));
  CHECK_FALSE(SeriesDates(start, end, {"monthly", 25, 1}));
  CHECK_FALSE(SeriesDates(start, end, {"weekly", 3, 13}));
}

}  // namespace parcours
