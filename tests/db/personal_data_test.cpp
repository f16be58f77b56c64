// The personal-data schema and repository against the real MariaDB: migration 0012 keeps the
// rows it finds (and fills the audit trail's person and session), the foreign keys that held
// every person's row now let the rows of secrets and messages go with it, and the purges.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"

using namespace parcours;
using parcours::testing::TestDatabase;
using namespace std::chrono;

namespace {

std::vector<Migration> Before(int version) {
  std::vector<Migration> out;
  for (const auto& m : EmbeddedMigrations())
    if (m.version < version) out.push_back(m);
  return out;
}

}  // namespace

TEST_CASE("db: migration 0012 keeps existing rows, fills the audit trail's subjects and cascades secrets",
          "[db][gdpr]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  Migrator(pool).Apply(Before(12));
  db.Execute("INSERT INTO users (id, email, name, organisation, language, roles, password_hash, created_at) VALUES "
             "(7, 'anne@ex.lu', 'Anne', 'Lycée', 'fr', 1, 'x', '2026-01-01 00:00:00')");
  db.Execute("INSERT INTO auth_tokens (token_hash, user_id, created_at, expires_at) VALUES "
             "(REPEAT('a', 64), 7, '2026-02-03 04:05:06.000', '2026-02-03 16:05:06.000')");
  db.Execute("INSERT INTO notifications (user_id, kind, to_email, language, subject, body_text, next_attempt_at, "
             "created_at) VALUES (7, 'reminder', 'anne@ex.lu', 'fr', 's', 'b', NOW(), NOW())");
  db.Execute("INSERT INTO modules (id, code, title, hours) VALUES (1, 'M', 'M', 4)");
  db.Execute("INSERT INTO sessions (id, module_id, starts_at, ends_at, decision_at, capacity, min_registrants) VALUES "
             "(5, 1, '2027-01-01', '2027-01-01', '2026-12-01', 10, 0)");
  db.Execute("INSERT INTO registrations (id, session_id, module_id, participant_id, status, created_at, updated_at) "
             "VALUES (9, 5, 1, 7, 'confirmed', NOW(), NOW())");
  db.Execute("INSERT INTO audit_log (at, actor, action, entity_type, entity_id, after_json) VALUES "
             "(NOW(), 'user:7', 'user.created', 'user', 7, '{\"id\":\"7\",\"name\":\"Anne\"}'), "
             "(NOW(), 'user:7', 'registration.created', 'registration', 9, "
             "'{\"id\":\"9\",\"session_id\":\"5\",\"participant_id\":\"7\"}'), "
             "(NOW(), 'user:1', 'attendance.marked', 'attendance', 5, '{\"session_id\":\"5\",\"participant_id\":\"7\"}'), "
             "(NOW(), 'user:1', 'session.created', 'session', 5, '{\"id\":\"5\"}'), "
             "(NOW(), 'user:1', 'pathway.created', 'pathway', 3, '{\"id\":\"3\"}')");

  REQUIRE(Migrator(pool).Apply(EmbeddedMigrations()).size() == EmbeddedMigrations().size() - Before(12).size());
  CHECK(db.Scalar("SELECT name FROM users WHERE id = 7") == "Anne");
  CHECK(db.Count("SELECT COUNT(*) FROM auth_tokens WHERE user_id = 7") == 1);
  CHECK(db.Count("SELECT COUNT(*) FROM notifications WHERE user_id = 7") == 1);
  CHECK(db.Count("SELECT COUNT(*) FROM registrations WHERE participant_id = 7") == 1);
  CHECK(db.Scalar("SELECT last_login_at FROM users WHERE id = 7").starts_with("2026-02-03 04:05:06"));
  auto subjects = db.Rows("SELECT action, COALESCE(person_id, ''), COALESCE(session_id, '') FROM audit_log ORDER BY id");
  CHECK(subjects == std::vector<std::vector<std::string>>{{"user.created", "7", ""},
                                                          {"registration.created", "7", "5"},
                                                          {"attendance.marked", "7", "5"},
                                                          {"session.created", "", "5"},
                                                          {"pathway.created", "", ""}});
  auto rules = db.Rows("SELECT TABLE_NAME, DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS WHERE "
                       "CONSTRAINT_SCHEMA = '" + db.name() + "' AND REFERENCED_TABLE_NAME = 'users' ORDER BY TABLE_NAME");
  std::map<std::string, std::string> rule;
  for (const auto& r : rules) rule[r[0]] = r[1];
  for (const char* t : {"auth_tokens", "password_resets", "notifications", "login_known_addresses", "login_unlock_tokens"})
    CHECK(rule[t] == "CASCADE");
  for (const char* t : {"registrations", "attendance", "attestations", "session_trainers"}) CHECK(rule[t] == "RESTRICT");

  // A record still holds the person's row; without it, the row goes with its secrets.
  CHECK_THROWS(db.Execute("DELETE FROM users WHERE id = 7"));
  db.Execute("DELETE FROM registrations WHERE id = 9");
  db.Execute("DELETE FROM users WHERE id = 7");
  CHECK(db.Count("SELECT COUNT(*) FROM auth_tokens") == 0);
  CHECK(db.Count("SELECT COUNT(*) FROM notifications") == 0);
}

TEST_CASE("db: delivered notifications are purged after their period, pending ones never", "[db][gdpr]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  db.Execute("INSERT INTO users (id, email, name, roles, created_at) VALUES (7, 'a@ex.lu', 'A', 1, NOW())");
  for (const char* row : {"'sent', '2026-01-01'", "'failed', '2026-01-02'", "'pending', '2026-01-03'",
                          "'sent', '2026-06-01'"})
    db.Execute(std::string("INSERT INTO notifications (user_id, kind, to_email, language, subject, body_text, "
                           "next_attempt_at, status, created_at) VALUES (7, 'reminder', 'a@ex.lu', 'fr', 's', 'b', "
                           "NOW(), ") + row + ")");
  int purged = 0;
  store.Transact([&](UnitOfWork& uow) {
    purged = uow.personal_data().PurgeDeliveredNotifications(*ParseSqlUtc("2026-03-01 00:00:00.000"), 100);
    return true;
  });
  CHECK(purged == 2);
  CHECK(db.Rows("SELECT status FROM notifications ORDER BY id") ==
        std::vector<std::vector<std::string>>{{"pending"}, {"sent"}});
}
