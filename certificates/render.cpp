// A4 landscape certificates. Two back ends draw the same layout:
//  - the direct writer (the usual path): the DejaVu Sans Latin subset's tables, metrics, cmap
//    and composite glyphs, the font descriptor and Type0 font, and the logo image XObject (the
//    PNG's own zlib data, not decoded) are prepared once by the Renderer's constructor; each
//    document is then a content stream (deflated at Z_BEST_SPEED), a TrueType program keeping
//    only the glyphs used (glyf/loca/hmtx rebuilt, others copied), a CIDFontType2 dictionary
//    (Identity CIDToGIDMap, glyph ids shown with Identity-H) with their widths, a ToUnicode
//    CMap for them and a few small dictionaries, written in one pass with a classic xref;
//  - libharu, the fallback for texts with characters outside the subset (the full system
//    DejaVuSans.ttf is embedded then) or for a logo the direct writer cannot pass through.
#include <hpdf.h>
#include <zlib.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "certificates/certificates.h"
#include "certificates/wording.h"

namespace parcours::certificates {

namespace {

// What the direct writer needs from the font subset and the logo, computed once.
struct DirectAssets {
  std::vector<std::uint16_t> gid_of;       // BMP code point -> glyph id (0: not in the font)
  std::vector<std::uint16_t> width_of;     // glyph id -> advance width, 1/1000 em
  std::vector<char32_t> unicode_of;        // glyph id -> lowest code point mapped to it
  std::string static_objects;              // font descriptor, Type0 font, image, info
  std::vector<std::size_t> static_offsets;  // offset of each static object in static_objects
  std::vector<int> static_numbers;          // its object number

