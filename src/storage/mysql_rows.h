#pragma once
// Shared by the MySQL repositories: reading typed values from result sets, the column lists
// of the entities several repositories read, and small statement helpers. Storage-internal.
#include <cppconn/connection.h>
#include <cppconn/exception.h>
#include <cppconn/prepared_statement.h>
#include <cppconn/resultset.h>
#include <cppconn/statement.h>

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "common/text.h"
#include "common/time.h"
#include "domain/model.h"
#include "storage/connection_pool.h"

namespace parcours {

constexpr int kDuplicateKey = 1062;
using Rs = std::unique_ptr<sql::ResultSet>;

// An enum read from the database that this version does not know is a bug or a newer schema:
// fail loudly instead of reading it as some default.
template <class E>
E Known(std::optional<E> value, const char* what) {
  if (!value) throw std::runtime_error(std::string("unknown ") + what + " read from the database");
  return *value;
}

inline TimePoint ReadTime(sql::ResultSet& rs, const char* col) {
  auto t = ParseSqlUtc(std::string(rs.getString(col)));
  return t ? *t : TimePoint{};
}
inline std::optional<TimePoint> ReadOptionalTime(sql::ResultSet& rs, const char* col) {
  if (rs.isNull(col)) return std::nullopt;
  return ReadTime(rs, col);
}
inline std::string Str(sql::ResultSet& rs, const char* col) { return std::string(rs.getString(col)); }

inline std::vector<Id> ParseIdList(const std::string& csv) {
  std::vector<Id> out;
  std::stringstream in(csv);
  std::string item;
  while (std::getline(in, item, ','))
    if (!item.empty()) out.push_back(std::stoll(item));
  return out;
}

// Runs an INSERT; returns false on a duplicate key, rethrows anything else.
inline bool ExecuteInsert(sql::PreparedStatement& ps) {
  try {
    ps.executeUpdate();
    return true;
  } catch (const sql::SQLException& e) {
    if (e.getErrorCode() == kDuplicateKey) return false;
    throw;
  }
}

// The text of an INSERT of n rows ("head (?, ...), (?, ...)"), built once for each n up to
// max_rows and kept for the process's life: prepared statements are cached by the text's
// address. Meant as a function-local static.
class MultiRowText {
 public:
  MultiRowText(const std::string& head, const std::string& row, int max_rows) {
    std::string text = head;
    for (int n = 1; n <= max_rows; ++n) {
      text += (n == 1 ? " " : ", ") + row;
      texts_.push_back(text);
    }
  }
  int max_rows() const { return static_cast<int>(texts_.size()); }
  const char* For(int n) const { return texts_.at(n - 1).c_str(); }

 private:
  std::vector<std::string> texts_;
};

inline Id LastInsertId(PooledConnection& c) {
  auto& ps = c.Prepare("SELECT LAST_INSERT_ID()");
  Rs rs(ps.executeQuery());
  rs->next();
  return rs->getInt64(1);
}

// Every write to what a person's own pages show (their registrations, their place on a waiting
// list, attendance, attestations, profile) adds 1 to their person_version row in the write's
// transaction (0016_person_version.sql); the statements that write those rows call these.
inline void BumpPerson(PooledConnection& c, Id user_id) {
  auto& ps = c.Prepare("INSERT INTO person_version (user_id, version) VALUES (?, 1) "
                       "ON DUPLICATE KEY UPDATE version = version + 1");
  ps.setInt64(1, user_id);
  ps.executeUpdate();
  c.people_shards.insert(PeopleShard(user_id));
}
// The same for several people in one statement, in id order (two such bumps lock their rows
// in the same order).
inline void BumpPeople(PooledConnection& c, const std::vector<Id>& user_ids) {
  if (user_ids.empty()) return;
  auto& ps = c.Prepare("INSERT INTO person_version (user_id, version) SELECT DISTINCT j.id, 1 FROM "
                       "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$')) j ORDER BY j.id "
                       "ON DUPLICATE KEY UPDATE version = version + 1");
  ps.setString(1, nlohmann::json(user_ids).dump());
  ps.executeUpdate();
  for (Id id : user_ids) c.people_shards.insert(PeopleShard(id));
}

constexpr const char* kUserColumns =
    "SELECT id, email, name, organisation, language, roles, password_hash, created_at FROM users ";

inline User ReadUser(sql::ResultSet& rs) {
  User u;
  u.id = rs.getInt64("id");
  u.email = Str(rs, "email");
  u.name = Str(rs, "name");
  u.organisation = Str(rs, "organisation");
  u.language = Str(rs, "language");
  u.roles = rs.getUInt("roles");
  u.password_hash = Str(rs, "password_hash");
  u.created_at = ReadTime(rs, "created_at");
  return u;
}

// A column's name in a row that joins several entities under prefixes ("s_id", "m_title");
// the plain name without a prefix.
class Cols {
 public:
  explicit Cols(const char* prefix = "") : prefix_(prefix) {}
  std::string operator()(const char* name) const { return prefix_ + name; }

