// Verify(): what `parcours verify FILE.pdf` relies on.
#include <catch2/catch.hpp>

#include <chrono>

#include "cert_support.h"
#include "certificates/certificates.h"

namespace pc = parcours::certificates;
using namespace parcours::certificates::testing;

TEST_CASE("Verify reports each property of a signed attestation") {
  TempDir dir;
  const KeyPair issuer = MakeSelfSigned(dir, "ec", "Cesas issuer");
  const KeyPair other = MakeSelfSigned(dir, "rsa", "Somebody else");
  const auto identity = pc::LoadIdentity(issuer.key_pem, issuer.cert_pem);
  const pc::Renderer renderer(TemplatesDir());
  const std::string pdf = pc::Sign(renderer.Attestation(SampleAttestation("fr", "Séverine Müller-Øster")),
                                   *identity, std::chrono::system_clock::now());

  SECTION("a valid file: every check passes") {
    const pc::Verification v = pc::Verify(pdf, issuer.cert_pem);
    CHECK(v.signed_);
    CHECK(v.digest_ok);
    CHECK(v.signature_ok);
    CHECK(v.whole_document);
    CHECK(v.signer_matches_issuer);
    CHECK(v.Valid());
    CHECK(v.error.empty());
    CHECK(v.signer_subject.find("CN=Cesas issuer") != std::string::npos);
  }
  SECTION("a tampered file: the digest no longer matches") {
    std::string tampered = pdf;
    tampered[tampered.find("/MediaBox") + 1] = 'm';
    const pc::Verification v = pc::Verify(tampered, issuer.cert_pem);
    CHECK(v.signed_);
    CHECK_FALSE(v.digest_ok);
    CHECK(v.signature_ok);  // the signed attributes themselves are intact
    CHECK_FALSE(v.Valid());
    CHECK(v.error.find("digest") != std::string::npos);
  }
  SECTION("appended bytes: not the whole document") {
    const pc::Verification v = pc::Verify(pdf + "% appended\n", issuer.cert_pem);
    CHECK(v.digest_ok);
    CHECK_FALSE(v.whole_document);
    CHECK_FALSE(v.Valid());
  }
  SECTION("another issuer: the signer does not match") {
    const pc::Verification v = pc::Verify(pdf, other.cert_pem);
    CHECK(v.digest_ok);
    CHECK(v.signature_ok);
    CHECK_FALSE(v.signer_matches_issuer);
    CHECK_FALSE(v.Valid());
  }
  SECTION("a certificate issued by the configured issuer is accepted") {
    // A CA (the issuer) signs a leaf; the document is signed by the leaf with its chain.
    WriteFile(dir.Path("leaf.cnf"), "[ext]\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,nonRepudiation\n");
    const auto made = Run(
        "cd " + dir.Path("") + " && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout leaf.key -out leaf.csr -subj '/C=LU/O=Cesas/CN=Cesas signing' && "
        "openssl x509 -req -in leaf.csr -CA ec-Cesas_issuer.crt -CAkey ec-Cesas_issuer.key "
        "-CAcreateserial -days 10 -extfile leaf.cnf -extensions ext -out leaf.crt");
    INFO(made.output);
    REQUIRE(made.exit_code == 0);
    const auto leaf = pc::LoadIdentity(ReadFile(dir.Path("leaf.key")),
                                       ReadFile(dir.Path("leaf.crt")) + issuer.cert_pem);
    const std::string signed_by_leaf =
        pc::Sign(renderer.Attestation(SampleAttestation("en", "Ada")), *leaf,
                 std::chrono::system_clock::now());
    const pc::Verification v = pc::Verify(signed_by_leaf, issuer.cert_pem);
    CHECK(v.Valid());
    CHECK(v.signer_subject.find("CN=Cesas signing") != std::string::npos);
  }
  SECTION("an unsigned file") {
    const pc::Verification v =
        pc::Verify(renderer.Attestation(SampleAttestation("en", "Ada")), issuer.cert_pem);
    CHECK_FALSE(v.signed_);
    CHECK_FALSE(v.Valid());
  }
}

TEST_CASE("Sha256Hex is the lowercase hex SHA-256") {
  CHECK(pc::Sha256Hex("abc") ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
