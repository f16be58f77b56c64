// Unit tests of src/http/json_io: reading request bodies and their fields into typed values
// with one field error per bad field.
#include "http/json_io.h"
#include "test_values.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

namespace parcours::http {
namespace {

using namespace std::chrono;

// The reader keeps a reference to the object, so the tests keep the object alive.
struct Reading {
  explicit Reading(const std::string& text) : obj(json::parse(text)), reader(obj) {}
  json obj;
  FieldReader reader;
};

}  // namespace

TEST_CASE("json_io: ParseObject accepts a JSON object", "[json_io]") {
  auto r = ParseObject(R"({"name":"LTAS","hours":32})");
  REQUIRE(r);
  CHECK((*r)["name"] == "LTAS");
  auto spaced = ParseObject(" \n{ } \n");
  REQUIRE(spaced);
  CHECK(spaced->empty());
  auto accented = ParseObject("{\"city\":\"Esch-sur-Alzette \xc3\xa9\"}");
  CHECK(accented);
}

TEST_CASE("json_io: ParseObject rejects an empty body", "[json_io]") {
  auto r = ParseObject("");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::kMalformed);
}

TEST_CASE("json_io: ParseObject rejects invalid JSON", "[json_io]") {
  for (const char* body : {"{", "}", "{'a':1}", "{\"a\":}", "{\"a\":1,}", "{} x", "{}{}", "   ",
                           "nul", "{\"a\":01}", "{\"a\":NaN}"}) {
    INFO(body);
    auto r = ParseObject(body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kMalformed);
  }
}

TEST_CASE("json_io: ParseObject rejects invalid UTF-8 inside a string", "[json_io]") {
  for (const char* body :
       {"{\"a\":\"\xff\"}", "{\"a\":\"\xc3\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"\xff\":1}"}) {
    auto r = ParseObject(body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kMalformed);
  }
}

TEST_CASE("json_io: ParseObject rejects arrays and scalars", "[json_io]") {
  for (const char* body : {"[]", "[{\"a\":1}]", "42", "\"text\"", "null", "true", "1.5"}) {
    INFO(body);
    auto r = ParseObject(body);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::kMalformed);
  }
}

TEST_CASE("json_io: String reads strings and reports missing, wrong type and length", "[json_io]") {
  Reading in(R"({"name":"LTAS","n":5,"nothing":null,"long":"abcdef"})");
  auto& r = in.reader;
  CHECK(r.String("name") == std::string("LTAS"));
  CHECK(r.errors().empty());

  CHECK_FALSE(r.String("absent", /*required=*/false));
  CHECK_FALSE(r.String("nothing", /*required=*/false));
  CHECK(r.errors().empty());

  CHECK_FALSE(r.String("absent"));
  CHECK_FALSE(r.String("nothing"));
  CHECK_FALSE(r.String("n"));
  CHECK_FALSE(r.String("long", true, 5));
  CHECK(r.String("long", true, 6) == std::string("abcdef"));
  REQUIRE(r.errors().size() == 4);
  CHECK(r.errors()[0].field == "absent");
  CHECK(r.errors()[0].message == "is required");
  CHECK(r.errors()[1].field == "nothing");
  CHECK(r.errors()[1].message == "is required");
  CHECK(r.errors()[2].field == "n");
  CHECK(r.errors()[2].message == "must be a string");
  CHECK(r.errors()[3].field == "long");
  CHECK(r.errors()[3].message == "is too long");
  CHECK_FALSE(r.errors().empty());
}

TEST_CASE("json_io: Integer accepts integers and integral floats in range", "[json_io]") {
  Reading in(R"({"a":3,"b":3.0,"c":-7,"d":0,"e":100,"f":9223372036854775807})");
  auto& r = in.reader;
  CHECK(r.Integer("a", true, 0, 100) == 3LL);
  CHECK(r.Integer("b", true, 0, 100) == 3LL);
  CHECK(r.Integer("c", true, -10, 10) == -7LL);
  CHECK(r.Integer("d", true, 0, 100) == 0LL);
  CHECK(r.Integer("e", true, 0, 100) == 100LL);
  CHECK(r.Integer("f", true, 0, 9223372036854775807LL) == 9223372036854775807LL);
  CHECK_FALSE(r.Integer("absent", false, 0, 100));
  CHECK(r.errors().empty());
}

