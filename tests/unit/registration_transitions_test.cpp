// Unit tests of src/domain/registration_transitions: the registration unit's transitions as
// pure functions — the rows they write and the audit rows, messages and feed items they cause.
#include "domain/registration_transitions.h"

#include <catch2/catch.hpp>
#include <chrono>

namespace parcours {
namespace {

using namespace std::chrono;

const TimePoint kNow = TimePoint(sys_days(2027y / 1 / 10).time_since_epoch());

Session OpenSession(Id id, Id module, int capacity, int confirmed = 0, int waiting = 0) {
  Session s;
  s.id = id;
  s.module_id = module;
  s.starts_at = kNow + days(30);
  s.ends_at = s.starts_at + hours(4);
  s.decision_at = s.starts_at - days(14);
  s.capacity = capacity;
  s.confirmed_count = confirmed;
  s.waitlist_count = waiting;
  return s;
}

Registration Active(Id id, Id session, Id person, RegistrationStatus status, const std::string& channel = "DIRECT") {
  Registration r;
  r.id = id;
  r.session_id = session;
  r.module_id = 7;
  r.participant_id = person;
  r.status = status;
  r.channel = channel;
  return r;
}

}  // namespace

TEST_CASE("transitions: register confirms while places remain, then waitlists", "[transitions]") {
  RegisterRequest in;
  in.participant_id = 42;
  auto confirmed = RegisterTransition(OpenSession(1, 7, 2, 1), in, kNow);
  REQUIRE(confirmed);
  REQUIRE(confirmed->inserted);
  CHECK(confirmed->inserted->status == RegistrationStatus::kConfirmed);
  CHECK(confirmed->inserted->module_id == 7);
  CHECK(confirmed->sessions.front().confirmed_count == 2);
  REQUIRE(confirmed->notices.size() == 1);
  CHECK(confirmed->notices[0].kind == NotificationKind::kRegistrationConfirmed);
  REQUIRE(confirmed->audit.size() == 1);
  CHECK(confirmed->audit[0].action == "registration.created");
  CHECK(confirmed->feed.size() == 1);

  auto waiting = RegisterTransition(OpenSession(1, 7, 2, 2, 3), in, kNow);
  REQUIRE(waiting);
  CHECK(waiting->inserted->status == RegistrationStatus::kWaitlisted);
  CHECK(waiting->inserted->waitlist_position == 4);
  CHECK(waiting->notices.empty());  // a waiting person is told when promoted

  in.module_override = true;
  auto forced = RegisterTransition(OpenSession(1, 7, 2), in, kNow);
  REQUIRE(forced);
  CHECK(forced->inserted->module_override);
  REQUIRE(forced->audit.size() == 2);
  CHECK(forced->audit[1].action == "registration.module_override");

  Session cancelled = OpenSession(1, 7, 2);
  cancelled.status = SessionStatus::kCancelled;
  auto refused = RegisterTransition(cancelled, in, kNow);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == ErrorCode::kSessionNotOpen);
}

TEST_CASE("transitions: a confirmed withdrawal promotes the first waiting person", "[transitions]") {
  const Session s = OpenSession(1, 7, 1, 1, 1);
  const auto leaving = Active(10, 1, 42, RegistrationStatus::kConfirmed, "IFEN");
  const auto first = Active(11, 1, 43, RegistrationStatus::kWaitlisted);
  auto t = WithdrawTransition(s, leaving, first, kNow);
  REQUIRE(t.changed.size() == 2);
  CHECK(t.changed[0].status == RegistrationStatus::kWithdrawn);
  CHECK(t.changed[1].id == 11);
  CHECK(t.changed[1].status == RegistrationStatus::kConfirmed);
  CHECK(t.sessions.front().confirmed_count == 1);
  CHECK(t.sessions.front().waitlist_count == 0);
  REQUIRE(t.notices.size() == 1);
  CHECK(t.notices[0].kind == NotificationKind::kPromoted);
  CHECK(t.notices[0].participant_id == 43);
  REQUIRE(t.feed.size() == 2);
  CHECK(t.feed[0].status == "withdrawn");
  CHECK(t.feed[1].kind == "promoted");

  // A waiting person leaving promotes nobody; nor does a place freed in a cancelled session.
  auto quiet = WithdrawTransition(s, first, std::nullopt, kNow);
  CHECK(quiet.changed.size() == 1);
  CHECK(quiet.sessions.front().waitlist_count == 0);
  Session over = s;
  over.status = SessionStatus::kCompleted;
  CHECK(WithdrawTransition(over, leaving, first, kNow).changed.size() == 1);
}

