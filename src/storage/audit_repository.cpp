// The audit repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {
namespace {

// The filters every listing shares, then newest first.
#define AUDIT_FILTERS                                                                            \
  "AND (? IS NULL OR action = ?) AND (? IS NULL OR at >= ?) AND (? IS NULL OR at < ?) "          \
  "AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?"

void SetOptionalString(sql::PreparedStatement& ps, int index, const std::optional<std::string>& v) {
  v ? ps.setString(index, *v) : ps.setNull(index, 0);
}

// Binds AUDIT_FILTERS from parameter `first` on.
void BindFilters(sql::PreparedStatement& ps, int first, const AuditFilter& f) {
  const auto at = [](const std::optional<TimePoint>& t) {
    return t ? std::optional<std::string>(FormatSqlUtc(*t)) : std::nullopt;
  };
  SetOptionalString(ps, first, f.action);
  SetOptionalString(ps, first + 1, f.action);
  SetOptionalString(ps, first + 2, at(f.from));
  SetOptionalString(ps, first + 3, at(f.from));
  SetOptionalString(ps, first + 4, at(f.to));
  SetOptionalString(ps, first + 5, at(f.to));
  ps.setInt64(first + 6, f.before_id);
  ps.setInt64(first + 7, f.before_id);
  ps.setInt(first + 8, f.limit);
}

}  // namespace

std::optional<Id> ReadOptionalId(sql::ResultSet& rs, const char* col) {
  if (rs.isNull(col)) return std::nullopt;
  return rs.getInt64(col);
}

AuditRecord ReadAuditRecord(sql::ResultSet& rs) {
  AuditRecord r;
  r.id = rs.getInt64("id");
  r.entry.at = ReadTime(rs, "at");
  r.entry.actor = Str(rs, "actor");
  r.entry.action = Str(rs, "action");
  r.entry.entity_type = Str(rs, "entity_type");
  r.entry.entity_id = rs.getInt64("entity_id");
  r.entry.before_json = rs.isNull("before_json") ? "" : Str(rs, "before_json");
  r.entry.after_json = rs.isNull("after_json") ? "" : Str(rs, "after_json");
  r.entry.request_id = Str(rs, "request_id");
  r.entry.person_id = ReadOptionalId(rs, "person_id");
  r.entry.session_id = ReadOptionalId(rs, "session_id");
  return r;
}

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

constexpr int kBindsPerEntry = 10;

void Bind(sql::PreparedStatement& ps, int first, const AuditEntry& e) {
  ps.setString(first, FormatSqlUtc(e.at));
  ps.setString(first + 1, e.actor);
  ps.setString(first + 2, e.action);
  ps.setString(first + 3, e.entity_type);
  ps.setInt64(first + 4, e.entity_id);
  e.before_json.empty() ? ps.setNull(first + 5, 0) : ps.setString(first + 5, e.before_json);
  e.after_json.empty() ? ps.setNull(first + 6, 0) : ps.setString(first + 6, e.after_json);
  ps.setString(first + 7, e.request_id);
  e.person_id ? ps.setInt64(first + 8, *e.person_id) : ps.setNull(first + 8, 0);
  e.session_id ? ps.setInt64(first + 9, *e.session_id) : ps.setNull(first + 9, 0);
}

// An audit row as a person's record shows it: the entry with its id.
AuditEntry ReadEntry(sql::ResultSet& rs) {
  AuditRecord r = ReadAuditRecord(rs);
  r.entry.id = r.id;
  return r.entry;
}

class MySqlAuditRepository final : public AuditRepository {
 public:
  explicit MySqlAuditRepository(PooledConnection& c) : c_(c) {}
  void Append(const AuditEntry& e) override { AppendMany({e}); }
  void AppendMany(const std::vector<AuditEntry>& entries) override {
    static const MultiRowText kInsert(
        "INSERT INTO audit_log (at, actor, action, entity_type, entity_id, before_json, after_json, request_id, "
        "person_id, session_id) VALUES",
        "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 50);
    for (std::size_t done = 0; done < entries.size();) {
      const int n = static_cast<int>(std::min<std::size_t>(entries.size() - done, kInsert.max_rows()));
      auto& ps = c_.Prepare(kInsert.For(n));
      for (int i = 0; i < n; ++i) Bind(ps, 1 + i * kBindsPerEntry, entries[done + i]);
      ps.executeUpdate();
      done += n;
    }
    for (const auto& e : entries) StagedAuditActions().emplace_back(e.action, StatusOf(e.after_json));
  }
  std::vector<AuditEntry> AboutSubject(Id subject_id, Id before_id, int limit) override {
    auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE person_id = ? AND (? = 0 OR id < ?) ORDER BY id DESC LIMIT ?");
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

  std::vector<AuditRecord> List(const AuditFilter& f) override {
    // One statement per leading filter, so that each reads its own index.
    if (f.person) {
      auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE (person_id = ? OR actor = ?) AND (? IS NULL OR session_id = ?) "
                                          AUDIT_FILTERS);
      ps.setInt64(1, *f.person);
      ps.setString(2, "user:" + std::to_string(*f.person));
      f.session ? ps.setInt64(3, *f.session) : ps.setNull(3, 0);
      f.session ? ps.setInt64(4, *f.session) : ps.setNull(4, 0);
      BindFilters(ps, 5, f);
      return ReadAll<AuditRecord>(ps, ReadAuditRecord);
    }
    if (f.session) {
      auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE session_id = ? " AUDIT_FILTERS);
      ps.setInt64(1, *f.session);
      BindFilters(ps, 2, f);
      return ReadAll<AuditRecord>(ps, ReadAuditRecord);
    }
    auto& ps = c_.Prepare(AUDIT_COLUMNS "WHERE 1 = 1 " AUDIT_FILTERS);
    BindFilters(ps, 1, f);
    return ReadAll<AuditRecord>(ps, ReadAuditRecord);
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