  // The subset font's tables, for the per-document font program that keeps only the glyphs
  // used (the others empty, as libharu did): glyf, loca and hmtx are rebuilt, the rest copied.
  struct Table {
    std::string tag;
    std::string data;
    std::uint32_t checksum = 0;
  };
  std::string sfnt_version;
  std::vector<Table> tables;  // in the original (sorted) order, without MATH
  std::size_t glyf = 0, loca = 0, hmtx = 0, head = 0;  // indices into tables
  bool long_loca = false;
  unsigned metrics = 0;                    // hhea.numberOfHMetrics
  std::vector<std::uint32_t> glyph_start;  // glyph id -> offset in glyf; one more at the end
  std::vector<std::vector<std::uint16_t>> components;  // glyph id -> components if composite
};

}  // namespace

struct Renderer::Assets {
  std::string subset_font_path;  // templates/DejaVuSans-Latin.ttf, empty if absent
  std::string full_font_path;    // the system's DejaVuSans.ttf
  std::string logo_png;
  std::unique_ptr<const DirectAssets> direct;  // null when the direct writer cannot be used
};

namespace {

using internal::Wording;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("certificates: cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

constexpr float kPageWidth = 841.89f;   // A4 landscape, points
constexpr float kPageHeight = 595.28f;
constexpr float kMargin = 28;

struct Rgb {
  float r, g, b;
};
constexpr Rgb kAccent{0.04f, 0.40f, 0.44f};  // the centre's teal
constexpr Rgb kInk{0.13f, 0.13f, 0.15f};
constexpr Rgb kMuted{0.38f, 0.40f, 0.42f};

// ---------------------------------------------------------------------------------------------
// Drawing primitives, implemented by the direct writer and by libharu.
class Canvas {
 public:
  virtual ~Canvas() = default;
  virtual void StrokeColor(Rgb c) = 0;
  virtual void FillColor(Rgb c) = 0;
  virtual void LineWidth(float w) = 0;
  virtual void Rectangle(float x, float y, float w, float h) = 0;
  virtual void MoveTo(float x, float y) = 0;
  virtual void LineTo(float x, float y) = 0;
  virtual void Stroke() = 0;
  virtual void Fill() = 0;
  virtual void Logo(float x, float y, float w, float h) = 0;
  // One line of UTF-8 text at (x, y) in the current fill colour.
  virtual void Text(const std::string& text, float size, float x, float y) = 0;
  virtual float TextWidth(const std::string& text, float size) = 0;
  virtual std::string Save() = 0;
};

// Decodes one UTF-8 sequence at `i` (advanced); malformed bytes give U+FFFD.
char32_t NextCodePoint(const std::string& text, std::size_t& i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  const int length = lead < 0x80 ? 1 : lead < 0xC0 ? 0 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (length == 0 || i + static_cast<std::size_t>(length) > text.size()) {
    ++i;
    return 0xFFFD;
  }
  char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
  for (int k = 1; k < length; ++k) cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  i += static_cast<std::size_t>(length);
  return cp;
}

// ---------------------------------------------------------------------------------------------
// The direct writer.

// Appends `v` with at most three decimals, no trailing zeros ("12", "2.364", "-0.5").
void AppendNumber(std::string& out, float v) {
  long long thousandths = static_cast<long long>(v * 1000.0f + (v < 0 ? -0.5f : 0.5f));
  if (thousandths < 0) {
    out += '-';
    thousandths = -thousandths;
  }
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, thousandths / 1000).ptr);
  int frac = static_cast<int>(thousandths % 1000);
  if (frac != 0) {
    char digits[4] = {static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                      static_cast<char>('0' + frac % 10), 0};
    int n = 3;
    while (digits[n - 1] == '0') --n;
    out += '.';
    out.append(digits, static_cast<std::size_t>(n));
  }
}

void AppendInt(std::string& out, long long v) {
  char buf[24];
  out.append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

constexpr char kHexDigits[] = "0123456789ABCDEF";

void AppendHex4(std::string& out, unsigned v) {
  const char h[4] = {kHexDigits[v >> 12 & 0xF], kHexDigits[v >> 8 & 0xF], kHexDigits[v >> 4 & 0xF],
                     kHexDigits[v & 0xF]};
  out.append(h, 4);
}

// A zlib stream kept per thread and level and reset between documents: allocating and freeing
// zlib's ~270 KB of state for each stream cost more page faults than the compression itself.
class Deflater {
 public:
  explicit Deflater(int level) {
    if (deflateInit(&zs_, level) != Z_OK) throw std::runtime_error("certificates: deflateInit failed");
  }
  ~Deflater() { deflateEnd(&zs_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  std::string operator()(const std::string& data) {
    deflateReset(&zs_);
    std::string out(deflateBound(&zs_, static_cast<uLong>(data.size())), '\0');
    zs_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs_.avail_in = static_cast<uInt>(data.size());
    zs_.next_out = reinterpret_cast<Bytef*>(out.data());
    zs_.avail_out = static_cast<uInt>(out.size());
    if (deflate(&zs_, Z_FINISH) != Z_STREAM_END) throw std::runtime_error("certificates: deflate failed");
    out.resize(zs_.total_out);
    return out;
  }

 private:
  z_stream zs_{};
};

std::string Deflate(const std::string& data, int level) {
  if (level == Z_BEST_SPEED) {
    thread_local Deflater fast(Z_BEST_SPEED);
    return fast(data);
  }
  if (level == Z_DEFAULT_COMPRESSION) {
    thread_local Deflater normal(Z_DEFAULT_COMPRESSION);
    return normal(data);
  }
  return Deflater(level)(data);
}

// Object numbers of the direct writer's documents. The static ones are prepared once.
enum Object : int {
  kCatalog = 1,
  kPages,
  kPage,
  kContents,
  kType0Font,      // static
  kCidFont,        // per document: /W of the glyphs used
  kDescriptor,     // static
  kFontFile,       // per document: the glyphs used
  kToUnicode,      // per document: the glyphs used
  kLogoImage,      // static
  kInfo,           // static
  kObjectCount     // /Size
};

std::uint16_t U16(const std::string& f, std::size_t at) {
  if (at + 2 > f.size()) throw std::runtime_error("certificates: truncated TrueType font");
  return static_cast<std::uint16_t>(static_cast<unsigned char>(f[at]) << 8 |
                                    static_cast<unsigned char>(f[at + 1]));
}
std::int16_t S16(const std::string& f, std::size_t at) { return static_cast<std::int16_t>(U16(f, at)); }
std::uint32_t U32(const std::string& f, std::size_t at) {
  return static_cast<std::uint32_t>(U16(f, at)) << 16 | U16(f, at + 2);
}

// The sfnt table directory: tag -> (offset, length).
struct TableRef {
  std::size_t offset = 0, length = 0;
};
TableRef FindTable(const std::string& font, const char* tag) {
  const unsigned count = U16(font, 4);
  for (unsigned i = 0; i < count; ++i) {
    const std::size_t entry = 12 + 16 * static_cast<std::size_t>(i);
    if (entry + 16 > font.size()) break;
    if (font.compare(entry, 4, tag) == 0) {
      TableRef t{U32(font, entry + 8), U32(font, entry + 12)};
      if (t.offset + t.length > font.size()) break;
      return t;
    }
  }
  throw std::runtime_error(std::string("certificates: font without a usable '") + tag + "' table");
}

// Fills `gid_of` from a Unicode cmap subtable (format 4 or 12).
void ReadCmap(const std::string& font, std::vector<std::uint16_t>& gid_of) {
  const TableRef cmap = FindTable(font, "cmap");
  const unsigned count = U16(font, cmap.offset + 2);
  std::size_t best = 0;
  int best_rank = 0;
  for (unsigned i = 0; i < count; ++i) {
    const std::size_t rec = cmap.offset + 4 + 8 * static_cast<std::size_t>(i);
    const unsigned platform = U16(font, rec), encoding = U16(font, rec + 2);
    const std::size_t sub = cmap.offset + U32(font, rec + 4);
    const unsigned format = U16(font, sub);
    int rank = 0;
    if (format == 12 && (platform == 3 || platform == 0)) rank = 3;
    else if (format == 4 && platform == 3 && encoding == 1) rank = 2;
    else if (format == 4 && platform == 0) rank = 1;
    if (rank > best_rank) best_rank = rank, best = sub;
  }
  if (best_rank == 0) throw std::runtime_error("certificates: font without a Unicode cmap");
  if (U16(font, best) == 4) {
    const unsigned segments = U16(font, best + 6) / 2;
    const std::size_t ends = best + 14, starts = ends + 2 * segments + 2,
                      deltas = starts + 2 * segments, range_offsets = deltas + 2 * segments;
    for (unsigned s = 0; s < segments; ++s) {
      const unsigned end = U16(font, ends + 2 * s), start = U16(font, starts + 2 * s);
      const unsigned delta = U16(font, deltas + 2 * s);
      const std::size_t ro_at = range_offsets + 2 * s;
      const unsigned ro = U16(font, ro_at);
      for (unsigned c = start; c <= end && c < 0xFFFF; ++c) {
        unsigned g = 0;
        if (ro == 0) {
          g = (c + delta) & 0xFFFF;
        } else {
          g = U16(font, ro_at + ro + 2 * (c - start));
          if (g != 0) g = (g + delta) & 0xFFFF;
        }
        gid_of[c] = static_cast<std::uint16_t>(g);
      }
    }
  } else {  // format 12
    const std::uint32_t groups = U32(font, best + 12);
    for (std::uint32_t k = 0; k < groups; ++k) {
      const std::size_t g = best + 16 + 12 * static_cast<std::size_t>(k);
      const std::uint32_t start = U32(font, g), end = U32(font, g + 4), gid = U32(font, g + 8);
      for (std::uint32_t c = start; c <= end && c < 0x10000; ++c) {
        gid_of[c] = static_cast<std::uint16_t>(gid + (c - start));
      }
    }
  }
}

std::uint32_t TableChecksum(const std::string& data) {
  std::uint32_t sum = 0;
  const std::size_t n = data.size();
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << 24 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 1])) << 16 |
           static_cast<std::uint32_t>(static_cast<unsigned char>(data[i + 2])) << 8 |
           static_cast<unsigned char>(data[i + 3]);
  }
  for (int shift = 24; i < n; ++i, shift -= 8) {
    sum += static_cast<std::uint32_t>(static_cast<unsigned char>(data[i])) << shift;
  }
  return sum;
}

void PutU32(std::string& s, std::size_t at, std::uint32_t v) {
  s[at] = static_cast<char>(v >> 24);
  s[at + 1] = static_cast<char>(v >> 16);
  s[at + 2] = static_cast<char>(v >> 8);
  s[at + 3] = static_cast<char>(v);
}
void AppendU16(std::string& s, unsigned v) {
  s += static_cast<char>(v >> 8 & 0xFF);
  s += static_cast<char>(v & 0xFF);
}
void AppendU32(std::string& s, std::uint32_t v) {
  AppendU16(s, v >> 16);
  AppendU16(s, v & 0xFFFF);
}

