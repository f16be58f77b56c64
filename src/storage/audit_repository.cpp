// The audit repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlAuditRepository final : public AuditRepository {
 public:
  explicit MySqlAuditRepository(PooledConnection& c) : c_(c) {}
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

 private:
  PooledConnection& c_;
};

std::unique_ptr<AuditRepository> MakeAuditRepository(PooledConnection& c) {
  return std::make_unique<MySqlAuditRepository>(c);
}

}  // namespace parcours
