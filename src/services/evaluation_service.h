#pragma once
// Evaluations after trainings and events (issue 12): the coordinator writes a module's
// questionnaire; people who attended one of its sessions answer once it has ended, once each,
// anonymously by default; the session's trainers and the coordinator read the results (averages,
// distributions, comments, response rate), per session or per module and year, also as CSV.
//
// Anonymity: an answer is stored without the person (unless the questionnaire says otherwise),
// without a time, and under a random id; who has answered is kept apart, to refuse a second
// answer and to count the response rate.
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/random.h"
#include "domain/errors.h"
#include "domain/evaluations.h"
#include "domain/repositories.h"

namespace parcours {

nlohmann::json ToJson(const Question& q);
nlohmann::json ToJson(const Questionnaire& q);
// The questions of a stored or sent questionnaire; nullopt when the JSON is not questions.
std::optional<std::vector<Question>> QuestionsFromJson(const nlohmann::json& j, std::vector<FieldError>& errors);

// What a person sees of a session's evaluation.
struct SessionEvaluation {
  Id session_id = 0;
  Questionnaire questionnaire;
  bool open = false;      // the session has ended
  bool attended = false;  // the caller was marked present or partial
  bool answered = false;
};

struct EvaluationReceipt {
  Id session_id = 0;
  TimePoint answered_at;
};

// Results with what they cover.
struct EvaluationReport {
  Id module_id = 0;
  std::optional<Id> session_id;
  std::optional<int> year;
  std::vector<Id> sessions;
  EvaluationResults results;
};

struct EvaluationReminders {
  Id session_id = 0;
  long long attendees = 0;    // marked present or partial
  long long respondents = 0;  // answered already
  long long reminded = 0;     // e-mails queued now
};

class EvaluationService {
 public:
  // public_url: the site's address, for the link in reminders.
  EvaluationService(Store& store, const Clock& clock, RandomSource& random, std::string public_url = "")
      : store_(store), clock_(clock), random_(random), public_url_(std::move(public_url)) {}
  // Creates or replaces the module's questionnaire (coordinator); 409 once it has answers.
  Result<Questionnaire> Save(const RequestContext& ctx, Id module_id, const std::vector<Question>& questions,
                             bool anonymous);
  Result<Questionnaire> Find(const RequestContext& ctx, Id module_id);  // anyone signed in
  Result<SessionEvaluation> ForSession(const RequestContext& ctx, Id session_id);
  Result<EvaluationReceipt> Answer(const RequestContext& ctx, Id session_id, const EvaluationAnswers& answers);
  // The session's trainers and coordinators.
  Result<EvaluationReport> SessionResults(const RequestContext& ctx, Id session_id);
  // Coordinators: every session of the module starting in the year.
  Result<EvaluationReport> ModuleResults(const RequestContext& ctx, Id module_id, int year);
  // The session's trainers and coordinators, once it has ended: an e-mail (the reminder
  // notifications, in each person's language) to every attendee who has not answered yet.
  Result<EvaluationReminders> Remind(const RequestContext& ctx, Id session_id);
  // One line per question (average, distribution) and one per comment, in `language`.
  static std::string ResultsCsv(const EvaluationReport& report, const std::string& language);

 private:
  Store& store_;
  const Clock& clock_;
  RandomSource& random_;
  std::string public_url_;
};

}  // namespace parcours
