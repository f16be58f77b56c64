// Unit tests of src/services/notifications: template rendering, the dates shown in messages
// (Luxembourg time, per language) and the compiled-in templates.
#include "services/notifications.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <string>

#include "common/clock.h"
#include "test_values.h"

namespace parcours {
namespace {

using namespace std::chrono;

const char* const kKinds[] = {"registration_confirmed", "promoted", "session_cancelled",
                              "reminder", "session_changed", "moved_to_waitlist",
                              "document_available", "evaluation_reminder"};
const char* const kLanguages[] = {"fr", "de", "en"};

}  // namespace

TEST_CASE("notifications: RenderTemplate replaces placeholders, the first line is the subject",
          "[notifications]") {
  auto m = RenderTemplate("Confirmed: {{module}}\nHello {{name}},\n\n{{module}} on {{when}}.\n",
                          {{"module", "Contraception"}, {"name", "Ana"}, {"when", "Monday"}});
  CHECK(m.subject == "Confirmed: Contraception");
  CHECK(m.body == "Hello Ana,\n\nContraception on Monday.\n");
}

TEST_CASE("notifications: RenderTemplate leaves unknown placeholders empty", "[notifications]") {
  auto m = RenderTemplate("S {{missing}}!\nA{{nope}}B{{}}C", {{"name", "Ana"}});
  CHECK(m.subject == "S !");
  CHECK(m.body == "ABC");
}

TEST_CASE("notifications: RenderTemplate keeps an unterminated \"{{\"", "[notifications]") {
  auto m = RenderTemplate("Subject {{name}}\nBody {{name", {{"name", "Ana"}});
  CHECK(m.subject == "Subject Ana");
  CHECK(m.body == "Body {{name");
  CHECK(RenderTemplate("{{", {}).subject == "{{");
  CHECK(RenderTemplate("a { b } {x}} }}", {}).subject == "a { b } {x}} }}");
}

TEST_CASE("notifications: RenderTemplate does not expand placeholders inside values",
          "[notifications]") {
  auto m = RenderTemplate("{{module}}\n{{name}}", {{"module", "{{name}}"}, {"name", "Ana"}});
  CHECK(m.subject == "{{name}}");
  CHECK(m.body == "Ana");
}

TEST_CASE("notifications: RenderTemplate without a newline has only a subject", "[notifications]") {
  auto m = RenderTemplate("Just {{x}}", {{"x", "this"}});
  CHECK(m.subject == "Just this");
  CHECK(m.body.empty());
  auto empty = RenderTemplate("", {});
  CHECK(empty.subject.empty());
  CHECK(empty.body.empty());
}

TEST_CASE("notifications: a newline inside a value on the first line moves the rest to the body",
          "[notifications]") {
  // Values are inserted before the subject is split off.
  auto m = RenderTemplate("{{module}}\nbody", {{"module", "a\nb"}});
  CHECK(m.subject == "a");
  CHECK(m.body == "b\nbody");
}

TEST_CASE("notifications: FormatWhen shows a same-day session in each language",
          "[notifications]") {
  // 2027-03-04 08:00–12:00 UTC is 09:00–13:00 CET.
  TimePoint start = Utc(2027, 3, 4, 8), end = Utc(2027, 3, 4, 12);
  CHECK(FormatWhen(start, end, "fr") == "04/03/2027 09:00–13:00");
  CHECK(FormatWhen(start, end, "de") == "04.03.2027 09:00–13:00");
  CHECK(FormatWhen(start, end, "en") == "2027-03-04 09:00–13:00");
}

TEST_CASE("notifications: FormatWhen falls back to French for other languages", "[notifications]") {
  TimePoint start = Utc(2027, 3, 4, 8), end = Utc(2027, 3, 4, 12);
  CHECK(FormatWhen(start, end, "lb") == "04/03/2027 09:00–13:00");
  CHECK(FormatWhen(start, end, "") == "04/03/2027 09:00–13:00");
}

TEST_CASE("notifications: FormatWhen shows both dates for a multi-day session",
          "[notifications]") {
  TimePoint start = Utc(2027, 3, 4, 8), end = Utc(2027, 3, 5, 16, 30);
  CHECK(FormatWhen(start, end, "fr") == "04/03/2027 09:00 – 05/03/2027 17:30");
  CHECK(FormatWhen(start, end, "de") == "04.03.2027 09:00 – 05.03.2027 17:30");
  CHECK(FormatWhen(start, end, "en") == "2027-03-04 09:00 – 2027-03-05 17:30");
}

TEST_CASE("notifications: FormatWhen compares local dates, not UTC dates", "[notifications]") {
  // 20:00–23:30 UTC is one UTC day, but 21:00–00:30 in Luxembourg: two local days.
  CHECK(FormatWhen(Utc(2027, 3, 4, 20), Utc(2027, 3, 4, 23, 30), "en") ==
        "2027-03-04 21:00 – 2027-03-05 00:30");
  // 23:30 UTC on the 3rd to 02:00 UTC on the 4th is 00:30–03:00 on the 4th locally.
  CHECK(FormatWhen(Utc(2027, 3, 3, 23, 30), Utc(2027, 3, 4, 2), "en") ==
        "2027-03-04 00:30–03:00");
}

TEST_CASE("notifications: FormatWhen uses summer time (UTC+2) in July", "[notifications]") {
  TimePoint start = Utc(2027, 7, 8, 7), end = Utc(2027, 7, 8, 11);
  CHECK(FormatWhen(start, end, "fr") == "08/07/2027 09:00–13:00");
  CHECK(FormatWhen(start, end, "de") == "08.07.2027 09:00–13:00");
  CHECK(FormatWhen(start, end, "en") == "2027-07-08 09:00–13:00");
}

TEST_CASE("notifications: FormatWhen across the switch to summer time", "[notifications]") {
  // Summer time starts on Sunday 28 March 2027 at 01:00 UTC.
  CHECK(FormatWhen(Utc(2027, 3, 27, 8), Utc(2027, 3, 28, 8), "en") ==
        "2027-03-27 09:00 – 2027-03-28 10:00");
  CHECK(FormatWhen(Utc(2027, 3, 28, 0, 30), Utc(2027, 3, 28, 1, 30), "de") ==
        "28.03.2027 01:30–03:30");
  // And back on Sunday 31 October 2027 at 01:00 UTC.
  CHECK(FormatWhen(Utc(2027, 10, 31, 0, 30), Utc(2027, 10, 31, 1, 30), "fr") ==
        "31/10/2027 02:30–02:30");
}

TEST_CASE("notifications: every kind has a template in fr, de and en", "[notifications]") {
  const auto& templates = EmbeddedTemplates();
  // six session kinds, the account claim, the login unlock, the password reset, a session's
  // document and the evaluation reminder, three languages each
  CHECK(templates.size() == 33);
  for (const char* lang : kLanguages) {
    CHECK(templates.count(std::string("account_claim.") + lang) == 1);
    CHECK(templates.count(std::string("login_unlock.") + lang) == 1);
    CHECK(templates.count(std::string("password_reset.") + lang) == 1);
  }
  for (const char* kind : kKinds)
    for (const char* lang : kLanguages) {
      std::string key = std::string(kind) + "." + lang;
      INFO(key);
      CHECK(templates.count(key) == 1);
    }
}

TEST_CASE("notifications: every session template has a subject line naming the module",
          "[notifications]") {
  for (const auto& [key, text] : EmbeddedTemplates()) {
    INFO(key);
    auto newline = text.find('\n');
    REQUIRE(newline != std::string::npos);
    std::string subject = text.substr(0, newline);
    CHECK_FALSE(subject.empty());
    const bool about_account = key.rfind("account_claim.", 0) == 0 || key.rfind("login_unlock.", 0) == 0 ||
                               key.rfind("password_reset.", 0) == 0;
    if (!about_account) CHECK(subject.find("{{module}}") != std::string::npos);
    CHECK(subject.find('\r') == std::string::npos);
    CHECK(text.find("{{name}}", newline) != std::string::npos);  // the greeting
  }
}

TEST_CASE("notifications: templates use only the placeholders the notifier fills",
          "[notifications]") {
  for (const auto& [key, text] : EmbeddedTemplates()) {
    INFO(key);
    const bool cancelled = key.rfind("session_cancelled.", 0) == 0;
    const bool claim = key.rfind("account_claim.", 0) == 0;
    const bool unlock = key.rfind("login_unlock.", 0) == 0 || key.rfind("password_reset.", 0) == 0;
    const bool changed = key.rfind("session_changed.", 0) == 0;
    const bool document = key.rfind("document_available.", 0) == 0;
    const bool evaluation = key.rfind("evaluation_reminder.", 0) == 0;
    for (std::size_t i = text.find("{{"); i != std::string::npos; i = text.find("{{", i + 2)) {
      auto end = text.find("}}", i + 2);
      REQUIRE(end != std::string::npos);
      std::string name = text.substr(i + 2, end - i - 2);
      INFO(name);
      bool known = name == "name" || name == "module" || name == "when" ||
                   name == "location" || name == "reason" ||
                   (cancelled && name == "alternatives") ||
                   (claim && (name == "link" || name == "agency")) || (unlock && name == "link") ||
                   (changed && name == "online") ||
                   (document && (name == "title" || name == "date" || name == "link")) ||
                   (evaluation && (name == "date" || name == "link"));
      CHECK(known);
    }
    if (cancelled) CHECK(text.find("{{alternatives}}") != std::string::npos);
  }
}

TEST_CASE("notifications: an embedded template renders completely", "[notifications]") {
  const auto& templates = EmbeddedTemplates();
  auto it = templates.find("registration_confirmed.fr");
  REQUIRE(it != templates.end());
  auto m = RenderTemplate(it->second,
                          {{"name", "Ana"},
                           {"module", "Contraception"},
                           {"when", FormatWhen(Utc(2027, 3, 4, 8), Utc(2027, 3, 4, 12), "fr")},
                           {"location", "Luxembourg"},
                           {"reason", ""}});
  CHECK(m.subject == "Inscription confirmée : Contraception");
  CHECK(m.body.find("Bonjour Ana,") == 0);
  CHECK(m.body.find("04/03/2027 09:00–13:00") != std::string::npos);
  CHECK(m.body.find("Luxembourg") != std::string::npos);
  CHECK(m.body.find("{{") == std::string::npos);
}

TEST_CASE("notifications: a threshold cancellation is worded in the reader's language only", "[notifications]") {
  CancelReason r;
  r.code = CancelReasonCode::kBelowThreshold;
  r.confirmed = 2;
  r.minimum = 3;
  CHECK(WordCancelReason(r, "de") == "Weniger als 3 bestätigte Anmeldungen zum Entscheidungsdatum (2 bestätigt).");
  CHECK(WordCancelReason(r, "fr") == "Moins de 3 inscriptions confirmées à la date de décision (2 confirmées).");
  CHECK(WordCancelReason(r, "en") == "Fewer than 3 confirmed registrations at the decision date (2 confirmed).");
  CHECK(WordCancelReason(r, "lb") == WordCancelReason(r, "fr"));
  r.confirmed = 1;
  r.minimum = 1;
  CHECK(WordCancelReason(r, "fr") == "Moins de 1 inscription confirmée à la date de décision (1 confirmée).");
  CHECK(WordCancelReason(r, "en") == "Fewer than 1 confirmed registration at the decision date (1 confirmed).");
  r.confirmed.reset();  // cancelled before the count was recorded
  CHECK(WordCancelReason(r, "de") == "Weniger als 1 bestätigte Anmeldung zum Entscheidungsdatum.");
}

TEST_CASE("notifications: a coordinator's reason is given in the coordinator's words", "[notifications]") {
  CancelReason r;
  r.code = CancelReasonCode::kByCoordinator;
  r.text = "Formatrice malade";
  for (const char* lang : kLanguages) CHECK(WordCancelReason(r, lang) == "Formatrice malade");
}

}  // namespace parcours
