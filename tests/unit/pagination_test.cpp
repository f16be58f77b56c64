// Unit tests of src/services/pagination: opaque keyset cursors and page trimming.
#include "services/pagination.h"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "common/text.h"

namespace parcours {

TEST_CASE("pagination: a cursor with one number round trips", "[pagination]") {
  for (long long a : {1LL, 42LL, 9223372036854775807LL}) {
    std::string cursor = EncodeCursor(a);
    INFO(cursor);
    CHECK(cursor.find_first_of("+/=:") == std::string::npos);
    auto key = DecodeCursor(cursor);
    REQUIRE(key);
    CHECK(key->a == a);
    CHECK_FALSE(key->b);
  }
}

TEST_CASE("pagination: a cursor with two numbers round trips", "[pagination]") {
  std::string cursor = EncodeCursor(1811235600000LL, 17);
  auto key = DecodeCursor(cursor);
  REQUIRE(key);
  CHECK(key->a == 1811235600000LL);
  REQUIRE(key->b);
  CHECK(*key->b == 17);

  auto zero = DecodeCursor(EncodeCursor(0, 0));
  REQUIRE(zero);
  CHECK(zero->a == 0);
  CHECK(zero->b == 0LL);
}

TEST_CASE("pagination: garbage cursors decode to nothing", "[pagination]") {
  std::vector<std::string> garbage = {
      "",
      "!!!!",
      "Zg==",
      "Z",
      Base64UrlEncode(""),
      Base64UrlEncode("abc"),
      Base64UrlEncode("12a"),
      Base64UrlEncode(" 12"),
      Base64UrlEncode("12 "),
      Base64UrlEncode("12:"),
      Base64UrlEncode(":12"),
      Base64UrlEncode(":"),
      Base64UrlEncode("1:2:3"),
      Base64UrlEncode("1:x"),
      Base64UrlEncode("99999999999999999999"),  // does not fit in 64 bits
      Base64UrlEncode("1:99999999999999999999"),
      Base64UrlEncode(std::string(49, '1')),  // longer than any real cursor
      Base64UrlEncode(std::string("1\0", 2)),
  };
  for (const auto& cursor : garbage) {
    INFO("cursor '" << cursor << "'");
    CHECK_FALSE(DecodeCursor(cursor));
  }
}

TEST_CASE("pagination: MakePage keeps every row when there are no more", "[pagination]") {
  auto key = [](int v) { return EncodeCursor(v); };
  auto exact = MakePage(std::vector<int>{1, 2, 3}, 3, key);
  CHECK(exact.items == std::vector<int>{1, 2, 3});
  CHECK_FALSE(exact.next_cursor);

  auto fewer = MakePage(std::vector<int>{1, 2}, 3, key);
  CHECK(fewer.items == std::vector<int>{1, 2});
  CHECK_FALSE(fewer.next_cursor);

  auto none = MakePage(std::vector<int>{}, 3, key);
  CHECK(none.items.empty());
  CHECK_FALSE(none.next_cursor);
}

TEST_CASE("pagination: MakePage trims the extra row and points the cursor at the last kept",
          "[pagination]") {
  auto page =
      MakePage(std::vector<int>{10, 20, 30, 40}, 3, [](int v) { return EncodeCursor(v, v + 1); });
  CHECK(page.items == std::vector<int>{10, 20, 30});
  REQUIRE(page.next_cursor);
  auto key = DecodeCursor(*page.next_cursor);
  REQUIRE(key);
  CHECK(key->a == 30);
  CHECK(key->b == 31LL);
}

TEST_CASE("pagination: MakePage with limit 1", "[pagination]") {
  auto page = MakePage(std::vector<int>{5, 6}, 1, [](int v) { return EncodeCursor(v); });
  CHECK(page.items == std::vector<int>{5});
  REQUIRE(page.next_cursor);
  CHECK(*page.next_cursor == EncodeCursor(5));
}

}  // namespace parcours
