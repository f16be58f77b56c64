// Unit tests of src/domain/rules: input normalisation and validation, session defaults,
// the registration and session decisions, and attendance (credited hours, who may mark).
#include "domain/rules.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "test_values.h"

namespace parcours {
namespace {

using namespace std::chrono;

bool HasField(const std::vector<FieldError>& errors, const std::string& field) {
  return std::any_of(errors.begin(), errors.end(),
                     [&](const FieldError& e) { return e.field == field; });
}

// A session that passes CheckNewSession: a one-day module in June 2027.
Session ValidSession() {
  Session s;
  s.module_id = 1;
  s.starts_at = Utc(2027, 6, 1, 7);
  s.ends_at = Utc(2027, 6, 1, 15);
  s.capacity = 12;
  s.min_registrants = kDefaultMinRegistrants;
  return s;
}

}  // namespace

TEST_CASE("rules: NormaliseEmail lower-cases and trims", "[rules]") {
  CHECK(NormaliseEmail("  Alice.Martin@Example.LU \t") == std::string("alice.martin@example.lu"));
  CHECK(NormaliseEmail("bob@example.lu") == std::string("bob@example.lu"));
  CHECK(NormaliseEmail("a@b.c") == std::string("a@b.c"));
}

TEST_CASE("rules: NormaliseEmail keeps valid non-ASCII local parts", "[rules]") {
  CHECK(NormaliseEmail("\xc3\xa9lodie@example.lu") == std::string("\xc3\xa9lodie@example.lu"));
}

TEST_CASE("rules: NormaliseEmail rejects implausible shapes", "[rules]") {
  for (const char* raw : {"",
                          "   ",
                          "a@",
                          "alice",
                          "@example.lu",
                          "alice@",
                          "alice@example",
                          "alice@@example.lu",
                          "a@b@example.lu",
                          "alice@.lu",
                          "alice@example.",
                          "al ice@example.lu",
                          "alice@exa mple.lu",
                          "al\tice@example.lu",
                          "<alice@example.lu>",
                          "alice,bob@example.lu",
                          "alice;bob@example.lu",
                          "a\"b@example.lu",
                          "alice@example.lu\x7f",
                          "al\xff"
                          "ice@example.lu",
                          "al\xc3@example.lu"}) {
    INFO("'" << raw << "'");
    CHECK_FALSE(NormaliseEmail(raw));
  }
}

TEST_CASE("rules: NormaliseEmail rejects addresses longer than 254 bytes", "[rules]") {
  std::string local(242, 'a');
  CHECK(NormaliseEmail(local + "@example.lu"));          // 253
  CHECK(NormaliseEmail(local + "a@example.lu"));         // 254
  CHECK_FALSE(NormaliseEmail(local + "aa@example.lu"));  // 255
}

TEST_CASE("rules: IsValidCode accepts 1 to 32 of letters, digits, '_' and '-'", "[rules]") {
  CHECK(IsValidCode("LTAS"));
  CHECK(IsValidCode("LTAS-M1"));
  CHECK(IsValidCode("a_b"));
  CHECK(IsValidCode("x"));
  CHECK(IsValidCode(std::string(32, 'Z')));
  CHECK_FALSE(IsValidCode(""));
  CHECK_FALSE(IsValidCode(std::string(33, 'Z')));
  CHECK_FALSE(IsValidCode("LT AS"));
  CHECK_FALSE(IsValidCode("LTAS.1"));
  CHECK_FALSE(IsValidCode("a/b"));
  CHECK_FALSE(IsValidCode("\xc3\xa9t\xc3\xa9"));
}

TEST_CASE("rules: supported languages and built-in channels", "[rules]") {
  CHECK(IsSupportedLanguage("fr"));
  CHECK(IsSupportedLanguage("de"));
  CHECK(IsSupportedLanguage("en"));
  CHECK_FALSE(IsSupportedLanguage("lb"));
  CHECK_FALSE(IsSupportedLanguage("FR"));
  CHECK(IsBuiltinChannel("DIRECT"));
  CHECK(IsBuiltinChannel("SPECIALISED"));
  CHECK_FALSE(IsBuiltinChannel("IFEN"));
  CHECK_FALSE(IsBuiltinChannel("direct"));
}

TEST_CASE("rules: CheckText requires text and limits code points", "[rules]") {
  std::vector<FieldError> errors;
  CheckText("title", "Gestes de premiers secours", 200, errors);
  CHECK(errors.empty());
  CheckText("title", "   ", 200, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "title");
  CHECK(errors[0].message == "must not be empty");
  errors.clear();
  CheckText("title", "", 200, errors, /*required=*/false);
  CHECK(errors.empty());
  CheckText("title", Repeat("\xc3\xa9", 5), 5, errors);  // 5 code points, 10 bytes
  CHECK(errors.empty());
  CheckText("title", Repeat("\xc3\xa9", 6), 5, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "must be at most 5 characters");
  errors.clear();
  CheckText("title", "bad \xff", 200, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].message == "must be valid UTF-8");
}

