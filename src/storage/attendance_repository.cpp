// The attendance repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include <set>

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlAttendanceRepository final : public AttendanceRepository {
 public:
  explicit MySqlAttendanceRepository(PooledConnection& c) : c_(c) {}
  std::vector<AttendanceRecord> ForSession(Id session_id) override {
    auto& ps = c_.Prepare(ATTENDANCE_COLUMNS "WHERE session_id = ? ORDER BY participant_id");
    ps.setInt64(1, session_id);
    return ReadAll<AttendanceRecord>(ps, ReadAttendance);
  }
  std::optional<AttendanceRecord> Find(Id session_id, Id participant_id) override {
    auto& ps = c_.Prepare(ATTENDANCE_COLUMNS "WHERE session_id = ? AND participant_id = ?");
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
        "module_id, channel, starts_at, source, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY "
        "UPDATE status = VALUES(status), hours = VALUES(hours), marked_by = VALUES(marked_by), "
        "marked_at = VALUES(marked_at), source = VALUES(source), import_id = VALUES(import_id)");
    ps.setInt64(1, r.session_id);
    ps.setInt64(2, r.participant_id);
    ps.setString(3, ToString(r.status));
    ps.setDouble(4, r.hours);
    ps.setInt64(5, r.marked_by);
    ps.setString(6, FormatSqlUtc(r.marked_at));
    ps.setInt64(7, module_id);
    ps.setString(8, channel);
    ps.setString(9, starts_at);
    ps.setString(10, ToString(r.source));
    r.import_id ? ps.setInt64(11, *r.import_id) : ps.setNull(11, 0);
    ps.executeUpdate();
    BumpPerson(c_, r.participant_id);
  }
  std::vector<CompletedModule> CompletedModules(Id participant_id, const std::vector<Module>& modules) override {
    // Full presence (hours >= the module's) at a session of the module; earliest first.
    auto& ps = c_.Prepare(
        "SELECT s.module_id, s.id AS session_id, s.starts_at, a.hours, a.channel FROM attendance a JOIN sessions s ON "
        "s.id = a.session_id JOIN modules m ON m.id = s.module_id WHERE a.participant_id = ? AND "
        "a.status = 'present' AND a.hours >= m.hours AND m.pathway_id = ? ORDER BY s.starts_at, s.id");
    std::vector<CompletedModule> out;
    if (modules.empty() || !modules.front().pathway_id) return out;
    ps.setInt64(1, participant_id);
    ps.setInt64(2, *modules.front().pathway_id);
    std::set<Id> seen;
    for (auto& c : ReadAll<CompletedModule>(ps, [](sql::ResultSet& rs) {
           return CompletedModule{rs.getInt64("module_id"), rs.getInt64("session_id"), ReadTime(rs, "starts_at"),
                                   static_cast<double>(rs.getDouble("hours")), Str(rs, "channel")};
         }))
      if (seen.insert(c.module_id).second) out.push_back(c);
    return out;
  }

  std::vector<AttendanceRecord> ForParticipant(Id participant_id) override {
    auto& ps = c_.Prepare(ATTENDANCE_COLUMNS "WHERE participant_id = ? ORDER BY starts_at DESC, session_id DESC");
    ps.setInt64(1, participant_id);
    return ReadAll<AttendanceRecord>(ps, ReadAttendance);
  }
  Id InsertHistoryImport(const HistoryImport& h) override {
    auto& ps = c_.Prepare(
        "INSERT INTO history_imports (imported_by, imported_at, file_sha256, row_count) VALUES (?, ?, ?, ?)");
    ps.setInt64(1, h.imported_by);
    ps.setString(2, FormatSqlUtc(h.imported_at));
    ps.setString(3, h.file_sha256);
    ps.setInt(4, h.row_count);
    ps.executeUpdate();
    return LastInsertId(c_);
  }
  void UpsertPart(const PartAttendance& m) override {
    auto& ps = c_.Prepare(
        "INSERT INTO attendance_parts (session_id, participant_id, position, present, marked_by, marked_at) "
        "VALUES (?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE present = VALUES(present), marked_by = VALUES(marked_by), "
        "marked_at = VALUES(marked_at)");
    ps.setInt64(1, m.session_id);
    ps.setInt64(2, m.participant_id);
    ps.setInt(3, m.position);
    ps.setInt(4, m.present ? 1 : 0);
    ps.setInt64(5, m.marked_by);
    ps.setString(6, FormatSqlUtc(m.marked_at));
    ps.executeUpdate();
    BumpPerson(c_, m.participant_id);  // the person's own data (their export) shows the part marks
  }
  std::vector<PartAttendance> PartsForSession(Id session_id) override {
    auto& ps = c_.Prepare(PART_ATTENDANCE_COLUMNS "WHERE session_id = ? ORDER BY participant_id, position");
    ps.setInt64(1, session_id);
    return ReadAll<PartAttendance>(ps, ReadPartAttendance);
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<AttendanceRepository> MakeAttendanceRepository(PooledConnection& c) {
  return std::make_unique<MySqlAttendanceRepository>(c);
}

}  // namespace parcours
