// Rendered and signed certificates checked with the tools a relying party would use.
#include <catch2/catch.hpp>

#include <chrono>

#include "cert_support.h"
#include "certificates/certificates.h"

namespace pc = parcours::certificates;
using namespace parcours::certificates::testing;

namespace {

const auto kSigningTime = std::chrono::system_clock::time_point(std::chrono::seconds(1804840200));

bool Contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The checks every issued certificate must pass (issue 5, "How it is checked").
void CheckSignedPdf(const TempDir& dir, const std::string& pdf, const std::string& name,
                    const std::vector<std::string>& expected_text, const std::string& url) {
  const std::string file = dir.Path(name + ".pdf");
  WriteFile(file, pdf);

  const auto sig = Run("pdfsig " + file);
  INFO(sig.output);
  CHECK(Contains(sig.output, "Signature is Valid"));
  CHECK(Contains(sig.output, "ETSI.CAdES.detached"));
  CHECK(Contains(sig.output, "Total document signed"));

  const auto check = Run("qpdf --check " + file);
  INFO(check.output);
  CHECK(check.exit_code == 0);

  const auto text = Run("pdftotext " + file + " -");
  for (const auto& expected : expected_text) {
    INFO(text.output);
    CHECK(Contains(text.output, expected));
  }

  const std::string png = dir.Path(name);
  REQUIRE(Run("pdftoppm -png -r 150 -singlefile " + file + " " + png).exit_code == 0);
  const auto qr = Run("zbarimg --raw -q " + png + ".png", false);
  CHECK(qr.output == url + "\n");

  // One byte changed inside the first signed range (a digit of the page content).
  std::string tampered = pdf;
  const std::size_t at = tampered.find("/MediaBox");
  REQUIRE(at != std::string::npos);
  tampered[at + 1] = 'm';
  WriteFile(dir.Path(name + "-tampered.pdf"), tampered);
  const auto bad = Run("pdfsig " + dir.Path(name + "-tampered.pdf"));
  INFO(bad.output);
  CHECK_FALSE(Contains(bad.output, "Signature is Valid"));
  CHECK(Contains(bad.output, "Digest Mismatch"));
}

}  // namespace

TEST_CASE("attestations in fr, de, en signed with ECDSA P-256 pass pdfsig, qpdf, pdftotext, zbarimg") {
  TempDir dir;
  const KeyPair keys = MakeSelfSigned(dir, "ec", "Cesas test EC");
  const auto identity = pc::LoadIdentity(keys.key_pem, keys.cert_pem);
  const pc::Renderer renderer(TemplatesDir());
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"fr", {"Attestation de participation", "Durée totale : 37,5 heures", "14/10/2026"}},
      {"de", {"Teilnahmebescheinigung", "Gesamtdauer: 37,5 Stunden", "14.10.2026"}},
      {"en", {"Certificate of attendance", "Total duration: 37.5 hours", "14 Oct 2026"}}};
  for (const auto& [language, wording] : cases) {
    SECTION(language) {
      auto content = SampleAttestation(language, "Séverine Müller-Øster");
      const std::string pdf = pc::Sign(renderer.Attestation(content), *identity, kSigningTime);
      auto expected = wording;
      expected.push_back("Séverine Müller-Øster");
      expected.push_back("K7QM-2XHP-9TRW-4CFD");
      expected.push_back("Communication et posture professionnelle");
      CheckSignedPdf(dir, pdf, "attestation-" + language, expected, content.verification_url);
    }
  }
}

TEST_CASE("an attestation signed with RSA 2048 passes the same checks") {
  TempDir dir;
  const KeyPair keys = MakeSelfSigned(dir, "rsa", "Cesas test RSA");
  const auto identity = pc::LoadIdentity(keys.key_pem, keys.cert_pem);
  const pc::Renderer renderer(TemplatesDir());
  auto content = SampleAttestation("fr", "João Çağlar");
  const std::string pdf = pc::Sign(renderer.Attestation(content), *identity, kSigningTime);
  CheckSignedPdf(dir, pdf, "attestation-rsa", {"João Çağlar", "37,5 heures"},
                 content.verification_url);
  const auto sig = Run("pdfsig " + dir.Path("attestation-rsa.pdf"));
  CHECK(Contains(sig.output, "Signing Time: Mar 12 2027"));
}

