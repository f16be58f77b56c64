#pragma once
// Storage interfaces the services use. One UnitOfWork is one database transaction;
// src/storage implements them over MySQL. Methods return nullopt/false for the expected
// "already exists" outcomes (unique keys) and throw only on infrastructure failures.
#include <array>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "domain/model.h"
#include "domain/structures.h"
#include "domain/documents.h"
#include "domain/throttle.h"

namespace parcours {

// A person found by a sign-in token, with their version (0016_person_version.sql) and when
// the token expires.
struct VersionedUser {
  User user;
  std::int64_t version = 0;
  TimePoint token_expires_at;
};

class UserRepository {
 public:
  virtual ~UserRepository() = default;
  virtual std::optional<User> FindById(Id id) = 0;
  virtual std::optional<User> FindByEmail(const std::string& email, bool for_update) = 0;
  virtual std::optional<Id> Insert(const User& user) = 0;  // nullopt: e-mail taken
  virtual bool AnyCoordinator() = 0;
  // Also records `created` as the person's last sign-in (the retention pass reads it).
  virtual void InsertToken(const std::string& token_hash, Id user_id, TimePoint created,
                           TimePoint expires) = 0;
  // The user behind an unexpired, unrevoked token.
  virtual std::optional<User> FindByToken(const std::string& token_hash, TimePoint now) = 0;
  // The same with the person's version (0016_person_version.sql), in one statement.
  virtual std::optional<VersionedUser> FindByTokenVersioned(const std::string& token_hash, TimePoint now) = 0;
  // The person's version: it grows with every change to what their own pages show (0 at first).
  virtual std::int64_t PersonVersion(Id user_id) = 0;
  virtual bool RevokeToken(const std::string& token_hash, TimePoint at) = 0;
  virtual void InsertPasswordReset(const std::string& token_hash, Id user_id, TimePoint created,
                                   TimePoint expires) = 0;
  // The user of an unexpired, unused reset token, read without a lock (a cheap first check).
  virtual std::optional<Id> FindPasswordReset(const std::string& token_hash, TimePoint now) = 0;
  // Marks an unexpired, unused reset token used, under its row lock; returns its user.
  virtual std::optional<Id> ConsumePasswordReset(const std::string& token_hash, TimePoint now) = 0;
  virtual void SetPasswordHash(Id user_id, const std::string& hash) = 0;
  // Deletes up to `limit` bearer tokens that expired before `before` and reset tokens that
  // expired before it or were used; returns how many.
  virtual int PurgeTokens(TimePoint before, int limit) = 0;

  // The profile a person edits: name, organisation, preferred language.
  virtual void UpdateProfile(Id user_id, const std::string& name, const std::string& organisation,
                             const std::string& language) = 0;
  // When the user's latest password-reset link was made (used or not), if one is stored.
  virtual std::optional<TimePoint> LatestPasswordReset(Id user_id) = 0;
  // Revokes every unrevoked bearer token of the user (a new password ends other sessions).
  virtual void RevokeTokensOf(Id user_id, TimePoint at) = 0;
  // The calendar subscription (one per person, stored as its token's hash): saving replaces it.
  virtual void SaveCalendarFeed(Id user_id, const std::string& token_hash, TimePoint at) = 0;
  virtual bool DeleteCalendarFeed(Id user_id) = 0;  // false: there was none
  virtual std::optional<TimePoint> CalendarFeedCreated(Id user_id) = 0;
  virtual std::optional<Id> CalendarFeedUser(const std::string& token_hash) = 0;
  // The coordinator's search (name, e-mail, organisation; accents and case ignored), by id.
  virtual std::vector<User> Search(const PersonFilter& f) = 0;
  // The people with these ids (any order; unknown ids are left out).
  virtual std::vector<User> FindMany(const std::vector<Id>& ids) = 0;
};

// The throttling state that every server process shares. Client addresses appear as their
// throttle keys (ClientAddressKey), e-mails only as their hashes (known and unknown e-mails
// alike), the addresses an account logged in from only hashed with the account.
class LoginGuardRepository {
 public:
  virtual ~LoginGuardRepository() = default;
  // Backoff per (e-mail hash, client address); for_update locks the row (or the gap).
  virtual std::optional<LoginBackoff> FindBackoff(const std::string& email_hash, const std::string& address,
                                                  bool for_update) = 0;
  virtual void SaveBackoff(const std::string& email_hash, const std::string& address, const LoginBackoff& b) = 0;
  virtual void ClearBackoff(const std::string& email_hash, const std::string& address) = 0;
  virtual void RecordFailure(const std::string& email_hash, const std::string& address, TimePoint at) = 0;
  // The n-th latest failure from the address at or after `since` (n ≥ 1): nullopt when there
  // were fewer than n. The address is over its limit of n until that failure leaves the window.
  virtual std::optional<TimePoint> NthLatestAddressFailure(const std::string& address, TimePoint since, int n) = 0;
  struct FailureSpread {
    int failures = 0;
    int addresses = 0;
  };
  // Failures against the e-mail at or after `since`, and from how many addresses.
  virtual FailureSpread FailuresAgainst(const std::string& email_hash, TimePoint since) = 0;
  virtual bool IsKnownAddress(Id user_id, const std::string& address_hash) = 0;
  virtual void RememberAddress(Id user_id, const std::string& address_hash, TimePoint at) = 0;
  virtual void InsertUnlock(const LoginUnlock& u) = 0;
  // When the latest unlock link of the user was made (used or not), if any is still stored.
  virtual std::optional<TimePoint> LatestUnlock(Id user_id) = 0;
  // Marks an unexpired, unused unlock token used, under its row lock; returns it.
  virtual std::optional<LoginUnlock> ConsumeUnlock(const std::string& token_hash, TimePoint now) = 0;
  // Sign-up pacing per client address: the stored theoretical arrival time (see Pace).
  virtual std::optional<TimePoint> SignupPace(const std::string& address) = 0;
  // The address's pace, its row created (with `now`) when missing, and row-locked until the
  // transaction ends: concurrent sign-ups from one address are paced one after the other.
  virtual TimePoint LockSignupPace(const std::string& address, TimePoint now) = 0;
  virtual void SetSignupPace(const std::string& address, TimePoint tat) = 0;

