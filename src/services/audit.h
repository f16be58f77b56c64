#pragma once
// Builds audit rows; every service that changes state appends one in its transaction.
#include <nlohmann/json.hpp>

#include "common/text.h"
#include "domain/model.h"
#include "domain/repositories.h"

namespace parcours {

// The id at `key` of an audit JSON document (ids are written as strings), if any.
inline std::optional<Id> AuditId(const nlohmann::json& doc, const char* key) {
  if (!doc.is_object()) return std::nullopt;
  auto it = doc.find(key);
  if (it == doc.end()) return std::nullopt;
  if (it->is_string()) return ParseId(it->get<std::string>());
  if (it->is_number_integer()) return it->get<Id>();
  return std::nullopt;
}

// The person and the session a row concerns: the entity itself for users and sessions (and
// the session of an attendance sheet), else the participant and session its JSON names.
inline void SetAuditSubjects(AuditEntry& e, const nlohmann::json& before, const nlohmann::json& after) {
  auto named = [&](const char* key) {
    auto id = AuditId(after, key);
    return id ? id : AuditId(before, key);
  };
  e.person_id = e.entity_type == "user" ? std::optional<Id>(e.entity_id) : named("participant_id");
  e.session_id = e.entity_type == "session" || e.entity_type == "attendance" ? std::optional<Id>(e.entity_id)
                                                                               : named("session_id");
}

// `subject`: the person the change concerns when the row's JSON does not name them (their
// record shows it); otherwise the person and session are read from the row (SetAuditSubjects).
inline AuditEntry AuditRow(const RequestContext& ctx, TimePoint at, std::string action, std::string entity_type,
                           Id entity_id, const nlohmann::json& before, const nlohmann::json& after,
                           std::optional<Id> subject = std::nullopt) {
  AuditEntry e;
  e.actor = ctx.principal.Label();
  e.action = std::move(action);
  e.entity_type = std::move(entity_type);
  e.entity_id = entity_id;
  e.before_json = before.is_null() ? "" : before.dump();
  e.after_json = after.is_null() ? "" : after.dump();
  e.request_id = ctx.request_id;
  e.at = at;
  SetAuditSubjects(e, before, after);
  if (subject) e.person_id = subject;
  return e;
}

inline void Audit(UnitOfWork& uow, const RequestContext& ctx, TimePoint at, std::string action,
                  std::string entity_type, Id entity_id, const nlohmann::json& before,
                  const nlohmann::json& after, std::optional<Id> subject = std::nullopt) {
  uow.audit().Append(AuditRow(ctx, at, std::move(action), std::move(entity_type), entity_id, before, after, subject));
}

}  // namespace parcours
