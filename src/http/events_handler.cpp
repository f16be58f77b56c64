// Events as they are held (issue 12, item 5): a session's replay, set by its staff and opened
// by its confirmed registrants through a counting redirect; the description fields read by
// the session's creation and edit.
#include "http/handlers.h"
#include "common/time.h"
#include "services/views.h"

namespace parcours::http {

DescriptionEdit ReadDescription(FieldReader& f) {
  DescriptionEdit d;
  d.language = f.String("language", false, 16);
  d.audience = f.String("audience", false, 8000);
  d.objectives = f.String("objectives", false, 16000);
  d.trainers_organisation = f.String("trainers_organisation", false, 2400);
  d.co_organisers = f.String("co_organisers", false, 4000);
  return d;
}

namespace {

// The objects of the array `name` (at most `max_items`), each read by `read` (its fields, then
// the item when they are good); a bad item is named name[i], a bad field name[i].field.
template <class T, class Read>
std::vector<T> ReadObjects(FieldReader& f, const std::string& name, std::size_t max_items, Read read) {
  std::vector<T> out;
  const json* items = f.Array(name, true, max_items);
  for (std::size_t i = 0; items && i < items->size(); ++i) {
    const std::string at = name + "[" + std::to_string(i) + "]";
    if (!(*items)[i].is_object()) {
      f.AddError(at, "must be an object");
      continue;
    }
    FieldReader inner((*items)[i]);
    std::optional<T> item = read(inner);
    f.Absorb(inner, at + ".");
    if (item) out.push_back(*item);
  }
  return out;
}

json PartSheetJson(const PartSheet& p) {
  json j = SheetJson(p.sheet);
  json marks = json::array();
  for (const auto& m : p.marks)
    marks.push_back({{"participant_id", IdString(m.participant_id)}, {"part", m.position}, {"present", m.present},
                     {"marked_at", FormatLocal(m.marked_at)}});
  j["parts"] = json::array();
  for (const auto& part : p.sheet.session.parts) j["parts"].push_back(ToJson(part));
  j["part_marks"] = marks;
  return j;
}

json SeriesJson(const SessionSeries& x, const std::string& lang) {
  json sessions = json::array();
  for (const auto& s : x.sessions) sessions.push_back(ToJson(s, lang));
  return {{"id", IdString(x.id)}, {"module_id", IdString(x.module_id)}, {"sessions", sessions}};
}

}  // namespace

void AddEventRoutes(Router& router, Services& s) {
  router.Add(Method::kPut, "/api/v1/sessions/{id}/replay", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto link = f.String("replay_link", true, 8000);
    if (!f.ok()) return HttpResponse::Problem(f.Problem("The replay has invalid fields."), req.ctx.request_id);
    return Reply(req, s.catalogue.SetReplay(req.ctx, *id, *link), 200,
                 [lang = PreferredLanguage(req)](const Session& v) { return StaffJson(v, lang); });
  }));

  // A session held over several dates: its parts, set before it starts.
  router.Add(Method::kPut, "/api/v1/sessions/{id}/parts", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto parts = ReadObjects<SessionPart>(f, "parts", kMaxParts, [](FieldReader& in) -> std::optional<SessionPart> {
      auto starts = in.Time("starts_at");
      auto ends = in.Time("ends_at");
      auto hours = in.Number("hours", true, -1e9, 1e9);
      if (!in.ok()) return std::nullopt;
      return SessionPart{0, *starts, *ends, *hours};
    });
    if (!f.ok()) return HttpResponse::Problem(f.Problem("The parts have invalid fields."), req.ctx.request_id);
    return Reply(req, s.catalogue.SetParts(req.ctx, *id, parts), 200,
                 [lang = PreferredLanguage(req)](const Session& v) { return StaffJson(v, lang); });
  }));

  router.Add(Method::kPost, "/api/v1/sessions/{id}/parts/{position}/attendance", Access::kSignedIn,
             StaffOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "session");
               const auto position = IdParam(req, 1);
               if (!position || *position > kMaxParts) return NotFound(req, "part");
               HttpResponse bad;
               auto body = BodyObject(req, bad);
               if (!body) return bad;
               FieldReader f(*body);
               auto records = ReadObjects<PartInput>(f, "records", 1000, [](FieldReader& in) -> std::optional<PartInput> {
                 auto pid = in.IdString("participant_id");
                 auto present = in.Boolean("present", true);
                 if (!in.ok()) return std::nullopt;
                 return PartInput{*pid, *present};
               });
               if (!f.ok())
                 return HttpResponse::Problem(f.Problem("The attendance has invalid fields."), req.ctx.request_id);
               return Reply(req, s.attendance.MarkPart(req.ctx, *id, static_cast<int>(*position), records), 200,
                            PartSheetJson);
             }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/parts/attendance", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    return Reply(req, s.attendance.PartMarks(req.ctx, *id), 200, PartSheetJson);
  }));

  // A series from a rule: the first date's fields and `repeat`.
  router.Add(Method::kPost, "/api/v1/series", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    SeriesRule rule;
    auto in = ReadNewSession(f, [&] {
      if (!f.Has("repeat")) {
        f.AddError("repeat", "is required");
        return;
      }
      const json& r = (*body)["repeat"];
      if (!r.is_object()) {
        f.AddError("repeat", "must be an object");
        return;
      }
      FieldReader inner(r);
      auto frequency = inner.String("frequency", true, 20);
      auto count = inner.Integer("count", true, 2, 24);
      auto interval = inner.Integer("interval", false, 1, 12);
      f.Absorb(inner, "repeat.");
      if (!inner.ok()) return;
      rule.frequency = *frequency;
      rule.count = static_cast<int>(*count);
      rule.interval = static_cast<int>(interval.value_or(1));
    });
    if (!in) return HttpResponse::Problem(f.Problem("The series has invalid fields."), req.ctx.request_id);
    return Reply(req, s.catalogue.CreateSeries(req.ctx, *in, rule), 201,
                 [lang = PreferredLanguage(req)](const SessionSeries& x) { return SeriesJson(x, lang); });
  }));

  router.Add(Method::kGet, "/api/v1/series/{id}", Access::kAnyone, [&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "series");
    return Reply(req, s.catalogue.GetSeries(*id), 200,
                 [lang = PreferredLanguage(req)](const SessionSeries& x) { return SeriesJson(x, lang); });
  });

  // 303 to the recording, one view counted; the link itself is never in a public answer.
  router.Add(Method::kGet, "/api/v1/sessions/{id}/replay", Access::kSignedIn, PeopleOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    auto link = s.catalogue.OpenReplay(req.ctx, *id);
    if (!link) return HttpResponse::Problem(link.error(), req.ctx.request_id);
    HttpResponse r;
    r.status = 303;
    r.location = *link;
    r.extra_headers.push_back({"Cache-Control", "private, no-store"});
    return r;
  }));
}

}  // namespace parcours::http
