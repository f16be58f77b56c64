#include "services/evaluation_service.h"

#include <algorithm>
#include <cstdio>

#include "common/text.h"
#include "common/time.h"
#include "services/agency_service.h"
#include "services/audit.h"
#include "services/csv.h"
#include "services/notifications.h"
#include "services/views.h"

namespace parcours {
namespace {

using nlohmann::json;

json AnswersJson(const EvaluationAnswers& a) {
  json j = json::object();
  for (const auto& [id, v] : a.scales) j[id] = v;
  for (const auto& [id, t] : a.texts) j[id] = t;
  return j;
}

EvaluationAnswers AnswersFromJson(const std::string& text) {
  EvaluationAnswers a;
  auto j = json::parse(text);
  for (const auto& [id, v] : j.items()) {
    if (v.is_number_integer()) a.scales[id] = v.get<int>();
    else if (v.is_string()) a.texts[id] = v.get<std::string>();
  }
  return a;
}

Questionnaire FromStored(const EvaluationRepository::StoredQuestionnaire& s) {
  std::vector<FieldError> ignored;
  Questionnaire q{s.id, s.module_id, s.anonymous, {}, s.updated_at};
  auto questions = QuestionsFromJson(json::parse(s.questions_json), ignored);
  if (!questions) throw std::runtime_error("unreadable questionnaire in the database");
  q.questions = std::move(*questions);
  return q;
}

bool Attended(UnitOfWork& uow, Id session_id, Id person_id) {
  auto mark = uow.attendance().Find(session_id, person_id);
  return mark && (mark->status == AttendanceStatus::kPresent || mark->status == AttendanceStatus::kPartial);
}

bool Teaches(const Session& s, Id user_id) {
  return std::find(s.trainer_ids.begin(), s.trainer_ids.end(), user_id) != s.trainer_ids.end();
}

// A random positive id: the answers' order says nothing about who answered when.
Id RandomId(RandomSource& random) {
  const std::string bytes = random.Bytes(8);
  unsigned long long v = 0;
  for (unsigned char c : bytes) v = (v << 8) | c;
  v &= 0x7fffffffffffffffull;
  return v == 0 ? 1 : static_cast<Id>(v);
}

std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

}  // namespace

json ToJson(const Question& q) {
  json j = {{"id", q.id}, {"kind", ToString(q.kind)}, {"label", q.label}};
  if (q.kind == QuestionKind::kScale) {
    j["min"] = q.min;
    j["max"] = q.max;
  }
  return j;
}

json ToJson(const Questionnaire& q) {
  json questions = json::array();
  for (const auto& x : q.questions) questions.push_back(ToJson(x));
  return {{"id", IdString(q.id)}, {"module_id", IdString(q.module_id)}, {"anonymous", q.anonymous},
          {"questions", questions}};
}

std::optional<std::vector<Question>> QuestionsFromJson(const json& j, std::vector<FieldError>& errors) {
  if (!j.is_array()) {
    errors.push_back({"questions", "must be an array of questions"});
    return std::nullopt;
  }
  std::vector<Question> out;
  for (std::size_t i = 0; i < j.size(); ++i) {
    const json& item = j[i];
    const std::string at = "questions[" + std::to_string(i) + "]";
    if (!item.is_object()) {
      errors.push_back({at, "must be an object {id, kind, label, min?, max?}"});
      continue;
    }
    Question q;
    for (const auto& [key, v] : item.items()) {
      if (key == "id" && v.is_string()) q.id = v.get<std::string>();
      else if (key == "kind" && v.is_string() && QuestionKindFromString(v.get<std::string>()))
        q.kind = *QuestionKindFromString(v.get<std::string>());
      else if ((key == "min" || key == "max") && v.is_number_integer() && v.get<long long>() >= -1000 &&
               v.get<long long>() <= 1000)
        (key == "min" ? q.min : q.max) = v.get<int>();
      else if (key == "label" && v.is_object()) {
        for (const auto& [lang, text] : v.items()) {
          if (text.is_string()) q.label[lang] = text.get<std::string>();
          else errors.push_back({at + ".label." + lang, "must be a text"});
        }
      } else if (key == "id" || key == "kind" || key == "min" || key == "max" || key == "label") {
        errors.push_back({at + "." + key, key == "kind" ? "must be scale or text" : "has the wrong type"});
      } else {
        errors.push_back({at + "." + key, "is not a field of a question"});
      }
    }
    if (!item.contains("kind")) errors.push_back({at + ".kind", "is required"});
    out.push_back(std::move(q));
  }
  return out;
}

Result<Questionnaire> EvaluationService::Save(const RequestContext& ctx, Id module_id,
                                              const std::vector<Question>& questions, bool anonymous) {
  if (!ctx.principal.IsCoordinator()) return Error(ErrorCode::kForbidden, "Questionnaires are written by coordinators.");
  if (auto errors = CheckQuestions(questions); !errors.empty()) return Invalid(errors);
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Questionnaire> {
    if (!uow.catalogue().FindModule(module_id)) return Error(ErrorCode::kNotFound, "No module has this id.");
    const TimePoint now = clock_.Now();
    auto before = uow.evaluations().FindQuestionnaire(module_id, true);
    if (before && uow.evaluations().AnswerCount(before->id) > 0)
      return Error(ErrorCode::kConflict, "This questionnaire has answers already; its questions stay as they are.");
    Questionnaire q{0, module_id, anonymous, questions, now};
    json stored = ToJson(q)["questions"];
    q.id = uow.evaluations().SaveQuestionnaire(module_id, anonymous, stored.dump(), now);
    Audit(uow, ctx, now, "questionnaire.saved", "questionnaire", q.id,
          before ? ToJson(FromStored(*before)) : json(nullptr), ToJson(q));
    return q;
  });
}