  // What no rule reads any more: failures before failures_before, backoff rows whose last
  // failure is before backoff_before, known addresses not used since known_before, unlock
  // links and sign-up paces that ran out before `now`. Up to `limit` rows of each; how many.
  struct PurgeCutoffs {
    TimePoint now, failures_before, backoff_before, known_before;
  };
  virtual int Purge(const PurgeCutoffs& cutoffs, int limit) = 0;
};

class AgencyRepository {
 public:
  virtual ~AgencyRepository() = default;
  virtual bool Insert(const Agency& agency, TimePoint at) = 0;  // false: code taken
  virtual std::optional<Agency> Find(const std::string& code) = 0;
  virtual std::vector<Agency> List() = 0;
  virtual Id InsertKey(const std::string& code, const std::string& key_hash, TimePoint at) = 0;
  virtual std::optional<std::string> AgencyForKey(const std::string& key_hash) = 0;
  virtual bool RevokeKey(const std::string& code, Id key_id, TimePoint at) = 0;  // false: unknown or revoked
  virtual std::vector<AgencyKey> ListKeys(const std::string& code) = 0;           // newest first

  virtual std::optional<AgencyEnrolment> FindEnrolment(const std::string& code,
                                                       const std::string& external_id,
                                                       bool for_update) = 0;
  virtual std::optional<std::string> ExternalIdOf(Id registration_id) = 0;
  // The enrolment (of whichever agency) that a registration answers, with what the agency sent.
  virtual std::optional<AgencyEnrolment> EnrolmentOf(Id registration_id) = 0;
  virtual void SaveEnrolment(const AgencyEnrolment& e, TimePoint at) = 0;  // insert or repoint
  // Appends without a sequence number and without touching the agency row: enrolments of one
  // agency do not serialise on it. The item is visible in the feed once sequenced.
  virtual void AppendChange(const AgencyChange& c) = 0;
  // Gives the committed, not yet sequenced items of the agency the next sequence numbers, in
  // arrival order, under the agency row's lock: numbers are assigned once, gapless, and a
  // reader that has seen n never later finds a new item below n. Returns how many.
  virtual int SequencePending(const std::string& code) = 0;
  virtual std::vector<AgencyChange> Changes(const std::string& code, long long after_seq, int limit) = 0;
  // Locks the agency's row (serialising webhook registrations of the agency, which the bound
  // on their number needs); false when no agency has this code.
  virtual bool LockAgency(const std::string& code) = 0;
  virtual int CountActiveWebhooks(const std::string& code) = 0;
  virtual Id InsertWebhook(const Webhook& w, TimePoint at) = 0;
  virtual std::vector<Webhook> Webhooks(const std::string& code) = 0;
  virtual bool DeactivateWebhook(const std::string& code, Id id) = 0;
  // Row-locks (SKIP LOCKED) up to `limit` active webhooks that are due at `now`, have feed
  // items past their position and no unexpired claim, oldest due first. The caller leases
  // those it takes with LeaseWebhook in the same short transaction.
  virtual std::vector<Webhook> DueWebhooks(TimePoint now, int limit) = 0;
  virtual void LeaseWebhook(Id id, const std::string& token, TimePoint lease_until) = 0;
  // Records a claimed webhook's new state and ends its claim, only while `token` still holds
  // it; false when the lease ran out and another dispatcher took the webhook over.
  virtual bool SaveWebhookProgress(Id id, const std::string& token, const WebhookProgress& p) = 0;
  // The agency's registrations in sessions starting within [from, to), for CSV export.
  virtual std::vector<Registration> RegistrationsOf(const std::string& code, TimePoint from, TimePoint to) = 0;
};

class ReportRepository {
 public:
  virtual ~ReportRepository() = default;
  // People marked present or partial in sessions starting within [from, to).
  virtual std::vector<ParticipationCount> Participation(TimePoint from, TimePoint to) = 0;
  virtual std::vector<SessionFigures> Sessions(TimePoint from, TimePoint to) = 0;
  // Registrations by status and channel, attendance by status with hours, of the sessions
  // starting within [from, to).
  virtual std::vector<SessionTally> SessionTallies(TimePoint from, TimePoint to) = 0;
};

struct SessionFilter {
  std::optional<Id> module_id;
  std::optional<TimePoint> from, to;
  std::optional<SessionStatus> status;
  std::optional<std::string> language;  // held in this language (issue 12)
  // Keyset pagination on (starts_at, id).
  std::optional<TimePoint> after_starts_at;
  Id after_id = 0;
  int limit = 50;
};

// What the catalogue shows changes in two ways, each counted by a number that only grows with
// committed changes, so that equal numbers read from any process mean the same catalogue:
// `structure` counts pathways, modules and sessions written (created, edited, cancelled,
// decided), `counts` the changes of sessions' confirmed and waiting counts (registrations).
struct CatalogueVersion {
  std::int64_t structure = 0;
  std::int64_t counts = 0;
  std::array<std::int64_t, kPeopleShards> people{};  // by PeopleShard
  bool operator==(const CatalogueVersion&) const = default;
};

class CatalogueRepository {
 public:
  virtual ~CatalogueRepository() = default;
  virtual std::optional<Id> InsertPathway(const Pathway& p) = 0;  // nullopt: code taken
  virtual std::optional<Id> InsertModule(const Module& m) = 0;    // nullopt: code taken
  virtual std::optional<Pathway> FindPathway(Id id) = 0;
  virtual std::vector<Pathway> ListPathways(Id after_id, int limit) = 0;
  virtual std::optional<Module> FindModule(Id id) = 0;
  virtual std::vector<Module> ListModules(Id after_id, int limit, bool standalone_only) = 0;
  virtual Id InsertSession(const Session& s) = 0;
  // for_update takes the row lock that serialises every change to the session's registrations.
  virtual std::optional<Session> FindSession(Id id, bool for_update) = 0;
  virtual std::vector<Session> ListSessions(const SessionFilter& f) = 0;
  virtual void UpdateSessionStatus(Id id, SessionStatus status, const std::string& reason) = 0;
  // Records why a cancelled session was cancelled (code and parameters).
  virtual void RecordCancellation(Id id, const CancelReason& reason) = 0;
  virtual void UpdateSessionCounts(Id id, int confirmed, int waitlisted) = 0;

