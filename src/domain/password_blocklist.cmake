# Generates a C++ source holding src/domain/password_blocklist.txt, so the binary needs no data
# file at run time. Invoked as: cmake -DSRC=... -DOUT=... -P password_blocklist.cmake
file(READ "${SRC}" text)
file(WRITE "${OUT}.tmp" "// Generated from src/domain/password_blocklist.txt by src/domain/password_blocklist.cmake. Do not edit.\n#include <string>\nnamespace parcours {\nconst std::string& EmbeddedPasswordBlocklist() {\n  static const std::string text = R\"__list__(${text})__list__\";\n  return text;\n}\n}  // namespace parcours\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
