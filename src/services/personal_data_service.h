#pragma once
// People's rights over their data (GDPR): access and portability (articles 15 and 20: a
// person's export, which a coordinator can also produce for a request made by letter),
// rectification (16: name, organisation, language) and erasure (17, by a coordinator on
// request, and by the retention pass for people with no activity). Each change is one
// transaction with its audit row.
//
// An erasure removes or pseudonymises everything that names the person (see
// PersonalDataRepository::Erase): the records it keeps (registrations, attendance) refer to a
// row that holds nothing about them any more, so the yearly counts do not change. It is
// refused while the person holds a confirmed place in, or teaches, a session that has not
// ended; their places on waiting lists are withdrawn. Its audit row holds no erased data.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/registration_unit.h"

namespace parcours {

struct RetentionSettings {
  // Participants with no activity (sign-in, registration change, session, attendance mark,
  // attestation) for this long are erased by the scheduler; 0 days: never (the default).
  // People holding a valid attestation are kept: revoking it stays a coordinator's decision.
  std::chrono::days inactive_after{0};
  // Sent (or finally failed) notifications are deleted this long after they were written.
  std::chrono::days notifications_after{90};
  // How often a process runs the retention pass (its query reads every participant).
  std::chrono::minutes every{60};
};

// Everything held about a person, for their export.
struct PersonalData {
  User account;
  std::optional<TimePoint> last_login_at;
  std::vector<PersonalDataRepository::SignIn> sign_ins;
  std::vector<Registration> registrations;
  std::vector<AttendanceRecord> attendance;
  std::vector<PartAttendance> attendance_parts;  // marks per part of multi-part sessions (issue 12)
  std::vector<Attestation> attestations;
  std::vector<NotificationRecord> notifications;
  std::vector<AgencyEnrolment> agency_enrolments;
  std::vector<Id> sessions_taught;
  std::vector<std::pair<Membership, Structure>> memberships;  // where the person worked, as what
  std::vector<AuditRecord> audit;  // rows about the person or written by them, newest first
  // Evaluation answers given under the person's name (not anonymous questionnaires), and the
  // employer's view: the structures they share with, and those they are a contact of.
  std::vector<EvaluationRepository::PersonAnswers> evaluation_answers;
  std::vector<StaffSharing> structure_sharing;
  std::vector<StructureContact> structure_contacts;
  std::map<Id, Session> sessions;  // every session named above
  std::map<Id, Module> modules;    // and their modules
  TimePoint generated_at;
};

// What a person may correct themself; unset fields stay as they are.
struct ProfileChange {
  std::optional<std::string> name, organisation, language;
};

struct ErasureReport {
  Id person_id = 0;
  bool row_deleted = false;  // nothing referred to the person: their row is gone
  int waitlisted_withdrawn = 0;
  int attestations_revoked = 0;
  int notifications_deleted = 0;
  int audit_rows_scrubbed = 0;
  int sign_in_rows_deleted = 0;  // tokens, links and throttling rows
};

// The export as one JSON document: what GET /api/v1/me/data answers and the profile page's
// download link serves.
nlohmann::json PersonalDataJson(const PersonalData& d);
// An audit row as the export and the audit trail's pages show it.
nlohmann::json AuditJson(const AuditRecord& r);

class PersonalDataService {
 public:
  PersonalDataService(Store& store, const Clock& clock, RetentionSettings retention = {},
                      NotificationSettings notify = {})
      : store_(store), clock_(clock), retention_(retention), unit_(std::move(notify)) {}

  // The person themself, or a coordinator (audited as "user.data_exported").
  Result<PersonalData> Export(const RequestContext& ctx, Id person);
  // The person themself. An attestation already issued keeps the name it was signed with; a
  // coordinator re-issues it (AttestationService::Reissue).
  Result<User> Rectify(const RequestContext& ctx, Id person, const ProfileChange& change);
  // Coordinators only; not a coordinator, nor the caller.
  Result<ErasureReport> Erase(const RequestContext& ctx, Id person);

  struct RetentionPass {
    int erased = 0;
    int notifications_purged = 0;
  };
  // Erases up to `limit` inactive participants (when configured) and purges delivered
  // notifications past their period; does nothing when it ran less than `every` ago in this
  // process. The scheduler calls it on each pass; `force` ignores the interval (tests).
  RetentionPass RunRetention(int limit = 100, bool force = false);

 private:
  Result<ErasureReport> EraseInTransaction(UnitOfWork& uow, const RequestContext& ctx, Id person, TimePoint now);

  Store& store_;
  const Clock& clock_;
  RetentionSettings retention_;
  RegistrationUnit unit_;
  std::mutex retention_mu_;
  std::optional<TimePoint> last_retention_;
};

// Replaces the person's data in one audit JSON document: in a row about the person every
// e-mail, name, organisation and holder name; anywhere, the e-mail and the person's names
// (`names`) inside longer texts. Returns true when something changed.
bool ScrubAuditJson(nlohmann::json& doc, bool about_person, const std::string& email,
                    const std::vector<std::string>& names);

}  // namespace parcours
