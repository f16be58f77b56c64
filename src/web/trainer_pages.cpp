// The trainer's pages, made for a phone at the door of the room: their sessions (today first),
// a session's sheet (registrants, one large button per mark, confirming the sheet, walk-ins),
// the rotating self check-in code with the people who checked in; and the professional's side
// of self check-in (typing the code shown). Every rule (who may mark, from when, capacity,
// channels) is the services'; the pages only say their answers in the reader's language.
#include <map>

#include "certificates/certificates.h"
#include "common/text.h"
#include "common/time.h"
#include "services/views.h"
#include "web/desk_forms.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

constexpr const char* kMarks[] = {"present", "partial", "absent", "excused"};

// A refusal of the door's services in words: before the start, the clear sentence; else the
// service's own explanation.
json DoorErrors(Lang lang, const DomainError& e, const Session& s, TimePoint now) {
  auto say = [](const std::string& text) { return json::array({{{"field", ""}, {"message", text}}}); };
  if (now < s.starts_at && e.code == ErrorCode::kRuleViolation)
    return say(Fill(Text(lang, "trainer.not_started"), {{"when", FormatSlot(lang, s.starts_at, s.ends_at)}}));
  if (e.code == ErrorCode::kSessionNotOpen) return say(Text(lang, "error.session_not_open"));
  if (e.code == ErrorCode::kAlreadyRegistered) return say(Text(lang, "trainer.already_registered"));
  return FieldErrors(lang, e);
}

// The URL as a QR code for an inline SVG: its size with a quiet zone of 4 modules, and one
// path of the dark modules (digits and letters only; coloured by the stylesheet).
json QrSvg(const std::string& url) {
  const auto qr = certificates::EncodeQr(url);
  std::string path;
  for (const auto& run : qr.Runs())
    path += "M" + std::to_string(run.col + 4) + " " + std::to_string(run.row + 4) + "h" + std::to_string(run.length) +
            "v1h-" + std::to_string(run.length) + "z";
  return {{"size", qr.width + 8}, {"path", path}};
}

}  // namespace

std::optional<WebResponse> Site::RequireStaff(PageContext& pc) {
  if (auto r = RequireSignIn(pc)) return r;
  if (pc.user->Has(Role::kTrainer) || pc.user->Has(Role::kCoordinator)) return std::nullopt;
  return ErrorPage(pc, 403, "error.forbidden");
}

