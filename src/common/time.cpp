#include "common/time.h"

#include <date/tz.h>

#include <cctype>
#include <charconv>
#include <cstdio>

namespace parcours {
namespace {

using namespace std::chrono;

bool ReadInt(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) return false;
  for (std::size_t i = pos; i < pos + len; ++i)
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return true;
}

std::optional<TimePoint> CivilToUtc(int y, int mo, int d, int h, int mi, int sec, int ms) {
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok() || h > 23 || mi > 59 || sec > 59) return std::nullopt;
  return TimePoint(sys_days(ymd).time_since_epoch() + hours(h) + minutes(mi) + seconds(sec) +
                   milliseconds(ms));
}

std::string Civil(TimePoint t, char sep, bool with_ms) {
  auto day_point = floor<days>(t);
  year_month_day ymd(day_point);
  hh_mm_ss hms(t - day_point);
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02u%c%02d:%02d:%02d", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()), sep, int(hms.hours().count()),
                        int(hms.minutes().count()), int(hms.seconds().count()));
  if (with_ms) std::snprintf(buf + n, sizeof buf - n, ".%03d", int(hms.subseconds().count()));
  return buf;
}

const date::time_zone* Luxembourg() {
  static const date::time_zone* zone = date::locate_zone("Europe/Luxembourg");
  return zone;
}

// A local time to UTC, resolving the gaps and overlaps of summer-time changes.
TimePoint LocalToUtc(date::local_time<milliseconds> local) {
  const auto info = Luxembourg()->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
    case date::local_info::ambiguous:  // the first occurrence
      return TimePoint(local.time_since_epoch() - duration_cast<milliseconds>(info.first.offset));
    case date::local_info::nonexistent:  // skipped clock time: same reading after the change
      return TimePoint(local.time_since_epoch() - duration_cast<milliseconds>(info.first.offset));
  }
  return TimePoint(local.time_since_epoch());
}

}  // namespace

std::optional<TimePoint> ParseRfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (s.size() < 20 || !ReadInt(s, 0, 4, y) || s[4] != '-' || !ReadInt(s, 5, 2, mo) ||
      s[7] != '-' || !ReadInt(s, 8, 2, d) || (s[10] != 'T' && s[10] != 't') ||
      !ReadInt(s, 11, 2, h) || s[13] != ':' || !ReadInt(s, 14, 2, mi) || s[16] != ':' ||
      !ReadInt(s, 17, 2, sec))
    return std::nullopt;
  std::size_t pos = 19;
  if (pos < s.size() && s[pos] == '.') {
    std::size_t start = ++pos;
    while (pos < s.size() && std::isdigit(static_cast<unsigned char>(s[pos]))) ++pos;
    std::size_t digits = pos - start;
    if (digits == 0 || digits > 9) return std::nullopt;
    int frac = 0;
    ReadInt(s, start, std::min<std::size_t>(digits, 3), frac);
    for (std::size_t i = digits; i < 3; ++i) frac *= 10;
    ms = frac;
  }
  if (pos >= s.size()) return std::nullopt;
  int offset = 0;
  if (s[pos] == 'Z' || s[pos] == 'z') {
    if (pos + 1 != s.size()) return std::nullopt;
  } else if (s[pos] == '+' || s[pos] == '-') {
    int oh, om;
    if (s.size() != pos + 6 || !ReadInt(s, pos + 1, 2, oh) || s[pos + 3] != ':' ||
        !ReadInt(s, pos + 4, 2, om) || oh > 23 || om > 59)
      return std::nullopt;
    offset = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
  } else {
    return std::nullopt;
  }
  if (y < 1900 || y > 9999) return std::nullopt;
  auto local = CivilToUtc(y, mo, d, h, mi, sec, ms);
  if (!local) return std::nullopt;
  return *local - minutes(offset);
}

std::string FormatRfc3339(TimePoint t, int offset_minutes) {
  std::string out = Civil(t + minutes(offset_minutes), 'T', false);
  if (offset_minutes == 0) return out + "Z";
  char buf[16];
  int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  std::snprintf(buf, sizeof buf, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60, a % 60);
  return out + buf;
}

int LuxembourgOffsetMinutes(TimePoint t) {
  const auto info = Luxembourg()->get_info(date::sys_time<milliseconds>(t.time_since_epoch()));
  return static_cast<int>(duration_cast<minutes>(info.offset).count());
}

std::optional<TimePoint> LuxembourgLocalToUtc(int y, unsigned mo, unsigned d, int h, int mi, int sec) {
  year_month_day ymd{year{y}, month{mo}, day{d}};
  if (!ymd.ok() || h < 0 || h > 23 || mi < 0 || mi > 59 || sec < 0 || sec > 59) return std::nullopt;
  const auto local = date::local_days(date::year{y} / date::month{mo} / date::day{d}) + hours(h) + minutes(mi) +
                     seconds(sec);
  return LocalToUtc(date::local_time<milliseconds>(duration_cast<milliseconds>(local.time_since_epoch())));
}

std::optional<TimePoint> LuxembourgDayStart(std::string_view s) {
  int y = 0, mo = 0, d = 0;
  if (s.size() != 10 || !ReadInt(s, 0, 4, y) || s[4] != '-' || !ReadInt(s, 5, 2, mo) || s[7] != '-' ||
      !ReadInt(s, 8, 2, d) || y < 1900)
    return std::nullopt;
  return LuxembourgLocalToUtc(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
}

TimePoint AddLuxembourgDays(TimePoint t, int n) {
  const auto local = Luxembourg()->to_local(date::sys_time<milliseconds>(t.time_since_epoch()));
  return LocalToUtc(local + days(n));
}

std::string FormatLocal(TimePoint t) { return FormatRfc3339(t, LuxembourgOffsetMinutes(t)); }

std::string FormatSqlUtc(TimePoint t) { return Civil(t, ' ', true); }

std::optional<TimePoint> ParseSqlUtc(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, ms = 0;
  if (s.size() < 19 || !ReadInt(s, 0, 4, y) || !ReadInt(s, 5, 2, mo) || !ReadInt(s, 8, 2, d) ||
      !ReadInt(s, 11, 2, h) || !ReadInt(s, 14, 2, mi) || !ReadInt(s, 17, 2, sec))
    return std::nullopt;
  if (s.size() >= 23 && s[19] == '.') ReadInt(s, 20, 3, ms);
  return CivilToUtc(y, mo, d, h, mi, sec, ms);
}

}  // namespace parcours