  // The scheduler's claims: the id of one due session, row-locked, or nullopt when none is
  // due. skip_locked leaves sessions another process is working on to that process. A session
  // with a recorded failure of that step is not due before the failure's next_attempt_at.
  virtual std::optional<Id> ClaimDueDecision(TimePoint now, bool skip_locked) = 0;
  virtual std::optional<Id> ClaimDueCompletion(TimePoint now, bool skip_locked) = 0;
  virtual std::optional<Id> ClaimDueReminder(TimePoint now, TimePoint horizon, bool skip_locked) = 0;
  // The scheduler's failure records, one per session and step. Find locks the row.
  virtual std::optional<SchedulerFailure> FindSchedulerFailure(Id session_id, const std::string& step) = 0;
  virtual void SaveSchedulerFailure(const SchedulerFailure& f) = 0;  // insert or replace
  virtual void ClearSchedulerFailure(Id session_id, const std::string& step) = 0;
  virtual std::vector<SchedulerFailure> SchedulerFailures(int limit) = 0;  // most failures first
  virtual void MarkDecided(Id id, SessionStatus status, bool by_threshold, TimePoint at) = 0;
  virtual void MarkReminded(Id id, TimePoint at) = 0;
  virtual void BumpIcsSequence(Id id) = 0;
  // Scheduled or confirmed sessions of a module that have not started, other than `except`.
  virtual std::vector<Session> OpenSessionsOfModule(Id module_id, Id except, TimePoint now) = 0;

