#include "web/words.h"

namespace parcours::web {

std::string ChannelText(Lang lang, const std::string& channel) {
  if (channel == "DIRECT") return Text(lang, "channel.direct");
  if (channel == "SPECIALISED") return Text(lang, "channel.specialised");
  return Fill(Text(lang, "channel.agency"), {{"agency", channel}});
}

std::string StatusText(Lang lang, RegistrationStatus s) { return Text(lang, std::string("status.") + ToString(s)); }

std::string PlaceText(Lang lang, const Session& s) {
  return s.mode == SessionMode::kOnline ? Text(lang, "mode.online") : s.location;
}

nlohmann::json FieldErrors(Lang lang, const DomainError& e) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& f : e.errors) errors.push_back({{"field", Text(lang, "field." + f.field)}, {"message", f.message}});
  if (errors.empty()) errors.push_back({{"field", ""}, {"message", e.detail}});
  return errors;
}

}  // namespace parcours::web