TEST_CASE("attendance certificates render and sign in each language") {
  TempDir dir;
  const KeyPair keys = MakeSelfSigned(dir, "ec", "Cesas attendance");
  const auto identity = pc::LoadIdentity(keys.key_pem, keys.cert_pem);
  const pc::Renderer renderer(TemplatesDir());
  for (const std::string language : {"fr", "de", "en"}) {
    auto content = SampleAttendance(language, "João Çağlar");
    const std::string pdf = pc::Sign(renderer.Attendance(content), *identity, kSigningTime);
    CheckSignedPdf(dir, pdf, "attendance-" + language,
                   {"João Çağlar", "Communication et posture professionnelle", "04/03/2027", "6"},
                   content.verification_url);
  }
}

TEST_CASE("the CMS carries signing-certificate-v2 and no signingTime") {
  TempDir dir;
  const KeyPair keys = MakeSelfSigned(dir, "ec", "Cesas CMS");
  const auto identity = pc::LoadIdentity(keys.key_pem, keys.cert_pem);
  const pc::Renderer renderer(TemplatesDir());
  const std::string pdf =
      pc::Sign(renderer.Attestation(SampleAttestation("en", "Ada Lovelace")), *identity, kSigningTime);
  WriteFile(dir.Path("cms.der"), ExtractCms(pdf));
  const auto printed = Run("openssl cms -cmsout -print -inform DER -in " + dir.Path("cms.der"));
  INFO(printed.output);
  REQUIRE(printed.exit_code == 0);
  CHECK(Contains(printed.output, "id-smime-aa-signingCertificateV2"));
  CHECK(Contains(printed.output, "messageDigest"));
  CHECK(Contains(printed.output, "contentType"));
  CHECK_FALSE(Contains(printed.output, "signingTime"));
  CHECK(Contains(printed.output, "eContent: <ABSENT>"));  // detached
  CHECK(Contains(printed.output, "sha256"));
}

TEST_CASE("a timestamp from a local TSA makes a PAdES B-T signature") {
  TempDir dir;
  const KeyPair keys = MakeSelfSigned(dir, "ec", "Cesas B-T");
  const auto identity = pc::LoadIdentity(keys.key_pem, keys.cert_pem);
  const auto tsa_cert = Run(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " +
      dir.Path("tsa.key") + " -out " + dir.Path("tsa.crt") +
      " -days 30 -subj '/C=LU/O=Cesas/CN=Test TSA' -addext 'extendedKeyUsage=critical,timeStamping'");
  REQUIRE(tsa_cert.exit_code == 0);
  WriteFile(dir.Path("tsaserial"), "01\n");
  WriteFile(dir.Path("tsa.cnf"),
            "[ tsa ]\ndefault_tsa = tsa_config\n[ tsa_config ]\n"
            "serial = " + dir.Path("tsaserial") + "\ncrypto_device = builtin\n"
            "signer_cert = " + dir.Path("tsa.crt") + "\ncerts = " + dir.Path("tsa.crt") +
            "\nsigner_key = " + dir.Path("tsa.key") + "\nsigner_digest = sha256\n"
            "default_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = yes\n"
            "tsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n");
  int calls = 0;
  const pc::TimestampAuthority local_tsa = [&](const std::string& tsq) {
    ++calls;
    WriteFile(dir.Path("request.tsq"), tsq);
    const auto reply = Run("openssl ts -reply -config " + dir.Path("tsa.cnf") + " -queryfile " +
                           dir.Path("request.tsq") + " -out " + dir.Path("response.tsr"));
    if (reply.exit_code != 0) throw std::runtime_error("openssl ts -reply: " + reply.output);
    return ReadFile(dir.Path("response.tsr"));
  };
  const pc::Renderer renderer(TemplatesDir());
  const std::string pdf = pc::Sign(renderer.Attestation(SampleAttestation("de", "Séverine Müller-Øster")),
                                   *identity, kSigningTime, local_tsa);
  CHECK(calls == 1);
  WriteFile(dir.Path("bt.pdf"), pdf);
  const auto sig = Run("pdfsig " + dir.Path("bt.pdf"));
  INFO(sig.output);
  CHECK(Contains(sig.output, "Signature is Valid"));
  CHECK(Contains(sig.output, "Total document signed"));
  WriteFile(dir.Path("bt.der"), ExtractCms(pdf));
  const auto printed = Run("openssl cms -cmsout -print -inform DER -in " + dir.Path("bt.der"));
  INFO(printed.output);
  CHECK(Contains(printed.output, "id-smime-aa-timeStampToken"));
  // The token is the TSA's own SignedData, which may carry a signingTime; ours must not.
  const std::size_t unsigned_attrs = printed.output.find("unsignedAttrs:");
  REQUIRE(unsigned_attrs != std::string::npos);
  CHECK_FALSE(Contains(printed.output.substr(0, unsigned_attrs), "signingTime"));

  const pc::Verification v = pc::Verify(pdf, keys.cert_pem);
  CHECK(v.Valid());

  SECTION("a TSA answering for another request is refused") {
    const pc::TimestampAuthority replaying = [&](const std::string&) {
      return ReadFile(dir.Path("response.tsr"));
    };
    CHECK_THROWS_WITH(pc::Sign(renderer.Attestation(SampleAttestation("de", "X")), *identity,
                               kSigningTime, replaying),
                      Catch::Contains("does not match the request"));
  }
}

