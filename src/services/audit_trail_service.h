#pragma once
// The audit trail as coordinators read it: rows filtered by person (rows about them and rows
// they wrote), session, action and time, newest first, by pages or as one CSV file.
#include <optional>
#include <string>

#include "common/clock.h"
#include "domain/errors.h"
#include "domain/repositories.h"
#include "services/pagination.h"

namespace parcours {

struct AuditQuery {
  std::optional<Id> person, session;
  std::optional<std::string> action;
  std::optional<TimePoint> from, to;  // from inclusive, to exclusive
};

class AuditTrailService {
 public:
  // A CSV export holds at most this many rows; a wider filter is refused (narrow it).
  static constexpr int kMaxCsvRows = 100000;

  explicit AuditTrailService(Store& store) : store_(store) {}
  Result<Page<AuditRecord>> List(const RequestContext& ctx, const AuditQuery& query, const PageRequest& page);
  // UTF-8 with BOM, ';', CRLF (services/csv.h): id, at, actor, action, entity_type, entity_id,
  // person_id, session_id, request_id, before, after.
  Result<std::string> Csv(const RequestContext& ctx, const AuditQuery& query);

 private:
  Store& store_;
};

}  // namespace parcours
