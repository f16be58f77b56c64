// The catalogue repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlCatalogueRepository final : public CatalogueRepository {
 public:
  explicit MySqlCatalogueRepository(PooledConnection& c) : c_(c) {}
  std::optional<Id> InsertPathway(const Pathway& p) override {
    auto& ps = c_.Prepare("INSERT INTO pathways (code, title) VALUES (?, ?)");
    ps.setString(1, p.code);
    ps.setString(2, p.title);
    if (!ExecuteInsert(ps)) return std::nullopt;
    const Id id = LastInsertId(c_);
    BumpStructure();
    return id;
  }
  std::optional<Id> InsertModule(const Module& m) override {
    auto& ps = c_.Prepare(
        "INSERT INTO modules (pathway_id, position, code, title, hours) VALUES (?, ?, ?, ?, ?)");
    if (m.pathway_id) ps.setInt64(1, *m.pathway_id);
    else ps.setNull(1, 0);
    ps.setInt(2, m.position);
    ps.setString(3, m.code);
    ps.setString(4, m.title);
    ps.setDouble(5, m.hours);
    if (!ExecuteInsert(ps)) return std::nullopt;
    const Id id = LastInsertId(c_);
    BumpStructure();
    return id;
  }
  std::vector<Module> ModulesOf(Id pathway_id) {
    auto& ps = c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules "
                          "WHERE pathway_id = ? ORDER BY position, id");
    ps.setInt64(1, pathway_id);
    return ReadAll<Module>(ps, ReadModule);
  }
  std::optional<Pathway> FindPathway(Id id) override {
    auto& ps = c_.Prepare("SELECT id, code, title FROM pathways WHERE id = ?");
    ps.setInt64(1, id);
    auto p = ReadOne<Pathway>(ps, [](sql::ResultSet& rs) {
      return Pathway{rs.getInt64("id"), Str(rs, "code"), Str(rs, "title"), {}};
    });
    if (p) p->modules = ModulesOf(p->id);
    return p;
  }
  std::vector<Pathway> ListPathways(Id after_id, int limit) override {
    auto& ps = c_.Prepare("SELECT id, code, title FROM pathways WHERE id > ? ORDER BY id LIMIT ?");
    ps.setInt64(1, after_id);
    ps.setInt(2, limit);
    auto rows = ReadAll<Pathway>(ps, [](sql::ResultSet& rs) {
      return Pathway{rs.getInt64("id"), Str(rs, "code"), Str(rs, "title"), {}};
    });
    for (auto& p : rows) p.modules = ModulesOf(p.id);
    return rows;
  }
  std::optional<Module> FindModule(Id id) override {
    auto& ps = c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules WHERE id = ?");
    ps.setInt64(1, id);
    return ReadOne<Module>(ps, ReadModule);
  }
  std::vector<Module> ListModules(Id after_id, int limit, bool standalone_only) override {
    auto& ps = standalone_only
                   ? c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules "
                                "WHERE id > ? AND pathway_id IS NULL ORDER BY id LIMIT ?")
                   : c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules "
                                "WHERE id > ? ORDER BY id LIMIT ?");
    ps.setInt64(1, after_id);
    ps.setInt(2, limit);
    return ReadAll<Module>(ps, ReadModule);
  }
  Id InsertSession(const Session& s) override {
    auto& ps = c_.Prepare(
        "INSERT INTO sessions (module_id, starts_at, ends_at, decision_at, capacity, "
        "min_registrants, agency_code, location, mode, status, online_link, imported, language, audience, "
        "objectives, trainers_organisation, co_organisers, series_id) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    ps.setInt64(1, s.module_id);
    ps.setString(2, FormatSqlUtc(s.starts_at));
    ps.setString(3, FormatSqlUtc(s.ends_at));
    ps.setString(4, FormatSqlUtc(s.decision_at));
    ps.setInt(5, s.capacity);
    ps.setInt(6, s.min_registrants);
    if (s.agency) ps.setString(7, *s.agency);
    else ps.setNull(7, 0);
    ps.setString(8, s.location);
    ps.setString(9, ToString(s.mode));
    ps.setString(10, ToString(s.status));
    ps.setString(11, s.online_link);
    ps.setInt(12, s.imported ? 1 : 0);
    BindDescription(ps, 13, s.description);
    if (s.series_id) ps.setInt64(18, *s.series_id);
    else ps.setNull(18, 0);
    ps.executeUpdate();
    Id id = LastInsertId(c_);
    InsertTrainers(id, s.trainer_ids);
    BumpStructure();
    return id;
  }
  static void BindDescription(sql::PreparedStatement& ps, int first, const SessionDescription& d) {
    ps.setString(first, d.language);
    ps.setString(first + 1, d.audience);
    ps.setString(first + 2, d.objectives);
    ps.setString(first + 3, d.trainers_organisation);
    ps.setString(first + 4, d.co_organisers);
  }
  void InsertTrainers(Id session_id, const std::vector<Id>& trainers) {
    auto& tr = c_.Prepare("INSERT INTO session_trainers (session_id, user_id) VALUES (?, ?)");
    for (Id t : trainers) {
      tr.setInt64(1, session_id);
      tr.setInt64(2, t);
      tr.executeUpdate();
    }
  }
  std::optional<Session> FindSession(Id id, bool for_update) override {
    auto& ps = for_update ? c_.Prepare(SESSION_COLUMNS "WHERE s.id = ? FOR UPDATE")
                          : c_.Prepare(SESSION_COLUMNS "WHERE s.id = ?");
    ps.setInt64(1, id);
    return ReadOne<Session>(ps, ReadSession);
  }
  std::vector<Session> ListSessions(const SessionFilter& f) override {
    // One statement for every filter combination: a NULL parameter disables its condition.
    auto& ps = c_.Prepare(SESSION_COLUMNS
                          "WHERE (? IS NULL OR s.module_id = ?) AND (? IS NULL OR s.starts_at >= ?) "
                          "AND (? IS NULL OR s.starts_at < ?) AND (? IS NULL OR s.status = ?) "
                          "AND (? IS NULL OR (s.starts_at, s.id) > (?, ?)) AND (? IS NULL OR s.language = ?) "
                          "ORDER BY s.starts_at, s.id LIMIT ?");
    int i = 1;
    auto bind_id = [&](std::optional<Id> v) {
      for (int k = 0; k < 2; ++k) v ? ps.setInt64(i++, *v) : ps.setNull(i++, 0);
    };
    auto bind_time = [&](std::optional<TimePoint> v) {
      for (int k = 0; k < 2; ++k) v ? ps.setString(i++, FormatSqlUtc(*v)) : ps.setNull(i++, 0);
    };
    bind_id(f.module_id);
    bind_time(f.from);
    bind_time(f.to);
    for (int k = 0; k < 2; ++k)
      f.status ? ps.setString(i++, ToString(*f.status)) : ps.setNull(i++, 0);
    bind_time(f.after_starts_at);
    ps.setInt64(i++, f.after_id);
    for (int k = 0; k < 2; ++k) f.language ? ps.setString(i++, *f.language) : ps.setNull(i++, 0);
    ps.setInt(i++, f.limit);
    return ReadAll<Session>(ps, ReadSession);
  }
  void UpdateSessionStatus(Id id, SessionStatus status, const std::string& reason) override {
    auto& ps = c_.Prepare("UPDATE sessions SET status = ?, cancel_reason = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, reason);
    ps.setInt64(3, id);
    ps.executeUpdate();
    BumpStructure();
  }
  void RecordCancellation(Id id, const CancelReason& reason) override {
    auto& ps = c_.Prepare("UPDATE sessions SET cancel_reason_code = ?, cancel_reason_params = ? WHERE id = ?");
    ps.setString(1, ToString(reason.code));
    ps.setString(2, CancelParamsJson(reason));
    ps.setInt64(3, id);
    ps.executeUpdate();
    BumpStructure();
  }
  void UpdateSessionCounts(Id id, int confirmed, int waitlisted) override {
    auto& ps = c_.Prepare("UPDATE sessions SET confirmed_count = ?, waitlist_count = ? WHERE id = ?");
    ps.setInt(1, confirmed);
    ps.setInt(2, waitlisted);
    ps.setInt64(3, id);
    if (ps.executeUpdate() > 0) BumpCounts(id);  // 0: the same counts again
  }

  // The claims read only the id: a row this version cannot read (an unknown status, say) then
  // fails while that session is processed, and is recorded against it, instead of failing
  // the claim with no session to blame. A session whose step failed waits out its backoff.
  std::optional<Id> ClaimDueDecision(TimePoint now, bool skip_locked) override {
#define DUE_DECISION                                                                               \
  "SELECT s.id FROM sessions s WHERE s.status = 'scheduled' AND s.decision_at <= ? AND NOT EXISTS " \
  "(SELECT 1 FROM scheduler_failures f WHERE f.session_id = s.id AND f.step = 'decision' AND "      \
  "f.next_attempt_at > ?) ORDER BY s.decision_at, s.id LIMIT 1 FOR UPDATE"
    auto& ps = skip_locked ? c_.Prepare(DUE_DECISION " SKIP LOCKED") : c_.Prepare(DUE_DECISION);
#undef DUE_DECISION
    ps.setString(1, FormatSqlUtc(now));
    ps.setString(2, FormatSqlUtc(now));
    return ReadOne<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64(1); });
  }
  std::optional<Id> ClaimDueCompletion(TimePoint now, bool skip_locked) override {
#define DUE_COMPLETION                                                                           \
  "SELECT s.id FROM sessions s WHERE s.status = 'confirmed' AND s.ends_at <= ? AND NOT EXISTS "   \
  "(SELECT 1 FROM scheduler_failures f WHERE f.session_id = s.id AND f.step = 'completion' AND " \
  "f.next_attempt_at > ?) ORDER BY s.ends_at, s.id LIMIT 1 FOR UPDATE"
    auto& ps = skip_locked ? c_.Prepare(DUE_COMPLETION " SKIP LOCKED") : c_.Prepare(DUE_COMPLETION);
#undef DUE_COMPLETION
    ps.setString(1, FormatSqlUtc(now));
    ps.setString(2, FormatSqlUtc(now));
    return ReadOne<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64(1); });
  }
  std::optional<Id> ClaimDueReminder(TimePoint now, TimePoint horizon, bool skip_locked) override {
#define DUE_REMINDER                                                                             \
  "SELECT s.id FROM sessions s WHERE s.status IN ('scheduled', 'confirmed') AND "                 \
  "s.reminder_sent_at IS NULL AND s.starts_at > ? AND s.starts_at <= ? AND NOT EXISTS "           \
  "(SELECT 1 FROM scheduler_failures f WHERE f.session_id = s.id AND f.step = 'reminder' AND "   \
  "f.next_attempt_at > ?) ORDER BY s.starts_at, s.id LIMIT 1 FOR UPDATE"
    auto& ps = skip_locked ? c_.Prepare(DUE_REMINDER " SKIP LOCKED") : c_.Prepare(DUE_REMINDER);
#undef DUE_REMINDER
    ps.setString(1, FormatSqlUtc(now));
    ps.setString(2, FormatSqlUtc(horizon));
    ps.setString(3, FormatSqlUtc(now));
    return ReadOne<Id>(ps, [](sql::ResultSet& rs) { return rs.getInt64(1); });
  }
  void MarkDecided(Id id, SessionStatus status, bool by_threshold, TimePoint at) override {
    auto& ps = c_.Prepare(
        "UPDATE sessions SET status = ?, decided_at = ?, cancelled_by_threshold = ? WHERE id = ?");
    ps.setString(1, ToString(status));
    ps.setString(2, FormatSqlUtc(at));
    ps.setInt(3, by_threshold ? 1 : 0);
    ps.setInt64(4, id);
    ps.executeUpdate();
    BumpStructure();
  }
  void MarkReminded(Id id, TimePoint at) override {
    auto& ps = c_.Prepare("UPDATE sessions SET reminder_sent_at = ? WHERE id = ?");
    ps.setString(1, FormatSqlUtc(at));
    ps.setInt64(2, id);
    ps.executeUpdate();
  }
  void BumpIcsSequence(Id id) override {
    auto& ps = c_.Prepare("UPDATE sessions SET ics_sequence = ics_sequence + 1 WHERE id = ?");
    ps.setInt64(1, id);
    ps.executeUpdate();
  }
  std::vector<Session> OpenSessionsOfModule(Id module_id, Id except, TimePoint now) override {
    auto& ps = c_.Prepare(SESSION_COLUMNS
                          "WHERE s.module_id = ? AND s.id <> ? AND s.status IN ('scheduled', "
                          "'confirmed') AND s.starts_at > ? ORDER BY s.starts_at, s.id LIMIT 20");
    ps.setInt64(1, module_id);
    ps.setInt64(2, except);
    ps.setString(3, FormatSqlUtc(now));
    return ReadAll<Session>(ps, ReadSession);
  }

  void UpdateSession(const Session& s, bool reset_reminder) override {
    auto& ps = c_.Prepare(
        "UPDATE sessions SET starts_at = ?, ends_at = ?, decision_at = ?, capacity = ?, min_registrants = ?, "
        "location = ?, mode = ?, online_link = ?, ics_sequence = ?, "
        "reminder_sent_at = IF(?, NULL, reminder_sent_at), language = ?, audience = ?, objectives = ?, "
        "trainers_organisation = ?, co_organisers = ? WHERE id = ?");
    ps.setString(1, FormatSqlUtc(s.starts_at));
    ps.setString(2, FormatSqlUtc(s.ends_at));
    ps.setString(3, FormatSqlUtc(s.decision_at));
    ps.setInt(4, s.capacity);
    ps.setInt(5, s.min_registrants);
    ps.setString(6, s.location);
    ps.setString(7, ToString(s.mode));
    ps.setString(8, s.online_link);
    ps.setInt(9, s.ics_sequence);
    ps.setInt(10, reset_reminder ? 1 : 0);
    BindDescription(ps, 11, s.description);
    ps.setInt64(16, s.id);
    ps.executeUpdate();
    auto& clear = c_.Prepare("DELETE FROM session_trainers WHERE session_id = ?");
    clear.setInt64(1, s.id);
    clear.executeUpdate();
    InsertTrainers(s.id, s.trainer_ids);
    BumpStructure();
  }
  std::vector<Session> TaughtBy(Id user_id, TimePoint since, bool upcoming, std::optional<TimePoint> after_starts_at,
                                Id after_id, int limit) override {
    auto& ps = upcoming
                   ? c_.Prepare(SESSION_COLUMNS
                                "JOIN session_trainers st ON st.session_id = s.id WHERE st.user_id = ? AND "
                                "s.ends_at >= ? AND (? IS NULL OR (s.starts_at, s.id) > (?, ?)) "
                                "ORDER BY s.starts_at, s.id LIMIT ?")
                   : c_.Prepare(SESSION_COLUMNS
                                "JOIN session_trainers st ON st.session_id = s.id WHERE st.user_id = ? AND "
                                "s.ends_at < ? AND (? IS NULL OR (s.starts_at, s.id) < (?, ?)) "
                                "ORDER BY s.starts_at DESC, s.id DESC LIMIT ?");
    ps.setInt64(1, user_id);
    ps.setString(2, FormatSqlUtc(since));
    for (int i = 3; i <= 4; ++i) after_starts_at ? ps.setString(i, FormatSqlUtc(*after_starts_at)) : ps.setNull(i, 0);
    ps.setInt64(5, after_id);
    ps.setInt(6, limit);
    return ReadAll<Session>(ps, ReadSession);
  }
  std::vector<Session> DecisionsBetween(TimePoint from, TimePoint to, int limit) override {
    auto& ps = c_.Prepare(SESSION_COLUMNS
                          "WHERE s.status = 'scheduled' AND s.decision_at >= ? AND s.decision_at < ? "
                          "ORDER BY s.decision_at, s.id LIMIT ?");
    ps.setString(1, FormatSqlUtc(from));
    ps.setString(2, FormatSqlUtc(to));
    ps.setInt(3, limit);
    return ReadAll<Session>(ps, ReadSession);
  }
  std::optional<Session> FindImportedSession(Id module_id, TimePoint starts_at) override {
    auto& ps = c_.Prepare(SESSION_COLUMNS
                          "WHERE s.module_id = ? AND s.starts_at = ? AND s.imported = 1 ORDER BY s.id LIMIT 1 "
                          "FOR UPDATE");
    ps.setInt64(1, module_id);
    ps.setString(2, FormatSqlUtc(starts_at));
    return ReadOne<Session>(ps, ReadSession);
  }
  std::string CheckInSecret(Id session_id, const std::string& candidate) override {
    auto& set = c_.Prepare("UPDATE sessions SET check_in_secret = ? WHERE id = ? AND check_in_secret IS NULL");
    set.setString(1, candidate);
    set.setInt64(2, session_id);
    set.executeUpdate();
    auto& get = c_.Prepare("SELECT check_in_secret FROM sessions WHERE id = ?");
    get.setInt64(1, session_id);
    return ReadOne<std::string>(get, [](sql::ResultSet& rs) { return Str(rs, "check_in_secret"); }).value_or("");
  }
  void ConfirmSheet(Id session_id, Id by, TimePoint at) override {
    auto& ps = c_.Prepare("UPDATE sessions SET sheet_confirmed_at = ?, sheet_confirmed_by = ? WHERE id = ?");
    ps.setString(1, FormatSqlUtc(at));
    ps.setInt64(2, by);
    ps.setInt64(3, session_id);
    ps.executeUpdate();
  }
  CatalogueVersion ReadCatalogueVersion() override {
    // Rows 0-31: a session's counts (summed); 32: the structure; 64-127: people's shards.
    auto& ps = c_.Prepare("SELECT shard, version FROM catalogue_version");
    CatalogueVersion v;
    Rs rs(ps.executeQuery());
    while (rs->next()) {
      const int shard = rs->getInt(1);
      const std::int64_t version = rs->getInt64(2);
      if (shard < 32) v.counts += version;
      else if (shard == 32) v.structure = version;
      else if (shard >= 64 && shard < 64 + kPeopleShards) v.people[static_cast<std::size_t>(shard - 64)] = version;
    }
    return v;
  }
  void SetReplayLink(Id id, const std::string& link) override {
    auto& ps = c_.Prepare("UPDATE sessions SET replay_link = ? WHERE id = ?");
    ps.setString(1, link);
    ps.setInt64(2, id);
    ps.executeUpdate();
    BumpStructure();  // kept sessions carry the link (the catalogue never shows it)
  }
  void CountReplayView(Id id) override {
    // Only staff read the count, never from the kept catalogue: no version bump.
    auto& ps = c_.Prepare("UPDATE sessions SET replay_views = replay_views + 1 WHERE id = ?");
    ps.setInt64(1, id);
    ps.executeUpdate();
  }
  void ReplaceParts(Id session_id, const std::vector<SessionPart>& parts) override {
    auto& clear = c_.Prepare("DELETE FROM session_parts WHERE session_id = ?");
    clear.setInt64(1, session_id);
    clear.executeUpdate();
    auto& ps = c_.Prepare("INSERT INTO session_parts (session_id, position, starts_at, ends_at, hours) VALUES (?, ?, ?, ?, ?)");
    for (const auto& p : parts) {
      ps.setInt64(1, session_id);
      ps.setInt(2, p.position);
      ps.setString(3, FormatSqlUtc(p.starts_at));
      ps.setString(4, FormatSqlUtc(p.ends_at));
      ps.setDouble(5, p.hours);
      ps.executeUpdate();
    }
    BumpStructure();  // the catalogue shows the parts' dates
  }
  Id InsertSeries(Id module_id, const std::string& rule_json, Id created_by, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO session_series (module_id, rule_json, created_by, created_at) VALUES (?, ?, ?, ?)");
    ps.setInt64(1, module_id);
    ps.setString(2, rule_json);
    ps.setInt64(3, created_by);
    ps.setString(4, FormatSqlUtc(at));
    ps.executeUpdate();
    return LastInsertId(c_);
  }
  std::vector<Session> SessionsOfSeries(Id series_id) override {
    auto& ps = c_.Prepare(SESSION_COLUMNS "WHERE s.series_id = ? ORDER BY s.starts_at, s.id");
    ps.setInt64(1, series_id);
    return ReadAll<Session>(ps, ReadSession);
  }
  std::vector<Module> AllModules() override {
    auto& ps = c_.Prepare("SELECT id, pathway_id, position, code, title, hours FROM modules ORDER BY id");
    return ReadAll<Module>(ps, ReadModule);
  }

