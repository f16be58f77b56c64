#pragma once
// Session documents (issue 12): handouts and the written synthesis attached to a session, kept
// in the database so every server sees them. A file's type is read from its first bytes, never
// from what the client says.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "domain/model.h"

namespace parcours {

enum class DocumentKind { kHandout, kSynthesis, kOther };
const char* ToString(DocumentKind k);  // handout, synthesis, other
std::optional<DocumentKind> DocumentKindFromString(const std::string& s);

inline constexpr std::size_t kMaxDocumentBytes = 20u * 1024 * 1024;

struct SessionDocument {
  Id id = 0;
  Id session_id = 0;
  DocumentKind kind = DocumentKind::kHandout;
  std::string title;
  std::string filename;      // as given, made safe (SafeFilename)
  std::string content_type;  // from the file's bytes (SniffDocumentType)
  long long size = 0;
  std::string sha256;
  Id uploaded_by = 0;
  TimePoint uploaded_at;
};

// The media type of a PDF, PNG, JPEG, office OOXML (docx, xlsx, pptx) or ODF (odt, ods, odp...)
// file from its bytes; nullopt for anything else (HTML, scripts, executables, other archives).
std::optional<std::string> SniffDocumentType(std::string_view bytes);

// A file name fit for a Content-Disposition header: no path, no quotes or control characters,
// at most 120 bytes; `fallback` when nothing is left.
std::string SafeFilename(std::string_view name, const std::string& fallback);

// RFC 6266: `attachment` with an ASCII fallback name and the UTF-8 name percent-encoded
// (RFC 8187), for a name made safe by SafeFilename.
std::string AttachmentDisposition(const std::string& filename);

// The headers a document is downloaded with (the API's and the pages'): an attachment, never
// shown inline as a page; kept by no cache; and should a browser open it anyway, it runs nothing
// and reaches nothing of ours. (The server adds X-Content-Type-Options: nosniff to every answer.)
std::vector<std::pair<std::string, std::string>> DownloadHeaders(const SessionDocument& d);

}  // namespace parcours
