// Evaluation questionnaires, answers and results (issue 12).
#include "common/time.h"
#include "http/handlers.h"
#include "services/views.h"

namespace parcours::http {
namespace {

json ResultsJson(const EvaluationReport& r) {
  json questions = json::array();
  for (const auto& q : r.results.questions) {
    json j = ToJson(q.question);
    j["answered"] = q.answered;
    if (q.question.kind == QuestionKind::kScale) {
      j["average"] = q.average ? json(*q.average) : json(nullptr);
      json distribution = json::object();
      for (const auto& [value, n] : q.distribution) distribution[std::to_string(value)] = n;
      j["distribution"] = distribution;
    } else {
      j["comments"] = q.comments;
    }
    questions.push_back(j);
  }
  json sessions = json::array();
  for (Id id : r.sessions) sessions.push_back(IdString(id));
  json out = {{"module_id", IdString(r.module_id)}, {"sessions", sessions},
              {"respondents", r.results.respondents}, {"attendees", r.results.attendees},
              {"response_rate", r.results.response_rate ? json(*r.results.response_rate) : json(nullptr)},
              {"questions", questions}};
  if (r.session_id) out["session_id"] = IdString(*r.session_id);
  if (r.year) out["year"] = *r.year;
  return out;
}

// ?format=json (default) or csv; nullopt (with `bad` set) for another.
std::optional<bool> WantsCsv(const HttpRequest& req, HttpResponse& bad) {
  auto format = req.Query("format").value_or("json");
  if (format == "json" || format == "csv") return format == "csv";
  bad = HttpResponse::Problem({ErrorCode::kMalformed, "Invalid query parameters.", {{"format", "must be json or csv"}}},
                              req.ctx.request_id);
  return std::nullopt;
}

HttpResponse ResultsReply(const HttpRequest& req, const Result<EvaluationReport>& r, bool csv, const std::string& name) {
  if (!r || !csv) return Reply(req, r, 200, ResultsJson);
  return CsvAttachment(EvaluationService::ResultsCsv(*r, PreferredLanguage(req)), name);
}

}  // namespace

void AddEvaluationRoutes(Router& router, Services& s) {
  router.Add(Method::kPut, "/api/v1/modules/{id}/questionnaire", Access::kSignedIn, CoordinatorOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "module");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    auto anonymous = f.Boolean("anonymous");
    std::vector<Question> questions;
    if (const json* list = f.Array("questions", true, kMaxQuestions + 1)) {
      auto parsed = QuestionsFromJson(*list, f.errors());
      if (parsed) questions = std::move(*parsed);
    }
    if (!f.ok()) return HttpResponse::Problem(f.Problem("The questionnaire has invalid fields."), req.ctx.request_id);
    return Reply(req, s.evaluations->Save(req.ctx, *id, questions, anonymous.value_or(true)), 200,
                 [](const Questionnaire& q) { return ToJson(q); });
  }));

  router.Add(Method::kGet, "/api/v1/modules/{id}/questionnaire", Access::kSignedIn, PeopleOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "module");
    return Reply(req, s.evaluations->Find(req.ctx, *id), 200, [](const Questionnaire& q) { return ToJson(q); });
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/evaluation", Access::kSignedIn, PeopleOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    return Reply(req, s.evaluations->ForSession(req.ctx, *id), 200, [](const SessionEvaluation& e) {
      return json{{"session_id", IdString(e.session_id)}, {"questionnaire", ToJson(e.questionnaire)},
                  {"open", e.open}, {"attended", e.attended}, {"answered", e.answered}};
    });
  }));

  router.Add(Method::kPost, "/api/v1/sessions/{id}/evaluation", Access::kSignedIn, PeopleOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto body = BodyObject(req, bad);
    if (!body) return bad;
    FieldReader f(*body);
    EvaluationAnswers answers;
    if (f.Has("answers")) {
      const json& given = (*body)["answers"];
      if (!given.is_object() || given.size() > static_cast<std::size_t>(kMaxQuestions)) {
        f.AddError("answers", "must be an object of at most 30 answers {question id: number or text}");
      } else {
        for (const auto& [qid, v] : given.items()) {
          if (v.is_number_integer() && v.get<long long>() >= -1000 && v.get<long long>() <= 1000) answers.scales[qid] = v.get<int>();
          else if (v.is_string()) answers.texts[qid] = v.get<std::string>();
          else f.AddError("answers." + qid, "must be a whole number or a text");
        }
      }
    } else {
      f.AddError("answers", "is required");
    }
    if (!f.ok()) return HttpResponse::Problem(f.Problem("The answers are invalid."), req.ctx.request_id);
    return Reply(req, s.evaluations->Answer(req.ctx, *id, answers), 201, [](const EvaluationReceipt& r) {
      return json{{"session_id", IdString(r.session_id)}, {"answered_at", FormatLocal(r.answered_at)}};
    });
  }));

  router.Add(Method::kGet, "/api/v1/sessions/{id}/evaluation/results", Access::kSignedIn, StaffOnly([&s](HttpRequest& req) {
    auto id = IdParam(req, 0);
    if (!id) return NotFound(req, "session");
    HttpResponse bad;
    auto csv = WantsCsv(req, bad);
    if (!csv) return bad;
    return ResultsReply(req, s.evaluations->SessionResults(req.ctx, *id), *csv,
                        "evaluation-session-" + req.params[0] + ".csv");
  }));

  router.Add(Method::kGet, "/api/v1/modules/{id}/evaluation/results", Access::kSignedIn,
             CoordinatorOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "module");
               auto year = YearParam(req);
               if (!year) return BadYear(req);
               HttpResponse bad;
               auto csv = WantsCsv(req, bad);
               if (!csv) return bad;
               return ResultsReply(req, s.evaluations->ModuleResults(req.ctx, *id, *year), *csv,
                                   "evaluation-module-" + req.params[0] + "-" + std::to_string(*year) + ".csv");
             }));

  router.Add(Method::kPost, "/api/v1/sessions/{id}/evaluation/reminders", Access::kSignedIn,
             StaffOnly([&s](HttpRequest& req) {
               auto id = IdParam(req, 0);
               if (!id) return NotFound(req, "session");
               if (auto refused = RefuseBody(req)) return *refused;
               return Reply(req, s.evaluations->Remind(req.ctx, *id), 200, [](const EvaluationReminders& r) {
                 return json{{"session_id", IdString(r.session_id)}, {"attendees", r.attendees},
                             {"respondents", r.respondents}, {"reminded", r.reminded}};
               });
             }));
}

}  // namespace parcours::http
