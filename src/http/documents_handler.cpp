// Session documents (issue 12): upload (the raw file as the body; its type read from its
// bytes), list and download.
#include "common/text.h"
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json DocumentJson(const SessionDocument& d) {
  return {{"id", IdString(d.id)}, {"session_id", IdString(d.session_id)}, {"kind", ToString(d.kind)},
          {"title", d.title}, {"filename", d.filename}, {"content_type", d.content_type}, {"size", d.size},
          {"sha256", d.sha256}, {"uploaded_at", FormatLocal(d.uploaded_at)}};
}

json DocumentListJson(const std::vector<SessionDocument>& list) {
  json items = json::array();
  for (const auto& d : list) items.push_back(DocumentJson(d));
  return ListJson(items, std::nullopt);
}

// RFC 6266: an ASCII fallback name and the UTF-8 name percent-encoded (RFC 8187).
std::string ContentDisposition(const std::string& filename) {
  std::string ascii, encoded;
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : filename) {
    ascii.push_back(c < 0x80 ? static_cast<char>(c) : '_');
    if (std::isalnum(c) || c == '.' || c == '-' || c == '_') {
      encoded.push_back(static_cast<char>(c));
    } else {
      encoded += '%';
      encoded += kHex[c >> 4];
      encoded += kHex[c & 15];
    }
  }
  return "attachment; filename=\"" + ascii + "\"; filename*=UTF-8''" + encoded;
}

}  // namespace

bool IsDocumentUpload(std::string_view method, std::string_view target) {
  if (method != "POST") return false;
  target = target.substr(0, target.find('?'));
  constexpr std::string_view kPrefix = "/api/v1/sessions/", kSuffix = "/documents";
  if (target.size() <= kPrefix.size() + kSuffix.size() || target.substr(0, kPrefix.size()) != kPrefix ||
      target.substr(target.size() - kSuffix.size()) != kSuffix)
    return false;
  auto id = target.substr(kPrefix.size(), target.size() - kPrefix.size() - kSuffix.size());
  return !id.empty() && id.size() <= 19 && id.find_first_not_of("0123456789") == std::string_view::npos;
}

void AddDocumentRoutes(Router& router, Services& s) {
  router.Add(Method::kPost, "/api/v1/sessions/{id}/documents", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    DocumentUpload in;
    in.kind = req.Query("kind").value_or("handout");
    in.title = req.Query("title").value_or("");
    in.filename = req.Query("filename").value_or("");
    in.bytes = std::move(req.body);
    return Reply(req, s.documents->Upload(req.ctx, *id, in), 201, DocumentJson);
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/documents", Access::kSignedIn, PeopleOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    return Reply(req, s.documents->List(req.ctx, *id), 200, DocumentListJson);
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/documents/{document_id}", Access::kSignedIn,
             PeopleOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               auto document = IdParam(req, 1);
               if (!id || !document) return NotFound(req, "document");
               auto r = s.documents->Download(req.ctx, *id, *document);
               if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
               HttpResponse resp;
               resp.content_type = r->document.content_type;
               resp.body = std::move(r->bytes);
               resp.extra_headers.push_back({"Content-Disposition", ContentDisposition(r->document.filename)});
               resp.extra_headers.push_back({"Cache-Control", "private, no-store"});
               // Opened in a browser anyway, the file runs nothing and reaches nothing of ours.
               resp.extra_headers.push_back({"Content-Security-Policy", "sandbox; default-src 'none'"});
               return resp;
             }));
}

}  // namespace parcours::http
