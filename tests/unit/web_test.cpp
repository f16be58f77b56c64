// The web layer's pure parts: local redirects, languages, dates, forms, and every template and
// text: each template renders, escapes what it is given, and names only texts that exist in
// French, German and English.
#include <catch2/catch.hpp>

#include <regex>
#include <set>

#include "common/time.h"
#include "web/assets.h"
#include "web/i18n.h"
#include "web/page.h"
#include "web/view.h"

using namespace parcours;
using namespace parcours::web;

TEST_CASE("web: redirects after login go to local paths only", "[unit][web]") {
  CHECK(IsLocalPath("/parcours"));
  CHECK(IsLocalPath("/sessions/12?done=registered"));
  CHECK_FALSE(IsLocalPath("//evil.example/"));
  CHECK_FALSE(IsLocalPath("/\\evil.example"));
  CHECK_FALSE(IsLocalPath("https://evil.example/"));
  CHECK_FALSE(IsLocalPath("javascript:alert(1)"));
  CHECK_FALSE(IsLocalPath(""));
  CHECK_FALSE(IsLocalPath("/a\nLocation: x"));
  CHECK(LocalOr("//evil", "/parcours") == "/parcours");
  CHECK(LocalOr("/registrations", "/parcours") == "/registrations");
  CHECK(WithQuery("/parcours", "done=x") == "/parcours?done=x");
  CHECK(WithQuery("/s?a=1", "done=x") == "/s?a=1&done=x");
  CHECK(PercentEncode("/verify/a b&c") == "/verify/a%20b%26c");
}

TEST_CASE("web: the catalogue page is kept by its language and checked filters, not by the raw query", "[unit][web]") {
  // The page reads these from the query (module=007, junk parameters, any order): the key is
  // built from what it read, so ?x=1, ?x=2... all find the same kept page.
  const std::string plain = CatalogueKey("fr", std::nullopt, "", std::nullopt, std::nullopt);
  CHECK(plain == CatalogueKey("fr", std::nullopt, "", std::nullopt, std::nullopt));
  std::set<std::string> keys = {plain,
                                CatalogueKey("de", std::nullopt, "", std::nullopt, std::nullopt),
                                CatalogueKey("fr", Id{7}, "", std::nullopt, std::nullopt),
                                CatalogueKey("fr", std::nullopt, "2027-03", std::nullopt, std::nullopt),
                                CatalogueKey("fr", std::nullopt, "", SessionMode::kOnline, std::nullopt),
                                CatalogueKey("fr", std::nullopt, "", std::nullopt, std::string("lb")),
                                CatalogueKey("fr", Id{7}, "2027-03", SessionMode::kOnline, std::string("lb"))};
  CHECK(keys.size() == 7);  // each filter makes its own entry
}

TEST_CASE("web: a text's placeholders are filled in one pass, never inside a value", "[unit][web]") {
  CHECK(Fill("{{name}} a suivi {{hours}} h", {{"name", "Ana"}, {"hours", "32"}}) == "Ana a suivi 32 h");
  CHECK(Fill("{{name}} ({{name}})", {{"name", "Ana"}}) == "Ana (Ana)");
  // A person may be named anything, placeholders included: shown as typed.
  CHECK(Fill("{{name}} a suivi {{hours}} h", {{"name", "{{hours}}"}, {"hours", "32"}}) == "{{hours}} a suivi 32 h");
  CHECK(Fill("{{unknown}} {{ {{name}} }}", {{"name", "x"}}) == "{{unknown}} {{ x }}");
  CHECK(Fill("{{name", {{"name", "x"}}) == "{{name");
}

TEST_CASE("web: Accept-Language with its weights, French by default", "[unit][web]") {
  CHECK(NegotiateLanguage("en;q=0.1, de;q=0.9") == Lang::kDe);
  CHECK(NegotiateLanguage("de-LU,de;q=0.9,en;q=0.8") == Lang::kDe);
  CHECK(NegotiateLanguage("lb, en;q=0.5") == Lang::kEn);
  CHECK_FALSE(NegotiateLanguage("lb, pt").has_value());
  CHECK(NegotiateLanguage("en;q=0, fr;q=0.2") == Lang::kFr);
}

TEST_CASE("web: dates as each language writes them, in Luxembourg time", "[unit][web]") {
  const TimePoint start = *ParseRfc3339("2027-01-19T13:00:00Z"), end = *ParseRfc3339("2027-01-19T17:00:00Z");
  CHECK(FormatSlot(Lang::kFr, start, end) == "mardi 19 janvier 2027, 14 h – 18 h");
  CHECK(FormatSlot(Lang::kDe, start, end) == "Dienstag, 19. Januar 2027, 14:00–18:00 Uhr");
  CHECK(FormatSlot(Lang::kEn, start, end) == "Tuesday 19 January 2027, 14:00–18:00");
  CHECK(FormatDate(Lang::kFr, *ParseRfc3339("2027-06-01T10:00:00Z")) == "mardi 1er juin 2027");
  CHECK(FormatNumber(Lang::kFr, 4.5) == "4,5");
  CHECK(FormatNumber(Lang::kEn, 32) == "32");
}

