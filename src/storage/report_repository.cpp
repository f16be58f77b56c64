// The reports repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlReportRepository final : public ReportRepository {
 public:
  explicit MySqlReportRepository(PooledConnection& c) : c_(c) {}
  std::vector<ParticipationCount> Participation(TimePoint from, TimePoint to) override {
    // Distinct people per module and channel (the channel of the registration that brought
    // them to the session they attended); a range scan of one covering index.
    auto& ps = c_.Prepare(
        "SELECT module_id, channel, COUNT(DISTINCT participant_id) AS people FROM attendance "
        "WHERE starts_at >= ? AND starts_at < ? AND status IN ('present', 'partial') "
        "GROUP BY module_id, channel");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    return ReadAll<ParticipationCount>(ps, [](sql::ResultSet& rs) {
      return ParticipationCount{rs.getInt64("module_id"), Str(rs, "channel"), rs.getInt64("people")};
    });
  }
  std::vector<SessionFigures> Sessions(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare(
        "SELECT s.id, s.module_id, s.starts_at, s.ends_at, s.decision_at, s.capacity, s.min_registrants, "
        "s.agency_code, s.location, s.mode, s.status, s.cancel_reason, s.confirmed_count, s.waitlist_count, "
        "s.ics_sequence, s.cancel_reason_code, s.cancel_reason_params, s.online_link, s.imported, "
        "s.sheet_confirmed_at, NULL AS trainers, s.cancelled_by_threshold, "
        "s.language, s.audience, s.objectives, s.trainers_organisation, s.co_organisers, s.replay_link, "
        "s.replay_views, NULL AS parts, s.series_id, "
        "(SELECT COUNT(*) FROM registrations r WHERE r.session_id = s.id AND r.status IN ('confirmed', "
        "'cancelled')) AS registered, "
        "(SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id AND a.status IN ('present', "
        "'partial')) AS attended, "
        "(SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id) AS marked "
        "FROM sessions s WHERE s.starts_at >= ? AND s.starts_at < ? ORDER BY s.starts_at, s.id");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    return ReadAll<SessionFigures>(ps, [](sql::ResultSet& rs) {
      SessionFigures f;
      f.session = ReadSession(rs);
      f.registered = rs.getInt64("registered");
      f.attended = rs.getInt64("attended");
      f.marked = rs.getInt64("marked");
      f.cancelled_by_threshold = rs.getInt("cancelled_by_threshold") != 0;
      return f;
    });
  }

  std::vector<SessionTally> SessionTallies(TimePoint from, TimePoint to) override {
    auto& ps = c_.Prepare(
        "SELECT r.session_id, 0 AS is_attendance, r.status, r.channel, COUNT(*) AS n, 0 AS hours "
        "FROM registrations r JOIN sessions s ON s.id = r.session_id WHERE s.starts_at >= ? AND s.starts_at < ? "
        "GROUP BY r.session_id, r.status, r.channel "
        "UNION ALL SELECT a.session_id, 1, a.status, '', COUNT(*), SUM(a.hours) "
        "FROM attendance a JOIN sessions s ON s.id = a.session_id WHERE s.starts_at >= ? AND s.starts_at < ? "
        "GROUP BY a.session_id, a.status");
    for (int i : {1, 3}) {
      ps.setString(i, FormatSqlUtc(from));
      ps.setString(i + 1, FormatSqlUtc(to));
    }
    return ReadAll<SessionTally>(ps, [](sql::ResultSet& rs) {
      return SessionTally{rs.getInt64("session_id"), rs.getInt("is_attendance") != 0, Str(rs, "status"),
                          Str(rs, "channel"), rs.getInt64("n"), static_cast<double>(rs.getDouble("hours"))};
    });
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<ReportRepository> MakeReportRepository(PooledConnection& c) {
  return std::make_unique<MySqlReportRepository>(c);
}

}  // namespace parcours
