#pragma once
// The pages people use in a browser, served by `parcours serve` beside the API: every path
// that is not under /api/ (and not /health). Page handlers call the same services as the API;
// no SQL and no business rule lives here.
//
// Sessions: signing in gives a server-side session (a person token stored hashed, expiring,
// revoked by logging out) in an HttpOnly, SameSite=Lax cookie, Secure when the public URL is
// https. Every form carries a CSRF token: for a signed-in person a hash of the session token
// (unknowable to another site), before signing in a random value also kept in a cookie
// (double submit); a POST without the right token gets 403 and changes nothing, and a POST
// whose Origin is another site's is refused too.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/errors.h"
#include "services/account_service.h"
#include "services/attendance_service.h"
#include "services/attestation_service.h"
#include "services/catalogue_cache.h"
#include "services/catalogue_service.h"
#include "services/door_service.h"
#include "services/history_service.h"
#include "services/operations_service.h"
#include "services/people_service.h"
#include "services/personal_data_service.h"
#include "services/registration_service.h"
#include "services/report_service.h"
#include "services/webhook_service.h"
#include "services/speed_meeting_service.h"
#include "services/employer_service.h"
#include "services/document_service.h"
#include "web/i18n.h"
#include "web/page.h"

namespace parcours::web {

struct SiteServices {
  AccountService& accounts;
  CatalogueService& catalogue;
  RegistrationService& registrations;
  AttendanceService& attendance;
  AttestationService& attestations;
  const Clock& clock;
  RandomSource& random;
  // The staff's pages (trainers at the door, the coordinator's desk); without them those
  // pages are not served.
  DoorService* door = nullptr;
  PeopleService* people = nullptr;
  OperationsService* operations = nullptr;
  ReportService* reports = nullptr;
  HistoryService* history = nullptr;  // the history import page
  WebhookService* webhooks = nullptr;  // the agencies page's webhooks
  SpeedMeetingService* speed_meeting = nullptr;  // the speed-meeting plan page (issue 12)
  // The profile page's download of everything held about the person (GDPR articles 15, 20).
  PersonalDataService* personal_data = nullptr;
  // The employer's view (issue 12): the contacts' page and the profile's consent switch.
  EmployerService* employer = nullptr;
  // Session documents (issue 12): the sheet's and desk's uploads, the session page's downloads.
  DocumentService* documents = nullptr;
};

struct SiteSettings {
  std::string public_url = "http://127.0.0.1:8080";  // origin of the site (https: Secure cookies)
};

// Everything a page handler knows about the request it serves.
struct PageContext {
  const WebRequest& req;
  RequestContext ctx{};         // the principal (anonymous unless signed in)
  std::optional<User> user{};   // the signed-in person
  std::int64_t person_version = 0;  // their version, read with them (services/person_cache.h)
  TimePoint token_expires_at{};     // when their sign-in ends
  // For a page kept per person (KeepsPersonalPage): the catalogue's version read before the
  // person and their rows, so that any change after it moves the stamp the page is kept under.
  std::optional<CatalogueReading> reading{};
  Lang lang = Lang::kFr;
  std::string session_token{};  // the session cookie's value when signed in
  std::string csrf{};           // the token forms must carry
  std::vector<std::string> set_cookies{};  // Set-Cookie values to send
  // The outcome the redirect to this page announced (its ?done=, confirmed by the notice
  // cookie set with the redirect: NoticeValue), "" for none.
  std::string done{};
  std::vector<std::string> params{};       // the "{x}" segments of the route

  bool signed_in() const { return user.has_value(); }
};

using PageHandler = std::function<WebResponse(PageContext&)>;

// Lists of the staff's pages that grow without bound (sessions, people) show this many items a
// page, so a phone scrolls a few screens, not dozens; "next" and "first" links page on.
constexpr int kStaffListPageSize = 20;

class Site {
 public:
  Site(SiteServices services, SiteSettings settings);
  WebResponse Handle(const WebRequest& req);
  // "GET /sessions/{id}", one line per page route (for docs and tests).
  std::vector<std::string> Describe() const;
  // Catalogue pages kept now (for /metrics).
  std::size_t KeptPages() const { return kept_catalogue_.size(); }

