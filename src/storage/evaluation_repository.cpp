// The evaluations repository over MySQL/MariaDB: all its SQL, as prepared statements.
#include "storage/mysql_repositories.h"

#include "storage/mysql_rows.h"

namespace parcours {

class MySqlEvaluationRepository final : public EvaluationRepository {
 public:
  explicit MySqlEvaluationRepository(PooledConnection& c) : c_(c) {}
  Id SaveQuestionnaire(Id module_id, bool anonymous, const std::string& questions_json, TimePoint at) override {
    auto& ps = c_.Prepare(
        "INSERT INTO questionnaires (module_id, anonymous, questions_json, updated_at) VALUES (?, ?, ?, ?) "
        "ON DUPLICATE KEY UPDATE anonymous = VALUES(anonymous), questions_json = VALUES(questions_json), "
        "updated_at = VALUES(updated_at)");
    ps.setInt64(1, module_id);
    ps.setInt(2, anonymous ? 1 : 0);
    ps.setString(3, questions_json);
    ps.setString(4, FormatSqlUtc(at));
    ps.executeUpdate();
    return FindQuestionnaire(module_id, false)->id;
  }
  std::optional<StoredQuestionnaire> FindQuestionnaire(Id module_id, bool for_update) override {
    auto& ps = c_.Prepare(for_update ? "SELECT id, module_id, anonymous, questions_json, updated_at FROM questionnaires "
                                       "WHERE module_id = ? FOR UPDATE"
                                     : "SELECT id, module_id, anonymous, questions_json, updated_at FROM questionnaires "
                                       "WHERE module_id = ?");
    ps.setInt64(1, module_id);
    return ReadOne<StoredQuestionnaire>(ps, [](sql::ResultSet& rs) {
      return StoredQuestionnaire{rs.getInt64("id"), rs.getInt64("module_id"), rs.getInt("anonymous") != 0,
                                 Str(rs, "questions_json"), ReadTime(rs, "updated_at")};
    });
  }
  long long AnswerCount(Id questionnaire_id) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) AS n FROM evaluation_answers WHERE questionnaire_id = ?");
    ps.setInt64(1, questionnaire_id);
    return Scalar(ps);
  }
  bool InsertRespondent(Id session_id, Id person_id, TimePoint at) override {
    auto& ps = c_.Prepare("INSERT INTO evaluation_respondents (session_id, person_id, answered_at) VALUES (?, ?, ?)");
    ps.setInt64(1, session_id);
    ps.setInt64(2, person_id);
    ps.setString(3, FormatSqlUtc(at));
    return ExecuteInsert(ps);
  }
  bool HasAnswered(Id session_id, Id person_id) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) AS n FROM evaluation_respondents WHERE session_id = ? AND person_id = ?");
    ps.setInt64(1, session_id);
    ps.setInt64(2, person_id);
    return Scalar(ps) > 0;
  }
  void InsertAnswers(Id id, Id questionnaire_id, Id session_id, std::optional<Id> person_id,
                     const std::string& answers_json) override {
    auto& ps = c_.Prepare(
        "INSERT INTO evaluation_answers (id, questionnaire_id, session_id, person_id, answers_json) VALUES (?, ?, ?, ?, ?)");
    ps.setInt64(1, id);
    ps.setInt64(2, questionnaire_id);
    ps.setInt64(3, session_id);
    if (person_id) ps.setInt64(4, *person_id);
    else ps.setNull(4, sql::DataType::BIGINT);
    ps.setString(5, answers_json);
    ps.executeUpdate();
  }
  std::vector<std::string> Answers(Id session_id) override {
    auto& ps = c_.Prepare("SELECT answers_json FROM evaluation_answers WHERE session_id = ? ORDER BY id");
    ps.setInt64(1, session_id);
    return ReadAll<std::string>(ps, [](sql::ResultSet& rs) { return Str(rs, "answers_json"); });
  }
  long long Respondents(Id session_id) override {
    auto& ps = c_.Prepare("SELECT COUNT(*) AS n FROM evaluation_respondents WHERE session_id = ?");
    ps.setInt64(1, session_id);
    return Scalar(ps);
  }
  std::vector<Id> RespondentIds(Id session_id) override {
    auto& ps = c_.Prepare("SELECT person_id FROM evaluation_respondents WHERE session_id = ? ORDER BY person_id");
    ps.setInt64(1, session_id);
    return ReadAll<Id>(ps, [](sql::ResultSet& rs) { return static_cast<Id>(rs.getInt64("person_id")); });
  }
  std::vector<PersonAnswers> AnswersOf(Id person_id) override {
    auto& ps = c_.Prepare(
        "SELECT session_id, questionnaire_id, answers_json FROM evaluation_answers WHERE person_id = ? ORDER BY id");
    ps.setInt64(1, person_id);
    return ReadAll<PersonAnswers>(ps, [](sql::ResultSet& rs) {
      return PersonAnswers{rs.getInt64("session_id"), rs.getInt64("questionnaire_id"), Str(rs, "answers_json")};
    });
  }
  long long Attendees(Id session_id) override {
    auto& ps = c_.Prepare(
        "SELECT COUNT(*) AS n FROM attendance WHERE session_id = ? AND status IN ('present', 'partial')");
    ps.setInt64(1, session_id);
    return Scalar(ps);
  }

 private:
  static long long Scalar(sql::PreparedStatement& ps) {
    Rs rs(ps.executeQuery());
    return rs->next() ? rs->getInt64("n") : 0;
  }
  PooledConnection& c_;
};

std::unique_ptr<EvaluationRepository> MakeEvaluationRepository(PooledConnection& c) {
  return std::make_unique<MySqlEvaluationRepository>(c);
}

}  // namespace parcours
