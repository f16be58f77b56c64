// Fuzz target: an agency's CSV import (POST /api/v1/agencies/{code}/enrolments.csv), the whole
// file as uploaded: BOM, delimiter detection, quoting, header columns in any order, each row's
// checks. A file whose rows all pass reaches the store, which refuses it.
//
// Findings: a crash or sanitizer report; an exception other than StoreUnavailable; errors
// pointing at rows the file does not have; rows applied although some were refused.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "services/csv.h"

using namespace parcours;
using namespace parcours::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string file(reinterpret_cast<const char*>(data), size);
  RequestContext ctx;
  ctx.principal.kind = Principal::Kind::kAgency;
  ctx.principal.agency_code = "IFEN";
  ctx.request_id = "fuzz";
  try {
    auto r = Offline().agencies.ImportCsv(ctx, "IFEN", file);
    if (r) {
      if (!r->errors.empty() && !r->applied.empty()) Finding("rows applied although some were refused");
      const auto rows = ParseCsv(file);
      if (!rows) Finding("the import read a file that ParseCsv refuses");
      for (const auto& e : r->errors)
        if (e.row < 2 || e.row > static_cast<int>(rows->size())) Finding("error on row " + std::to_string(e.row));
    }
  } catch (const StoreUnavailable&) {
  } catch (const std::exception& e) {
    Finding(std::string("exception from ImportCsv: ") + e.what());
  }
  return 0;
}
