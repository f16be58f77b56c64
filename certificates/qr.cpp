#include <memory>
#include <stdexcept>

#include <qrencode.h>

#include "certificates/certificates.h"

namespace parcours::certificates {
namespace {

struct QrDeleter {
  void operator()(QRcode* code) const { QRcode_free(code); }
};
using QrPtr = std::unique_ptr<QRcode, QrDeleter>;

}  // namespace

QrMatrix EncodeQr(const std::string& text) {
  QrPtr code(QRcode_encodeString8bit(text.c_str(), 0, QR_ECLEVEL_M));
  if (!code) throw std::runtime_error("certificates: QR encoding failed");
  QrMatrix m;
  m.width = code->width;
  m.dark.resize(static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.width));
  for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = code->data[i] & 1;
  return m;
}

std::vector<QrMatrix::Run> QrMatrix::Runs() const {
  std::vector<Run> runs;
  for (int row = 0; row < width; ++row)
    for (int col = 0; col < width;) {
      if (!Dark(row, col)) {
        ++col;
        continue;
      }
      int end = col;
      while (end < width && Dark(row, end)) ++end;
      runs.push_back({row, col, end - col});
      col = end;
    }
  return runs;
}

}  // namespace parcours::certificates
