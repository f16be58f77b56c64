// Session documents (issue 12): the session's trainers and the coordinator attach files (PDF,
// images, office documents; 20 MiB each) kept in the database; confirmed registrants and
// attendees download them, as attachments. Every role against each route, bad input that
// stores nothing, files whose content is not what their name says, bodies over the limit
// refused before they are read, and the "synthèse disponible" notice.
#include <catch2/catch.hpp>

#include "api_fixture.h"
#include "raw_http.h"
#include "services/crypto.h"

using namespace parcours::testing;
using nlohmann::json;

namespace {

std::string Pdf(std::size_t size) {
  std::string b = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  for (std::size_t i = 0; b.size() < size; ++i) b.push_back(static_cast<char>('a' + i % 26));
  b.resize(size);
  return b;
}

const std::string kPng("\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29);

HttpResult Upload(HttpClient& c, const std::string& path, const std::string& bytes,
                  const std::string& content_type = "application/octet-stream") {
  return c.Request("POST", path, bytes, {{"Content-Type", content_type}});
}

// The head of an upload whose body is never sent: the answer must come from the head alone.
std::optional<RawResponse> HeadOnly(ApiFixture& f, const std::string& path, std::size_t length,
                                    const std::string& token) {
  RawConnection c(f.server->port());
  if (!c.connected()) return std::nullopt;
  std::string head = "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Type: application/pdf\r\nContent-Length: " +
                     std::to_string(length) + "\r\n";
  if (!token.empty()) head += "Authorization: Bearer " + token + "\r\n";
  if (!c.Send(head + "\r\n" + Pdf(1000))) return std::nullopt;
  return c.Read(10000);
}

long long StoredDocuments(ApiFixture& f) { return f.db.Count("SELECT COUNT(*) FROM session_documents"); }

}  // namespace

TEST_CASE("documents: staff attach files, registrants and attendees download them as attachments", "[api][documents]") {
  ApiFixture f;
  f.SetClock("2027-03-04T08:00:00+01:00");
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [other_tid, other_ttoken] = f.Staff("other@pf.lu", "trainer");
  auto trainer = f.Client(ttoken);
  auto other_trainer = f.Client(other_ttoken);
  auto [confirmed_id, confirmed_token] = f.Participant("confirmed@ecole.lu");
  auto [waiting_id, waiting_token] = f.Participant("waiting@ecole.lu");
  auto [absent_id, absent_token] = f.Participant("absent@ecole.lu");
  auto [stranger_id, stranger_token] = f.Participant("stranger@ecole.lu");
  auto confirmed = f.Client(confirmed_token);
  auto waiting = f.Client(waiting_token);
  auto stranger = f.Client(stranger_token);
  REQUIRE(f.coordinator->Post("/api/v1/agencies", {{"code", "IFEN"}, {"name", "IFEN"}}).status == 201);
  auto agency = f.Client(f.coordinator->Post("/api/v1/agencies/IFEN/keys", nullptr).json()["key"].get<std::string>());

  auto module = f.Module("DOCS");
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 2},
                                                       {"min_registrants", 0}, {"trainer_ids", {tid}}});
  REQUIRE(made.status == 201);
  const std::string session = made.json()["id"];
  const std::string other_session = f.Session(module, 5, "2027-04-04T09:00:00+02:00", "2027-04-04T13:00:00+02:00");
  for (const auto& id : {confirmed_id, absent_id, waiting_id})
    REQUIRE(f.coordinator->Post("/api/v1/sessions/" + session + "/registrations", {{"participant_id", id}}).status == 201);
  const std::string path = "/api/v1/sessions/" + session + "/documents";

  // Who may add: the session's trainers and coordinators; everyone else is refused first.
  const std::string pdf = Pdf(4000);
  CHECK(Upload(*f.Client(), path, pdf).status == 401);
  CHECK(Upload(*confirmed, path, pdf).status == 403);
  CHECK(Upload(*agency, path, pdf).status == 403);
  CHECK(Upload(*other_trainer, path, pdf).status == 403);
  CHECK(Upload(*f.coordinator, "/api/v1/sessions/999999/documents", pdf).status == 404);
  // A refused caller's bad input is still a 403 (authorised before anything is read).
  CHECK(Upload(*confirmed, path + "?kind=nope", "<html>").status == 403);

  // Bad input stores nothing.
  CHECK(Upload(*trainer, path + "?kind=minutes", pdf).status == 422);
  CHECK(Upload(*trainer, path, "").status == 422);
  CHECK(Upload(*trainer, path + "?title=" + std::string(201, 'x'), pdf).status == 422);
  // A name with a right-to-left override ("invoice<RLO>fdp.exe" reads as "invoiceexe.pdf").
  CHECK(Upload(*trainer, path + "?filename=invoice%E2%80%AEfdp.exe", pdf).status == 422);
  // Control characters and bytes that are not UTF-8 do not get past the request target.
  CHECK(Upload(*trainer, path + "?filename=a%0Ab.pdf", pdf).status == 400);
  CHECK(Upload(*trainer, path + "?filename=%FF.pdf", pdf).status == 400);
  CHECK(Upload(*trainer, path + "?colour=red", pdf).status == 400);
  // The type comes from the content, not the name or the declared type.
  auto html = Upload(*trainer, path + "?filename=synthese.pdf", "<!DOCTYPE html><script>alert(1)</script>", "application/pdf");
  CHECK(html.status == 415);
  CHECK(html.header("content-type") == "application/problem+json");
  CHECK(Upload(*trainer, path + "?filename=notes.docx", std::string("PK\x03\x04", 4) + std::string(40, 'x')).status == 415);
  CHECK(Upload(*trainer, path + "?filename=setup.pdf", std::string("MZ\x90\0\x03\0", 6)).status == 415);
  CHECK(StoredDocuments(f) == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_document_chunks") == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.added'") == 0);

  // A handout from the trainer, with a path and quotes in its name.
  auto handout = Upload(*trainer, path + "?title=Support%20de%20cours&filename=C:%5Ctmp%5C%22Support%22%20s%C3%A9ance.pdf", pdf);
  REQUIRE(handout.status == 201);
  const std::string handout_id = handout.json()["id"];
  CHECK(handout.header("location") == path + "/" + handout_id);
  CHECK(handout.json()["kind"] == "handout");
  CHECK(handout.json()["title"] == "Support de cours");
  CHECK(handout.json()["filename"] == "Support séance.pdf");
  CHECK(handout.json()["content_type"] == "application/pdf");
  CHECK(handout.json()["size"] == 4000);
  CHECK(handout.json()["sha256"] == parcours::Sha256Hex(pdf));
  // A PNG named like a page is a PNG, served as a file to save.
  auto image = Upload(*f.coordinator, path + "?kind=other&filename=page.html", kPng, "text/html");
  REQUIRE(image.status == 201);
  CHECK(image.json()["content_type"] == "image/png");
  CHECK(image.json()["title"] == "page.html");
  // A file of several megabytes is stored in pieces and comes back byte for byte.
  const std::string large = Pdf(2'600'000);
  auto big = Upload(*trainer, path + "?filename=large.pdf", large);
  REQUIRE(big.status == 201);
  const std::string big_id = big.json()["id"];
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_document_chunks WHERE document_id = " + big_id) == 3);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.added'") == 3);

  // Who may read: staff of the session, confirmed registrants; not the waiting list, not others.
  for (auto* reader : {f.coordinator.get(), trainer.get(), confirmed.get()}) {
    auto list = reader->Get(path);
    REQUIRE(list.status == 200);
    REQUIRE(list.json()["items"].size() == 3);
    CHECK(list.json()["items"][0]["id"] == handout_id);
  }
  CHECK(waiting->Get(path).status == 403);
  CHECK(stranger->Get(path).status == 403);
  CHECK(other_trainer->Get(path).status == 403);
  CHECK(agency->Get(path).status == 403);
  CHECK(f.Client()->Get(path).status == 401);
  CHECK(f.coordinator->Get("/api/v1/sessions/999999/documents").status == 404);

  auto file = confirmed->Get(path + "/" + handout_id);
  REQUIRE(file.status == 200);
  CHECK(file.body == pdf);
  CHECK(file.header("content-type") == "application/pdf");
  CHECK(file.header("content-disposition") ==
        "attachment; filename=\"Support s__ance.pdf\"; filename*=UTF-8''Support%20s%C3%A9ance.pdf");
  CHECK(file.header("x-content-type-options") == "nosniff");
  CHECK(file.header("cache-control") == "private, no-store");
  CHECK(file.header("content-security-policy").rfind("sandbox", 0) == 0);
  auto png = trainer->Get(path + "/" + image.json()["id"].get<std::string>());
  REQUIRE(png.status == 200);
  CHECK(png.header("content-type") == "image/png");
  CHECK(png.header("content-disposition").rfind("attachment; filename=\"page.html\"", 0) == 0);
  auto back = f.coordinator->Get(path + "/" + big_id);
  REQUIRE(back.status == 200);
  CHECK(back.body == large);
  CHECK(waiting->Get(path + "/" + handout_id).status == 403);
  CHECK(stranger->Get(path + "/" + handout_id).status == 403);
  CHECK(f.Client()->Get(path + "/" + handout_id).status == 401);
  CHECK(f.coordinator->Get("/api/v1/sessions/" + other_session + "/documents/" + handout_id).status == 404);
  CHECK(f.coordinator->Get(path + "/999999").status == 404);

  // The synthesis, after the session: attendees hear of it (not the absent, not the waiting
  // list); an attendee may read the documents.
  f.SetClock("2027-03-04T10:00:00+01:00");
  json records = json::array({{{"participant_id", confirmed_id}, {"status", "present"}},
                              {{"participant_id", absent_id}, {"status", "absent"}}});
  REQUIRE(trainer->Put("/api/v1/sessions/" + session + "/attendance", {{"records", records}}).status == 200);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'document_available'") == 0);
  auto synthesis = Upload(*trainer, path + "?kind=synthesis&title=Synth%C3%A8se&filename=synthese.pdf", Pdf(1000));
  REQUIRE(synthesis.status == 201);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'document_available'") == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM notifications WHERE kind = 'document_available' AND user_id = " +
                   confirmed_id) == 1);
  CHECK(f.db.Scalar("SELECT subject FROM notifications WHERE kind = 'document_available'").rfind("Synthèse disponible", 0) == 0);
  CHECK(f.Client(absent_token)->Get(path).status == 200);  // still a confirmed registrant
}

