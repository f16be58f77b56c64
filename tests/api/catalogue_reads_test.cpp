// Catalogue reads kept by each server process (issue 13): two processes on one database, a
// change made through one is seen through the other within the stated bound (at once for a
// session created, edited or cancelled; within one second for places left), in the JSON and
// on the pages; ETag and If-None-Match give 304 while nothing changed, and a new ETag after.
#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "api_fixture.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

// The bound for places left (catalogue_cache.h), and a little more for the request itself.
void WaitCountsBound() { std::this_thread::sleep_for(std::chrono::milliseconds(1100)); }

const std::map<std::string, std::string> kEnglish = {{"Accept-Language", "en"}};

HttpResult Conditional(HttpClient& c, const std::string& path, const std::string& etag,
                       std::map<std::string, std::string> headers = kEnglish) {
  headers["If-None-Match"] = etag;
  return c.Request("GET", path, "", headers);
}

// Reads `path` again with the ETag `before` had: the change shows, so 200 and another ETag.
HttpResult Changed(HttpClient& c, const std::string& path, const HttpResult& before) {
  auto r = Conditional(c, path, before.header("etag"));
  REQUIRE(r.status == 200);
  CHECK(r.header("etag") != before.header("etag"));
  return r;
}

}  // namespace

TEST_CASE("catalogue reads: changes through one process are seen through another within the bound",
          "[api][reads]") {
  ApiFixture f;
  ServerProcess second(f.db.Url());
  HttpClient b(second.BaseUrl());  // reads through the second process; changes go through the first
  const std::string session = f.Session(f.Module("READS"), 2);
  const std::string json_path = "/api/v1/sessions/" + session;
  const std::string page_path = "/sessions/" + session;

  // Read once through B, so that B keeps them.
  auto one = b.Request("GET", json_path, "", kEnglish);
  REQUIRE(one.status == 200);
  CHECK(one.json()["capacity"] == 2);
  auto list = b.Request("GET", "/api/v1/sessions?limit=20", "", kEnglish);
  REQUIRE(list.status == 200);
  auto page = b.Request("GET", page_path, "", kEnglish);
  REQUIRE(page.status == 200);
  CHECK(Contains(page.body, "0 of 2 registered"));
  auto catalogue = b.Request("GET", "/", "", kEnglish);
  REQUIRE(catalogue.status == 200);
  CHECK(Contains(catalogue.body, "2 places left"));

  SECTION("ETag and If-None-Match: 304 while nothing changed, with the same validators") {
    for (const auto* r : {&one, &list, &page, &catalogue}) {
      REQUIRE_FALSE(r->header("etag").empty());
      CHECK(Contains(r->header("cache-control"), "no-cache"));
      CHECK_FALSE(Contains(r->header("cache-control"), "public"));
    }
    auto again = Conditional(b, json_path, one.header("etag"));
    CHECK(again.status == 304);
    CHECK(again.body.empty());
    CHECK(again.header("etag") == one.header("etag"));
    CHECK(Conditional(b, "/api/v1/sessions?limit=20", list.header("etag")).status == 304);
    CHECK(Conditional(b, page_path, page.header("etag")).status == 304);
    CHECK(Conditional(b, "/", catalogue.header("etag")).status == 304);
    // The other process gives the same validator for the same bytes (a proxy may alternate).
    auto on_a = f.Client()->Request("GET", json_path, "", {{"Accept-Language", "en"}, {"If-None-Match", one.header("etag")}});
    CHECK(on_a.status == 304);
    // Another ETag, or a list of others, is answered in full.
    CHECK(Conditional(b, json_path, "\"0000000000000000\"").status == 200);
    CHECK(Conditional(b, json_path, "\"x\", " + one.header("etag")).status == 304);
  }

  SECTION("a capacity change is seen at once, and changes the ETag") {
    auto edit = f.coordinator->Request("PATCH", json_path, json{{"capacity", 3}}.dump());
    REQUIRE(edit.status == 200);
    CHECK(Changed(b, json_path, one).json()["capacity"] == 3);
    CHECK(Contains(Changed(b, page_path, page).body, "0 of 3 registered"));
    CHECK(Contains(Changed(b, "/", catalogue).body, "3 places left"));
  }

  SECTION("a cancellation is seen at once") {
    auto cancel = f.coordinator->Post(json_path + "/cancel", {{"reason", "Trainer ill"}});
    REQUIRE(cancel.status == 200);
    CHECK(Changed(b, json_path, one).json()["status"] == "cancelled");
    CHECK(Changed(b, "/api/v1/sessions?limit=20", list).json()["items"][0]["status"] == "cancelled");
    CHECK(Contains(Changed(b, page_path, page).body, "This session is cancelled."));
    CHECK_FALSE(Contains(Changed(b, "/", catalogue).body, "2 places left"));
  }

  SECTION("registrations filling the last place are seen within a second") {
    for (const char* email : {"first@reads.lu", "last@reads.lu"}) {
      auto [id, token] = f.Participant(email);
      auto c = f.Client();
      c->set_token(token);
      REQUIRE(c->Post(json_path + "/registrations", nullptr).status == 201);
    }
    WaitCountsBound();
    CHECK(Changed(b, json_path, one).json()["confirmed_count"] == 2);
    CHECK(Contains(Changed(b, page_path, page).body, "2 of 2 registered"));
    auto full = Changed(b, "/", catalogue).body;
    CHECK(Contains(full, "badge warn"));
    CHECK_FALSE(Contains(full, "2 places left"));
  }
}