// Splits the font into tables and reads glyph locations and composite components.
void PrepareFontTables(const std::string& font, unsigned glyphs, unsigned metrics,
                       DirectAssets& d) {
  d.sfnt_version = font.substr(0, 4);
  d.metrics = metrics;
  const unsigned count = U16(font, 4);
  bool found[4] = {false, false, false, false};
  for (unsigned i = 0; i < count; ++i) {
    const std::size_t entry = 12 + 16 * static_cast<std::size_t>(i);
    DirectAssets::Table t;
    t.tag = font.substr(entry, 4);
    if (t.tag == "MATH") continue;  // not needed to draw glyphs
    const std::size_t offset = U32(font, entry + 8), length = U32(font, entry + 12);
    if (offset + length > font.size()) throw std::runtime_error("certificates: bad font table");
    t.data = font.substr(offset, length);
    const std::size_t index = d.tables.size();
    const char* names[4] = {"glyf", "loca", "hmtx", "head"};
    std::size_t* slots[4] = {&d.glyf, &d.loca, &d.hmtx, &d.head};
    for (int k = 0; k < 4; ++k) {
      if (t.tag == names[k]) *slots[k] = index, found[k] = true;
    }
    d.tables.push_back(std::move(t));
  }
  if (!(found[0] && found[1] && found[2] && found[3])) {
    throw std::runtime_error("certificates: font without glyf, loca, hmtx or head");
  }
  std::string& head = d.tables[d.head].data;
  if (head.size() < 54) throw std::runtime_error("certificates: bad head table");
  d.long_loca = U16(head, 50) != 0;
  PutU32(head, 8, 0);  // checkSumAdjustment, recomputed for each document
  for (auto& t : d.tables) t.checksum = TableChecksum(t.data);

  const std::string& loca = d.tables[d.loca].data;
  const std::string& glyf = d.tables[d.glyf].data;
  d.glyph_start.resize(glyphs + 1);
  for (unsigned g = 0; g <= glyphs; ++g) {
    d.glyph_start[g] = d.long_loca ? U32(loca, 4 * g) : 2u * U16(loca, 2 * g);
    if (d.glyph_start[g] > glyf.size() || (g > 0 && d.glyph_start[g] < d.glyph_start[g - 1])) {
      throw std::runtime_error("certificates: bad loca table");
    }
  }
  d.components.resize(glyphs);
  for (unsigned g = 0; g < glyphs; ++g) {
    std::size_t p = d.glyph_start[g];
    if (d.glyph_start[g + 1] - p < 10 || S16(glyf, p) >= 0) continue;  // empty or simple
    p += 10;
    for (;;) {
      const unsigned flags = U16(glyf, p), component = U16(glyf, p + 2);
      if (component >= glyphs) throw std::runtime_error("certificates: bad composite glyph");
      d.components[g].push_back(static_cast<std::uint16_t>(component));
      p += 4 + ((flags & 0x1) ? 4 : 2);
      if (flags & 0x8) p += 2;
      else if (flags & 0x40) p += 4;
      else if (flags & 0x80) p += 8;
      if (!(flags & 0x20)) break;
    }
  }
}

// The font program with only the glyphs in `used` (and their components; .notdef always).
std::string SubsetFontProgram(const DirectAssets& d, std::vector<bool> used) {
  used[0] = true;
  for (std::size_t g = 0; g < used.size(); ++g) {
    if (!used[g]) continue;
    std::vector<std::uint16_t> stack(d.components[g]);
    while (!stack.empty()) {
      const std::uint16_t c = stack.back();
      stack.pop_back();
      if (used[c]) continue;
      used[c] = true;
      stack.insert(stack.end(), d.components[c].begin(), d.components[c].end());
    }
  }
  const std::string& glyf = d.tables[d.glyf].data;
  const std::size_t glyphs = used.size();
  std::string new_glyf, new_loca;
  new_loca.reserve((glyphs + 1) * (d.long_loca ? 4 : 2));
  std::string new_hmtx = d.tables[d.hmtx].data;
  for (std::size_t g = 0; g <= glyphs; ++g) {
    if (d.long_loca) AppendU32(new_loca, static_cast<std::uint32_t>(new_glyf.size()));
    else AppendU16(new_loca, static_cast<unsigned>(new_glyf.size() / 2));
    if (g == glyphs) break;
    if (used[g]) {
      new_glyf.append(glyf, d.glyph_start[g], d.glyph_start[g + 1] - d.glyph_start[g]);
    } else {
      // Unused metrics zeroed: they compress away; the PDF's /W gives the widths anyway.
      const std::size_t at = g < d.metrics ? 4 * g : 4 * d.metrics + 2 * (g - d.metrics);
      const std::size_t n = g < d.metrics ? 4 : 2;
      if (at + n <= new_hmtx.size()) std::memset(new_hmtx.data() + at, 0, n);
    }
  }

  const std::size_t count = d.tables.size();
  unsigned power = 1, log2 = 0;
  while (power * 2 <= count) power *= 2, ++log2;
  std::string out = d.sfnt_version;
  AppendU16(out, static_cast<unsigned>(count));
  AppendU16(out, power * 16);
  AppendU16(out, log2);
  AppendU16(out, static_cast<unsigned>(count * 16 - power * 16));
  const std::size_t directory = out.size();
  out.resize(directory + 16 * count);
  std::size_t head_at = 0;
  for (std::size_t k = 0; k < count; ++k) {
    const DirectAssets::Table& t = d.tables[k];
    const std::string& data = k == d.glyf ? new_glyf : k == d.loca ? new_loca
                              : k == d.hmtx ? new_hmtx : t.data;
    const std::uint32_t checksum =
        (k == d.glyf || k == d.loca || k == d.hmtx) ? TableChecksum(data) : t.checksum;
    const std::size_t entry = directory + 16 * k;
    out.replace(entry, 4, t.tag);
    PutU32(out, entry + 4, checksum);
    PutU32(out, entry + 8, static_cast<std::uint32_t>(out.size()));
    PutU32(out, entry + 12, static_cast<std::uint32_t>(data.size()));
    if (k == d.head) head_at = out.size();
    out += data;
    out.append((4 - data.size() % 4) % 4, '\0');
  }
  PutU32(out, head_at + 8, 0xB1B0AFBAu - TableChecksum(out));
  return out;
}

