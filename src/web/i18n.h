#pragma once
// The pages' languages: French by default, German and English. The language is chosen from an
// explicit choice (the switch), else the signed-in person's profile, else Accept-Language with
// its q-values. Texts come from web/i18n/{fr,de,en}.json (compiled in); dates and numbers are
// written as each language writes them, in Luxembourg time.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "web/page.h"

namespace parcours::web {

std::optional<Lang> LangFromCode(std::string_view code);
// The best of fr/de/en for an Accept-Language header (RFC 9110 12.5.4), or nullopt.
std::optional<Lang> NegotiateLanguage(std::string_view accept_language);

// The text for `key` in `lang` ("[key]" when missing, so gaps show in tests).
const std::string& Text(Lang lang, const std::string& key);
// All texts of a language, as a JSON object (for templates).
const nlohmann::json& Texts(Lang lang);

// "mardi 19 janvier 2027" / "Dienstag, 19. Januar 2027" / "Tuesday 19 January 2027".
std::string FormatDate(Lang lang, TimePoint t);
// "14 h – 18 h" / "14:00–18:00 Uhr" / "14:00–18:00" (the same day), in Luxembourg time.
std::string FormatTimeRange(Lang lang, TimePoint from, TimePoint to);
// "9 h 05" / "9:05 Uhr" / "9:05", in Luxembourg time.
std::string FormatTime(Lang lang, TimePoint t);
// A date and time range: "mardi 19 janvier 2027, 14 h – 18 h".
std::string FormatSlot(Lang lang, TimePoint from, TimePoint to);
// "janvier 2027" / "Januar 2027" / "January 2027".
std::string FormatMonth(Lang lang, int year, unsigned month);
// Replaces "{{name}}" in a text with values (the texts' own placeholders; the result is then
// escaped by the template like any other value).
std::string Fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values);
// 4 → "4", 4.5 → "4,5" (fr, de) or "4.5" (en).
std::string FormatNumber(Lang lang, double value);

}  // namespace parcours::web
