// What a process keeps of answers is bounded, and a flood of new keys drops the least recently
// used first: the keys people keep asking for stay (common/lru_map.h, CatalogueCache).
#include <catch2/catch.hpp>

#include <string>

#include "common/lru_map.h"
#include "services/catalogue_cache.h"

using namespace parcours;

TEST_CASE("LruMap keeps at most its capacity and drops the least recently used first", "[unit][cache]") {
  LruMap<int> m(3);
  m.Put("a", 1);
  m.Put("b", 2);
  m.Put("c", 3);
  REQUIRE(m.Find("a"));  // "a" is now the most recently used, "b" the least
  m.Put("d", 4);
  CHECK(m.size() == 3);
  CHECK_FALSE(m.Contains("b"));
  CHECK(*m.Find("a") == 1);
  CHECK(*m.Find("c") == 3);
  CHECK(*m.Find("d") == 4);
  // Putting a key again replaces its value and drops nothing.
  m.Put("c", 30);
  CHECK(m.size() == 3);
  CHECK(*m.Find("c") == 30);
  CHECK(m.Find("b") == nullptr);
  LruMap<int> none(0);
  none.Put("a", 1);
  CHECK(none.size() == 0);
}

TEST_CASE("LruMap: a key used between floods of new keys stays", "[unit][cache]") {
  LruMap<std::string> m(16);
  m.Put("/", "catalogue");
  for (int i = 0; i < 10000; ++i) {
    m.Put("/?x=" + std::to_string(i), "junk");
    if (i % 10 == 0) REQUIRE(m.Find("/"));  // asked for now and then, as a popular page is
  }
  CHECK(*m.Find("/") == "catalogue");
  CHECK(m.size() == 16);
}

TEST_CASE("CatalogueCache drops one entry when full, not all of them", "[unit][cache]") {
  CatalogueCache<int> cache(4);
  CatalogueReading r;
  r.enabled = true;
  r.bound_ns = 1000;
  for (int i = 0; i < 4; ++i) cache.Put("k" + std::to_string(i), r, i);
  REQUIRE(cache.Find("k0", r));  // k1 is now the least recently used
  cache.Put("k4", r, 4);
  CHECK(cache.size() == 4);
  CHECK_FALSE(cache.Holds("k1"));
  for (const char* k : {"k0", "k2", "k3", "k4"}) CHECK(cache.Holds(k));
  // Unkept values are stamped but take no place.
  auto loose = CatalogueCache<int>::Unkept(r, 9);
  CHECK(loose->value == 9);
  CHECK(cache.size() == 4);
  CHECK_FALSE(cache.Holds("k9"));
}