TEST_CASE("json_io: Integer rejects fractions, huge numbers and out-of-range values", "[json_io]") {
  Reading in(R"({"frac":2.5,"huge":1e30,"max_unsigned":18446744073709551615,
                 "just_over":9223372036854775808,"low":-1,"high":101,"text":"3",
                 "flag":true,"list":[1],"neg_huge":-1e30,"tiny":0.5})");
  for (const char* field : {"frac", "huge", "max_unsigned", "just_over", "low", "high", "text",
                            "flag", "list", "neg_huge", "tiny"}) {
    INFO(field);
    FieldReader r(in.obj);
    CHECK_FALSE(r.Integer(field, true, 0, 100));
    REQUIRE(r.errors().size() == 1);
    CHECK(r.errors()[0].field == field);
  }
}

TEST_CASE("json_io: Integer with the full 64-bit range still rejects unsigned overflow",
          "[json_io]") {
  Reading in(R"({"max_unsigned":18446744073709551615,"just_over":9223372036854775808})");
  auto& r = in.reader;
  CHECK_FALSE(r.Integer("max_unsigned", true, 0, 9223372036854775807LL));
  CHECK_FALSE(r.Integer("just_over", true, 0, 9223372036854775807LL));
  CHECK(r.errors().size() == 2);
}

TEST_CASE("json_io: Integer error messages say what is wrong", "[json_io]") {
  Reading in(R"({"text":"3","low":-5,"high":101,"frac":2.5})");
  auto& r = in.reader;
  r.Integer("text", true, 1, 100);
  r.Integer("low", true, 1, 100);
  r.Integer("high", true, 1, 100);
  r.Integer("frac", true, 1, 100);
  r.Integer("absent", true, 1, 100);
  REQUIRE(r.errors().size() == 5);
  CHECK(r.errors()[0].message == "must be an integer");
  CHECK(r.errors()[1].message == "must be between 1 and 100");
  CHECK_THAT(r.errors()[2].message, Catch::Matchers::EndsWith("between 1 and 100"));
  CHECK(r.errors()[3].message == "must be an integer between 1 and 100");
  CHECK(r.errors()[4].message == "is required");
}

TEST_CASE("json_io: Number reads finite numbers in range", "[json_io]") {
  Reading in(R"({"hours":3.5,"whole":8,"neg":-1,"text":"4","big":1e300})");
  auto& r = in.reader;
  CHECK(r.Number("hours", true, 0, 1000) == 3.5);
  CHECK(r.Number("whole", true, 0, 1000) == 8.0);
  CHECK(r.errors().empty());
  CHECK_FALSE(r.Number("neg", true, 0, 1000));
  CHECK_FALSE(r.Number("text", true, 0, 1000));
  CHECK_FALSE(r.Number("big", true, 0, 1000));
  CHECK(r.errors().size() == 3);
}

TEST_CASE("json_io: Time reads RFC 3339 with an offset", "[json_io]") {
  Reading in(R"({"starts_at":"2027-03-04T09:00:00+01:00"})");
  auto t = in.reader.Time("starts_at");
  REQUIRE(t);
  CHECK(Ms(*t) == Ms(TimePoint(sys_days(year{2027} / 3 / 4).time_since_epoch() + hours(8))));
  CHECK(in.reader.ok());
}

TEST_CASE("json_io: Time rejects a time without an offset and non-strings", "[json_io]") {
  Reading in(R"({"local":"2027-03-04T09:00:00","date":"2027-03-04","n":1811235600})");
  auto& r = in.reader;
  CHECK_FALSE(r.Time("local"));
  CHECK_FALSE(r.Time("date"));
  CHECK_FALSE(r.Time("n"));
  CHECK_FALSE(r.Time("absent", false));
  REQUIRE(r.errors().size() == 3);
  CHECK(r.errors()[0].field == "local");
  CHECK(r.errors()[1].field == "date");
  CHECK(r.errors()[2].field == "n");
  CHECK(r.errors()[2].message == "must be a string");
}

TEST_CASE("json_io: IdString requires a string of digits", "[json_io]") {
  Reading in(R"({"ok":"42","number":42,"zero":"0","lead":"042","neg":"-1","text":"abc",
                 "empty":"","long":"1000000000000000000"})");
  auto& r = in.reader;
  CHECK(r.IdString("ok") == 42LL);
  CHECK(r.errors().empty());
  for (const char* field : {"number", "zero", "lead", "neg", "text", "empty", "long"}) {
    INFO(field);
    FieldReader one(in.obj);
    CHECK_FALSE(one.IdString(field));
    REQUIRE(one.errors().size() == 1);
    CHECK(one.errors()[0].message == "must be an id (a string of digits)");
  }
  FieldReader missing(in.obj);
  CHECK_FALSE(missing.IdString("absent", false));
  CHECK(missing.errors().empty());
  CHECK_FALSE(missing.IdString("absent"));
  CHECK(missing.errors().size() == 1);
}