  // Writes an edited session: times, decision date, sizes, place, mode, online link, calendar
  // sequence and trainers. reset_reminder: the start moved, the reminder is due again.
  virtual void UpdateSession(const Session& s, bool reset_reminder) = 0;
  // The sessions a person teaches. upcoming: those ending at or after `since`, soonest first;
  // else those ending before it, latest first. Keyset on (starts_at, id) in that order.
  virtual std::vector<Session> TaughtBy(Id user_id, TimePoint since, bool upcoming,
                                        std::optional<TimePoint> after_starts_at, Id after_id, int limit) = 0;
  // Scheduled sessions whose decision date lies within [from, to), soonest first.
  virtual std::vector<Session> DecisionsBetween(TimePoint from, TimePoint to, int limit) = 0;
  // The imported session of a module at this start, if a history import made one.
  virtual std::optional<Session> FindImportedSession(Id module_id, TimePoint starts_at) = 0;
  // The secret of the session's check-in codes, stored first by whoever asks first.
  virtual std::string CheckInSecret(Id session_id, const std::string& candidate) = 0;
  virtual void ConfirmSheet(Id session_id, Id by, TimePoint at) = 0;
  // Every module, for lookups by code (history imports).
  virtual std::vector<Module> AllModules() = 0;
  // The catalogue's version (0013_catalogue_version.sql), one cheap read.
  virtual CatalogueVersion ReadCatalogueVersion() = 0;
  // A session's replay (issue 12): its link, and one more view of it.
  virtual void SetReplayLink(Id id, const std::string& link) = 0;
  virtual void CountReplayView(Id id) = 0;
  // A multi-part session's parts, replaced as a whole (issue 12).
  virtual void ReplaceParts(Id session_id, const std::vector<SessionPart>& parts) = 0;
  // A series of sessions made from a rule (issue 12): the series, then each session with its id.
  virtual Id InsertSeries(Id module_id, const std::string& rule_json, Id created_by, TimePoint at) = 0;
  virtual std::vector<Session> SessionsOfSeries(Id series_id) = 0;
};

// The unique key that refused a registration: one active registration per person and session,
// one per person and module (unless the coordinator overrode it).
enum class RegistrationConflict { kSameSession, kSameModule };

class RegistrationRepository {
 public:
  virtual ~RegistrationRepository() = default;
  virtual Expected<Id, RegistrationConflict> Insert(const Registration& r) = 0;
  virtual std::optional<Registration> Find(Id id) = 0;
  virtual std::optional<Registration> FindActive(Id session_id, Id participant_id) = 0;
  virtual std::optional<Registration> FirstWaitlisted(Id session_id) = 0;
  virtual void UpdateStatus(Id id, RegistrationStatus status, TimePoint at) = 0;
  virtual std::vector<Registration> ListForSession(Id session_id, Id after_id, int limit) = 0;
  virtual std::vector<Registration> ListForParticipant(Id participant_id, Id after_id,
                                                       int limit) = 0;
  // The same, each with its session and module, in one statement.
  virtual std::vector<RegistrationDetail> DetailedForParticipant(Id participant_id, Id after_id, int limit) = 0;
  // Every registration of the session with the given status, in arrival order.
  virtual std::vector<Registration> WithStatus(Id session_id, RegistrationStatus status) = 0;
  // The session's registrations with each person's name, e-mail and organisation, by id;
  // only those with `status` when given.
  virtual std::vector<Registrant> Registrants(Id session_id, std::optional<RegistrationStatus> status,
                                              Id after_id, int limit) = 0;
};

class AttendanceRepository {
 public:
  virtual ~AttendanceRepository() = default;
  virtual std::vector<AttendanceRecord> ForSession(Id session_id) = 0;
  virtual std::optional<AttendanceRecord> Find(Id session_id, Id participant_id) = 0;
  virtual void Upsert(const AttendanceRecord& r) = 0;
  // For each of `module_ids`, the earliest session the person attended in full.
  virtual std::vector<CompletedModule> CompletedModules(Id participant_id,
                                                        const std::vector<Module>& modules) = 0;
  // Every mark of a person, latest session first.
  virtual std::vector<AttendanceRecord> ForParticipant(Id participant_id) = 0;
  virtual Id InsertHistoryImport(const HistoryImport& h) = 0;
  // Attendance per part of a multi-part session (issue 12).
  virtual void UpsertPart(const PartAttendance& m) = 0;
  virtual std::vector<PartAttendance> PartsForSession(Id session_id) = 0;
};

class NotificationRepository {
 public:
  virtual ~NotificationRepository() = default;
  virtual void Enqueue(const Notification& n, TimePoint at) = 0;
  // Claims up to `limit` pending messages due at `now` that no unexpired claim holds (rows
  // another transaction is claiming are skipped): each gets `token` and a lease until
  // `lease_until`. Meant for a short transaction of its own: the sending comes after COMMIT.
  virtual std::vector<Notification> Claim(TimePoint now, int limit, const std::string& token,
                                          TimePoint lease_until) = 0;
  // Record a claimed message's outcome and end its claim, only while `token` still holds it;
  // false when the lease ran out and another dispatcher took the message over.
  virtual bool MarkSent(Id id, const std::string& token, TimePoint at) = 0;
  virtual bool MarkRetry(Id id, const std::string& token, int attempts, TimePoint next,
                         const std::string& error, bool give_up) = 0;
  // Ends a claim without an outcome: the message is due again at once.
  virtual void Release(Id id, const std::string& token) = 0;
  virtual std::vector<Notification> ForUser(Id user_id) = 0;
  // The messages the outbox gave up on, latest first.
  virtual std::vector<FailedNotification> Failed(int limit) = 0;
};

class AttestationRepository {
 public:
  virtual ~AttestationRepository() = default;
  // nullopt: a valid attestation exists already (or, rarely, the code is taken).
  virtual std::optional<Id> Insert(const Attestation& a, const std::string& pdf) = 0;
  virtual std::optional<Attestation> FindAttestation(Id id) = 0;
  virtual std::optional<Attestation> FindByCode(const std::string& code) = 0;
  virtual std::optional<Attestation> FindBySha256(const std::string& sha256) = 0;
  virtual std::optional<Attestation> FindValid(Id participant_id, Id pathway_id) = 0;
  virtual std::optional<std::string> Pdf(Id id) = 0;
  virtual bool Revoke(Id id, const std::string& reason, TimePoint at) = 0;  // false: already
  // People with full presence at a session of every module of the pathway.
  virtual std::vector<Id> CompletedPathway(const Pathway& p) = 0;
  virtual long long IssuedBetween(TimePoint from, TimePoint to) = 0;
  // A person's attestations, valid and revoked, newest first.
  virtual std::vector<Attestation> ForParticipant(Id participant_id) = 0;