TEST_CASE("LoadIdentity explains what is wrong") {
  TempDir dir;
  const KeyPair a = MakeSelfSigned(dir, "ec", "A");
  const KeyPair b = MakeSelfSigned(dir, "ec", "B");
  CHECK_THROWS_WITH(pc::LoadIdentity("not a key", a.cert_pem), Catch::Contains("private key"));
  CHECK_THROWS_WITH(pc::LoadIdentity(a.key_pem, "nothing"), Catch::Contains("no PEM certificate"));
  CHECK_THROWS_WITH(pc::LoadIdentity(a.key_pem, b.cert_pem + a.cert_pem),
                    Catch::Contains("leaf first"));
  CHECK_NOTHROW(pc::LoadIdentity(a.key_pem, a.cert_pem + b.cert_pem));
}

TEST_CASE("an unknown language is refused") {
  const pc::Renderer renderer(TemplatesDir());
  CHECK_THROWS_AS(renderer.Attestation(SampleAttestation("it", "X")), std::invalid_argument);
}

TEST_CASE("a name outside the Latin font subset falls back to the full DejaVu Sans") {
  TempDir dir;
  const pc::Renderer renderer(TemplatesDir());
  const std::string pdf = renderer.Attestation(SampleAttestation("en", "Ζωή Δημητρίου"));
  WriteFile(dir.Path("greek.pdf"), pdf);
  CHECK(Contains(Run("pdftotext " + dir.Path("greek.pdf") + " -").output, "Ζωή Δημητρίου"));
  CHECK(pdf.size() > renderer.Attestation(SampleAttestation("en", "Zoe")).size());
}

TEST_CASE("Latin texts are written directly with a per-document subset of DejaVu Sans") {
  TempDir dir;
  const pc::Renderer renderer(TemplatesDir());
  const std::string pdf = renderer.Attestation(SampleAttestation("fr", "João Çağlar"));
  WriteFile(dir.Path("direct.pdf"), pdf);
  const auto fonts = Run("pdffonts " + dir.Path("direct.pdf"));
  INFO(fonts.output);
  // One embedded subset CID TrueType font with a ToUnicode map, glyph ids shown via Identity-H.
  CHECK(Contains(fonts.output, "+DejaVuSans"));
  CHECK(Contains(fonts.output, "CID TrueType      Identity-H       yes yes yes"));
  CHECK(Contains(pdf, "/CIDToGIDMap /Identity"));
  // Only the glyphs used (with the components of accented letters) are kept: a small file.
  CHECK(pdf.size() < 20000);
  CHECK(Run("qpdf --check " + dir.Path("direct.pdf")).exit_code == 0);
  const auto text = Run("pdftotext " + dir.Path("direct.pdf") + " -");
  INFO(text.output);
  CHECK(Contains(text.output, "João Çağlar"));
  CHECK(Contains(text.output, "Durée totale : 37,5 heures"));
  // Texts mixing in characters outside the subset take the libharu path with the full font.
  const std::string greek = renderer.Attestation(SampleAttestation("fr", "João Ζωή"));
  CHECK_FALSE(Contains(greek, "/CIDToGIDMap /Identity"));
}
