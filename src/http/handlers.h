#pragma once
// Route registration, one file per resource. Handlers are thin: parse, call one service,
// map the result.
#include <functional>

#include "common/clock.h"
#include "domain/repositories.h"
#include "http/router.h"
#include "services/account_service.h"
#include "services/agency_service.h"
#include "services/attendance_service.h"
#include "services/attestation_service.h"
#include "services/report_service.h"
#include "services/scheduler_service.h"
#include "services/webhook_service.h"
#include "services/catalogue_service.h"
#include "services/registration_service.h"

namespace parcours::http {

struct Services {
  AccountService& accounts;
  CatalogueService& catalogue;
  RegistrationService& registrations;
  AttendanceService& attendance;
  AgencyService& agencies;
  ReportService& reports;
  AttestationService& attestations;
  WebhookService& webhooks;
  SchedulerService& scheduler;
  Store& store;
  ManualClock* test_clock = nullptr;  // set only with --test-clock
  // Runs the time-driven passes (session decisions) right after the test clock moves.
  std::function<void()> after_clock_change;
};

void AddAccountRoutes(Router& router, Services& s);
void AddCatalogueRoutes(Router& router, Services& s);
void AddRegistrationRoutes(Router& router, Services& s);
void AddOperationsRoutes(Router& router, Services& s);
void AddAttendanceRoutes(Router& router, Services& s);
void AddAgencyRoutes(Router& router, Services& s);
void AddAttestationRoutes(Router& router, Services& s);

inline void AddAllRoutes(Router& router, Services& s) {
  AddOperationsRoutes(router, s);
  AddAccountRoutes(router, s);
  AddCatalogueRoutes(router, s);
  AddRegistrationRoutes(router, s);
  AddAttendanceRoutes(router, s);
  AddAgencyRoutes(router, s);
  AddAttestationRoutes(router, s);
}

}  // namespace parcours::http
