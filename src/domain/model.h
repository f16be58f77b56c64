#pragma once
// The entities of Parcours: people, the catalogue (pathway → module → session) and
// registrations. Plain values; invariants are enforced by rules.h and by the database.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"

namespace parcours {

using Id = long long;

// What a person's own pages show is versioned per person (person_version) and, for readers
// that must not read that row per request, by shard: every change to a person's rows, or to
// their sign-in tokens, also adds 1 to the row of their shard (0021_people_versions.sql), once
// per transaction, just before it commits.
inline constexpr int kPeopleShards = 64;
inline int PeopleShard(Id user_id) { return static_cast<int>(static_cast<std::uint64_t>(user_id) % kPeopleShards); }

enum class Role : unsigned { kParticipant = 1, kTrainer = 2, kCoordinator = 4 };
constexpr unsigned RoleBit(Role r) { return static_cast<unsigned>(r); }
std::vector<std::string> RoleNames(unsigned roles);
std::optional<Role> RoleFromName(const std::string& name);

struct User {
  Id id = 0;
  std::string email;  // normalised (lower case)
  std::string name;
  std::string organisation;
  std::string language = "fr";
  unsigned roles = RoleBit(Role::kParticipant);
  std::string password_hash;  // empty: cannot log in (account not yet claimed)
  TimePoint created_at;
  bool Has(Role r) const { return roles & RoleBit(r); }
};

// A one-time link, sent by e-mail, that confirms a login from an address the account has not
// logged in from while it is under attack. Stored as the SHA-256 of its token.
struct LoginUnlock {
  std::string token_hash;
  Id user_id = 0;
  std::string address_hash;  // the known-address marker the login would have recorded
  TimePoint created_at, expires_at;
};

// Who is calling: a person (with roles), an agency key, or nobody.
struct Principal {
  enum class Kind { kAnonymous, kUser, kAgency, kSystem };
  Kind kind = Kind::kAnonymous;
  Id user_id = 0;
  unsigned roles = 0;
  std::string agency_code;
  bool Has(Role r) const { return kind == Kind::kUser && (roles & RoleBit(r)); }
  bool IsCoordinator() const { return Has(Role::kCoordinator); }
  std::string Label() const;  // "user:12", "agency:IFEN", "system", "anonymous"
};

// Everything a use case needs to know about the request it serves.
struct RequestContext {
  Principal principal;
  std::string request_id;
  std::string client_address;
};

struct Agency {
  std::string code;
  std::string name;
};

// An agency's API key as the coordinator sees it: never the key (only its hash is stored).
struct AgencyKey {
  Id id = 0;
  TimePoint created_at{};
  std::optional<TimePoint> revoked_at;
};

// One item of an agency's change feed, in commit order (seq).
struct AgencyChange {
  std::string agency;
  long long seq = 0;
  std::string kind;  // enrolment, promoted, attendance, session_cancelled
  std::optional<std::string> external_id;
  Id session_id = 0;
  std::optional<Id> registration_id;
  std::string status;
  TimePoint at;
};

// A scheduler step ("decision", "completion" or "reminder") that failed on a session. The
// step leaves the session alone until next_attempt_at; the record goes when the step succeeds.
struct SchedulerFailure {
  Id session_id = 0;
  std::string step;
  int failures = 0;
  std::string last_error;
  TimePoint first_failed_at, last_failed_at, next_attempt_at;
};

// An agency's push endpoint: each change-feed item is POSTed to `url`, signed with `secret`.
struct Webhook {
  Id id = 0;
  std::string agency;
  std::string url;
  std::string secret;
  long long delivered_seq = 0;
  int attempts = 0;
  std::optional<TimePoint> first_failure_at;
  std::string last_error;
  TimePoint created_at;
};

// Where a webhook's delivery stands after a claim: the last item delivered, the failures of
// the next one (when it failed), and when the webhook is due again.
struct WebhookProgress {
  long long delivered_seq = 0;
  int attempts = 0;
  std::optional<TimePoint> first_failure_at;
  TimePoint next_attempt_at;
  std::string last_error;
};

// A registration as an agency knows it: its own id for it, what it has become, and the person
// as the agency described them (what the agency is shown, never the account's own profile).
struct AgencyEnrolment {
  std::string agency;
  std::string external_id;
  Id registration_id = 0;
  std::string email, name, organisation;
};

// A participation count: people marked present or partial, per module and channel.
struct ParticipationCount {
  Id module_id = 0;
  std::string channel;
  long long people = 0;
};


struct Module {
  Id id = 0;
  std::optional<Id> pathway_id;
  int position = 0;
  std::string code;
  std::string title;
  double hours = 0;
};

struct Pathway {
  Id id = 0;
  std::string code;
  std::string title;
  std::vector<Module> modules;
  double TotalHours() const;
};

// Why a session was cancelled: a code with its parameters, worded in each reader's language
// when shown (never stored as a sentence in one language).
enum class CancelReasonCode { kBelowThreshold, kByCoordinator };
const char* ToString(CancelReasonCode c);  // below_threshold, by_coordinator
std::optional<CancelReasonCode> CancelReasonCodeFromString(const std::string& s);
struct CancelReason {
  CancelReasonCode code = CancelReasonCode::kByCoordinator;
  std::optional<int> confirmed;  // below_threshold: confirmed registrants at the decision date
  int minimum = 0;               // below_threshold: the session's min_registrants
  std::string text;              // by_coordinator: the coordinator's own words
};

enum class SessionStatus { kScheduled, kConfirmed, kCancelled, kCompleted };
enum class SessionMode { kOnsite, kOnline, kHybrid };
const char* ToString(SessionStatus s);
const char* ToString(SessionMode m);
std::optional<SessionStatus> SessionStatusFromString(const std::string& s);
std::optional<SessionMode> SessionModeFromString(const std::string& s);

// What the catalogue says about a session beyond its dates (issue 12): the language it is
// held in (a code of kSessionLanguages, domain/events.h), who it is for, its objectives, the
// trainers' organisation and the co-organisers (free text, shown to everyone).
struct SessionDescription {
  std::string language = "fr";
  std::string audience, objectives, trainers_organisation, co_organisers;
  bool operator==(const SessionDescription&) const = default;
};

// One dated part of a session held over several days (e.g. two days a month apart, issue 12).
// The parts share their session's registration; the hours of the parts a person attended are
// credited for the session.
struct SessionPart {
  int position = 0;  // 1-based, in time order
  TimePoint starts_at, ends_at;
  double hours = 0;
  bool operator==(const SessionPart&) const = default;
};

struct Session {
  Id id = 0;
  Id module_id = 0;
  TimePoint starts_at, ends_at, decision_at;
  int capacity = 0;
  int min_registrants = 0;
  std::optional<std::string> agency;
  std::string location;
  SessionMode mode = SessionMode::kOnsite;
  SessionStatus status = SessionStatus::kScheduled;
  std::string cancel_reason;                // the coordinator's words (by_coordinator)
  std::optional<CancelReason> cancellation;  // set once cancelled (sessions cancelled before
                                             // reason codes existed may have none)
  int confirmed_count = 0;
  int waitlist_count = 0;
  std::vector<Id> trainer_ids;
  int ics_sequence = 0;  // RFC 5545 SEQUENCE of the session's calendar event
  // The link of an online or hybrid session: for its registrants and staff only (never in
  // the public catalogue).
  std::string online_link;
  bool imported = false;                         // a past session a history import recorded
  std::optional<TimePoint> sheet_confirmed_at;   // the trainer confirmed the attendance sheet
  SessionDescription description;  // public (catalogue)
  // The recording of an online event, set by staff after it: for confirmed registrants and
  // staff only, opened through a counting redirect (replay_views: staff answers only).
  std::string replay_link;
  long long replay_views = 0;
  std::vector<SessionPart> parts;  // none: held in one go
  std::optional<Id> series_id;     // one date of a series made from a rule
  bool Teaches(Id user) const;
};

enum class RegistrationStatus { kConfirmed, kWaitlisted, kWithdrawn, kCancelled };
const char* ToString(RegistrationStatus s);
std::optional<RegistrationStatus> RegistrationStatusFromString(const std::string& s);

struct Registration {
  Id id = 0;
  Id session_id = 0;
  Id module_id = 0;  // the session's module: one active registration per person and module
  Id participant_id = 0;
  RegistrationStatus status = RegistrationStatus::kConfirmed;
  std::optional<int> waitlist_position;  // 1-based, only while waitlisted
  std::string channel = "DIRECT";
  bool module_override = false;  // the coordinator allowed a second place in the module
  bool imported = false;         // participation from before Parcours: history, not a place
  TimePoint created_at, updated_at;
};

enum class AttendanceStatus { kPresent, kAbsent, kExcused, kPartial };
const char* ToString(AttendanceStatus s);
std::optional<AttendanceStatus> AttendanceStatusFromString(const std::string& s);

// How a mark came: the sheet (trainer or coordinator), the participant's own check-in, a
// walk-in recorded at the door, or a history import.
enum class AttendanceSource { kSheet, kCheckIn, kWalkIn, kImport };
const char* ToString(AttendanceSource s);
std::optional<AttendanceSource> AttendanceSourceFromString(const std::string& s);

struct AttendanceRecord {
  Id session_id = 0;
  Id participant_id = 0;
  AttendanceStatus status = AttendanceStatus::kPresent;
  double hours = 0;  // credited hours: module hours when present, given hours when partial
  Id marked_by = 0;
  TimePoint marked_at;
  AttendanceSource source = AttendanceSource::kSheet;
  std::optional<Id> import_id{};  // source kImport: the history import that recorded it
};

// A module completed along a pathway: the earliest full attendance of one of its sessions.
struct CompletedModule {
  Id module_id = 0;
  Id session_id = 0;
  TimePoint starts_at;
  double hours = 0;             // the hours credited
  std::string channel = "DIRECT";  // how the person came to that session
};

enum class NotificationKind {
  kRegistrationConfirmed,
  kPromoted,
  kSessionCancelled,
  kReminder,
  kAccountClaim,
  kLoginUnlock,  // a link that confirms a login from a new address while the account is under attack
  kPasswordReset,  // a one-time link to choose a new password ("forgot password")
  kSessionChanged,   // the session's date or place changed: an updated invitation
  kMovedToWaitlist,  // the coordinator lowered the capacity below the confirmed registrants
  kDocumentAvailable,  // a session's written synthesis was added (to its attendees)
  kEvaluationReminder,  // an attendee has not answered the session's evaluation yet
};
inline constexpr NotificationKind kAllNotificationKinds[] = {
    NotificationKind::kRegistrationConfirmed, NotificationKind::kPromoted, NotificationKind::kSessionCancelled,
    NotificationKind::kReminder, NotificationKind::kAccountClaim, NotificationKind::kLoginUnlock,
    NotificationKind::kPasswordReset, NotificationKind::kSessionChanged, NotificationKind::kMovedToWaitlist,
    NotificationKind::kDocumentAvailable, NotificationKind::kEvaluationReminder};
const char* ToString(NotificationKind k);
std::optional<NotificationKind> NotificationKindFromString(const std::string& s);

// A message in the outbox, already rendered in the recipient's language.
struct Notification {
  Id id = 0;
  Id user_id = 0;
  NotificationKind kind = NotificationKind::kRegistrationConfirmed;
  std::string to_email;
  std::string language;
  std::string subject;
  std::string body_text;
  std::string ics;  // empty when the message concerns no session
  int attempts = 0;
  TimePoint created_at;
};

// Per-session figures for the yearly sessions report.
struct SessionFigures {
  Session session;
  long long registered = 0;  // confirmed (or cancelled with the session) registrations
  long long attended = 0;    // marked present or partial
  long long marked = 0;      // with any attendance mark
  bool cancelled_by_threshold = false;
};

// One count of the sessions report's detail: a session's registrations of a status and channel,
// or its attendance marks of a status with the hours they credit.
struct SessionTally {
  Id session_id = 0;
  bool attendance = false;  // false: registrations
  std::string status;
  std::string channel;  // registrations only
  long long count = 0;
  double hours = 0;  // attendance only
};

// A global attestation: issued once per person and pathway (again only after a revocation).
struct Attestation {
  Id id = 0;
  Id participant_id = 0;
  Id pathway_id = 0;
  std::string verification_code;
  TimePoint issued_at;
  std::string holder_name;
  std::string pathway_title;
  double total_hours = 0;
  std::string language;
  std::string sha256;
  std::optional<TimePoint> revoked_at;
  std::string revoke_reason;
};

// A signed certificate of attendance at one session, kept like attestations (same bytes at
// every download) and verifiable by its code. What it certifies is copied in.
struct AttendanceCertificate {
  Id id = 0;
  Id registration_id = 0;
  Id participant_id = 0;
  Id session_id = 0;
  std::string verification_code;
  TimePoint issued_at;
  std::string holder_name;
  std::string module_title;
  std::string pathway_title;  // empty for a module outside any pathway
  double hours = 0;
  TimePoint session_starts_at, session_ends_at;
  std::string language;
  std::string sha256;
  std::optional<TimePoint> revoked_at;
  std::string revoke_reason;
};

// One row of the audit trail: who did what to which entity, before → after (JSON text).
struct AuditEntry {
  std::string actor;  // Principal::Label()
  std::string action;
  std::string entity_type;
  Id entity_id = 0;
  std::string before_json;
  std::string after_json;
  std::string request_id;
  TimePoint at;
  // The person and the session the row concerns, if any (filled by services/audit.h), so
  // that the trail can be read by person and by session.
  std::optional<Id> person_id{};
  std::optional<Id> session_id{};
  Id id = 0;  // set when read back
};

// ---- People's rights over their data (GDPR articles 15, 16, 17, 20) -------------------------

// An erased person's row stays (registrations, attendance and attestations refer to it, so the
// yearly counts and the waiting lists stay exact) but holds nothing about them: its e-mail is
// "erased:<id>", which no address can be, with no name, organisation, password or role.
inline constexpr const char* kErasedEmailPrefix = "erased:";
bool IsErased(const User& u);

// A message of the outbox as a person's data export shows it.
struct NotificationRecord {
  Notification message;
  std::string status;  // pending, sent, failed
  std::optional<TimePoint> sent_at;
};

// An audit row as read back.
struct AuditRecord {
  Id id = 0;
  AuditEntry entry;
};

// Which audit rows to read, newest first. `person` matches rows about the person and rows
// the person wrote (actor "user:<id>"); `from` inclusive, `to` exclusive.
struct AuditFilter {
  std::optional<Id> person;
  std::optional<Id> session;
  std::optional<std::string> action;
  std::optional<TimePoint> from, to;
  Id before_id = 0;  // keyset pagination: rows with a smaller id (0: from the newest)
  int limit = 50;
};

// A registrant as staff see them: the registration with the person's name and organisation.
struct Registrant {
  Registration registration;
  std::string name, email, organisation;
};

// The coordinator's search for people: by name, e-mail or organisation (accents and case
// ignored), optionally by role; keyset-paginated on id.
struct PersonFilter {
  std::string query;  // empty: everyone
  std::optional<Role> role;
  Id after_id = 0;
  int limit = 50;
};

// The earliest full attendance of one module of a pathway by one person.
struct PersonCompletion {
  Id participant_id = 0;
  CompletedModule module;
};

// A message the outbox gave up on (status failed).
struct FailedNotification {
  Id id = 0;
  Id user_id = 0;
  NotificationKind kind = NotificationKind::kRegistrationConfirmed;
  std::string to_email;
  int attempts = 0;
  std::string last_error;
  TimePoint created_at;
};

// A history import: who recorded past participation, when, from which file.
struct HistoryImport {
  Id id = 0;
  Id imported_by = 0;
  TimePoint imported_at;
  std::string file_sha256;
  int row_count = 0;
};

}  // namespace parcours

