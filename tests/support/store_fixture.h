#pragma once
// A db-tier test's starting point: a fresh database with every migration applied and the store
// on it; Tx runs a function in one transaction that commits.
#include <memory>

#include "storage/connection_pool.h"
#include "storage/migrator.h"
#include "storage/mysql_store.h"
#include "test_database.h"

namespace parcours::testing {

struct StoreFixture {
  TestDatabase db;
  std::unique_ptr<ConnectionPool> pool;
  std::unique_ptr<MySqlStore> store;
  explicit StoreFixture(int connections = 8) {
    pool = std::make_unique<ConnectionPool>(*DatabaseUrl::Parse(db.Url()), connections);
    Migrator(*pool).Apply(EmbeddedMigrations());
    store = std::make_unique<MySqlStore>(*pool);
  }
  template <class F>
  void Tx(F f) {
    store->Transact([&](UnitOfWork& u) {
      f(u);
      return true;
    });
  }
};

}  // namespace parcours::testing
