#pragma once
// RFC 3339 parsing and formatting, and the civil offset of the deployment's time zone.
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"

namespace parcours {

// Parses "YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)"; an offset is required.
std::optional<TimePoint> ParseRfc3339(std::string_view text);
// Formats with the given UTC offset in minutes, e.g. "2027-03-04T09:00:00+01:00".
std::string FormatRfc3339(TimePoint t, int offset_minutes);
// Offset of Europe/Luxembourg at instant t, from the system's time-zone database (tzdata).
int LuxembourgOffsetMinutes(TimePoint t);
// The instant of a Luxembourg civil date and time. A time that a summer-time change skips
// (02:30 on the last Sunday of March) is moved forward by the gap (to 03:30 summer time); a
// time that occurs twice (the October change) as its first occurrence.
std::optional<TimePoint> LuxembourgLocalToUtc(int year, unsigned month, unsigned day, int hour = 0,
                                              int minute = 0, int second = 0);
// Start of the civil day "YYYY-MM-DD" in Luxembourg (nullopt for a malformed date).
std::optional<TimePoint> LuxembourgDayStart(std::string_view date);
// The same Luxembourg clock time `days` calendar days later (negative: earlier), whatever
// summer-time changes lie between.
TimePoint AddLuxembourgDays(TimePoint t, int days);
// RFC 3339 in Europe/Luxembourg civil time: how the API shows instants.
std::string FormatLocal(TimePoint t);
// "YYYY-MM-DD HH:MM:SS.fff" in UTC, the database form, and back.
std::string FormatSqlUtc(TimePoint t);
std::optional<TimePoint> ParseSqlUtc(std::string_view text);

}  // namespace parcours
