// At the door of a session: walk-ins, the rotating check-in code, participants' check-ins and
// the trainer's confirmation of the sheet.
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json MarkJson(const AttendanceRecord& m) {
  return {{"session_id", IdString(m.session_id)}, {"participant_id", IdString(m.participant_id)},
          {"status", ToString(m.status)}, {"hours", m.hours}, {"source", ToString(m.source)},
          {"marked_at", FormatLocal(m.marked_at)}};
}

std::optional<WalkInInput> ReadWalkIn(FieldReader& f, const json& body) {
  WalkInInput in;
  in.participant_id = f.IdString("participant_id", false);
  if (const json* person = f.Has("person") ? &body["person"] : nullptr) {
    if (!person->is_object()) {
      f.AddError("person", "must be an object {email, name, organisation?}");
    } else {
      FieldReader p(*person);
      auto email = p.String("email", true, 400);
      auto name = p.String("name", true, 2000);
      auto organisation = p.String("organisation", false, 2000);
      f.Absorb(p, "person.");
      if (p.ok()) {
        in.email = *email;
        in.name = *name;
        in.organisation = organisation.value_or("");
      }
    }
  }
  if (f.Has("participant_id") == f.Has("person"))
    f.AddError("person", "give either participant_id (someone known) or person (someone new)");
  in.channel = f.String("channel", false, 100).value_or("DIRECT");
  in.capacity_override = f.Boolean("capacity_override").value_or(false);
  in.module_override = f.Boolean("module_override").value_or(false);
  if (!f.ok()) return std::nullopt;
  return in;
}

}  // namespace

void AddDoorRoutes(Router& router, Services& s) {
  router.Add(Method::kPost, "/api/v1/sessions/{id}/walk-ins", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto in = ReadWalkIn(f, *body);
    if (!in) return HttpResponse::Problem(f.Problem("The walk-in has invalid fields."), req.ctx.request_id);
    return Reply(req, s.door->WalkIn(req.ctx, *id, *in), 201, [](const WalkInResult& r) {
      json j = ToJson(r.registration);
      j["attendance"] = MarkJson(r.mark);
      j["person_created"] = r.person_created;
      j["already_registered"] = r.already_registered;
      return j;
    });
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/check-in-code", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    return Reply(req, s.door->Code(req.ctx, *id), 200, [](const CheckInCode& c) {
      return json{{"session_id", IdString(c.session_id)}, {"code", c.code}, {"url", c.url},
                  {"issued_at", FormatLocal(c.issued_at)}, {"expires_at", FormatLocal(c.expires_at)},
                  {"period_seconds", kCheckInPeriod.count()}, {"opens_at", FormatLocal(c.opens_at)},
                  {"closes_at", FormatLocal(c.closes_at)}, {"checked_in", c.checked_in}, {"confirmed", c.confirmed}};
    });
  }));

  router.Add(Method::kPost, "/api/v1/sessions/{id}/check-ins", Access::kSignedIn, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto code = f.String("code", true, 100);
    if (!f.ok()) return HttpResponse::Problem(f.Problem("Give the code shown."), req.ctx.request_id);
    return Reply(req, s.door->CheckIn(req.ctx, *id, *code), 200, MarkJson);
  });

  router.Add(Method::kGet, "/api/v1/sessions/{id}/check-ins", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    return Reply(req, s.door->CheckIns(req.ctx, *id), 200, [](const CheckInList& l) {
      json items = json::array();
      for (const auto& c : l.items)
        items.push_back({{"participant_id", IdString(c.participant_id)}, {"name", c.name},
                         {"organisation", c.organisation}, {"checked_in_at", FormatLocal(c.at)}});
      json j = ListJson(items, std::nullopt);
      j["confirmed"] = l.session.confirmed_count;
      j["sheet_confirmed_at"] =
          l.session.sheet_confirmed_at ? json(FormatLocal(*l.session.sheet_confirmed_at)) : json(nullptr);
      return j;
    });
  }));

  router.Add(Method::kPost, "/api/v1/sessions/{id}/attendance/confirm", Access::kSignedIn,
             StaffOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "session");
               if (auto refused = RefuseBody(req)) return *refused;
               return Reply(req, s.door->ConfirmSheet(req.ctx, *id), 200, SheetJson);
             }));
}

}  // namespace parcours::http