TEST_CASE("rules: CheckNewSession defaults decision_at to 14 days before the start", "[rules]") {
  Session s = ValidSession();
  std::vector<FieldError> errors;
  CheckNewSession(s, /*decision_given=*/false, errors);
  CHECK(errors.empty());
  CHECK(Ms(s.decision_at) == Ms(Utc(2027, 5, 18, 7)));
  CHECK(Ms(s.decision_at) == Ms(s.starts_at - days(14)));
}

TEST_CASE("rules: the default decision date keeps the clock time across a summer-time change", "[rules]") {
  Session s = ValidSession();
  s.starts_at = Utc(2027, 4, 6, 7);  // 09:00 summer time
  s.ends_at = Utc(2027, 4, 6, 11);
  std::vector<FieldError> errors;
  CheckNewSession(s, /*decision_given=*/false, errors);
  CHECK(errors.empty());
  CHECK(Ms(s.decision_at) == Ms(Utc(2027, 3, 23, 8)));  // 09:00 winter time, not 08:00
}

TEST_CASE("rules: CheckNewSession keeps a given decision date up to the start", "[rules]") {
  Session s = ValidSession();
  s.decision_at = Utc(2027, 5, 25, 12);
  std::vector<FieldError> errors;
  CheckNewSession(s, true, errors);
  CHECK(errors.empty());
  CHECK(Ms(s.decision_at) == Ms(Utc(2027, 5, 25, 12)));

  Session at_start = ValidSession();
  at_start.decision_at = at_start.starts_at;
  CheckNewSession(at_start, true, errors);
  CHECK(errors.empty());
}

TEST_CASE("rules: CheckNewSession rejects a decision date after the start", "[rules]") {
  Session s = ValidSession();
  s.decision_at = s.starts_at + minutes(1);
  std::vector<FieldError> errors;
  CheckNewSession(s, true, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "decision_at");
}

TEST_CASE("rules: CheckNewSession rejects ends_at not after starts_at", "[rules]") {
  std::vector<FieldError> errors;
  Session equal = ValidSession();
  equal.ends_at = equal.starts_at;
  CheckNewSession(equal, false, errors);
  CHECK(errors.size() == 1);
  CHECK(HasField(errors, "ends_at"));

  errors.clear();
  Session before = ValidSession();
  before.ends_at = before.starts_at - hours(1);
  CheckNewSession(before, false, errors);
  CHECK(errors.size() == 1);
  CHECK(HasField(errors, "ends_at"));
}

TEST_CASE("rules: CheckNewSession rejects sessions longer than 366 days", "[rules]") {
  std::vector<FieldError> errors;
  Session s = ValidSession();
  s.ends_at = s.starts_at + days(366);
  CheckNewSession(s, false, errors);
  CHECK(errors.empty());
  s.ends_at = s.starts_at + days(366) + minutes(1);
  CheckNewSession(s, false, errors);
  CHECK(HasField(errors, "ends_at"));
}

TEST_CASE("rules: CheckNewSession rejects capacity 0 and above the maximum", "[rules]") {
  for (int capacity : {0, -1, kMaxCapacity + 1}) {
    INFO("capacity " << capacity);
    Session s = ValidSession();
    s.capacity = capacity;
    s.min_registrants = 0;
    std::vector<FieldError> errors;
    CheckNewSession(s, false, errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "capacity");
  }
  Session max = ValidSession();
  max.capacity = kMaxCapacity;
  std::vector<FieldError> errors;
  CheckNewSession(max, false, errors);
  CHECK(errors.empty());
}

