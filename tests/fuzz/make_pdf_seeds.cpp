// Writes the seeds of the pdf_verify fuzz target into the directory given: a minimal PDF and a
// real attendance certificate, each signed with the throw-away key of pdf_issuer/ (so that the
// fuzzer starts from files that verify), and the minimal one unsigned. (The signer refuses to
// sign a signed file again, so there is no seed with two signatures.)
// Usage: make_pdf_seeds DIR   (built with the fuzz targets; run by hand when seeds change)
#include <chrono>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>

#include "certificates/certificates.h"

using namespace parcours::certificates;

namespace {

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void Write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
  std::cout << path << " (" << bytes.size() << " bytes)\n";
}

// A one-page PDF with a classic xref table, as small as a signable file gets.
std::string MinimalPdf() {
  std::string out = "%PDF-1.4\n";
  std::vector<std::size_t> offsets;
  auto object = [&](const std::string& body) {
    offsets.push_back(out.size());
    out += std::to_string(offsets.size()) + " 0 obj\n" + body + "\nendobj\n";
  };
  object("<< /Type /Catalog /Pages 2 0 R >>");
  object("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
  object("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>");
  const std::size_t xref = out.size();
  out += "xref\n0 " + std::to_string(offsets.size() + 1) + "\n0000000000 65535 f \n";
  for (auto o : offsets) {
    char line[24];
    std::snprintf(line, sizeof line, "%010zu 00000 n \n", o);
    out += line;
  }
  out += "trailer\n<< /Size " + std::to_string(offsets.size() + 1) + " /Root 1 0 R >>\nstartxref\n" +
         std::to_string(xref) + "\n%%EOF\n";
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_pdf_seeds DIR\n";
    return 2;
  }
  const std::string dir = argv[1];
  const std::string issuer = PARCOURS_FUZZ_ISSUER_DIR;
  auto identity = LoadIdentity(Read(issuer + "/key.pem"), Read(issuer + "/cert.pem"));
  const auto at = std::chrono::system_clock::time_point(std::chrono::seconds(1804233600));  // 2027-03-04
  const std::string minimal = MinimalPdf();
  Write(dir + "/unsigned-minimal.pdf", minimal);
  const std::string signed_once = Sign(minimal, *identity, at);
  Write(dir + "/signed-minimal.pdf", signed_once);
  Renderer renderer(PARCOURS_FUZZ_TEMPLATES_DIR);
  AttendanceContent c;
  c.language = "fr";
  c.centre_name = "Cesas";
  c.holder_name = "Séverine Müller";
  c.module_title = "Contraception";
  c.hours = 4;
  c.session_dates = "04/03/2027";
  c.place = "Luxembourg";
  c.issue_date = "2027-03-04";
  c.verification_code = "K7QM-2XHP-9TRW-4CFD";
  c.verification_url = "https://parcours.test/verify/K7QM-2XHP-9TRW-4CFD";
  c.signatory_name = "La coordination";
  c.signatory_title = "Cesas";
  Write(dir + "/signed-attendance.pdf", Sign(renderer.Attendance(c), *identity, at));
  return 0;
}
