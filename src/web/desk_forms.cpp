#include "web/desk_forms.h"

#include <algorithm>
#include <cstdio>

#include "common/time.h"
#include "web/i18n.h"
#include "web/site.h"

namespace parcours::web {

std::string LocalInput(TimePoint t) { return FormatLocal(t).substr(0, 16); }

std::optional<TimePoint> ParseLocalInput(const std::string& v) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  char tail = 0;
  if (v.size() < 16 || std::sscanf(v.c_str(), "%4d-%2d-%2dT%2d:%2d%c", &y, &mo, &d, &h, &mi, &tail) < 5) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return std::nullopt;
  return LuxembourgLocalToUtc(y, static_cast<unsigned>(mo), static_cast<unsigned>(d), h, mi);
}

std::optional<int> ParseCount(const std::string& v) {
  if (v.empty() || v.size() > 7 || !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::stoi(v);
}

std::string Percent(int part, int whole) { return whole > 0 ? std::to_string(part * 100 / whole) : "0"; }

std::string DoneNotice(PageContext& pc, const std::string& section) {
  const std::string& done = pc.done;
  if (done.empty()) return "";
  std::string text = Text(pc.lang, section + ".done_" + done);
  return text.starts_with("[") ? "" : text;
}

}  // namespace parcours::web