TEST_CASE("rules: CheckNewSession rejects min_registrants above capacity", "[rules]") {
  Session s = ValidSession();
  s.capacity = 12;
  s.min_registrants = 13;
  std::vector<FieldError> errors;
  CheckNewSession(s, false, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "min_registrants");
  CHECK(errors[0].message == "must not exceed capacity");

  errors.clear();
  s.min_registrants = 12;
  CheckNewSession(s, false, errors);
  CHECK(errors.empty());
  s.min_registrants = 0;
  CheckNewSession(s, false, errors);
  CHECK(errors.empty());
  s.min_registrants = -1;
  CheckNewSession(s, false, errors);
  CHECK(HasField(errors, "min_registrants"));
}

TEST_CASE("rules: CheckNewSession reports only the capacity when capacity is invalid", "[rules]") {
  Session s = ValidSession();
  s.capacity = 0;
  s.min_registrants = 10;
  std::vector<FieldError> errors;
  CheckNewSession(s, false, errors);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0].field == "capacity");
}

TEST_CASE("rules: CheckNewSession collects every bad field", "[rules]") {
  Session s = ValidSession();
  s.ends_at = s.starts_at;
  s.capacity = 0;
  s.min_registrants = -5;
  s.decision_at = s.starts_at + days(1);
  std::vector<FieldError> errors;
  CheckNewSession(s, true, errors);
  CHECK(errors.size() == 4);
  CHECK(HasField(errors, "ends_at"));
  CHECK(HasField(errors, "capacity"));
  CHECK(HasField(errors, "min_registrants"));
  CHECK(HasField(errors, "decision_at"));
}

TEST_CASE("rules: CheckRegistrationOpen allows registration before the start", "[rules]") {
  Session s = ValidSession();
  ManualClock clock(s.starts_at - days(30));
  CHECK_FALSE(CheckRegistrationOpen(s, clock.Now()));
  clock.Set(s.starts_at - milliseconds(1));
  CHECK_FALSE(CheckRegistrationOpen(s, clock.Now()));
  s.status = SessionStatus::kConfirmed;
  CHECK_FALSE(CheckRegistrationOpen(s, clock.Now()));
}

TEST_CASE("rules: CheckRegistrationOpen closes at the start instant", "[rules]") {
  Session s = ValidSession();
  ManualClock clock(s.starts_at);
  auto at_start = CheckRegistrationOpen(s, clock.Now());
  REQUIRE(at_start);
  CHECK(at_start->code == ErrorCode::kSessionNotOpen);
  clock.Advance(hours(1));
  auto during = CheckRegistrationOpen(s, clock.Now());
  REQUIRE(during);
  CHECK(during->code == ErrorCode::kSessionNotOpen);
}

TEST_CASE("rules: CheckRegistrationOpen refuses cancelled and completed sessions", "[rules]") {
  Session s = ValidSession();
  ManualClock clock(s.starts_at - days(30));
  s.status = SessionStatus::kCancelled;
  auto cancelled = CheckRegistrationOpen(s, clock.Now());
  REQUIRE(cancelled);
  CHECK(cancelled->code == ErrorCode::kSessionNotOpen);
  CHECK(cancelled->detail == "The session is cancelled.");
  s.status = SessionStatus::kCompleted;
  auto completed = CheckRegistrationOpen(s, clock.Now());
  REQUIRE(completed);
  CHECK(completed->code == ErrorCode::kSessionNotOpen);
}

TEST_CASE("rules: StatusForNewRegistration confirms until capacity, then waitlists", "[rules]") {
  Session s = ValidSession();
  s.capacity = 2;
  s.confirmed_count = 0;
  CHECK(StatusForNewRegistration(s) == RegistrationStatus::kConfirmed);
  s.confirmed_count = 1;
  CHECK(StatusForNewRegistration(s) == RegistrationStatus::kConfirmed);
  s.confirmed_count = 2;
  CHECK(StatusForNewRegistration(s) == RegistrationStatus::kWaitlisted);
  s.confirmed_count = 3;  // after a capacity reduction
  CHECK(StatusForNewRegistration(s) == RegistrationStatus::kWaitlisted);
}

