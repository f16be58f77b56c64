// Unit tests of src/common/time: RFC 3339 and SQL forms, and the Luxembourg civil offset.
#include "common/time.h"
#include "test_values.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>

namespace parcours {
namespace {

using namespace std::chrono;

}  // namespace

TEST_CASE("time: RFC 3339 with Z parses to UTC", "[time]") {
  auto t = ParseRfc3339("2027-03-04T09:00:00Z");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 9)));
}

TEST_CASE("time: RFC 3339 lower-case t and z are accepted", "[time]") {
  auto t = ParseRfc3339("2027-03-04t09:00:00z");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 9)));
}

TEST_CASE("time: RFC 3339 with a positive offset parses to UTC", "[time]") {
  auto t = ParseRfc3339("2027-03-04T09:00:00+01:00");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 8)));
}

TEST_CASE("time: RFC 3339 with a negative half-hour offset parses to UTC", "[time]") {
  auto t = ParseRfc3339("2027-03-04T09:00:00-05:30");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 14, 30)));
}

TEST_CASE("time: RFC 3339 offset can move the instant to another day and year", "[time]") {
  auto t = ParseRfc3339("2027-01-01T00:30:00+01:00");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2026, 12, 31, 23, 30)));
  auto u = ParseRfc3339("2026-12-31T22:00:00-03:00");
  REQUIRE(u);
  CHECK(Ms(*u) == Ms(Utc(2027, 1, 1, 1)));
}

TEST_CASE("time: RFC 3339 fractional seconds keep milliseconds", "[time]") {
  struct Case {
    const char* text;
    int ms;
  };
  for (auto c :
       {Case{"2027-03-04T09:00:00.5Z", 500}, Case{"2027-03-04T09:00:00.05Z", 50},
        Case{"2027-03-04T09:00:00.123Z", 123}, Case{"2027-03-04T09:00:00.123456Z", 123},
        Case{"2027-03-04T09:00:00.999999999Z", 999}, Case{"2027-03-04T10:00:00.250+01:00", 250}}) {
    INFO(c.text);
    auto t = ParseRfc3339(c.text);
    REQUIRE(t);
    CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 9, 0, 0, c.ms)));
  }
}

TEST_CASE("time: RFC 3339 accepts 29 February only in leap years", "[time]") {
  CHECK(ParseRfc3339("2028-02-29T12:00:00Z"));
  CHECK_FALSE(ParseRfc3339("2027-02-29T12:00:00Z"));
}

TEST_CASE("time: RFC 3339 without an offset is rejected", "[time]") {
  CHECK_FALSE(ParseRfc3339("2027-03-04T09:00:00"));
  CHECK_FALSE(ParseRfc3339("2027-03-04T09:00:00.500"));
  CHECK_FALSE(ParseRfc3339("2027-03-04"));
}

TEST_CASE("time: RFC 3339 with an impossible date or time is rejected", "[time]") {
  for (const char* text :
       {"2027-02-30T09:00:00Z", "2027-04-31T09:00:00Z", "2027-13-01T09:00:00Z",
        "2027-00-10T09:00:00Z", "2027-03-00T09:00:00Z", "2027-03-04T24:00:00Z",
        "2027-03-04T09:60:00Z", "2027-03-04T09:00:60Z", "2027-03-04T09:00:00+24:00",
        "2027-03-04T09:00:00+01:60", "1899-12-31T09:00:00Z"}) {
    INFO(text);
    CHECK_FALSE(ParseRfc3339(text));
  }
}

TEST_CASE("time: RFC 3339 garbage and malformed shapes are rejected", "[time]") {
  for (const char* text :
       {"", "garbage", "not a date at all, honestly", "2027-03-04 09:00:00Z",
        "2027/03/04T09:00:00Z", "2027-3-4T9:00:00Z", "2027-03-04T09:00Z", "2027-03-04T09-00-00Z",
        "2027-03-04T09:00:00.Z", "2027-03-04T09:00:00.1234567890Z", "2027-03-04T09:00:00+0100",
        "2027-03-04T09:00:00+01", "2027-03-04T09:00:00+1:00", "2027-03-04T09:00:00UTC",
        "+027-03-04T09:00:00Z", "2027-03-04T09:00:00 Z", "x2027-03-04T09:00:00Z"}) {
    INFO(text);
    CHECK_FALSE(ParseRfc3339(text));
  }
}

TEST_CASE("time: RFC 3339 with trailing characters is rejected", "[time]") {
  CHECK_FALSE(ParseRfc3339("2027-03-04T09:00:00Zx"));
  CHECK_FALSE(ParseRfc3339("2027-03-04T09:00:00Z "));
  CHECK_FALSE(ParseRfc3339("2027-03-04T09:00:00+01:00x"));
  CHECK_FALSE(ParseRfc3339("2027-03-04T09:00:00+01:00:00"));
}

