// /verify/{code}: the URL printed in every attestation's QR code. A page by default, JSON for
// a client that asks for it (Accept: application/json).
#include "common/text.h"
#include "common/time.h"
#include "services/views.h"
#include "web/site.h"

namespace parcours::web {
namespace {

bool WantsJson(const WebRequest& req) {
  const std::string accept = AsciiLower(req.Header("accept").value_or(""));
  const auto json_at = accept.find("application/json");
  const auto html_at = accept.find("text/html");
  return json_at != std::string::npos && (html_at == std::string::npos || json_at < html_at);
}

}  // namespace

void Site::AddVerifyPage() {
  // The footer's "verify an attestation": a code typed by hand.
  Add("GET", "/verify", [this](PageContext& pc) {
    const std::string code = std::string(Trim(pc.req.Query("code").value_or("")));
    if (!code.empty()) return WebResponse::Redirect("/verify/" + PercentEncode(code));
    return Page(pc, "verify_form", nlohmann::json::object());
  });
  Add("GET", "/verify/{code}", [this](PageContext& pc) {
    auto r = services_.attestations.Verify(pc.params[0]);
    if (WantsJson(pc.req)) {
      WebResponse resp;
      resp.content_type = "application/json";
      if (!r) {
        resp.status = 404;
        resp.content_type = "application/problem+json";
        resp.body = nlohmann::json{{"type", "/problems/not-found"}, {"title", "Not found"}, {"status", 404},
                                   {"detail", "No attestation has this code."}}
                        .dump();
        return resp;
      }
      resp.body = VerificationJson(*r).dump();
      resp.headers.push_back({"Cache-Control", "no-store"});
      return resp;
    }
    nlohmann::json data = {{"code", pc.params[0]}};
    if (!r) {
      data["unknown"] = true;
      auto page = Page(pc, "verify", data, 404);
      page.headers.push_back({"Referrer-Policy", "no-referrer"});
      return page;
    }
    data["valid"] = r->valid;
    data["revoked"] = !r->valid;
    if (r->certificate) {
      // An attendance certificate: one session attended.
      const AttendanceCertificate& c = *r->certificate;
      data["attendance"] = true;
      data["holder"] = c.holder_name;
      data["module"] = c.module_title;
      data["pathway"] = c.pathway_title;
      data["slot"] = FormatSlot(pc.lang, c.session_starts_at, c.session_ends_at);
      data["hours"] = FormatNumber(pc.lang, c.hours);
      data["issued"] = FormatDate(pc.lang, c.issued_at);
      data["code"] = c.verification_code;
      data["certifies"] = Fill(Text(pc.lang, "verify.certifies_attendance"),
                               {{"name", c.holder_name}, {"module", c.module_title}, {"hours", FormatNumber(pc.lang, c.hours)}});
      if (c.revoked_at) {
        data["revoked_on"] = FormatDate(pc.lang, *c.revoked_at);
        data["reason"] = c.revoke_reason == "attendance corrected" ? Text(pc.lang, "verify.attendance_corrected") : c.revoke_reason;
      }
    } else {
      const Attestation& a = r->attestation;
      data["holder"] = a.holder_name;
      data["pathway"] = a.pathway_title;
      data["hours"] = FormatNumber(pc.lang, a.total_hours);
      data["issued"] = FormatDate(pc.lang, a.issued_at);
      data["code"] = a.verification_code;
      data["certifies"] = Fill(Text(pc.lang, "verify.certifies_attestation"),
                               {{"name", a.holder_name}, {"pathway", a.pathway_title}, {"hours", FormatNumber(pc.lang, a.total_hours)}});
      if (a.revoked_at) {
        data["revoked_on"] = FormatDate(pc.lang, *a.revoked_at);
        data["reason"] = a.revoke_reason;
      }
    }
    auto page = Page(pc, "verify", data);
    // The code is the key to the record: never leak it to another site.
    page.headers.push_back({"Referrer-Policy", "no-referrer"});
    page.headers.push_back({"Cache-Control", "no-store"});
    return page;
  });
}

}  // namespace parcours::web