TEST_CASE("catalogue reads: mon parcours has an ETag, is private, and changes with the person's registrations",
          "[api][reads]") {
  ApiFixture f;
  ServerProcess second(f.db.Url());
  const std::string session = f.Session(f.Module("MINE"), 5);
  auto [id, token] = f.Participant("mine@reads.lu");
  HttpClient b(second.BaseUrl());
  const std::map<std::string, std::string> cookie = {{"Cookie", "parcours_session=" + token}, {"Accept-Language", "en"}};
  auto first = b.Request("GET", "/parcours", "", cookie);
  REQUIRE(first.status == 200);
  REQUIRE_FALSE(first.header("etag").empty());
  CHECK(first.header("cache-control") == "private, no-cache");
  CHECK(Conditional(b, "/parcours", first.header("etag"), cookie).status == 304);
  // Another person's page is another page.
  auto [other_id, other_token] = f.Participant("other@reads.lu", "Jean Other");
  auto other = b.Request("GET", "/parcours", "", {{"Cookie", "parcours_session=" + other_token}, {"Accept-Language", "en"}});
  REQUIRE(other.status == 200);
  CHECK(other.header("etag") != first.header("etag"));

  auto a = f.Client();
  a->set_token(token);
  auto registered = a->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
  REQUIRE(registered.status == 201);
  // The session's page through B shows the person's own registration (read for them, not kept).
  auto page = b.Request("GET", "/sessions/" + session, "", cookie);
  REQUIRE(page.status == 200);
  CHECK(page.header("cache-control") == "private, no-cache");
  CHECK(Contains(page.body, "/registrations/" + registered.json()["id"].get<std::string>() + "/withdraw"));
}

TEST_CASE("catalogue reads: mon parcours kept per person shows every change made through another process at once",
          "[api][reads][person_version]") {
  // B keeps each person's rows while their version holds; the changes go through A. Without
  // the version bumped in the change's transaction, B would answer with the kept rows.
  ApiFixture f;
  ServerProcess second(f.db.Url());
  HttpClient b(second.BaseUrl());
  auto pathway = f.coordinator->Post("/api/v1/pathways",
      {{"code", "KEPT"}, {"title", "Kept pathway"}, {"modules", {{{"code", "KEPT-1"}, {"title", "Kept module"}, {"hours", 4}}}}});
  REQUIRE(pathway.status == 201);
  const std::string module = pathway.json()["modules"][0]["id"];
  const std::string session = f.Session(module, 1);
  struct Person {
    std::string token;
    std::unique_ptr<HttpClient> a;
    std::string registration;
  };
  std::vector<Person> people;
  for (const char* email : {"first@kept.lu", "second@kept.lu", "third@kept.lu"}) {
    auto [id, token] = f.Participant(email);
    Person p{token, f.Client(), ""};
    p.a->set_token(token);
    people.push_back(std::move(p));
  }
  // Asked the same way each time (no Set-Cookie in the answer), so that B's server keeps the
  // whole answer and gives it out after a version read alone while it is fresh.
  auto page = [&](const Person& p) {
    auto r = b.Request("GET", "/parcours", "", {{"Cookie", "parcours_session=" + p.token + "; parcours_lang=en"}});
    REQUIRE(r.status == 200);
    return r.body;
  };
  Person& third = people[2];
  CHECK_FALSE(Contains(page(third), "Kept module"));  // nothing started yet: kept as such by B
  for (auto& p : people) {
    auto r = p.a->Post("/api/v1/sessions/" + session + "/registrations", nullptr);
    REQUIRE(r.status == 201);
    p.registration = r.json()["id"];
  }
  // Their own registration, through A, shows at once through B.
  CHECK(Contains(page(third), "waiting list, position 2"));
  CHECK(Contains(page(third), "waiting list, position 2"));  // kept, the same
  // Someone ahead on the waiting list withdraws: the third person's place moves at once.
  REQUIRE(people[1].a->Request("DELETE", "/api/v1/registrations/" + people[1].registration).status == 200);
  CHECK(Contains(page(third), "waiting list, position 1"));
  // The confirmed person withdraws: the third is promoted, and sees it at once.
  REQUIRE(people[0].a->Request("DELETE", "/api/v1/registrations/" + people[0].registration).status == 200);
  auto promoted = page(third);
  CHECK_FALSE(Contains(promoted, "waiting list, position"));
  CHECK(Contains(promoted, "<span class=\"badge ok\">registered</span>"));
  // A change to the session (structure version) shows at once too.
  REQUIRE(f.coordinator->Request("PATCH", "/api/v1/sessions/" + session, json{{"location", "Salle Kept"}}.dump()).status == 200);
  CHECK(Contains(page(third), "Salle Kept"));
  // Their own withdrawal: the date is offered again instead.
  REQUIRE(third.a->Request("DELETE", "/api/v1/registrations/" + third.registration).status == 200);
  auto withdrawn = page(third);
  CHECK_FALSE(Contains(withdrawn, "<span class=\"badge ok\">registered</span>"));
  CHECK(Contains(withdrawn, "Next dates:"));
  CHECK(Contains(page(third), "Next dates:"));  // kept again
  // Signed out through A: B's kept page is not given out for that sign-in any more.
  REQUIRE(third.a->Post("/api/v1/auth/logout", nullptr).status == 204);
  auto after = b.Request("GET", "/parcours", "", {{"Cookie", "parcours_session=" + third.token + "; parcours_lang=en"}});
  CHECK(after.status == 303);
  CHECK(Contains(after.header("location"), "/login"));
}

