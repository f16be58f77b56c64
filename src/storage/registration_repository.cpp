// The registrations repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlRegistrationRepository final : public RegistrationRepository {
 public:
  explicit MySqlRegistrationRepository(PooledConnection& c) : c_(c) {}
  std::optional<Id> Insert(const Registration& r) override {
    auto& ps = c_.Prepare(
        "INSERT INTO registrations (session_id, participant_id, status, channel, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, r.session_id);
    ps.setInt64(2, r.participant_id);
    ps.setString(3, ToString(r.status));
    ps.setString(4, r.channel);
    ps.setString(5, FormatSqlUtc(r.created_at));
    ps.setString(6, FormatSqlUtc(r.updated_at));
    if (!ExecuteInsert(ps)) return std::nullopt;
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
    auto& ps = c_.Prepare("UPDATE registrations SET status = ?, updated_at = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, FormatSqlUtc(at));
    ps.setInt64(3, id);
    ps.executeUpdate();
  }
  std::vector<Registration> ListForSession(Id session_id, Id after_id, int limit) override {
    // Positions by window function: one pass over the session instead of a count per row.
    auto& ps = c_.Prepare(
        "SELECT * FROM (SELECT r.id, r.session_id, r.participant_id, r.status, r.channel, "
        "r.created_at, r.updated_at, CASE WHEN r.status = 'waitlisted' THEN ROW_NUMBER() OVER "
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

  std::vector<Registration> WithStatus(Id session_id, RegistrationStatus status) override {
    auto& ps = c_.Prepare(REGISTRATION_COLUMNS "WHERE r.session_id = ? AND r.status = ? ORDER BY r.id");
    ps.setInt64(1, session_id);
    ps.setString(2, ToString(status));
    return ReadAll<Registration>(ps, ReadRegistration);
  }

 private:
  PooledConnection& c_;
};

std::unique_ptr<RegistrationRepository> MakeRegistrationRepository(PooledConnection& c) {
  return std::make_unique<MySqlRegistrationRepository>(c);
}

}  // namespace parcours
