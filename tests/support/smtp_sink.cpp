#include "smtp_sink.h"

#include <unistd.h>

#include <stdexcept>

namespace parcours::testing {
namespace {

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
  int bits = 0;
  for (char c : in) {
    int v = value(c);
    if (v < 0) continue;
    acc = acc << 6 | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char(acc >> bits & 0xff);
    }
  }
  return out;
}

// The decoded body of the first MIME part whose Content-Type starts with `type`.
std::string Part(const std::string& data, const std::string& type) {
  auto pos = data.find("Content-Type: " + type);
  if (pos == std::string::npos) return "";
  auto body = data.find("\r\n\r\n", pos);
  if (body == std::string::npos) return "";
  body += 4;
  auto end = data.find("\r\n--", body);
  return Base64Decode(data.substr(body, end - body));
}

}  // namespace

std::string ReceivedMail::Header(const std::string& name) const {
  auto pos = data.find(name + ": ");
  if (pos == std::string::npos) return "";
  auto start = pos + name.size() + 2;
  std::string value;
  for (;;) {  // unfold continuation lines
    auto eol = data.find("\r\n", start);
    value += data.substr(start, eol - start);
    if (eol == std::string::npos || eol + 2 >= data.size() || (data[eol + 2] != ' ' && data[eol + 2] != '\t'))
      return value;
    start = eol + 2;
  }
}

std::string ReceivedMail::Subject() const {
  std::string s = Header("Subject"), out;
  // Concatenates RFC 2047 encoded words (whitespace between them does not count).
  std::size_t pos = 0;
  if (s.find("=?UTF-8?B?") == std::string::npos) return s;
  while ((pos = s.find("=?UTF-8?B?", pos)) != std::string::npos) {
    auto end = s.find("?=", pos + 10);
    out += Base64Decode(s.substr(pos + 10, end - pos - 10));
    pos = end + 2;
  }
  return out;
}

std::string ReceivedMail::Text() const { return Part(data, "text/plain"); }
std::string ReceivedMail::Calendar() const { return Part(data, "text/calendar"); }

SmtpSink::SmtpSink() : server_([this](int fd) { Serve(fd); }) {}

SmtpSink::~SmtpSink() = default;

void SmtpSink::Serve(int fd) {
  auto send_line = [fd](const std::string& s) {
    std::string line = s + "\r\n";
    (void)!write(fd, line.data(), line.size());
  };
  std::string buffer;
  auto read_line = [&](std::string& line) {
    for (;;) {
      auto eol = buffer.find("\r\n");
      if (eol != std::string::npos) {
        line = buffer.substr(0, eol);
        buffer.erase(0, eol + 2);
        return true;
      }
      char chunk[4096];
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, n);
    }
  };
  send_line("220 sink.test ESMTP");
  ReceivedMail mail;
  std::string line;
  while (read_line(line)) {
    std::string verb = line.substr(0, 4);
    for (auto& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (verb == "EHLO" || verb == "HELO") {
      send_line("250 sink.test");
    } else if (verb == "MAIL") {
      mail = ReceivedMail{};
      mail.mail_from = line.substr(10);
      send_line("250 OK");
    } else if (verb == "RCPT") {
      mail.rcpt_to.push_back(line.substr(8));
      send_line("250 OK");
    } else if (verb == "DATA") {
      send_line("354 go ahead");
      std::string data;
      while (read_line(line) && line != ".") {
        if (!line.empty() && line[0] == '.') line.erase(0, 1);  // dot-stuffing
        data += line + "\r\n";
      }
      mail.data = data;
      {
        std::lock_guard lock(mu_);
        mails_.push_back(mail);
      }
      cv_.notify_all();
      send_line("250 queued");
    } else if (verb == "QUIT") {
      send_line("221 bye");
      break;
    } else {
      send_line("250 OK");
    }
  }
}

std::vector<ReceivedMail> SmtpSink::WaitFor(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  cv_.wait_for(lock, timeout, [&] { return mails_.size() >= n; });
  return mails_;
}

std::vector<ReceivedMail> SmtpSink::All() {
  std::lock_guard lock(mu_);
  return mails_;
}

std::multimap<std::string, std::string> ParseIcs(const std::string& ics) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < ics.size()) {
    auto end = ics.find("\r\n", start);
    if (end == std::string::npos) throw std::runtime_error("ics: line without CRLF");
    std::string line = ics.substr(start, end - start);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      if (lines.empty()) throw std::runtime_error("ics: continuation first");
      lines.back() += line.substr(1);
    } else {
      lines.push_back(line);
    }
    if (end - start > 75) throw std::runtime_error("ics: line longer than 75 octets");
    start = end + 2;
  }
  std::multimap<std::string, std::string> props;
  std::vector<std::string> stack;
  for (const auto& l : lines) {
    auto colon = l.find(':');
    if (colon == std::string::npos) throw std::runtime_error("ics: no colon in " + l);
    std::string name = l.substr(0, colon), value = l.substr(colon + 1);
    auto semi = name.find(';');
    std::string bare = semi == std::string::npos ? name : name.substr(0, semi);
    if (bare == "BEGIN") stack.push_back(value);
    if (bare == "END") {
      if (stack.empty() || stack.back() != value) throw std::runtime_error("ics: unbalanced END:" + value);
      stack.pop_back();
    }
    props.emplace(bare, value);
    if (semi != std::string::npos) props.emplace(name, value);  // e.g. "DTSTART;TZID=Europe/Luxembourg"

  }
  if (!stack.empty()) throw std::runtime_error("ics: unterminated " + stack.back());
  return props;
}

}  // namespace parcours::testing