 private:
  std::string prefix_;
};

inline Module ReadModuleAs(sql::ResultSet& rs, const Cols& c) {
  Module m;
  m.id = rs.getInt64(c("id"));
  if (!rs.isNull(c("pathway_id"))) m.pathway_id = rs.getInt64(c("pathway_id"));
  m.position = rs.getInt(c("position"));
  m.code = Str(rs, c("code").c_str());
  m.title = Str(rs, c("title").c_str());
  m.hours = rs.getDouble(c("hours"));
  return m;
}
inline Module ReadModule(sql::ResultSet& rs) { return ReadModuleAs(rs, Cols()); }

// A session's parts (issue 12) as one text: "position,starts,ends,hours;..." in order.
#define SESSION_PARTS_COLUMN(id)                                                                    \
  "(SELECT GROUP_CONCAT(CONCAT(p.position, ',', CAST(p.starts_at AS CHAR), ',', CAST(p.ends_at AS CHAR), " \
  "',', p.hours) ORDER BY p.position SEPARATOR ';') FROM session_parts p WHERE p.session_id = " id ")"

inline std::vector<SessionPart> ParseParts(const std::string& text) {
  std::vector<SessionPart> parts;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(';', at);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(at, end - at);
    const std::size_t a = item.find(','), b = item.find(',', a + 1), c = item.find(',', b + 1);
    SessionPart p;
    p.position = std::stoi(item.substr(0, a));
    p.starts_at = ParseSqlUtc(item.substr(a + 1, b - a - 1)).value_or(TimePoint{});
    p.ends_at = ParseSqlUtc(item.substr(b + 1, c - b - 1)).value_or(TimePoint{});
    p.hours = std::stod(item.substr(c + 1));
    parts.push_back(p);
    at = end + 1;
  }
  return parts;
}

#define SESSION_COLUMNS                                                                    \
  "SELECT s.id, s.module_id, s.starts_at, s.ends_at, s.decision_at, s.capacity, "          \
  "s.min_registrants, s.agency_code, s.location, s.mode, s.status, s.cancel_reason, "      \
  "s.confirmed_count, s.waitlist_count, s.ics_sequence, s.cancel_reason_code, s.cancel_reason_params, "        \
  "s.online_link, s.imported, s.sheet_confirmed_at, "                                                      \
  "s.language, s.audience, s.objectives, s.trainers_organisation, s.co_organisers, s.replay_link, s.replay_views, " \
  SESSION_PARTS_COLUMN("s.id") " AS parts, s.series_id, " \
  "(SELECT GROUP_CONCAT(t.user_id ORDER BY t.user_id) " \
  "FROM session_trainers t WHERE t.session_id = s.id) AS trainers FROM sessions s "

// Cancellation parameters as stored: {"confirmed":n,"minimum":n} or {"text":"..."}.
inline std::string CancelParamsJson(const CancelReason& r) {
  nlohmann::json j;
  if (r.code == CancelReasonCode::kByCoordinator) {
    j = {{"text", r.text}};
  } else {
    j = {{"minimum", r.minimum}};
    if (r.confirmed) j["confirmed"] = *r.confirmed;
  }
  return j.dump();
}

inline CancelReason ReadCancelReason(const std::string& code, const std::string& params) {
  CancelReason r;
  r.code = Known(CancelReasonCodeFromString(code), "cancellation reason code");
  const auto j = nlohmann::json::parse(params.empty() ? "{}" : params);
  if (r.code == CancelReasonCode::kByCoordinator) {
    r.text = j.value("text", "");
  } else {
    r.minimum = j.value("minimum", 0);
    if (j.contains("confirmed")) r.confirmed = j["confirmed"].get<int>();
  }
  return r;
}

