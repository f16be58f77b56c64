#include "app/demo_people.h"

#include <iostream>

#include "services/attendance_service.h"
#include "services/catalogue_service.h"
#include "services/registration_service.h"
#include "services/scheduler_service.h"

namespace parcours::app {
namespace {

using namespace std::chrono;

// Midnight UTC of the day `t` falls on.
TimePoint DayOf(TimePoint t) { return floor<days>(t); }

bool Check(const char* what, const DomainError* e) {
  if (!e) return true;
  std::cerr << "parcours demo-people: " << what << ": " << e->detail << "\n";
  for (const auto& f : e->errors) std::cerr << "  " << f.field << ": " << f.message << "\n";
  return false;
}

template <class T>
bool Ok(const char* what, const Result<T>& r) {
  return Check(what, r ? nullptr : &r.error());
}

}  // namespace

int LoadDemoPeople(Store& store, const Clock& real_clock, RandomSource& random, HashingGate& gate,
                   const AccountSettings& account_settings, const DemoPeople& people) {
  std::optional<User> existing;
  store.Transact([&](UnitOfWork& uow) {
    existing = uow.users().FindByEmail(people.participant_email, false);
    return true;
  });
  if (existing) {
    std::cout << "demo people already loaded\n";
    return 0;
  }
  // The participant's history happened over the last weeks: the services run on a clock of
  // their own that is moved through it, so every rule (registration before the start,
  // attendance from the start on, decisions at the decision date) holds as it would have.
  const TimePoint now = real_clock.Now();
  ManualClock clock(now);
  AccountService accounts(store, clock, random, gate, account_settings);
  CatalogueService catalogue(store, clock);
  RegistrationService registrations(store, clock);
  AttendanceService attendance(store, clock);
  SchedulerService scheduler(store, clock);

  auto bootstrap = accounts.BootstrapCoordinator(people.coordinator_email, people.coordinator_password, "Coordinator");
  if (!Ok("coordinator", bootstrap)) return 1;
  std::optional<User> coordinator;
  store.Transact([&](UnitOfWork& uow) {
    coordinator = uow.users().FindByEmail(people.coordinator_email, false);
    return true;
  });
  if (!coordinator) return Check("coordinator", nullptr), 1;
  RequestContext as_coordinator;
  as_coordinator.principal = {Principal::Kind::kUser, coordinator->id, coordinator->roles, ""};
  as_coordinator.request_id = "demo-people";
  as_coordinator.client_address = "127.0.0.1";

  auto trainer = accounts.CreateStaff(as_coordinator, {people.trainer_email, people.trainer_password, "Nadia Schmit",
                                                       "Planning Familial", "fr", {"trainer"}});
  if (!Ok("trainer", trainer)) return 1;
  auto participant = accounts.CreateStaff(as_coordinator, {people.participant_email, people.participant_password,
                                                           "Claire Weber", "Lycée Aline Mayrisch", "fr", {"participant"}});
  if (!Ok("participant", participant)) return 1;
  RequestContext as_trainer = as_coordinator, as_participant = as_coordinator;
  as_trainer.principal = {Principal::Kind::kUser, trainer->id, trainer->roles, ""};
  as_participant.principal = {Principal::Kind::kUser, participant->id, participant->roles, ""};

  parcours::PageRequest all;
  all.limit = 500;
  auto pathways = catalogue.ListPathways(all);
  if (!Ok("pathways", pathways)) return 1;
  const Pathway* ltas = nullptr;
  for (const auto& p : pathways->items)
    if (p.code == "LTAS") ltas = &p;
  if (!ltas || ltas->modules.size() < 5) {
    std::cerr << "parcours demo-people: load sql/seed/ltas_demo.sql first (no LTAS pathway)\n";
    return 1;
  }

  // Four modules done (16 h of 32), two weeks apart, the last one a week ago; 14:00–18:00 in
  // Luxembourg (13:00 UTC in winter). Half through IFEN, half registered directly.
  const TimePoint first = DayOf(now) - days(7 + 3 * 14) + hours(13);
  clock.Set(first - days(40));
  std::vector<Session> past;
  for (int i = 0; i < 4; ++i) {
    NewSession in;
    in.session.module_id = ltas->modules[i].id;
    in.session.starts_at = first + days(14 * i);
    in.session.ends_at = in.session.starts_at + hours(static_cast<int>(ltas->modules[i].hours));
    in.session.decision_at = in.session.starts_at - days(14);
    in.session.capacity = 20;
    in.session.min_registrants = 1;
    in.session.agency = "IFEN";
    in.session.location = i % 2 ? "Cesas, Luxembourg" : "IFEN, Walferdange";
    in.session.trainer_ids = {trainer->id};
    in.decision_given = in.min_registrants_given = true;
    auto s = catalogue.CreateSession(as_coordinator, in);
    if (!Ok("past session", s)) return 1;
    past.push_back(*s);
  }
  clock.Set(first - days(30));
  for (std::size_t i = 0; i < past.size(); ++i) {
    RegistrationRequest in;
    in.session_id = past[i].id;
    Result<Registration> r;
    if (i % 2 == 0) {
      in.participant_id = participant->id;
      in.channel = "IFEN";
      r = registrations.Register(as_coordinator, in);
    } else {
      r = registrations.Register(as_participant, in);
    }
    if (!Ok("registration", r)) return 1;
  }
  for (const auto& s : past) {
    clock.Set(s.decision_at + minutes(1));
    scheduler.RunOnce(true);  // confirmed: the minimum is met
    clock.Set(s.starts_at + hours(1));
    auto sheet = attendance.Mark(as_trainer, s.id, {{participant->id, AttendanceStatus::kPresent, std::nullopt}});
    if (!Ok("attendance", sheet)) return 1;
    clock.Set(s.ends_at + minutes(1));
    scheduler.RunOnce(true);  // completed
  }
  // What comes next: the fifth module at its first date in the demo catalogue.
  clock.Set(now);
  SessionFilter next;
  next.module_id = ltas->modules[4].id;
  next.from = now;
  parcours::PageRequest one;
  one.limit = 1;
  if (auto sessions = catalogue.ListSessions(next, one); sessions && !sessions->items.empty()) {
    RegistrationRequest in;
    in.session_id = sessions->items.front().id;
    if (!Ok("upcoming registration", registrations.Register(as_participant, in))) return 1;
  }
  std::cout << "demo people loaded: " << people.participant_email << " (4 of 7 LTAS modules done), "
            << people.trainer_email << " (trainer)\n";
  return 0;
}

}  // namespace parcours::app
