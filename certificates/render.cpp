// A4 landscape certificates drawn with libharu.
#include <hpdf.h>
#include <qrencode.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "certificates/certificates.h"
#include "certificates/wording.h"

namespace parcours::certificates {

struct Renderer::Assets {
  std::string subset_font_path;  // templates/DejaVuSans-Latin.ttf, empty if absent
  std::string full_font_path;    // the system's DejaVuSans.ttf
  std::string logo_png;
};

namespace {

using internal::Wording;

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

struct QrDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrPtr = std::unique_ptr<QRcode, QrDeleter>;

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

// One document being drawn: the libharu handles and the little layout helpers around them.
class Page {
 public:
  Page(const Renderer::Assets& assets, const std::string& font_path)
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
    page_ = HPDF_AddPage(doc_.get());
    HPDF_Page_SetWidth(page_, kPageWidth);
    HPDF_Page_SetHeight(page_, kPageHeight);
    Check("setting up the document");
  }

  void Frame() {
    HPDF_Page_SetRGBStroke(page_, kAccent.r, kAccent.g, kAccent.b);
    HPDF_Page_SetLineWidth(page_, 2.5f);
    HPDF_Page_Rectangle(page_, kMargin, kMargin, kPageWidth - 2 * kMargin, kPageHeight - 2 * kMargin);
    HPDF_Page_Stroke(page_);
    HPDF_Page_SetLineWidth(page_, 0.6f);
    HPDF_Page_Rectangle(page_, kMargin + 5, kMargin + 5, kPageWidth - 2 * kMargin - 10,
                        kPageHeight - 2 * kMargin - 10);
    HPDF_Page_Stroke(page_);
  }

  void Header(const std::string& centre_name) {
    const float logo_size = 54;
    const float top = kPageHeight - kMargin - 22;
    HPDF_Page_DrawImage(page_, logo_, kMargin + 24, top - logo_size, logo_size, logo_size);
    const float text_x = kMargin + 24 + logo_size + 14;
    const float width = kPageWidth - text_x - kMargin - 40;
    const auto lines = Wrap(centre_name, 11, width);
    float y = top - 20 + 7 * (static_cast<float>(lines.size()) - 1);
    for (const auto& line : lines) {
      Text(line, 11, text_x, y, kAccent);
      y -= 14;
    }
  }

  float TextWidth(const std::string& text, float size) {
    HPDF_Page_SetFontAndSize(page_, font_, size);
    return HPDF_Page_TextWidth(page_, text.c_str());
  }

  void Text(const std::string& text, float size, float x, float y, Rgb color = kInk) {
    HPDF_Page_SetRGBFill(page_, color.r, color.g, color.b);
    HPDF_Page_BeginText(page_);
    HPDF_Page_SetFontAndSize(page_, font_, size);
    HPDF_Page_TextOut(page_, x, y, text.c_str());
    HPDF_Page_EndText(page_);
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
    HPDF_Page_SetRGBStroke(page_, color.r, color.g, color.b);
    HPDF_Page_SetLineWidth(page_, width);
    HPDF_Page_MoveTo(page_, x1, y);
    HPDF_Page_LineTo(page_, x2, y);
    HPDF_Page_Stroke(page_);
  }

  // The QR code's dark modules as filled rectangles, one per horizontal run, with the quiet
  // zone left white.
  void Qr(const std::string& url, float x, float y, float size) {
    QrPtr code(QRcode_encodeString8bit(url.c_str(), 0, QR_ECLEVEL_M));
    if (!code) throw std::runtime_error("certificates: QR encoding failed");
    const int n = code->width;
    const float module = size / static_cast<float>(n);
    HPDF_Page_SetRGBFill(page_, 0, 0, 0);
    for (int row = 0; row < n; ++row) {
      for (int col = 0; col < n;) {
        if (!(code->data[row * n + col] & 1)) {
          ++col;
          continue;
        }
        int end = col;
        while (end < n && (code->data[row * n + end] & 1)) ++end;
        HPDF_Page_Rectangle(page_, x + module * static_cast<float>(col),
                            y + size - module * static_cast<float>(row + 1),
                            module * static_cast<float>(end - col), module);
        col = end;
      }
    }
    HPDF_Page_Fill(page_);
  }

  void Check(const char* what) const {
    if (error_.code != HPDF_OK) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "certificates: libharu error 0x%04X (detail %u) while %s",
                    static_cast<unsigned>(error_.code), static_cast<unsigned>(error_.detail), what);
      throw std::runtime_error(buf);
    }
  }

  std::string Save() {
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
  HaruError error_;
  DocPtr doc_;
  HPDF_Font font_ = nullptr;
  HPDF_Image logo_ = nullptr;
  HPDF_Page page_ = nullptr;
};

// Whether every code point of the UTF-8 `text` is in the ranges of DejaVuSans-Latin.ttf (see
// templates/make_font_subset.sh); anything else needs the full font.
bool InLatinSubset(const std::string& text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    const int length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (i + static_cast<std::size_t>(length) > text.size()) return false;
    char32_t cp = length == 1 ? lead : lead & (0x7F >> length);
    for (int k = 1; k < length; ++k) cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    i += static_cast<std::size_t>(length);
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
  Page page(*assets_, FontFor(*assets_, c.centre_name, c.holder_name, c.pathway_title,
                              module_titles, c.place, c.verification_url, c.signatory_name,
                              c.signatory_title));
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
  return page.Save();
}

std::string Renderer::Attendance(const AttendanceContent& c) const {
  const Wording& w = internal::WordingFor(c.language);
  Page page(*assets_, FontFor(*assets_, c.centre_name, c.holder_name, c.module_title,
                              c.pathway_title, c.session_dates, c.place, c.verification_url,
                              c.signatory_name, c.signatory_title));
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
  return page.Save();
}

}  // namespace parcours::certificates
