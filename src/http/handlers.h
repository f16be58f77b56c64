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
#include "services/personal_data_service.h"
#include "services/audit_trail_service.h"
#include "services/door_service.h"
#include "services/history_service.h"
#include "services/operations_service.h"
#include "services/people_service.h"
#include "services/structure_service.h"
#include "services/document_service.h"
#include "services/evaluation_service.h"
#include "services/speed_meeting_service.h"
#include "services/employer_service.h"

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
  // The pages (src/web, wired by src/app): an API route that a browser asks for HTML
  // (/api/v1/verify/{code}) answers with the page of the same thing.
  Handler pages{};
  // People's rights over their data and the audit trail (routes added when both are set).
  PersonalDataService* personal_data = nullptr;
  AuditTrailService* audit_trail = nullptr;
  // The trainers' and coordinator's operations (issue 10), set by src/app.
  PeopleService* people = nullptr;
  DoorService* door = nullptr;
  HistoryService* history = nullptr;
  OperationsService* operations = nullptr;
  // Structures, sectors and memberships (issue 12), set by src/app.
  StructureService* structures = nullptr;
  DocumentService* documents = nullptr;
  EvaluationService* evaluations = nullptr;
  SpeedMeetingService* speed_meeting = nullptr;
  EmployerService* employer = nullptr;  // the employer's view (issue 12), set by src/app
};

// Route guards: a caller who may not use a route is refused before anything of the request is
// read (403 even for a malformed body), so the refusal tells nothing about the route's input.
// Services check again; these only keep the order "authorise, then validate".
// Coordinators only.
Guarded CoordinatorOnly(Handler h);
// That agency's key (the route's first parameter, {code}) or a coordinator.
Guarded AgencyOrCoordinator(Handler h);
// Trainers and coordinators (whether a trainer teaches the session is the service's check).
Guarded StaffOnly(Handler h);
// The person the route's first parameter names, or a coordinator.
Guarded PersonOrCoordinator(Handler h);
// Any person signed in (not an agency key); the service checks whose the resource is.
Guarded PeopleOnly(Handler h);

// The first of fr, de, en named in Accept-Language (by order, ignoring weights), else fr.
std::string PreferredLanguage(const HttpRequest& req);

void AddAccountRoutes(Router& router, Services& s);
void AddCatalogueRoutes(Router& router, Services& s);
void AddRegistrationRoutes(Router& router, Services& s);
void AddOperationsRoutes(Router& router, Services& s);
void AddAttendanceRoutes(Router& router, Services& s);
void AddAgencyRoutes(Router& router, Services& s);
void AddAttestationRoutes(Router& router, Services& s);
void AddResourceRoutes(Router& router, Services& s);
void AddPersonalDataRoutes(Router& router, Services& s);
void AddSessionRoutes(Router& router, Services& s);
void AddDoorRoutes(Router& router, Services& s);
void AddPeopleRoutes(Router& router, Services& s);
void AddStructureRoutes(Router& router, Services& s);
void AddDocumentRoutes(Router& router, Services& s);
// The one route whose body may exceed the general limit (a session document, 20 MB): the
// server's parser asks this before reading a body.
bool IsDocumentUpload(std::string_view method, std::string_view target);
// The session that route names (nullopt: not the upload route, or no id there); page_form: the
// pages' upload form (POST /sessions/{id}/documents, multipart) instead of the API's route.
std::optional<Id> DocumentUploadSession(std::string_view method, std::string_view target, bool page_form = false);
void AddEvaluationRoutes(Router& router, Services& s);
void AddSpeedMeetingRoutes(Router& router, Services& s);
// A session's replay (events_handler.cpp, issue 12), and the description fields (language,
// audience, objectives, trainers_organisation, co_organisers) a creation or edit may give.
void AddEventRoutes(Router& router, Services& s);
DescriptionEdit ReadDescription(FieldReader& f);
// The fields of a new session (catalogue_handler.cpp); `more` reads the caller's own fields.
std::optional<NewSession> ReadNewSession(FieldReader& f, const std::function<void()>& more);
void AddEmployerRoutes(Router& router, Services& s);
// A registration in a person's record, with its module, dates and mark (people_handler.cpp).
json RecordRegistrationJson(const RecordRegistration& x);
// CSV answers and the ?year= parameter (agencies_handler.cpp), shared by the report routes.
HttpResponse CsvAttachment(std::string body, const std::string& filename);
std::optional<int> YearParam(const HttpRequest& req);
HttpResponse BadYear(const HttpRequest& req);

