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

}  // namespace

std::optional<Id> DocumentUploadSession(std::string_view method, std::string_view target, bool page_form) {
  if (method != "POST") return std::nullopt;
  target = target.substr(0, target.find('?'));
  const std::string_view prefix = page_form ? "/sessions/" : "/api/v1/sessions/";
  constexpr std::string_view kSuffix = "/documents";
  if (target.size() <= prefix.size() + kSuffix.size() || target.substr(0, prefix.size()) != prefix ||
      target.substr(target.size() - kSuffix.size()) != kSuffix)
    return std::nullopt;
  auto id = target.substr(prefix.size(), target.size() - prefix.size() - kSuffix.size());
  if (id.empty() || id.size() > 19 || id.find_first_not_of("0123456789") != std::string_view::npos) return std::nullopt;
  return ParseId(std::string(id));
}

bool IsDocumentUpload(std::string_view method, std::string_view target) {
  return DocumentUploadSession(method, target).has_value();
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
               resp.extra_headers = DownloadHeaders(r->document);
               return resp;
             }));

  router.Add(Method::kDelete, "/api/v1/sessions/{id}/documents/{document_id}", Access::kSignedIn,
             StaffOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               auto document = IdParam(req, 1);
               if (!id || !document) return NotFound(req, "document");
               if (auto refused = RefuseBody(req)) return *refused;
               auto r = s.documents->Delete(req.ctx, *id, *document);
               if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
               HttpResponse resp;
               resp.status = 204;
               return resp;
             }));
}

}  // namespace parcours::http
