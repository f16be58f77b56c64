// PAdES baseline signatures (B-B, optionally B-T) and their verification.
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "certificates/certificates.h"
#include "certificates/incremental_update.h"
#include "certificates/openssl_handles.h"

namespace parcours::certificates {

using internal::AsnIntegerPtr;
using internal::AttributePtr;
using internal::BioPtr;
using internal::CmsPtr;
using internal::MdCtxPtr;
using internal::OpenSslBytesPtr;
using internal::PkeyPtr;
using internal::TsReqPtr;
using internal::TsRespPtr;
using internal::TsVerifyCtxPtr;
using internal::X509Ptr;
using internal::X509StackPtr;

struct SigningIdentity {
  PkeyPtr key;
  std::vector<X509Ptr> chain;  // leaf first
  std::size_t chain_der_size = 0;
};

namespace {

// The OpenSSL error queue as text, emptied, so that messages name the real cause.
std::string OpenSslErrors() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text;
}

[[noreturn]] void Fail(const std::string& what) {
  const std::string detail = OpenSslErrors();
  throw std::runtime_error(detail.empty() ? what : what + " (" + detail + ")");
}

BioPtr MemoryBio(const std::string& bytes) {
  BioPtr bio(BIO_new_mem_buf(bytes.data(), static_cast<int>(bytes.size())));
  if (!bio) Fail("BIO_new_mem_buf failed");
  return bio;
}

template <typename T, typename I2d>
std::string ToDer(T* object, I2d i2d) {
  unsigned char* raw = nullptr;
  const int length = i2d(object, &raw);
  if (length <= 0) Fail("DER encoding failed");
  OpenSslBytesPtr owned(raw);
  return std::string(reinterpret_cast<char*>(raw), static_cast<std::size_t>(length));
}

std::string Digest(const EVP_MD* md, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (EVP_Digest(data.data(), data.size(), out, &length, md, nullptr) != 1) Fail("digest failed");
  return std::string(reinterpret_cast<char*>(out), length);
}

std::string DerLength(std::size_t length) {
  std::string out;
  if (length < 0x80) {
    out += static_cast<char>(length);
    return out;
  }
  std::string bytes;
  for (std::size_t l = length; l > 0; l >>= 8) bytes.insert(bytes.begin(), static_cast<char>(l & 0xFF));
  out += static_cast<char>(0x80 | bytes.size());
  return out + bytes;
}

// The DER "SET OF Attribute" that a SignerInfo signature covers (RFC 5652 §5.4: the signed
// attributes re-tagged as a SET). OpenSSL keeps its own encoder private, so it is rebuilt here
// from the public per-attribute encoder; DER orders SET OF members by their encodings.
std::string EncodeSignedAttributes(CMS_SignerInfo* si) {
  std::vector<std::string> members;
  for (int i = 0; i < CMS_signed_get_attr_count(si); ++i) {
    members.push_back(ToDer(CMS_signed_get_attr(si, i), i2d_X509_ATTRIBUTE));
  }
  std::sort(members.begin(), members.end());
  std::string body;
  for (const auto& member : members) body += member;
  std::string set(1, '\x31');  // SET OF
  set += DerLength(body.size());
  set += body;
  return set;
}

std::string SignBytes(EVP_PKEY* key, const std::string& data) {
  MdCtxPtr ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key) != 1) {
    Fail("EVP_DigestSignInit failed");
  }
  std::size_t length = 0;
  auto* in = reinterpret_cast<const unsigned char*>(data.data());
  if (EVP_DigestSign(ctx.get(), nullptr, &length, in, data.size()) != 1) Fail("sign failed");
  std::string signature(length, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, in,
                     data.size()) != 1) {
    Fail("sign failed");
  }
  signature.resize(length);
  return signature;
}

