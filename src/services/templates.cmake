# Generates a C++ source holding every src/services/templates/*.txt file by name.
# Invoked as: cmake -DSRC_DIR=... -DOUT=... -P embed_templates.cmake
file(GLOB files "${SRC_DIR}/*.txt")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  get_filename_component(ext "${f}" EXT)
  string(REGEX REPLACE "\\.txt$" "" ext "${ext}")
  file(READ "${f}" text)
  string(APPEND body "    {\"${name}${ext}\", R\"__tpl__(${text})__tpl__\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from src/services/templates by src/services/templates.cmake. Do not edit.\n#include <map>\n#include <string>\nnamespace parcours {\nconst std::map<std::string, std::string>& EmbeddedTemplates() {\n  static const std::map<std::string, std::string> templates = {\n${body}  };\n  return templates;\n}\n}  // namespace parcours\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