  // ---- for page handlers ----
  const SiteServices& services() const { return services_; }
  const SiteSettings& settings() const { return settings_; }
  // A full page: templates/<name>.mustache inside the layout, with the common data (texts,
  // language, navigation, CSRF token, the signed-in person).
  WebResponse Page(PageContext& pc, const std::string& name, nlohmann::json data, int status = 200,
                    const std::string& title_key = "");
  // A full page whose content (templates/<name>.mustache) is already rendered, e.g. kept
  // from an earlier request (the catalogue's).
  WebResponse PageWithContent(PageContext& pc, std::string content, const std::string& title_key);
  // Marks an answer that a browser may keep and revalidate (its ETag, If-None-Match → 304):
  // "private, no-cache" for a signed-in person (never kept by a shared cache), else "no-cache".
  void Revalidated(PageContext& pc, WebResponse& r) const;
  // An error page in the person's language (403, 404, 422 with messages...).
  WebResponse ErrorPage(PageContext& pc, int status, const std::string& message_key,
                         const std::string& detail = "");
  // The domain error as a page: 404 for kNotFound, 403 for kForbidden, else the form again.
  WebResponse DomainErrorPage(PageContext& pc, const DomainError& e);
  // Starts a session for a token from AccountService::Login (sets the cookie).
  void StartSession(PageContext& pc, const std::string& token, TimePoint expires_at);
  void EndSession(PageContext& pc);
  // The message of a field error in the page's language (the services speak English).
  std::string Message(PageContext& pc, const DomainError& e);
  bool secure() const { return settings_.public_url.starts_with("https://"); }
  // A redirect to the login page (coming back here afterwards) when nobody is signed in.
  std::optional<WebResponse> RequireSignIn(PageContext& pc);
  bool HasRoute(const std::string& method, const std::string& pattern) const;
  // A page about one thing ("/desk/sessions/{id}"): the guard first (RequireSignIn,
  // RequireStaff, RequireCoordinator), then the id of the route's first segment (404 when it
  // is not one).
  using Guard = std::optional<WebResponse> (Site::*)(PageContext&);
  PageHandler WithId(Guard guard, std::function<WebResponse(PageContext&, Id)> handler);
  // Staff pages: the login page for nobody, a 403 page for a person without the role.
  std::optional<WebResponse> RequireStaff(PageContext& pc);        // trainers and coordinators
  std::optional<WebResponse> RequireCoordinator(PageContext& pc);

  // The ways to arrive at the "choose a password" form: a reset link or an agency's claim link.
  struct TokenFlow {
    const char* path;   // "/password/reset", "/claim"
    const char* texts;  // the i18n section: "reset", "claim"
    const char* done;   // the notice on /parcours afterwards
  };

 private:
  void Add(const std::string& method, const std::string& pattern, PageHandler handler);
  // A POST route whose form may carry a file (multipart/form-data as well as urlencoded).
  void AddUpload(const std::string& pattern, PageHandler handler);
  void AddCataloguePages();
  void AddAccountPages();
  void AddVerifyPage();
  void AddParcoursPages();
  void AddTokenPages(const TokenFlow& flow);
  void AddTrainerPages();
  void AddDeskPages();
  // The coordinator's sessions list and new-session form, the history import, agencies.
  void AddDeskAdminPages();
  void AddSpeedMeetingPages();
  void AddEmployerPages();
  nlohmann::json SharingSection(PageContext& pc);
  void AddDocumentPages();
  // The documents part of a session's pages: null when the person may not see them; `manage`
  // adds the upload and delete forms, which come back to `back`.
  nlohmann::json DocumentsSection(PageContext& pc, Id session_id, bool manage, const std::string& back);
  WebResponse SheetPage(PageContext& pc, Id session_id, nlohmann::json extra, int status = 200);
  // A refused change at the door: the 403/404 page, else the sheet again with the refusal.
  WebResponse SheetRefusal(PageContext& pc, Id session_id, const DomainError& e,
                           nlohmann::json extra = nlohmann::json::object());
  WebResponse CheckInPage(PageContext& pc, Id session_id, nlohmann::json extra, int status = 200);
  WebResponse AgenciesPage(PageContext& pc, nlohmann::json extra, int status);
  WebResponse SessionAdminPage(PageContext& pc, Id session_id, nlohmann::json extra, int status = 200);
  WebResponse ProfilePage(PageContext& pc, nlohmann::json errors, const std::string& new_calendar_token, int status,
                          nlohmann::json values = nlohmann::json::object());
  std::optional<WebResponse> CheckPost(PageContext& pc, bool upload);
  WebResponse Static(PageContext& pc);

  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    PageHandler handler;
    bool upload = false;  // takes multipart/form-data
  };
  // The data every page's templates see (texts, language, CSRF token, signed in or not).
  void AddCommon(PageContext& pc, nlohmann::json& data) const;
  WebResponse Layout(PageContext& pc, std::string content, nlohmann::json layout, int status,
                     const std::string& title_key);

  SiteServices services_;
  SiteSettings settings_;
  std::vector<Route> routes_;
  // The catalogue page's content per language and filters offered (catalogue_cache.h).
  CatalogueCache<std::string> kept_catalogue_;
};

// The cookie holding a signed-in browser's person token.
inline constexpr const char* kSessionCookieName = "parcours_session";

// Cookie header value for a name/value with the site's attributes.
std::string CookieHeader(const std::string& name, const std::string& value, bool secure, int max_age_seconds,
                         const std::string& same_site = "Lax");

}  // namespace parcours::web
