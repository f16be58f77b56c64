// The PDF side of an embedded signature: an incremental update that adds a signature field and
// a /Sig dictionary with fixed-size placeholders, then fills them in place. Internal to the
// component; exposed in a header so that tests can check the bytes it writes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parcours::certificates::internal {

// A document with a signature update appended. Offsets index `bytes`.
struct PreparedSignature {
  std::string bytes;
  std::size_t byte_range_offset = 0;  // first byte of the "[0 ...]" ByteRange array
  std::size_t byte_range_length = 0;  // its fixed width, brackets included
  std::size_t contents_offset = 0;    // the '<' of /Contents
  std::size_t contents_length = 0;    // '<' to '>' inclusive
  std::size_t previous_xref = 0;      // startxref of the original document (/Prev)
  std::size_t xref_offset = 0;        // startxref of the update
};

// Appends to `pdf` (classic xref table, as libharu writes) a new Catalog revision with an
// /AcroForm, a new Page revision with /Annots, an invisible signature widget and a /Sig
// dictionary whose /Contents holds `contents_capacity` zero bytes as hex, then the xref
// subsections (20-byte entries) and a trailer with /Prev. The ByteRange is filled already:
// everything except the /Contents hex string, brackets included.
// Throws std::runtime_error on a document it cannot parse (xref streams, forms present).
PreparedSignature PrepareSignature(const std::string& pdf, std::string_view sub_filter,
                                   std::string_view signing_time_pdf_date,
                                   std::size_t contents_capacity);

// The bytes covered by the ByteRange, concatenated: what the CMS signature digests.
std::string SignedBytes(const PreparedSignature& prepared);

// Writes `der` as hex into the /Contents placeholder (zero-padded). Throws when it does not fit.
void EmbedSignature(PreparedSignature& prepared, const std::string& der);

// "D:YYYYMMDDHHmmSS+00'00'" for a UTC time in seconds since the epoch.
std::string PdfDate(long long unix_seconds);

// Reads the last signature dictionary of `pdf`: its ByteRange and the DER of /Contents
// (trailing zero padding removed by the caller's DER parser). Returns false when none.
struct SignatureFields {
  long long range[4] = {0, 0, 0, 0};
  std::size_t contents_offset = 0;  // '<'
  std::size_t contents_length = 0;  // '<' to '>' inclusive
  std::string contents_der;
};
bool FindLastSignature(const std::string& pdf, SignatureFields& fields);

}  // namespace parcours::certificates::internal
