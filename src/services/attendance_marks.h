#pragma once
// Writing one attendance mark, whoever records it (the sheet, a self check-in, a walk-in at the
// door, a history import): the row, its audit row about the person, and the agency feed item,
// in the caller's transaction.
#include <nlohmann/json.hpp>

#include "domain/repositories.h"
#include "services/registration_unit.h"

namespace parcours {

nlohmann::json MarkJson(const AttendanceRecord& r);

// Writes `mark` for the registrant `reg` unless the person already has this very mark (same
// status and hours): then nothing is written and false is returned. `feed`: tell the agency of
// the registration's channel (not for history imports).
bool WriteMark(UnitOfWork& uow, const RegistrationUnit& unit, const RequestContext& ctx, const Registration& reg,
               const AttendanceRecord& mark, TimePoint now, bool feed = true);

}  // namespace parcours
