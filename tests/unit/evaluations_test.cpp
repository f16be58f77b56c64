// Evaluation questionnaires: questions and answers checked, results aggregated.
#include <catch2/catch.hpp>

#include "domain/evaluations.h"

using namespace parcours;

namespace {

std::vector<Question> Questions() {
  return {{"overall", QuestionKind::kScale, 1, 5, {{"fr", "Satisfaction"}, {"de", "Zufriedenheit"}, {"en", "Satisfaction"}}},
          {"useful", QuestionKind::kScale, 0, 3, {{"fr", "Utile"}, {"de", "Nützlich"}, {"en", "Useful"}}},
          {"comment", QuestionKind::kText, 1, 5, {{"fr", "Remarques"}, {"de", "Bemerkungen"}, {"en", "Comments"}}}};
}

}  // namespace

TEST_CASE("evaluations: questions need an id, a kind, a scale's bounds and three labels", "[unit][evaluations]") {
  CHECK(CheckQuestions(Questions()).empty());
  CHECK_FALSE(CheckQuestions({}).empty());
  auto q = Questions();
  q[1].id = "overall";  // twice
  q[0].label.erase("de");
  q[2].id = "Bad Id";
  auto errors = CheckQuestions(q);
  REQUIRE(errors.size() == 3);
  CHECK(errors[0].field == "questions[0].label.de");
  CHECK(errors[1].field == "questions[1].id");
  CHECK(errors[2].field == "questions[2].id");
  q = Questions();
  q[0].min = 5;
  q[0].max = 5;
  CHECK(CheckQuestions(q)[0].field == "questions[0].max");
  q = Questions();
  q[0].label["it"] = "Soddisfazione";
  CHECK(CheckQuestions(q)[0].field == "questions[0].label.it");
}

TEST_CASE("evaluations: answers within the scale, texts where text is asked, every question optional", "[unit][evaluations]") {
  const auto q = Questions();
  CHECK(CheckAnswers(q, {{{"overall", 5}, {"useful", 0}}, {{"comment", "Très bien"}}}).empty());
  CHECK(CheckAnswers(q, {}).empty());
  CHECK(CheckAnswers(q, {{{"overall", 6}}, {}})[0].field == "answers.overall");
  CHECK(CheckAnswers(q, {{{"useful", -1}}, {}})[0].field == "answers.useful");
  CHECK(CheckAnswers(q, {{{"comment", 3}}, {}})[0].message == "must be a text");
  CHECK(CheckAnswers(q, {{}, {{"overall", "bien"}}})[0].message == "must be a whole number");
  CHECK(CheckAnswers(q, {{{"other", 1}}, {}})[0].field == "answers.other");
  CHECK_FALSE(CheckAnswers(q, {{}, {{"comment", std::string(kMaxCommentLength + 1, 'x')}}}).empty());
}

TEST_CASE("evaluations: averages, full distributions, comments and the response rate", "[unit][evaluations]") {
  std::vector<EvaluationAnswers> answers = {{{{"overall", 5}, {"useful", 3}}, {{"comment", "Super"}}},
                                            {{{"overall", 4}}, {{"comment", ""}}},
                                            {{{"overall", 3}, {"useful", 2}}, {{"comment", "Trop court"}}}};
  auto r = Aggregate(Questions(), answers, 3, 4);
  CHECK(r.respondents == 3);
  REQUIRE(r.response_rate);
  CHECK(*r.response_rate == Approx(0.75));
  REQUIRE(r.questions.size() == 3);
  CHECK(r.questions[0].answered == 3);
  CHECK(*r.questions[0].average == Approx(4.0));
  CHECK(r.questions[0].distribution == std::map<int, long long>{{1, 0}, {2, 0}, {3, 1}, {4, 1}, {5, 1}});
  CHECK(r.questions[1].answered == 2);
  CHECK(*r.questions[1].average == Approx(2.5));
  CHECK(r.questions[1].distribution.size() == 4);  // 0 to 3
  CHECK(r.questions[2].answered == 2);             // an empty text is no comment
  CHECK(r.questions[2].comments == std::vector<std::string>{"Super", "Trop court"});
  auto none = Aggregate(Questions(), {}, 0, 0);
  CHECK_FALSE(none.response_rate);
  CHECK_FALSE(none.questions[0].average);
}
