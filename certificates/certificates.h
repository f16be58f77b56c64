// The e-certificate component: renders attestations and attendance certificates as PDF
// (libharu), signs them with an embedded PAdES baseline signature (OpenSSL CMS) and verifies
// them. It knows no HTTP and no SQL: callers pass plain content structs and get bytes back.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace parcours::certificates {

struct ModuleLine {
  std::string title;
  double hours = 0;
  std::string date;  // YYYY-MM-DD, the date the module was completed
};

// The global attestation of a pathway. All strings are UTF-8; `language` ("fr", "de" or "en")
// selects the fixed wording and the date format.
struct AttestationContent {
  std::string language;
  std::string centre_name;
  std::string holder_name;
  std::string pathway_title;
  double total_hours = 0;
  std::vector<ModuleLine> modules;
  std::string issue_date;  // YYYY-MM-DD
  std::string place;
  std::string verification_code;
  std::string verification_url;  // what the QR code encodes
  std::string signatory_name;
  std::string signatory_title;
};

// A per-session attendance certificate (one module and its hours), for employers.
struct AttendanceContent {
  std::string language;
  std::string centre_name;
  std::string holder_name;
  std::string module_title;
  std::string pathway_title;  // may be empty
  double hours = 0;
  std::string session_dates;  // free text, e.g. "04/03/2027" or "04/03/2027 – 05/03/2027"
  std::string place;
  std::string issue_date;  // YYYY-MM-DD
  std::string verification_code;
  std::string verification_url;
  std::string signatory_name;
  std::string signatory_title;
};

// A plain listing (the printed speed-meeting plan): headed blocks of lines on A4 portrait pages.
struct ListingBlock {
  std::string heading;
  std::vector<std::string> lines;
  bool section = false;  // a section title (no lines of its own): starts a new page
};
struct ListingContent {
  std::string title;     // on every page
  std::string subtitle;  // on every page
  std::vector<ListingBlock> blocks;
};

// Renders one-page A4 landscape PDFs with an embedded DejaVu Sans subset (Unicode text) and the
// logo from the templates directory. The font and logo are loaded once by the constructor; the
// const methods keep no mutable state, so one Renderer may be shared by several threads.
// Throws std::runtime_error when the templates or the font cannot be read, or libharu fails.
class Renderer {
 public:
  // `templates_dir` holds logo.png and DejaVuSans-Latin.ttf, a Latin subset of DejaVu Sans
  // (made by make_font_subset.sh) used whenever every text is covered by it; otherwise the
  // full /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf is embedded (slower, larger).
  explicit Renderer(std::string templates_dir);
  ~Renderer();
  Renderer(const Renderer&) = delete;
  Renderer& operator=(const Renderer&) = delete;

  std::string Attestation(const AttestationContent& content) const;  // PDF bytes
  std::string Attendance(const AttendanceContent& content) const;     // PDF bytes
  std::string Listing(const ListingContent& content) const;           // PDF bytes, as many pages as needed

  struct Assets;  // font subset and logo, prepared once

 private:
  std::string templates_dir_;
  std::unique_ptr<const Assets> assets_;
};

// A private key and its certificate chain (leaf first). Opaque; immutable once loaded, so one
// identity may be shared by several threads.
struct SigningIdentity;

// Parses a PEM private key (RSA or EC P-256) and a PEM chain, leaf first. Throws
// std::runtime_error with a clear message when either is unreadable or the key does not match
// the leaf certificate.
std::shared_ptr<const SigningIdentity> LoadIdentity(const std::string& key_pem,
                                                    const std::string& cert_chain_pem);

// Called with a DER RFC 3161 TimeStampReq; returns the DER TimeStampResp (e.g. an HTTP POST of
// application/timestamp-query to a TSA). Throwing aborts the signature.
using TimestampAuthority = std::function<std::string(const std::string& tsq_der)>;

// Appends a PAdES baseline signature as an incremental update: /SubFilter /ETSI.CAdES.detached,
// CMS SignedData (SHA-256, detached, binary) with signing-certificate-v2 and no signingTime,
// /M = signing_time, an invisible signature field, the whole document covered. With a
// timestamp authority, the signature value gets an RFC 3161 token as unsigned attribute
// (PAdES B-T). Throws std::runtime_error on malformed input or an OpenSSL failure.
std::string Sign(const std::string& pdf, const SigningIdentity& identity,
                 std::chrono::system_clock::time_point signing_time,
                 const TimestampAuthority& timestamp_authority = {});

struct Verification {
  bool signed_ = false;                // a signature dictionary with ByteRange and Contents
  bool digest_ok = false;              // the signed ranges hash to the CMS messageDigest
  bool signature_ok = false;           // the CMS signature over the signed attributes verifies
  bool whole_document = false;         // the ranges cover every byte except the Contents value
  bool signer_matches_issuer = false;  // signer is the issuer certificate or is signed by it
  std::string signer_subject;          // RFC 2253
  std::string error;                   // why a check failed, for humans
  bool Valid() const {
    return signed_ && digest_ok && signature_ok && whole_document && signer_matches_issuer;
  }
};

// Checks the last signature of `pdf` against `issuer_cert_pem` (PEM, the configured issuer).
// Never throws for bad documents: failures are reported in the result.
Verification Verify(const std::string& pdf, const std::string& issuer_cert_pem);

std::string Sha256Hex(const std::string& bytes);  // lowercase hex

// A code such as "K7QM-2XHP-9TRW-4CFD": 16 symbols drawn uniformly (rejection sampling) from a
// 29-symbol alphabet without the ambiguous 0/O, 1/I/L and U/V (about 77.7 bits), in 4 groups of 4. `random_bytes(n)` must return n bytes from a
// cryptographically secure source (injected so that tests can be deterministic).
std::string NewVerificationCode(const std::function<std::string(std::size_t)>& random_bytes);
bool IsWellFormedVerificationCode(const std::string& code);
inline constexpr std::string_view kVerificationAlphabet = "23456789ABCDEFGHJKMNPQRSTWXYZ";

// A QR code (error correction level M, 8-bit mode): its width in modules and which are dark,
// row by row from the top, without the quiet zone. Throws std::runtime_error when the text
// cannot be encoded (longer than a QR code holds).
struct QrMatrix {
  int width = 0;
  std::vector<bool> dark;
  bool Dark(int row, int col) const { return dark[static_cast<std::size_t>(row * width + col)]; }
  // The dark modules as horizontal runs: (row, first column, length).
  struct Run {
    int row, col, length;
  };
  std::vector<Run> Runs() const;
};
QrMatrix EncodeQr(const std::string& text);

}  // namespace parcours::certificates
