# Generates a C++ source holding every file under web/templates, web/static and web/i18n by its
# path relative to web/. Invoked as: cmake -DSRC_DIR=<web> -DOUT=<file.cpp> -P embed.cmake
file(GLOB_RECURSE files RELATIVE "${SRC_DIR}" "${SRC_DIR}/templates/*" "${SRC_DIR}/static/*" "${SRC_DIR}/i18n/*")
list(SORT files)
set(body "")
foreach(rel IN LISTS files)
  file(READ "${SRC_DIR}/${rel}" hex HEX)
  # As bytes, so that any file (and any sequence inside it) embeds unchanged.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "\\\\x\\1" escaped "${hex}")
  string(LENGTH "${hex}" hex_length)
  math(EXPR length "${hex_length} / 2")
  string(APPEND body "    {\"${rel}\", std::string(\"${escaped}\", ${length})},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from web/ by web/embed.cmake. Do not edit.\n#include \"web/assets.h\"\nnamespace parcours::web {\nconst std::map<std::string, std::string>& EmbeddedWebFiles() {\n  static const std::map<std::string, std::string> files = {\n${body}  };\n  return files;\n}\n}  // namespace parcours::web\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