  // Attendance certificates. nullopt: a valid one exists already for the registration (or,
  // rarely, the code is taken).
  virtual std::optional<Id> InsertCertificate(const AttendanceCertificate& c, const std::string& pdf) = 0;
  virtual std::optional<AttendanceCertificate> ValidCertificate(Id registration_id) = 0;
  virtual std::optional<AttendanceCertificate> FindCertificateByCode(const std::string& code) = 0;
  virtual std::optional<std::string> CertificatePdf(Id id) = 0;
  virtual bool RevokeCertificate(Id id, const std::string& reason, TimePoint at) = 0;  // false: already
  // For everyone, the earliest full attendance of each module of the pathway (one read for a
  // whole batch), by person then date.
  virtual std::vector<PersonCompletion> PathwayCompletions(const Pathway& p) = 0;
  // Every attestation of the pathway, valid or revoked (a revoked one is never re-issued by
  // the batch).
  virtual std::vector<Attestation> OfPathway(Id pathway_id) = 0;
  virtual std::vector<Attestation> OfParticipant(Id participant_id) = 0;
  // Inserts several attestations at once; for each, its id, or nullopt when a valid
  // attestation of that person and pathway exists already (that one is skipped, the others
  // are stored).
  virtual std::vector<std::optional<Id>> InsertMany(const std::vector<std::pair<Attestation, std::string>>& batch) = 0;
};

class AuditRepository {
 public:
  virtual ~AuditRepository() = default;
  virtual void Append(const AuditEntry& e) = 0;
  // Rows matching the filter, newest first, at most filter.limit.
  virtual std::vector<AuditRecord> List(const AuditFilter& filter) = 0;
  virtual void AppendMany(const std::vector<AuditEntry>& entries) = 0;
  // A person's trail, latest first, below `before_id` (0: from the latest).
  virtual std::vector<AuditEntry> AboutSubject(Id subject_id, Id before_id, int limit) = 0;
  // The latest rows of one action (e.g. the webhook items given up on).
  virtual std::vector<AuditEntry> LatestOfAction(const std::string& action, int limit) = 0;
};

// What is held about one person: read for their export (GDPR articles 15 and 20), changed by
// their rectification (16), removed or pseudonymised by their erasure (17) and the retention
// pass. Every table that names a person is read or changed here; a new one must be added.
class PersonalDataRepository {
 public:
  virtual ~PersonalDataRepository() = default;
  // The person's row, locked until the transaction ends (one erasure or rectification of a
  // person at a time; a registration of theirs waits for it).
  virtual std::optional<User> LockPerson(Id id) = 0;
  virtual std::optional<TimePoint> LastLogin(Id id) = 0;
  // (The rectification itself is UserRepository::UpdateProfile, shared with the profile page.)

