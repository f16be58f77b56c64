#include "web/words.h"

#include <map>

#include "domain/events.h"

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

std::string RuleMessage(Lang lang, const std::string& message) {
  static const std::map<std::string, std::string> kKnown = {
      {"must be after starts_at", "after_start"},
      {"must be within a year of starts_at", "within_year"},
      {"must be between 1 and 100000", "capacity_range"},
      {"must be between 0 and 100000", "min_range"},
      {"must not exceed capacity", "min_above_capacity"},
      {"must not be after starts_at", "decision_after_start"},
      {"no module has this id", "no_module"},
      {"no agency has this code", "no_agency"},
      {"is not a trainer", "not_trainer"},
      {"is listed twice", "listed_twice"},
      {"must be empty or an http(s) URL of at most 2000 characters", "link"},
      {"must not be empty", "required"},
      {"must be valid UTF-8", "utf8"},
      {"must not contain control, line-separator, bidirectional or invisible characters", "control"},
      {"must be a valid e-mail address", "email"},
      {"must be a module code", "module_code"},
      {"no module has this code", "no_module_code"},
      {"must be a date (YYYY-MM-DD)", "date"},
      {"must be before today: only past participation is imported", "past_only"},
      {"must be present, absent, excused or partial", "mark_status"},
      {"must be a number of hours (a '.' before decimals)", "hours"},
      {"must be DIRECT, SPECIALISED or the code of an agency", "channel"},
      {"appears twice for this module and date", "twice"},
      {"this person is already recorded for this module on this date, otherwise; correct the session's attendance "
       "sheet instead",
       "recorded_otherwise"},
      {"is empty", "empty"},
      {"has more than 5000 rows", "too_many_rows"}};
  if (auto it = kKnown.find(message); it != kKnown.end()) return Text(lang, "rule_text." + it->second);
  const std::string most = "must be at most ", chars = " characters";
  if (message.starts_with(most) && message.ends_with(chars) && message.size() > most.size() + chars.size())
    return Fill(Text(lang, "rule_text.max_chars"),
                {{"max", message.substr(most.size(), message.size() - most.size() - chars.size())}});
  if (message.starts_with("needs a column '") && message.ends_with("'"))
    return Fill(Text(lang, "rule_text.column"), {{"column", message.substr(16, message.size() - 17)}});
  return message;
}

nlohmann::json FieldErrors(Lang lang, const DomainError& e) {
  nlohmann::json errors = nlohmann::json::array();
  for (const auto& f : e.errors) {
    // "trainer_ids[2]" is named as its list is.
    const std::string field = f.field.substr(0, f.field.find('['));
    errors.push_back({{"field", Text(lang, "field." + field)}, {"message", RuleMessage(lang, f.message)}});
  }
  if (errors.empty()) errors.push_back({{"field", ""}, {"message", e.detail}});
  return errors;
}

std::string LanguageName(Lang lang, const std::string& code) {
  std::string name = Text(lang, "events.lang." + code);
  return name.starts_with("[") ? code : name;
}

nlohmann::json LanguageOptions(Lang lang, const std::optional<std::string>& selected) {
  nlohmann::json options = nlohmann::json::array();
  for (const char* code : kSessionLanguages)
    options.push_back({{"value", code}, {"label", LanguageName(lang, code)}, {"selected", selected == code}});
  return options;
}

}  // namespace parcours::web
