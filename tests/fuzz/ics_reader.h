#pragma once
// A reader of iCalendar text (RFC 5545) for the round-trip fuzz target: unfolds lines, splits
// each content line into name, parameters and value, and unescapes TEXT values. It also checks
// the form: CRLF line ends only, lines of at most 75 octets, no control characters.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace parcours::fuzz {

struct IcsProperty {
  std::string name;
  std::map<std::string, std::string> params;  // quoted values without their quotes
  std::string value;                          // raw (not unescaped)
};

struct IcsComponent {
  std::string name;  // VCALENDAR, VTIMEZONE, VEVENT...
  std::vector<IcsProperty> properties;
  std::vector<IcsComponent> children;
  const IcsProperty* Find(const std::string& name) const;
};

// nullopt with `error` set when the text breaks the form above or nests badly.
std::optional<IcsComponent> ReadIcs(const std::string& text, std::string& error);
// A TEXT value unescaped: \\ \; \, \n \N.
std::string UnescapeText(const std::string& value);

}  // namespace parcours::fuzz
