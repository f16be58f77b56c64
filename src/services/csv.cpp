#include "services/csv.h"

#include "common/text.h"

namespace parcours {

std::optional<std::vector<CsvRow>> ParseCsv(const std::string& input) {
  std::string_view text(input);
  if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
  if (!IsValidUtf8(text)) return std::nullopt;
  // The delimiter is whichever of ';' and ',' the header line (outside quotes) has more of.
  int semicolons = 0, commas = 0;
  bool quoted = false;
  for (char c : text) {
    if (c == '"') quoted = !quoted;
    else if (!quoted && (c == '\n' || c == '\r')) break;
    else if (!quoted && c == ';') ++semicolons;
    else if (!quoted && c == ',') ++commas;
  }
  const char sep = semicolons >= commas ? ';' : ',';
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string field;
  quoted = false;
  bool field_started = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"' && !field_started) {
      quoted = true;
      field_started = true;
    } else if (c == sep) {
      row.push_back(field);
      field.clear();
      field_started = false;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.push_back(field);
      field.clear();
      field_started = false;
      bool blank = row.size() == 1 && row[0].empty();
      if (!blank) rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted) return std::nullopt;
  if (field_started || !row.empty()) {
    row.push_back(field);
    rows.push_back(std::move(row));
  }
  return rows;
}

bool LooksLikeFormula(const std::string& cell) {
  if (cell.empty()) return false;
  if (cell[0] == '\t' || cell[0] == '\r') return true;
  for (std::size_t i = 0; i < cell.size();) {
    const char32_t c = NextCodePoint(cell, i);
    if (IsBlankOrInvisible(c)) continue;
    return c == '=' || c == '+' || c == '-' || c == '@' || c == '|' || c == '%' ||  //
           c == 0xFF1D || c == 0xFF0B || c == 0xFF0D || c == 0xFF20;              // ＝ ＋ － ＠
  }
  return false;
}

std::string WriteCsv(const std::vector<CsvRow>& rows) {
  std::string out = "\xEF\xBB\xBF";
  for (const auto& row : rows) {
    for (std::size_t i = 0; i < row.size(); ++i) {
      if (i) out += ';';
      const std::string& f = row[i];
      const bool formula = LooksLikeFormula(f);
      bool quote = formula || f.find_first_of(";\",\r\n") != std::string::npos || (!f.empty() && f.front() == ' ');
      if (!quote) {
        out += f;
        continue;
      }
      // A cell a spreadsheet could read as a formula is prefixed with ' (OWASP, CSV injection).
      const std::string safe = formula ? "'" + f : f;
      out += '"';
      for (char c : safe) {
        if (c == '"') out += '"';
        out += c;
      }
      out += '"';
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace parcours