// An RFC 3161 token over `signature_value`, checked against the request (imprint, nonce).
std::string TimestampToken(const std::string& signature_value, const TimestampAuthority& tsa) {
  const std::string imprint = Digest(EVP_sha256(), signature_value);
  TsReqPtr request(TS_REQ_new());
  TS_MSG_IMPRINT* msg = TS_MSG_IMPRINT_new();
  X509_ALGOR* algorithm = X509_ALGOR_new();
  if (!request || !msg || !algorithm) Fail("TS_REQ allocation failed");
  X509_ALGOR_set_md(algorithm, EVP_sha256());
  const bool ok_msg =
      TS_MSG_IMPRINT_set_algo(msg, algorithm) == 1 &&
      TS_MSG_IMPRINT_set_msg(msg, reinterpret_cast<unsigned char*>(const_cast<char*>(imprint.data())),
                             static_cast<int>(imprint.size())) == 1;
  X509_ALGOR_free(algorithm);  // TS_MSG_IMPRINT_set_algo copies it
  const bool ok_set = ok_msg && TS_REQ_set_msg_imprint(request.get(), msg) == 1;
  TS_MSG_IMPRINT_free(msg);  // TS_REQ_set_msg_imprint copies it
  if (!ok_set) Fail("TS_REQ imprint failed");
  unsigned char nonce_bytes[8];
  if (RAND_bytes(nonce_bytes, sizeof nonce_bytes) != 1) Fail("RAND_bytes failed");
  internal::BignumPtr nonce_bn(BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr));
  AsnIntegerPtr nonce(BN_to_ASN1_INTEGER(nonce_bn.get(), nullptr));
  if (!nonce || TS_REQ_set_version(request.get(), 1) != 1 ||
      TS_REQ_set_nonce(request.get(), nonce.get()) != 1 ||
      TS_REQ_set_cert_req(request.get(), 1) != 1) {
    Fail("TS_REQ setup failed");
  }
  const std::string tsr = tsa(ToDer(request.get(), i2d_TS_REQ));
  auto* p = reinterpret_cast<const unsigned char*>(tsr.data());
  TsRespPtr response(d2i_TS_RESP(nullptr, &p, static_cast<long>(tsr.size())));
  if (!response) Fail("the timestamp authority's answer is not a TimeStampResp");
  TsVerifyCtxPtr verify(TS_REQ_to_TS_VERIFY_CTX(request.get(), nullptr));
  // Checks status, version, imprint and nonce; the TSA's own certificate is the relying
  // party's business (the token carries it).
  if (verify) TS_VERIFY_CTX_set_flags(verify.get(), TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE);
  if (!verify || TS_RESP_verify_response(verify.get(), response.get()) != 1) {
    Fail("the timestamp response does not match the request");
  }
  return ToDer(TS_RESP_get_token(response.get()), i2d_PKCS7);
}

std::string BuildCms(const std::string& signed_bytes, const SigningIdentity& identity,
                     const TimestampAuthority& tsa) {
  constexpr unsigned kFlags = CMS_DETACHED | CMS_BINARY | CMS_PARTIAL;
  CmsPtr cms(CMS_sign(nullptr, nullptr, nullptr, nullptr, kFlags));
  if (!cms) Fail("CMS_sign failed");
  // CMS_CADES adds signing-certificate-v2; CMS_PARTIAL stops OpenSSL from signing now, since
  // OpenSSL 3.0 would add the signingTime attribute that PAdES baseline forbids.
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), identity.chain.front().get(),
                                       identity.key.get(), EVP_sha256(),
                                       kFlags | CMS_NOSMIMECAP | CMS_CADES);
  if (!si) Fail("CMS_add1_signer failed");
  for (std::size_t i = 1; i < identity.chain.size(); ++i) {
    if (CMS_add1_cert(cms.get(), identity.chain[i].get()) != 1) Fail("CMS_add1_cert failed");
  }
  if (CMS_signed_get_attr_by_NID(si, NID_pkcs9_contentType, -1) < 0 &&
      CMS_signed_add1_attr_by_NID(si, NID_pkcs9_contentType, V_ASN1_OBJECT,
                                  OBJ_nid2obj(NID_pkcs7_data), -1) != 1) {
    Fail("adding contentType failed");
  }
  const std::string digest = Digest(EVP_sha256(), signed_bytes);
  if (CMS_signed_add1_attr_by_NID(si, NID_pkcs9_messageDigest, V_ASN1_OCTET_STRING,
                                  digest.data(), static_cast<int>(digest.size())) != 1) {
    Fail("adding messageDigest failed");
  }
  const std::string signature = SignBytes(identity.key.get(), EncodeSignedAttributes(si));
  if (ASN1_STRING_set(CMS_SignerInfo_get0_signature(si), signature.data(),
                      static_cast<int>(signature.size())) != 1) {
    Fail("setting the signature value failed");
  }
  if (tsa) {
    const std::string token = TimestampToken(signature, tsa);
    if (CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                      token.data(), static_cast<int>(token.size())) != 1) {
      Fail("adding the timestamp token failed");
    }
  }
  return ToDer(cms.get(), i2d_CMS_ContentInfo);
}

