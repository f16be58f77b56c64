#pragma once
// The subcommands of the `parcours` executable.
#include <string>
#include <vector>

namespace parcours::app {

int Run(const std::vector<std::string>& args);

}  // namespace parcours::app
