// The speed-meeting plan of a session (issue 12 item 6), for its trainers and coordinators:
// the parameters in a GET form, the plan by round and table and by person, and the printed
// plan (PDF). The service checks who may see it again.
#include "common/text.h"
#include "common/time.h"
#include "services/views.h"
#include "web/site.h"
#include "web/words.h"

namespace parcours::web {
namespace {

using nlohmann::json;

// Up to six decimal digits (0 included: the range is the service's to judge).
std::optional<int> WholeNumber(const std::string& v) {
  if (v.empty() || v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return std::stoi(v);
}

// The form's fields: whole numbers (defaults 7, 90, 2); a bad one is named in `errors`.
SpeedMeetingParams ReadParams(PageContext& pc, std::vector<FieldError>& errors) {
  SpeedMeetingParams p;
  auto read = [&](const char* name, int& into) {
    auto v = pc.req.Query(name);
    if (!v || v->empty()) return;
    auto n = WholeNumber(*v);
    if (!n) errors.push_back({name, Text(pc.lang, "speed_meeting.whole_number")});
    else into = *n;
  };
  read("round_minutes", p.round_minutes);
  read("duration_minutes", p.duration_minutes);
  read("table_size", p.table_size);
  return p;
}

std::string Query(const SpeedMeetingParams& p) {
  return "round_minutes=" + std::to_string(p.round_minutes) + "&duration_minutes=" + std::to_string(p.duration_minutes) +
         "&table_size=" + std::to_string(p.table_size);
}

std::string Label(const SpeedMeetingPerson& p) { return p.structure.empty() ? p.name : p.name + " (" + p.structure + ")"; }

json PlanData(PageContext& pc, const SpeedMeetingView& v) {
  const int rounds = static_cast<int>(v.plan.rounds.size());
  std::vector<std::vector<int>> seat(rounds, std::vector<int>(v.people.size(), -1));
  json by_round = json::array();
  for (int r = 0; r < rounds; ++r) {
    json tables = json::array();
    for (std::size_t t = 0; t < v.plan.rounds[r].size(); ++t) {
      std::string people;
      for (int p : v.plan.rounds[r][t]) {
        seat[r][p] = static_cast<int>(t);
        people += (people.empty() ? "" : ", ") + Label(v.people[p]);
      }
      tables.push_back({{"number", std::to_string(t + 1)}, {"people", people}});
    }
    std::string waiting;
    for (std::size_t p = 0; p < v.people.size(); ++p)
      if (seat[r][p] < 0) waiting += (waiting.empty() ? "" : ", ") + v.people[p].name;
    by_round.push_back({{"heading", Fill(Text(pc.lang, "speed_meeting.round_heading"),
                                         {{"number", std::to_string(r + 1)}, {"time", SpeedMeetingService::RoundStart(v, r)}})},
                        {"tables", tables}, {"waiting", waiting}});
  }
  json rounds_head = json::array();
  for (int r = 0; r < rounds; ++r) rounds_head.push_back(std::to_string(r + 1));
  json by_person = json::array();
  for (std::size_t p = 0; p < v.people.size(); ++p) {
    json cells = json::array();
    for (int r = 0; r < rounds; ++r) cells.push_back(seat[r][p] < 0 ? "–" : std::to_string(seat[r][p] + 1));
    by_person.push_back({{"name", v.people[p].name}, {"structure", v.people[p].structure}, {"cells", cells}});
  }
  return {{"summary", Fill(Text(pc.lang, "speed_meeting.summary"),
                           {{"people", std::to_string(v.people.size())}, {"rounds", std::to_string(rounds)},
                            {"wanted", std::to_string(v.rounds_wanted)}, {"bound", std::to_string(v.upper_bound)},
                            {"minutes", std::to_string(v.params.round_minutes)}})},
          {"source", Text(pc.lang, "speed_meeting.source_" + v.source)},
          {"has_plan", rounds > 0}, {"by_round", by_round}, {"rounds_head", rounds_head}, {"by_person", by_person}};
}

}  // namespace

void Site::AddSpeedMeetingPages() {
  Add("GET", "/trainer/sessions/{id}/speed-meeting", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    std::vector<FieldError> errors;
    const SpeedMeetingParams params = ReadParams(pc, errors);
    json data = {{"session_id", IdString(id)},
                 {"round_minutes", std::to_string(params.round_minutes)},
                 {"duration_minutes", std::to_string(params.duration_minutes)},
                 {"table_size", std::to_string(params.table_size)}};
    if (errors.empty()) {
      auto plan = services_.speed_meeting->Plan(pc.ctx, id, params);
      if (!plan && plan.error().code != ErrorCode::kInvalidInput) return DomainErrorPage(pc, plan.error());
      if (plan) {
        data.update(PlanData(pc, *plan));
        data["module"] = plan->module_title;
        data["pdf"] = "/trainer/sessions/" + IdString(id) + "/speed-meeting.pdf?" + Query(params);
      } else {
        errors = plan.error().errors;
      }
    }
    json list = json::array();
    for (const auto& e : errors) list.push_back({{"field", e.field}, {"message", e.message}});
    data["errors"] = list;
    data["has_errors"] = !errors.empty();
    return Page(pc, "speed_meeting", data, errors.empty() ? 200 : 422);
  }));

  Add("GET", "/trainer/sessions/{id}/speed-meeting.pdf", WithId(&Site::RequireStaff, [this](PageContext& pc, Id id) {
    std::vector<FieldError> errors;
    const SpeedMeetingParams params = ReadParams(pc, errors);
    if (!errors.empty()) return ErrorPage(pc, 400, "error.bad_filter");
    auto pdf = services_.speed_meeting->Pdf(pc.ctx, id, params);
    if (!pdf) return DomainErrorPage(pc, pdf.error());
    WebResponse r;
    r.content_type = "application/pdf";
    r.body = std::move(*pdf);
    r.headers.push_back({"Content-Disposition", "attachment; filename=\"speed-meeting-" + IdString(id) + ".pdf\""});
    r.headers.push_back({"Cache-Control", "private, no-store"});
    return r;
  }));
}

}  // namespace parcours::web
