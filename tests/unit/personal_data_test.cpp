// Unit tests of the pure parts of the personal-data rights: which person and session an audit
// row concerns, and how an erasure scrubs audit JSON.
#include <catch2/catch.hpp>

#include "services/audit.h"
#include "services/personal_data_service.h"

namespace parcours {
namespace {

using nlohmann::json;

TEST_CASE("audit rows name the person and the session they concern", "[unit][gdpr]") {
  AuditEntry e;
  e.entity_type = "registration";
  e.entity_id = 9;
  SetAuditSubjects(e, nullptr, {{"participant_id", "7"}, {"session_id", "5"}});
  CHECK(e.person_id == 7);
  CHECK(e.session_id == 5);
  SetAuditSubjects(e, {{"participant_id", "8"}, {"session_id", "6"}}, nullptr);  // a withdrawal: before only
  CHECK(e.person_id == 8);
  CHECK(e.session_id == 6);
  e.entity_type = "user";
  SetAuditSubjects(e, nullptr, {{"name", "x"}});
  CHECK(e.person_id == 9);
  CHECK(!e.session_id);
  e.entity_type = "attendance";
  SetAuditSubjects(e, {{"participant_id", "3"}}, nullptr);
  CHECK(e.person_id == 3);
  CHECK(e.session_id == 9);
  e.entity_type = "pathway";
  SetAuditSubjects(e, nullptr, {{"participant_id", "not-an-id"}});
  CHECK(!e.person_id);
  CHECK(!e.session_id);
}

TEST_CASE("an erasure scrubs every contact field of a row about the person", "[unit][gdpr]") {
  json doc = {{"id", "7"}, {"email", "anne@ex.lu"}, {"name", "Anne Müller"}, {"organisation", "Lycée"},
              {"roles", {"participant"}}, {"language", "de"}};
  CHECK(ScrubAuditJson(doc, true, "anne@ex.lu", {"Anne Müller"}));
  CHECK(doc == json{{"id", "7"}, {"email", "[erased]"}, {"name", "[erased]"}, {"organisation", "[erased]"},
                    {"roles", {"participant"}}, {"language", "de"}});
  CHECK_FALSE(ScrubAuditJson(doc, true, "anne@ex.lu", {"Anne Müller"}));  // nothing left to change
}

TEST_CASE("an erasure scrubs the person's e-mail and names inside other rows, and nothing else", "[unit][gdpr]") {
  json doc = {{"name", "Ben Other"},
              {"note", "asked by ANNE@EX.LU for Anne Müller and Anne Müller-Weber"},
              {"items", {"anne@ex.lu", "kept"}}};
  CHECK(ScrubAuditJson(doc, false, "anne@ex.lu", {"Anne Müller-Weber", "Anne Müller", "An"}));
  CHECK(doc["name"] == "Ben Other");  // another person's row keeps its own fields
  CHECK(doc["note"] == "asked by [erased] for [erased] and [erased]");
  CHECK(doc["items"] == json{"[erased]", "kept"});
  json other = {{"name", "Ben Other"}, {"organisation", "Lycée"}};
  CHECK_FALSE(ScrubAuditJson(other, false, "anne@ex.lu", {"Anne Müller"}));
}

}  // namespace
}  // namespace parcours
