# Generates a C++ source holding every sql/migrations/NNNN_name.sql file, in order.
# Invoked as: cmake -DSRC_DIR=... -DOUT=... -P embed_sql.cmake
file(GLOB files "${SRC_DIR}/[0-9][0-9][0-9][0-9]_*.sql")
list(SORT files)
set(body "")
foreach(f IN LISTS files)
  get_filename_component(name "${f}" NAME_WE)
  string(SUBSTRING "${name}" 0 4 version)
  math(EXPR version "${version}")
  file(READ "${f}" text)
  string(APPEND body "    {${version}, \"${name}\", R\"__sql__(${text})__sql__\"},\n")
endforeach()
file(WRITE "${OUT}.tmp" "// Generated from sql/migrations by sql/embed_migrations.cmake. Do not edit.\n#include \"storage/migrator.h\"\nnamespace parcours {\nconst std::vector<Migration>& EmbeddedMigrations() {\n  static const std::vector<Migration> migrations = {\n${body}  };\n  return migrations;\n}\n}  // namespace parcours\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
