// The idempotency repository over MySQL/MariaDB: claims and recorded answers of
// Idempotency-Keys, keyed by the SHA-256 of the key.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

#define IDEMPOTENCY_COLUMNS                                                                   \
  "SELECT fingerprint, claim_token, completed, withheld, committed_at, status, content_type, " \
  "body, location, created_at FROM idempotency_keys WHERE scope = ? AND key_hash = ?"

class MySqlIdempotencyRepository final : public IdempotencyRepository {
 public:
  explicit MySqlIdempotencyRepository(PooledConnection& c) : c_(c) {}

  std::optional<IdempotencyRecord> Find(const std::string& scope, const std::string& key_hash,
                                        bool for_update) override {
    auto& ps = for_update ? c_.Prepare(IDEMPOTENCY_COLUMNS " FOR UPDATE") : c_.Prepare(IDEMPOTENCY_COLUMNS);
    ps.setString(1, scope);
    ps.setString(2, key_hash);
    return ReadOne<IdempotencyRecord>(ps, [](sql::ResultSet& rs) {
      IdempotencyRecord r;
      r.fingerprint = Str(rs, "fingerprint");
      r.claim_token = Str(rs, "claim_token");
      r.completed = rs.getInt("completed") != 0;
      r.withheld = rs.getInt("withheld") != 0;
      r.committed_at = ReadOptionalTime(rs, "committed_at");
      r.status = rs.getInt("status");
      r.content_type = Str(rs, "content_type");
      r.body = rs.isNull("body") ? "" : Str(rs, "body");
      r.location = Str(rs, "location");
      r.created_at = ReadTime(rs, "created_at");
      return r;
    });
  }

  bool Insert(const std::string& scope, const std::string& key_hash, const IdempotencyRecord& r) override {
    auto& ps = c_.Prepare(
        "INSERT INTO idempotency_keys (fingerprint, claim_token, completed, withheld, committed_at, "
        "status, content_type, body, location, created_at, scope, key_hash) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    Bind(ps, r);
    ps.setString(11, scope);
    ps.setString(12, key_hash);
    return ExecuteInsert(ps);
  }

  void Replace(const std::string& scope, const std::string& key_hash, const IdempotencyRecord& r) override {
    auto& ps = c_.Prepare(
        "UPDATE idempotency_keys SET fingerprint = ?, claim_token = ?, completed = ?, withheld = ?, "
        "committed_at = ?, status = ?, content_type = ?, body = ?, location = ?, created_at = ? "
        "WHERE scope = ? AND key_hash = ?");
    Bind(ps, r);
    ps.setString(11, scope);
    ps.setString(12, key_hash);
    ps.executeUpdate();
  }

  void Delete(const std::string& scope, const std::string& key_hash, const std::string& token) override {
    auto& ps = c_.Prepare("DELETE FROM idempotency_keys WHERE scope = ? AND key_hash = ? AND claim_token = ?");
    ps.setString(1, scope);
    ps.setString(2, key_hash);
    ps.setString(3, token);
    ps.executeUpdate();
  }

  bool HoldFence(const CommitFence& fence) override {
    auto& lock = c_.Prepare(
        "SELECT claim_token, completed, committed_at FROM idempotency_keys WHERE scope = ? AND "
        "key_hash = ? FOR UPDATE");
    lock.setString(1, fence.scope);
    lock.setString(2, fence.key_hash);
    Rs rs(lock.executeQuery());
    if (!rs->next() || Str(*rs, "claim_token") != fence.token || rs->getInt("completed") != 0) return false;
    if (!rs->isNull("committed_at")) return true;
    auto& mark = c_.Prepare(
        "UPDATE idempotency_keys SET committed_at = UTC_TIMESTAMP(3) WHERE scope = ? AND key_hash = ? AND "
        "claim_token = ?");
    mark.setString(1, fence.scope);
    mark.setString(2, fence.key_hash);
    mark.setString(3, fence.token);
    mark.executeUpdate();
    return true;
  }

  int PurgeBefore(TimePoint cutoff, int limit) override {
    auto& ps = c_.Prepare("DELETE FROM idempotency_keys WHERE created_at < ? LIMIT ?");
    ps.setString(1, FormatSqlUtc(cutoff));
    ps.setInt(2, limit);
    return ps.executeUpdate();
  }

 private:
  static void Bind(sql::PreparedStatement& ps, const IdempotencyRecord& r) {
    ps.setString(1, r.fingerprint);
    ps.setString(2, r.claim_token);
    ps.setInt(3, r.completed ? 1 : 0);
    ps.setInt(4, r.withheld ? 1 : 0);
    if (r.committed_at) ps.setString(5, FormatSqlUtc(*r.committed_at));
    else ps.setNull(5, 0);
    ps.setInt(6, r.status);
    ps.setString(7, r.content_type);
    if (r.withheld) ps.setNull(8, 0);  // a secret-bearing answer is never stored
    else ps.setString(8, r.body);
    ps.setString(9, r.location);
    ps.setString(10, FormatSqlUtc(r.created_at));
  }

  PooledConnection& c_;
};

std::unique_ptr<IdempotencyRepository> MakeIdempotencyRepository(PooledConnection& c) {
  return std::make_unique<MySqlIdempotencyRepository>(c);
}

}  // namespace parcours
