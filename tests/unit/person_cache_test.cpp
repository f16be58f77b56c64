// What a person's pages show, kept per person (services/person_cache.h, issue 13): used only
// while its stamp is the current one, at most so many people (the least recently used goes
// first), and a value read under an older version never replaces a newer one.
#include <catch2/catch.hpp>

#include <string>

#include "services/person_cache.h"

using namespace parcours;

namespace {
std::shared_ptr<const std::string> Value(const char* s) { return std::make_shared<const std::string>(s); }
}  // namespace

TEST_CASE("person cache: a kept value is used only while its stamp is current", "[unit][person_cache]") {
  PersonCache<std::string> cache(4);
  CHECK_FALSE(cache.Find(1, {0, 0}));
  cache.Put(1, {3, 7}, Value("rows"));
  REQUIRE(cache.Find(1, {3, 7}));
  CHECK(*cache.Find(1, {3, 7}) == "rows");
  CHECK_FALSE(cache.Find(1, {4, 7}));  // the person changed
  CHECK_FALSE(cache.Find(1, {3, 8}));  // the catalogue's structure changed
  CHECK_FALSE(cache.Find(2, {3, 7}));  // another person
  cache.Put(1, {4, 7}, Value("newer"));
  CHECK(*cache.Find(1, {4, 7}) == "newer");
  cache.Put(1, {3, 7}, Value("older"));  // a slower request that read before the change
  CHECK(*cache.Find(1, {4, 7}) == "newer");
  CHECK_FALSE(cache.Find(1, {3, 7}));
}

TEST_CASE("person cache: at most so many people, the least recently used dropped first", "[unit][person_cache]") {
  PersonCache<std::string> cache(3);
  for (Id p = 1; p <= 3; ++p) cache.Put(p, {1, 1}, Value("x"));
  REQUIRE(cache.Find(1, {1, 1}));  // 1 used: 2 is now the least recently used
  cache.Put(4, {1, 1}, Value("x"));
  CHECK(cache.size() == 3);
  CHECK_FALSE(cache.Find(2, {1, 1}));
  CHECK(cache.Find(1, {1, 1}));
  CHECK(cache.Find(3, {1, 1}));
  CHECK(cache.Find(4, {1, 1}));
  PersonCache<std::string> none(0);
  none.Put(1, {1, 1}, Value("x"));
  CHECK(none.size() == 0);
}