std::string SubjectRfc2253(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return {};
  X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

std::shared_ptr<const SigningIdentity> LoadIdentity(const std::string& key_pem,
                                                    const std::string& cert_chain_pem) {
  auto identity = std::make_shared<SigningIdentity>();
  {
    BioPtr bio = MemoryBio(key_pem);
    identity->key.reset(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
    if (!identity->key) Fail("signing key: not a readable unencrypted PEM private key");
  }
  const int type = EVP_PKEY_get_base_id(identity->key.get());
  if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
    throw std::runtime_error("signing key: only RSA and ECDSA (P-256) keys are supported");
  }
  {
    BioPtr bio = MemoryBio(cert_chain_pem);
    while (X509* cert = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      identity->chain.emplace_back(cert);
    }
    ERR_clear_error();  // the loop ends on an expected "no start line"
  }
  if (identity->chain.empty()) {
    throw std::runtime_error("signing certificate: no PEM certificate found");
  }
  if (X509_check_private_key(identity->chain.front().get(), identity->key.get()) != 1) {
    ERR_clear_error();
    throw std::runtime_error(
        "signing certificate: the first certificate does not match the key (order the chain "
        "leaf first)");
  }
  for (const auto& cert : identity->chain) {
    identity->chain_der_size += static_cast<std::size_t>(i2d_X509(cert.get(), nullptr));
  }
  return identity;
}

std::string Sign(const std::string& pdf, const SigningIdentity& identity,
                 std::chrono::system_clock::time_point signing_time,
                 const TimestampAuthority& timestamp_authority) {
  // Room for the CMS: certificates, signed attributes and signature, plus a token (which
  // carries the TSA's certificates) for B-T. Unused room stays zero-padded.
  const std::size_t capacity =
      4096 + identity.chain_der_size + (timestamp_authority ? 12288 : 0);
  const auto seconds =
      std::chrono::duration_cast<std::chrono::seconds>(signing_time.time_since_epoch()).count();
  internal::PreparedSignature prepared = internal::PrepareSignature(
      pdf, "ETSI.CAdES.detached", internal::PdfDate(seconds), capacity);
  const std::string cms = BuildCms(internal::SignedBytes(prepared), identity, timestamp_authority);
  internal::EmbedSignature(prepared, cms);
  return std::move(prepared.bytes);
}

Verification Verify(const std::string& pdf, const std::string& issuer_cert_pem) {
  Verification result;
  internal::SignatureFields fields;
  if (!internal::FindLastSignature(pdf, fields)) {
    result.error = "no signature";
    return result;
  }
  result.signed_ = true;
  const auto size = static_cast<long long>(pdf.size());
  const long long* r = fields.range;
  // offset + length <= size, without adding (a ByteRange may hold any 64-bit number).
  auto within = [size](long long offset, long long length) {
    return offset >= 0 && length >= 0 && offset <= size && length <= size - offset;
  };
  if (!within(r[0], r[1]) || !within(r[2], r[3])) {
    result.error = "ByteRange outside the file";
    return result;
  }
  result.whole_document = r[0] == 0 && r[1] == static_cast<long long>(fields.contents_offset) &&
                          r[2] == static_cast<long long>(fields.contents_offset +
                                                         fields.contents_length) &&
                          r[2] + r[3] == size;
  std::string signed_bytes = pdf.substr(static_cast<std::size_t>(r[0]), static_cast<std::size_t>(r[1]));
  signed_bytes.append(pdf, static_cast<std::size_t>(r[2]), static_cast<std::size_t>(r[3]));

  auto* p = reinterpret_cast<const unsigned char*>(fields.contents_der.data());
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, static_cast<long>(fields.contents_der.size())));
  STACK_OF(CMS_SignerInfo)* signers = cms ? CMS_get0_SignerInfos(cms.get()) : nullptr;
  if (!signers || sk_CMS_SignerInfo_num(signers) < 1) {
    ERR_clear_error();
    result.error = "the signature is not a CMS SignedData";
    return result;
  }
  CMS_SignerInfo* si = sk_CMS_SignerInfo_value(signers, 0);
  X509StackPtr certs(CMS_get1_certs(cms.get()));
  X509* signer = nullptr;
  for (int i = 0; certs && i < sk_X509_num(certs.get()); ++i) {
    if (CMS_SignerInfo_cert_cmp(si, sk_X509_value(certs.get(), i)) == 0) {
      signer = sk_X509_value(certs.get(), i);
    }
  }
  if (!signer) {
    result.error = "the signer's certificate is not in the signature";
    return result;
  }
  result.signer_subject = SubjectRfc2253(signer);

  X509_ALGOR* digest_algorithm = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &digest_algorithm, nullptr);
  const ASN1_OBJECT* digest_oid = nullptr;
  X509_ALGOR_get0(&digest_oid, nullptr, nullptr, digest_algorithm);
  const EVP_MD* md = EVP_get_digestbyobj(digest_oid);
  const int md_index = CMS_signed_get_attr_by_NID(si, NID_pkcs9_messageDigest, -1);
  const ASN1_TYPE* md_value =
      md_index >= 0 ? X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, md_index), 0) : nullptr;
  if (md && md_value && md_value->type == V_ASN1_OCTET_STRING) {
    const std::string actual = Digest(md, signed_bytes);
    const ASN1_OCTET_STRING* expected = md_value->value.octet_string;
    result.digest_ok =
        static_cast<std::size_t>(ASN1_STRING_length(expected)) == actual.size() &&
        std::memcmp(actual.data(), ASN1_STRING_get0_data(expected), actual.size()) == 0;
  }
  if (!result.digest_ok) result.error = "digest mismatch: the document was changed";

  CMS_SignerInfo_set1_signer_cert(si, signer);
  result.signature_ok = CMS_SignerInfo_verify(si) == 1;
  ERR_clear_error();
  if (!result.signature_ok && result.error.empty()) result.error = "the CMS signature is invalid";

  BioPtr issuer_bio = MemoryBio(issuer_cert_pem);
  X509Ptr issuer(PEM_read_bio_X509(issuer_bio.get(), nullptr, nullptr, nullptr));
  ERR_clear_error();
  if (!issuer) {
    if (result.error.empty()) result.error = "the issuer certificate is unreadable";
  } else {
    result.signer_matches_issuer =
        X509_cmp(signer, issuer.get()) == 0 ||
        (X509_check_issued(issuer.get(), signer) == X509_V_OK &&
         X509_verify(signer, X509_get0_pubkey(issuer.get())) == 1);
    ERR_clear_error();
    if (!result.signer_matches_issuer && result.error.empty()) {
      result.error = "signed by " + result.signer_subject + ", not by the configured issuer";
    }
  }
  if (!result.whole_document && result.error.empty()) {
    result.error = "the signature does not cover the whole document (bytes were appended)";
  }
  return result;
}

}  // namespace parcours::certificates
