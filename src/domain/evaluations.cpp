#include "domain/evaluations.h"

#include <set>

#include "domain/rules.h"

namespace parcours {
namespace {

bool IsQuestionId(const std::string& id) {
  if (id.empty() || id.size() > 40) return false;
  for (char c : id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

}  // namespace

const char* ToString(QuestionKind k) { return k == QuestionKind::kScale ? "scale" : "text"; }

std::optional<QuestionKind> QuestionKindFromString(const std::string& s) {
  if (s == "scale") return QuestionKind::kScale;
  if (s == "text") return QuestionKind::kText;
  return std::nullopt;
}

std::vector<FieldError> CheckQuestions(const std::vector<Question>& questions) {
  std::vector<FieldError> errors;
  if (questions.empty() || questions.size() > static_cast<std::size_t>(kMaxQuestions))
    errors.push_back({"questions", "must hold 1 to 30 questions"});
  std::set<std::string> ids;
  for (std::size_t i = 0; i < questions.size(); ++i) {
    const Question& q = questions[i];
    const std::string at = "questions[" + std::to_string(i) + "].";
    if (!IsQuestionId(q.id)) errors.push_back({at + "id", "must be 1–40 characters a-z, 0-9 or _"});
    else if (!ids.insert(q.id).second) errors.push_back({at + "id", "is used by another question"});
    if (q.kind == QuestionKind::kScale && (q.min < 0 || q.max > 10 || q.min >= q.max))
      errors.push_back({at + "max", "a scale runs from min to max, 0 ≤ min < max ≤ 10"});
    for (const char* lang : {"fr", "de", "en"}) {
      auto it = q.label.find(lang);
      CheckText(at + "label." + lang, it == q.label.end() ? "" : it->second, kMaxLabelLength, errors);
    }
    for (const auto& [lang, text] : q.label)
      if (lang != "fr" && lang != "de" && lang != "en") errors.push_back({at + "label." + lang, "must be fr, de or en"});
  }
  return errors;
}

std::vector<FieldError> CheckAnswers(const std::vector<Question>& questions, const EvaluationAnswers& answers) {
  std::map<std::string, const Question*> by_id;
  for (const auto& q : questions) by_id[q.id] = &q;
  std::vector<FieldError> errors;
  for (const auto& [id, value] : answers.scales) {
    auto it = by_id.find(id);
    if (it == by_id.end()) errors.push_back({"answers." + id, "is not a question of this questionnaire"});
    else if (it->second->kind != QuestionKind::kScale) errors.push_back({"answers." + id, "must be a text"});
    else if (value < it->second->min || value > it->second->max)
      errors.push_back({"answers." + id, "must be from " + std::to_string(it->second->min) + " to " +
                                             std::to_string(it->second->max)});
  }
  for (const auto& [id, text] : answers.texts) {
    auto it = by_id.find(id);
    if (it == by_id.end()) errors.push_back({"answers." + id, "is not a question of this questionnaire"});
    else if (it->second->kind != QuestionKind::kText) errors.push_back({"answers." + id, "must be a whole number"});
    else CheckText("answers." + id, text, kMaxCommentLength, errors, false);
  }
  return errors;
}

EvaluationResults Aggregate(const std::vector<Question>& questions, const std::vector<EvaluationAnswers>& answers,
                            long long respondents, long long attendees) {
  EvaluationResults r;
  r.respondents = respondents;
  r.attendees = attendees;
  if (attendees > 0) r.response_rate = static_cast<double>(respondents) / static_cast<double>(attendees);
  for (const auto& q : questions) {
    QuestionResult qr;
    qr.question = q;
    long long sum = 0;
    if (q.kind == QuestionKind::kScale)
      for (int v = q.min; v <= q.max; ++v) qr.distribution[v] = 0;
    for (const auto& a : answers) {
      if (q.kind == QuestionKind::kScale) {
        auto it = a.scales.find(q.id);
        if (it == a.scales.end()) continue;
        ++qr.answered;
        ++qr.distribution[it->second];
        sum += it->second;
      } else {
        auto it = a.texts.find(q.id);
        if (it == a.texts.end() || it->second.empty()) continue;
        ++qr.answered;
        qr.comments.push_back(it->second);
      }
    }
    if (q.kind == QuestionKind::kScale && qr.answered > 0)
      qr.average = static_cast<double>(sum) / static_cast<double>(qr.answered);
    r.questions.push_back(std::move(qr));
  }
  return r;
}

}  // namespace parcours