  // The export.
  virtual std::vector<Registration> RegistrationsOf(Id id) = 0;  // oldest first
  virtual std::vector<AttendanceRecord> AttendanceOf(Id id) = 0;
  virtual std::vector<PartAttendance> AttendancePartsOf(Id id) = 0;  // per part (0022), by session
  virtual std::vector<Attestation> AttestationsOf(Id id) = 0;
  virtual std::vector<NotificationRecord> NotificationsOf(Id id) = 0;
  virtual std::vector<AgencyEnrolment> EnrolmentsOf(Id id) = 0;
  virtual std::vector<Id> SessionsTaughtBy(Id id) = 0;
  struct SignIn {
    TimePoint created_at, expires_at;
    bool revoked = false;
  };
  virtual std::vector<SignIn> SignInsOf(Id id) = 0;

  // The erasure. What stops or shapes it: confirmed places and teaching in sessions that have
  // not ended, and whether any record (registration, attendance, attestation, teaching) names
  // the person.
  struct Holdings {
    int upcoming_confirmed = 0;
    int upcoming_teaching = 0;
    std::vector<Registration> upcoming_waitlisted;  // withdrawn by the erasure
    bool has_records = false;
  };
  virtual Holdings HoldingsOf(Id id, TimePoint now) = 0;
  // Audit rows that may carry the person's data: rows about them or written by them, and any
  // row whose JSON holds their e-mail address.
  virtual std::vector<AuditRecord> AuditRowsToScrub(Id id, const std::string& email) = 0;
  virtual void RewriteAudit(Id row, const std::string& before_json, const std::string& after_json) = 0;
  struct Erased {
    int tokens = 0, notifications = 0, enrolments = 0, attestations = 0, idempotency = 0, login_rows = 0;
    bool row_deleted = false;
  };
  // Deletes the person's tokens, links, sign-in traces (`login_email_hash`: their throttling
  // rows), messages and stored answers that hold their e-mail; blanks what agencies sent about
  // them; revokes their attestations (reason "erased") and deletes the PDFs and the name on
  // them; then deletes the person's row when no record names them, else pseudonymises it.
  virtual Erased Erase(Id id, const std::string& email, const std::string& login_email_hash,
                       bool has_records, TimePoint now) = 0;

