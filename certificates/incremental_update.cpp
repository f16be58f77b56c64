#include "certificates/incremental_update.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <map>
#include <stdexcept>
#include <vector>

namespace parcours::certificates::internal {
namespace {

[[noreturn]] void Fail(const std::string& what) {
  throw std::runtime_error("PDF signature update: " + what);
}

bool IsPdfWhitespace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\0';
}

bool IsPdfDelimiterOrSpace(char c) {
  return IsPdfWhitespace(c) || c == '/' || c == '[' || c == ']' || c == '<' || c == '>' ||
         c == '(' || c == ')';
}

std::size_t SkipSpace(std::string_view s, std::size_t pos) {
  while (pos < s.size() && IsPdfWhitespace(s[pos])) ++pos;
  return pos;
}

// Parses an unsigned decimal at `pos`; advances pos. False when there is none.
bool ParseNumber(std::string_view s, std::size_t& pos, long long& value) {
  const auto* begin = s.data() + pos;
  const auto [end, ec] = std::from_chars(begin, s.data() + s.size(), value);
  if (ec != std::errc() || end == begin) return false;
  pos += static_cast<std::size_t>(end - begin);
  return true;
}

// Position just after the name `key` (e.g. "/Root") used as a key in `dict`, or npos. A match
// must end at a delimiter so that "/Page" does not match "/Pages".
std::size_t FindKey(std::string_view dict, std::string_view key) {
  for (std::size_t pos = dict.find(key); pos != std::string_view::npos;
       pos = dict.find(key, pos + 1)) {
    const std::size_t end = pos + key.size();
    if (end >= dict.size() || IsPdfDelimiterOrSpace(dict[end])) return end;
  }
  return std::string_view::npos;
}

// The object number of an indirect reference "N G R" following `key`, or -1.
long long FindRef(std::string_view dict, std::string_view key) {
  std::size_t pos = FindKey(dict, key);
  if (pos == std::string_view::npos) return -1;
  long long number = 0;
  long long generation = 0;
  pos = SkipSpace(dict, pos);
  if (!ParseNumber(dict, pos, number)) return -1;
  pos = SkipSpace(dict, pos);
  if (!ParseNumber(dict, pos, generation)) return -1;
  pos = SkipSpace(dict, pos);
  return pos < dict.size() && dict[pos] == 'R' ? number : -1;
}

struct Trailer {
  long long size = 0;
  long long root = -1;
  std::string info;  // "N G R" or empty
  std::string id;    // "[<...><...>]" or empty
  long long prev = -1;
};

// Reads one classic xref section at `offset` into `offsets` (entries already known from a
// newer section win) and returns the trailer that follows it.
Trailer ReadXrefSection(std::string_view pdf, std::size_t offset,
                        std::map<long long, std::size_t>& offsets) {
  if (pdf.compare(offset, 4, "xref") != 0) Fail("only classic xref tables are supported");
  std::size_t pos = SkipSpace(pdf, offset + 4);
  while (pos < pdf.size() && pdf.compare(pos, 7, "trailer") != 0) {
    long long first = 0;
    long long count = 0;
    if (!ParseNumber(pdf, pos, first)) Fail("bad xref subsection header");
    pos = SkipSpace(pdf, pos);
    if (!ParseNumber(pdf, pos, count)) Fail("bad xref subsection header");
    pos = SkipSpace(pdf, pos);
    for (long long i = 0; i < count; ++i) {
      if (pos + 18 > pdf.size()) Fail("truncated xref table");
      long long entry_offset = 0;
      std::size_t p = pos;
      ParseNumber(pdf, p, entry_offset);
      if (pdf[pos + 17] == 'n') offsets.emplace(first + i, static_cast<std::size_t>(entry_offset));
      pos = SkipSpace(pdf, pos + 18);
    }
  }
  const std::size_t dict_begin = pdf.find("<<", pos);
  const std::size_t dict_end = pdf.find("startxref", pos);
  if (dict_begin == std::string_view::npos || dict_end == std::string_view::npos) {
    Fail("no trailer dictionary");
  }
  const std::string_view dict = pdf.substr(dict_begin, dict_end - dict_begin);
  Trailer trailer;
  std::size_t p = FindKey(dict, "/Size");
  if (p == std::string_view::npos) Fail("trailer without /Size");
  p = SkipSpace(dict, p);
  ParseNumber(dict, p, trailer.size);
  trailer.root = FindRef(dict, "/Root");
  p = FindKey(dict, "/Prev");
  if (p != std::string_view::npos) {
    p = SkipSpace(dict, p);
    ParseNumber(dict, p, trailer.prev);
  }
  const long long info = FindRef(dict, "/Info");
  if (info >= 0) trailer.info = std::to_string(info) + " 0 R";
  p = FindKey(dict, "/ID");
  if (p != std::string_view::npos) {
    p = SkipSpace(dict, p);
    const std::size_t close = dict.find(']', p);
    if (dict[p] == '[' && close != std::string_view::npos) {
      trailer.id = std::string(dict.substr(p, close - p + 1));
    }
  }
  return trailer;
}

std::size_t LastStartXref(std::string_view pdf) {
  std::size_t pos = pdf.rfind("startxref");
  if (pos == std::string_view::npos) Fail("no startxref");
  pos = SkipSpace(pdf, pos + 9);
  long long value = 0;
  if (!ParseNumber(pdf, pos, value) || value < 0 || static_cast<std::size_t>(value) >= pdf.size()) {
    Fail("bad startxref");
  }
  return static_cast<std::size_t>(value);
}

// The dictionary text "<< ... >>" of object `number`, which must not be a stream.
std::string_view ObjectDictionary(std::string_view pdf,
                                  const std::map<long long, std::size_t>& offsets,
                                  long long number) {
  const auto it = offsets.find(number);
  if (it == offsets.end()) Fail("object " + std::to_string(number) + " not in xref");
  const std::size_t obj = pdf.find("obj", it->second);
  const std::size_t end = pdf.find("endobj", it->second);
  if (obj == std::string_view::npos || end == std::string_view::npos || obj > end) {
    Fail("object " + std::to_string(number) + " not found at its offset");
  }
  const std::size_t begin = pdf.find("<<", obj);
  const std::size_t close = pdf.rfind(">>", end);
  if (begin == std::string_view::npos || close == std::string_view::npos || begin > close ||
      pdf.substr(begin, close - begin).find("stream") != std::string_view::npos) {
    Fail("object " + std::to_string(number) + " is not a plain dictionary");
  }
  return pdf.substr(begin, close + 2 - begin);
}

// `dict` ("<< ... >>") with `entries` added before its closing ">>".
std::string WithEntries(std::string_view dict, std::string_view entries) {
  std::string out(dict.substr(0, dict.size() - 2));
  out += entries;
  out += ">>";
  return out;
}

std::string FixedWidthByteRange(const long long (&range)[4], std::size_t width) {
  std::string text = "[";
  for (int i = 0; i < 4; ++i) {
    if (i > 0) text += ' ';
    text += std::to_string(range[i]);
  }
  if (text.size() + 1 > width) Fail("ByteRange placeholder too small");
  // Padding with spaces keeps every later offset (and the xref) valid.
  text.append(width - 1 - text.size(), ' ');
  text += ']';
  return text;
}

constexpr std::string_view kByteRangePlaceholder = "[0 ********** ********** **********]";

}  // namespace