WebResponse Site::SheetPage(PageContext& pc, Id session_id, json extra, int status) {
  const TimePoint now = services_.clock.Now();
  // One read: the session, its module, the registrants and the marks.
  auto sheet = services_.door->Sheet(pc.ctx, session_id);
  if (!sheet) return DomainErrorPage(pc, sheet.error());
  const Session* session = &sheet->session;
  const Module* module = sheet->module.id ? &sheet->module : nullptr;
  std::map<Id, const AttendanceRecord*> marks;
  for (const auto& m : sheet->marks) marks[m.participant_id] = &m;
  const bool started = now >= session->starts_at;
  const bool open = session->status != SessionStatus::kCancelled;
  // A session held over several dates is marked part by part (issue 12).
  std::map<std::pair<Id, int>, bool> part_marks;
  if (!session->parts.empty())
    if (auto parts = services_.attendance.PartMarks(pc.ctx, session_id))
      for (const auto& m : parts->marks) part_marks[{m.participant_id, m.position}] = m.present;
  json people = json::array(), others = json::array();
  int marked = 0;
  for (const auto& r : sheet->registrants) {
    const auto& reg = r.registration;
    json v = {{"id", IdString(reg.participant_id)},
              {"name", r.name},
              {"organisation", r.organisation},
              {"channel", ChannelText(pc.lang, reg.channel)},
              {"status", StatusText(pc.lang, reg.status)}};
    if (reg.status != RegistrationStatus::kConfirmed) {
      others.push_back(v);
      continue;
    }
    const AttendanceRecord* mark = marks.count(reg.participant_id) ? marks[reg.participant_id] : nullptr;
    json buttons = json::array();
    for (const char* m : kMarks)
      buttons.push_back({{"value", m}, {"label", Text(pc.lang, std::string("mark.") + m)},
                         {"current", mark && ToString(mark->status) == std::string(m)}});
    v["buttons"] = buttons;
    v["mark"] = mark ? Text(pc.lang, std::string("mark.") + ToString(mark->status)) : "";
    v["mark_class"] = !mark ? "muted" : mark->status == AttendanceStatus::kPresent ? "ok"
                                      : mark->status == AttendanceStatus::kAbsent  ? "bad"
                                                                                    : "warn";
    v["hours"] = mark && mark->status == AttendanceStatus::kPartial ? FormatNumber(Lang::kEn, mark->hours) : "";
    v["source"] = mark ? Text(pc.lang, std::string("source.") + ToString(mark->source)) : "";
    json parts = json::array();
    for (const auto& part : session->parts) {
      auto it = part_marks.find({reg.participant_id, part.position});
      parts.push_back({{"position", std::to_string(part.position)},
                       {"label", Fill(Text(pc.lang, "events.part"), {{"n", std::to_string(part.position)}})},
                       {"slot", FormatSlot(pc.lang, part.starts_at, part.ends_at)},
                       {"present", it != part_marks.end() && it->second},
                       {"absent", it != part_marks.end() && !it->second},
                       {"started", now >= part.starts_at}});
    }
    v["parts"] = parts;
    v["has_parts"] = !parts.empty();
    marked += mark ? 1 : 0;
    people.push_back(v);
  }
  json data = {{"session",
                {{"id", IdString(session_id)},
                 {"module", module ? module->title : ""},
                 {"slot", FormatSlot(pc.lang, session->starts_at, session->ends_at)},
                 {"place", PlaceText(pc.lang, *session)},
                 {"cancelled", session->status == SessionStatus::kCancelled},
                 {"confirmed_at", session->sheet_confirmed_at ? FormatDate(pc.lang, *session->sheet_confirmed_at) : ""}}},
               {"title", module ? module->title : Text(pc.lang, "trainer.sheet_title")},
               {"people", people},
               {"others", others},
               {"has_people", !people.empty()},
               {"has_others", !others.empty()},
               {"counts", Fill(Text(pc.lang, "trainer.counts"),
                               {{"marked", std::to_string(marked)}, {"total", std::to_string(people.size())}})},
               {"not_started", !started},
               {"not_started_text", Fill(Text(pc.lang, "trainer.not_started"),
                                         {{"when", FormatSlot(pc.lang, session->starts_at, session->ends_at)}})},
               {"can_confirm", started && open && !session->sheet_confirmed_at},
               {"open", open},
               {"module_hours", FormatNumber(Lang::kEn, sheet->module.hours)},
               {"is_coordinator", pc.user->Has(Role::kCoordinator)},
               {"notice", DoneNotice(pc, "trainer")},
               {"walk_in", {{"email", ""}, {"name", ""}, {"organisation", ""}}}};
  json channels = json::array();
  const std::string chosen = extra.contains("walk_in") ? extra["walk_in"].value("channel", "DIRECT") : "DIRECT";
  std::vector<std::string> codes = {"DIRECT", "SPECIALISED"};
  if (session->agency) codes.push_back(*session->agency);
  for (const auto& c : codes) channels.push_back({{"value", c}, {"label", ChannelText(pc.lang, c)}, {"selected", c == chosen}});
  data["channels"] = channels;
  data["docs"] = DocumentsSection(pc, session_id, true, "/trainer/sessions/" + IdString(session_id));
  data.update(extra);
  return Page(pc, "trainer_sheet", data, status);
}

WebResponse Site::SheetRefusal(PageContext& pc, Id session_id, const DomainError& e, json extra) {
  if (e.code == ErrorCode::kForbidden || e.code == ErrorCode::kNotFound) return DomainErrorPage(pc, e);
  auto session = services_.catalogue.GetSession(session_id);
  if (!session) return DomainErrorPage(pc, session.error());
  extra["errors"] = DoorErrors(pc.lang, e, *session, services_.clock.Now());
  return SheetPage(pc, session_id, extra, 422);
}

WebResponse Site::CheckInPage(PageContext& pc, Id session_id, json extra, int status) {
  auto session = services_.catalogue.GetSession(session_id);
  if (!session) return DomainErrorPage(pc, session.error());
  auto module = services_.catalogue.GetModule(session->module_id);
  json data = {{"session",
                {{"id", IdString(session_id)},
                 {"module", module ? module->title : ""},
                 {"slot", FormatSlot(pc.lang, session->starts_at, session->ends_at)},
                 {"place", PlaceText(pc.lang, *session)}}},
               {"code", pc.req.Query("code").value_or("")}};
  data.update(extra);
  return Page(pc, "check_in", data, status);
}

