// The audit repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

// The value of the top-level "status" member of an audit row's JSON, or "" (a cheap scan:
// the JSON is ours, written by nlohmann::json without spaces).
static std::string StatusOf(const std::string& json) {
  static const std::string key = "\"status\":\"";
  const auto at = json.find(key);
  if (at == std::string::npos) return "";
  const auto start = at + key.size();
  const auto end = json.find('"', start);
  return end == std::string::npos || end - start > 32 ? "" : json.substr(start, end - start);
}

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
    StagedAuditActions().emplace_back(e.action, StatusOf(e.after_json));
  }

 private:
  PooledConnection& c_;
};

std::vector<std::pair<std::string, std::string>>& StagedAuditActions() {
  static thread_local std::vector<std::pair<std::string, std::string>> staged;
  return staged;
}

std::unique_ptr<AuditRepository> MakeAuditRepository(PooledConnection& c) {
  return std::make_unique<MySqlAuditRepository>(c);
}

}  // namespace parcours