TEST_CASE("transitions: a transfer withdraws, promotes and registers, within one module only", "[transitions]") {
  const Session from = OpenSession(1, 7, 1, 1, 1), to = OpenSession(2, 7, 5, 5);
  const auto reg = Active(10, 1, 42, RegistrationStatus::kConfirmed);
  auto t = TransferTransition(from, to, reg, Active(11, 1, 43, RegistrationStatus::kWaitlisted), kNow,
                              "registration.transferred");
  REQUIRE(t);
  CHECK(t->changed.size() == 2);  // withdrawn, promoted
  REQUIRE(t->inserted);
  CHECK(t->inserted->session_id == 2);
  CHECK(t->inserted->status == RegistrationStatus::kWaitlisted);
  CHECK(t->sessions.size() == 2);
  CHECK(t->audit.back().action == "registration.transferred");
  CHECK(t->audit.back().entity_id == 0);  // the new registration, once stored

  auto elsewhere = TransferTransition(from, OpenSession(3, 8, 5), reg, std::nullopt, kNow, "x");
  REQUIRE_FALSE(elsewhere);
  CHECK(elsewhere.error().errors[0].field == "session_id");
  CHECK_FALSE(TransferTransition(from, from, reg, std::nullopt, kNow, "x"));
  CHECK(TransferTransition(from, to, Active(10, 1, 42, RegistrationStatus::kWithdrawn), std::nullopt, kNow, "x")
            .error()
            .code == ErrorCode::kConflict);
}

TEST_CASE("transitions: a cancellation tells every registrant why, in the agency feeds too", "[transitions]") {
  Session s = OpenSession(1, 7, 5, 1, 1);
  s.agency = "IFEN";
  CancelReason why;
  why.code = CancelReasonCode::kBelowThreshold;
  why.confirmed = 1;
  why.minimum = 3;
  auto t = CancelTransition(s, {Active(10, 1, 42, RegistrationStatus::kConfirmed, "IFEN"),
                                Active(11, 1, 43, RegistrationStatus::kWaitlisted)},
                            why, true, kNow);
  CHECK(t.changed.size() == 2);
  CHECK(t.sessions.front().status == SessionStatus::kCancelled);
  CHECK(t.sessions.front().ics_sequence == 1);
  REQUIRE(t.cancellation);
  CHECK(t.cancellation->by_threshold);
  REQUIRE(t.notices.size() == 2);
  CHECK(t.notices[0].reason->minimum == 3);
  CHECK(t.notices[0].list_alternatives);
  CHECK(t.notices[1].attendee_status == RegistrationStatus::kWaitlisted);
  REQUIRE(t.feed.size() == 3);
  CHECK(t.feed[2].kind == "session_cancelled");
  CHECK(t.feed[2].session_agency == "IFEN");
  CHECK(t.audit.back().action == "session.cancelled_by_threshold");
}

TEST_CASE("transitions: reminders go to the confirmed registrants", "[transitions]") {
  auto t = RemindTransition(OpenSession(1, 7, 5), {Active(10, 1, 42, RegistrationStatus::kConfirmed)});
  REQUIRE(t.notices.size() == 1);
  CHECK(t.notices[0].kind == NotificationKind::kReminder);
  CHECK(t.changed.empty());
  CHECK(t.audit.empty());
}

}  // namespace parcours