void Site::AddTrainerPages() {
  Add("GET", "/trainer", [this](PageContext& pc) {
    if (auto r = RequireStaff(pc)) return *r;
    const bool past = pc.req.Query("when").value_or("") == "past";
    parcours::PageRequest page;
    page.limit = kStaffListPageSize;
    page.cursor = pc.req.Query("after");
    auto taught = services_.catalogue.TaughtSessions(pc.ctx, !past, page);
    if (!taught) return DomainErrorPage(pc, taught.error());
    json today = json::array(), later = json::array();
    for (const auto& x : taught->items) {
      const auto& s = x.session;
      json v = {{"href", "/trainer/sessions/" + IdString(s.id)},
                {"module", x.module.title},
                {"slot", FormatSlot(pc.lang, s.starts_at, s.ends_at)},
                {"place", PlaceText(pc.lang, s)},
                {"places", Fill(Text(pc.lang, "session.places_text"),
                                {{"confirmed", std::to_string(s.confirmed_count)}, {"capacity", std::to_string(s.capacity)}})},
                {"cancelled", s.status == SessionStatus::kCancelled},
                {"sheet_confirmed", s.sheet_confirmed_at.has_value()}};
      (x.today ? today : later).push_back(v);
    }
    json data = {{"today", today}, {"later", later}, {"has_today", !today.empty()}, {"has_later", !later.empty()},
                 {"past", past}, {"none", today.empty() && later.empty()}};
    if (taught->next_cursor)
      data["next"] = WithQuery(past ? "/trainer?when=past" : "/trainer", "after=" + PercentEncode(*taught->next_cursor));
    if (page.cursor) data["first"] = past ? "/trainer?when=past" : "/trainer";
    return Page(pc, "trainer", data);
  });

  Add("GET", "/trainer/sessions/{id}", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    return SheetPage(pc, id, json::object());
  }));

  // One person's mark: the button pressed names the status; partial presence gives hours.
  Add("POST", "/trainer/sessions/{id}/mark", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    auto person = ParseId(form.Get("participant_id"));
    auto status = AttendanceStatusFromString(form.Get("status"));
    if (!person || !status) return SheetPage(pc, id, {{"errors", {{{"field", ""}, {"message", Text(pc.lang, "error.bad_form")}}}}}, 400);
    AttendanceInput in{*person, *status, std::nullopt};
    if (*status == AttendanceStatus::kPartial) {
      const std::string hours = form.Get("hours");
      char* end = nullptr;
      const double h = std::strtod(hours.c_str(), &end);
      if (!hours.empty() && end && *end == '\0') in.hours = h;
    }
    auto marked = services_.attendance.Mark(pc.ctx, id, {in});
    if (!marked) return SheetRefusal(pc, id, marked.error());
    return WebResponse::Redirect("/trainer/sessions/" + IdString(id) + "?done=marked#p" + IdString(*person));
  }));

  // One person's presence at one part of a multi-part session (issue 12).
  Add("POST", "/trainer/sessions/{id}/parts/{position}/mark", [this](PageContext& pc) {
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    if (auto r = RequireStaff(pc)) return *r;
    auto position = ParseCount(pc.params[1]);
    Form form(*ParseForm(pc.req.body));
    auto person = ParseId(form.Get("participant_id"));
    const std::string present = form.Get("present");
    if (!position || !person || (present != "yes" && present != "no"))
      return SheetPage(pc, *id, {{"errors", {{{"field", ""}, {"message", Text(pc.lang, "error.bad_form")}}}}}, 400);
    auto marked = services_.attendance.MarkPart(pc.ctx, *id, *position, {PartInput{*person, present == "yes"}});
    if (!marked) return SheetRefusal(pc, *id, marked.error());
    return WebResponse::Redirect("/trainer/sessions/" + IdString(*id) + "?done=marked#p" + IdString(*person));
  });

  Add("POST", "/trainer/sessions/{id}/confirm", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    auto done = services_.door->ConfirmSheet(pc.ctx, id);
    if (!done) return SheetRefusal(pc, id, done.error());
    return WebResponse::Redirect("/trainer/sessions/" + IdString(id) + "?done=confirmed");
  }));

  // Someone at the door: known by their e-mail, or new (then with a name).
  Add("POST", "/trainer/sessions/{id}/walk-ins", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    WalkInInput in;
    in.email = form.Get("email");
    in.name = form.Get("name");
    in.organisation = form.Get("organisation");
    in.channel = form.Get("channel").empty() ? "DIRECT" : form.Get("channel");
    in.capacity_override = form.Get("capacity_override") == "on";
    auto walked = services_.door->WalkIn(pc.ctx, id, in);
    if (!walked)
      return SheetRefusal(pc, id, walked.error(),
                          {{"walk_in", {{"email", in.email}, {"name", in.name}, {"organisation", in.organisation},
                                        {"channel", in.channel}}}});
    return WebResponse::Redirect("/trainer/sessions/" + IdString(id) + "?done=" +
                                 (walked->person_created       ? "walked_in_new"
                                  : walked->already_registered ? "walked_in_known"
                                                               : "walked_in") +
                                 "#p" +
                                 IdString(walked->registration.participant_id));
  }));

  // The code to show the room, large, with the window it is valid in and who checked in.
  Add("GET", "/trainer/sessions/{id}/code", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    auto session = services_.catalogue.GetSession(id);
    if (!session) return DomainErrorPage(pc, session.error());
    auto module = services_.catalogue.GetModule(session->module_id);
    json data = {{"session",
                  {{"id", IdString(id)},
                   {"module", module ? module->title : ""},
                   {"slot", FormatSlot(pc.lang, session->starts_at, session->ends_at)}}},
                 {"title", Text(pc.lang, "checkin.code_title")}};
    auto code = services_.door->Code(pc.ctx, id);
    if (!code) {
      if (code.error().code == ErrorCode::kForbidden || code.error().code == ErrorCode::kNotFound)
        return DomainErrorPage(pc, code.error());
      data["errors"] = DoorErrors(pc.lang, code.error(), *session, services_.clock.Now());
      return Page(pc, "trainer_code", data, 422);
    }
    data["code"] = code->code;
    data["url"] = code->url;
    data["qr"] = QrSvg(code->url);
    data["window"] = Fill(Text(pc.lang, "checkin.window"),
                          {{"window", FormatSlot(pc.lang, code->opens_at, code->closes_at)}});
    data["expires"] = Fill(Text(pc.lang, "checkin.expires"), {{"time", FormatTime(pc.lang, code->expires_at)}});
    data["confirmed"] = code->confirmed;
    data["counts"] = Fill(Text(pc.lang, "checkin.counts"), {{"checked_in", std::to_string(code->checked_in)},
                                                            {"confirmed", std::to_string(code->confirmed)}});
    auto list = services_.door->CheckIns(pc.ctx, id);
    json people = json::array();
    if (list)
      for (const auto& c : list->items)
        people.push_back({{"name", c.name}, {"organisation", c.organisation},
                          {"at", FormatTime(pc.lang, c.at)}});
    data["people"] = people;
    data["has_people"] = !people.empty();
    return Page(pc, "trainer_code", data);
  }));

  // The professional's side: the code the trainer shows, typed (or from the QR code's URL).
  Add("GET", "/sessions/{id}/check-in", [this](PageContext& pc) {
    if (auto r = RequireSignIn(pc)) {
      const std::string here = pc.req.path + (pc.req.Query("code") ? "?code=" + PercentEncode(*pc.req.Query("code")) : "");
      return WebResponse::Redirect("/login?next=" + PercentEncode(here));
    }
    auto id = ParseId(pc.params[0]);
    if (!id) return ErrorPage(pc, 404, "error.not_found");
    return CheckInPage(pc, *id, json::object());
  });

  Add("POST", "/sessions/{id}/check-in", WithId(&Site::RequireSignIn, [this](PageContext& pc, Id id) {
    Form form(*ParseForm(pc.req.body));
    const std::string code = form.Get("code");
    auto done = services_.door->CheckIn(pc.ctx, id, code);
    if (!done) {
      if (done.error().code == ErrorCode::kNotFound) return DomainErrorPage(pc, done.error());
      const ErrorCode c = done.error().code;
      const char* key = c == ErrorCode::kInvalidInput ? "checkin.wrong_code"
                        : c == ErrorCode::kForbidden  ? "checkin.not_registered"
                                                      : "checkin.closed";
      json errors = json::array({{{"field", ""}, {"message", Text(pc.lang, key)}}});
      return CheckInPage(pc, id, {{"errors", errors}, {"code", code}}, 422);
    }
    return CheckInPage(pc, id, {{"done", true}, {"code", ""}});
  }));
}

}  // namespace parcours::web
