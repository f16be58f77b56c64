#pragma once
// How the pages say the domain's values in the reader's language (channels, statuses, places,
// a refused form's field errors), shared by the professionals' and the staff's pages.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "domain/errors.h"
#include "domain/model.h"
#include "web/i18n.h"

namespace parcours::web {

// "inscription directe", "public spécialisé", "via IFEN".
std::string ChannelText(Lang lang, const std::string& channel);
std::string StatusText(Lang lang, RegistrationStatus s);
// The session's place, or "online".
std::string PlaceText(Lang lang, const Session& s);
// A rule's message (the services speak English) in the reader's language when it is one the
// pages know, else as the service said it.
std::string RuleMessage(Lang lang, const std::string& message);
// Field errors of a refused form, each named in the page's language: [{field, message}].
nlohmann::json FieldErrors(Lang lang, const DomainError& e);
// A session language's name in the reader's language ("allemand", "Deutsch", "German").
std::string LanguageName(Lang lang, const std::string& code);
// The languages a session may be held in, as <option>s with `selected` one chosen.
nlohmann::json LanguageOptions(Lang lang, const std::optional<std::string>& selected);

}  // namespace parcours::web
