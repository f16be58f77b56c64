#pragma once
// Participation from before Parcours: the coordinator imports a CSV of past attendance (one
// row per person, module and date), applied all rows or none. Each (module, date) becomes an
// imported past session (completed, 09:00 Luxembourg time, the module's length), each row a
// registration marked imported on its channel and an attendance mark; people are found by
// e-mail or created without a password. Imported attendance counts like any other in
// progress, attestations and the yearly reports; every row written says "imported" in the
// audit trail, with the import's id. Importing the same rows again changes nothing.
#include <string>
#include <vector>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/agency_service.h"
#include "services/registration_unit.h"

namespace parcours {

struct HistoryImportResult {
  Id import_id = 0;
  int rows = 0;
  int people_created = 0;
  int sessions_created = 0;
  int recorded = 0;   // rows that wrote a mark
  int unchanged = 0;  // rows already recorded exactly so (an import repeated)
  std::vector<CsvRowError> errors;  // non-empty: nothing was applied
};

class HistoryService {
 public:
  HistoryService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}
  // Columns by header name, in any order: email, name, module (its code), date (YYYY-MM-DD,
  // before today), status (present, absent, excused, partial), and optionally organisation,
  // hours (required for partial) and channel (DIRECT by default, SPECIALISED or an agency code),
  // and structure, sector (needed for a structure not yet known) and profession: the person's
  // membership from that date.
  Result<HistoryImportResult> Import(const RequestContext& ctx, const std::string& csv);

 private:
  Store& store_;
  const Clock& clock_;
  RegistrationUnit unit_;  // imported registrations: no message, no feed item
};

}  // namespace parcours