TEST_CASE("rules: IsActive holds for confirmed and waitlisted registrations only", "[rules]") {
  CHECK(IsActive(RegistrationStatus::kConfirmed));
  CHECK(IsActive(RegistrationStatus::kWaitlisted));
  CHECK_FALSE(IsActive(RegistrationStatus::kWithdrawn));
  CHECK_FALSE(IsActive(RegistrationStatus::kCancelled));
}

TEST_CASE("rules: DecideSession confirms at the threshold and cancels below it", "[rules]") {
  Session s = ValidSession();
  s.min_registrants = 6;
  s.confirmed_count = 6;
  CHECK(DecideSession(s) == SessionStatus::kConfirmed);
  s.confirmed_count = 12;
  CHECK(DecideSession(s) == SessionStatus::kConfirmed);
  s.confirmed_count = 5;
  CHECK(DecideSession(s) == SessionStatus::kCancelled);
  s.confirmed_count = 0;
  CHECK(DecideSession(s) == SessionStatus::kCancelled);
}

TEST_CASE("rules: DecideSession with min_registrants 0 always confirms", "[rules]") {
  Session s = ValidSession();
  s.min_registrants = 0;
  s.confirmed_count = 0;
  CHECK(DecideSession(s) == SessionStatus::kConfirmed);
  s.confirmed_count = 3;
  CHECK(DecideSession(s) == SessionStatus::kConfirmed);
}

TEST_CASE("rules: CreditedHours gives the module hours for presence", "[rules]") {
  auto plain = CreditedHours({AttendanceStatus::kPresent, std::nullopt}, 4);
  REQUIRE(plain);
  CHECK(*plain == 4.0);
  // Stating the full hours explicitly is the same thing.
  auto explicit_full = CreditedHours({AttendanceStatus::kPresent, 4.0}, 4);
  REQUIRE(explicit_full);
  CHECK(*explicit_full == 4.0);
}

TEST_CASE("rules: CreditedHours refuses presence with other hours", "[rules]") {
  for (double h : {0.0, 2.0, 3.5, 5.0}) {
    INFO(h);
    auto r = CreditedHours({AttendanceStatus::kPresent, h}, 4);
    REQUIRE_FALSE(r);
    CHECK(r.error().find("partial") != std::string::npos);
  }
}

TEST_CASE("rules: CreditedHours takes partial hours strictly between 0 and the module hours", "[rules]") {
  auto half = CreditedHours({AttendanceStatus::kPartial, 2.0}, 4);
  REQUIRE(half);
  CHECK(*half == 2.0);
  auto fraction = CreditedHours({AttendanceStatus::kPartial, 0.25}, 4);
  REQUIRE(fraction);
  CHECK(*fraction == 0.25);
  auto almost = CreditedHours({AttendanceStatus::kPartial, 3.75}, 4);
  REQUIRE(almost);
  CHECK(*almost == 3.75);
  for (double h : {0.0, -1.0, 4.0, 4.5, 8.0}) {
    INFO(h);
    auto r = CreditedHours({AttendanceStatus::kPartial, h}, 4);
    REQUIRE_FALSE(r);
    CHECK(r.error() == "must be more than 0 and less than the module's 4 hours");
  }
}

TEST_CASE("rules: CreditedHours needs hours for partial attendance", "[rules]") {
  auto r = CreditedHours({AttendanceStatus::kPartial, std::nullopt}, 4);
  REQUIRE_FALSE(r);
  CHECK(r.error() == "is required for partial attendance");
}

TEST_CASE("rules: CreditedHours gives 0 for absence and excused absence", "[rules]") {
  for (auto status : {AttendanceStatus::kAbsent, AttendanceStatus::kExcused}) {
    INFO(ToString(status));
    auto none = CreditedHours({status, std::nullopt}, 8);
    REQUIRE(none);
    CHECK(*none == 0.0);
    auto zero = CreditedHours({status, 0.0}, 8);
    REQUIRE(zero);
    CHECK(*zero == 0.0);
    auto some = CreditedHours({status, 2.0}, 8);
    REQUIRE_FALSE(some);
    CHECK(some.error() == "is only for partial attendance");
  }
}

