#include "cert_support.h"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

namespace parcours::certificates::testing {

TempDir::TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cert-test-XXXXXX").string();
  if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

CommandResult Run(const std::string& command, bool with_stderr) {
  CommandResult result;
  FILE* pipe = popen((command + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!pipe) return result;
  char buf[4096];
  for (std::size_t n; (n = fread(buf, 1, sizeof buf, pipe)) > 0;) result.output.append(buf, n);
  const int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

KeyPair MakeSelfSigned(const TempDir& dir, const std::string& kind, const std::string& cn) {
  std::string stem = kind + "-" + cn;
  for (char& c : stem) {
    if (c == ' ') c = '_';
  }
  const std::string key = dir.Path(stem + ".key");
  const std::string cert = dir.Path(stem + ".crt");
  const std::string algorithm =
      kind == "ec" ? "-newkey ec -pkeyopt ec_paramgen_curve:P-256" : "-newkey rsa:2048";
  const auto result = Run("openssl req -x509 " + algorithm + " -nodes -keyout " + key +
                          " -out " + cert + " -days 30 -subj '/C=LU/O=Cesas/CN=" + cn + "'");
  if (result.exit_code != 0) throw std::runtime_error("openssl req failed: " + result.output);
  return {ReadFile(key), ReadFile(cert)};
}

std::string ExtractCms(const std::string& pdf) {
  const std::size_t key = pdf.rfind("/Contents <");
  const std::size_t begin = key + 11;
  const std::size_t end = pdf.find('>', begin);
  std::string der;
  for (std::size_t i = begin; i + 1 < end; i += 2) {
    der += static_cast<char>(std::stoi(pdf.substr(i, 2), nullptr, 16));
  }
  return der;
}

AttestationContent SampleAttestation(const std::string& language, const std::string& holder) {
  AttestationContent c;
  c.language = language;
  c.centre_name =
      "Centre national de référence pour la promotion de la santé affective et sexuelle (Cesas)";
  c.holder_name = holder;
  c.pathway_title = "Let's Talk about Sex !";
  c.total_hours = 37.5;
  c.modules = {{"Les bases de la santé affective et sexuelle", 7.5, "2026-10-14"},
               {"Communication et posture professionnelle", 6, "2026-12-02"},
               {"Diversité, genre et orientations", 12, "2027-01-20"},
               {"Prévention des violences et cadre légal", 12, "2027-03-04"}};
  c.issue_date = "2027-03-12";
  c.place = "Luxembourg";
  c.verification_code = "K7QM-2XHP-9TRW-4CFD";
  c.verification_url = "https://parcours.cesas.lu/verify/K7QM-2XHP-9TRW-4CFD";
  c.signatory_name = "Dr Anne Weber";
  c.signatory_title = "Directrice du Cesas";
  return c;
}

AttendanceContent SampleAttendance(const std::string& language, const std::string& holder) {
  AttendanceContent c;
  c.language = language;
  c.centre_name = "Cesas";
  c.holder_name = holder;
  c.module_title = "Communication et posture professionnelle";
  c.pathway_title = "Let's Talk about Sex !";
  c.hours = 6;
  c.session_dates = "04/03/2027";
  c.place = "Luxembourg";
  c.issue_date = "2027-03-05";
  c.verification_code = "M3TC-8WQZ-HK4N-7RJA";
  c.verification_url = "https://parcours.cesas.lu/verify/M3TC-8WQZ-HK4N-7RJA";
  c.signatory_name = "Dr Anne Weber";
  c.signatory_title = "Directrice du Cesas";
  return c;
}

}  // namespace parcours::certificates::testing
