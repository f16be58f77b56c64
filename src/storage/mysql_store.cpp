#include "storage/mysql_store.h"

#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "common/text.h"
#include "common/time.h"

namespace parcours {

bool IsTransientConflict(int code) { return code == 1213 || code == 1205; }
bool IsConnectionLost(int code) {
  return code == 2006 || code == 2013 || code == 2002 || code == 2003 || code == 2055 ||
         code == 1927 || code == 4031;
}

namespace {

constexpr int kDuplicateKey = 1062;
using Rs = std::unique_ptr<sql::ResultSet>;

TimePoint ReadTime(sql::ResultSet& rs, const char* col) {
  auto t = ParseSqlUtc(std::string(rs.getString(col)));
  return t ? *t : TimePoint{};
}
std::optional<TimePoint> ReadOptionalTime(sql::ResultSet& rs, const char* col) {
  if (rs.isNull(col)) return std::nullopt;
  return ReadTime(rs, col);
}
std::string Str(sql::ResultSet& rs, const char* col) { return std::string(rs.getString(col)); }

std::vector<Id> ParseIdList(const std::string& csv) {
  std::vector<Id> out;
  std::stringstream in(csv);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stoll(item));
  return out;
}

// Runs an INSERT; returns false on a duplicate key, rethrows anything else.
bool ExecuteInsert(sql::PreparedStatement& ps) {
  try {
    ps.executeUpdate();
    return true;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kDuplicateKey) return false;
    throw;
  }
}

