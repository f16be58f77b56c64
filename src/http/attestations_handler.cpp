#include "common/text.h"
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json AttestationJson(const Attestation& a) {
  return {{"id", IdString(a.id)},
          {"participant_id", IdString(a.participant_id)},
          {"pathway_id", IdString(a.pathway_id)},
          {"verification_code", a.verification_code},
          {"issued_at", FormatLocal(a.issued_at)},
          {"revoked", a.revoked_at.has_value()},
          {"revoked_at", a.revoked_at ? json(FormatLocal(*a.revoked_at)) : json(nullptr)},
          {"sha256", a.sha256}};
}

HttpResponse PdfResponse(const IssuedPdf& pdf) {
  HttpResponse r;
  r.content_type = "application/pdf";
  r.body = pdf.bytes;
  r.extra_headers.push_back({"Content-Disposition", "attachment; filename=\"" + pdf.filename + "\""});
  return r;
}

std::string HtmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

bool WantsHtml(const HttpRequest& req) {
  std::string accept = AsciiLower(req.Header("Accept").value_or(""));
  auto html = accept.find("text/html");
  auto json_at = accept.find("application/json");
  return html != std::string::npos && (json_at == std::string::npos || html < json_at);
}

struct PageWords {
  const char* title;
  const char* valid;
  const char* revoked;
  const char* unknown;
  const char* holder;
  const char* training;
  const char* hours;
  const char* issued;
  const char* note;
};

PageWords Words(const std::string& lang) {
  if (lang == "de")
    return {"Überprüfung einer Bescheinigung", "Diese Bescheinigung ist gültig.", "Diese Bescheinigung wurde widerrufen.",
            "Zu diesem Code gibt es keine Bescheinigung.", "Inhaber·in", "Fortbildung", "Stunden", "Ausgestellt am",
            "Die PDF-Datei trägt außerdem eine elektronische Signatur des ausstellenden Zentrums."};
  if (lang == "en")
    return {"Certificate verification", "This certificate is valid.", "This certificate has been revoked.",
            "No certificate has this code.", "Holder", "Training", "Hours", "Issued on",
            "The PDF file also carries an electronic signature of the issuing centre."};
  return {"Vérification d'une attestation", "Cette attestation est valide.", "Cette attestation a été révoquée.",
          "Aucune attestation ne porte ce code.", "Titulaire", "Formation", "Heures", "Délivrée le",
          "Le fichier PDF porte en outre la signature électronique du centre qui l'a délivré."};
}

HttpResponse VerifyPage(const std::string& lang, const std::optional<PublicVerification>& v, int status) {
  PageWords w = Words(lang);
  std::string body = "<!doctype html><html lang=\"" + lang + "\"><head><meta charset=\"utf-8\">"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                     "<title>" + std::string(w.title) + "</title><style>"
                     "body{font-family:system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#222}"
                     ".ok{color:#0a6b2c}.bad{color:#a4161a}dl{display:grid;grid-template-columns:auto 1fr;gap:.4rem 1rem}"
                     "dt{font-weight:600}</style></head><body><h1>" + std::string(w.title) + "</h1>";
  if (!v) {
    body += "<p class=\"bad\"><strong>" + std::string(w.unknown) + "</strong></p>";
  } else {
    const Attestation& a = v->attestation;
    body += v->valid ? "<p class=\"ok\"><strong>" + std::string(w.valid) + "</strong></p>"
                     : "<p class=\"bad\"><strong>" + std::string(w.revoked) + "</strong></p>";
    char hours[32];
    std::snprintf(hours, sizeof hours, "%g", a.total_hours);
    body += "<dl><dt>" + std::string(w.holder) + "</dt><dd>" + HtmlEscape(a.holder_name) + "</dd><dt>" +
            w.training + "</dt><dd>" + HtmlEscape(a.pathway_title) + "</dd><dt>" + w.hours + "</dt><dd>" + hours +
            "</dd><dt>" + w.issued + "</dt><dd>" + FormatLocal(a.issued_at).substr(0, 10) + "</dd><dt>Code</dt><dd>" +
            HtmlEscape(a.verification_code) + "</dd></dl><p>" + w.note + "</p>";
  }
  body += "</body></html>";
  HttpResponse r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = body;
  r.extra_headers.push_back({"Content-Language", lang});
  return r;
}

}  // namespace

void AddAttestationRoutes(Router& router, Services& s) {
  router.Add(Method::kPost, "/api/v1/attestations", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto participant = f.IdString("participant_id");
    auto pathway = f.IdString("pathway_id");
    if (!f.ok())
      return HttpResponse::Problem({ErrorCode::kInvalidInput, "Name the participant and the pathway.", f.errors()}, req.ctx.request_id);
    return Reply(req, s.attestations.Issue(req.ctx, *participant, *pathway), 201, AttestationJson);
  }));

  router.Add(Method::kPost, "/api/v1/pathways/{id}/attestations", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "pathway");
    auto r = s.attestations.IssueAll(req.ctx, *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    json items = json::array();
    for (const auto& a : *r) items.push_back(AttestationJson(a));
    return HttpResponse::Json(201, {{"items", items}, {"next_cursor", nullptr}});
  }));

  router.Add(Method::kGet, "/api/v1/attestations/{id}", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "attestation");
    return Reply(req, s.attestations.Get(req.ctx, *id), 200, AttestationJson);
  });

  router.Add(Method::kGet, "/api/v1/attestations/{id}/pdf", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "attestation");
    auto r = s.attestations.Pdf(req.ctx, *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    return PdfResponse(*r);
  });

  router.Add(Method::kPost, "/api/v1/attestations/{id}/revoke", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "attestation");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto reason = f.String("reason", true, 4000);
    if (!f.ok()) return HttpResponse::Problem({ErrorCode::kInvalidInput, "Give a reason.", f.errors()}, req.ctx.request_id);
    return Reply(req, s.attestations.Revoke(req.ctx, *id, *reason), 200, AttestationJson);
  }));

  router.Add(Method::kGet, "/api/v1/registrations/{id}/certificate.pdf", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "registration");
    auto r = s.attestations.AttendanceCertificate(req.ctx, *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    return PdfResponse(*r);
  });

  router.Add(Method::kGet, "/api/v1/verify/{code}", Access::kAnyone, [&s](HttpRequest& req) {
    auto r = s.attestations.Verify(req.params[0]);
    if (WantsHtml(req)) {
      const std::string lang = PreferredLanguage(req);
      return r ? VerifyPage(lang, *r, 200) : VerifyPage(lang, std::nullopt, 404);
    }
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    const Attestation& a = r->attestation;
    return HttpResponse::Json(200, {{"valid", r->valid},
                                    {"revoked", a.revoked_at.has_value()},
                                    {"holder_name", a.holder_name},
                                    {"pathway_title", a.pathway_title},
                                    {"total_hours", a.total_hours},
                                    {"issued_at", FormatLocal(a.issued_at)},
                                    {"verification_code", a.verification_code}});
  });
}

}  // namespace parcours::http
