// The registrations repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

#include <stdexcept>

namespace parcours {

class MySqlRegistrationRepository final : public RegistrationRepository {
 public:
  explicit MySqlRegistrationRepository(PooledConnection& c) : c_(c) {}
  Expected<Id, RegistrationConflict> Insert(const Registration& r) override {
    // The module is the session's, copied here (a session's module never changes).
    auto& ps = c_.Prepare(
        "INSERT INTO registrations (session_id, module_id, participant_id, status, channel, module_override, "
        "imported, created_at, updated_at) SELECT s.id, s.module_id, ?, ?, ?, ?, ?, ?, ? FROM sessions s WHERE s.id = ?");
    ps.setInt64(1, r.participant_id);
    ps.setString(2, ToString(r.status));
    ps.setString(3, r.channel);
    ps.setInt(4, r.module_override ? 1 : 0);
    ps.setInt(5, r.imported ? 1 : 0);
    ps.setString(6, FormatSqlUtc(r.created_at));
    ps.setString(7, FormatSqlUtc(r.updated_at));
    ps.setInt64(8, r.session_id);
    try {
      if (ps.executeUpdate() == 0) throw std::invalid_argument("a registration for an unknown session");
    } catch (const sql::SQLException& e) {
      if (e.getErrorCode() != kDuplicateKey) throw;
      // The server names the unique key that held ("... for key 'uq_registrations_module_active'").
      if (std::string(e.what()).find("uq_registrations_module_active") != std::string::npos)
        return Fail(RegistrationConflict::kSameModule);
      return Fail(RegistrationConflict::kSameSession);
    }
    // A new registration comes last on its waiting list: nobody else's place moves.
    BumpPerson(c_, r.participant_id);
    return LastInsertId(c_);
  }
  std::optional<Registration> Find(Id id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS "WHERE r.id = ?");
    ps.setInt64(1, id);
    return ReadOne<Registration>(ps, ReadRegistration);
  }
  std::optional<Registration> FindActive(Id session_id, Id participant_id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "WHERE r.session_id = ? AND r.participant_id = ? AND r.active = 1");
    ps.setInt64(1, session_id);
    ps.setInt64(2, participant_id);
    return ReadOne<Registration>(ps, ReadRegistration);
  }
  std::optional<Registration> FirstWaitlisted(Id session_id) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "WHERE r.session_id = ? AND r.status = 'waitlisted' ORDER BY r.id LIMIT 1");
    ps.setInt64(1, session_id);
    return ReadOne<Registration>(ps, ReadRegistration);
  }
  void UpdateStatus(Id id, RegistrationStatus status, TimePoint at) override {
    // The holder's pages change; and when the registration leaves or joins a waiting list, the
    // places of those waiting behind it move (positions count the waiting by arrival).
    // In person order, so that two such bumps lock their rows in the same order.
    auto& moved = c_.Prepare(
        "SELECT DISTINCT w.participant_id FROM registrations r "
        "JOIN registrations w ON w.session_id = r.session_id AND (w.id = r.id OR (w.id > r.id AND "
        "w.status = 'waitlisted' AND (r.status = 'waitlisted' OR ? = 'waitlisted'))) WHERE r.id = ? "
        "ORDER BY w.participant_id");
    moved.setString(1, ToString(status));
    moved.setInt64(2, id);
    BumpPeople(c_, ReadAll<Id>(moved, [](sql::ResultSet& rs) { return rs.getInt64(1); }));
    auto& ps = c_.Prepare("UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, FormatSqlUtc(at));
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  std::vector<Registration> ListForSession(Id session_id, Id after_id, int limit) override {
    // Positions by window function: one pass over the session instead of a count per row.
    auto& ps = c_.Prepare(
        "SELECT * FROM (SELECT r.id, r.session_id, r.module_id, r.participant_id, r.status, r.channel, "
        "r.module_override, r.imported, r.created_at, r.updated_at, CASE WHEN r.status = 'waitlisted' THEN ROW_NUMBER() OVER "
        "(PARTITION BY r.status ORDER BY r.id) END AS pos FROM registrations r WHERE "
        "r.session_id = ?) x WHERE x.id > ? ORDER BY x.id LIMIT ?");
    ps.setInt64(1, session_id);
    ps.setInt64(2, after_id);
    ps.setInt(3, limit);
    return ReadAll<Registration>(ps, ReadRegistration);
  }
  std::vector<Registration> ListForParticipant(Id participant_id, Id after_id, int limit) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS
                          "WHERE r.participant_id = ? AND r.id > ? ORDER BY r.id LIMIT ?");
    ps.setInt64(1, participant_id);
    ps.setInt64(2, after_id);
    ps.setInt(3, limit);
    return ReadAll<Registration>(ps, ReadRegistration);
  }
  std::vector<RegistrationDetail> DetailedForParticipant(Id participant_id, Id after_id, int limit) override {
    // The registration's columns under their names, the session's under s_, the module's under m_.
    auto& ps = c_.Prepare(
        "SELECT r.id, r.session_id, r.module_id, r.participant_id, r.status, r.channel, r.module_override, "
        "r.imported, r.created_at, r.updated_at, CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM "
        "registrations w WHERE w.session_id = r.session_id AND w.status = 'waitlisted' AND w.id <= r.id) END AS pos, "
        "s.id AS s_id, s.module_id AS s_module_id, s.starts_at AS s_starts_at, s.ends_at AS s_ends_at, "
        "s.decision_at AS s_decision_at, s.capacity AS s_capacity, s.min_registrants AS s_min_registrants, "
        "s.agency_code AS s_agency_code, s.location AS s_location, s.mode AS s_mode, s.status AS s_status, "
        "s.cancel_reason AS s_cancel_reason, s.confirmed_count AS s_confirmed_count, "
        "s.waitlist_count AS s_waitlist_count, s.ics_sequence AS s_ics_sequence, "
        "s.cancel_reason_code AS s_cancel_reason_code, s.cancel_reason_params AS s_cancel_reason_params, "
        "s.online_link AS s_online_link, s.imported AS s_imported, s.sheet_confirmed_at AS s_sheet_confirmed_at, "
        "s.language AS s_language, s.audience AS s_audience, s.objectives AS s_objectives, "
        "s.trainers_organisation AS s_trainers_organisation, s.co_organisers AS s_co_organisers, "
        "s.replay_link AS s_replay_link, s.replay_views AS s_replay_views, "
        SESSION_PARTS_COLUMN("s.id") " AS s_parts, s.series_id AS s_series_id, "
        "(SELECT GROUP_CONCAT(t.user_id ORDER BY t.user_id) FROM session_trainers t WHERE t.session_id = s.id) "
        "AS s_trainers, m.id AS m_id, m.pathway_id AS m_pathway_id, m.position AS m_position, m.code AS m_code, "
        "m.title AS m_title, m.hours AS m_hours "
        "FROM registrations r JOIN sessions s ON s.id = r.session_id LEFT JOIN modules m ON m.id = s.module_id "
        "WHERE r.participant_id = ? AND r.id > ? ORDER BY r.id LIMIT ?");
    ps.setInt64(1, participant_id);
    ps.setInt64(2, after_id);
    ps.setInt(3, limit);
    return ReadAll<RegistrationDetail>(ps, [](sql::ResultSet& rs) {
      return RegistrationDetail{ReadRegistration(rs), ReadSessionAs(rs, Cols("s_")),
                                rs.isNull("m_id") ? Module{} : ReadModuleAs(rs, Cols("m_"))};
    });
  }

  std::vector<Registration> WithStatus(Id session_id, RegistrationStatus status) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS "WHERE r.session_id = ? AND r.status = ? ORDER BY r.id");
    ps.setInt64(1, session_id);
    ps.setString(2, ToString(status));
    return ReadAll<Registration>(ps, ReadRegistration);
  }
  std::vector<Registrant> Registrants(Id session_id, std::optional<RegistrationStatus> status, Id after_id,
                                      int limit) override {
    // As ListForSession, with the person; waiting positions by window function.
    auto& ps = c_.Prepare(
        "SELECT x.*, u.name AS person_name, u.email AS person_email, u.organisation AS person_organisation FROM "
        "(SELECT r.id, r.session_id, r.module_id, r.participant_id, r.status, r.channel, r.module_override, "
        "r.imported, r.created_at, r.updated_at, CASE WHEN r.status = 'waitlisted' THEN ROW_NUMBER() OVER "
        "(PARTITION BY r.status ORDER BY r.id) END AS pos FROM registrations r WHERE r.session_id = ?) x "
        "JOIN users u ON u.id = x.participant_id WHERE x.id > ? AND (? IS NULL OR x.status = ?) ORDER BY x.id LIMIT ?");
    ps.setInt64(1, session_id);
    ps.setInt64(2, after_id);
    for (int i = 3; i <= 4; ++i) status ? ps.setString(i, ToString(*status)) : ps.setNull(i, 0);
    ps.setInt(5, limit);
    return ReadAll<Registrant>(ps, [](sql::ResultSet& rs) {
      return Registrant{ReadRegistration(rs), Str(rs, "person_name"), Str(rs, "person_email"),
                        Str(rs, "person_organisation")};
    });
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<RegistrationRepository> MakeRegistrationRepository(PooledConnection& c) {
  return std::make_unique<MySqlRegistrationRepository>(c);
}

}  // namespace parcours
