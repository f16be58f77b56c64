// Unit tests of BuildMimeMessage (src/notify/smtp_mailer): the RFC 5322 / MIME text of a
// notification e-mail — headers, RFC 2047 subject, base64 text part, invite.ics part.
#include "notify/smtp_mailer.h"

#include <catch2/catch.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/text.h"
#include "services/ics.h"
#include "test_values.h"

namespace parcours {
namespace {

using namespace std::chrono;

// Strict base64: the alphabet, CRLF between lines, '=' padding only at the end.
std::string Base64Decode(const std::string& in) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  std::string out;
  unsigned acc = 0;
  int bits = 0, padding = 0, symbols = 0;
  for (char c : in) {
    if (c == '\r' || c == '\n') continue;
    if (c == '=') {
      ++padding;
      ++symbols;
      continue;
    }
    INFO("base64 character " << int(static_cast<unsigned char>(c)));
    REQUIRE(value(c) >= 0);
    REQUIRE(padding == 0);
    ++symbols;
    acc = acc << 6 | static_cast<unsigned>(value(c));
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>(acc >> bits & 0xff);
    }
  }
  CHECK(symbols % 4 == 0);
  CHECK(padding <= 2);
  return out;
}

Notification Sample() {
  Notification n;
  n.id = 314;
  n.user_id = 7;
  n.kind = NotificationKind::kRegistrationConfirmed;
  n.to_email = "ana@ecole.lu";
  n.language = "fr";
  n.subject = "Inscription confirmée : Contraception";
  n.body_text =
      "Bonjour Ana,\n\nVotre inscription à « Contraception » est confirmée.\n\n"
      "Date : 04/03/2027 09:00–13:00\nLieu : Luxembourg\n\nParcours\n";
  n.created_at = Utc(2027, 2, 1, 10, 15, 30);
  return n;
}

std::string Ics(const std::string& method, bool cancelled) {
  CalendarEvent e;
  e.uid = SessionEventUid(42, 7);
  e.starts_at = Utc(2027, 3, 4, 8);
  e.ends_at = Utc(2027, 3, 4, 12);
  e.stamp = Utc(2027, 2, 1, 10, 15, 30);
  e.summary = "Contraception";
  e.location = "Luxembourg";
  e.cancelled = cancelled;
  return RenderCalendar({e}, method);
}

const std::string kFrom = "Parcours <no-reply@parcours.lu>";

struct Part {
  std::vector<std::string> headers;  // unfolded
  std::string body;                  // raw (still encoded)
  bool HasHeader(const std::string& line) const {
    for (const auto& h : headers)
      if (h == line) return true;
    return false;
  }
  std::string Header(const std::string& name) const {
    for (const auto& h : headers)
      if (h.rfind(name + ": ", 0) == 0) return h.substr(name.size() + 2);
    return "";
  }
};

// Splits "headers CRLF CRLF body" and unfolds the header lines.
Part ParseEntity(const std::string& text) {
  Part p;
  auto blank = text.find("\r\n\r\n");
  REQUIRE(blank != std::string::npos);
  std::string head = text.substr(0, blank + 2);
  p.body = text.substr(blank + 4);
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto end = head.find("\r\n", pos);
    std::string line = head.substr(pos, end - pos);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      REQUIRE_FALSE(p.headers.empty());
      p.headers.back() += line;
    } else {
      p.headers.push_back(line);
    }
    pos = end + 2;
  }
  return p;
}

struct Message {
  Part top;
  std::vector<Part> parts;
};

Message ParseMessage(const std::string& text) {
  Message m;
  m.top = ParseEntity(text);
  std::string type = m.top.Header("Content-Type");
  auto b = type.find("boundary=\"");
  REQUIRE(b != std::string::npos);
  b += 10;
  std::string boundary = type.substr(b, type.find('"', b) - b);
  REQUIRE_FALSE(boundary.empty());
  const std::string delimiter = "--" + boundary;
  const std::string& body = m.top.body;
  REQUIRE(body.rfind(delimiter + "\r\n", 0) == 0);
  const std::string close = "\r\n" + delimiter + "--\r\n";
  REQUIRE(body.size() >= close.size());
  CHECK(body.substr(body.size() - close.size()) == close);
  std::size_t pos = delimiter.size() + 2;
  for (;;) {
    auto next = body.find("\r\n" + delimiter, pos);
    REQUIRE(next != std::string::npos);
    m.parts.push_back(ParseEntity(body.substr(pos, next - pos + 2)));
    pos = next + 2 + delimiter.size();
    if (body.compare(pos, 2, "--") == 0) break;
    REQUIRE(body.compare(pos, 2, "\r\n") == 0);
    pos += 2;
  }
  return m;
}