TEST_CASE("catalogue reads: the modules are kept like the catalogue, a new module seen at once through another process",
          "[api][reads]") {
  ApiFixture f;
  ServerProcess second(f.db.Url());
  HttpClient b(second.BaseUrl());
  const std::string first = f.Module("MODS-1");
  auto list = b.Request("GET", "/api/v1/modules?limit=50", "", kEnglish);
  REQUIRE(list.status == 200);
  CHECK(Contains(list.header("cache-control"), "no-cache"));
  CHECK(Conditional(b, "/api/v1/modules?limit=50", list.header("etag")).status == 304);
  auto one = b.Request("GET", "/api/v1/modules/" + first, "", kEnglish);
  REQUIRE(one.status == 200);
  CHECK(Conditional(b, "/api/v1/modules/" + first, one.header("etag")).status == 304);
  CHECK(b.Request("GET", "/api/v1/modules/999999", "", kEnglish).status == 404);  // not kept as a 200
  const std::string added = f.Module("MODS-2");
  auto after = Changed(b, "/api/v1/modules?limit=50", list).json();
  bool seen = false;
  for (const auto& m : after["items"]) seen |= m["id"] == added;
  CHECK(seen);
}

TEST_CASE("catalogue reads: invented filters are answered but not kept, the pages people ask for stay kept",
          "[api][reads][pages]") {
  ApiFixture f(false, {"--metrics-listen", "public"});
  const std::string module = f.Module("KEPT");
  f.Session(module, 12, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00");
  f.SetClock("2027-01-15T10:00:00+01:00");  // the months offered: 2027-01 to 2027-12
  auto c = f.Client();
  auto kept_pages = [&] {
    const std::string text = c->Get("/metrics").body;
    const std::string name = "\nparcours_kept_pages ";
    const auto at = text.find(name);
    REQUIRE(at != std::string::npos);
    return std::stoi(text.substr(at + name.size()));
  };
  REQUIRE(c->Request("GET", "/", "", kEnglish).status == 200);
  CHECK(kept_pages() == 1);
  // Module ids that no module has and months the page does not list: each answered (an empty
  // list), none kept.
  for (int i = 0; i < 300; ++i) {
    INFO(i);
    REQUIRE(c->Request("GET", "/?module=" + std::to_string(900000 + i), "", kEnglish).status == 200);
  }
  for (const char* month : {"2026-12", "2028-01", "2099-07", "1970-01"})
    CHECK(c->Request("GET", std::string("/?month=") + month, "", kEnglish).status == 200);
  CHECK(kept_pages() == 1);
  // The module's own filter, and an offered month: kept beside the plain page.
  auto filtered = c->Request("GET", "/?module=" + module + "&month=2027-03", "", kEnglish);
  REQUIRE(filtered.status == 200);
  CHECK(Contains(filtered.body, "/sessions/"));
  CHECK(kept_pages() == 2);
  // The plain page is still served (and was never dropped).
  CHECK(Contains(c->Request("GET", "/", "", kEnglish).body, "12 places left"));
  CHECK(kept_pages() == 2);
}