// The logo as an image XObject whose data is the PNG's own zlib stream (PNG predictors are
// understood by PDF readers), so nothing is decoded. Empty when the PNG is interlaced, has an
// alpha channel or transparency, or is 16-bit: the libharu path is used then.
std::string LogoObject(const std::string& png) {
  static constexpr unsigned char kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  if (png.size() < 8 || std::memcmp(png.data(), kSignature, 8) != 0) return {};
  std::size_t pos = 8;
  std::uint32_t width = 0, height = 0;
  int depth = 0, color = -1, interlace = 0;
  std::string palette, idat;
  while (pos + 12 <= png.size()) {
    const std::uint32_t length = U32(png, pos);
    const std::string type = png.substr(pos + 4, 4);
    const std::size_t data = pos + 8;
    if (data + length + 4 > png.size()) return {};
    if (type == "IHDR" && length >= 13) {
      width = U32(png, data);
      height = U32(png, data + 4);
      depth = static_cast<unsigned char>(png[data + 8]);
      color = static_cast<unsigned char>(png[data + 9]);
      interlace = static_cast<unsigned char>(png[data + 12]);
    } else if (type == "PLTE") {
      palette = png.substr(data, length);
    } else if (type == "IDAT") {
      idat.append(png, data, length);
    } else if (type == "tRNS") {
      return {};
    } else if (type == "IEND") {
      break;
    }
    pos = data + length + 4;
  }
  if (width == 0 || height == 0 || idat.empty() || interlace != 0 || depth > 8) return {};
  int colors = 0;
  std::string color_space;
  if (color == 0) {
    colors = 1;
    color_space = "/DeviceGray";
  } else if (color == 2 && depth == 8) {
    colors = 3;
    color_space = "/DeviceRGB";
  } else if (color == 3 && !palette.empty()) {
    colors = 1;
    color_space = "[/Indexed /DeviceRGB " + std::to_string(palette.size() / 3 - 1) + " <";
    for (unsigned char byte : palette) {
      color_space += kHexDigits[byte >> 4];
      color_space += kHexDigits[byte & 0xF];
    }
    color_space += ">]";
  } else {
    return {};
  }
  std::string out = "<< /Type /XObject /Subtype /Image /Width " + std::to_string(width) +
                    " /Height " + std::to_string(height) + " /ColorSpace " + color_space +
                    " /BitsPerComponent " + std::to_string(depth) +
                    " /Filter /FlateDecode /DecodeParms << /Predictor 15 /Colors " +
                    std::to_string(colors) + " /BitsPerComponent " + std::to_string(depth) +
                    " /Columns " + std::to_string(width) + " >> /Length " +
                    std::to_string(idat.size()) + " >>\nstream\n";
  out += idat;
  out += "\nendstream";
  return out;
}

constexpr std::string_view kFontName = "PCRSAA+DejaVuSans";  // a subset: tagged name

// Parses the subset font and prepares every object that does not depend on the holder.
std::unique_ptr<const DirectAssets> PrepareDirect(const std::string& font,
                                                  const std::string& logo_png) {
  std::string logo = LogoObject(logo_png);
  if (logo.empty()) return nullptr;
  auto d = std::make_unique<DirectAssets>();

  const TableRef head = FindTable(font, "head"), hhea = FindTable(font, "hhea"),
                 hmtx = FindTable(font, "hmtx"), maxp = FindTable(font, "maxp");
  const unsigned units = U16(font, head.offset + 18);
  if (units == 0) throw std::runtime_error("certificates: font with unitsPerEm 0");
  auto scaled = [&](int v) { return static_cast<int>(static_cast<long>(v) * 1000 / static_cast<long>(units)); };
  const unsigned glyphs = U16(font, maxp.offset + 4);
  const unsigned metrics = U16(font, hhea.offset + 34);
  if (metrics == 0 || hmtx.length < 4 * static_cast<std::size_t>(metrics)) {
    throw std::runtime_error("certificates: bad hmtx");
  }
  d->width_of.resize(glyphs);
  for (unsigned g = 0; g < glyphs; ++g) {
    // As libharu: advance * 1000 / unitsPerEm, truncated.
    const unsigned advance = U16(font, hmtx.offset + 4 * std::min(g, metrics - 1));
    d->width_of[g] = static_cast<std::uint16_t>(advance * 1000 / units);
  }
  d->gid_of.assign(0x10000, 0);
  ReadCmap(font, d->gid_of);
  d->unicode_of.assign(glyphs, 0);
  for (char32_t c = 0x10000; c-- > 0;) {
    const std::uint16_t g = d->gid_of[c];
    if (g >= glyphs) {
      d->gid_of[c] = 0;
    } else if (g != 0) {
      d->unicode_of[g] = c;  // descending loop: the lowest code point wins (space, not NBSP)
    }
  }
  for (char32_t c = 0; c < 0x20; ++c) d->gid_of[c] = 0;  // control characters: fall back

  PrepareFontTables(font, glyphs, metrics, *d);

  const int ascent = scaled(S16(font, hhea.offset + 4));
  const int descent = scaled(S16(font, hhea.offset + 6));
  int cap_height = ascent;
  try {
    const TableRef os2 = FindTable(font, "OS/2");
    if (U16(font, os2.offset) >= 2 && os2.length >= 90) cap_height = scaled(S16(font, os2.offset + 88));
  } catch (const std::runtime_error&) {
  }

  std::string& s = d->static_objects;
  auto begin = [&](int number) {
    d->static_numbers.push_back(number);
    d->static_offsets.push_back(s.size());
    AppendInt(s, number);
    s += " 0 obj\n";
  };
  begin(kType0Font);
  s += "<< /Type /Font /Subtype /Type0 /BaseFont /";
  s += kFontName;
  s += " /Encoding /Identity-H /DescendantFonts [" + std::to_string(kCidFont) +
       " 0 R] /ToUnicode " + std::to_string(kToUnicode) + " 0 R >>\nendobj\n";
  begin(kDescriptor);
  s += "<< /Type /FontDescriptor /FontName /";
  s += kFontName;
  s += " /Flags 32 /FontBBox [" + std::to_string(scaled(S16(font, head.offset + 36))) + ' ' +
       std::to_string(scaled(S16(font, head.offset + 38))) + ' ' +
       std::to_string(scaled(S16(font, head.offset + 40))) + ' ' +
       std::to_string(scaled(S16(font, head.offset + 42))) +
       "] /ItalicAngle 0 /Ascent " + std::to_string(ascent) + " /Descent " +
       std::to_string(descent) + " /CapHeight " + std::to_string(cap_height) +
       " /StemV 80 /FontFile2 " + std::to_string(kFontFile) + " 0 R >>\nendobj\n";
  begin(kLogoImage);
  s += logo;
  s += "\nendobj\n";
  begin(kInfo);
  s += "<< /Producer (Parcours certificates) >>\nendobj\n";
  return d;
}

