// Fuzz target: the CSV writer (exports, reports) read back by the CSV reader (imports). Rows of
// valid UTF-8 cells are written with a BOM, ';' and CRLF, then parsed.
//
// Findings: a crash or sanitizer report; a table that does not read back cell for cell, where
// a cell that a spreadsheet could read as a formula reads back with its leading apostrophe,
// and a row with no cell or one empty cell (a blank line, which readers skip) is dropped.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "services/csv.h"

using namespace parcours;
using namespace parcours::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  std::vector<CsvRow> rows(in.ConsumeIntegralInRange(0, 8));
  std::vector<CsvRow> expected;
  for (auto& row : rows) {
    row.resize(in.ConsumeIntegralInRange(0, 6));
    for (auto& cell : row) cell = ToUtf8(in.ConsumeRandomLengthString(40));
    if (row.empty() || (row.size() == 1 && row[0].empty())) continue;
    CsvRow want;
    for (const auto& cell : row) want.push_back(LooksLikeFormula(cell) ? "'" + cell : cell);
    expected.push_back(want);
  }
  const std::string text = WriteCsv(rows);
  auto back = ParseCsv(text);
  if (!back) Finding("the written CSV does not parse");
  if (*back != expected) {
    std::string detail;
    for (const auto& r : *back) {
      detail += "\n  read:";
      for (const auto& c : r) detail += " [" + c + "]";
    }
    for (const auto& r : expected) {
      detail += "\n  want:";
      for (const auto& c : r) detail += " [" + c + "]";
    }
    Finding("the CSV does not read back as written:" + detail);
  }
  for (const auto& row : *back)
    for (const auto& cell : row)
      if (LooksLikeFormula(cell)) Finding("a cell read back that a spreadsheet runs as a formula: " + cell);
  return 0;
}
