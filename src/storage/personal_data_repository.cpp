// The personal-data repository over MySQL/MariaDB: every table that names a person, read for
// their export and changed by their rectification and erasure. All its SQL, as prepared
// statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {
namespace {

// `text` as a LIKE pattern matching itself anywhere ('\' is MariaDB's escape character).
std::string Containing(const std::string& text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

long long CountOf(sql::PreparedStatement& ps) {
  Rs rs(ps.executeQuery());
  return rs->next() ? rs->getInt64(1) : 0;
}

}  // namespace

class MySqlPersonalDataRepository final : public PersonalDataRepository {
 public:
  explicit MySqlPersonalDataRepository(PooledConnection& c) : c_(c) {}

  std::optional<User> LockPerson(Id id) override {
    auto& ps = c_.Prepare(
        "SELECT id, email, name, organisation, language, roles, password_hash, created_at FROM users "
        "WHERE id = ? FOR UPDATE");
    ps.setInt64(1, id);
    return ReadOne<User>(ps, ReadUser);
  }

  std::optional<TimePoint> LastLogin(Id id) override {
    auto& ps = c_.Prepare("SELECT last_login_at FROM users WHERE id = ?");
    ps.setInt64(1, id);
    Rs rs(ps.executeQuery());
    if (!rs->next()) return std::nullopt;
    return ReadOptionalTime(*rs, "last_login_at");
  }

  std::vector<Registration> RegistrationsOf(Id id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS "WHERE r.participant_id = ? ORDER BY r.id");
    ps.setInt64(1, id);
    return ReadAll<Registration>(ps, ReadRegistration);
  }

  std::vector<AttendanceRecord> AttendanceOf(Id id) override {
    auto& ps = c_.Prepare(
        ATTENDANCE_COLUMNS
        "WHERE participant_id = ? ORDER BY starts_at, session_id");
    ps.setInt64(1, id);
    return ReadAll<AttendanceRecord>(ps, ReadAttendance);
  }

  std::vector<PartAttendance> AttendancePartsOf(Id id) override {
    auto& ps = c_.Prepare(PART_ATTENDANCE_COLUMNS "WHERE participant_id = ? ORDER BY session_id, position");
    ps.setInt64(1, id);
    return ReadAll<PartAttendance>(ps, ReadPartAttendance);
  }

  std::vector<Attestation> AttestationsOf(Id id) override {
    auto& ps = c_.Prepare(ATTESTATION_COLUMNS "WHERE participant_id = ? ORDER BY id");
    ps.setInt64(1, id);
    return ReadAll<Attestation>(ps, ReadAttestation);
  }

  std::vector<NotificationRecord> NotificationsOf(Id id) override {
    auto& ps = c_.Prepare(
        "SELECT id, user_id, kind, to_email, language, subject, body_text, ics, attempts, created_at, status, "
        "sent_at FROM notifications WHERE user_id = ? ORDER BY id");
    ps.setInt64(1, id);
    return ReadAll<NotificationRecord>(ps, [](sql::ResultSet& rs) {
      return NotificationRecord{ReadNotification(rs), Str(rs, "status"), ReadOptionalTime(rs, "sent_at")};
    });
  }

  std::vector<AgencyEnrolment> EnrolmentsOf(Id id) override {
    auto& ps = c_.Prepare(
        "SELECT e.agency_code, e.external_id, e.registration_id, e.email, e.name, e.organisation "
        "FROM agency_enrolments e JOIN registrations r ON r.id = e.registration_id "
        "WHERE r.participant_id = ? ORDER BY e.registration_id");
    ps.setInt64(1, id);
    return ReadAll<AgencyEnrolment>(ps, [](sql::ResultSet& rs) {
      return AgencyEnrolment{Str(rs, "agency_code"), Str(rs, "external_id"), rs.getInt64("registration_id"),
                             Str(rs, "email"),       Str(rs, "name"),        Str(rs, "organisation")};
    });
  }