// One document drawn by the direct writer. `missing_glyph()` tells the caller to fall back.
class DirectCanvas final : public Canvas {
 public:
  explicit DirectCanvas(const DirectAssets& assets)
      : a_(assets), used_(assets.width_of.size(), false) {
    content_.reserve(16384);
  }

  bool missing_glyph() const { return missing_; }

  void StrokeColor(Rgb c) override { Color(c, " RG\n"); }
  void FillColor(Rgb c) override { Color(c, " rg\n"); }
  void LineWidth(float w) override {
    AppendNumber(content_, w);
    content_ += " w\n";
  }
  void Rectangle(float x, float y, float w, float h) override {
    AppendNumber(content_, x);
    content_ += ' ';
    AppendNumber(content_, y);
    content_ += ' ';
    AppendNumber(content_, w);
    content_ += ' ';
    AppendNumber(content_, h);
    content_ += " re\n";
  }
  void MoveTo(float x, float y) override { Point(x, y, " m\n"); }
  void LineTo(float x, float y) override { Point(x, y, " l\n"); }
  void Stroke() override { content_ += "S\n"; }
  void Fill() override { content_ += "f\n"; }
  void Logo(float x, float y, float w, float h) override {
    content_ += "q ";
    AppendNumber(content_, w);
    content_ += " 0 0 ";
    AppendNumber(content_, h);
    content_ += ' ';
    Point(x, y, " cm /Im1 Do Q\n");
  }
  void Text(const std::string& text, float size, float x, float y) override {
    content_ += "BT /F1 ";
    AppendNumber(content_, size);
    content_ += " Tf ";
    Point(x, y, " Td <");
    for (std::size_t i = 0; i < text.size();) {
      const unsigned g = Glyph(NextCodePoint(text, i));
      used_[g] = true;
      AppendHex4(content_, g);
    }
    content_ += "> Tj ET\n";
  }
  float TextWidth(const std::string& text, float size) override {
    long total = 0;
    for (std::size_t i = 0; i < text.size();) total += a_.width_of[Glyph(NextCodePoint(text, i))];
    return static_cast<float>(total) * size / 1000.0f;
  }

  std::string Save() override {
    const std::string contents = Deflate(content_, Z_BEST_SPEED);
    std::string pdf;
    pdf.reserve(a_.static_objects.size() + contents.size() + 4096);
    pdf += "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";
    std::size_t offsets[kObjectCount] = {};
    const std::size_t static_base = pdf.size();
    pdf += a_.static_objects;
    for (std::size_t k = 0; k < a_.static_numbers.size(); ++k) {
      offsets[a_.static_numbers[k]] = static_base + a_.static_offsets[k];
    }
    auto begin = [&](int number) {
      offsets[number] = pdf.size();
      AppendInt(pdf, number);
      pdf += " 0 obj\n";
    };
    begin(kCatalog);
    pdf += "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n";
    begin(kPages);
    pdf += "<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n";
    begin(kPage);
    pdf += "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ";
    AppendNumber(pdf, kPageWidth);
    pdf += ' ';
    AppendNumber(pdf, kPageHeight);
    pdf += "] /Resources << /ProcSet [/PDF /Text /ImageC] /Font << /F1 5 0 R >> "
           "/XObject << /Im1 10 0 R >> >> /Contents 4 0 R >>\nendobj\n";
    begin(kContents);
    pdf += "<< /Length ";
    AppendInt(pdf, static_cast<long long>(contents.size()));
    pdf += " /Filter /FlateDecode >>\nstream\n";
    pdf += contents;
    pdf += "\nendstream\nendobj\n";

    begin(kCidFont);
    pdf += "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /";
    pdf += kFontName;
    pdf += " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
           "/FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 1000 /W [";
    std::string cmap_entries;
    int entries = 0;
    for (std::size_t g = 0; g < used_.size(); ++g) {
      if (!used_[g]) continue;
      AppendInt(pdf, static_cast<long long>(g));
      pdf += " [";
      AppendInt(pdf, a_.width_of[g]);
      pdf += "] ";
      if (a_.unicode_of[g] != 0) {
        cmap_entries += '<';
        AppendHex4(cmap_entries, static_cast<unsigned>(g));
        cmap_entries += "> <";
        AppendHex4(cmap_entries, static_cast<unsigned>(a_.unicode_of[g]));
        cmap_entries += ">\n";
        ++entries;
      }
    }
    pdf += "] >>\nendobj\n";

    // ToUnicode: bfchar blocks of at most 100 entries each (a CMap limit).
    std::string cmap =
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n";
    for (int done = 0; done < entries; done += 100) {
      const int n = std::min(100, entries - done);
      AppendInt(cmap, n);
      cmap += " beginbfchar\n";
      cmap.append(cmap_entries, static_cast<std::size_t>(done) * 14, static_cast<std::size_t>(n) * 14);
      cmap += "endbfchar\n";
    }
    cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
    const std::string program = SubsetFontProgram(a_, used_);
    const std::string packed_program = Deflate(program, Z_BEST_SPEED);
    begin(kFontFile);
    pdf += "<< /Length ";
    AppendInt(pdf, static_cast<long long>(packed_program.size()));
    pdf += " /Length1 ";
    AppendInt(pdf, static_cast<long long>(program.size()));
    pdf += " /Filter /FlateDecode >>\nstream\n";
    pdf += packed_program;
    pdf += "\nendstream\nendobj\n";

    begin(kToUnicode);
    pdf += "<< /Length ";
    AppendInt(pdf, static_cast<long long>(cmap.size()));
    pdf += " >>\nstream\n";
    pdf += cmap;
    pdf += "\nendstream\nendobj\n";

    const std::size_t xref = pdf.size();
    pdf += "xref\n0 ";
    AppendInt(pdf, kObjectCount);
    pdf += "\n0000000000 65535 f\r\n";
    char entry[24];
    for (int k = 1; k < kObjectCount; ++k) {
      std::snprintf(entry, sizeof entry, "%010zu 00000 n\r\n", offsets[k]);
      pdf.append(entry, 20);
    }
    pdf += "trailer\n<< /Size ";
    AppendInt(pdf, kObjectCount);
    pdf += " /Root 1 0 R /Info 11 0 R >>\nstartxref\n";
    AppendInt(pdf, static_cast<long long>(xref));
    pdf += "\n%%EOF\n";
    return pdf;
  }