std::string PdfDate(long long unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "D:%04d%02d%02d%02d%02d%02d+00'00'", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

PreparedSignature PrepareSignature(const std::string& pdf_bytes, std::string_view sub_filter,
                                   std::string_view signing_time_pdf_date,
                                   std::size_t contents_capacity) {
  const std::string_view pdf = pdf_bytes;
  std::map<long long, std::size_t> offsets;
  const std::size_t previous_xref = LastStartXref(pdf);
  const Trailer trailer = ReadXrefSection(pdf, previous_xref, offsets);
  for (long long prev = trailer.prev, guard = 0; prev >= 0 && guard < 64; ++guard) {
    if (static_cast<std::size_t>(prev) >= pdf.size()) Fail("bad /Prev");
    prev = ReadXrefSection(pdf, static_cast<std::size_t>(prev), offsets).prev;
  }
  if (trailer.root < 0) Fail("trailer without /Root");

  const std::string_view catalog = ObjectDictionary(pdf, offsets, trailer.root);
  if (FindKey(catalog, "/AcroForm") != std::string_view::npos) {
    Fail("documents with an existing form are not supported");
  }
  // The first page carries the (invisible) widget: descend the page tree along first kids.
  long long page = FindRef(catalog, "/Pages");
  std::string_view page_dict;
  for (int depth = 0;; ++depth) {
    if (page < 0 || depth > 32) Fail("no page found");
    page_dict = ObjectDictionary(pdf, offsets, page);
    std::size_t kids = FindKey(page_dict, "/Kids");
    if (kids == std::string_view::npos) break;
    kids = SkipSpace(page_dict, kids);
    if (kids >= page_dict.size() || page_dict[kids] != '[') Fail("bad /Kids");
    long long child = 0;
    std::size_t p = SkipSpace(page_dict, kids + 1);
    if (!ParseNumber(page_dict, p, child)) Fail("empty /Kids");
    page = child;
  }

  const long long field = trailer.size;
  const long long sig = trailer.size + 1;
  const std::string field_ref = std::to_string(field) + " 0 R";

  std::string new_page;
  const std::size_t annots = FindKey(page_dict, "/Annots");
  if (annots == std::string_view::npos) {
    new_page = WithEntries(page_dict, "/Annots [" + field_ref + "]\n");
  } else {
    const std::size_t open = SkipSpace(page_dict, annots);
    const std::size_t close = page_dict.find(']', open);
    if (page_dict[open] != '[' || close == std::string_view::npos) {
      Fail("indirect /Annots arrays are not supported");
    }
    new_page = std::string(page_dict.substr(0, close)) + ' ' + field_ref +
               std::string(page_dict.substr(close));
  }

  PreparedSignature out;
  out.previous_xref = previous_xref;
  out.bytes.reserve(pdf.size() + 2 * contents_capacity + 1024);
  out.bytes = pdf_bytes;
  if (out.bytes.back() != '\n') out.bytes += '\n';

  std::map<long long, std::size_t> written;
  auto begin_object = [&](long long number) {
    written[number] = out.bytes.size();
    out.bytes += std::to_string(number) + " 0 obj\n";
  };
  begin_object(trailer.root);
  out.bytes += WithEntries(catalog, "/AcroForm << /Fields [" + field_ref + "] /SigFlags 3 >>\n");
  out.bytes += "\nendobj\n";
  begin_object(page);
  out.bytes += new_page;
  out.bytes += "\nendobj\n";
  begin_object(field);
  // /F 132 = Print | Locked; a zero rectangle makes the signature invisible.
  out.bytes += "<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [0 0 0 0] /T (Signature1) /V " +
               std::to_string(sig) + " 0 R /P " + std::to_string(page) + " 0 R >>\nendobj\n";
  begin_object(sig);
  out.bytes += "<< /Type /Sig /Filter /Adobe.PPKLite /SubFilter /";
  out.bytes += sub_filter;
  out.bytes += " /M (";
  out.bytes += signing_time_pdf_date;
  out.bytes += ") /ByteRange ";
  out.byte_range_offset = out.bytes.size();
  out.byte_range_length = kByteRangePlaceholder.size();
  out.bytes += kByteRangePlaceholder;
  out.bytes += " /Contents ";
  out.contents_offset = out.bytes.size();
  out.contents_length = 2 * contents_capacity + 2;
  out.bytes += '<';
  out.bytes.append(2 * contents_capacity, '0');
  out.bytes += ">\n>>\nendobj\n";

  out.xref_offset = out.bytes.size();
  out.bytes += "xref\n";
  char entry[32];
  for (auto it = written.begin(); it != written.end();) {
    auto run_end = it;
    long long count = 0;
    while (run_end != written.end() && run_end->first == it->first + count) {
      ++run_end;
      ++count;
    }
    out.bytes += std::to_string(it->first) + ' ' + std::to_string(count) + '\n';
    for (; it != run_end; ++it) {
      // Exactly 20 bytes: 10-digit offset, space, 5-digit generation, space, 'n', CR LF.
      std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", it->second);
      out.bytes += entry;
    }
  }
  out.bytes += "trailer\n<< /Size " + std::to_string(sig + 1) + " /Root " +
               std::to_string(trailer.root) + " 0 R";
  if (!trailer.info.empty()) out.bytes += " /Info " + trailer.info;
  if (!trailer.id.empty()) out.bytes += " /ID " + trailer.id;
  out.bytes += " /Prev " + std::to_string(previous_xref) + " >>\nstartxref\n" +
               std::to_string(out.xref_offset) + "\n%%EOF\n";

  const long long after_contents =
      static_cast<long long>(out.contents_offset + out.contents_length);
  const long long range[4] = {0, static_cast<long long>(out.contents_offset), after_contents,
                              static_cast<long long>(out.bytes.size()) - after_contents};
  out.bytes.replace(out.byte_range_offset, out.byte_range_length,
                    FixedWidthByteRange(range, out.byte_range_length));
  return out;
}

std::string SignedBytes(const PreparedSignature& prepared) {
  const std::size_t after = prepared.contents_offset + prepared.contents_length;
  std::string signed_bytes;
  signed_bytes.reserve(prepared.bytes.size() - prepared.contents_length);
  signed_bytes.append(prepared.bytes, 0, prepared.contents_offset);
  signed_bytes.append(prepared.bytes, after, std::string::npos);
  return signed_bytes;
}

void EmbedSignature(PreparedSignature& prepared, const std::string& der) {
  if (2 * der.size() > prepared.contents_length - 2) {
    Fail("signature of " + std::to_string(der.size()) + " bytes exceeds the reserved " +
         std::to_string((prepared.contents_length - 2) / 2));
  }
  static constexpr char kHex[] = "0123456789ABCDEF";
  char* out = prepared.bytes.data() + prepared.contents_offset + 1;
  for (unsigned char byte : der) {
    *out++ = kHex[byte >> 4];
    *out++ = kHex[byte & 0xF];
  }
}

bool FindLastSignature(const std::string& pdf, SignatureFields& fields) {
  const std::string_view s = pdf;
  const std::size_t br = s.rfind("/ByteRange");
  if (br == std::string_view::npos) return false;
  std::size_t pos = SkipSpace(s, br + 10);
  if (pos >= s.size() || s[pos] != '[') return false;
  pos = SkipSpace(s, pos + 1);
  for (long long& value : fields.range) {
    if (!ParseNumber(s, pos, value)) return false;
    pos = SkipSpace(s, pos);
  }
  // /Contents may come before or after /ByteRange within the same dictionary.
  const std::size_t dict_begin = s.rfind("<<", br);
  std::size_t contents = s.find("/Contents", dict_begin);
  if (dict_begin == std::string_view::npos || contents == std::string_view::npos) return false;
  contents = SkipSpace(s, contents + 9);
  if (contents >= s.size() || s[contents] != '<') return false;
  const std::size_t close = s.find('>', contents);
  if (close == std::string_view::npos) return false;
  fields.contents_offset = contents;
  fields.contents_length = close - contents + 1;
  fields.contents_der.clear();
  fields.contents_der.reserve((close - contents) / 2);
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  int high = -1;
  for (std::size_t i = contents + 1; i < close; ++i) {
    const int v = nibble(s[i]);
    if (v < 0) continue;  // whitespace is allowed inside hex strings
    if (high < 0) {
      high = v;
    } else {
      fields.contents_der += static_cast<char>(high << 4 | v);
      high = -1;
    }
  }
  return true;
}

}  // namespace parcours::certificates::internal
