// The employer's view in the browser (issue 12): a structure's contact sees its consenting staff
// with their progress; each person switches their consent per structure on their profile.
#include "common/text.h"
#include "services/views.h"
#include "web/site.h"

namespace parcours::web {

using nlohmann::json;

void Site::AddEmployerPages() {
  // The structures this person is the contact of, each with the staff who share with it.
  Add("GET", "/employer", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    auto structures = services_.employer->ContactStructures(pc.ctx);
    if (!structures) return DomainErrorPage(pc, structures.error());
    if (structures->empty()) return ErrorPage(pc, 403, "error.forbidden");
    json list = json::array();
    for (const auto& st : *structures) {
      auto staff = services_.employer->Staff(pc.ctx, st.id);
      if (!staff) return DomainErrorPage(pc, staff.error());
      json people = json::array();
      for (const auto& m : *staff) {
        json progress = json::array();
        for (const auto& p : m.progress)
          progress.push_back({{"pathway", p.pathway.title},
                              {"hours_done", FormatNumber(pc.lang, p.hours_completed)},
                              {"hours_total", FormatNumber(pc.lang, p.pathway.TotalHours())},
                              {"complete", p.complete}});
        json attestations = json::array();
        for (const auto& a : m.attestations)
          if (!a.revoked_at)
            attestations.push_back({{"issued", FormatDate(pc.lang, a.issued_at)}, {"verify", "/verify/" + a.verification_code}});
        people.push_back({{"name", m.person.name}, {"email", m.person.email}, {"profession", m.membership.profession},
                          {"progress", progress}, {"attestations", attestations},
                          {"none", progress.empty() && attestations.empty()}});
      }
      list.push_back({{"name", st.name}, {"staff", people}, {"empty", people.empty()}});
    }
    auto page = Page(pc, "employer", {{"structures", list}});
    page.headers.push_back({"Cache-Control", "private, no-store"});
    return page;
  });

  // The consent switch of the profile page: one form per structure, share=1 or share=0.
  Add("POST", "/profile/sharing", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) return *r;
    Form form(*ParseForm(pc.req.body));
    auto id = ParseId(form.Get("structure_id"));
    if (!id) return ErrorPage(pc, 422, "error.bad_form");
    const bool share = form.Get("share") == "1";
    if (share) {
      auto done = services_.employer->Share(pc.ctx, *id);
      if (!done) return DomainErrorPage(pc, done.error());
      return WebResponse::Redirect("/profile?done=shared#sharing-title");
    }
    auto done = services_.employer->StopSharing(pc.ctx, *id);
    // Withdrawn already (a second click, another tab): the same outcome.
    if (!done && done.error().code != ErrorCode::kNotFound) return DomainErrorPage(pc, done.error());
    return WebResponse::Redirect("/profile?done=unshared#sharing-title");
  });
}

// The profile page's part about sharing with employers: the person's structures and whether each
// sees their record; and a link to /employer for a structure's contact.
json Site::SharingSection(PageContext& pc) {
  json out = json::object();
  if (!services_.employer) return out;
  auto choices = services_.employer->Sharing(pc.ctx);
  if (!choices) return out;
  json list = json::array();
  for (const auto& c : *choices) {
    json item = {{"id", IdString(c.structure.id)}, {"name", c.structure.name}, {"shared", c.shared_since.has_value()},
                 {"member_now", c.member_now}};
    if (c.shared_since) item["since"] = FormatDate(pc.lang, *c.shared_since);
    list.push_back(item);
  }
  out["structures"] = list;
  out["none"] = list.empty();
  auto contact = services_.employer->ContactStructures(pc.ctx);
  out["contact"] = contact && !contact->empty();
  const std::string& done = pc.done;
  out["shared"] = done == "shared";
  out["unshared"] = done == "unshared";
  return out;
}

}  // namespace parcours::web
