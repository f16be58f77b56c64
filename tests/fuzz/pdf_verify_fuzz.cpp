// Fuzz target: certificates::Verify, what `parcours verify FILE.pdf` runs on a file someone
// handed in: the last signature dictionary is found, its ByteRange and Contents read, the CMS
// SignedData decoded and checked against the issuer certificate. The seed corpus holds
// attestations signed with the key of tests/fuzz/pdf_issuer (a throw-away test identity).
//
// Findings: a crash or sanitizer report; an exception (bad files must be a failed check);
// a "valid" verdict for bytes that the issuer did not sign as they are.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

#include "certificates/certificates.h"
#include "fuzz_support.h"

using namespace parcours;
using namespace parcours::fuzz;

namespace {

const std::string& IssuerCertificate() {
  static const std::string pem = [] {
    std::ifstream in(PARCOURS_FUZZ_ISSUER_CERT);
    std::ostringstream out;
    out << in.rdbuf();
    if (out.str().empty()) Finding("cannot read " PARCOURS_FUZZ_ISSUER_CERT);
    return out.str();
  }();
  return pem;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string pdf(reinterpret_cast<const char*>(data), size);
  certificates::Verification v;
  try {
    v = certificates::Verify(pdf, IssuerCertificate());
  } catch (const std::exception& e) {
    Finding(std::string("Verify threw: ") + e.what());
  }
  if (v.Valid() && (!v.signed_ || !v.whole_document || !v.digest_ok)) Finding("valid without its parts");
  return 0;
}
