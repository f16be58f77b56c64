// The login guard repository over MySQL/MariaDB: throttling state shared by every process.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlLoginGuardRepository final : public LoginGuardRepository {
 public:
  explicit MySqlLoginGuardRepository(PooledConnection& c) : c_(c) {}

  std::optional<LoginBackoff> FindBackoff(const std::string& email_hash, const std::string& address,
                                          bool for_update) override {
    auto& ps = for_update ? c_.Prepare("SELECT failures, last_failure_at, blocked_until FROM login_backoff "
                                       "WHERE email_hash = ? AND address = ? FOR UPDATE")
                          : c_.Prepare("SELECT failures, last_failure_at, blocked_until FROM login_backoff "
                                       "WHERE email_hash = ? AND address = ?");
    ps.setString(1, email_hash);
    ps.setString(2, address);
    return ReadOne<LoginBackoff>(ps, [](sql::ResultSet& rs) {
      return LoginBackoff{rs.getInt("failures"), ReadTime(rs, "last_failure_at"),
                          ReadOptionalTime(rs, "blocked_until")};
    });
  }
  void SaveBackoff(const std::string& email_hash, const std::string& address, const LoginBackoff& b) override {
    auto& ps = c_.Prepare(
        "INSERT INTO login_backoff (email_hash, address, failures, last_failure_at, blocked_until) "
        "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE failures = VALUES(failures), "
        "last_failure_at = VALUES(last_failure_at), blocked_until = VALUES(blocked_until)");
    ps.setString(1, email_hash);
    ps.setString(2, address);
    ps.setInt(3, b.failures);
    ps.setString(4, FormatSqlUtc(b.last_failure_at));
    if (b.blocked_until) ps.setString(5, FormatSqlUtc(*b.blocked_until));
    else ps.setNull(5, 0);
    ps.executeUpdate();
  }
  void ClearBackoff(const std::string& email_hash, const std::string& address) override {
    auto& ps = c_.Prepare("DELETE FROM login_backoff WHERE email_hash = ? AND address = ?");
    ps.setString(1, email_hash);
    ps.setString(2, address);
    ps.executeUpdate();
  }
  void RecordFailure(const std::string& email_hash, const std::string& address, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO login_failures (address, email_hash, at) VALUES (?, ?, ?)");
    ps.setString(1, address);
    ps.setString(2, email_hash);
    ps.setString(3, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  std::optional<TimePoint> NthLatestAddressFailure(const std::string& address, TimePoint since, int n) override {
    auto& ps = c_.Prepare("SELECT at FROM login_failures WHERE address = ? AND at >= ? "
                          "ORDER BY at DESC LIMIT 1 OFFSET ?");
    ps.setString(1, address);
    ps.setString(2, FormatSqlUtc(since));
    ps.setInt(3, n - 1);
    return ReadOne<TimePoint>(ps, [](sql::ResultSet& rs) { return ReadTime(rs, "at"); });
  }
  FailureSpread FailuresAgainst(const std::string& email_hash, TimePoint since) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) AS failures, COUNT(DISTINCT address) AS addresses "
                          "FROM login_failures WHERE email_hash = ? AND at >= ?");
    ps.setString(1, email_hash);
    ps.setString(2, FormatSqlUtc(since));
    Rs rs(ps.executeQuery());
    rs->next();
    return {rs->getInt("failures"), rs->getInt("addresses")};
  }
  bool IsKnownAddress(Id user_id, const std::string& address_hash) override {
    auto& ps = c_.Prepare("SELECT 1 FROM login_known_addresses WHERE user_id = ? AND address_hash = ?");
    ps.setInt64(1, user_id);
    ps.setString(2, address_hash);
    Rs rs(ps.executeQuery());
    return rs->next();
  }
  void RememberAddress(Id user_id, const std::string& address_hash, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO login_known_addresses (user_id, address_hash, last_login_at) "
                          "VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE last_login_at = VALUES(last_login_at)");
    ps.setInt64(1, user_id);
    ps.setString(2, address_hash);
    ps.setString(3, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  void InsertUnlock(const LoginUnlock& u) override {
    auto& ps = c_.Prepare("INSERT INTO login_unlock_tokens (token_hash, user_id, address_hash, created_at, "
                          "expires_at) VALUES (?, ?, ?, ?, ?)");
    ps.setString(1, u.token_hash);
    ps.setInt64(2, u.user_id);
    ps.setString(3, u.address_hash);
    ps.setString(4, FormatSqlUtc(u.created_at));
    ps.setString(5, FormatSqlUtc(u.expires_at));
    ps.executeUpdate();
  }
  std::optional<TimePoint> LatestUnlock(Id user_id) override {
    auto& ps = c_.Prepare("SELECT MAX(created_at) AS latest FROM login_unlock_tokens WHERE user_id = ?");
    ps.setInt64(1, user_id);
    Rs rs(ps.executeQuery());
    if (!rs->next()) return std::nullopt;
    return ReadOptionalTime(*rs, "latest");
  }
  std::optional<LoginUnlock> ConsumeUnlock(const std::string& token_hash, TimePoint now) override {
    auto& find = c_.Prepare("SELECT token_hash, user_id, address_hash, created_at, expires_at "
                            "FROM login_unlock_tokens WHERE token_hash = ? AND used_at IS NULL "
                            "AND expires_at > ? FOR UPDATE");
    find.setString(1, token_hash);
    find.setString(2, FormatSqlUtc(now));
    auto unlock = ReadOne<LoginUnlock>(find, [](sql::ResultSet& rs) {
      return LoginUnlock{Str(rs, "token_hash"), rs.getInt64("user_id"), Str(rs, "address_hash"),
                         ReadTime(rs, "created_at"), ReadTime(rs, "expires_at")};
    });
    if (!unlock) return std::nullopt;
    auto& use = c_.Prepare("UPDATE login_unlock_tokens SET used_at = ? WHERE token_hash = ?");
    use.setString(1, FormatSqlUtc(now));
    use.setString(2, token_hash);
    use.executeUpdate();
    return unlock;
  }

  std::optional<TimePoint> SignupPace(const std::string& address) override {
    auto& ps = c_.Prepare("SELECT tat FROM signup_pace WHERE address = ?");
    ps.setString(1, address);
    return ReadOne<TimePoint>(ps, [](sql::ResultSet& rs) { return ReadTime(rs, "tat"); });
  }
  TimePoint LockSignupPace(const std::string& address, TimePoint now) override {
    // The upsert takes the row's exclusive lock whether it inserts or finds the row, so a
    // first sign-up from an address serialises with a concurrent one as well.
    auto& upsert = c_.Prepare("INSERT INTO signup_pace (address, tat) VALUES (?, ?) "
                              "ON DUPLICATE KEY UPDATE address = address");
    upsert.setString(1, address);
    upsert.setString(2, FormatSqlUtc(now));
    upsert.executeUpdate();
    auto& ps = c_.Prepare("SELECT tat FROM signup_pace WHERE address = ? FOR UPDATE");
    ps.setString(1, address);
    return *ReadOne<TimePoint>(ps, [](sql::ResultSet& rs) { return ReadTime(rs, "tat"); });
  }
  void SetSignupPace(const std::string& address, TimePoint tat) override {
    auto& ps = c_.Prepare("UPDATE signup_pace SET tat = ? WHERE address = ?");
    ps.setString(1, FormatSqlUtc(tat));
    ps.setString(2, address);
    ps.executeUpdate();
  }

  int Purge(const PurgeCutoffs& c, int limit) override {
    int purged = 0;
    auto run = [&](const char* sql, TimePoint before) {
      auto& ps = c_.Prepare(sql);
      ps.setString(1, FormatSqlUtc(before));
      ps.setInt(2, limit);
      purged += ps.executeUpdate();
    };
    run("DELETE FROM login_failures WHERE at < ? LIMIT ?", c.failures_before);
    run("DELETE FROM login_backoff WHERE last_failure_at < ? LIMIT ?", c.backoff_before);
    run("DELETE FROM login_known_addresses WHERE last_login_at < ? LIMIT ?", c.known_before);
    run("DELETE FROM login_unlock_tokens WHERE expires_at < ? LIMIT ?", c.now);
    run("DELETE FROM signup_pace WHERE tat < ? LIMIT ?", c.now);
    return purged;
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<LoginGuardRepository> MakeLoginGuardRepository(PooledConnection& c) {
  return std::make_unique<MySqlLoginGuardRepository>(c);
}

}  // namespace parcours
