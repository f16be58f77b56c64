// The QR matrix that the trainer's check-in page draws as SVG and the attestations draw in
// their PDF: drawn here as a PBM image from its runs (with the quiet zone), zbarimg reads the
// URL back.
#include <catch2/catch.hpp>

#include <algorithm>
#include <vector>

#include "cert_support.h"

using namespace parcours::certificates;
using namespace parcours::certificates::testing;

TEST_CASE("a QR code's runs read back as the URL they encode (zbarimg)") {
  const std::string url = "https://parcours.example.lu/sessions/4711/check-in?code=K7QM2XHP";
  const QrMatrix qr = EncodeQr(url);
  REQUIRE(qr.width >= 21);
  REQUIRE(qr.dark.size() == static_cast<std::size_t>(qr.width * qr.width));
  // The runs cover exactly the dark modules.
  std::size_t covered = 0;
  for (const auto& run : qr.Runs()) {
    for (int c = run.col; c < run.col + run.length; ++c) CHECK(qr.Dark(run.row, c));
    covered += static_cast<std::size_t>(run.length);
  }
  CHECK(covered == static_cast<std::size_t>(std::count(qr.dark.begin(), qr.dark.end(), true)));
  // Drawn 6 pixels a module with a 4-module quiet zone, from the runs alone.
  const int scale = 6, side = (qr.width + 8) * scale;
  std::vector<char> pixels(static_cast<std::size_t>(side * side), '0');
  for (const auto& run : qr.Runs())
    for (int y = (run.row + 4) * scale; y < (run.row + 5) * scale; ++y)
      for (int x = (run.col + 4) * scale; x < (run.col + 4 + run.length) * scale; ++x) pixels[y * side + x] = '1';
  std::string pbm = "P1\n" + std::to_string(side) + " " + std::to_string(side) + "\n";
  for (int y = 0; y < side; ++y) {
    pbm.append(&pixels[y * side], side);
    pbm += '\n';
  }
  TempDir dir;
  WriteFile(dir.Path("qr.pbm"), pbm);
  const auto read = Run("zbarimg --raw -q " + dir.Path("qr.pbm"), false);
  CHECK(read.exit_code == 0);
  CHECK(read.output == url + "\n");
  CHECK_THROWS(EncodeQr(std::string(8000, 'x')));
}