  // The retention pass: participants (ids from `from_id` on, ascending) with no sign-in,
  // registration change, session, attendance mark or attestation since `cutoff` and no valid
  // attestation, at most `limit`.
  virtual std::vector<Id> InactiveParticipants(TimePoint cutoff, Id from_id, int limit) = 0;
  // Deletes sent or failed notifications created before `before`, at most `limit`.
  virtual int PurgeDeliveredNotifications(TimePoint before, int limit) = 0;
};

// The claim a request with an Idempotency-Key holds (see CommitFenceScope below).
struct CommitFence {
  std::string scope;
  std::string key_hash;
  std::string token;
};

// A claimed or answered Idempotency-Key. Keys are stored as their SHA-256 (hex); a response
// that carries a secret (a token, a key) is never stored: `withheld` marks it.
struct IdempotencyRecord {
  std::string fingerprint;
  std::string claim_token;  // who runs the request now
  bool completed = false;
  bool withheld = false;
  std::optional<TimePoint> committed_at;  // the request's work committed (set under the fence)
  int status = 0;
  std::string content_type;
  std::string body;
  std::string location;
  TimePoint created_at;
};

class IdempotencyRepository {
 public:
  virtual ~IdempotencyRepository() = default;
  virtual std::optional<IdempotencyRecord> Find(const std::string& scope, const std::string& key_hash,
                                                bool for_update) = 0;
  virtual bool Insert(const std::string& scope, const std::string& key_hash,
                      const IdempotencyRecord& r) = 0;  // false: taken concurrently
  virtual void Replace(const std::string& scope, const std::string& key_hash,
                       const IdempotencyRecord& r) = 0;
  // Deletes the claim if `token` still holds it.
  virtual void Delete(const std::string& scope, const std::string& key_hash, const std::string& token) = 0;
  // Under the claim row's lock: true (and committed_at recorded) when `fence` still holds it.
  virtual bool HoldFence(const CommitFence& fence) = 0;
  virtual int PurgeBefore(TimePoint cutoff, int limit) = 0;
};

// Structures and people's memberships (issue 12), and what the yearly report reads of them.
class StructureRepository {
 public:
  virtual ~StructureRepository() = default;
  virtual std::optional<Id> Insert(const Structure& s) = 0;  // nullopt: the name is taken
  virtual std::optional<Structure> Find(Id id) = 0;
  // By name, case and accents aside.
  virtual std::optional<Structure> FindByName(const std::string& name) = 0;
  virtual std::vector<Structure> List(std::optional<Sector> sector, Id after_id, int limit) = 0;  // by id
  virtual Id InsertMembership(const Membership& m) = 0;
  virtual std::optional<Membership> FindMembership(Id id) = 0;
  virtual std::vector<Membership> MembershipsOf(Id user_id) = 0;  // earliest first
  virtual void SetMembershipDates(Id id, const std::string& starts_on, const std::optional<std::string>& ends_on) = 0;
  // Sessions starting within [from, to) that people attended (present or partial), and every
  // membership of those people, with the sector of its structure.
  virtual std::vector<AttendedDay> AttendedBetween(TimePoint from, TimePoint to) = 0;
  virtual std::vector<MembershipSpan> MembershipsOfAttendees(TimePoint from, TimePoint to) = 0;
  // The employer's view: contacts per structure and people's consents (false: already there,
  // or nothing to delete).
  virtual bool InsertContact(const StructureContact& c) = 0;
  virtual bool DeleteContact(Id structure_id, Id user_id) = 0;
  virtual std::vector<StructureContact> ContactsOf(Id structure_id) = 0;     // by person id
  virtual std::vector<StructureContact> ContactRolesOf(Id user_id) = 0;      // by structure id
  virtual bool InsertSharing(const StaffSharing& s) = 0;
  virtual bool DeleteSharing(Id user_id, Id structure_id) = 0;
  virtual std::vector<StaffSharing> SharingOf(Id user_id) = 0;  // by structure id
  // The memberships covering `date` (YYYY-MM-DD) of people who share with the structure, by
  // person (of several memberships of one person, each).
  virtual std::vector<Membership> SharingMembers(Id structure_id, const std::string& date) = 0;
};

// Evaluation questionnaires, who has answered, and the answers (issue 12). Answers carry no
// time, and the person only when the questionnaire is not anonymous.
class EvaluationRepository {
 public:
  virtual ~EvaluationRepository() = default;
  struct StoredQuestionnaire {
    Id id = 0, module_id = 0;
    bool anonymous = true;
    std::string questions_json;
    TimePoint updated_at;
  };
  // Inserts or replaces the module's questionnaire; returns its id.
  virtual Id SaveQuestionnaire(Id module_id, bool anonymous, const std::string& questions_json, TimePoint at) = 0;
  virtual std::optional<StoredQuestionnaire> FindQuestionnaire(Id module_id, bool for_update) = 0;
  virtual long long AnswerCount(Id questionnaire_id) = 0;
  // false: the person has answered for this session already (the primary key says so).
  virtual bool InsertRespondent(Id session_id, Id person_id, TimePoint at) = 0;
  virtual bool HasAnswered(Id session_id, Id person_id) = 0;
  virtual void InsertAnswers(Id id, Id questionnaire_id, Id session_id, std::optional<Id> person_id,
                             const std::string& answers_json) = 0;
  virtual std::vector<std::string> Answers(Id session_id) = 0;  // JSON documents, by id
  virtual long long Respondents(Id session_id) = 0;
  // People marked present or partial at the session.
  virtual long long Attendees(Id session_id) = 0;
  virtual std::vector<Id> RespondentIds(Id session_id) = 0;  // by id
  // A person's answers given under their name (questionnaires that are not anonymous).
  struct PersonAnswers {
    Id session_id = 0;
    Id questionnaire_id = 0;
    std::string answers_json;
  };
  virtual std::vector<PersonAnswers> AnswersOf(Id person_id) = 0;  // by answer id
};

// Session documents (issue 12): metadata, and the bytes in chunks.
class DocumentRepository {
 public:
  virtual ~DocumentRepository() = default;
  virtual Id Insert(const SessionDocument& d, const std::string& bytes) = 0;
  virtual std::vector<SessionDocument> OfSession(Id session_id) = 0;  // by id
  virtual std::optional<SessionDocument> Find(Id id) = 0;
  virtual std::string Content(Id id) = 0;
  virtual bool Delete(Id id) = 0;  // with its bytes; false: no such document
};

class UnitOfWork {
 public:
  virtual ~UnitOfWork() = default;
  virtual UserRepository& users() = 0;
  virtual LoginGuardRepository& logins() = 0;
  virtual AgencyRepository& agencies() = 0;
  virtual CatalogueRepository& catalogue() = 0;
  virtual RegistrationRepository& registrations() = 0;
  virtual AuditRepository& audit() = 0;
  virtual IdempotencyRepository& idempotency() = 0;
  virtual AttendanceRepository& attendance() = 0;
  virtual NotificationRepository& notifications() = 0;
  virtual ReportRepository& reports() = 0;
  virtual AttestationRepository& attestations() = 0;
  virtual PersonalDataRepository& personal_data() = 0;
  virtual StructureRepository& structures() = 0;
  virtual DocumentRepository& documents() = 0;
  virtual EvaluationRepository& evaluations() = 0;
};

// Runs work in one transaction: committed when `work` returns true, rolled back when it
// returns false or throws. Transient conflicts (deadlock, lock wait timeout, a replication
// certification failure at COMMIT) re-run `work` from the start, so `work` must only assign
// to what it captures. Returns normally only when the COMMIT was acknowledged by the server.
class Store {
 public:
  virtual ~Store() = default;
  virtual void Transact(const std::function<bool(UnitOfWork&)>& work) = 0;
  virtual bool Ping() = 0;
};

// Typed transactions: `work` returns a Result<T>; the transaction commits when it holds a
// value and rolls back when it holds an error, which is returned as is.
template <class F>
auto Transact(Store& store, F&& work) -> decltype(work(std::declval<UnitOfWork&>())) {
  decltype(work(std::declval<UnitOfWork&>())) out;
  store.Transact([&](UnitOfWork& uow) {
    out = work(uow);
    return out.ok();
  });
  return out;
}

// Thrown by Store implementations on infrastructure failures (database unreachable...).
struct StoreUnavailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};
// The connection was lost while COMMIT was under way: the work may or may not be stored.
struct CommitOutcomeUnknown : StoreUnavailable {
  using StoreUnavailable::StoreUnavailable;
};
// Conflicts kept failing for the whole retry budget: nothing was stored; retry shortly.
struct StoreBusy : StoreUnavailable {
  using StoreUnavailable::StoreUnavailable;
};
// The request's Idempotency-Key claim was taken over by another run of the same request:
// this run's transaction was rolled back so that the work is never done twice.
struct IdempotencyClaimLost : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// A request that carries an Idempotency-Key holds a claim on it. While a CommitFenceScope is
// alive on a thread, every transaction that commits on that thread first checks, under the
// claim row's lock, that the claim is still held, and records that the work committed: a stale
// run is fenced out, and after a lost COMMIT a re-read of the claim says what happened.
class CommitFenceScope {
 public:
  explicit CommitFenceScope(const CommitFence* fence);
  ~CommitFenceScope();
  CommitFenceScope(const CommitFenceScope&) = delete;
  CommitFenceScope& operator=(const CommitFenceScope&) = delete;
  static const CommitFence* Current();

 private:
  const CommitFence* previous_;
};

}  // namespace parcours
