#include "web/i18n.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

#include "common/text.h"
#include "common/time.h"
#include "web/assets.h"

namespace parcours::web {
namespace {

using namespace std::chrono;

const char* kFrDays[] = {"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"};
const char* kDeDays[] = {"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"};
const char* kEnDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* kFrMonths[] = {"janvier", "février", "mars", "avril", "mai", "juin",
                           "juillet", "août", "septembre", "octobre", "novembre", "décembre"};
const char* kDeMonths[] = {"Januar", "Februar", "März", "April", "Mai", "Juni",
                           "Juli", "August", "September", "Oktober", "November", "Dezember"};
const char* kEnMonths[] = {"January", "February", "March", "April", "May", "June",
                           "July", "August", "September", "October", "November", "December"};

struct Civil {
  int year;
  unsigned month, day, weekday;
  int hour, minute;
};

Civil Local(TimePoint t) {
  const auto local = t + minutes(LuxembourgOffsetMinutes(t));
  const auto day_point = floor<days>(local);
  const year_month_day ymd(day_point);
  const hh_mm_ss hms(local - day_point);
  return {int(ymd.year()), unsigned(ymd.month()), unsigned(ymd.day()), weekday(day_point).c_encoding(),
          int(hms.hours().count()), int(hms.minutes().count())};
}

std::string TwoDigits(int v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d", v);
  return buf;
}

std::string FrenchTime(const Civil& c) {
  return std::to_string(c.hour) + " h" + (c.minute ? " " + TwoDigits(c.minute) : "");
}
std::string ClockTime(const Civil& c) { return std::to_string(c.hour) + ":" + TwoDigits(c.minute); }

nlohmann::json LoadTexts(const char* file) {
  const auto& files = EmbeddedWebFiles();
  auto it = files.find(std::string("i18n/") + file);
  if (it == files.end()) throw std::runtime_error(std::string("missing web/i18n/") + file);
  return nlohmann::json::parse(it->second);
}

}  // namespace

const char* Code(Lang l) {
  switch (l) {
    case Lang::kDe: return "de";
    case Lang::kEn: return "en";
    default: return "fr";
  }
}

std::optional<Lang> LangFromCode(std::string_view code) {
  const std::string c = AsciiLower(code);
  if (c == "fr") return Lang::kFr;
  if (c == "de") return Lang::kDe;
  if (c == "en") return Lang::kEn;
  return std::nullopt;
}

std::optional<Lang> NegotiateLanguage(std::string_view header) {
  std::optional<Lang> best;
  double best_q = 0;
  std::size_t start = 0;
  while (start < header.size()) {
    std::size_t comma = header.find(',', start);
    if (comma == std::string_view::npos) comma = header.size();
    std::string_view item = Trim(header.substr(start, comma - start));
    start = comma + 1;
    std::string_view tag = Trim(item.substr(0, item.find(';')));
    double q = 1.0;
    if (auto semi = item.find(';'); semi != std::string_view::npos) {
      std::string_view params = item.substr(semi + 1);
      auto qpos = params.find("q=");
      if (qpos != std::string_view::npos) {
        std::string value(Trim(params.substr(qpos + 2)));
        char* end = nullptr;
        q = std::strtod(value.c_str(), &end);
        if (end == value.c_str() || q < 0 || q > 1) q = 0;
      }
    }
    if (q <= 0) continue;
    auto lang = LangFromCode(tag.substr(0, tag.find('-')));
    if (lang && q > best_q) {  // the first of equal weights wins
      best = lang;
      best_q = q;
    }
  }
  return best;
}

const nlohmann::json& Texts(Lang lang) {
  static const nlohmann::json fr = LoadTexts("fr.json"), de = LoadTexts("de.json"), en = LoadTexts("en.json");
  switch (lang) {
    case Lang::kDe: return de;
    case Lang::kEn: return en;
    default: return fr;
  }
}

const std::string& Text(Lang lang, const std::string& key) {
  static thread_local std::string missing;
  // Keys are paths in the nested texts: "nav.catalogue" is texts["nav"]["catalogue"], as the
  // templates write {{t.nav.catalogue}}.
  const nlohmann::json* node = &Texts(lang);
  std::size_t start = 0;
  while (node && start <= key.size()) {
    std::size_t dot = key.find('.', start);
    if (dot == std::string::npos) dot = key.size();
    auto it = node->find(key.substr(start, dot - start));
    node = it == node->end() ? nullptr : &*it;
    start = dot + 1;
  }
  if (node && node->is_string()) return node->get_ref<const std::string&>();
  missing = "[" + key + "]";
  return missing;
}

std::string FormatDate(Lang lang, TimePoint t) {
  const Civil c = Local(t);
  switch (lang) {
    case Lang::kDe:
      return std::string(kDeDays[c.weekday]) + ", " + std::to_string(c.day) + ". " + kDeMonths[c.month - 1] + " " +
             std::to_string(c.year);
    case Lang::kEn:
      return std::string(kEnDays[c.weekday]) + " " + std::to_string(c.day) + " " + kEnMonths[c.month - 1] + " " +
             std::to_string(c.year);
    default:
      return std::string(kFrDays[c.weekday]) + " " + (c.day == 1 ? "1er" : std::to_string(c.day)) + " " +
             kFrMonths[c.month - 1] + " " + std::to_string(c.year);
  }
}

std::string FormatTimeRange(Lang lang, TimePoint from, TimePoint to) {
  const Civil a = Local(from), b = Local(to);
  switch (lang) {
    case Lang::kDe: return ClockTime(a) + "–" + ClockTime(b) + " Uhr";
    case Lang::kEn: return ClockTime(a) + "–" + ClockTime(b);
    default: return FrenchTime(a) + " – " + FrenchTime(b);
  }
}

std::string FormatTime(Lang lang, TimePoint t) {
  const Civil c = Local(t);
  switch (lang) {
    case Lang::kDe: return ClockTime(c) + " Uhr";
    case Lang::kEn: return ClockTime(c);
    default: return FrenchTime(c);
  }
}

std::string FormatSlot(Lang lang, TimePoint from, TimePoint to) {
  const Civil a = Local(from), b = Local(to);
  if (a.year == b.year && a.month == b.month && a.day == b.day)
    return FormatDate(lang, from) + ", " + FormatTimeRange(lang, from, to);
  // Over several days: both ends with their dates.
  const std::string sep = lang == Lang::kFr ? " – " : " – ";
  auto time = [&](const Civil& c) { return lang == Lang::kFr ? FrenchTime(c) : ClockTime(c); };
  return FormatDate(lang, from) + ", " + time(a) + sep + FormatDate(lang, to) + ", " + time(b) +
         (lang == Lang::kDe ? " Uhr" : "");
}

std::string FormatMonth(Lang lang, int year, unsigned month) {
  const char* name = lang == Lang::kDe ? kDeMonths[month - 1] : lang == Lang::kEn ? kEnMonths[month - 1] : kFrMonths[month - 1];
  return std::string(name) + " " + std::to_string(year);
}

std::string Fill(std::string text, const std::vector<std::pair<std::string, std::string>>& values) {
  // One pass over the text: a value is never searched for placeholders (a person named
  // "{{hours}}" stays so).
  std::string out;
  out.reserve(text.size());
  std::size_t at = 0;
  for (std::size_t open = text.find("{{"); open != std::string::npos; open = text.find("{{", at)) {
    const std::size_t close = text.find("}}", open + 2);
    if (close == std::string::npos) break;
    const std::string_view name(text.data() + open + 2, close - open - 2);
    const auto it = std::find_if(values.begin(), values.end(), [&](const auto& v) { return v.first == name; });
    out.append(text, at, open - at);
    if (it != values.end()) {
      out += it->second;
      at = close + 2;
    } else {
      out += "{{";
      at = open + 2;
    }
  }
  out.append(text, at, std::string::npos);
  return out;
}

std::string FormatNumber(Lang lang, double value) {
  char buf[32];
  if (std::fabs(value - std::round(value)) < 1e-9) std::snprintf(buf, sizeof buf, "%.0f", value);
  else std::snprintf(buf, sizeof buf, "%.2f", value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (lang != Lang::kEn)
    for (auto& ch : s)
      if (ch == '.') ch = ',';
  return s;
}

}  // namespace parcours::web
