#pragma once
// Evaluation questionnaires (issue 12): a module's questions (scales and free text, labelled in
// French, German and English), the answers of people who attended one of its sessions, and their
// aggregation (averages, distributions, comments). Pure logic; the services store and read them.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "domain/errors.h"
#include "domain/model.h"

namespace parcours {

enum class QuestionKind { kScale, kText };
const char* ToString(QuestionKind k);  // scale, text
std::optional<QuestionKind> QuestionKindFromString(const std::string& s);

struct Question {
  std::string id;  // [a-z0-9_], unique in its questionnaire
  QuestionKind kind = QuestionKind::kScale;
  int min = 1, max = 5;  // a scale's bounds
  std::map<std::string, std::string> label;  // fr, de, en
};

inline constexpr int kMaxQuestions = 30;
inline constexpr std::size_t kMaxLabelLength = 500;
inline constexpr std::size_t kMaxCommentLength = 4000;

// A module's questionnaire. Anonymous (the default): answers are stored without the person.
struct Questionnaire {
  Id id = 0;
  Id module_id = 0;
  bool anonymous = true;
  std::vector<Question> questions;
  TimePoint updated_at;
};

// One person's answers: scale values and free texts by question id (unanswered: absent).
struct EvaluationAnswers {
  std::map<std::string, int> scales;
  std::map<std::string, std::string> texts;
};

// Field errors of a questionnaire's questions, named questions[i].field.
std::vector<FieldError> CheckQuestions(const std::vector<Question>& questions);
// Field errors of answers against the questions, named answers.<id>: unknown ids, values out of
// a scale, texts too long or where a scale is asked. Every question may be left unanswered.
std::vector<FieldError> CheckAnswers(const std::vector<Question>& questions, const EvaluationAnswers& answers);

struct QuestionResult {
  Question question;
  long long answered = 0;
  std::optional<double> average;               // scales
  std::map<int, long long> distribution;       // scales: every value from min to max
  std::vector<std::string> comments;           // texts, in the order given
};

struct EvaluationResults {
  long long respondents = 0;
  long long attendees = 0;
  std::optional<double> response_rate;  // respondents / attendees
  std::vector<QuestionResult> questions;
};

EvaluationResults Aggregate(const std::vector<Question>& questions, const std::vector<EvaluationAnswers>& answers,
                            long long respondents, long long attendees);

}  // namespace parcours