 private:
  unsigned Glyph(char32_t c) {
    const unsigned g = c < 0x10000 ? a_.gid_of[c] : 0;
    if (g == 0) missing_ = true;
    return g;
  }
  void Color(Rgb c, const char* op) {
    AppendNumber(content_, c.r);
    content_ += ' ';
    AppendNumber(content_, c.g);
    content_ += ' ';
    AppendNumber(content_, c.b);
    content_ += op;
  }
  void Point(float x, float y, const char* op) {
    AppendNumber(content_, x);
    content_ += ' ';
    AppendNumber(content_, y);
    content_ += op;
  }

  const DirectAssets& a_;
  std::string content_;
  std::vector<bool> used_;
  bool missing_ = false;
};

// ---------------------------------------------------------------------------------------------
// The libharu back end.

// libharu reports errors through a callback; it must not throw through C frames, so it records
// the first error and the caller checks after each document.
struct HaruError {
  HPDF_STATUS code = HPDF_OK;
  HPDF_STATUS detail = HPDF_OK;
};
void RecordHaruError(HPDF_STATUS code, HPDF_STATUS detail, void* user_data) {
  auto* error = static_cast<HaruError*>(user_data);
  if (error->code == HPDF_OK) {
    error->code = code;
    error->detail = detail;
  }
}

struct DocDeleter {
  void operator()(HPDF_Doc doc) const { HPDF_Free(doc); }
};
using DocPtr = std::unique_ptr<std::remove_pointer_t<HPDF_Doc>, DocDeleter>;

class HaruCanvas final : public Canvas {
 public:
  // `first_page`: an A4 landscape page to draw on (the certificates); listings add their own.
  HaruCanvas(const Renderer::Assets& assets, const std::string& font_path, bool first_page = true)
      : doc_(HPDF_New(RecordHaruError, &error_)) {
    if (!doc_) throw std::runtime_error("certificates: HPDF_New failed");
    HPDF_SetCompressionMode(doc_.get(), HPDF_COMP_ALL);
    HPDF_UseUTFEncodings(doc_.get());
    HPDF_SetCurrentEncoder(doc_.get(), "UTF-8");
    const char* font_name = HPDF_LoadTTFontFromFile(doc_.get(), font_path.c_str(), HPDF_TRUE);
    font_ = font_name ? HPDF_GetFont(doc_.get(), font_name, "UTF-8") : nullptr;
    logo_ = HPDF_LoadPngImageFromMem(doc_.get(),
                                     reinterpret_cast<const HPDF_BYTE*>(assets.logo_png.data()),
                                     static_cast<HPDF_UINT>(assets.logo_png.size()));
    if (first_page) AddPage(kPageWidth, kPageHeight);
    Check("setting up the document");
  }

  // Drawing goes on this new page from now on.
  void AddPage(float width, float height) {
    page_ = HPDF_AddPage(doc_.get());
    HPDF_Page_SetWidth(page_, width);
    HPDF_Page_SetHeight(page_, height);
  }

  void StrokeColor(Rgb c) override { HPDF_Page_SetRGBStroke(page_, c.r, c.g, c.b); }
  void FillColor(Rgb c) override { HPDF_Page_SetRGBFill(page_, c.r, c.g, c.b); }
  void LineWidth(float w) override { HPDF_Page_SetLineWidth(page_, w); }
  void Rectangle(float x, float y, float w, float h) override {
    HPDF_Page_Rectangle(page_, x, y, w, h);
  }
  void MoveTo(float x, float y) override { HPDF_Page_MoveTo(page_, x, y); }
  void LineTo(float x, float y) override { HPDF_Page_LineTo(page_, x, y); }
  void Stroke() override { HPDF_Page_Stroke(page_); }
  void Fill() override { HPDF_Page_Fill(page_); }
  void Logo(float x, float y, float w, float h) override {
    HPDF_Page_DrawImage(page_, logo_, x, y, w, h);
  }
  void Text(const std::string& text, float size, float x, float y) override {
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font_, size);
    HPDF_Page_TextOut(page_, x, y, text.c_str());
    HPDF_Page_EndText(page_);
  }
  float TextWidth(const std::string& text, float size) override {
    HPDF_Page_SetFontAndSize(page_, font_, size);
    return HPDF_Page_TextWidth(page_, text.c_str());
  }
  std::string Save() override {
    HPDF_SaveToStream(doc_.get());
    Check("saving");
    std::string bytes(HPDF_GetStreamSize(doc_.get()), '\0');
    HPDF_UINT32 size = static_cast<HPDF_UINT32>(bytes.size());
    HPDF_ReadFromStream(doc_.get(), reinterpret_cast<HPDF_BYTE*>(bytes.data()), &size);
    bytes.resize(size);
    Check("reading the document");
    return bytes;
  }

 private:
  void Check(const char* what) const {
    if (error_.code != HPDF_OK) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "certificates: libharu error 0x%04X (detail %u) while %s",
                    static_cast<unsigned>(error_.code), static_cast<unsigned>(error_.detail), what);
      throw std::runtime_error(buf);
    }
  }

  HaruError error_;
  DocPtr doc_;
  HPDF_Font font_ = nullptr;
  HPDF_Image logo_ = nullptr;
  HPDF_Page page_ = nullptr;
};

// ---------------------------------------------------------------------------------------------
// The layout, on either canvas.

class Page {
 public:
  explicit Page(Canvas& canvas) : c_(canvas) {}

  void Frame() {
    c_.StrokeColor(kAccent);
    c_.LineWidth(2.5f);
    c_.Rectangle(kMargin, kMargin, kPageWidth - 2 * kMargin, kPageHeight - 2 * kMargin);
    c_.Stroke();
    c_.LineWidth(0.6f);
    c_.Rectangle(kMargin + 5, kMargin + 5, kPageWidth - 2 * kMargin - 10,
                 kPageHeight - 2 * kMargin - 10);
    c_.Stroke();
  }

  void Header(const std::string& centre_name) {
    const float logo_size = 54;
    const float top = kPageHeight - kMargin - 22;
    c_.Logo(kMargin + 24, top - logo_size, logo_size, logo_size);
    const float text_x = kMargin + 24 + logo_size + 14;
    const float width = kPageWidth - text_x - kMargin - 40;
    const auto lines = Wrap(centre_name, 11, width);
    float y = top - 20 + 7 * (static_cast<float>(lines.size()) - 1);
    for (const auto& line : lines) {
      Text(line, 11, text_x, y, kAccent);
      y -= 14;
    }
  }