Result<Questionnaire> EvaluationService::Find(const RequestContext& ctx, Id module_id) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Sign in to read questionnaires.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<Questionnaire> {
    auto q = uow.evaluations().FindQuestionnaire(module_id, false);
    if (!q) return Error(ErrorCode::kNotFound, "This module has no questionnaire.");
    return FromStored(*q);
  });
}

Result<SessionEvaluation> EvaluationService::ForSession(const RequestContext& ctx, Id session_id) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Sign in to evaluate a session.");
  const Id me = ctx.principal.user_id;
  return Transact(store_, [&](UnitOfWork& uow) -> Result<SessionEvaluation> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    auto q = uow.evaluations().FindQuestionnaire(s->module_id, false);
    if (!q) return Error(ErrorCode::kNotFound, "This session's module has no questionnaire.");
    SessionEvaluation e;
    e.session_id = s->id;
    e.questionnaire = FromStored(*q);
    e.open = clock_.Now() >= s->ends_at && s->status != SessionStatus::kCancelled;
    e.attended = Attended(uow, s->id, me);
    e.answered = uow.evaluations().HasAnswered(s->id, me);
    return e;
  });
}

Result<EvaluationReceipt> EvaluationService::Answer(const RequestContext& ctx, Id session_id,
                                                    const EvaluationAnswers& answers) {
  if (ctx.principal.kind != Principal::Kind::kUser) return Error(ErrorCode::kForbidden, "Sign in to evaluate a session.");
  const Id me = ctx.principal.user_id;
  return Transact(store_, [&](UnitOfWork& uow) -> Result<EvaluationReceipt> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    auto stored = uow.evaluations().FindQuestionnaire(s->module_id, false);
    if (!stored) return Error(ErrorCode::kNotFound, "This session's module has no questionnaire.");
    const TimePoint now = clock_.Now();
    if (!Attended(uow, s->id, me))
      return Error(ErrorCode::kForbidden, "Only people who attended the session evaluate it.");
    if (now < s->ends_at) return Error(ErrorCode::kConflict, "The evaluation opens once the session has ended.");
    auto q = FromStored(*stored);
    if (auto errors = CheckAnswers(q.questions, answers); !errors.empty()) return Invalid(errors);
    if (!uow.evaluations().InsertRespondent(s->id, me, now))
      return Error(ErrorCode::kConflict, "You have evaluated this session already.");
    uow.evaluations().InsertAnswers(RandomId(random_), q.id, s->id, q.anonymous ? std::nullopt : std::optional<Id>(me),
                                    AnswersJson(answers).dump());
    // The audit row says who answered, never what.
    Audit(uow, ctx, now, "evaluation.answered", "session", s->id, nullptr,
          {{"session_id", IdString(s->id)}, {"participant_id", IdString(me)}});
    return EvaluationReceipt{s->id, now};
  });
}

Result<EvaluationReport> EvaluationService::SessionResults(const RequestContext& ctx, Id session_id) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !who.Has(Role::kTrainer))
    return Error(ErrorCode::kForbidden, "Results are for the session's trainers and coordinators.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<EvaluationReport> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!who.IsCoordinator() && !Teaches(*s, who.user_id))
      return Error(ErrorCode::kForbidden, "Results are for the session's trainers and coordinators.");
    auto stored = uow.evaluations().FindQuestionnaire(s->module_id, false);
    if (!stored) return Error(ErrorCode::kNotFound, "This session's module has no questionnaire.");
    std::vector<EvaluationAnswers> answers;
    for (const auto& text : uow.evaluations().Answers(s->id)) answers.push_back(AnswersFromJson(text));
    EvaluationReport r;
    r.module_id = s->module_id;
    r.session_id = s->id;
    r.sessions = {s->id};
    r.results = Aggregate(FromStored(*stored).questions, answers, uow.evaluations().Respondents(s->id),
                          uow.evaluations().Attendees(s->id));
    return r;
  });
}