// Decodes a header value made of RFC 2047 B-encoded UTF-8 words (whitespace between
// adjacent encoded words is dropped, as RFC 2047 §6.2 says) or plain text.
std::string DecodeHeader(const std::string& value) {
  std::string out, pending_space;
  std::size_t pos = 0;
  bool last_was_word = false;
  while (pos < value.size()) {
    if (value.compare(pos, 10, "=?UTF-8?B?") == 0) {
      auto end = value.find("?=", pos + 10);
      REQUIRE(end != std::string::npos);
      if (!last_was_word) out += pending_space;
      pending_space.clear();
      out += Base64Decode(value.substr(pos + 10, end - pos - 10));
      pos = end + 2;
      last_was_word = true;
    } else if (value[pos] == ' ' || value[pos] == '\t') {
      pending_space += value[pos++];
    } else {
      out += pending_space;
      pending_space.clear();
      out += value[pos++];
      last_was_word = false;
    }
  }
  return out + pending_space;
}

void CheckLines(const std::string& msg) {
  std::size_t pos = 0;
  while (pos < msg.size()) {
    auto end = msg.find("\r\n", pos);
    REQUIRE(end != std::string::npos);  // ends with CRLF
    std::string line = msg.substr(pos, end - pos);
    INFO(line);
    CHECK(line.size() <= 998);
    CHECK(line.find('\n') == std::string::npos);
    CHECK(line.find('\r') == std::string::npos);
    pos = end + 2;
  }
}

const Part* FindPart(const Message& m, const std::string& type_prefix) {
  for (const auto& p : m.parts)
    if (p.Header("Content-Type").rfind(type_prefix, 0) == 0) return &p;
  return nullptr;
}

}  // namespace

TEST_CASE("mime: the message has Date, From, To, Subject and Message-ID headers", "[mime]") {
  Notification n = Sample();
  n.subject = "Registration confirmed: Contraception";
  std::string msg = BuildMimeMessage(n, kFrom, "parcours.lu");
  CheckLines(msg);
  Message m = ParseMessage(msg);
  CHECK(m.top.HasHeader("From: Parcours <no-reply@parcours.lu>"));
  CHECK(m.top.HasHeader("To: <ana@ecole.lu>"));
  CHECK(m.top.HasHeader("Subject: Registration confirmed: Contraception"));  // ASCII as is
  CHECK(m.top.HasHeader("Message-ID: <notification-314@parcours.lu>"));
  CHECK(m.top.HasHeader("Date: Mon, 01 Feb 2027 10:15:30 +0000"));
  CHECK(m.top.HasHeader("MIME-Version: 1.0"));
  CHECK(m.top.HasHeader("X-Parcours-Kind: registration_confirmed"));
  CHECK(m.top.HasHeader("Content-Language: fr"));
  CHECK(m.top.Header("Content-Type").rfind("multipart/mixed; boundary=\"", 0) == 0);
}

TEST_CASE("mime: the Date header is the creation time in RFC 5322 form", "[mime]") {
  Notification n = Sample();
  n.created_at = Utc(2027, 3, 4, 8, 5, 9) + milliseconds(750);
  CHECK(ParseMessage(BuildMimeMessage(n, kFrom, "p")).top.HasHeader("Date: Thu, 04 Mar 2027 08:05:09 +0000"));
  n.created_at = Utc(2028, 12, 31, 23, 59, 59);
  CHECK(ParseMessage(BuildMimeMessage(n, kFrom, "p")).top.HasHeader("Date: Sun, 31 Dec 2028 23:59:59 +0000"));
}

TEST_CASE("mime: a non-ASCII subject is RFC 2047 encoded and decodes back", "[mime]") {
  Notification n = Sample();
  std::string msg = BuildMimeMessage(n, kFrom, "parcours.lu");
  Message m = ParseMessage(msg);
  std::string subject = m.top.Header("Subject");
  CHECK(subject.rfind("=?UTF-8?B?", 0) == 0);
  CHECK(subject.substr(subject.size() - 2) == "?=");
  for (unsigned char c : subject) CHECK((c >= 0x20 && c < 0x7f));
  CHECK(DecodeHeader(subject) == n.subject);
}

TEST_CASE("mime: control characters in the subject cannot inject headers", "[mime]") {
  Notification n = Sample();
  n.subject = "Hello\r\nBcc: victim@example.lu";
  std::string msg = BuildMimeMessage(n, kFrom, "parcours.lu");
  CheckLines(msg);
  Message m = ParseMessage(msg);
  CHECK(m.top.Header("Bcc").empty());
  CHECK(msg.find("\r\nBcc:") == std::string::npos);
  CHECK(DecodeHeader(m.top.Header("Subject")) == n.subject);
}

TEST_CASE("mime: the text part is UTF-8 in base64 and decodes to the body", "[mime]") {
  Notification n = Sample();
  Message m = ParseMessage(BuildMimeMessage(n, kFrom, "parcours.lu"));
  REQUIRE(m.parts.size() == 1);  // no ics: no calendar part
  const Part& text = m.parts[0];
  CHECK(text.HasHeader("Content-Type: text/plain; charset=UTF-8"));
  CHECK(text.HasHeader("Content-Transfer-Encoding: base64"));
  CHECK(Base64Decode(text.body) == n.body_text);
  CHECK(FindPart(m, "text/calendar") == nullptr);
}

