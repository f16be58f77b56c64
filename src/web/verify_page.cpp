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
      const Attestation& a = r->attestation;
      resp.body = nlohmann::json{{"valid", r->valid},
                                 {"revoked", a.revoked_at.has_value()},
                                 {"holder_name", a.holder_name},
                                 {"pathway_title", a.pathway_title},
                                 {"total_hours", a.total_hours},
                                 {"issued_at", FormatLocal(a.issued_at)},
                                 {"verification_code", a.verification_code}}
                      .dump();
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
    const Attestation& a = r->attestation;
    data["valid"] = r->valid;
    data["revoked"] = a.revoked_at.has_value();
    data["holder"] = a.holder_name;
    data["pathway"] = a.pathway_title;
    data["hours"] = FormatNumber(pc.lang, a.total_hours);
    data["issued"] = FormatDate(pc.lang, a.issued_at);
    data["code"] = a.verification_code;
    if (a.revoked_at) {
      data["revoked_on"] = FormatDate(pc.lang, *a.revoked_at);
      data["reason"] = a.revoke_reason;
    }
    auto page = Page(pc, "verify", data);
    // The code is the key to the record: never leak it to another site.
    page.headers.push_back({"Referrer-Policy", "no-referrer"});
    page.headers.push_back({"Cache-Control", "no-store"});
    return page;
  });
}

}  // namespace parcours::web
