// The yearly participation report reproduces the centre's published 2024 table
// ("Participations chiffrées 2024", seeds/000_*.txt), built through the API: agencies push
// their enrolments, the coordinator registers the others, trainers' sheets are backfilled.
#include <catch2/catch.hpp>

#include <array>
#include <map>

#include "api_fixture.h"
#include "services/csv.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

struct Line {
  std::string title;
  std::array<int, 4> counts;  // IFEN, FEDAS, DIRECT (others/Cesas), SPECIALISED
};

const std::vector<Line> kLtas = {
    {"Contraception", {9, 5, 3, 0}},
    {"Diversité sexuelle, corporelle et de genre", {11, 9, 2, 0}},
    {"Droits sexuels et violence", {11, 3, 1, 0}},
    {"Nouveaux médias", {18, 9, 1, 0}},
    {"Puberté-anatomie", {10, 9, 4, 0}},
    {"IST", {4, 4, 1, 0}},
    {"Journée pratique « Toolkit »", {9, 8, 0, 24}},
};
const std::vector<Line> kOneOff = {
    {"Formation Education sexuelle et interculturalité (GT LTAS)", {0, 0, 0, 13}},
    {"Formation Petite enfance : Resilienz", {0, 9, 0, 0}},
    {"Colloque Contraception (en ligne)", {0, 0, 0, 25}},
    {"Formations entre pair.es (Plateforme VsV) (en ligne)", {0, 0, 0, 20}},
    {"Elternnachmittag « Liebe und mehr »", {0, 0, 0, 30}},
    {"Journée pédagogique « Voie du préparatoire »", {17, 0, 0, 0}},
    {"Speed-Meeting Journée SAS 28 juin 2024", {0, 0, 0, 71}},
};
const char* kChannels[] = {"IFEN", "FEDAS", "DIRECT", "SPECIALISED"};

struct World {
  ApiFixture& f;
  std::vector<std::pair<std::string, std::string>> people;  // id, email
  std::map<std::string, std::unique_ptr<HttpClient>> agency;
  std::map<std::string, std::string> session_agency;  // session id → the agency offering it
  int external = 0;

  // Registers people[0..] of each channel in `session`; returns the participant ids.
  std::vector<std::string> Fill(const std::string& session, const std::array<int, 4>& counts, int offset = 0) {
    std::vector<std::string> ids;
    int next = offset;
    for (int ch = 0; ch < 4; ++ch)
      for (int k = 0; k < counts[ch]; ++k) {
        auto& [id, email] = people.at(next++);
        if (ch < 2 && session_agency[session] == kChannels[ch]) {
          // The session's agency pushes its enrolments, finding the person by e-mail.
          auto r = agency[kChannels[ch]]->Put(
              "/api/v1/agencies/" + std::string(kChannels[ch]) + "/enrolments/E" + std::to_string(++external),
              {{"session_id", session}, {"participant", {{"email", email}, {"name", "ignored: the account exists"}}}});
          REQUIRE(r.status == 201);
          REQUIRE(r.json()["participant_id"] == id);
        } else {
          auto r = f.coordinator->Post("/api/v1/sessions/" + session + "/registrations",
                                       {{"participant_id", id}, {"channel", kChannels[ch]}});
          REQUIRE(r.status == 201);
        }
        ids.push_back(id);
      }
    return ids;
  }
};

// A session offered through the agency with the most registrants in `counts` (if any): that
// agency pushes its enrolments; the centre records the other agency's people on their channel.
std::string MakeSession(World& w, const std::string& module, const std::string& starts, const std::string& ends,
                        const std::array<int, 4>& counts = {0, 0, 0, 0}) {
  json body = {{"module_id", module}, {"starts_at", starts}, {"ends_at", ends}, {"capacity", 200}, {"min_registrants", 0}};
  std::string agency = counts[0] == 0 && counts[1] == 0 ? "" : counts[0] >= counts[1] ? "IFEN" : "FEDAS";
  if (!agency.empty()) body["agency"] = agency;
  auto r = w.f.coordinator->Post("/api/v1/sessions", body);
  REQUIRE(r.status == 201);
  w.session_agency[r.json()["id"]] = agency;
  return r.json()["id"];
}

void MarkAll(ApiFixture& f, const std::string& session, const std::vector<std::string>& ids, const std::string& status = "present") {
  json records = json::array();
  for (const auto& id : ids) records.push_back({{"participant_id", id}, {"status", status}});
  auto r = f.coordinator->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}});
  REQUIRE(r.status == 200);
}

}  // namespace

