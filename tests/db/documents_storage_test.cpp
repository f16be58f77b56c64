// The session documents repository against the real MariaDB: metadata, and the bytes kept in
// pieces of 1 MiB that come back whole, whatever their size against a piece.
#include <catch2/catch.hpp>

#include "common/time.h"
#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"

using namespace parcours;
using parcours::testing::TestDatabase;

TEST_CASE("db: session documents and their bytes in pieces", "[db][documents]") {
  TestDatabase db;
  ConnectionPool pool(*DatabaseUrl::Parse(db.Url()), 2);
  Migrator(pool).Apply(EmbeddedMigrations());
  MySqlStore store(pool);
  db.Execute("INSERT INTO users (id, email, name, roles, created_at) VALUES (7, 't@ex.lu', 'T', 2, NOW())");
  db.Execute("INSERT INTO modules (id, code, title, hours) VALUES (1, 'M', 'M', 4)");
  db.Execute("INSERT INTO sessions (id, module_id, starts_at, ends_at, decision_at, capacity, min_registrants) VALUES "
             "(1, 1, '2027-03-04 08:00:00', '2027-03-04 12:00:00', '2027-02-18', 10, 0), "
             "(2, 1, '2027-04-04 08:00:00', '2027-04-04 12:00:00', '2027-03-18', 10, 0)");
  const TimePoint now = *ParseRfc3339("2027-03-04T14:00:00+01:00");
  // Sizes around the piece: one byte, exactly one piece, one byte more, and binary bytes.
  std::vector<std::string> files;
  for (std::size_t size : {std::size_t{1}, std::size_t{1} << 20, (std::size_t{1} << 20) + 1}) {
    std::string bytes(size, '\0');
    for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<char>((i * 131 + 7) & 0xFF);
    files.push_back(bytes);
  }
  std::vector<Id> ids;
  store.Transact([&](UnitOfWork& uow) {
    for (std::size_t i = 0; i < files.size(); ++i) {
      SessionDocument d{0, 1, i == 2 ? DocumentKind::kSynthesis : DocumentKind::kHandout, "Titre " + std::to_string(i),
                        "f" + std::to_string(i) + ".pdf", "application/pdf", 0, std::string(64, 'a'), 7, now};
      ids.push_back(uow.documents().Insert(d, files[i]));
    }
    return true;
  });
  CHECK(db.Count("SELECT COUNT(*) FROM session_document_chunks") == 1 + 1 + 2);
  store.Transact([&](UnitOfWork& uow) {
    auto& docs = uow.documents();
    auto list = docs.OfSession(1);
    REQUIRE(list.size() == 3);
    CHECK(list[0].id == ids[0]);
    CHECK(list[2].kind == DocumentKind::kSynthesis);
    CHECK(list[1].size == (1 << 20));
    CHECK(list[0].uploaded_at == now);
    CHECK(docs.OfSession(2).empty());
    for (std::size_t i = 0; i < files.size(); ++i) CHECK(docs.Content(ids[i]) == files[i]);
    REQUIRE(docs.Find(ids[1]));
    CHECK(docs.Find(ids[1])->title == "Titre 1");
    CHECK_FALSE(docs.Find(999999));
    return true;
  });
  // An unknown kind read back is an error, not a silent default.
  db.Execute("UPDATE session_documents SET kind = 'minutes' WHERE id = " + std::to_string(ids[0]));
  CHECK_THROWS(store.Transact([&](UnitOfWork& uow) {
    uow.documents().Find(ids[0]);
    return true;
  }));
}
