#include "services/views.h"

#include "common/time.h"
#include "services/notifications.h"
#include "services/pagination.h"

namespace parcours {

using nlohmann::json;

std::string IdString(Id id) { return std::to_string(id); }

json ToJson(const User& u) {
  return {{"id", IdString(u.id)},         {"email", u.email},
          {"name", u.name},               {"organisation", u.organisation},
          {"language", u.language},       {"roles", RoleNames(u.roles)}};
}

json ToJson(const Module& m) {
  json j = {{"id", IdString(m.id)}, {"code", m.code}, {"title", m.title}, {"hours", m.hours}};
  j["pathway_id"] = m.pathway_id ? json(IdString(*m.pathway_id)) : json(nullptr);
  return j;
}

json ToJson(const Pathway& p) {
  json modules = json::array();
  for (const auto& m : p.modules)
    modules.push_back({{"id", IdString(m.id)}, {"code", m.code}, {"title", m.title},
                       {"hours", m.hours}});
  return {{"id", IdString(p.id)},        {"code", p.code},      {"title", p.title},
          {"total_hours", p.TotalHours()}, {"modules", modules}};
}

json ToJson(const CancelReason& r) {
  if (r.code == CancelReasonCode::kByCoordinator) return {{"text", r.text}};
  json j = {{"minimum", r.minimum}};
  if (r.confirmed) j["confirmed"] = *r.confirmed;
  return j;
}

json ToJson(const SessionPart& p) {
  return {{"position", p.position}, {"starts_at", FormatLocal(p.starts_at)}, {"ends_at", FormatLocal(p.ends_at)},
          {"hours", p.hours}};
}

json ToJson(const Session& s, const std::string& language) {
  json parts = json::array();
  for (const auto& p : s.parts) parts.push_back(ToJson(p));
  json trainers = json::array();
  for (Id t : s.trainer_ids) trainers.push_back(IdString(t));
  json reason = s.cancellation ? json(WordCancelReason(*s.cancellation, language))
                : s.cancel_reason.empty() ? json(nullptr) : json(s.cancel_reason);
  return {{"id", IdString(s.id)},
          {"module_id", IdString(s.module_id)},
          {"starts_at", FormatLocal(s.starts_at)},
          {"ends_at", FormatLocal(s.ends_at)},
          {"decision_at", FormatLocal(s.decision_at)},
          {"capacity", s.capacity},
          {"min_registrants", s.min_registrants},
          {"agency", s.agency ? json(*s.agency) : json(nullptr)},
          {"location", s.location},
          {"mode", ToString(s.mode)},
          {"status", ToString(s.status)},
          {"cancel_reason", reason},
          {"cancel_reason_code", s.cancellation ? json(ToString(s.cancellation->code)) : json(nullptr)},
          {"cancel_reason_params", s.cancellation ? ToJson(*s.cancellation) : json(nullptr)},
          {"confirmed_count", s.confirmed_count},
          {"waitlist_count", s.waitlist_count},
          {"trainer_ids", trainers},
          {"imported", s.imported},
          {"language", s.description.language},
          {"audience", s.description.audience},
          {"objectives", s.description.objectives},
          {"trainers_organisation", s.description.trainers_organisation},
          {"co_organisers", s.description.co_organisers},
          {"parts", parts},
          {"series_id", s.series_id ? json(IdString(*s.series_id)) : json(nullptr)}};
}

json StaffJson(const Session& s, const std::string& language) {
  json j = ToJson(s, language);
  j["online_link"] = s.online_link;
  j["sheet_confirmed_at"] = s.sheet_confirmed_at ? json(FormatLocal(*s.sheet_confirmed_at)) : json(nullptr);
  j["replay_link"] = s.replay_link;
  j["replay_views"] = s.replay_views;
  return j;
}

json RegistrantJson(const Session& s, const std::string& language) {
  json j = ToJson(s, language);
  j["online_link"] = s.online_link;
  j["replay_url"] = s.replay_link.empty() ? json(nullptr) : json("/api/v1/sessions/" + IdString(s.id) + "/replay");
  return j;
}

json ToJson(const Registration& r) {
  return {{"id", IdString(r.id)},
          {"session_id", IdString(r.session_id)},
          {"participant_id", IdString(r.participant_id)},
          {"status", ToString(r.status)},
          {"waitlist_position", r.waitlist_position ? json(*r.waitlist_position) : json(nullptr)},
          {"channel", r.channel},
          {"imported", r.imported},
          {"created_at", FormatLocal(r.created_at)},
          {"updated_at", FormatLocal(r.updated_at)}};
}

json ToJson(const Agency& a) { return {{"code", a.code}, {"name", a.name}}; }

json ToJson(const AgencyChange& c) {
  return {{"cursor", EncodeCursor(c.seq)},
          {"kind", c.kind},
          {"external_id", c.external_id ? json(*c.external_id) : json(nullptr)},
          {"session_id", IdString(c.session_id)},
          {"registration_id", c.registration_id ? json(IdString(*c.registration_id)) : json(nullptr)},
          {"status", c.status},
          {"at", FormatLocal(c.at)}};
}

}  // namespace parcours
