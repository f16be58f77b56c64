#pragma once
// The JSON representations of entities, as the API shows them and the audit trail records them.
#include <nlohmann/json.hpp>

#include "domain/model.h"

namespace parcours {

nlohmann::json ToJson(const User& u);
nlohmann::json ToJson(const Module& m);
nlohmann::json ToJson(const Pathway& p);
// `language` words the cancellation reason (fr, de, en).
nlohmann::json ToJson(const SessionPart& p);  // {position, starts_at, ends_at, hours}
nlohmann::json ToJson(const Session& s, const std::string& language = "fr");
nlohmann::json ToJson(const CancelReason& r);  // {code-specific parameters}
// A session as its staff (trainers, coordinators) see it: the public view with the online link
// and when the attendance sheet was confirmed.
nlohmann::json StaffJson(const Session& s, const std::string& language = "fr");
// A session as its confirmed registrants see it (issue 12): the public fields, the online link
// and the path of the replay's counting redirect (null while there is no replay).
nlohmann::json RegistrantJson(const Session& s, const std::string& language = "fr");
nlohmann::json ToJson(const Registration& r);
nlohmann::json ToJson(const Agency& a);
nlohmann::json ToJson(const AgencyChange& c);  // an item of the change feed (also a webhook body)
std::string IdString(Id id);

}  // namespace parcours
