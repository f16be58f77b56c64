// The users repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlUserRepository final : public UserRepository {
 public:
  explicit MySqlUserRepository(PooledConnection& c) : c_(c) {}
  std::optional<User> FindById(Id id) override {
    auto& ps = c_.Prepare("SELECT id, email, name, organisation, language, roles, password_hash, "
                          "created_at FROM users WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<User>(ps, ReadUser);
  }
  std::optional<User> FindByEmail(const std::string& email, bool for_update) override {
    auto& ps = for_update
                   ? c_.Prepare("SELECT id, email, name, organisation, language, roles, "
                                "password_hash, created_at FROM users "
                                "WHERE email = ? FOR UPDATE")
                   : c_.Prepare("SELECT id, email, name, organisation, language, roles, "
                                "password_hash, created_at FROM users "
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
  void InsertToken(const std::string& hash, Id user, TimePoint created, TimePoint expires) override {
    auto& ps = c_.Prepare(
        "INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)");
    ps.setString(1, hash);
    ps.setInt64(2, user);
    ps.setString(3, FormatSqlUtc(created));
    ps.setString(4, FormatSqlUtc(expires));
    ps.executeUpdate();
    auto& login = c_.Prepare("UPDATE users SET last_login_at = ? WHERE id = ?");
    login.setString(1, FormatSqlUtc(created));
    login.setInt64(2, user);
    login.executeUpdate();
  }
  std::optional<User> FindByToken(const std::string& hash, TimePoint now) override {
    auto found = FindByTokenVersioned(hash, now);
    if (!found) return std::nullopt;
    return std::move(found->user);
  }
  std::optional<VersionedUser> FindByTokenVersioned(const std::string& hash, TimePoint now) override {
    auto& ps = c_.Prepare(
        "SELECT u.id, u.email, u.name, u.organisation, u.language, u.roles, u.password_hash, "
        "u.created_at, COALESCE(v.version, 0) AS person_version, t.expires_at FROM auth_tokens t JOIN users u ON u.id = "
        "t.user_id LEFT JOIN person_version v ON v.user_id = u.id "
        "WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?");
    ps.setString(1, hash);
    ps.setString(2, FormatSqlUtc(now));
    return ReadOne<VersionedUser>(ps, [](sql::ResultSet& rs) {
      return VersionedUser{ReadUser(rs), rs.getInt64("person_version"), ReadTime(rs, "expires_at")};
    });
  }
  std::int64_t PersonVersion(Id user) override {
    auto& ps = c_.Prepare("SELECT version FROM person_version WHERE user_id = ?");
    ps.setInt64(1, user);
    return ReadOne<std::int64_t>(ps, [](sql::ResultSet& rs) { return rs.getInt64(1); }).value_or(0);
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
  std::optional<Id> FindPasswordReset(const std::string& hash, TimePoint now) override {
    auto& find = c_.Prepare("SELECT user_id FROM password_resets WHERE token_hash = ? AND used_at IS NULL "
                            "AND expires_at > ?");
    find.setString(1, hash);
    find.setString(2, FormatSqlUtc(now));
    return ReadOne<Id>(find, [](sql::ResultSet& rs) { return rs.getInt64("user_id"); });
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
    auto& ps = c_.Prepare("UPDATE users SET password_hash = ? WHERE id = ?");
    ps.setString(1, hash);
    ps.setInt64(2, user);
    ps.executeUpdate();
  }
  int PurgeTokens(TimePoint before, int limit) override {
    auto& tokens = c_.Prepare("DELETE FROM auth_tokens WHERE expires_at < ? LIMIT ?");
    tokens.setString(1, FormatSqlUtc(before));
    tokens.setInt(2, limit);
    int purged = tokens.executeUpdate();
    auto& resets = c_.Prepare("DELETE FROM password_resets WHERE expires_at < ? OR used_at IS NOT NULL LIMIT ?");
    resets.setString(1, FormatSqlUtc(before));
    resets.setInt(2, limit);
    return purged + resets.executeUpdate();
  }
  bool RevokeToken(const std::string& hash, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE auth_tokens SET revoked_at = ? WHERE token_hash = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setString(2, hash);
    if (ps.executeUpdate() == 0) return false;
    // Pages kept for that sign-in end with it (their shard moves).
    auto& who = c_.Prepare("SELECT user_id FROM auth_tokens WHERE token_hash = ?");
    who.setString(1, hash);
    if (auto user = ReadOne<Id>(who, [](sql::ResultSet& rs) { return rs.getInt64(1); })) BumpPerson(c_, *user);
    return true;
  }
  void UpdateProfile(Id user, const std::string& name, const std::string& organisation,
                     const std::string& language) override {
    auto& ps = c_.Prepare("UPDATE users SET name = ?, organisation = ?, language = ? WHERE id = ?");
    ps.setString(1, name);
    ps.setString(2, organisation);
    ps.setString(3, language);
    ps.setInt64(4, user);
    ps.executeUpdate();
    BumpPerson(c_, user);
  }
  std::optional<TimePoint> LatestPasswordReset(Id user) override {
    auto& ps = c_.Prepare("SELECT MAX(created_at) AS latest FROM password_resets WHERE user_id = ?");
    ps.setInt64(1, user);
    Rs rs(ps.executeQuery());
    if (!rs->next()) return std::nullopt;
    return ReadOptionalTime(*rs, "latest");
  }
  void RevokeTokensOf(Id user, TimePoint at) override {
    auto& ps = c_.Prepare("UPDATE auth_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL");
    ps.setString(1, FormatSqlUtc(at));
    ps.setInt64(2, user);
    if (ps.executeUpdate() > 0) BumpPerson(c_, user);  // pages kept for their sign-ins end
  }
  void SaveCalendarFeed(Id user, const std::string& token_hash, TimePoint at) override {
    auto& ps = c_.Prepare(
        "INSERT INTO calendar_feeds (user_id, token_hash, created_at) VALUES (?, ?, ?) "
        "ON DUPLICATE KEY UPDATE token_hash = VALUES(token_hash), created_at = VALUES(created_at)");
    ps.setInt64(1, user);
    ps.setString(2, token_hash);
    ps.setString(3, FormatSqlUtc(at));
    ps.executeUpdate();
  }
  bool DeleteCalendarFeed(Id user) override {
    auto& ps = c_.Prepare("DELETE FROM calendar_feeds WHERE user_id = ?");
    ps.setInt64(1, user);
    return ps.executeUpdate() > 0;
  }
  std::optional<TimePoint> CalendarFeedCreated(Id user) override {
    auto& ps = c_.Prepare("SELECT created_at FROM calendar_feeds WHERE user_id = ?");
    ps.setInt64(1, user);
    return ReadOne<TimePoint>(ps, [](sql::ResultSet& rs) { return ReadTime(rs, "created_at"); });
  }
  std::optional<Id> CalendarFeedUser(const std::string& token_hash) override {
    auto& ps = c_.Prepare("SELECT user_id FROM calendar_feeds WHERE token_hash = ?");
    ps.setString(1, token_hash);
    return ReadOne<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64("user_id"); });
  }
  std::vector<User> Search(const PersonFilter& f) override {
    // Names and organisations compared accent- and case-blind (é = e, ß = ss), e-mails as
    // stored (lower case); the query's own % and _ are literal.
    auto& ps = c_.Prepare(
        "SELECT id, email, name, organisation, language, roles, password_hash, created_at FROM users "
        "WHERE id > ? AND (? = '' OR name COLLATE utf8mb4_unicode_ci LIKE ? OR email LIKE ? OR "
        "organisation COLLATE utf8mb4_unicode_ci LIKE ?) AND (? = 0 OR (roles & ?) <> 0) ORDER BY id LIMIT ?");
    std::string pattern = "%";
    for (char c : f.query) {
      if (c == '%' || c == '_' || c == '\\') pattern += '\\';
      pattern += c;
    }
    pattern += "%";
    ps.setInt64(1, f.after_id);
    ps.setString(2, f.query);
    ps.setString(3, pattern);
    ps.setString(4, AsciiLower(pattern));
    ps.setString(5, pattern);
    const unsigned bit = f.role ? RoleBit(*f.role) : 0u;
    ps.setUInt(6, bit);
    ps.setUInt(7, bit);
    ps.setInt(8, f.limit);
    return ReadAll<User>(ps, ReadUser);
  }
  std::vector<User> FindMany(const std::vector<Id>& ids) override {
    if (ids.empty()) return {};
    // One statement whatever the number of ids: the list travels as a JSON array.
    auto& ps = c_.Prepare(
        "SELECT id, email, name, organisation, language, roles, password_hash, created_at FROM users WHERE id IN "
        "(SELECT j.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j)");
    ps.setString(1, nlohmann::json(ids).dump());
    return ReadAll<User>(ps, ReadUser);
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<UserRepository> MakeUserRepository(PooledConnection& c) {
  return std::make_unique<MySqlUserRepository>(c);
}

}  // namespace parcours