TEST_CASE("web: forms are read strictly", "[unit][web]") {
  auto f = ParseForm("csrf=abc&name=Marie+M%C3%BCller&empty=");
  REQUIRE(f);
  Form form(*f);
  CHECK(form.Get("name") == "Marie Müller");
  CHECK(form.Has("empty"));
  CHECK_FALSE(ParseForm("name=%ZZ").has_value());
  CHECK_FALSE(ParseForm("name=%FF").has_value());      // not UTF-8
  CHECK_FALSE(ParseForm("name=a%00b").has_value());    // control character
}

TEST_CASE("web: every template renders and escapes what it is given", "[unit][web]") {
  const std::string evil = "<script>alert(1)</script>\"'&";
  nlohmann::json data = {{"t", Texts(Lang::kFr)}, {"title", evil}, {"message", evil}, {"holder", evil},
                         {"name", evil},          {"csrf", "x"},  {"content", "<main-content>"}};
  for (const auto& [path, text] : EmbeddedWebFiles()) {
    if (!path.starts_with("templates/") || path.starts_with("templates/_")) continue;
    const std::string name = path.substr(10, path.size() - 10 - 9);
    INFO(name);
    std::string out;
    REQUIRE_NOTHROW(out = Render(name, data));
    CHECK(out.find("<script>alert(1)") == std::string::npos);
  }
  CHECK(Render("error", data).find("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&apos;&amp;") != std::string::npos);
}

TEST_CASE("web: an empty text is false in a template's section", "[unit][web]") {
  // "mon parcours": a date of a module the person is not registered in offers to register, not
  // to move a registration (transfer_from is empty).
  nlohmann::json date = {{"id", "7"}, {"href", "/sessions/7"}, {"slot", "s"}, {"place", "p"}, {"agency", ""},
                         {"full", false}, {"places_left", "3"}, {"waitlist", "0"}, {"transfer_from", ""}};
  nlohmann::json module = {{"title", "M"}, {"hours", "4"}, {"done", false}, {"dates", {date}}, {"has_dates", true}};
  nlohmann::json pathway = {{"title", "P"}, {"modules", {module}}, {"summary", ""}, {"hours_done", "0"},
                            {"hours_total", "4"}, {"progress_value", "0"}, {"progress_max", "4"}, {"complete", false}};
  nlohmann::json data = {{"t", Texts(Lang::kFr)}, {"csrf", "x"}, {"pathways", {pathway}}, {"none", false}, {"notice", ""}};
  const std::string out = Render("parcours", data);
  CHECK(out.find("/sessions/7/register") != std::string::npos);
  CHECK(out.find("/transfer") == std::string::npos);
}

TEST_CASE("web: every text a template names exists in French, German and English", "[unit][web]") {
  std::set<std::string> keys;
  const std::regex use("\\{\\{[#^/]?t\\.([a-z_]+\\.[a-z_]+)\\}\\}");
  for (const auto& [path, text] : EmbeddedWebFiles()) {
    if (!path.starts_with("templates/")) continue;
    for (std::sregex_iterator it(text.begin(), text.end(), use), end; it != end; ++it) keys.insert((*it)[1]);
  }
  REQUIRE(keys.size() > 50);
  for (Lang lang : {Lang::kFr, Lang::kDe, Lang::kEn})
    for (const auto& key : keys) {
      INFO(Code(lang) << ": " << key);
      CHECK(Text(lang, key).front() != '[');
    }
}

TEST_CASE("web: the notice a redirect announces, as its cookie carries it", "[unit][web]") {
  CHECK(NoticeValue("saved", "") == "saved");
  CHECK(NoticeValue("batch", "12") == "batch.12");
  CHECK(NoticeValue("", "") == "");
  CHECK(NoticeValue("Saved", "") == "");            // names are [a-z_]
  CHECK(NoticeValue("saved;x=1", "") == "");        // nothing a cookie would misread
  CHECK(NoticeValue("batch", "12345678") == "");    // at most 7 digits
  CHECK(NoticeValue("batch", "1e3") == "");
  CHECK(NoticeOfLocation("/profile?done=saved") == "saved");
  CHECK(NoticeOfLocation("/desk?done=batch&count=3") == "batch.3");
  CHECK(NoticeOfLocation("/trainer/sessions/4?done=marked#p12") == "marked");
  CHECK(NoticeOfLocation("/sessions/4?next=%2Fparcours&done=registered") == "registered");
  CHECK(NoticeOfLocation("/parcours") == "");
  CHECK(NoticeOfLocation("/parcours#done=x") == "");
  CHECK(NoticeOfLocation("/parcours?done=%ZZ") == "");
}
