#pragma once
// Server-side rendering with mustache templates (web/templates, compiled in; Debian's
// libkainjow-mustache-dev). Everything a person typed reaches a page through {{...}}, which
// escapes & < > " '; templates use {{{...}}} only for HTML this code built from escaped parts.
#include <string>

#include <nlohmann/json.hpp>

#include "web/page.h"

namespace parcours::web {

// Renders templates/<name>.mustache with `data`. Partials ({{> _name}}) are the templates
// whose names start with '_'.
// Throws std::runtime_error for an unknown or broken template (a bug, caught in tests).
std::string Render(const std::string& name, const nlohmann::json& data);
// The same, with the texts of `lang` as {{t.…}} (unless `data` has its own "t"): they are
// converted for the templates once per language and shared, not copied for every page.
std::string Render(const std::string& name, const nlohmann::json& data, Lang lang);

}  // namespace parcours::web