TEST_CASE("time: FormatRfc3339 writes the civil time and the offset", "[time]") {
  CHECK(FormatRfc3339(Utc(2027, 3, 4, 8), 60) == "2027-03-04T09:00:00+01:00");
  CHECK(FormatRfc3339(Utc(2027, 3, 4, 8), 0) == "2027-03-04T08:00:00Z");
  CHECK(FormatRfc3339(Utc(2027, 3, 4, 8), -330) == "2027-03-04T02:30:00-05:30");
  CHECK(FormatRfc3339(Utc(2026, 12, 31, 23, 30), 60) == "2027-01-01T00:30:00+01:00");
}

TEST_CASE("time: FormatRfc3339 drops milliseconds", "[time]") {
  CHECK(FormatRfc3339(Utc(2027, 3, 4, 8, 0, 1, 999), 0) == "2027-03-04T08:00:01Z");
}

TEST_CASE("time: FormatRfc3339 and ParseRfc3339 round trip whole seconds", "[time]") {
  for (int offset : {0, 60, 120, -330, 345, -720, 840}) {
    for (auto t : {Utc(2027, 3, 4, 8), Utc(2000, 2, 29, 23, 59, 59), Utc(2099, 12, 31, 0, 0, 1)}) {
      std::string text = FormatRfc3339(t, offset);
      INFO(text);
      auto back = ParseRfc3339(text);
      REQUIRE(back);
      CHECK(Ms(*back) == Ms(t));
    }
  }
}

TEST_CASE("time: Luxembourg is CET (+60) in January", "[time]") {
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 1, 15, 12)) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 12, 31, 23, 59, 59)) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 1, 1)) == 60);
}

TEST_CASE("time: Luxembourg is CEST (+120) in July", "[time]") {
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 7, 15, 12)) == 120);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 4, 1)) == 120);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 10, 1)) == 120);
}

TEST_CASE("time: Luxembourg switches to summer time on the last Sunday of March at 01:00 UTC",
          "[time]") {
  // 2027-03-28 is the last Sunday of March 2027.
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 3, 28, 0, 59, 59, 999)) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 3, 28, 1)) == 120);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 3, 21, 12)) == 60);  // the Sunday before
  // 2024-03-31: the month ends on a Sunday.
  CHECK(LuxembourgOffsetMinutes(Utc(2024, 3, 31, 0, 59, 59)) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc(2024, 3, 31, 1)) == 120);
  // 2026-03-29.
  CHECK(LuxembourgOffsetMinutes(Utc(2026, 3, 29, 0, 59)) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc(2026, 3, 29, 1)) == 120);
}

TEST_CASE("time: Luxembourg returns to winter time on the last Sunday of October at 01:00 UTC",
          "[time]") {
  // 2027-10-31 is the last Sunday of October 2027 (and the last day of the month).
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 10, 31, 0, 59, 59, 999)) == 120);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 10, 31, 1)) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc(2027, 10, 24, 12)) == 120);  // the Sunday before
  // 2026-10-25.
  CHECK(LuxembourgOffsetMinutes(Utc(2026, 10, 25, 0, 59)) == 120);
  CHECK(LuxembourgOffsetMinutes(Utc(2026, 10, 25, 1)) == 60);
}

TEST_CASE("time: the switch instants parsed from RFC 3339 get the new offset", "[time]") {
  auto spring = ParseRfc3339("2027-03-28T01:00:00Z");
  auto autumn = ParseRfc3339("2027-10-31T01:00:00Z");
  REQUIRE(spring);
  REQUIRE(autumn);
  CHECK(LuxembourgOffsetMinutes(*spring) == 120);
  CHECK(LuxembourgOffsetMinutes(*autumn) == 60);
}

TEST_CASE("time: FormatLocal shows Luxembourg civil time with its offset", "[time]") {
  CHECK(FormatLocal(Utc(2027, 3, 4, 8)) == "2027-03-04T09:00:00+01:00");
  CHECK(FormatLocal(Utc(2027, 7, 1, 7)) == "2027-07-01T09:00:00+02:00");
  // Around the spring switch: 01:59:59 CET is followed by 03:00:00 CEST.
  CHECK(FormatLocal(Utc(2027, 3, 28, 0, 59, 59)) == "2027-03-28T01:59:59+01:00");
  CHECK(FormatLocal(Utc(2027, 3, 28, 1)) == "2027-03-28T03:00:00+02:00");
  // Around the autumn switch: 02:30 local happens twice, told apart by the offset.
  CHECK(FormatLocal(Utc(2027, 10, 31, 0, 30)) == "2027-10-31T02:30:00+02:00");
  CHECK(FormatLocal(Utc(2027, 10, 31, 1, 30)) == "2027-10-31T02:30:00+01:00");
}

TEST_CASE("time: FormatLocal output parses back to the same instant", "[time]") {
  for (auto t :
       {Utc(2027, 3, 28, 1), Utc(2027, 10, 31, 0, 30), Utc(2027, 10, 31, 1, 30), Utc(2027, 1, 1)}) {
    auto back = ParseRfc3339(FormatLocal(t));
    REQUIRE(back);
    CHECK(Ms(*back) == Ms(t));
  }
}