inline Session ReadSessionAs(sql::ResultSet& rs, const Cols& c) {
  Session s;
  s.id = rs.getInt64(c("id"));
  s.module_id = rs.getInt64(c("module_id"));
  s.starts_at = ReadTime(rs, c("starts_at").c_str());
  s.ends_at = ReadTime(rs, c("ends_at").c_str());
  s.decision_at = ReadTime(rs, c("decision_at").c_str());
  s.capacity = rs.getInt(c("capacity"));
  s.min_registrants = rs.getInt(c("min_registrants"));
  if (!rs.isNull(c("agency_code"))) s.agency = Str(rs, c("agency_code").c_str());
  s.location = Str(rs, c("location").c_str());
  s.mode = Known(SessionModeFromString(Str(rs, c("mode").c_str())), "session mode");
  s.status = Known(SessionStatusFromString(Str(rs, c("status").c_str())), "session status");
  s.cancel_reason = Str(rs, c("cancel_reason").c_str());
  s.confirmed_count = rs.getInt(c("confirmed_count"));
  s.waitlist_count = rs.getInt(c("waitlist_count"));
  if (!rs.isNull(c("trainers"))) s.trainer_ids = ParseIdList(Str(rs, c("trainers").c_str()));
  s.ics_sequence = rs.getInt(c("ics_sequence"));
  if (!rs.isNull(c("cancel_reason_code")))
    s.cancellation = ReadCancelReason(Str(rs, c("cancel_reason_code").c_str()),
                                      rs.isNull(c("cancel_reason_params")) ? "" : Str(rs, c("cancel_reason_params").c_str()));
  s.online_link = Str(rs, c("online_link").c_str());
  s.imported = rs.getInt(c("imported")) != 0;
  s.sheet_confirmed_at = ReadOptionalTime(rs, c("sheet_confirmed_at").c_str());
  s.description.language = Str(rs, c("language").c_str());
  s.description.audience = Str(rs, c("audience").c_str());
  s.description.objectives = Str(rs, c("objectives").c_str());
  s.description.trainers_organisation = Str(rs, c("trainers_organisation").c_str());
  s.description.co_organisers = Str(rs, c("co_organisers").c_str());
  s.replay_link = Str(rs, c("replay_link").c_str());
  s.replay_views = rs.getInt64(c("replay_views"));
  if (!rs.isNull(c("parts"))) s.parts = ParseParts(Str(rs, c("parts").c_str()));
  if (!rs.isNull(c("series_id"))) s.series_id = rs.getInt64(c("series_id"));
  return s;
}

inline Session ReadSession(sql::ResultSet& rs) { return ReadSessionAs(rs, Cols()); }

// Waitlist position: rank among the session's waitlisted registrations by arrival (id).
#define REGISTRATION_COLUMNS                                                                  \
  "SELECT r.id, r.session_id, r.module_id, r.participant_id, r.status, r.channel, r.module_override, r.imported, " \
  "r.created_at, r.updated_at, CASE WHEN r.status = 'waitlisted' THEN (SELECT COUNT(*) FROM registrations w " \
  "WHERE w.session_id = r.session_id AND w.status = 'waitlisted' AND w.id <= r.id) END AS pos "  \
  "FROM registrations r "

inline Registration ReadRegistration(sql::ResultSet& rs) {
  Registration r;
  r.id = rs.getInt64("id");
  r.session_id = rs.getInt64("session_id");
  r.module_id = rs.getInt64("module_id");
  r.participant_id = rs.getInt64("participant_id");
  r.status = Known(RegistrationStatusFromString(Str(rs, "status")), "registration status");
  r.channel = Str(rs, "channel");
  r.module_override = rs.getInt("module_override") != 0;
  r.imported = rs.getInt("imported") != 0;
  r.created_at = ReadTime(rs, "created_at");
  r.updated_at = ReadTime(rs, "updated_at");
  if (!rs.isNull("pos")) r.waitlist_position = rs.getInt("pos");
  return r;
}