  float TextWidth(const std::string& text, float size) { return c_.TextWidth(text, size); }

  void Text(const std::string& text, float size, float x, float y, Rgb color = kInk) {
    c_.FillColor(color);
    c_.Text(text, size, x, y);
  }

  // Centred on the page; the size shrinks until the text fits between the margins.
  void Centred(const std::string& text, float size, float y, Rgb color = kInk) {
    const float max_width = kPageWidth - 2 * kMargin - 80;
    float width = TextWidth(text, size);
    if (width > max_width) {
      size *= max_width / width;
      width = max_width;
    }
    Text(text, size, (kPageWidth - width) / 2, y, color);
  }

  void RightAligned(const std::string& text, float size, float right, float y, Rgb color = kInk) {
    Text(text, size, right - TextWidth(text, size), y, color);
  }

  std::vector<std::string> Wrap(const std::string& text, float size, float width) {
    std::vector<std::string> lines;
    std::string line;
    std::istringstream words(text);
    for (std::string word; words >> word;) {
      const std::string candidate = line.empty() ? word : line + ' ' + word;
      if (!line.empty() && TextWidth(candidate, size) > width) {
        lines.push_back(line);
        line = word;
      } else {
        line = candidate;
      }
    }
    if (!line.empty()) lines.push_back(line);
    return lines;
  }

  // The text cut with an ellipsis so that it fits `width`.
  std::string Fit(const std::string& text, float size, float width) {
    if (TextWidth(text, size) <= width) return text;
    std::string cut = text;
    while (!cut.empty() && TextWidth(cut + "…", size) > width) {
      cut.pop_back();
      while (!cut.empty() && (static_cast<unsigned char>(cut.back()) & 0xC0) == 0x80) cut.pop_back();
      if (!cut.empty() && static_cast<unsigned char>(cut.back()) >= 0xC0) cut.pop_back();
    }
    return cut + "…";
  }

  void Rule(float x1, float x2, float y, float width = 0.5f, Rgb color = kMuted) {
    c_.StrokeColor(color);
    c_.LineWidth(width);
    c_.MoveTo(x1, y);
    c_.LineTo(x2, y);
    c_.Stroke();
  }

  // The QR code's dark modules as filled rectangles, one per horizontal run, with the quiet
  // zone left white.
  void Qr(const std::string& url, float x, float y, float size) {
    const QrMatrix code = EncodeQr(url);
    const float module = size / static_cast<float>(code.width);
    c_.FillColor({0, 0, 0});
    for (const auto& run : code.Runs())
      c_.Rectangle(x + module * static_cast<float>(run.col), y + size - module * static_cast<float>(run.row + 1),
                   module * static_cast<float>(run.length), module);
    c_.Fill();
  }

 private:
  Canvas& c_;
};

// Whether every code point of the UTF-8 `text` is in the ranges of DejaVuSans-Latin.ttf (see
// templates/make_font_subset.sh); anything else needs the full font. Used by the libharu path.
bool InLatinSubset(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const char32_t cp = NextCodePoint(text, i);
    const bool covered = (cp >= 0x20 && cp <= 0x7E) || (cp >= 0xA0 && cp <= 0x36F) ||
                         (cp >= 0x1E00 && cp <= 0x1EFF) || (cp >= 0x2000 && cp <= 0x206F) ||
                         cp == 0x20AC || cp == 0x2122;
    if (!covered) return false;
  }
  return true;
}

template <typename... Texts>
const std::string& FontFor(const Renderer::Assets& assets, const Texts&... texts) {
  if (!assets.subset_font_path.empty() && (InLatinSubset(texts) && ...)) {
    return assets.subset_font_path;
  }
  return assets.full_font_path;
}

// Draws with the direct writer; when a character is not in the subset (or the direct writer is
// unavailable), draws again with libharu and the font FontFor picks.
template <typename Draw, typename... Texts>
std::string Render(const Renderer::Assets& assets, const Draw& draw, const Texts&... texts) {
  if (assets.direct) {
    DirectCanvas canvas(*assets.direct);
    Page page(canvas);
    draw(page);
    if (!canvas.missing_glyph()) return canvas.Save();
  }
  HaruCanvas canvas(assets, FontFor(assets, texts...));
  Page page(canvas);
  draw(page);
  return canvas.Save();
}

// The footer shared by both certificates: place and date with the signature block on the left,
// verification code and QR code on the right.
void Footer(Page& page, const Wording& w, const std::string& language, const std::string& place,
            const std::string& issue_date, const std::string& code, const std::string& url,
            const std::string& signatory_name, const std::string& signatory_title) {
  const float left = kMargin + 40;
  page.Text(internal::DoneAt(w, language, place, issue_date), 10.5f, left, 112);
  page.Rule(left, left + 210, 74, 0.6f);
  page.Text(signatory_name, 11, left, 60);
  page.Text(signatory_title, 9, left, 47, kMuted);

  const float qr_size = 78;
  const float qr_x = kPageWidth - kMargin - 40 - qr_size;
  const float qr_y = 46;
  page.Qr(url, qr_x, qr_y, qr_size);
  const float right = qr_x - 12;
  page.RightAligned(std::string(w.verification_code), 8.5f, right, qr_y + 52, kMuted);
  page.RightAligned(code, 12, right, qr_y + 36, kAccent);
  page.RightAligned(std::string(w.verify_at), 7.5f, right, qr_y + 18, kMuted);
  page.RightAligned(page.Fit(url, 7.5f, 260), 7.5f, right, qr_y + 8, kMuted);
}

}  // namespace

Renderer::Renderer(std::string templates_dir) : templates_dir_(std::move(templates_dir)) {
  auto assets = std::make_unique<Assets>();
  assets->logo_png = ReadFile(templates_dir_ + "/logo.png");
  if (FileExists(templates_dir_ + "/DejaVuSans-Latin.ttf")) {
    assets->subset_font_path = templates_dir_ + "/DejaVuSans-Latin.ttf";
    assets->direct = PrepareDirect(ReadFile(assets->subset_font_path), assets->logo_png);
  }
  assets->full_font_path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (!FileExists(assets->full_font_path)) {
    throw std::runtime_error("certificates: " + assets->full_font_path +
                             " not found (install fonts-dejavu-core)");
  }
  assets_ = std::move(assets);
}

Renderer::~Renderer() = default;