TEST_CASE("time: FormatSqlUtc writes UTC with milliseconds", "[time]") {
  CHECK(FormatSqlUtc(Utc(2027, 3, 4, 9, 5, 7, 42)) == "2027-03-04 09:05:07.042");
  CHECK(FormatSqlUtc(Utc(1970, 1, 1)) == "1970-01-01 00:00:00.000");
}

TEST_CASE("time: FormatSqlUtc and ParseSqlUtc round trip", "[time]") {
  for (auto t : {Utc(2027, 3, 4, 9, 5, 7, 42), Utc(1970, 1, 1), Utc(1999, 12, 31, 23, 59, 59, 999),
                 Utc(2028, 2, 29, 12, 0, 0, 1)}) {
    std::string text = FormatSqlUtc(t);
    INFO(text);
    auto back = ParseSqlUtc(text);
    REQUIRE(back);
    CHECK(Ms(*back) == Ms(t));
  }
}

TEST_CASE("time: ParseSqlUtc reads six fractional digits as MariaDB returns them", "[time]") {
  auto t = ParseSqlUtc("2027-03-04 09:05:07.042000");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 9, 5, 7, 42)));
  auto u = ParseSqlUtc("2027-03-04 09:05:07.999999");
  REQUIRE(u);
  CHECK(Ms(*u) == Ms(Utc(2027, 3, 4, 9, 5, 7, 999)));
}

TEST_CASE("time: ParseSqlUtc reads values without fractional seconds", "[time]") {
  auto t = ParseSqlUtc("2027-03-04 09:05:07");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(Utc(2027, 3, 4, 9, 5, 7)));
}

TEST_CASE("time: ParseSqlUtc rejects garbage and impossible dates", "[time]") {
  for (const char* text : {"", "garbage", "2027-03-04", "2027-02-30 09:00:00",
                           "2027-03-04 24:00:00", "2027-03-04 09:xx:00"}) {
    INFO(text);
    CHECK_FALSE(ParseSqlUtc(text));
  }
}

TEST_CASE("time: Luxembourg's offset comes from the time-zone database, also in past years", "[time]") {
  // 1977 was Luxembourg's first summer time since the war (from 3 April); 1976 had none.
  CHECK(LuxembourgOffsetMinutes(Utc("1976-07-01T12:00:00Z")) == 60);
  CHECK(LuxembourgOffsetMinutes(Utc("1977-07-01T12:00:00Z")) == 120);
}

TEST_CASE("time: the start of a Luxembourg day, on both sides of both changes", "[time]") {
  CHECK(*LuxembourgDayStart("2027-01-15") == Utc("2027-01-14T23:00:00Z"));
  CHECK(*LuxembourgDayStart("2027-03-28") == Utc("2027-03-27T23:00:00Z"));  // the change is at 02:00
  CHECK(*LuxembourgDayStart("2027-03-29") == Utc("2027-03-28T22:00:00Z"));
  CHECK(*LuxembourgDayStart("2027-07-01") == Utc("2027-06-30T22:00:00Z"));
  CHECK(*LuxembourgDayStart("2027-10-31") == Utc("2027-10-30T22:00:00Z"));
  CHECK(*LuxembourgDayStart("2027-11-01") == Utc("2027-10-31T23:00:00Z"));
  CHECK_FALSE(LuxembourgDayStart("2027-02-30"));
  CHECK_FALSE(LuxembourgDayStart("2027-1-01"));
  CHECK_FALSE(LuxembourgDayStart("2027-01-01T"));
}

TEST_CASE("time: Luxembourg clock times skipped or repeated by a change resolve predictably", "[time]") {
  // 02:30 does not exist on 28 March 2027: it is read as 03:30 summer time.
  CHECK(*LuxembourgLocalToUtc(2027, 3, 28, 2, 30) == Utc("2027-03-28T01:30:00Z"));
  // 02:30 happens twice on 31 October 2027: the first time, still in summer time.
  CHECK(*LuxembourgLocalToUtc(2027, 10, 31, 2, 30) == Utc("2027-10-31T00:30:00Z"));
  CHECK(*LuxembourgLocalToUtc(2027, 10, 31, 3, 30) == Utc("2027-10-31T02:30:00Z"));
}

TEST_CASE("time: calendar days keep the Luxembourg clock time across a change", "[time]") {
  // 6 April 2027 09:00 summer time, fourteen days earlier: 23 March 09:00 winter time.
  CHECK(AddLuxembourgDays(Utc("2027-04-06T07:00:00Z"), -14) == Utc("2027-03-23T08:00:00Z"));
  // 9 November 14:00 winter time, fourteen days earlier: 26 October 14:00 summer time.
  CHECK(AddLuxembourgDays(Utc("2027-11-09T13:00:00Z"), -14) == Utc("2027-10-26T12:00:00Z"));
  CHECK(AddLuxembourgDays(Utc("2027-07-20T07:00:00Z"), -14) == Utc("2027-07-06T07:00:00Z"));
}

}  // namespace parcours