template <class T, class F>
std::vector<T> ReadAll(sql::PreparedStatement& ps, F read) {
  Rs rs(ps.executeQuery());
  std::vector<T> out;
  while (rs->next()) out.push_back(read(*rs));
  return out;
}

template <class T, class F>
std::optional<T> ReadOne(sql::PreparedStatement& ps, F read) {
  Rs rs(ps.executeQuery());
  if (!rs->next()) return std::nullopt;
  return read(*rs);
}

#define ATTENDANCE_COLUMNS \
  "SELECT session_id, participant_id, status, hours, marked_by, marked_at, source, import_id FROM attendance "

inline AttendanceRecord ReadAttendance(sql::ResultSet& rs) {
  AttendanceRecord a;
  a.session_id = rs.getInt64("session_id");
  a.participant_id = rs.getInt64("participant_id");
  a.status = Known(AttendanceStatusFromString(Str(rs, "status")), "attendance status");
  a.hours = rs.getDouble("hours");
  a.marked_by = rs.getInt64("marked_by");
  a.marked_at = ReadTime(rs, "marked_at");
  a.source = Known(AttendanceSourceFromString(Str(rs, "source")), "attendance source");
  if (!rs.isNull("import_id")) a.import_id = rs.getInt64("import_id");
  return a;
}

// Attendance per part of a multi-part session (0022_events.sql).
#define PART_ATTENDANCE_COLUMNS \
  "SELECT session_id, participant_id, position, present, marked_by, marked_at FROM attendance_parts "

inline PartAttendance ReadPartAttendance(sql::ResultSet& rs) {
  PartAttendance m;
  m.session_id = rs.getInt64("session_id");
  m.participant_id = rs.getInt64("participant_id");
  m.position = rs.getInt("position");
  m.present = rs.getInt("present") != 0;
  m.marked_by = rs.getInt64("marked_by");
  m.marked_at = ReadTime(rs, "marked_at");
  return m;
}

inline Notification ReadNotification(sql::ResultSet& rs) {
  Notification n;
  n.id = rs.getInt64("id");
  n.user_id = rs.getInt64("user_id");
  n.kind = Known(NotificationKindFromString(Str(rs, "kind")), "notification kind");
  n.to_email = Str(rs, "to_email");
  n.language = Str(rs, "language");
  n.subject = Str(rs, "subject");
  n.body_text = Str(rs, "body_text");
  n.ics = rs.isNull("ics") ? "" : Str(rs, "ics");
  n.attempts = rs.getInt("attempts");
  n.created_at = ReadTime(rs, "created_at");
  return n;
}

#define ATTESTATION_COLUMNS                                                                     \
  "SELECT id, participant_id, pathway_id, verification_code, issued_at, holder_name, "           \
  "pathway_title, total_hours, language, sha256, revoked_at, revoke_reason FROM attestations "

inline Attestation ReadAttestation(sql::ResultSet& rs) {
  Attestation a;
  a.id = rs.getInt64("id");
  a.participant_id = rs.getInt64("participant_id");
  a.pathway_id = rs.getInt64("pathway_id");
  a.verification_code = Str(rs, "verification_code");
  a.issued_at = ReadTime(rs, "issued_at");
  a.holder_name = Str(rs, "holder_name");
  a.pathway_title = Str(rs, "pathway_title");
  a.total_hours = rs.getDouble("total_hours");
  a.language = Str(rs, "language");
  a.sha256 = Str(rs, "sha256");
  a.revoked_at = ReadOptionalTime(rs, "revoked_at");
  a.revoke_reason = Str(rs, "revoke_reason");
  return a;
}

// Audit rows as read back (audit_repository.cpp; the personal-data repository reads them too).
#define AUDIT_COLUMNS                                                                          \
  "SELECT id, at, actor, action, entity_type, entity_id, before_json, after_json, request_id, " \
  "person_id, session_id FROM audit_log "
std::optional<Id> ReadOptionalId(sql::ResultSet& rs, const char* col);
AuditRecord ReadAuditRecord(sql::ResultSet& rs);

#define NOTIFICATION_COLUMNS                                                                    \
  "SELECT id, user_id, kind, to_email, language, subject, body_text, ics, attempts, created_at " \
  "FROM notifications "

}  // namespace parcours