Result<EvaluationReport> EvaluationService::ModuleResults(const RequestContext& ctx, Id module_id, int year) {
  if (!ctx.principal.IsCoordinator()) return Error(ErrorCode::kForbidden, "A module's results are for coordinators.");
  if (year < 2000 || year > 2100)
    return Error(ErrorCode::kMalformed, "Invalid query parameters.", {{"year", "must be a year from 2000 to 2100"}});
  const auto bounds = YearBounds(year);
  const TimePoint from = bounds.first, to = bounds.second;
  return Transact(store_, [&](UnitOfWork& uow) -> Result<EvaluationReport> {
    if (!uow.catalogue().FindModule(module_id)) return Error(ErrorCode::kNotFound, "No module has this id.");
    auto stored = uow.evaluations().FindQuestionnaire(module_id, false);
    if (!stored) return Error(ErrorCode::kNotFound, "This module has no questionnaire.");
    SessionFilter filter;
    filter.module_id = module_id;
    filter.from = from;
    filter.to = to;
    filter.limit = 500;
    EvaluationReport r;
    r.module_id = module_id;
    r.year = year;
    std::vector<EvaluationAnswers> answers;
    long long respondents = 0, attendees = 0;
    for (const auto& s : uow.catalogue().ListSessions(filter)) {
      if (s.starts_at < from || s.starts_at >= to) continue;
      r.sessions.push_back(s.id);
      for (const auto& text : uow.evaluations().Answers(s.id)) answers.push_back(AnswersFromJson(text));
      respondents += uow.evaluations().Respondents(s.id);
      attendees += uow.evaluations().Attendees(s.id);
    }
    r.results = Aggregate(FromStored(*stored).questions, answers, respondents, attendees);
    return r;
  });
}

Result<EvaluationReminders> EvaluationService::Remind(const RequestContext& ctx, Id session_id) {
  const Principal& who = ctx.principal;
  if (!who.IsCoordinator() && !who.Has(Role::kTrainer))
    return Error(ErrorCode::kForbidden, "Reminders are sent by the session's trainers and coordinators.");
  return Transact(store_, [&](UnitOfWork& uow) -> Result<EvaluationReminders> {
    auto s = uow.catalogue().FindSession(session_id, false);
    if (!s) return Error(ErrorCode::kNotFound, "No session has this id.");
    if (!who.IsCoordinator() && !Teaches(*s, who.user_id))
      return Error(ErrorCode::kForbidden, "Reminders are sent by the session's trainers and coordinators.");
    if (!uow.evaluations().FindQuestionnaire(s->module_id, false))
      return Error(ErrorCode::kNotFound, "This session's module has no questionnaire.");
    const TimePoint now = clock_.Now();
    if (now < s->ends_at || s->status == SessionStatus::kCancelled)
      return Error(ErrorCode::kConflict, "The evaluation opens once the session has ended.");
    const auto answered = uow.evaluations().RespondentIds(s->id);
    auto module = uow.catalogue().FindModule(s->module_id);
    Notifier notifier(uow);
    EvaluationReminders out;
    out.session_id = s->id;
    out.respondents = static_cast<long long>(answered.size());
    for (const auto& mark : uow.attendance().ForSession(s->id)) {
      if (mark.status != AttendanceStatus::kPresent && mark.status != AttendanceStatus::kPartial) continue;
      ++out.attendees;
      if (std::binary_search(answered.begin(), answered.end(), mark.participant_id)) continue;
      auto person = uow.users().FindById(mark.participant_id);
      if (!person || person->email.starts_with("erased:")) continue;
      notifier.EvaluationReminder(*person, module ? module->title : "", FormatLocal(s->starts_at).substr(0, 10),
                                  public_url_ + "/sessions/" + IdString(s->id), now);
      ++out.reminded;
    }
    Audit(uow, ctx, now, "evaluation.reminded", "session", s->id, nullptr,
          {{"session_id", IdString(s->id)}, {"reminded", out.reminded}});
    return out;
  });
}

std::string EvaluationService::ResultsCsv(const EvaluationReport& report, const std::string& language) {
  std::vector<CsvRow> rows = {{"question", "label", "kind", "answered", "average", "distribution", "comment"}};
  for (const auto& q : report.results.questions) {
    auto label = q.question.label.count(language) ? q.question.label.at(language) : q.question.label.at("fr");
    std::string distribution;
    for (const auto& [value, n] : q.distribution)
      distribution += (distribution.empty() ? "" : " ") + std::to_string(value) + ":" + std::to_string(n);
    rows.push_back({q.question.id, label, ToString(q.question.kind), std::to_string(q.answered),
                    q.average ? Number(*q.average) : "", distribution, ""});
    for (const auto& c : q.comments) rows.push_back({q.question.id, label, "comment", "", "", "", c});
  }
  rows.push_back({"respondents", "", "", std::to_string(report.results.respondents), "", "", ""});
  rows.push_back({"attendees", "", "", std::to_string(report.results.attendees), "", "", ""});
  return WriteCsv(rows);
}

}  // namespace parcours
