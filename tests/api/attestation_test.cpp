// Attestations through the real server: batch issuance after a multi-year pathway, signed
// PDFs checked with pdfsig/pdftotext and `parcours verify`, revocation, public verification.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <set>

#include "api_fixture.h"
#include "test_env.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

std::string Run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int rc = pclose(p);
  if (status) *status = WEXITSTATUS(rc);
  return out;
}

std::string Save(const std::string& bytes, const std::string& name) {
  std::string path = "/tmp/parcours-attestation-" + std::to_string(getpid()) + "-" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

struct Holder {
  std::string id;
  std::unique_ptr<HttpClient> client;
};

}  // namespace

TEST_CASE("attestations: issued after a pathway completed over two years, signed, verified, revoked", "[api][attestation]") {
  ApiFixture f;
  auto pathway = f.coordinator->Post("/api/v1/pathways",
      {{"code", "LTAS"}, {"title", "Let's Talk about Sex !"},
       {"modules", {{{"code", "L-CON"}, {"title", "Contraception"}, {"hours", 4}},
                    {{"code", "L-TOOL"}, {"title", "Journée pratique « Toolkit LTAS »"}, {"hours", 8}}}}}).json();
  const std::string pid = pathway["id"];
  const std::string mod_a = pathway["modules"][0]["id"], mod_b = pathway["modules"][1]["id"];
  auto a = f.Session(mod_a, 10, "2027-03-04T09:00:00+01:00", "2027-03-04T13:00:00+01:00");
  auto b = f.Session(mod_b, 10, "2028-03-02T09:00:00+01:00", "2028-03-02T17:00:00+01:00");
  std::vector<Holder> people;
  const std::vector<std::tuple<std::string, std::string, std::string>> who = {
      {"p1@ex.lu", "Séverine Müller-Øster", "fr"}, {"p2@ex.lu", "Anne Lefèvre", "fr"}, {"p3@ex.lu", "João Çağlar", "de"}};
  for (const auto& [email, name, lang] : who) {
    auto c = f.Client();
    auto r = c->Post("/api/v1/accounts", {{"email", email}, {"password", "a-long-password"}, {"name", name}, {"language", lang}});
    REQUIRE(r.status == 201);
    c->set_token(f.Login(email, "a-long-password"));
    for (const auto& s : {a, b}) REQUIRE(c->Post("/api/v1/sessions/" + s + "/registrations", nullptr).status == 201);
    people.push_back({r.json()["id"], std::move(c)});
  }
  // Both sessions are over: their sheets are filled in (nobody marks a session in advance).
  f.SetClock("2028-03-02T18:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  for (std::size_t i = 0; i < people.size(); ++i) people[i].client->set_token(f.Login(std::get<0>(who[i]), "a-long-password"));
  auto mark = [&](const std::string& session, const json& records) {
    REQUIRE(f.coordinator->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}}).status == 200);
  };
  mark(a, {{{"participant_id", people[0].id}, {"status", "present"}}, {{"participant_id", people[1].id}, {"status", "present"}},
           {{"participant_id", people[2].id}, {"status", "present"}}});
  mark(b, {{{"participant_id", people[0].id}, {"status", "present"}},
           {{"participant_id", people[1].id}, {"status", "partial"}, {"hours", 6}},
           {{"participant_id", people[2].id}, {"status", "present"}}});

  // Incomplete: 422 listing the missing module.
  auto missing = f.coordinator->Post("/api/v1/attestations", {{"participant_id", people[1].id}, {"pathway_id", pid}});
  REQUIRE(missing.status == 422);
  CHECK(missing.json()["errors"][0]["message"].get<std::string>().find("Journée pratique") != std::string::npos);
  CHECK(people[0].client->Post("/api/v1/pathways/" + pid + "/attestations", nullptr).status == 403);

  // Batch: exactly the two who completed, none twice.
  auto batch = f.coordinator->Post("/api/v1/pathways/" + pid + "/attestations", nullptr);
  REQUIRE(batch.status == 201);
  auto items = batch.json()["items"];
  REQUIRE(items.size() == 2);
  std::set<std::string> holders = {items[0]["participant_id"], items[1]["participant_id"]};
  CHECK(holders == std::set<std::string>{people[0].id, people[2].id});
  CHECK(f.coordinator->Post("/api/v1/pathways/" + pid + "/attestations", nullptr).json()["items"].empty());
  CHECK(f.coordinator->Post("/api/v1/attestations", {{"participant_id", people[0].id}, {"pathway_id", pid}}).status == 409);

  json mine = items[0]["participant_id"] == people[0].id ? items[0] : items[1];
  json joao = items[0]["participant_id"] == people[2].id ? items[0] : items[1];
  const std::string att = mine["id"], code = mine["verification_code"];
  CHECK(code.size() == 19);
  CHECK(people[0].client->Get("/api/v1/attestations/" + att).json() == mine);
  CHECK(people[1].client->Get("/api/v1/attestations/" + att).status == 403);
  CHECK(people[1].client->Get("/api/v1/attestations/" + att + "/pdf").status == 403);
  CHECK(people[0].client->Get("/api/v1/attestations/999999/pdf").status == 404);

  // The stored PDF: same bytes every time, its SHA-256 recorded, signed, readable.
  auto pdf1 = people[0].client->Get("/api/v1/attestations/" + att + "/pdf");
  auto pdf2 = f.coordinator->Get("/api/v1/attestations/" + att + "/pdf");
  REQUIRE(pdf1.status == 200);
  CHECK(pdf1.header("content-type") == "application/pdf");
  CHECK(pdf1.body == pdf2.body);
  const std::string file = Save(pdf1.body, "p1.pdf");
  CHECK(Run("sha256sum " + file).substr(0, 64) == mine["sha256"]);
  const std::string sig = Run("pdfsig " + file + " 2>&1");
  CHECK(sig.find("Signature is Valid") != std::string::npos);
  CHECK(sig.find("ETSI.CAdES.detached") != std::string::npos);
  CHECK(sig.find("Total document signed") != std::string::npos);
  const std::string text = Run("pdftotext " + file + " - 2>/dev/null");
  CHECK(text.find("Séverine Müller-Øster") != std::string::npos);
  CHECK(text.find("12") != std::string::npos);
  CHECK(text.find(code) != std::string::npos);
  auto joao_pdf = f.coordinator->Get("/api/v1/attestations/" + joao["id"].get<std::string>() + "/pdf");
  const std::string joao_text = Run("pdftotext " + Save(joao_pdf.body, "p3.pdf") + " - 2>/dev/null");
  CHECK(joao_text.find("João Çağlar") != std::string::npos);
  CHECK(joao_text.find("Teilnahme") != std::string::npos);
  // The issuer's wording is German on a German attestation (review issue 8, item 15).
  CHECK(joao_text.find("Die Koordination") != std::string::npos);
  CHECK(joao_text.find("Luxemburg") != std::string::npos);
  CHECK(joao_text.find("La coordination") == std::string::npos);
  CHECK(joao_text.find("Centre national") == std::string::npos);
  CHECK(text.find("La coordination") != std::string::npos);

  // parcours verify FILE.pdf: signature and record.
  const auto [key, cert] = TestSigningFiles();
  const std::string verify = "PARCOURS_DATABASE_URL='" + f.db.Url() + "' PARCOURS_SIGNING_CERT=" + cert + " " +
                             ServerBinary() + " verify ";
  int status = -1;
  CHECK(Run(verify + file + " 2>&1", &status).find("status:      valid") != std::string::npos);
  CHECK(status == 0);
  std::string tampered = pdf1.body;
  tampered[tampered.size() / 3] ^= 0x01;
  Run(verify + Save(tampered, "tampered.pdf") + " 2>&1", &status);
  CHECK(status == 1);

  // Public verification: JSON, and HTML in the reader's language.
  auto anon = f.Client();
  auto v = anon->Get("/api/v1/verify/" + code);
  REQUIRE(v.status == 200);
  CHECK(v.json()["valid"] == true);
  CHECK(v.json()["revoked"] == false);
  CHECK(v.json()["holder_name"] == "Séverine Müller-Øster");
  CHECK(v.json()["pathway_title"] == "Let's Talk about Sex !");
  CHECK(v.json()["total_hours"] == 12);
  auto page = anon->Request("GET", "/api/v1/verify/" + code, "", {{"Accept", "text/html"}, {"Accept-Language", "de-LU,de;q=0.9,fr;q=0.8"}});
  CHECK(page.header("content-type").rfind("text/html", 0) == 0);
  CHECK(page.body.find("Diese Bescheinigung ist gültig.") != std::string::npos);
  CHECK(page.body.find("Séverine Müller-Øster") != std::string::npos);
  // Codes are typed by people: lower case and without dashes work too.
  std::string typed;
  for (char c : code) if (c != '-') typed += static_cast<char>(std::tolower(c));
  CHECK(anon->Get("/api/v1/verify/" + typed).status == 200);
  CHECK(anon->Get("/api/v1/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ").status == 404);
  CHECK(anon->Get("/api/v1/verify/not-a-code").status == 404);
  auto unknown_page = anon->Request("GET", "/api/v1/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ", "", {{"Accept", "text/html"}, {"Accept-Language", "en"}});
  CHECK(unknown_page.status == 404);
  CHECK(unknown_page.body.find("No attestation has this code.") != std::string::npos);

  // Revocation: verifies as revoked, the file no longer verifies, re-issuing is possible.
  CHECK(people[0].client->Post("/api/v1/attestations/" + att + "/revoke", {{"reason", "x"}}).status == 403);
  auto revoked = f.coordinator->Post("/api/v1/attestations/" + att + "/revoke", {{"reason", "Erreur de saisie"}});
  REQUIRE(revoked.status == 200);
  CHECK(revoked.json()["revoked"] == true);
  CHECK(f.coordinator->Post("/api/v1/attestations/" + att + "/revoke", {{"reason", "again"}}).status == 409);
  auto after = anon->Get("/api/v1/verify/" + code).json();
  CHECK(after["valid"] == false);
  CHECK(after["revoked"] == true);
  CHECK(anon->Request("GET", "/api/v1/verify/" + code, "", {{"Accept", "text/html"}, {"Accept-Language", "fr"}})
            .body.find("Cette attestation a été révoquée.") != std::string::npos);
  CHECK(Run(verify + file + " 2>&1", &status).find("REVOKED") != std::string::npos);
  CHECK(status == 1);
  // The batch never re-issues a revoked attestation: that is the coordinator's explicit act.
  auto batch_after = f.coordinator->Post("/api/v1/pathways/" + pid + "/attestations", nullptr);
  REQUIRE(batch_after.status == 201);
  CHECK(batch_after.json()["items"].empty());
  auto completions = f.coordinator->Get("/api/v1/pathways/" + pid + "/completions");
  REQUIRE(completions.status == 200);
  REQUIRE(completions.json()["items"].size() == 2);
  CHECK(completions.json()["items"][0]["due"] == false);
  CHECK(completions.json()["items"][1]["due"] == false);
  CHECK(f.coordinator->Get("/api/v1/pathways/" + pid + "/completions?due=true").json()["items"].empty());
  CHECK(people[0].client->Get("/api/v1/pathways/" + pid + "/completions").status == 403);
  auto reissued = f.coordinator->Post("/api/v1/attestations",
                                      {{"participant_id", people[0].id}, {"pathway_id", pid}, {"reason", "Corrigée"}});
  CHECK(reissued.status == 201);
  CHECK(reissued.json()["verification_code"] != code);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action IN ('attestation.issued', 'attestation.revoked')") == 3);
  CHECK(f.db.Scalar("SELECT JSON_UNQUOTE(JSON_EXTRACT(after_json, '$.reason')) FROM audit_log "
                    "WHERE action = 'attestation.reissued'") == "Corrigée");

  // A per-session attendance certificate, signed on demand.
  auto regs = people[1].client->Get("/api/v1/me/registrations").json()["items"];
  auto cert_pdf = people[1].client->Get("/api/v1/registrations/" + regs[0]["id"].get<std::string>() + "/certificate.pdf");
  REQUIRE(cert_pdf.status == 200);
  CHECK(Run("pdfsig " + Save(cert_pdf.body, "attendance.pdf") + " 2>&1").find("Signature is Valid") != std::string::npos);
  CHECK(people[0].client->Get("/api/v1/registrations/" + regs[0]["id"].get<std::string>() + "/certificate.pdf").status == 404);
  std::system(("rm -f /tmp/parcours-attestation-" + std::to_string(getpid()) + "-*").c_str());
}
