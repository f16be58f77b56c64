// The agencies repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlAgencyRepository final : public AgencyRepository {
 public:
  explicit MySqlAgencyRepository(PooledConnection& c) : c_(c) {}
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
  std::vector<AgencyKey> ListKeys(const std::string& code) override {
    auto& ps = c_.Prepare("SELECT id, created_at, revoked_at FROM agency_keys WHERE agency_code = ? ORDER BY id DESC");
    ps.setString(1, code);
    return ReadAll<AgencyKey>(ps, [](sql::ResultSet& rs) {
      return AgencyKey{rs.getInt64("id"), ReadTime(rs, "created_at"), ReadOptionalTime(rs, "revoked_at")};
    });
  }
  static AgencyEnrolment ReadEnrolment(sql::ResultSet& rs) {
    return AgencyEnrolment{Str(rs, "agency_code"), Str(rs, "external_id"), rs.getInt64("registration_id"),
                           Str(rs, "email"), Str(rs, "name"), Str(rs, "organisation")};
  }
  std::optional<AgencyEnrolment> FindEnrolment(const std::string& code, const std::string& external_id,
                                               bool for_update) override {
    auto& ps = for_update
                   ? c_.Prepare("SELECT agency_code, external_id, registration_id, email, name, organisation FROM "
                                "agency_enrolments WHERE agency_code = ? AND external_id = ? FOR UPDATE")
                   : c_.Prepare("SELECT agency_code, external_id, registration_id, email, name, organisation FROM "
                                "agency_enrolments WHERE agency_code = ? AND external_id = ?");
    ps.setString(1, code);
    ps.setString(2, external_id);
    return ReadOne<AgencyEnrolment>(ps, ReadEnrolment);
  }
  std::optional<AgencyEnrolment> EnrolmentOf(Id registration_id) override {
    auto& ps = c_.Prepare("SELECT agency_code, external_id, registration_id, email, name, organisation FROM "
                          "agency_enrolments WHERE registration_id = ?");
    ps.setInt64(1, registration_id);
    return ReadOne<AgencyEnrolment>(ps, ReadEnrolment);
  }
  std::optional<std::string> ExternalIdOf(Id registration_id) override {
    auto& ps = c_.Prepare("SELECT external_id FROM agency_enrolments WHERE registration_id = ?");
    ps.setInt64(1, registration_id);
    return ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "external_id"); });
  }
  void SaveEnrolment(const AgencyEnrolment& e, TimePoint at) override {
    auto& ps = c_.Prepare(
        "INSERT INTO agency_enrolments (agency_code, external_id, registration_id, email, name, organisation, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "registration_id = VALUES(registration_id), email = VALUES(email), name = VALUES(name), "
        "organisation = VALUES(organisation), updated_at = VALUES(updated_at)");
    ps.setString(1, e.agency);
    ps.setString(2, e.external_id);
    ps.setInt64(3, e.registration_id);
    ps.setString(4, e.email);
    ps.setString(5, e.name);
    ps.setString(6, e.organisation);
    ps.setString(7, FormatSqlUtc(at));
    ps.setString(8, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  void AppendChange(const AgencyChange& c) override {
    auto& insert = c_.Prepare(
        "INSERT INTO agency_changes (agency_code, seq, kind, external_id, session_id, registration_id, "
        "status, at) SELECT code, NULL, ?, ?, ?, ?, ?, ? FROM agencies WHERE code = ?");
    insert.setString(1, c.kind);
    c.external_id ? insert.setString(2, *c.external_id) : insert.setNull(2, 0);
    insert.setInt64(3, c.session_id);
    c.registration_id ? insert.setInt64(4, *c.registration_id) : insert.setNull(4, 0);
    insert.setString(5, c.status);
    insert.setString(6, FormatSqlUtc(c.at));
    insert.setString(7, c.agency);
    insert.executeUpdate();  // no row when the channel is not an agency
  }
  int SequencePending(const std::string& code) override {
    auto& lock = c_.Prepare("SELECT last_change_seq FROM agencies WHERE code = ? FOR UPDATE");
    lock.setString(1, code);
    long long last = 0;
    {
      Rs rs(lock.executeQuery());
      if (!rs->next()) return 0;
      last = rs->getInt64(1);
    }
    auto& pending = c_.Prepare(
        "SELECT id FROM agency_changes WHERE agency_code = ? AND seq IS NULL ORDER BY id LIMIT 1000");
    pending.setString(1, code);
    std::vector<Id> ids;
    {
      Rs rs(pending.executeQuery());
      while (rs->next()) ids.push_back(rs->getInt64(1));
    }
    if (ids.empty()) return 0;
    auto& assign = c_.Prepare("UPDATE agency_changes SET seq = ? WHERE id = ? AND seq IS NULL");
    for (Id id : ids) {
      assign.setInt64(1, ++last);
      assign.setInt64(2, id);
      try {
        assign.executeUpdate();
      } catch (const sql::SQLException& e) {
        // Under Galera the row lock above holds on this node only: another node may have
        // numbered items from the same `last` and its write set been applied here since. The
        // number is taken: this is a conflict like a deadlock, and the whole transaction runs
        // again from a fresh read (transaction_runner retries 1213).
        if (e.getErrorCode() != kDuplicateKey) throw;
        throw sql::SQLException("agency feed numbering raced with another node", "40001", 1213);
      }
    }
    auto& bump = c_.Prepare("UPDATE agencies SET last_change_seq = ? WHERE code = ?");
    bump.setInt64(1, last);
    bump.setString(2, code);
    bump.executeUpdate();
    return static_cast<int>(ids.size());
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
  bool LockAgency(const std::string& code) override {
    auto& ps = c_.Prepare("SELECT code FROM agencies WHERE code = ? FOR UPDATE");
    ps.setString(1, code);
    return ReadOne<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "code"); }).has_value();
  }
  int CountActiveWebhooks(const std::string& code) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) FROM agency_webhooks WHERE agency_code = ? AND active = 1");
    ps.setString(1, code);
    return *ReadOne<int>(ps, [](sql::ResultSet& rs) { return rs.getInt(1); });
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
    w.last_error = Str(rs, "last_error");
    w.created_at = ReadTime(rs, "created_at");
    return w;
  }
  std::vector<Webhook> Webhooks(const std::string& code) override {
    auto& ps = c_.Prepare("SELECT id, agency_code, url, secret, delivered_seq, attempts, first_failure_at, "
                          "last_error, created_at FROM agency_webhooks WHERE agency_code = ? AND active = 1 ORDER BY id");
    ps.setString(1, code);
    return ReadAll<Webhook>(ps, ReadWebhook);
  }
  bool DeactivateWebhook(const std::string& code, Id id) override {
    auto& ps = c_.Prepare("UPDATE agency_webhooks SET active = 0 WHERE agency_code = ? AND id = ? AND active = 1");
    ps.setString(1, code);
    ps.setInt64(2, id);
    return ps.executeUpdate() > 0;
  }
  std::vector<Webhook> DueWebhooks(TimePoint now, int limit) override {
    // Only webhooks with something to send: idle ones are never claimed (the feed's unique key
    // (agency_code, seq) answers the EXISTS).
    auto& ps = c_.Prepare(
        "SELECT w.id, w.agency_code, w.url, w.secret, w.delivered_seq, w.attempts, w.first_failure_at, "
        "w.last_error, w.created_at FROM agency_webhooks w WHERE w.active = 1 AND w.next_attempt_at <= ? AND "
        "(w.claimed_until IS NULL OR w.claimed_until <= ?) AND EXISTS (SELECT 1 FROM agency_changes c "
        "WHERE c.agency_code = w.agency_code AND c.seq > w.delivered_seq) ORDER BY w.next_attempt_at, w.id "
        "LIMIT ? FOR UPDATE SKIP LOCKED");
    ps.setString(1, FormatSqlUtc(now));
    ps.setString(2, FormatSqlUtc(now));
    ps.setInt(3, limit);
    return ReadAll<Webhook>(ps, ReadWebhook);
  }
  void LeaseWebhook(Id id, const std::string& token, TimePoint lease_until) override {
    auto& ps = c_.Prepare("UPDATE agency_webhooks SET claim_token = ?, claimed_until = ? WHERE id = ?");
    ps.setString(1, token);
    ps.setString(2, FormatSqlUtc(lease_until));
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  bool SaveWebhookProgress(Id id, const std::string& token, const WebhookProgress& p) override {
    auto& ps = c_.Prepare(
        "UPDATE agency_webhooks SET delivered_seq = ?, attempts = ?, first_failure_at = ?, next_attempt_at = ?, "
        "last_error = ?, claim_token = NULL, claimed_until = NULL WHERE id = ? AND claim_token = ?");
    ps.setInt64(1, p.delivered_seq);
    ps.setInt(2, p.attempts);
    p.first_failure_at ? ps.setString(3, FormatSqlUtc(*p.first_failure_at)) : ps.setNull(3, 0);
    ps.setString(4, FormatSqlUtc(p.next_attempt_at));
    ps.setString(5, p.last_error.substr(0, 1000));
    ps.setInt64(6, id);
    ps.setString(7, token);
    return ps.executeUpdate() > 0;
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

 private:
  PooledConnection& c_;
};

std::unique_ptr<AgencyRepository> MakeAgencyRepository(PooledConnection& c) {
  return std::make_unique<MySqlAgencyRepository>(c);
}

}  // namespace parcours