// JSON shared by several handler files (attendance_handler.cpp).
json SheetJson(const AttendanceSheet& sheet);
json ProgressJson(const PathwayProgress& p);
// A CSV import refused row by row (agencies_handler.cpp): 422 naming rows[N].field.
HttpResponse CsvRowsProblem(const HttpRequest& req, const std::vector<CsvRowError>& rows);

inline void AddAllRoutes(Router& router, Services& s) {
  AddOperationsRoutes(router, s);
  AddAccountRoutes(router, s);
  AddCatalogueRoutes(router, s);
  AddRegistrationRoutes(router, s);
  AddAttendanceRoutes(router, s);
  AddAgencyRoutes(router, s);
  AddAttestationRoutes(router, s);
  AddResourceRoutes(router, s);
  AddPersonalDataRoutes(router, s);
  AddSessionRoutes(router, s);
  AddDoorRoutes(router, s);
  AddPeopleRoutes(router, s);
  // The query parameters each route reads (any other is a 400): documented in api/openapi.yaml
  // and compared with it by the route check (`parcours routes`).
  const std::vector<std::string> page = {"limit", "cursor"};
  router.AllowQuery(Method::kGet, "/api/v1/pathways", page);
  router.AllowQuery(Method::kGet, "/api/v1/modules", page);
  router.AllowQuery(Method::kGet, "/api/v1/sessions", {"module_id", "from", "to", "status", "language", "limit", "cursor"});
  router.AllowQuery(Method::kGet, "/api/v1/sessions/{id}/registrations", {"status", "limit", "cursor"});
  router.AllowQuery(Method::kGet, "/api/v1/me/registrations", page);
  router.AllowQuery(Method::kGet, "/api/v1/agencies/{code}/changes", {"since", "cursor", "limit"});
  router.AllowQuery(Method::kGet, "/api/v1/agencies/{code}/enrolments.csv", {"year"});
  router.AllowQuery(Method::kGet, "/api/v1/reports/participation", {"year", "format"});
  router.AllowQuery(Method::kGet, "/api/v1/reports/sessions", {"year"});
  router.AllowQuery(Method::kGet, "/api/v1/participants/{id}/progress", {"pathway_id"});
  if (s.personal_data && s.audit_trail) {
    router.AllowQuery(Method::kGet, "/api/v1/audit", {"person", "session", "action", "from", "to", "limit", "cursor"});
    router.AllowQuery(Method::kGet, "/api/v1/audit.csv", {"person", "session", "action", "from", "to"});
  }
  router.AllowQuery(Method::kGet, "/api/v1/me/sessions", {"when", "limit", "cursor"});
  router.AllowQuery(Method::kGet, "/api/v1/people", {"q", "role", "limit", "cursor"});
  router.AllowQuery(Method::kGet, "/api/v1/people/{id}/audit", page);
  router.AllowQuery(Method::kGet, "/api/v1/operations/decisions", {"within_days", "at_risk"});
  router.AllowQuery(Method::kGet, "/api/v1/operations/dashboard", {"within_days"});
  router.AllowQuery(Method::kGet, "/api/v1/pathways/{id}/completions", {"due"});
  AddStructureRoutes(router, s);
  router.AllowQuery(Method::kGet, "/api/v1/structures", {"sector", "limit", "cursor"});
  AddDocumentRoutes(router, s);
  router.AllowQuery(Method::kPost, "/api/v1/sessions/{id}/documents", {"kind", "title", "filename"});
  AddEvaluationRoutes(router, s);
  router.AllowQuery(Method::kGet, "/api/v1/sessions/{id}/evaluation/results", {"format"});
  router.AllowQuery(Method::kGet, "/api/v1/modules/{id}/evaluation/results", {"year", "format"});
  AddSpeedMeetingRoutes(router, s);
  for (const char* path : {"/api/v1/sessions/{id}/speed-meeting", "/api/v1/sessions/{id}/speed-meeting/pdf"})
    router.AllowQuery(Method::kGet, path, {"round_minutes", "duration_minutes", "table_size"});
  AddEventRoutes(router, s);
  if (s.employer) AddEmployerRoutes(router, s);
}

}  // namespace parcours::http
