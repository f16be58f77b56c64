#pragma once
// The files under web/ (templates, static assets, texts), compiled into the binary by
// web/embed.cmake so that `parcours serve` needs no path to the source tree.
#include <map>
#include <string>

namespace parcours::web {

// By path relative to web/: "templates/catalogue.mustache", "static/site.css", "i18n/fr.json".
const std::map<std::string, std::string>& EmbeddedWebFiles();

}  // namespace parcours::web
