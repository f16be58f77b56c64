// Renders and signs N attestations in one thread and prints the rate, plus a breakdown
// (render only, sign only). Usage: certificates_bench TEMPLATES_DIR KEY.pem CERT.pem N [OUT.pdf]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "certificates/certificates.h"

namespace pc = parcours::certificates;

namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pc::AttestationContent Sample() {
  pc::AttestationContent c;
  c.language = "fr";
  c.centre_name =
      "Centre national de référence pour la promotion de la santé affective et sexuelle (Cesas)";
  c.holder_name = "Séverine Müller-Øster";
  c.pathway_title = "Let's Talk about Sex !";
  c.total_hours = 24;
  c.modules = {{"Les bases de la santé affective et sexuelle", 6, "2026-10-14"},
               {"Communication et posture professionnelle", 6, "2026-12-02"},
               {"Diversité, genre et orientations", 6, "2027-01-20"},
               {"Prévention des violences et cadre légal", 6, "2027-03-04"}};
  c.issue_date = "2027-03-12";
  c.place = "Luxembourg";
  c.verification_code = "K7QM-2XHP-9TRW-4CFD";
  c.verification_url = "https://parcours.cesas.lu/verify/K7QM-2XHP-9TRW-4CFD";
  c.signatory_name = "Dr Anne Weber";
  c.signatory_title = "Directrice du Cesas";
  return c;
}

double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: %s TEMPLATES_DIR KEY.pem CERT.pem N [OUT.pdf]\n", argv[0]);
    return 2;
  }
  const pc::Renderer renderer(argv[1]);
  const auto identity = pc::LoadIdentity(ReadFile(argv[2]), ReadFile(argv[3]));
  const int n = std::stoi(argv[4]);
  const auto content = Sample();
  const auto now = std::chrono::system_clock::now();
  std::string pdf;
  std::size_t bytes = 0;
  for (int i = 0; i < 5; ++i) pdf = pc::Sign(renderer.Attestation(content), *identity, now);  // warm-up

  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) {
    pdf = pc::Sign(renderer.Attestation(content), *identity, now);
    bytes += pdf.size();
  }
  const double total = Seconds(std::chrono::steady_clock::now() - start);

  start = std::chrono::steady_clock::now();
  std::string unsigned_pdf;
  for (int i = 0; i < n; ++i) unsigned_pdf = renderer.Attestation(content);
  const double render = Seconds(std::chrono::steady_clock::now() - start);
  start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) pdf = pc::Sign(unsigned_pdf, *identity, now);
  const double sign = Seconds(std::chrono::steady_clock::now() - start);

  std::printf("parcours: %d signed attestations in %.3f s = %.1f/s (%.3f ms each; render %.3f ms, "
              "sign %.3f ms; %zu bytes each)\n",
              n, total, n / total, 1000 * total / n, 1000 * render / n, 1000 * sign / n, bytes / n);
  if (argc > 5) std::ofstream(argv[5], std::ios::binary) << pdf;
  return 0;
}
