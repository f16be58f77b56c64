// Session documents in the browser (issue 12 item 4): the session's trainers and the
// coordinator add (a multipart form, no JavaScript), list and remove them from the sheet or the
// desk's session page; confirmed registrants and attendees see and download them from the
// session's page. The rules are DocumentService's, as for the API.
#include <map>

#include "common/text.h"
#include "services/views.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {

using nlohmann::json;

namespace {

std::string SizeText(Lang lang, long long bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  if (bytes < 1024 * 1024) return FormatNumber(lang, static_cast<double>((bytes * 10 + 512) / 1024) / 10) + " KB";
  return FormatNumber(lang, static_cast<double>((bytes * 10 + 512 * 1024) / (1024 * 1024)) / 10) + " MB";
}

// Back to the page the form was on (the sheet, the desk's session page), else the session page.
std::string BackTo(const Form& form, Id session_id) {
  return LocalOr(form.Get("back"), "/sessions/" + IdString(session_id));
}

}  // namespace

json Site::DocumentsSection(PageContext& pc, Id session_id, bool manage, const std::string& back) {
  if (!services_.documents || !pc.user) return json();
  auto list = services_.documents->List(pc.ctx, session_id);
  if (!list) return json();  // not theirs to see: no section at all
  json items = json::array();
  for (const auto& d : *list) {
    const std::string href = "/sessions/" + IdString(session_id) + "/documents/" + IdString(d.id);
    items.push_back({{"title", d.title},
                     {"href", href},
                     {"delete", href + "/delete"},
                     {"kind", Text(pc.lang, std::string("documents.kind_") + ToString(d.kind))},
                     {"size", SizeText(pc.lang, d.size)},
                     {"date", FormatDate(pc.lang, d.uploaded_at)}});
  }
  json kinds = json::array();
  for (const char* k : {"handout", "synthesis", "other"})
    kinds.push_back({{"value", k}, {"label", Text(pc.lang, std::string("documents.kind_") + k)}});
  const std::string& done = pc.done;
  return {{"items", items},      {"none", items.empty()},           {"manage", manage},
          {"kinds", kinds},      {"back", back},                    {"session_id", IdString(session_id)},
          {"added", done == "document_added"}, {"deleted", done == "document_deleted"}};
}

void Site::AddDocumentPages() {
  // A download, with the same headers as the API's: an attachment, never shown as a page.
  Add("GET", "/sessions/{id}/documents/{document}", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto id = ParseId(pc.params[0]);
    auto document = ParseId(pc.params[1]);
    if (!id || !document) return ErrorPage(pc, 404, "error.not_found");
    auto file = services_.documents->Download(pc.ctx, *id, *document);
    if (!file) return DomainErrorPage(pc, file.error());
    WebResponse r;
    r.content_type = file->document.content_type;
    r.body = std::move(file->bytes);
    r.headers = DownloadHeaders(file->document);
    return r;
  });

  AddUpload("/sessions/{id}/documents", [this](PageContext& pc) {
    if (auto r = RequireStaff(pc)) return *r;
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    const std::string type = pc.req.Header("content-type").value_or("");
    std::map<std::string, std::string> filenames;
    auto fields = ParseMultipart(pc.req.body, type, &filenames);
    if (!fields) return ErrorPage(pc, 400, "error.bad_form");
    Form form(std::move(*fields));
    DocumentUpload in;
    in.kind = form.Get("kind").empty() ? "handout" : form.Get("kind");
    in.title = form.Get("title");
    in.filename = filenames.count("file") ? filenames["file"] : "";
    in.bytes = form.Get("file");
    auto added = services_.documents->Upload(pc.ctx, *id, in);
    if (!added) {
      const auto& e = added.error();
      switch (e.code) {
        case ErrorCode::kTooLarge: return ErrorPage(pc, 413, "documents.too_large");
        case ErrorCode::kUnsupportedMediaType: return ErrorPage(pc, 415, "documents.bad_type");
        case ErrorCode::kInvalidInput: {
          std::string detail;
          for (const auto& f : FieldErrors(pc.lang, e))
            detail += (detail.empty() ? "" : " ") + f.value("field", "") + " : " + f.value("message", "") + ".";
          return ErrorPage(pc, 422, "documents.invalid", detail);
        }
        default: return DomainErrorPage(pc, e);
      }
    }
    return WebResponse::Redirect(WithQuery(BackTo(form, *id), "done=document_added"));
  });

  Add("POST", "/sessions/{id}/documents/{document}/delete", [this](PageContext& pc) {
    if (auto r = RequireStaff(pc)) return *r;
    auto id = ParseId(pc.params[0]);
    auto document = ParseId(pc.params[1]);
    if (!id || !document) return ErrorPage(pc, 404, "error.not_found");
    Form form(*ParseForm(pc.req.body));
    auto removed = services_.documents->Delete(pc.ctx, *id, *document);
    if (!removed) return DomainErrorPage(pc, removed.error());
    return WebResponse::Redirect(WithQuery(BackTo(form, *id), "done=document_deleted"));
  });
}

}  // namespace parcours::web