TEST_CASE("rules: only full presence counts toward a pathway", "[rules]") {
  AttendanceRecord r;
  r.status = AttendanceStatus::kPresent;
  r.hours = 4;
  CHECK(CountsTowardPathway(r, 4));
  r.hours = 3.5;
  CHECK_FALSE(CountsTowardPathway(r, 4));
  r.status = AttendanceStatus::kPartial;
  r.hours = 3.75;
  CHECK_FALSE(CountsTowardPathway(r, 4));
  r.hours = 4;  // even with the full hours, partial is not presence
  CHECK_FALSE(CountsTowardPathway(r, 4));
  for (auto status : {AttendanceStatus::kAbsent, AttendanceStatus::kExcused}) {
    r.status = status;
    r.hours = 0;
    CHECK_FALSE(CountsTowardPathway(r, 4));
  }
}

namespace {

Principal Person(Id id, unsigned roles) {
  Principal p;
  p.kind = Principal::Kind::kUser;
  p.user_id = id;
  p.roles = roles;
  return p;
}

}  // namespace

TEST_CASE("rules: coordinators mark attendance from the session's start on, and correct past sheets", "[rules]") {
  Session s = ValidSession();
  s.trainer_ids = {7};
  Principal coordinator = Person(3, RoleBit(Role::kCoordinator));
  ManualClock clock(s.starts_at - days(10));
  auto early = CheckCanMarkAttendance(coordinator, s, clock.Now());
  REQUIRE(early);
  CHECK(early->code == ErrorCode::kRuleViolation);
  clock.Set(s.starts_at - std::chrono::milliseconds(1));
  CHECK(CheckCanMarkAttendance(coordinator, s, clock.Now()));
  clock.Set(s.starts_at);
  CHECK_FALSE(CheckCanMarkAttendance(coordinator, s, clock.Now()));
  clock.Set(s.ends_at + days(60));  // correcting a past sheet
  CHECK_FALSE(CheckCanMarkAttendance(coordinator, s, clock.Now()));
}

TEST_CASE("rules: an assigned trainer marks attendance from the session's start on", "[rules]") {
  Session s = ValidSession();
  s.trainer_ids = {5, 7};
  Principal trainer = Person(7, RoleBit(Role::kTrainer));
  ManualClock clock(s.starts_at - days(1));
  auto early = CheckCanMarkAttendance(trainer, s, clock.Now());
  REQUIRE(early);
  CHECK(early->code == ErrorCode::kRuleViolation);
  clock.Set(s.starts_at - milliseconds(1));
  auto just_before = CheckCanMarkAttendance(trainer, s, clock.Now());
  REQUIRE(just_before);
  CHECK(just_before->code == ErrorCode::kRuleViolation);
  clock.Set(s.starts_at);
  CHECK_FALSE(CheckCanMarkAttendance(trainer, s, clock.Now()));
  clock.Set(s.ends_at + days(2));
  CHECK_FALSE(CheckCanMarkAttendance(trainer, s, clock.Now()));
}

TEST_CASE("rules: others may not mark attendance", "[rules]") {
  Session s = ValidSession();
  s.trainer_ids = {7};
  ManualClock clock(s.starts_at + hours(1));

  SECTION("a trainer not assigned to the session") {
    auto e = CheckCanMarkAttendance(Person(8, RoleBit(Role::kTrainer)), s, clock.Now());
    REQUIRE(e);
    CHECK(e->code == ErrorCode::kForbidden);
    // Also before the start: forbidden, not "too early".
    clock.Set(s.starts_at - days(1));
    auto early = CheckCanMarkAttendance(Person(8, RoleBit(Role::kTrainer)), s, clock.Now());
    REQUIRE(early);
    CHECK(early->code == ErrorCode::kForbidden);
  }
  SECTION("a participant") {
    auto e = CheckCanMarkAttendance(Person(9, RoleBit(Role::kParticipant)), s, clock.Now());
    REQUIRE(e);
    CHECK(e->code == ErrorCode::kForbidden);
  }
  SECTION("an agency key, even with a user id that is a trainer's") {
    Principal agency;
    agency.kind = Principal::Kind::kAgency;
    agency.agency_code = "IFEN";
    agency.user_id = 7;
    auto e = CheckCanMarkAttendance(agency, s, clock.Now());
    REQUIRE(e);
    CHECK(e->code == ErrorCode::kForbidden);
  }
  SECTION("nobody") {
    auto e = CheckCanMarkAttendance(Principal{}, s, clock.Now());
    REQUIRE(e);
    CHECK(e->code == ErrorCode::kForbidden);
  }
}

}  // namespace parcours

