#pragma once
// Small values the unit and storage tests build again and again: UTC instants, milliseconds,
// repeated text. Header-only, so that the unit tests need no test support library.
#include <chrono>
#include <string>

#include "common/clock.h"
#include "common/time.h"

namespace parcours {

// The instant y-mo-d h:mi:s.ms UTC.
inline TimePoint Utc(int y, unsigned mo, unsigned d, int h = 0, int mi = 0, int s = 0, int ms = 0) {
  using namespace std::chrono;
  return TimePoint(sys_days(year{y} / month{mo} / day{d}).time_since_epoch() + hours(h) + minutes(mi) +
                   seconds(s) + milliseconds(ms));
}
// The instant an RFC 3339 text names ("2027-01-19T14:00:00Z"); the text must be valid.
inline TimePoint Utc(const char* rfc3339) { return *ParseRfc3339(rfc3339); }
inline long long Ms(TimePoint t) { return t.time_since_epoch().count(); }
inline std::string Repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

}  // namespace parcours