TEST_CASE("documents: bodies over the limit, or large ones from callers who may not upload, are refused from the head",
          "[api][documents]") {
  ApiFixture f;
  f.coordinator->set_token(f.Login(kCoordinatorEmail, kCoordinatorPassword));
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [pid, ptoken] = f.Participant("p@ecole.lu");
  auto module = f.Module("BIG");
  auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", "2027-03-04T09:00:00+01:00"},
                                                       {"ends_at", "2027-03-04T13:00:00+01:00"}, {"capacity", 5},
                                                       {"min_registrants", 0}, {"trainer_ids", {tid}}});
  REQUIRE(made.status == 201);
  const std::string path = "/api/v1/sessions/" + made.json()["id"].get<std::string>() + "/documents";
  const std::size_t kLimit = 20u * 1024 * 1024;

  // Over 20 MiB, even from the trainer: 413 at once, the body never sent.
  auto over = HeadOnly(f, path, kLimit + 1, ttoken);
  REQUIRE(over);
  CHECK(over->status == 413);
  // Over the general 1 MiB from someone who may not upload (or nobody): 413 before the body.
  for (const std::string& token : {ptoken, std::string(), std::string("not-a-valid-token")}) {
    auto r = HeadOnly(f, path, 2u * 1024 * 1024, token);
    REQUIRE(r);
    CHECK(r->status == 413);
  }
  // A trainer who does not teach this session is refused from the head too (before, the head
  // was checked by role only and they could send 20 MiB before their 403).
  auto [oid, otoken] = f.Staff("other@pf.lu", "trainer");
  auto other = HeadOnly(f, path, 2u * 1024 * 1024, otoken);
  REQUIRE(other);
  CHECK(other->status == 413);
  // Another route keeps the general limit, whoever asks.
  auto elsewhere = HeadOnly(f, "/api/v1/sessions", 2u * 1024 * 1024, f.Login(kCoordinatorEmail, kCoordinatorPassword));
  REQUIRE(elsewhere);
  CHECK(elsewhere->status == 413);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_documents") == 0);

  // Exactly 20 MiB from the session's trainer is stored.
  auto trainer = f.Client(ttoken);
  auto full = Upload(*trainer, path + "?filename=full.pdf", Pdf(kLimit));
  REQUIRE(full.status == 201);
  CHECK(full.json()["size"] == kLimit);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_documents") == 1);
  // The coordinator, who teaches nothing, may send a large file to any session.
  auto by_coordinator = Upload(*f.coordinator, path + "?filename=desk.pdf", Pdf(2u * 1024 * 1024));
  CHECK(by_coordinator.status == 201);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_documents") == 2);
}

