#pragma once
// CSV as spreadsheets write and read it: UTF-8 with or without BOM, ';' or ',' (detected from
// the header line), quoted fields with doubled quotes, CRLF or LF. Output uses a BOM, ';' and
// CRLF, which LibreOffice and Excel open with accents and columns intact in fr/de locales.
#include <optional>
#include <string>
#include <vector>

namespace parcours {

using CsvRow = std::vector<std::string>;
// nullopt when the text is not valid CSV (an unterminated quote) or not UTF-8.
std::optional<std::vector<CsvRow>> ParseCsv(const std::string& text);
// Cells a spreadsheet could read as a formula get a leading apostrophe (see LooksLikeFormula).
std::string WriteCsv(const std::vector<CsvRow>& rows);
// OWASP's formula triggers: a leading = + - @ | % or their full-width forms ＝ ＋ － ＠, after any
// leading spaces (NBSP and the like), control or invisible characters; or a leading TAB or CR.
bool LooksLikeFormula(const std::string& cell);

}  // namespace parcours
