// CSV as spreadsheets read and write it.
#include <catch2/catch.hpp>

#include "services/agency_service.h"
#include "services/csv.h"
#include "services/report_service.h"

using namespace parcours;

TEST_CASE("csv: BOM, semicolon or ',' detected from the header, quotes, CRLF and LF", "[csv]") {
  auto semi = ParseCsv("\xEF\xBB\xBF" "a;b;c\r\n1;\"x;y\";\"say \"\"hi\"\"\"\r\n\r\n2;;é\r\n");
  REQUIRE(semi);
  REQUIRE(semi->size() == 3);
  CHECK((*semi)[0] == CsvRow{"a", "b", "c"});
  CHECK((*semi)[1] == CsvRow{"1", "x;y", "say \"hi\""});
  CHECK((*semi)[2] == CsvRow{"2", "", "é"});
  auto comma = ParseCsv("a,b\n\"Lefèvre, Anne\",2");
  REQUIRE(comma);
  CHECK((*comma)[1] == CsvRow{"Lefèvre, Anne", "2"});
  auto multiline = ParseCsv("a;b\n\"line 1\nline 2\";x\n");
  CHECK((*multiline)[1][0] == "line 1\nline 2");
}

TEST_CASE("csv: invalid UTF-8 or an unclosed quote is refused", "[csv]") {
  CHECK_FALSE(ParseCsv("a;b\n\xff;1\n"));
  CHECK_FALSE(ParseCsv("a;b\n\"open;1\n"));
  CHECK(ParseCsv("")->empty());
}

TEST_CASE("csv: written with BOM, semicolon, CRLF, quoted when needed, formulas defused", "[csv]") {
  std::string out = WriteCsv({{"name", "note"}, {"Müller; Anne", "=SUM(A1)"}, {"plain", "say \"x\""}});
  CHECK(out == "\xEF\xBB\xBF" "name;note\r\n\"Müller; Anne\";\"'=SUM(A1)\"\r\nplain;\"say \"\"x\"\"\"\r\n");
  auto back = ParseCsv(out);
  REQUIRE(back);
  CHECK((*back)[1] == CsvRow{"Müller; Anne", "'=SUM(A1)"});
}

TEST_CASE("agencies: access is that agency's key or a coordinator", "[agency]") {
  Principal ifen;
  ifen.kind = Principal::Kind::kAgency;
  ifen.agency_code = "IFEN";
  CHECK_FALSE(CheckAgencyAccess(ifen, "IFEN"));
  CHECK(CheckAgencyAccess(ifen, "FEDAS")->code == ErrorCode::kForbidden);
  Principal coordinator;
  coordinator.kind = Principal::Kind::kUser;
  coordinator.roles = RoleBit(Role::kCoordinator);
  CHECK_FALSE(CheckAgencyAccess(coordinator, "FEDAS"));
  Principal participant;
  participant.kind = Principal::Kind::kUser;
  participant.roles = RoleBit(Role::kParticipant);
  CHECK(CheckAgencyAccess(participant, "IFEN"));
}

TEST_CASE("reports: a year is bounded in Luxembourg time", "[report]") {
  auto [from, to] = YearBounds(2024);
  CHECK(from.time_since_epoch() == std::chrono::milliseconds(1704063600000));  // 2023-12-31T23:00Z
  CHECK(to.time_since_epoch() == std::chrono::milliseconds(1735686000000));    // 2024-12-31T23:00Z
}

TEST_CASE("reports: the participation CSV lists rows, children and totals", "[report]") {
  ParticipationReport r;
  r.year = 2024;
  r.channels = {"IFEN", "FEDAS", "DIRECT", "SPECIALISED"};
  ParticipationRow child{"Contraception", 7, std::nullopt, {{"IFEN", 9}, {"FEDAS", 5}, {"DIRECT", 3}, {"SPECIALISED", 0}}, 17, {}};
  ParticipationRow pathway{"LTAS", std::nullopt, 1, child.counts, 17, {child}};
  r.rows = {pathway};
  r.totals = child.counts;
  r.total = 17;
  auto rows = ParseCsv(ReportService::ParticipationCsv(r));
  REQUIRE(rows);
  REQUIRE(rows->size() == 4);
  CHECK((*rows)[0] == CsvRow{"training", "IFEN", "FEDAS", "DIRECT", "SPECIALISED", "total"});
  CHECK((*rows)[2] == CsvRow{"  Contraception", "9", "5", "3", "0", "17"});
  CHECK((*rows)[3] == CsvRow{"Total", "9", "5", "3", "0", "17"});
}

TEST_CASE("csv: every cell a spreadsheet could read as a formula gets a leading apostrophe", "[csv]") {
  // The bypasses of review issue 8 (item 3), then OWASP's list of leading characters.
  const std::vector<std::pair<const char*, std::string>> cells = {
      {"U+0000 then =", std::string("\0=HYPERLINK(\"http://evil.example\";\"x\")", 39)},
      {"U+000B then =", "\v=1+1"},
      {"U+000C then =", "\f=1+1"},
      {"U+001F then =", "\x1f=1+1"},
      {"NBSP then =", "\xC2\xA0=1+1"},
      {"ZWSP then =", "\xE2\x80\x8B=1+1"},
      {"BOM then =", "\xEF\xBB\xBF=1+1"},
      {"spaces then =", "   =1+1"},
      {"full-width =", "\xEF\xBC\x9D" "1+1"},
      {"full-width +", "\xEF\xBC\x8B" "1"},
      {"full-width -", "\xEF\xBC\x8D" "1"},
      {"full-width @", "\xEF\xBC\xA0" "SUM(A1)"},
      {"|", "|calc!A0"},
      {"%", "%0A=1"},
      {"=", "=1+1"},
      {"+", "+1"},
      {"-", "-1"},
      {"@", "@SUM(A1)"},
      {"TAB", "\t=1"},
      {"CR", "\r=1"},
      {"NEL then =", "\xC2\x85=1"},
      {"ideographic space then =", "\xE3\x80\x80=1"},
  };
  for (const auto& [what, cell] : cells) {
    INFO(what);
    auto back = ParseCsv(WriteCsv({{"h"}, {cell}}));
    REQUIRE(back);
    REQUIRE(back->size() == 2);
    REQUIRE((*back)[1].size() == 1);
    CHECK((*back)[1][0] == "'" + cell);
  }
  // Plain text, numbers and inner formula characters stay as they are.
  for (const std::string plain : {"Anne Lefèvre", "2027-03-04", "12", "a=b", "x+y", "Lycée « Aline »", ""}) {
    INFO(plain);
    auto back = ParseCsv(WriteCsv({{"h", "x"}, {plain, "x"}}));
    REQUIRE(back);
    CHECK((*back)[1][0] == plain);
  }
}
