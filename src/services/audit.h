#pragma once
// Builds audit rows; every service that changes state appends one in its transaction.
#include <nlohmann/json.hpp>

#include "domain/model.h"
#include "domain/repositories.h"

namespace parcours {

// `subject`: the person the change concerns, when there is one (their record shows it).
inline AuditEntry AuditRow(const RequestContext& ctx, TimePoint at, std::string action, std::string entity_type,
                           Id entity_id, const nlohmann::json& before, const nlohmann::json& after,
                           std::optional<Id> subject = std::nullopt) {
  return AuditEntry{ctx.principal.Label(), std::move(action), std::move(entity_type),
                    entity_id, before.is_null() ? "" : before.dump(),
                    after.is_null() ? "" : after.dump(), ctx.request_id, at, subject};
}

inline void Audit(UnitOfWork& uow, const RequestContext& ctx, TimePoint at, std::string action,
                  std::string entity_type, Id entity_id, const nlohmann::json& before,
                  const nlohmann::json& after, std::optional<Id> subject = std::nullopt) {
  uow.audit().Append(AuditRow(ctx, at, std::move(action), std::move(entity_type), entity_id, before, after, subject));
}

}  // namespace parcours