namespace parcours {

TEST_CASE("rules: CheckText refuses control, separator, bidi and zero-width characters", "[rules][text]") {
  // Each of these passed before review issue 8 (item 3).
  const std::vector<std::pair<const char*, std::string>> forbidden = {
      {"U+0000", std::string("\0=HYPERLINK(\"x\")", 16)},
      {"U+0009 TAB", "a\tb"},
      {"U+000A LF", "a\nb"},
      {"U+000B VT", "\v=1"},
      {"U+000C FF", "\f=1"},
      {"U+000D CR", "a\rb"},
      {"U+001F", "\x1f=1"},
      {"U+007F DEL", "a\x7f"},
      {"U+0085 NEL (C1)", "a\xC2\x85" "b"},
      {"U+009F (C1)", "a\xC2\x9F"},
      {"U+2028 LINE SEPARATOR", "a\xE2\x80\xA8" "b"},
      {"U+2029 PARAGRAPH SEPARATOR", "a\xE2\x80\xA9" "b"},
      {"U+202E RLO", "\xE2\x80\xAE" "abc"},
      {"U+202A LRE", "\xE2\x80\xAA" "abc"},
      {"U+2066 LRI", "\xE2\x81\xA6" "abc"},
      {"U+2069 PDI", "abc\xE2\x81\xA9"},
      {"U+200E LRM", "abc\xE2\x80\x8E"},
      {"U+200B ZWSP", "\xE2\x80\x8B=1"},
      {"U+2060 WORD JOINER", "a\xE2\x81\xA0" "b"},
      {"U+FEFF BOM", "\xEF\xBB\xBF=1"},
  };
  for (const auto& [what, text] : forbidden) {
    INFO(what);
    std::vector<FieldError> errors;
    CheckText("participant.name", text, 200, errors);
    REQUIRE(errors.size() == 1);
    CHECK(errors[0].field == "participant.name");
    CHECK(errors[0].message == "must not contain control, line-separator, bidirectional or invisible characters");
  }
  // Names in any script, NBSP and typographic spaces, apostrophes and dashes are text.
  for (const std::string ok : {"Zoë O’Brien-Łukasiewicz", "李小龍", "Ζωή Δημητρίου", "« Let's Talk about Sex\xE2\x80\xAF! »",
                               "Lycée\xC2\xA0" "Aline Mayrisch", "=SUM(A1)", "+352 12 34 56"}) {
    INFO(ok);
    std::vector<FieldError> errors;
    CheckText("name", ok, 200, errors);
    CHECK(errors.empty());
  }
}

TEST_CASE("rules: NormaliseEmail refuses invisible and control characters", "[rules][text]") {
  CHECK_FALSE(NormaliseEmail("a\xE2\x80\x8B@ex.lu"));
  CHECK_FALSE(NormaliseEmail("a\xC2\x85@ex.lu"));
  CHECK_FALSE(NormaliseEmail("\xE2\x80\xAE" "a@ex.lu"));
  CHECK(NormaliseEmail("zoë@ex.lu"));
}

TEST_CASE("rules: CreditedHours refuses partial hours finer than the stored hundredths", "[rules][hours]") {
  for (double h : {0.004, 3.999, 1.234, 0.001}) {
    INFO(h);
    auto r = CreditedHours({AttendanceStatus::kPartial, h}, 4);
    REQUIRE_FALSE(r);
    CHECK(r.error() == "must have at most 2 decimals");
  }
  for (double h : {0.01, 0.1, 1.25, 3.99}) {
    INFO(h);
    CHECK(CreditedHours({AttendanceStatus::kPartial, h}, 4));
  }
}

}  // namespace parcours