TEST_CASE("mime: base64 of bodies of every length decodes back", "[mime]") {
  // Lengths around the 3-octet groups and the 57-octet (76-character) line size.
  for (std::size_t length : {0, 1, 2, 3, 4, 56, 57, 58, 113, 114, 115, 1000}) {
    INFO(length);
    Notification n = Sample();
    n.body_text.clear();
    for (std::size_t i = 0; i < length; ++i) n.body_text += static_cast<char>(0x20 + i % 200);
    std::string msg = BuildMimeMessage(n, kFrom, "p");
    CheckLines(msg);
    Message m = ParseMessage(msg);
    REQUIRE(m.parts.size() == 1);
    CHECK(Base64Decode(m.parts[0].body) == n.body_text);
  }
}

TEST_CASE("mime: an invitation adds a text/calendar part with method=REQUEST", "[mime]") {
  Notification n = Sample();
  n.ics = Ics("REQUEST", false);
  std::string msg = BuildMimeMessage(n, kFrom, "parcours.lu");
  CheckLines(msg);
  Message m = ParseMessage(msg);
  REQUIRE(m.parts.size() == 2);
  CHECK(Base64Decode(m.parts[0].body) == n.body_text);
  const Part* cal = FindPart(m, "text/calendar");
  REQUIRE(cal != nullptr);
  CHECK(cal->HasHeader("Content-Type: text/calendar; charset=UTF-8; method=REQUEST"));
  CHECK(cal->Header("Content-Disposition").find("filename=\"invite.ics\"") != std::string::npos);
  CHECK(cal->HasHeader("Content-Transfer-Encoding: base64"));
  CHECK(Base64Decode(cal->body) == n.ics);
}

TEST_CASE("mime: a cancellation's calendar part has method=CANCEL", "[mime]") {
  Notification n = Sample();
  n.kind = NotificationKind::kSessionCancelled;
  n.ics = Ics("CANCEL", true);
  Message m = ParseMessage(BuildMimeMessage(n, kFrom, "parcours.lu"));
  REQUIRE(m.parts.size() == 2);
  const Part* cal = FindPart(m, "text/calendar");
  REQUIRE(cal != nullptr);
  CHECK(cal->HasHeader("Content-Type: text/calendar; charset=UTF-8; method=CANCEL"));
  CHECK(cal->Header("Content-Disposition").find("filename=\"invite.ics\"") != std::string::npos);
  CHECK(Base64Decode(cal->body) == n.ics);
  CHECK(m.top.HasHeader("X-Parcours-Kind: session_cancelled"));
}

TEST_CASE("mime: the boundary never occurs inside the parts", "[mime]") {
  Notification n = Sample();
  n.ics = Ics("REQUEST", false);
  std::string msg = BuildMimeMessage(n, kFrom, "parcours.lu");
  Message m = ParseMessage(msg);
  std::string type = m.top.Header("Content-Type");
  auto b = type.find("boundary=\"") + 10;
  std::string boundary = type.substr(b, type.find('"', b) - b);
  for (const auto& p : m.parts) CHECK(p.body.find(boundary) == std::string::npos);
  // Exactly the opening delimiters of the two parts and the closing one.
  int count = 0;
  for (auto pos = msg.find("--" + boundary); pos != std::string::npos;
       pos = msg.find("--" + boundary, pos + 1))
    ++count;
  CHECK(count == 3);
}

TEST_CASE("mime: every line ends with CRLF and fits 998 octets, even for long content",
          "[mime]") {
  Notification n = Sample();
  // A module title at its 300-character maximum, in accented French.
  n.subject = "Inscription confirmée : " + Repeat("éducation à la santé ", 14);
  REQUIRE(Utf8Length(n.subject) <= 24 + 300);
  n.body_text = Repeat("Une très longue ligne sans retour à la ligne, ", 200) + "\n" +
                Repeat("🩺", 500) + "\r\nfin";
  n.ics = Ics("REQUEST", false);
  std::string msg = BuildMimeMessage(n, kFrom, "parcours.lu");
  CheckLines(msg);
  Message m = ParseMessage(msg);
  CHECK(DecodeHeader(m.top.Header("Subject")) == n.subject);
  REQUIRE(m.parts.size() == 2);
  CHECK(Base64Decode(m.parts[0].body) == n.body_text);
  for (const auto& p : m.parts) {
    // Base64 lines of at most 76 characters, as MIME wants.
    std::size_t pos = 0;
    while (pos < p.body.size()) {
      auto end = p.body.find("\r\n", pos);
      CHECK(end - pos <= 76);
      pos = end + 2;
    }
  }
}

}  // namespace parcours