std::string Renderer::Attestation(const AttestationContent& c) const {
  const Wording& w = internal::WordingFor(c.language);
  std::string module_titles;
  for (const ModuleLine& m : c.modules) module_titles += m.title;
  auto draw = [&](Page& page) {
    page.Frame();
    page.Header(c.centre_name);
    page.Centred(std::string(w.attestation_title), 28, 462, kAccent);
    page.Centred(std::string(w.attestation_subtitle), 11, 442, kMuted);
    page.Centred(std::string(w.certify), 12, 412);
    page.Centred(c.holder_name, 30, 372);
    page.Centred(std::string(w.completed_pathway), 12, 346);
    page.Centred("« " + c.pathway_title + " »", 18, 318, kAccent);
    page.Centred(internal::Labelled(c.language, w.total_hours,
                                   internal::FormatHours(w, c.language, c.total_hours)),
                 12, 296);

    // The module table between the pathway and the footer; rows shrink when there are many.
    const float left = kMargin + 110;
    const float right = kPageWidth - kMargin - 110;
    const float top = 272;
    const float bottom = 140;
    const float row = std::min(14.0f, (top - bottom - 16) / std::max<float>(1, c.modules.size()));
    const float size = std::min(9.5f, row * 0.72f);
    page.Text(std::string(w.modules), 9.5f, left, top, kAccent);
    page.RightAligned(std::string(w.column_hours), 8, right - 90, top, kMuted);
    page.RightAligned(std::string(w.column_date), 8, right, top, kMuted);
    page.Rule(left, right, top - 4);
    float y = top - 4 - row;
    for (const ModuleLine& m : c.modules) {
      page.Text(page.Fit(m.title, size, right - left - 160), size, left, y);
      page.RightAligned(internal::FormatNumber(c.language, m.hours) + " h", size, right - 90, y);
      page.RightAligned(internal::ShortDate(w, c.language, m.date), size, right, y);
      y -= row;
    }
    Footer(page, w, c.language, c.place, c.issue_date, c.verification_code, c.verification_url,
           c.signatory_name, c.signatory_title);
  };
  return Render(*assets_, draw, c.centre_name, c.holder_name, c.pathway_title, module_titles,
                c.place, c.verification_url, c.signatory_name, c.signatory_title);
}

std::string Renderer::Attendance(const AttendanceContent& c) const {
  const Wording& w = internal::WordingFor(c.language);
  auto draw = [&](Page& page) {
    page.Frame();
    page.Header(c.centre_name);
    page.Centred(std::string(w.attendance_title), 28, 450, kAccent);
    page.Centred(std::string(w.certify), 12, 408);
    page.Centred(c.holder_name, 30, 366);
    page.Centred(std::string(w.attended_module), 12, 338);
    page.Centred("« " + c.module_title + " »", 18, 308, kAccent);
    float y = 284;
    if (!c.pathway_title.empty()) {
      page.Centred(std::string(w.part_of) + " « " + c.pathway_title + " »", 11, y, kMuted);
      y -= 30;
    } else {
      y -= 12;
    }
    page.Centred(internal::Labelled(c.language, w.session_dates, c.session_dates) + "   ·   " +
                     internal::Labelled(c.language, w.duration,
                                        internal::FormatHours(w, c.language, c.hours)),
                 12, y);
    Footer(page, w, c.language, c.place, c.issue_date, c.verification_code, c.verification_url,
           c.signatory_name, c.signatory_title);
  };
  return Render(*assets_, draw, c.centre_name, c.holder_name, c.module_title, c.pathway_title,
                c.session_dates, c.place, c.verification_url, c.signatory_name,
                c.signatory_title);
}


// ---------------------------------------------------------------------------------------------
// Listings (the printed speed-meeting plan): A4 portrait pages of headed blocks, through libharu
// with the full DejaVu Sans (any name prints). A block starts on a new page when it does not fit
// on the current one; a section heading always starts a new page.

namespace {

constexpr float kListWidth = 595.28f;  // A4 portrait, points
constexpr float kListHeight = 841.89f;
constexpr float kListMargin = 42;

class ListingWriter {
 public:
  explicit ListingWriter(const Renderer::Assets& assets) : c_(assets, assets.full_font_path, false) {}

  void NewPage(const std::string& title, const std::string& subtitle) {
    c_.AddPage(kListWidth, kListHeight);
    const float top = kListHeight - kListMargin;
    c_.Logo(kListMargin, top - 32, 32, 32);
    Text(title, 14, kListMargin + 44, top - 14, kAccent);
    Text(subtitle, 9, kListMargin + 44, top - 28, kMuted);
    y_ = top - 60;
  }

  // Lines of `text` no wider than `width`, cut at spaces (as on the certificates).
  std::vector<std::string> Wrap(const std::string& text, float size, float width) {
    return Page(c_).Wrap(text, size, width);
  }

  float y() const { return y_; }
  void Down(float by) { y_ -= by; }
  void Text(const std::string& text, float size, float x, float y, Rgb color = kInk) {
    c_.FillColor(color);
    c_.Text(text, size, x, y);
  }
  std::string Save() { return c_.Save(); }

 private:
  HaruCanvas c_;
  float y_ = 0;
};

}  // namespace

std::string Renderer::Listing(const ListingContent& c) const {
  ListingWriter out(*assets_);
  constexpr float kHeading = 11, kLine = 9, kLead = 12.5f, kBottom = kListMargin;
  const float width = kListWidth - 2 * kListMargin - 12;
  out.NewPage(c.title, c.subtitle);
  for (const ListingBlock& block : c.blocks) {
    std::vector<std::string> lines;
    for (const auto& line : block.lines)
      for (auto& part : out.Wrap(line, kLine, width)) lines.push_back(std::move(part));
    const float needed = (block.section ? 22 : 18) + kLead * static_cast<float>(lines.size());
    const bool fits_a_page = needed < kListHeight - 2 * kListMargin - 60;
    if ((block.section && out.y() < kListHeight - kListMargin - 61) || (out.y() - needed < kBottom && fits_a_page))
      out.NewPage(c.title, c.subtitle);
    out.Text(block.heading, block.section ? 13 : kHeading, kListMargin, out.y(), block.section ? kAccent : kInk);
    out.Down(block.section ? 22 : 15);
    for (const auto& line : lines) {
      if (out.y() < kBottom) out.NewPage(c.title, c.subtitle);
      out.Text(line, kLine, kListMargin + 12, out.y());
      out.Down(kLead);
    }
    out.Down(6);
  }
  return out.Save();
}

}  // namespace parcours::certificates