TEST_CASE("report: the 2024 participation table of the seed report, cell by cell", "[api][report]") {
  ApiFixture f(false, {"--signups-per-hour", "1000"});  // 80 people sign up from 127.0.0.1
  f.SetClock("2023-12-01T09:00:00+01:00");
  World w{f, {}, {}, {}, 0};
  for (const char* code : {"IFEN", "FEDAS"}) {
    REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", code}, {"name", code}}).status == 201);
    w.agency[code] = f.Client();
    w.agency[code]->set_token(f.coordinator->Post(std::string("/api/v1/agencies/") + code + "/keys", nullptr).json()["key"]);
  }
  for (int i = 0; i < 80; ++i) {
    auto [id, token] = f.Participant("pro" + std::to_string(i) + "@ecole.lu", "Pro " + std::to_string(i));
    w.people.push_back({id, "pro" + std::to_string(i) + "@ecole.lu"});
  }
  // The structures of the speed-meeting's 71 people ("71 personnes provenant de 49 structures"):
  // 35 came alone, 10 structures sent two, 4 sent four; structure k is of sector k mod 5. Person
  // 75 (who came to nothing in 2024) is of a 50th structure, which is not reached.
  const char* kSectors[] = {"formal_education", "non_formal_education", "health", "social", "other"};
  std::vector<std::string> structures;
  for (int k = 0; k < 50; ++k) {
    auto st = f.coordinator->Post("/api/v1/structures", {{"name", "Structure " + std::to_string(k)}, {"sector", kSectors[k % 5]}});
    REQUIRE(st.status == 201);
    structures.push_back(st.json()["id"]);
  }
  std::map<std::string, long long> expected_sectors;
  auto join = [&](int person, int structure) {
    REQUIRE(f.coordinator->Post("/api/v1/people/" + w.people[person].first + "/memberships",
                                {{"structure_id", structures[structure]}, {"starts_on", "2020-01-01"}}).status == 201);
  };
  for (int person = 0, structure = 0; person < 71; ++structure) {
    const int size = structure < 35 ? 1 : structure < 45 ? 2 : 4;
    for (int k = 0; k < size; ++k, ++person) {
      join(person, structure);
      ++expected_sectors[kSectors[structure % 5]];
    }
  }
  join(75, 49);
  json modules = json::array();
  for (std::size_t i = 0; i < kLtas.size(); ++i)
    modules.push_back({{"code", "LTAS" + std::to_string(i)}, {"title", kLtas[i].title}, {"hours", i == 6 ? 8 : 4}});
  auto pathway = f.coordinator->Post("/api/v1/pathways", {{"code", "LTAS"}, {"title", "Let's Talk about Sex ! (LTAS)"}, {"modules", modules}}).json();

  std::vector<std::pair<std::string, std::vector<std::string>>> to_mark;  // session, present people
  std::vector<std::pair<std::string, json>> other_marks;  // session, records (nobody marks before the start)
  for (std::size_t i = 0; i < kLtas.size(); ++i) {
    const std::string module = pathway["modules"][i]["id"];
    const std::string month = (i + 2 < 10 ? "0" : "") + std::to_string(i + 2);
    if (kLtas[i].title == "Nouveaux médias") {  // two dates; IFEN people split over both
      auto s1 = MakeSession(w, module, "2024-" + month + "-05T08:00:00Z", "2024-" + month + "-05T12:00:00Z", {10, 0, 0, 0});
      auto s2 = MakeSession(w, module, "2024-" + month + "-19T08:00:00Z", "2024-" + month + "-19T12:00:00Z", {8, 9, 1, 0});
      to_mark.push_back({s1, w.Fill(s1, {10, 0, 0, 0})});
      to_mark.push_back({s2, w.Fill(s2, {8, 9, 1, 0}, 10)});
      continue;
    }
    auto s = MakeSession(w, module, "2024-" + month + "-10T08:00:00Z", "2024-" + month + "-10T12:00:00Z", kLtas[i].counts);
    auto ids = w.Fill(s, kLtas[i].counts);
    if (kLtas[i].title == "Contraception") {
      // Noise that must not count: two absents and a withdrawal.
      auto extra = w.Fill(s, {0, 0, 2, 0}, 60);
      json absent = json::array();
      for (const auto& id : extra) absent.push_back({{"participant_id", id}, {"status", "absent"}});
      other_marks.push_back({s, absent});
      auto gone = f.coordinator->Post("/api/v1/sessions/" + s + "/registrations", {{"participant_id", w.people[70].first}});
      REQUIRE(f.coordinator->Delete("/api/v1/registrations/" + gone.json()["id"].get<std::string>()).status == 200);
    }
    if (kLtas[i].title == "IST") {
      // A 2023 session of the same module does not count for 2024.
      f.SetClock("2023-06-01T09:00:00+02:00");
      auto old = MakeSession(w, module, "2023-11-20T08:00:00Z", "2023-11-20T12:00:00Z");
      auto old_ids = w.Fill(old, {0, 0, 3, 0}, 50);
      to_mark.push_back({old, old_ids});
      f.SetClock("2023-12-01T09:00:00+01:00");
      // Partial attendance counts as a participation (not toward the pathway).
      auto direct = ids.back();
      ids.pop_back();
      other_marks.push_back({s, {{{"participant_id", direct}, {"status", "partial"}, {"hours", 2}}}});
    }
    to_mark.push_back({s, ids});
  }
  for (std::size_t i = 0; i < kOneOff.size(); ++i) {
    auto m = f.coordinator->Post("/api/v1/modules", {{"code", "EV" + std::to_string(i)}, {"title", kOneOff[i].title}, {"hours", 3}});
    REQUIRE(m.status == 201);
    const std::string month = (i + 3 < 10 ? "0" : "") + std::to_string(i + 3);
    auto s = MakeSession(w, m.json()["id"], "2024-" + month + "-20T15:00:00Z", "2024-" + month + "-20T18:00:00Z", kOneOff[i].counts);
    to_mark.push_back({s, w.Fill(s, kOneOff[i].counts)});
  }
  // The year is over: sessions decided and completed; the coordinator backfills the sheets.
  f.SetClock("2025-01-15T09:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  for (const auto& [session, ids] : to_mark)
    if (!ids.empty()) MarkAll(f, session, ids);
  for (const auto& [session, records] : other_marks)
    REQUIRE(f.coordinator->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}}).status == 200);

  auto r = f.coordinator->Get("/api/v1/reports/participation?year=2024");
  REQUIRE(r.status == 200);
  auto report = r.json();
  CHECK(report["channels"] == json::array({"IFEN", "FEDAS", "DIRECT", "SPECIALISED"}));
  REQUIRE(report["rows"].size() == 1 + kOneOff.size());
  auto check_row = [](const json& row, const std::string& label, const std::array<int, 4>& counts) {
    INFO(label);
    CHECK(row["label"] == label);
    int total = 0;
    for (int ch = 0; ch < 4; ++ch) {
      CHECK(row["counts"][kChannels[ch]] == counts[ch]);
      total += counts[ch];
    }
    CHECK(row["total"] == total);
  };
  const json& ltas = report["rows"][0];
  check_row(ltas, "Let's Talk about Sex ! (LTAS)", {72, 47, 12, 24});
  CHECK(ltas["total"] == 155);
  REQUIRE(ltas["children"].size() == kLtas.size());
  for (std::size_t i = 0; i < kLtas.size(); ++i) check_row(ltas["children"][i], kLtas[i].title, kLtas[i].counts);
  std::map<std::string, json> one_off;
  for (std::size_t i = 1; i < report["rows"].size(); ++i) one_off[report["rows"][i]["label"]] = report["rows"][i];
  for (const auto& line : kOneOff) {
    REQUIRE(one_off.count(line.title));
    check_row(one_off[line.title], line.title, line.counts);
  }
  CHECK(report["totals"] == json({{"IFEN", 89}, {"FEDAS", 56}, {"DIRECT", 12}, {"SPECIALISED", 183}, {"total", 340}}));
  // Who came, by the sector of their structure, and how many structures that reached.
  CHECK(report["people"] == 71);
  CHECK(report["structures_reached"] == 49);
  for (const char* sector : kSectors) CHECK(report["sectors"][sector] == expected_sectors[sector]);
  CHECK(report["sectors"]["unknown"] == 0);

  // The same table as CSV, which a spreadsheet opens: BOM, ';', CRLF, accents intact.
  auto csv = f.coordinator->Get("/api/v1/reports/participation?year=2024&format=csv");
  REQUIRE(csv.status == 200);
  CHECK(csv.header("content-type").rfind("text/csv", 0) == 0);
  CHECK(csv.body.rfind("\xEF\xBB\xBF", 0) == 0);
  auto rows = parcours::ParseCsv(csv.body);
  REQUIRE(rows);
  CHECK((*rows)[0] == parcours::CsvRow{"training", "IFEN", "FEDAS", "DIRECT", "SPECIALISED", "total"});
  CHECK((*rows)[1] == parcours::CsvRow{"Let's Talk about Sex ! (LTAS)", "72", "47", "12", "24", "155"});
  CHECK((*rows)[8] == parcours::CsvRow{"  Journée pratique « Toolkit »", "9", "8", "0", "24", "41"});
  CHECK(rows->back() == parcours::CsvRow{"Total", "89", "56", "12", "183", "340"});

  // Other years and bad parameters.
  CHECK(f.coordinator->Get("/api/v1/reports/participation?year=2023").json()["totals"]["total"] == 3);
  CHECK(f.coordinator->Get("/api/v1/reports/participation").status == 400);
  CHECK(f.coordinator->Get("/api/v1/reports/participation?year=2024&format=xls").status == 400);
  CHECK(w.agency["IFEN"]->Get("/api/v1/reports/participation?year=2024").status == 403);

  auto sessions = f.coordinator->Get("/api/v1/reports/sessions?year=2024");
  REQUIRE(sessions.status == 200);
  CHECK(sessions.json()["offered"] == 15);
  CHECK(sessions.json()["held"] == 15);
  CHECK(sessions.json()["attended"] == 340);
}