namespace parcours {

// The sector a structure works in, as the centre's report counts its participants.
enum class Sector { kFormalEducation, kNonFormalEducation, kHealth, kSocial, kOther };
const char* ToString(Sector s);  // formal_education, non_formal_education, health, social, other
std::optional<Sector> SectorFromString(const std::string& s);

// An organisation professionals come from (a school, a foyer, an association, a service). Its
// name is unique, case and accents aside (the database collation compares it).
struct Structure {
  Id id = 0;
  std::string name;
  std::string kind;  // free text: school, foyer, association, service...
  Sector sector = Sector::kOther;
  TimePoint created_at;
};

// A person's time in a structure, with their profession there. Dates are Luxembourg calendar
// dates (YYYY-MM-DD); an open membership has no end. A person may belong to several structures.
struct Membership {
  Id id = 0;
  Id user_id = 0;
  Id structure_id = 0;
  std::string profession;
  std::string starts_on;
  std::optional<std::string> ends_on;
  TimePoint created_at;
};

// A registration with what a person reads about it: its session and module (issue 9).
struct RegistrationDetail {
  Registration registration;
  Session session;
  Module module;
};

}  // namespace parcours

namespace parcours {

// Attendance at one part of a multi-part session (issue 12): present or not; the session's
// mark is made from its parts' (AttendanceFromParts, domain/events.h).
struct PartAttendance {
  Id session_id = 0;
  Id participant_id = 0;
  int position = 0;
  bool present = false;
  Id marked_by = 0;
  TimePoint marked_at;
};

}  // namespace parcours