#define SCHEDULER_FAILURE_COLUMNS                                                               \
  "SELECT session_id, step, failures, last_error, first_failed_at, last_failed_at, "          \
  "next_attempt_at FROM scheduler_failures "
  static SchedulerFailure ReadSchedulerFailure(sql::ResultSet& rs) {
    SchedulerFailure f;
    f.session_id = rs.getInt64("session_id");
    f.step = Str(rs, "step");
    f.failures = rs.getInt("failures");
    f.last_error = Str(rs, "last_error");
    f.first_failed_at = ReadTime(rs, "first_failed_at");
    f.last_failed_at = ReadTime(rs, "last_failed_at");
    f.next_attempt_at = ReadTime(rs, "next_attempt_at");
    return f;
  }
  std::optional<SchedulerFailure> FindSchedulerFailure(Id session_id, const std::string& step) override {
    auto& ps = c_.Prepare(SCHEDULER_FAILURE_COLUMNS "WHERE session_id = ? AND step = ? FOR UPDATE");
    ps.setInt64(1, session_id);
    ps.setString(2, step);
    return ReadOne<SchedulerFailure>(ps, ReadSchedulerFailure);
  }
  void SaveSchedulerFailure(const SchedulerFailure& f) override {
    auto& ps = c_.Prepare(
        "INSERT INTO scheduler_failures (session_id, step, failures, last_error, first_failed_at, "
        "last_failed_at, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
        "failures = VALUES(failures), last_error = VALUES(last_error), last_failed_at = "
        "VALUES(last_failed_at), next_attempt_at = VALUES(next_attempt_at)");
    ps.setInt64(1, f.session_id);
    ps.setString(2, f.step);
    ps.setInt(3, f.failures);
    ps.setString(4, f.last_error.substr(0, 1000));
    ps.setString(5, FormatSqlUtc(f.first_failed_at));
    ps.setString(6, FormatSqlUtc(f.last_failed_at));
    ps.setString(7, FormatSqlUtc(f.next_attempt_at));
    ps.executeUpdate();
  }
  void ClearSchedulerFailure(Id session_id, const std::string& step) override {
    auto& ps = c_.Prepare("DELETE FROM scheduler_failures WHERE session_id = ? AND step = ?");
    ps.setInt64(1, session_id);
    ps.setString(2, step);
    ps.executeUpdate();
  }
  std::vector<SchedulerFailure> SchedulerFailures(int limit) override {
    auto& ps = c_.Prepare(SCHEDULER_FAILURE_COLUMNS "ORDER BY failures DESC, session_id, step LIMIT ?");
    ps.setInt(1, limit);
    return ReadAll<SchedulerFailure>(ps, ReadSchedulerFailure);
  }
#undef SCHEDULER_FAILURE_COLUMNS

 private:
  // Every write to what the catalogue shows calls one of these in its transaction
  // (0013_catalogue_version.sql): row 32 for the structure, rows 0-31 for a session's counts.
  void BumpStructure() {
    auto& ps = c_.Prepare("UPDATE catalogue_version SET version = version + 1 WHERE shard = 32");
    ps.executeUpdate();
  }
  void BumpCounts(Id session_id) {
    auto& ps = c_.Prepare("UPDATE catalogue_version SET version = version + 1 WHERE shard = ?");
    ps.setInt(1, static_cast<int>(session_id % 32));
    ps.executeUpdate();
  }
  PooledConnection& c_;
};

std::unique_ptr<CatalogueRepository> MakeCatalogueRepository(PooledConnection& c) {
  return std::make_unique<MySqlCatalogueRepository>(c);
}

}  // namespace parcours