TEST_CASE("json_io: Strings reads arrays of short strings", "[json_io]") {
  Reading in(R"({"tags":["a","b"],"empty":[],"mixed":["a",1],"not":"a","three":["a","b","c"]})");
  auto& r = in.reader;
  CHECK(r.Strings("tags") == std::vector<std::string>{"a", "b"});
  CHECK(r.Strings("empty") == std::vector<std::string>{});
  CHECK(r.errors().empty());

  CHECK_FALSE(r.Strings("mixed"));
  CHECK_FALSE(r.Strings("not"));
  CHECK_FALSE(r.Strings("three", true, 2));
  CHECK_FALSE(r.Strings("absent", false));
  REQUIRE(r.errors().size() == 3);
  CHECK(r.errors()[0].field == "mixed[1]");
  CHECK(r.errors()[1].field == "not");
  CHECK(r.errors()[1].message == "must be an array");
  CHECK(r.errors()[2].field == "three");
  CHECK(r.errors()[2].message == "must have at most 2 items");
}

TEST_CASE("json_io: Strings rejects items longer than 200 bytes", "[json_io]") {
  json obj = json::object();
  obj["ok"] = json::array({std::string(200, 'x')});
  obj["long"] = json::array({"a", std::string(201, 'x')});
  FieldReader r(obj);
  CHECK(r.Strings("ok"));
  CHECK_FALSE(r.Strings("long"));
  REQUIRE(r.errors().size() == 1);
  CHECK(r.errors()[0].field == "long[1]");
}

TEST_CASE("json_io: Array returns the array within its item limit", "[json_io]") {
  Reading in(R"({"items":[{"id":"1"},{"id":"2"}],"obj":{}})");
  auto& r = in.reader;
  const json* items = r.Array("items");
  REQUIRE(items);
  CHECK(items->size() == 2);
  CHECK(r.Array("items", true, 2));
  CHECK(r.errors().empty());
  CHECK_FALSE(r.Array("items", true, 1));
  CHECK_FALSE(r.Array("obj"));
  CHECK_FALSE(r.Array("absent"));
  CHECK_FALSE(r.Array("absent", false));
  CHECK(r.errors().size() == 3);
}

TEST_CASE("json_io: Has is true only for present, non-null fields", "[json_io]") {
  Reading in(R"({"a":0,"b":null,"c":""})");
  CHECK(in.reader.Has("a"));
  CHECK_FALSE(in.reader.Has("b"));
  CHECK(in.reader.Has("c"));
  CHECK_FALSE(in.reader.Has("d"));
}

TEST_CASE("json_io: errors from several fields are collected", "[json_io]") {
  Reading in(R"({"email":5,"capacity":"x"})");
  auto& r = in.reader;
  r.String("email");
  r.Integer("capacity", true, 1, 100000);
  r.Time("starts_at");
  r.AddError("custom", "is wrong");
  REQUIRE(r.errors().size() == 4);
  CHECK(r.errors()[0].field == "email");
  CHECK(r.errors()[1].field == "capacity");
  CHECK(r.errors()[2].field == "starts_at");
  CHECK(r.errors()[3].field == "custom");
}

}  // namespace parcours::http

namespace parcours::http {
TEST_CASE("json_io: fields that no read asked for make ok() false, named, and the problem a 400", "[json_io]") {
  auto obj = json::parse(R"({"name":"A","langauge":"de","nested":{"hours":4,"huors":4}})");
  FieldReader f(obj);
  CHECK(f.String("name"));
  CHECK(f.Has("nested"));
  FieldReader inner(obj["nested"]);
  CHECK(inner.Number("hours", true, 0, 10));
  f.Absorb(inner, "nested.");
  CHECK_FALSE(f.ok());
  auto p = f.Problem("x");
  CHECK(p.code == ErrorCode::kMalformed);
  REQUIRE(p.errors.size() == 2);
  CHECK(p.errors[0].field == "nested.huors");
  CHECK(p.errors[1].field == "langauge");
  // Known fields that break rules, and nothing unknown: 422.
  auto ok_obj = json::parse(R"({"name":7})");
  FieldReader g(ok_obj);
  CHECK_FALSE(g.String("name"));
  CHECK(g.Problem("bad").code == ErrorCode::kInvalidInput);
}
}  // namespace parcours::http