TEST_CASE("documents: the session's trainers and the coordinator remove a document, audited, nobody else",
          "[api][documents]") {
  ApiFixture f;
  auto [tid, ttoken] = f.Staff("trainer@pf.lu", "trainer");
  auto [oid, otoken] = f.Staff("other@pf.lu", "trainer");
  auto [pid, ptoken] = f.Participant("p@ecole.lu");
  auto trainer = f.Client(ttoken);
  auto module = f.Module("DEL");
  std::vector<std::string> sessions;
  for (const char* day : {"2027-03-04", "2027-03-11"}) {
    auto made = f.coordinator->Post("/api/v1/sessions", {{"module_id", module}, {"starts_at", std::string(day) + "T09:00:00+01:00"},
                                                         {"ends_at", std::string(day) + "T13:00:00+01:00"}, {"capacity", 5},
                                                         {"min_registrants", 0}, {"trainer_ids", {tid}}});
    REQUIRE(made.status == 201);
    sessions.push_back(made.json()["id"]);
  }
  const std::string path = "/api/v1/sessions/" + sessions[0] + "/documents";
  auto added = Upload(*trainer, path + "?filename=notes.pdf", Pdf(3000));
  REQUIRE(added.status == 201);
  const std::string doc = added.json()["id"];
  REQUIRE(Upload(*trainer, path + "?filename=second.pdf", Pdf(2000)).status == 201);

  CHECK(f.Client()->Delete(path + "/" + doc).status == 401);
  for (const std::string& token : {ptoken, otoken}) CHECK(f.Client(token)->Delete(path + "/" + doc).status == 403);
  CHECK(trainer->Delete("/api/v1/sessions/" + sessions[1] + "/documents/" + doc).status == 404);  // another session's
  CHECK(trainer->Delete(path + "/999999").status == 404);
  CHECK(trainer->Request("DELETE", path + "/" + doc, "{\"why\":1}", {{"Content-Type", "application/json"}}).status == 400);
  CHECK(StoredDocuments(f) == 2);

  CHECK(trainer->Delete(path + "/" + doc).status == 204);
  CHECK(trainer->Delete(path + "/" + doc).status == 404);
  CHECK(trainer->Get(path + "/" + doc).status == 404);
  CHECK(StoredDocuments(f) == 1);
  CHECK(f.db.Count("SELECT COUNT(*) FROM session_document_chunks WHERE document_id = " + doc) == 0);
  CHECK(f.db.Count("SELECT COUNT(*) FROM audit_log WHERE action = 'document.deleted' AND entity_id = " + doc) == 1);
  // The coordinator, who teaches nothing, removes the other one.
  const std::string second = trainer->Get(path).json()["items"][0]["id"];
  CHECK(f.coordinator->Delete(path + "/" + second).status == 204);
  CHECK(StoredDocuments(f) == 0);
}
