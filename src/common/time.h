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
// Offset of Europe/Luxembourg (CET/CEST, EU summer-time rule) at instant t.
int LuxembourgOffsetMinutes(TimePoint t);
// RFC 3339 in Europe/Luxembourg civil time: how the API shows instants.
std::string FormatLocal(TimePoint t);
// "YYYY-MM-DD HH:MM:SS.fff" in UTC, the database form, and back.
std::string FormatSqlUtc(TimePoint t);
std::optional<TimePoint> ParseSqlUtc(std::string_view text);

}  // namespace parcours