  std::vector<Id> SessionsTaughtBy(Id id) override {
    auto& ps = c_.Prepare("SELECT session_id FROM session_trainers WHERE user_id = ? ORDER BY session_id");
    ps.setInt64(1, id);
    return ReadAll<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64("session_id"); });
  }

  std::vector<SignIn> SignInsOf(Id id) override {
    auto& ps = c_.Prepare(
        "SELECT created_at, expires_at, revoked_at FROM auth_tokens WHERE user_id = ? ORDER BY created_at");
    ps.setInt64(1, id);
    return ReadAll<SignIn>(ps, [](sql::ResultSet& rs) {
      return SignIn{ReadTime(rs, "created_at"), ReadTime(rs, "expires_at"), !rs.isNull("revoked_at")};
    });
  }

  Holdings HoldingsOf(Id id, TimePoint now) override {
    Holdings h;
    const std::string at = FormatSqlUtc(now);
    auto& confirmed = c_.Prepare(
        "SELECT COUNT(*) FROM registrations r JOIN sessions s ON s.id = r.session_id WHERE r.participant_id = ? "
        "AND r.status = 'confirmed' AND s.ends_at > ? AND s.status IN ('scheduled', 'confirmed')");
    confirmed.setInt64(1, id);
    confirmed.setString(2, at);
    h.upcoming_confirmed = static_cast<int>(CountOf(confirmed));
    auto& teaching = c_.Prepare(
        "SELECT COUNT(*) FROM session_trainers t JOIN sessions s ON s.id = t.session_id WHERE t.user_id = ? "
        "AND s.ends_at > ? AND s.status IN ('scheduled', 'confirmed')");
    teaching.setInt64(1, id);
    teaching.setString(2, at);
    h.upcoming_teaching = static_cast<int>(CountOf(teaching));
    auto& waiting = c_.Prepare(REGISTRATION_COLUMNS
                               "JOIN sessions s ON s.id = r.session_id WHERE r.participant_id = ? "
                               "AND r.status = 'waitlisted' AND s.ends_at > ? ORDER BY r.session_id");
    waiting.setInt64(1, id);
    waiting.setString(2, at);
    h.upcoming_waitlisted = ReadAll<Registration>(waiting, ReadRegistration);
    auto& records = c_.Prepare(
        "SELECT EXISTS (SELECT 1 FROM registrations WHERE participant_id = ?) "
        "OR EXISTS (SELECT 1 FROM attendance WHERE participant_id = ?) "
        "OR EXISTS (SELECT 1 FROM attestations WHERE participant_id = ?) "
        "OR EXISTS (SELECT 1 FROM session_trainers WHERE user_id = ?)");
    for (int i = 1; i <= 4; ++i) records.setInt64(i, id);
    h.has_records = CountOf(records) != 0;
    return h;
  }

  std::vector<AuditRecord> AuditRowsToScrub(Id id, const std::string& email) override {
    auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE person_id = ? OR actor = ? OR before_json LIKE ? OR after_json LIKE ? "
                                        "ORDER BY id");
    ps.setInt64(1, id);
    ps.setString(2, "user:" + std::to_string(id));
    ps.setString(3, Containing(email));
    ps.setString(4, Containing(email));
    return ReadAll<AuditRecord>(ps, ReadAuditRecord);
  }

  void RewriteAudit(Id row, const std::string& before_json, const std::string& after_json) override {
    auto& ps = c_.Prepare("UPDATE audit_log SET before_json = ?, after_json = ? WHERE id = ?");
    before_json.empty() ? ps.setNull(1, 0) : ps.setString(1, before_json);
    after_json.empty() ? ps.setNull(2, 0) : ps.setString(2, after_json);
    ps.setInt64(3, row);
    ps.executeUpdate();
  }

  Erased Erase(Id id, const std::string& email, const std::string& login_email_hash, bool has_records,
               TimePoint now) override {
    Erased out;
    auto by_user = [&](const char* sql) {
      auto& ps = c_.Prepare(sql);
      ps.setInt64(1, id);
      return ps.executeUpdate();
    };
    out.tokens = by_user("DELETE FROM auth_tokens WHERE user_id = ?") +
                 by_user("DELETE FROM password_resets WHERE user_id = ?") +
                 by_user("DELETE FROM login_unlock_tokens WHERE user_id = ?");
    out.login_rows = by_user("DELETE FROM login_known_addresses WHERE user_id = ?");
    for (const char* sql : {"DELETE FROM login_failures WHERE email_hash = ?", "DELETE FROM login_backoff WHERE email_hash = ?"}) {
      auto& ps = c_.Prepare(sql);
      ps.setString(1, login_email_hash);
      out.login_rows += ps.executeUpdate();
    }
    out.notifications = by_user("DELETE FROM notifications WHERE user_id = ?");
    by_user("DELETE FROM memberships WHERE user_id = ?");  // where the person works, and as what
    by_user("DELETE FROM staff_sharing WHERE user_id = ?");       // the employer's view (0018)
    by_user("DELETE FROM structure_contacts WHERE user_id = ?");
    // Marks per part of a multi-part session (0022): the session's own mark, kept for the
    // reports like every attendance row, already holds the hours they add up to.
    by_user("DELETE FROM attendance_parts WHERE participant_id = ?");
    out.enrolments = by_user(
        "UPDATE agency_enrolments e JOIN registrations r ON r.id = e.registration_id "
        "SET e.email = '', e.name = '', e.organisation = '' WHERE r.participant_id = ?");
    auto& attestations = c_.Prepare(
        "UPDATE attestations SET revoked_at = COALESCE(revoked_at, ?), revoke_reason = 'erased', holder_name = '', "
        "pdf_base64 = '' WHERE participant_id = ?");
    attestations.setString(1, FormatSqlUtc(now));
    attestations.setInt64(2, id);
    out.attestations = attestations.executeUpdate();
    BumpPerson(c_, id);  // what their pages show is gone (the row is kept: a later id never reuses it)
    auto& answers = c_.Prepare("DELETE FROM idempotency_keys WHERE scope = ? OR body LIKE ?");
    answers.setString(1, "user:" + std::to_string(id));
    answers.setString(2, Containing(email));
    out.idempotency = answers.executeUpdate();
    if (!has_records) {
      out.row_deleted = by_user("DELETE FROM users WHERE id = ?") > 0;
    } else {
      auto& ps = c_.Prepare(
          "UPDATE users SET email = CONCAT(?, id), name = '', organisation = '', password_hash = '', roles = 0, "
          "erased_at = ?, last_login_at = NULL WHERE id = ?");
      ps.setString(1, kErasedEmailPrefix);
      ps.setString(2, FormatSqlUtc(now));
      ps.setInt64(3, id);
      ps.executeUpdate();
    }
    return out;
  }

  std::vector<Id> InactiveParticipants(TimePoint cutoff, Id from_id, int limit) override {
    auto& ps = c_.Prepare(
        "SELECT u.id FROM users u WHERE u.id >= ? AND u.roles = ? AND u.erased_at IS NULL AND u.created_at < ? "
        "AND (u.last_login_at IS NULL OR u.last_login_at < ?) "
        "AND NOT EXISTS (SELECT 1 FROM registrations r JOIN sessions s ON s.id = r.session_id "
        "  WHERE r.participant_id = u.id AND (r.updated_at >= ? OR s.ends_at >= ?)) "
        "AND NOT EXISTS (SELECT 1 FROM attendance a WHERE a.participant_id = u.id AND a.marked_at >= ?) "
        "AND NOT EXISTS (SELECT 1 FROM attestations x WHERE x.participant_id = u.id "
        "  AND (x.revoked_at IS NULL OR x.issued_at >= ?)) "
        "ORDER BY u.id LIMIT ?");
    const std::string at = FormatSqlUtc(cutoff);
    ps.setInt64(1, from_id);
    ps.setUInt(2, RoleBit(Role::kParticipant));
    for (int i = 3; i <= 8; ++i) ps.setString(i, at);
    ps.setInt(9, limit);
    return ReadAll<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64("id"); });
  }

  int PurgeDeliveredNotifications(TimePoint before, int limit) override {
    auto& ps = c_.Prepare(
        "DELETE FROM notifications WHERE status IN ('sent', 'failed') AND created_at < ? ORDER BY created_at LIMIT ?");
    ps.setString(1, FormatSqlUtc(before));
    ps.setInt(2, limit);
    return ps.executeUpdate();
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<PersonalDataRepository> MakePersonalDataRepository(PooledConnection& c) {
  return std::make_unique<MySqlPersonalDataRepository>(c);
}

}  // namespace parcours
