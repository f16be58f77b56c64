#include "app/commands.h"

int main(int argc, char** argv) {
  return parcours::app::Run(std::vector<std::string>(argv + 1, argv + argc));
}
