#pragma once
// The API's route table over a store that refuses every transaction: what `parcours routes`
// lists, and what the fuzz targets (tests/fuzz) drive, so that every handler reads its input
// exactly as under `parcours serve`, without a database. Deterministic: a fixed manual clock
// and a counter for randomness (never use these services for real secrets).
#include <memory>

#include "common/clock.h"
#include "common/random.h"
#include "domain/repositories.h"
#include "http/handlers.h"
#include "services/door_service.h"
#include "services/evaluation_service.h"
#include "services/hashing_gate.h"
#include "services/history_service.h"
#include "services/operations_service.h"
#include "services/people_service.h"
#include "services/structure_service.h"

namespace parcours::app {

// Every transaction throws StoreUnavailable, as a database that is down does; Ping is false.
class RefusingStore final : public Store {
 public:
  void Transact(const std::function<bool(UnitOfWork&)>&) override { throw StoreUnavailable("no database"); }
  bool Ping() override { return false; }
};

// Bytes from a counter: reproducible runs (fuzzing), never secrets.
class CountingRandom final : public RandomSource {
 public:
  std::string Bytes(std::size_t n) override;

 private:
  unsigned long long next_ = 0;
};

struct OfflineRoutes {
  OfflineRoutes();
  RefusingStore store;
  ManualClock clock;  // 2027-01-15T10:00:00Z; also the test clock of POST /api/v1/test-clock
  CountingRandom random;
  HashingGate gate;
  AccountService accounts;
  CatalogueService catalogue;
  RegistrationService registrations;
  AttendanceService attendance;
  AgencyService agencies;
  ReportService reports;
  AttestationService attestations;
  WebhookService webhooks;
  SchedulerService scheduler;
  PersonalDataService personal_data;
  AuditTrailService audit_trail;
  PeopleService people;
  DoorService door;
  HistoryService history;
  OperationsService operations;
  StructureService structures;
  EvaluationService evaluations;
  EmployerService employer;
  http::Services services;
  http::Router router;  // every API route, and a fallback page answering 200 text/html
};

}  // namespace parcours::app
