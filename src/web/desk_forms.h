#pragma once
// What the coordinator's forms read and show: counts, Luxembourg date-times as an
// <input type="datetime-local"> gives them, and percentages for fill bars. Shared by the
// desk's pages (desk_pages.cpp, desk_admin_pages.cpp).
#include <optional>
#include <string>

#include "common/clock.h"

namespace parcours::web {

struct PageContext;

// "2027-01-19T14:00" in Luxembourg time, and back (nullopt for anything else).
std::string LocalInput(TimePoint t);
std::optional<TimePoint> ParseLocalInput(const std::string& v);
// A whole number of at most 7 digits, nothing else.
std::optional<int> ParseCount(const std::string& v);
// part / whole in whole percents, "0" for an empty whole.
std::string Percent(int part, int whole);
// The notice a `done=` query names after a redirect ("<section>.done_<done>" in the page's
// language), "" for none or an unknown one.
std::string DoneNotice(PageContext& pc, const std::string& section);

}  // namespace parcours::web
