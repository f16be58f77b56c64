#include "services/audit_trail_service.h"

#include "common/time.h"
#include "services/csv.h"
#include "services/views.h"

namespace parcours {
namespace {

constexpr int kCsvBatch = 1000;

std::optional<DomainError> CheckAccess(const RequestContext& ctx) {
  if (ctx.principal.IsCoordinator()) return std::nullopt;
  return DomainError{ErrorCode::kForbidden, "The audit trail is read by coordinators.", {}};
}

AuditFilter FilterOf(const AuditQuery& q) {
  AuditFilter f;
  f.person = q.person;
  f.session = q.session;
  f.action = q.action;
  f.from = q.from;
  f.to = q.to;
  return f;
}

std::string OptionalId(const std::optional<Id>& id) { return id ? IdString(*id) : ""; }

}  // namespace

Result<Page<AuditRecord>> AuditTrailService::List(const RequestContext& ctx, const AuditQuery& query,
                                                  const PageRequest& page) {
  if (auto denied = CheckAccess(ctx)) return Fail(*denied);
  AuditFilter filter = FilterOf(query);
  if (page.cursor) {
    auto key = DecodeCursor(*page.cursor);
    if (!key || key->b || key->a <= 0)
      return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"cursor", "is not a cursor of this list"}});
    filter.before_id = key->a;
  }
  filter.limit = page.limit + 1;
  std::vector<AuditRecord> rows;
  store_.Transact([&](UnitOfWork& uow) {
    rows = uow.audit().List(filter);
    return true;
  });
  return MakePage(std::move(rows), page.limit, [](const AuditRecord& r) { return EncodeCursor(r.id); });
}

Result<std::string> AuditTrailService::Csv(const RequestContext& ctx, const AuditQuery& query) {
  if (auto denied = CheckAccess(ctx)) return Fail(*denied);
  std::vector<CsvRow> rows = {{"id", "at", "actor", "action", "entity_type", "entity_id", "person_id", "session_id",
                               "request_id", "before", "after"}};
  AuditFilter filter = FilterOf(query);
  filter.limit = kCsvBatch;
  bool too_many = false;
  store_.Transact([&](UnitOfWork& uow) {
    rows.resize(1);
    filter.before_id = 0;
    for (;;) {
      auto batch = uow.audit().List(filter);
      for (const auto& r : batch) {
        const AuditEntry& e = r.entry;
        rows.push_back({IdString(r.id), FormatLocal(e.at), e.actor, e.action, e.entity_type, IdString(e.entity_id),
                        OptionalId(e.person_id), OptionalId(e.session_id), e.request_id, e.before_json,
                        e.after_json});
      }
      too_many = static_cast<int>(rows.size()) - 1 > kMaxCsvRows;
      if (too_many || static_cast<int>(batch.size()) < kCsvBatch) break;
      filter.before_id = batch.back().id;
    }
    return true;
  });
  if (too_many)
    return Error(ErrorCode::kRuleViolation, "More than " + std::to_string(kMaxCsvRows) +
                                                " rows match: narrow the filter (person, session, action, from, to).");
  return WriteCsv(rows);
}

}  // namespace parcours