Id LastInsertId(PooledConnection& c) {
  auto& ps = c.Prepare("SELECT LAST_INSERT_ID()");
  Rs rs(ps.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

constexpr const char* kUserColumns =
    "SELECT id, email, name, organisation, language, roles, password_hash, failed_logins, "
    "locked_until, created_at FROM users ";

User ReadUser(sql::ResultSet& rs) {
  User u;
  u.id = rs.getInt64("id");
  u.email = Str(rs, "email");
  u.name = Str(rs, "name");
  u.organisation = Str(rs, "organisation");
  u.language = Str(rs, "language");
  u.roles = rs.getUInt("roles");
  u.password_hash = Str(rs, "password_hash");
  u.failed_logins = rs.getInt("failed_logins");
  u.locked_until = ReadOptionalTime(rs, "locked_until");
  u.created_at = ReadTime(rs, "created_at");
  return u;
}

Module ReadModule(sql::ResultSet& rs) {
  Module m;
  m.id = rs.getInt64("id");
  if (!rs.isNull("pathway_id")) m.pathway_id = rs.getInt64("pathway_id");
  m.position = rs.getInt("position");
  m.code = Str(rs, "code");
  m.title = Str(rs, "title");
  m.hours = rs.getDouble("hours");
  return m;
}

#define SESSION_COLUMNS                                                                    \
  "SELECT s.id, s.module_id, s.starts_at, s.ends_at, s.decision_at, s.capacity, "          \
  "s.min_registrants, s.agency_code, s.location, s.mode, s.status, s.cancel_reason, "      \
  "s.confirmed_count, s.waitlist_count, s.ics_sequence, (SELECT GROUP_CONCAT(t.user_id ORDER BY t.user_id) " \
  "FROM session_trainers t WHERE t.session_id = s.id) AS trainers FROM sessions s "

Session ReadSession(sql::ResultSet& rs) {
  Session s;
  s.id = rs.getInt64("id");
  s.module_id = rs.getInt64("module_id");
  s.starts_at = ReadTime(rs, "starts_at");
  s.ends_at = ReadTime(rs, "ends_at");
  s.decision_at = ReadTime(rs, "decision_at");
  s.capacity = rs.getInt("capacity");
  s.min_registrants = rs.getInt("min_registrants");
  if (!rs.isNull("agency_code")) s.agency = Str(rs, "agency_code");
  s.location = Str(rs, "location");
  s.mode = SessionModeFromString(Str(rs, "mode")).value_or(SessionMode::kOnsite);
  s.status = SessionStatusFromString(Str(rs, "status")).value_or(SessionStatus::kScheduled);
  s.cancel_reason = Str(rs, "cancel_reason");
  s.confirmed_count = rs.getInt("confirmed_count");
  s.waitlist_count = rs.getInt("waitlist_count");
  if (!rs.isNull("trainers")) s.trainer_ids = ParseIdList(Str(rs, "trainers"));
  s.ics_sequence = rs.getInt("ics_sequence");
  return s;
}

// Waitlist position: rank among the session's waitlisted registrations by arrival (id).
#define REGISTRATION_COLUMNS                                                                  \
  "SELECT r.id, r.session_id, r.participant_id, r.status, r.channel, r.created_at, "         \
  "r.updated_at, CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w " \
  "WHERE w.session_id = r.session_id AND w.status = 'waitlisted' AND w.id <= r.id) END AS pos "  \
  "FROM registrations r "

Registration ReadRegistration(sql::ResultSet& rs) {
  Registration r;
  r.id = rs.getInt64("id");
  r.session_id = rs.getInt64("session_id");
  r.participant_id = rs.getInt64("participant_id");
  r.status = RegistrationStatusFromString(Str(rs, "status")).value_or(RegistrationStatus::kConfirmed);
  r.channel = Str(rs, "channel");
  r.created_at = ReadTime(rs, "created_at");
  r.updated_at = ReadTime(rs, "updated_at");
  if (!rs.isNull("pos")) r.waitlist_position = rs.getInt("pos");
  return r;
}

template <class T, class F>
std::vector<T> ReadAll(sql::PreparedStatement& ps, F read) {
  Rs rs(ps.executeQuery());
  std::vector<T> out;
  while (rs->next()) out.push_back(read(*rs));
  return out;
}

template <class T, class F>
std::optional<T> ReadOne(sql::PreparedStatement& ps, F read) {
  Rs rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  return read(*rs);
}

AttendanceRecord ReadAttendance(sql::ResultSet& rs) {
  AttendanceRecord a;
  a.session_id = rs.getInt64("session_id");
  a.participant_id = rs.getInt64("participant_id");
  a.status = AttendanceStatusFromString(Str(rs, "status")).value_or(AttendanceStatus::kAbsent);
  a.hours = rs.getDouble("hours");
  a.marked_by = rs.getInt64("marked_by");
  a.marked_at = ReadTime(rs, "marked_at");
  return a;
}

Notification ReadNotification(sql::ResultSet& rs) {
  Notification n;
  n.id = rs.getInt64("id");
  n.user_id = rs.getInt64("user_id");
  const std::string kind = Str(rs, "kind");
  for (auto k : {NotificationKind::kRegistrationConfirmed, NotificationKind::kPromoted,
                 NotificationKind::kSessionCancelled, NotificationKind::kReminder,
                 NotificationKind::kAccountClaim})
    if (kind == ToString(k)) n.kind = k;
  n.to_email = Str(rs, "to_email");
  n.language = Str(rs, "language");
  n.subject = Str(rs, "subject");
  n.body_text = Str(rs, "body_text");
  n.ics = rs.isNull("ics") ? "" : Str(rs, "ics");
  n.attempts = rs.getInt("attempts");
  n.created_at = ReadTime(rs, "created_at");
  return n;
}

#define ATTESTATION_COLUMNS                                                                     \
  "SELECT id, participant_id, pathway_id, verification_code, issued_at, holder_name, "           \
  "pathway_title, total_hours, language, sha256, revoked_at, revoke_reason FROM attestations "

Attestation ReadAttestation(sql::ResultSet& rs) {
  Attestation a;
  a.id = rs.getInt64("id");
  a.participant_id = rs.getInt64("participant_id");
  a.pathway_id = rs.getInt64("pathway_id");
  a.verification_code = Str(rs, "verification_code");
  a.issued_at = ReadTime(rs, "issued_at");
  a.holder_name = Str(rs, "holder_name");
  a.pathway_title = Str(rs, "pathway_title");
  a.total_hours = rs.getDouble("total_hours");
  a.language = Str(rs, "language");
  a.sha256 = Str(rs, "sha256");
  a.revoked_at = ReadOptionalTime(rs, "revoked_at");
  a.revoke_reason = Str(rs, "revoke_reason");
  return a;
}

#define NOTIFICATION_COLUMNS                                                                    \
  "SELECT id, user_id, kind, to_email, language, subject, body_text, ics, attempts, created_at " \
  "FROM notifications "

class MySqlUnitOfWork final : public UnitOfWork,
                              UserRepository,
                              AgencyRepository,
                              CatalogueRepository,
                              RegistrationRepository,
                              AuditRepository,
                              IdempotencyRepository,
                              AttendanceRepository,
                              NotificationRepository,
                              ReportRepository,
                              AttestationRepository {
 public:
  explicit MySqlUnitOfWork(PooledConnection& c) : c_(c) {}
  UserRepository& users() override { return *this; }
  AgencyRepository& agencies() override { return *this; }
  CatalogueRepository& catalogue() override { return *this; }
  RegistrationRepository& registrations() override { return *this; }
  AuditRepository& audit() override { return *this; }
  IdempotencyRepository& idempotency() override { return *this; }
  AttendanceRepository& attendance() override { return *this; }
  NotificationRepository& notifications() override { return *this; }
  ReportRepository& reports() override { return *this; }
  AttestationRepository& attestations() override { return *this; }

  // ---- users
  std::optional<User> FindById(Id id) override {
    auto& ps = c_.Prepare("SELECT id, email, name, organisation, language, roles, password_hash, "
                          "failed_logins, locked_until, created_at FROM users WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<User>(ps, ReadUser);
  }
  std::optional<User> FindByEmail(const std::string& email, bool for_update) override {
    auto& ps = for_update
                   ? c_.Prepare("SELECT id, email, name, organisation, language, roles, "
                                "password_hash, failed_logins, locked_until, created_at FROM users "
                                "WHERE email = ? FOR UPDATE")
                   : c_.Prepare("SELECT id, email, name, organisation, language, roles, "
                                "password_hash, failed_logins, locked_until, created_at FROM users "
                                "WHERE email = ?");
    ps.setString(1, email);
    return ReadOne<User>(ps, ReadUser);
  }
  std::optional<Id> Insert(const User& u) override {
    auto& ps = c_.Prepare(
        "INSERT INTO users (email, name, organisation, language, roles, password_hash, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
    ps.setString(1, u.email);
    ps.setString(2, u.name);
    ps.setString(3, u.organisation);
    ps.setString(4, u.language);
    ps.setUInt(5, u.roles);
    ps.setString(6, u.password_hash);
    ps.setString(7, FormatSqlUtc(u.created_at));
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  bool AnyCoordinator() override {
    auto& ps = c_.Prepare("SELECT 1 FROM users WHERE (roles & ?) <> 0 LIMIT 1");
    ps.setUInt(1, RoleBit(Role::kCoordinator));
    Rs rs(ps.executeQuery());
    return rs->next();
  }
  void SetLoginFailures(Id id, int count, std::optional<TimePoint> locked_until) override {
    auto& ps = c_.Prepare("UPDATE users SET failed_logins = ?, locked_until = ? WHERE id = ?");
    ps.setInt(1, count);
    if (locked_until) ps.setString(2, FormatSqlUtc(*locked_until));
    else ps.setNull(2, 0);
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  int CountAddressFailures(const std::string& address, TimePoint since) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) FROM login_failures WHERE address = ? AND at >= ?");
    ps.setString(1, address);
    ps.setString(2, FormatSqlUtc(since));
    Rs rs(ps.executeQuery());
    rs->next();
    return rs->getInt(1);
  }
  void RecordAddressFailure(const std::string& address, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO login_failures (address, at) VALUES (?, ?)");
    ps.setString(1, address);
    ps.setString(2, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  void InsertToken(const std::string& hash, Id user, TimePoint created, TimePoint expires) override {
    auto& ps = c_.Prepare(
        "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
    ps.setString(1, hash);
    ps.setInt64(2, user);
    ps.setString(3, FormatSqlUtc(created));
    ps.setString(4, FormatSqlUtc(expires));
    ps.executeUpdate();
  }
  std::optional<User> FindByToken(const std::string& hash, TimePoint now) override {
    auto& ps = c_.Prepare(
        "SELECT u.id, u.email, u.name, u.organisation, u.language, u.roles, u.password_hash, "
        "u.failed_logins, u.locked_until, u.created_at FROM auth_tokens t JOIN users u ON u.id = "
        "t.user_id WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?");
    ps.setString(1, hash);
    ps.setString(2, FormatSqlUtc(now));
    return ReadOne<User>(ps, ReadUser);
  }
  void InsertPasswordReset(const std::string& hash, Id user, TimePoint created, TimePoint expires) override {
    auto& ps = c_.Prepare(
        "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
    ps.setString(1, hash);
    ps.setInt64(2, user);
    ps.setString(3, FormatSqlUtc(created));
    ps.setString(4, FormatSqlUtc(expires));
    ps.executeUpdate();
  }
  std::optional<Id> ConsumePasswordReset(const std::string& hash, TimePoint now) override {
    auto& find = c_.Prepare("SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL "
                            "AND expires_at > ? FOR UPDATE");
    find.setString(1, hash);
    find.setString(2, FormatSqlUtc(now));
    auto user = ReadOne<Id>(find, [](sql::ResultSet& rs) { return rs.getInt64("user_id"); });
    if (!user) return std::nullopt;
    auto& use = c_.Prepare("UPDATE password_resets SET used_at = ? WHERE token_hash = ?");
    use.setString(1, FormatSqlUtc(now));
    use.setString(2, hash);
    use.executeUpdate();
    return user;
  }
  void SetPasswordHash(Id user, const std::string& hash) override {
    auto& ps = c_.Prepare("UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL WHERE id = ?");
    ps.setString(1, hash);
    ps.setInt64(2, user);
    ps.executeUpdate();
  }
  bool RevokeToken(const std::string& hash, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE auth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setString(2, hash);
    return ps.executeUpdate() > 0;
  }

  // ---- agencies
  bool Insert(const Agency& a, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO agencies (code, name, created_at) VALUES (?, ?, ?)");
    ps.setString(1, a.code);
    ps.setString(2, a.name);
    ps.setString(3, FormatSqlUtc(at));
    return ExecuteInsert(ps);
  }
  std::optional<Agency> Find(const std::string& code) override {
    auto& ps = c_.Prepare("SELECT code, name FROM agencies WHERE code = ?");
    ps.setString(1, code);
    return ReadOne<Agency>(ps, [](sql::ResultSet& rs) { return Agency{Str(rs, "code"), Str(rs, "name")}; });
  }
  std::vector<Agency> List() override {
    auto& ps = c_.Prepare("SELECT code, name FROM agencies ORDER BY code");
    return ReadAll<Agency>(ps, [](sql::ResultSet& rs) { return Agency{Str(rs, "code"), Str(rs, "name")}; });
  }
  Id InsertKey(const std::string& code, const std::string& hash, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO agency_keys (agency_code, key_hash, created_at) VALUES (?, ?, ?)");
    ps.setString(1, code);
    ps.setString(2, hash);
    ps.setString(3, FormatSqlUtc(at));
    ps.executeUpdate();
    return LastInsertId(c_);
  }
  std::optional<std::string> AgencyForKey(const std::string& hash) override {
    auto& ps = c_.Prepare("SELECT agency_code FROM agency_keys WHERE key_hash = ? AND revoked_at IS NULL");
    ps.setString(1, hash);
    return ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "agency_code"); });
  }

  bool RevokeKey(const std::string& code, Id key_id, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE agency_keys SET revoked_at = ? WHERE agency_code = ? AND id = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setString(2, code);
    ps.setInt64(3, key_id);
    return ps.executeUpdate() > 0;
  }
  std::optional<AgencyEnrolment> FindEnrolment(const std::string& code, const std::string& external_id,
                                               bool for_update) override {
    auto& ps = for_update
                   ? c_.Prepare("SELECT agency_code, external_id, registration_id FROM agency_enrolments "
                                "WHERE agency_code = ? AND external_id = ? FOR UPDATE")
                   : c_.Prepare("SELECT agency_code, external_id, registration_id FROM agency_enrolments "
                                "WHERE agency_code = ? AND external_id = ?");
    ps.setString(1, code);
    ps.setString(2, external_id);
    return ReadOne<AgencyEnrolment>(ps, [](sql::ResultSet& rs) {
      return AgencyEnrolment{Str(rs, "agency_code"), Str(rs, "external_id"), rs.getInt64("registration_id")};
    });
  }
  std::optional<std::string> ExternalIdOf(Id registration_id) override {
    auto& ps = c_.Prepare("SELECT external_id FROM agency_enrolments WHERE registration_id = ?");
    ps.setInt64(1, registration_id);
    return ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "external_id"); });
  }
  void SaveEnrolment(const AgencyEnrolment& e, TimePoint at) override {
    auto& ps = c_.Prepare(
        "INSERT INTO agency_enrolments (agency_code, external_id, registration_id, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE registration_id = VALUES(registration_id), "
        "updated_at = VALUES(updated_at)");
    ps.setString(1, e.agency);
    ps.setString(2, e.external_id);
    ps.setInt64(3, e.registration_id);
    ps.setString(4, FormatSqlUtc(at));
    ps.setString(5, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  void AppendChange(const AgencyChange& c) override {
    // The row lock taken here is held until commit: sequence numbers appear in commit order.
    auto& bump = c_.Prepare("UPDATE agencies SET last_change_seq = last_change_seq + 1 WHERE code = ?");
    bump.setString(1, c.agency);
    if (bump.executeUpdate() == 0) return;  // not an agency channel
    auto& insert = c_.Prepare(
        "INSERT INTO agency_changes (agency_code, seq, kind, external_id, session_id, registration_id, "
        "status, at) SELECT code, last_change_seq, ?, ?, ?, ?, ?, ? FROM agencies WHERE code = ?");
    insert.setString(1, c.kind);
    c.external_id ? insert.setString(2, *c.external_id) : insert.setNull(2, 0);
    insert.setInt64(3, c.session_id);
    c.registration_id ? insert.setInt64(4, *c.registration_id) : insert.setNull(4, 0);
    insert.setString(5, c.status);
    insert.setString(6, FormatSqlUtc(c.at));
    insert.setString(7, c.agency);
    insert.executeUpdate();
  }
  std::vector<AgencyChange> Changes(const std::string& code, long long after_seq, int limit) override {
    auto& ps = c_.Prepare(
        "SELECT agency_code, seq, kind, external_id, session_id, registration_id, status, at FROM "
        "agency_changes WHERE agency_code = ? AND seq > ? ORDER BY seq LIMIT ?");
    ps.setString(1, code);
    ps.setInt64(2, after_seq);
    ps.setInt(3, limit);
    return ReadAll<AgencyChange>(ps, [](sql::ResultSet& rs) {
      AgencyChange c;
      c.agency = Str(rs, "agency_code");
      c.seq = rs.getInt64("seq");
      c.kind = Str(rs, "kind");
      if (!rs.isNull("external_id")) c.external_id = Str(rs, "external_id");
      c.session_id = rs.getInt64("session_id");
      if (!rs.isNull("registration_id")) c.registration_id = rs.getInt64("registration_id");
      c.status = Str(rs, "status");
      c.at = ReadTime(rs, "at");
      return c;
    });
  }
  Id InsertWebhook(const Webhook& w, TimePoint at) override {
    // A new webhook starts at the current end of the feed: it receives what happens next.
    auto& ps = c_.Prepare(
        "INSERT INTO agency_webhooks (agency_code, url, secret, created_at, delivered_seq, next_attempt_at) "
        "SELECT code, ?, ?, ?, last_change_seq, ? FROM agencies WHERE code = ?");
    ps.setString(1, w.url);
    ps.setString(2, w.secret);
    ps.setString(3, FormatSqlUtc(at));
    ps.setString(4, FormatSqlUtc(at));
    ps.setString(5, w.agency);
    ps.executeUpdate();
    return LastInsertId(c_);
  }
  static Webhook ReadWebhook(sql::ResultSet& rs) {
    Webhook w;
    w.id = rs.getInt64("id");
    w.agency = Str(rs, "agency_code");
    w.url = Str(rs, "url");
    w.secret = Str(rs, "secret");
    w.delivered_seq = rs.getInt64("delivered_seq");
    w.attempts = rs.getInt("attempts");
    w.first_failure_at = ReadOptionalTime(rs, "first_failure_at");
    w.created_at = ReadTime(rs, "created_at");
    return w;
  }
  std::vector<Webhook> Webhooks(const std::string& code) override {
    auto& ps = c_.Prepare("SELECT id, agency_code, url, secret, delivered_seq, attempts, first_failure_at, "
                          "created_at FROM agency_webhooks WHERE agency_code = ? AND active = 1 ORDER BY id");
    ps.setString(1, code);
    return ReadAll<Webhook>(ps, ReadWebhook);
  }
  bool DeactivateWebhook(const std::string& code, Id id) override {
    auto& ps = c_.Prepare("UPDATE agency_webhooks SET active = 0 WHERE agency_code = ? AND id = ? AND active = 1");
    ps.setString(1, code);
    ps.setInt64(2, id);
    return ps.executeUpdate() > 0;
  }
  std::optional<Webhook> ClaimDueWebhook(TimePoint now) override {
    auto& ps = c_.Prepare(
        "SELECT id, agency_code, url, secret, delivered_seq, attempts, first_failure_at, created_at FROM "
        "agency_webhooks WHERE active = 1 AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1 "
        "FOR UPDATE SKIP LOCKED");
    ps.setString(1, FormatSqlUtc(now));
    return ReadOne<Webhook>(ps, ReadWebhook);
  }
  void WebhookDelivered(Id id, long long seq, TimePoint next) override {
    auto& ps = c_.Prepare("UPDATE agency_webhooks SET delivered_seq = ?, attempts = 0, first_failure_at = NULL, "
                          "last_error = '', next_attempt_at = ? WHERE id = ?");
    ps.setInt64(1, seq);
    ps.setString(2, FormatSqlUtc(next));
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  void WebhookFailed(Id id, int attempts, std::optional<TimePoint> first_failure, TimePoint next,
                     const std::string& error) override {
    auto& ps = c_.Prepare("UPDATE agency_webhooks SET attempts = ?, first_failure_at = ?, next_attempt_at = ?, "
                          "last_error = ? WHERE id = ?");
    ps.setInt(1, attempts);
    first_failure ? ps.setString(2, FormatSqlUtc(*first_failure)) : ps.setNull(2, 0);
    ps.setString(3, FormatSqlUtc(next));
    ps.setString(4, error.substr(0, 1000));
    ps.setInt64(5, id);
    ps.executeUpdate();
  }
  std::vector<Registration> RegistrationsOf(const std::string& code, TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "JOIN sessions s ON s.id = r.session_id WHERE r.channel = ? AND "
                          "s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, r.session_id, r.id");
    ps.setString(1, code);
    ps.setString(2, FormatSqlUtc(from));
    ps.setString(3, FormatSqlUtc(to));
    return ReadAll<Registration>(ps, ReadRegistration);
  }

  // ---- reports
  std::vector<ParticipationCount> Participation(TimePoint from, TimePoint to) override {
    // Distinct people per module and channel (the channel of the registration that brought
    // them to the session they attended); a range scan of one covering index.
    auto& ps = c_.Prepare(
        "SELECT module_id, channel, COUNT(DISTINCT participant_id) AS people FROM attendance "
        "WHERE starts_at >= ? AND starts_at < ? AND status IN ('present', 'partial') "
        "GROUP BY module_id, channel");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    return ReadAll<ParticipationCount>(ps, [](sql::ResultSet& rs) {
      return ParticipationCount{rs.getInt64("module_id"), Str(rs, "channel"), rs.getInt64("people")};
    });
  }
  std::vector<SessionFigures> Sessions(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare(
        "SELECT s.id, s.module_id, s.starts_at, s.ends_at, s.decision_at, s.capacity, s.min_registrants, "
        "s.agency_code, s.location, s.mode, s.status, s.cancel_reason, s.confirmed_count, s.waitlist_count, "
        "s.ics_sequence, NULL AS trainers, s.cancelled_by_threshold, "
        "(SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status IN ('confirmed', "
        "'cancelled')) AS registered, "
        "(SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id AND a.status IN ('present', "
        "'partial')) AS attended, "
        "(SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id) AS marked "
        "FROM sessions s WHERE s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, s.id");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    return ReadAll<SessionFigures>(ps, [](sql::ResultSet& rs) {
      SessionFigures f;
      f.session = ReadSession(rs);
      f.registered = rs.getInt64("registered");
      f.attended = rs.getInt64("attended");
      f.marked = rs.getInt64("marked");
      f.cancelled_by_threshold = rs.getInt("cancelled_by_threshold") != 0;
      return f;
    });
  }

  // ---- catalogue
  std::optional<Id> InsertPathway(const Pathway& p) override {
    auto& ps = c_.Prepare("INSERT INTO pathways (code, title) VALUES (?, ?)");
    ps.setString(1, p.code);
    ps.setString(2, p.title);
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  std::optional<Id> InsertModule(const Module& m) override {
    auto& ps = c_.Prepare(
        "INSERT INTO modules (pathway_id, position, code, title, hours) VALUES (?, ?, ?, ?, ?)");
    if (m.pathway_id) ps.setInt64(1, *m.pathway_id);
    else ps.setNull(1, 0);
    ps.setInt(2, m.position);
    ps.setString(3, m.code);
    ps.setString(4, m.title);
    ps.setDouble(5, m.hours);
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  std::vector<Module> ModulesOf(Id pathway_id) {
    auto& ps = c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules "
                          "WHERE pathway_id = ? ORDER BY position, id");
    ps.setInt64(1, pathway_id);
    return ReadAll<Module>(ps, ReadModule);
  }
  std::optional<Pathway> FindPathway(Id id) override {
    auto& ps = c_.Prepare("SELECT id, code, title FROM pathways WHERE id = ?");
    ps.setInt64(1, id);
    auto p = ReadOne<Pathway>(ps, [](sql::ResultSet& rs) {
      return Pathway{rs.getInt64("id"), Str(rs, "code"), Str(rs, "title"), {}};
    });
    if (p) p->modules = ModulesOf(p->id);
    return p;
  }
  std::vector<Pathway> ListPathways(Id after_id, int limit) override {
    auto& ps = c_.Prepare("SELECT id, code, title FROM pathways WHERE id > ? ORDER BY id LIMIT ?");
    ps.setInt64(1, after_id);
    ps.setInt(2, limit);
    auto rows = ReadAll<Pathway>(ps, [](sql::ResultSet& rs) {
      return Pathway{rs.getInt64("id"), Str(rs, "code"), Str(rs, "title"), {}};
    });
    for (auto& p : rows) p.modules = ModulesOf(p.id);
    return rows;
  }
  std::optional<Module> FindModule(Id id) override {
    auto& ps = c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<Module>(ps, ReadModule);
  }
  std::vector<Module> ListModules(Id after_id, int limit, bool standalone_only) override {
    auto& ps = standalone_only
                   ? c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules "
                                "WHERE id > ? AND pathway_id IS NULL ORDER BY id LIMIT ?")
                   : c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules "
                                "WHERE id > ? ORDER BY id LIMIT ?");
    ps.setInt64(1, after_id);
    ps.setInt(2, limit);
    return ReadAll<Module>(ps, ReadModule);
  }
  Id InsertSession(const Session& s) override {
    auto& ps = c_.Prepare(
        "INSERT INTO sessions (module_id, starts_at, ends_at, decision_at, capacity, "
        "min_registrants, agency_code, location, mode, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, s.module_id);
    ps.setString(2, FormatSqlUtc(s.starts_at));
    ps.setString(3, FormatSqlUtc(s.ends_at));
    ps.setString(4, FormatSqlUtc(s.decision_at));
    ps.setInt(5, s.capacity);
    ps.setInt(6, s.min_registrants);
    if (s.agency) ps.setString(7, *s.agency);
    else ps.setNull(7, 0);
    ps.setString(8, s.location);
    ps.setString(9, ToString(s.mode));
    ps.setString(10, ToString(s.status));
    ps.executeUpdate();
    Id id = LastInsertId(c_);
    auto& tr = c_.Prepare("INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?)");
    for (Id t : s.trainer_ids) {
      tr.setInt64(1, id);
      tr.setInt64(2, t);
      tr.executeUpdate();
    }
    return id;
  }
  std::optional<Session> FindSession(Id id, bool for_update) override {
    auto& ps = for_update ? c_.Prepare(SESSION_COLUMNS "WHERE s.id = ? FOR UPDATE")
                          : c_.Prepare(SESSION_COLUMNS "WHERE s.id = ?");
    ps.setInt64(1, id);
    return ReadOne<Session>(ps, ReadSession);
  }
  std::vector<Session> ListSessions(const SessionFilter& f) override {
    // One statement for every filter combination: a NULL parameter disables its condition.
    auto& ps = c_.Prepare(SESSION_COLUMNS
                          "WHERE (? IS NULL OR s.module_id = ?) AND (? IS NULL OR s.starts_at >= ?) "
                          "AND (? IS NULL OR s.starts_at < ?) AND (? IS NULL OR s.status = ?) "
                          "AND (? IS NULL OR (s.starts_at, s.id) > (?, ?)) "
                          "ORDER BY s.starts_at, s.id LIMIT ?");
    int i = 1;
    auto bind_id = [&](std::optional<Id> v) {
      for (int k = 0; k < 2; ++k) v ? ps.setInt64(i++, *v) : ps.setNull(i++, 0);
    };
    auto bind_time = [&](std::optional<TimePoint> v) {
      for (int k = 0; k < 2; ++k) v ? ps.setString(i++, FormatSqlUtc(*v)) : ps.setNull(i++, 0);
    };
    bind_id(f.module_id);
    bind_time(f.from);
    bind_time(f.to);
    for (int k = 0; k < 2; ++k)
      f.status ? ps.setString(i++, ToString(*f.status)) : ps.setNull(i++, 0);
    bind_time(f.after_starts_at);
    ps.setInt64(i++, f.after_id);
    ps.setInt(i++, f.limit);
    return ReadAll<Session>(ps, ReadSession);
  }
  void UpdateSessionStatus(Id id, SessionStatus status, const std::string& reason) override {
    auto& ps = c_.Prepare("UPDATE sessions SET status = ?, cancel_reason = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, reason);
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  void UpdateSessionCounts(Id id, int confirmed, int waitlisted) override {
    auto& ps = c_.Prepare("UPDATE sessions SET confirmed_count = ?, waitlist_count = ? WHERE id = ?");
    ps.setInt(1, confirmed);
    ps.setInt(2, waitlisted);
    ps.setInt64(3, id);
    ps.executeUpdate();
  }

  std::optional<Session> ClaimDueDecision(TimePoint now, bool skip_locked) override {
    auto& ps = skip_locked
                   ? c_.Prepare(SESSION_COLUMNS "WHERE s.status = 'scheduled' AND s.decision_at <= ? "
                                "ORDER BY s.decision_at, s.id LIMIT 1 FOR UPDATE SKIP LOCKED")
                   : c_.Prepare(SESSION_COLUMNS "WHERE s.status = 'scheduled' AND s.decision_at <= ? "
                                "ORDER BY s.decision_at, s.id LIMIT 1 FOR UPDATE");
    ps.setString(1, FormatSqlUtc(now));
    return ReadOne<Session>(ps, ReadSession);
  }
  std::optional<Session> ClaimDueCompletion(TimePoint now, bool skip_locked) override {
    auto& ps = skip_locked
                   ? c_.Prepare(SESSION_COLUMNS "WHERE s.status = 'confirmed' AND s.ends_at <= ? "
                                "ORDER BY s.ends_at, s.id LIMIT 1 FOR UPDATE SKIP LOCKED")
                   : c_.Prepare(SESSION_COLUMNS "WHERE s.status = 'confirmed' AND s.ends_at <= ? "
                                "ORDER BY s.ends_at, s.id LIMIT 1 FOR UPDATE");
    ps.setString(1, FormatSqlUtc(now));
    return ReadOne<Session>(ps, ReadSession);
  }
  std::optional<Session> ClaimDueReminder(TimePoint now, TimePoint horizon, bool skip_locked) override {
    auto& ps = skip_locked
                   ? c_.Prepare(SESSION_COLUMNS "WHERE s.status IN ('scheduled', 'confirmed') AND "
                                "s.reminder_sent_at IS NULL AND s.starts_at > ? AND s.starts_at <= ? "
                                "ORDER BY s.starts_at, s.id LIMIT 1 FOR UPDATE SKIP LOCKED")
                   : c_.Prepare(SESSION_COLUMNS "WHERE s.status IN ('scheduled', 'confirmed') AND "
                                "s.reminder_sent_at IS NULL AND s.starts_at > ? AND s.starts_at <= ? "
                                "ORDER BY s.starts_at, s.id LIMIT 1 FOR UPDATE");
    ps.setString(1, FormatSqlUtc(now));
    ps.setString(2, FormatSqlUtc(horizon));
    return ReadOne<Session>(ps, ReadSession);
  }
  void MarkDecided(Id id, SessionStatus status, bool by_threshold, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE sessions SET status = ?, decided_at = ?, cancelled_by_threshold = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, FormatSqlUtc(at));
    ps.setInt(3, by_threshold ? 1 : 0);
    ps.setInt64(4, id);
    ps.executeUpdate();
  }
  void MarkReminded(Id id, TimePoint at) override {
    auto& ps = c_.Prepare("UPDATE sessions SET reminder_sent_at = ? WHERE id = ?");
    ps.setString(1, FormatSqlUtc(at));
    ps.setInt64(2, id);
    ps.executeUpdate();
  }
  void BumpIcsSequence(Id id) override {
    auto& ps = c_.Prepare("UPDATE sessions SET ics_sequence = ics_sequence + 1 WHERE id = ?");
    ps.setInt64(1, id);
    ps.executeUpdate();
  }
  std::vector<Session> OpenSessionsOfModule(Id module_id, Id except, TimePoint now) override {
    auto& ps = c_.Prepare(SESSION_COLUMNS
                          "WHERE s.module_id = ? AND s.id <> ? AND s.status IN ('scheduled', "
                          "'confirmed') AND s.starts_at > ? ORDER BY s.starts_at, s.id LIMIT 20");
    ps.setInt64(1, module_id);
    ps.setInt64(2, except);
    ps.setString(3, FormatSqlUtc(now));
    return ReadAll<Session>(ps, ReadSession);
  }

  // ---- registrations
  std::optional<Id> Insert(const Registration& r) override {
    auto& ps = c_.Prepare(
        "INSERT INTO registrations (session_id, participant_id, status, channel, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, r.session_id);
    ps.setInt64(2, r.participant_id);
    ps.setString(3, ToString(r.status));
    ps.setString(4, r.channel);
    ps.setString(5, FormatSqlUtc(r.created_at));
    ps.setString(6, FormatSqlUtc(r.updated_at));
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  std::optional<Registration> Find(Id id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS "WHERE r.id = ?");
    ps.setInt64(1, id);
    return ReadOne<Registration>(ps, ReadRegistration);
  }
  std::optional<Registration> FindActive(Id session_id, Id participant_id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "WHERE r.session_id = ? AND r.participant_id = ? AND r.active = 1");
    ps.setInt64(1, session_id);
    ps.setInt64(2, participant_id);
    return ReadOne<Registration>(ps, ReadRegistration);
  }
  std::optional<Registration> FirstWaitlisted(Id session_id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "WHERE r.session_id = ? AND r.status = 'waitlisted' ORDER BY r.id LIMIT 1");
    ps.setInt64(1, session_id);
    return ReadOne<Registration>(ps, ReadRegistration);
  }
  void UpdateStatus(Id id, RegistrationStatus status, TimePoint at) override {
    auto& ps = c_.Prepare("UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, FormatSqlUtc(at));
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  std::vector<Registration> ListForSession(Id session_id, Id after_id, int limit) override {
    // Positions by window function: one pass over the session instead of a count per row.
    auto& ps = c_.Prepare(
        "SELECT * FROM (SELECT r.id, r.session_id, r.participant_id, r.status, r.channel, "
        "r.created_at, r.updated_at, CASE WHEN r.status = 'waitlisted' THEN ROW_NUMBER() OVER "
        "(PARTITION BY r.status ORDER BY r.id) END AS pos FROM registrations r WHERE "
        "r.session_id = ?) x WHERE x.id > ? ORDER BY x.id LIMIT ?");
    ps.setInt64(1, session_id);
    ps.setInt64(2, after_id);
    ps.setInt(3, limit);
    return ReadAll<Registration>(ps, ReadRegistration);
  }
  std::vector<Registration> ListForParticipant(Id participant_id, Id after_id, int limit) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "WHERE r.participant_id = ? AND r.id > ? ORDER BY r.id LIMIT ?");
    ps.setInt64(1, participant_id);
    ps.setInt64(2, after_id);
    ps.setInt(3, limit);
    return ReadAll<Registration>(ps, ReadRegistration);
  }

  std::vector<Registration> WithStatus(Id session_id, RegistrationStatus status) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS "WHERE r.session_id = ? AND r.status = ? ORDER BY r.id");
    ps.setInt64(1, session_id);
    ps.setString(2, ToString(status));
    return ReadAll<Registration>(ps, ReadRegistration);
  }

  // ---- attendance
  std::vector<AttendanceRecord> ForSession(Id session_id) override {
    auto& ps = c_.Prepare("SELECT session_id, participant_id, status, hours, marked_by, marked_at "
                          "FROM attendance WHERE session_id = ? ORDER BY participant_id");
    ps.setInt64(1, session_id);
    return ReadAll<AttendanceRecord>(ps, ReadAttendance);
  }
  std::optional<AttendanceRecord> Find(Id session_id, Id participant_id) override {
    auto& ps = c_.Prepare("SELECT session_id, participant_id, status, hours, marked_by, marked_at "
                          "FROM attendance WHERE session_id = ? AND participant_id = ?");
    ps.setInt64(1, session_id);
    ps.setInt64(2, participant_id);
    return ReadOne<AttendanceRecord>(ps, ReadAttendance);
  }
  void Upsert(const AttendanceRecord& r) override {
    // The report's grouping keys (module, start, channel) are copied from the session and the
    // confirmed registration, so the yearly report reads one table.
    auto& keys = c_.Prepare(
        "SELECT s.module_id, s.starts_at, r.channel FROM sessions s JOIN registrations r ON "
        "r.session_id = s.id AND r.participant_id = ? AND r.status = 'confirmed' WHERE s.id = ?");
    keys.setInt64(1, r.participant_id);
    keys.setInt64(2, r.session_id);
    Rs k(keys.executeQuery());
    if (!k->next()) return;  // not a confirmed registrant: the service checked it already
    const Id module_id = k->getInt64("module_id");
    const std::string starts_at = Str(*k, "starts_at"), channel = Str(*k, "channel");
    auto& ps = c_.Prepare(
        "INSERT INTO attendance (session_id, participant_id, status, hours, marked_by, marked_at, "
        "module_id, channel, starts_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "status = VALUES(status), hours = VALUES(hours), marked_by = VALUES(marked_by), "
        "marked_at = VALUES(marked_at)");
    ps.setInt64(1, r.session_id);
    ps.setInt64(2, r.participant_id);
    ps.setString(3, ToString(r.status));
    ps.setDouble(4, r.hours);
    ps.setInt64(5, r.marked_by);
    ps.setString(6, FormatSqlUtc(r.marked_at));
    ps.setInt64(7, module_id);
    ps.setString(8, channel);
    ps.setString(9, starts_at);
    ps.executeUpdate();
  }
  std::vector<CompletedModule> CompletedModules(Id participant_id, const std::vector<Module>& modules) override {
    // Full presence (hours >= the module's) at a session of the module; earliest first.
    auto& ps = c_.Prepare(
        "SELECT s.module_id, s.id AS session_id, s.starts_at FROM attendance a JOIN sessions s ON "
        "s.id = a.session_id JOIN modules m ON m.id = s.module_id WHERE a.participant_id = ? AND "
        "a.status = 'present' AND a.hours >= m.hours AND m.pathway_id = ? ORDER BY s.starts_at, s.id");
    std::vector<CompletedModule> out;
    if (modules.empty() || !modules.front().pathway_id) return out;
    ps.setInt64(1, participant_id);
    ps.setInt64(2, *modules.front().pathway_id);
    std::set<Id> seen;
    for (auto& c : ReadAll<CompletedModule>(ps, [](sql::ResultSet& rs) {
           return CompletedModule{rs.getInt64("module_id"), rs.getInt64("session_id"), ReadTime(rs, "starts_at")};
         }))
      if (seen.insert(c.module_id).second) out.push_back(c);
    return out;
  }

  // ---- notifications
  void Enqueue(const Notification& n, TimePoint at) override {
    auto& ps = c_.Prepare(
        "INSERT INTO notifications (user_id, kind, to_email, language, subject, body_text, ics, "
        "status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)");
    ps.setInt64(1, n.user_id);
    ps.setString(2, ToString(n.kind));
    ps.setString(3, n.to_email);
    ps.setString(4, n.language);
    ps.setString(5, n.subject);
    ps.setString(6, n.body_text);
    n.ics.empty() ? ps.setNull(7, 0) : ps.setString(7, n.ics);
    ps.setString(8, FormatSqlUtc(at));
    ps.setString(9, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  std::vector<Notification> ClaimDue(TimePoint now, int limit) override {
    auto& ps = c_.Prepare(NOTIFICATION_COLUMNS
                          "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id "
                          "LIMIT ? FOR UPDATE SKIP LOCKED");
    ps.setString(1, FormatSqlUtc(now));
    ps.setInt(2, limit);
    return ReadAll<Notification>(ps, ReadNotification);
  }
  void MarkSent(Id id, TimePoint at) override {
    auto& ps = c_.Prepare("UPDATE notifications SET status = 'sent', sent_at = ?, attempts = attempts + 1 WHERE id = ?");
    ps.setString(1, FormatSqlUtc(at));
    ps.setInt64(2, id);
    ps.executeUpdate();
  }
  void MarkRetry(Id id, int attempts, TimePoint next, const std::string& error, bool give_up) override {
    auto& ps = c_.Prepare(
        "UPDATE notifications SET attempts = ?, next_attempt_at = ?, last_error = ?, status = ? WHERE id = ?");
    ps.setInt(1, attempts);
    ps.setString(2, FormatSqlUtc(next));
    ps.setString(3, error.substr(0, 1000));
    ps.setString(4, give_up ? "failed" : "pending");
    ps.setInt64(5, id);
    ps.executeUpdate();
  }
  std::vector<Notification> ForUser(Id user_id) override {
    auto& ps = c_.Prepare(NOTIFICATION_COLUMNS "WHERE user_id = ? ORDER BY id");
    ps.setInt64(1, user_id);
    return ReadAll<Notification>(ps, ReadNotification);
  }

  // ---- attestations
  std::optional<Id> Insert(const Attestation& a, const std::string& pdf) override {
    auto& ps = c_.Prepare(
        "INSERT INTO attestations (participant_id, pathway_id, verification_code, issued_at, "
        "holder_name, pathway_title, total_hours, language, sha256, pdf_base64) VALUES "
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, a.participant_id);
    ps.setInt64(2, a.pathway_id);
    ps.setString(3, a.verification_code);
    ps.setString(4, FormatSqlUtc(a.issued_at));
    ps.setString(5, a.holder_name);
    ps.setString(6, a.pathway_title);
    ps.setDouble(7, a.total_hours);
    ps.setString(8, a.language);
    ps.setString(9, a.sha256);
    ps.setString(10, Base64UrlEncode(pdf));
    if (!ExecuteInsert(ps)) return std::nullopt;
    return LastInsertId(c_);
  }
  std::optional<Attestation> FindAttestation(Id id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<Attestation> FindByCode(const std::string& code) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE verification_code = ?");
    ps.setString(1, code);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<Attestation> FindBySha256(const std::string& sha256) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE sha256 = ? ORDER BY id DESC LIMIT 1");
    ps.setString(1, sha256);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<Attestation> FindValid(Id participant_id, Id pathway_id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE participant_id = ? AND pathway_id = ? AND active = 1");
    ps.setInt64(1, participant_id);
    ps.setInt64(2, pathway_id);
    return ReadOne<Attestation>(ps, ReadAttestation);
  }
  std::optional<std::string> Pdf(Id id) override {
    auto& ps = c_.Prepare("SELECT pdf_base64 FROM attestations WHERE id = ?");
    ps.setInt64(1, id);
    auto text = ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "pdf_base64"); });
    if (!text) return std::nullopt;
    return Base64UrlDecode(*text);
  }
  bool Revoke(Id id, const std::string& reason, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE attestations SET revoked_at = ?, revoke_reason = ? WHERE id = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setString(2, reason);
    ps.setInt64(3, id);
    return ps.executeUpdate() > 0;
  }
  std::vector<Id> CompletedPathway(const Pathway& p) override {
    auto& ps = c_.Prepare(
        "SELECT a.participant_id FROM attendance a JOIN modules m ON m.id = a.module_id WHERE "
        "m.pathway_id = ? AND a.status = 'present' AND a.hours >= m.hours GROUP BY a.participant_id "
        "HAVING COUNT(DISTINCT m.id) = ? ORDER BY a.participant_id");
    ps.setInt64(1, p.id);
    ps.setInt(2, static_cast<int>(p.modules.size()));
    return ReadAll<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64("participant_id"); });
  }
  long long IssuedBetween(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) FROM attestations WHERE issued_at >= ? AND issued_at < ?");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    Rs rs(ps.executeQuery());
    rs->next();
    return rs->getInt64(1);
  }

  // ---- audit
  void Append(const AuditEntry& e) override {
    auto& ps = c_.Prepare(
        "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before_json, "
        "after_json, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setString(1, FormatSqlUtc(e.at));
    ps.setString(2, e.actor);
    ps.setString(3, e.action);
    ps.setString(4, e.entity_type);
    ps.setInt64(5, e.entity_id);
    e.before_json.empty() ? ps.setNull(6, 0) : ps.setString(6, e.before_json);
    e.after_json.empty() ? ps.setNull(7, 0) : ps.setString(7, e.after_json);
    ps.setString(8, e.request_id);
    ps.executeUpdate();
  }

  // ---- idempotency
  std::optional<IdempotencyRecord> Find(const std::string& scope, const std::string& key,
                                        bool for_update) override {
    auto& ps = for_update
                   ? c_.Prepare("SELECT fingerprint, completed, status, content_type, body, location, "
                                "created_at FROM idempotency_keys WHERE scope = ? AND idem_key = ? "
                                "FOR UPDATE")
                   : c_.Prepare("SELECT fingerprint, completed, status, content_type, body, location, "
                                "created_at FROM idempotency_keys WHERE scope = ? AND idem_key = ?");
    ps.setString(1, scope);
    ps.setString(2, key);
    return ReadOne<IdempotencyRecord>(ps, [](sql::ResultSet& rs) {
      return IdempotencyRecord{Str(rs, "fingerprint"), rs.getInt("completed") != 0,
                               rs.getInt("status"),    Str(rs, "content_type"),
                               rs.isNull("body") ? "" : Str(rs, "body"),
                               Str(rs, "location"),    ReadTime(rs, "created_at")};
    });
  }
  void BindRecord(sql::PreparedStatement& ps, const IdempotencyRecord& r, int first) {
    ps.setString(first, r.fingerprint);
    ps.setInt(first + 1, r.completed ? 1 : 0);
    ps.setInt(first + 2, r.status);
    ps.setString(first + 3, r.content_type);
    ps.setString(first + 4, r.body);
    ps.setString(first + 5, r.location);
    ps.setString(first + 6, FormatSqlUtc(r.created_at));
  }
  bool Insert(const std::string& scope, const std::string& key, const IdempotencyRecord& r) override {
    auto& ps = c_.Prepare(
        "INSERT INTO idempotency_keys (scope, idem_key, fingerprint, completed, status, "
        "content_type, body, location, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setString(1, scope);
    ps.setString(2, key);
    BindRecord(ps, r, 3);
    return ExecuteInsert(ps);
  }
  void Replace(const std::string& scope, const std::string& key, const IdempotencyRecord& r) override {
    auto& ps = c_.Prepare(
        "UPDATE idempotency_keys SET fingerprint = ?, completed = ?, status = ?, content_type = ?, "
        "body = ?, location = ?, created_at = ? WHERE scope = ? AND idem_key = ?");
    BindRecord(ps, r, 1);
    ps.setString(8, scope);
    ps.setString(9, key);
    ps.executeUpdate();
  }
  void Delete(const std::string& scope, const std::string& key) override {
    auto& ps = c_.Prepare("DELETE FROM idempotency_keys WHERE scope = ? AND idem_key = ?");
    ps.setString(1, scope);
    ps.setString(2, key);
    ps.executeUpdate();
  }

 private:
  PooledConnection& c_;
};

}  // namespace

