// Helpers for the certificate tests: a private temporary directory, keys and certificates made
// with the openssl command line, running the PDF tools and reading their output.
#pragma once

#include <string>

#include "certificates/certificates.h"

namespace parcours::certificates::testing {

// A fresh directory under /tmp, removed with its contents at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string Path(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

struct KeyPair {
  std::string key_pem;
  std::string cert_pem;
};

// A self-signed certificate ("ec" = ECDSA P-256, "rsa" = RSA 2048) made by `openssl req`,
// stored as DIR/KIND-CN.key and .crt with spaces in CN replaced by underscores.
KeyPair MakeSelfSigned(const TempDir& dir, const std::string& kind, const std::string& cn);

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout, and stderr unless left out
};
// Runs `command` with sh; stderr is captured too unless `with_stderr` is false (zbarimg prints
// D-Bus noise there in containers).
CommandResult Run(const std::string& command, bool with_stderr = true);

std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& bytes);

// The DER bytes of the last /Contents hex string (the CMS), zero padding stripped by openssl.
std::string ExtractCms(const std::string& pdf);

AttestationContent SampleAttestation(const std::string& language, const std::string& holder);
AttendanceContent SampleAttendance(const std::string& language, const std::string& holder);

inline std::string TemplatesDir() { return PARCOURS_CERT_TEMPLATES; }

}  // namespace parcours::certificates::testing
