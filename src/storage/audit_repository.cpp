// The audit repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {
namespace {

constexpr int kBindsPerEntry = 9;

void Bind(sql::PreparedStatement& ps, int first, const AuditEntry& e) {
  ps.setString(first, FormatSqlUtc(e.at));
  ps.setString(first + 1, e.actor);
  ps.setString(first + 2, e.action);
  ps.setString(first + 3, e.entity_type);
  ps.setInt64(first + 4, e.entity_id);
  e.before_json.empty() ? ps.setNull(first + 5, 0) : ps.setString(first + 5, e.before_json);
  e.after_json.empty() ? ps.setNull(first + 6, 0) : ps.setString(first + 6, e.after_json);
  ps.setString(first + 7, e.request_id);
  e.subject_id ? ps.setInt64(first + 8, *e.subject_id) : ps.setNull(first + 8, 0);
}

AuditEntry ReadEntry(sql::ResultSet& rs) {
  AuditEntry e;
  e.id = rs.getInt64("id");
  e.at = ReadTime(rs, "at");
  e.actor = Str(rs, "actor");
  e.action = Str(rs, "action");
  e.entity_type = Str(rs, "entity_type");
  e.entity_id = rs.getInt64("entity_id");
  e.before_json = rs.isNull("before_json") ? "" : Str(rs, "before_json");
  e.after_json = rs.isNull("after_json") ? "" : Str(rs, "after_json");
  e.request_id = Str(rs, "request_id");
  if (!rs.isNull("subject_id")) e.subject_id = rs.getInt64("subject_id");
  return e;
}

#define AUDIT_COLUMNS \
  "SELECT id, at, actor, action, entity_type, entity_id, before_json, after_json, request_id, subject_id FROM audit_log "

}  // namespace

class MySqlAuditRepository final : public AuditRepository {
 public:
  explicit MySqlAuditRepository(PooledConnection& c) : c_(c) {}
  void Append(const AuditEntry& e) override { AppendMany({e}); }
  void AppendMany(const std::vector<AuditEntry>& entries) override {
    static const MultiRowText kInsert(
        "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before_json, after_json, request_id, "
        "subject_id) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?)", 50);
    for (std::size_t done = 0; done < entries.size();) {
      const int n = static_cast<int>(std::min<std::size_t>(entries.size() - done, kInsert.max_rows()));
      auto& ps = c_.Prepare(kInsert.For(n));
      for (int i = 0; i < n; ++i) Bind(ps, 1 + i * kBindsPerEntry, entries[done + i]);
      ps.executeUpdate();
      done += n;
    }
  }
  std::vector<AuditEntry> AboutSubject(Id subject_id, Id before_id, int limit) override {
    auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE subject_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
    ps.setInt64(1, subject_id);
    ps.setInt64(2, before_id);
    ps.setInt64(3, before_id);
    ps.setInt(4, limit);
    return ReadAll<AuditEntry>(ps, ReadEntry);
  }
  std::vector<AuditEntry> LatestOfAction(const std::string& action, int limit) override {
    auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE action = ? ORDER BY id DESC LIMIT ?");
    ps.setString(1, action);
    ps.setInt(2, limit);
    return ReadAll<AuditEntry>(ps, ReadEntry);
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<AuditRepository> MakeAuditRepository(PooledConnection& c) {
  return std::make_unique<MySqlAuditRepository>(c);
}

}  // namespace parcours