void MySqlStore::Transact(const std::function<bool(UnitOfWork&)>& work) {
  static thread_local std::minstd_rand jitter(std::random_device{}());
  int lost_connections = 0;
  for (int attempt = 1;; ++attempt) {
    auto lease = pool_.Acquire();
    bool committing = false;
    try {
      MySqlUnitOfWork uow(*lease);
      bool commit = work(uow);
      committing = commit;
      if (commit) lease->conn().commit();
      else lease->conn().rollback();
      return;
    } catch (const sql::SQLException& e) {
      const int code = e.getErrorCode();
      try {
        lease->conn().rollback();
      } catch (const sql::SQLException&) {
        lease->broken = true;
      }
      if (IsTransientConflict(code) && attempt < kMaxAttempts) {
        // Back off a little, with jitter, so the contenders do not collide again.
        std::this_thread::sleep_for(std::chrono::microseconds(
            (200 << std::min(attempt, 6)) + jitter() % 1000));
        continue;
      }
      if (IsConnectionLost(code)) {
        lease->broken = true;
        if (committing) throw CommitOutcomeUnknown(std::string("connection lost during COMMIT: ") + e.what());
        // A transaction that was lost before COMMIT left nothing behind: run it again once.
        if (attempt < kMaxAttempts) {
          ++lost_connections;
          if (lost_connections < 2) continue;
        }
        throw StoreUnavailable(std::string("database connection lost: ") + e.what());
      }
      throw;
    } catch (...) {
      try {
        lease->conn().rollback();
      } catch (const sql::SQLException&) {
        lease->broken = true;
      }
      throw;
    }
  }
}

bool MySqlStore::Ping() {
  try {
    auto lease = pool_.Acquire();
    try {
      auto& ps = lease->Prepare("SELECT 1");
      Rs rs(ps.executeQuery());
      lease->conn().commit();
      return rs->next();
    } catch (const sql::SQLException&) {
      lease->broken = true;
      return false;
    }
  } catch (const StoreUnavailable&) {
    return false;
  }
}

}  // namespace parcours
