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

bool WantsHtml(const HttpRequest& req) {
  std::string accept = AsciiLower(req.Header("Accept").value_or(""));
  auto html = accept.find("text/html");
  auto json_at = accept.find("application/json");
  return html != std::string::npos && (json_at == std::string::npos || html < json_at);
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
    auto reason = f.String("reason", false, 4000);
    if (!f.ok())
      return HttpResponse::Problem(f.Problem("Name the participant and the pathway."), req.ctx.request_id);
    return Reply(req, s.attestations.Issue(req.ctx, *participant, *pathway, reason.value_or("")), 201, AttestationJson);
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

  router.Add(Method::kGet, "/api/v1/pathways/{id}/completions", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "pathway");
    const std::string due = req.Query("due").value_or("false");
    if (due != "true" && due != "false")
      return HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.", {{"due", "must be true or false"}}},
                                   req.ctx.request_id);
    auto r = s.attestations.Completions(req.ctx, *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    json items = json::array();
    for (const auto& c : *r) {
      if (due == "true" && !c.due) continue;
      items.push_back({{"participant_id", IdString(c.person.id)}, {"name", c.person.name}, {"email", c.person.email},
                       {"organisation", c.person.organisation}, {"completed_on", FormatLocal(c.completed_at).substr(0, 10)},
                       {"due", c.due}, {"attestation", c.attestation ? AttestationJson(*c.attestation) : json(nullptr)}});
    }
    return HttpResponse::Json(200, ListJson(items, std::nullopt));
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
    if (!f.ok()) return HttpResponse::Problem(f.Problem("Give a reason."), req.ctx.request_id);
    return Reply(req, s.attestations.Revoke(req.ctx, *id, *reason), 200, AttestationJson);
  }));

  // After the holder corrected their name: the old attestation revoked, a new one issued.
  router.Add(Method::kPost, "/api/v1/attestations/{id}/reissue", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "attestation");
    std::optional<std::string> reason;
    if (!req.body.empty()) {
      HttpResponse bad;
      auto body = BodyObject(req, bad);
      if (!body) return bad;
      FieldReader f(*body);
      reason = f.String("reason", false, 4000);
      if (!f.ok()) return HttpResponse::Problem(f.Problem("The re-issue has invalid fields."), req.ctx.request_id);
    }
    return Reply(req, s.attestations.Reissue(req.ctx, *id, reason.value_or("")), 201, AttestationJson);
  }));

  router.Add(Method::kGet, "/api/v1/registrations/{id}/certificate.pdf", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "registration");
    auto r = s.attestations.AttendanceCertificate(req.ctx, *id);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    return PdfResponse(*r);
  });

  router.Add(Method::kGet, "/api/v1/verify/{code}", Access::kAnyone, [&s](HttpRequest& req) {
    if (WantsHtml(req) && s.pages) {
      // The same page as the printed URL /verify/{code}.
      HttpRequest page = req;
      page.path = "/verify/" + req.params[0];
      page.segments = {"verify", req.params[0]};
      return s.pages(page);
    }
    auto r = s.attestations.Verify(req.params[0]);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    return HttpResponse::Json(200, VerificationJson(*r));
  });

  router.Add(Method::kGet, "/api/v1/me/attestations", Access::kSignedIn, [&s](HttpRequest& req) {
    auto r = s.attestations.ListMine(req.ctx);
    if (!r) return HttpResponse::Problem(r.error(), req.ctx.request_id);
    json items = json::array();
    for (const auto& a : *r) {
      json j = AttestationJson(a);
      j["pathway_title"] = a.pathway_title;
      j["total_hours"] = a.total_hours;
      j["verification_url"] = "/verify/" + a.verification_code;
      j["pdf_url"] = "/api/v1/attestations/" + IdString(a.id) + "/pdf";
      items.push_back(std::move(j));
    }
    return HttpResponse::Json(200, {{"items", items}, {"next_cursor", nullptr}});
  });
}

}  // namespace parcours::http
