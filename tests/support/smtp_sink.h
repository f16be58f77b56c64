#pragma once
// A minimal SMTP server on loopback for the tests: accepts every message and keeps it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "loopback_server.h"

namespace parcours::testing {

struct ReceivedMail {
  std::string mail_from;
  std::vector<std::string> rcpt_to;
  std::string data;  // the raw message
  // Decoded parts of the MIME message.
  std::string Header(const std::string& name) const;
  std::string Subject() const;  // RFC 2047 decoded
  std::string Text() const;     // the text/plain part, decoded
  std::string Calendar() const; // the text/calendar part, decoded ("" when none)
};

class SmtpSink {
 public:
  SmtpSink();
  ~SmtpSink();
  int port() const { return server_.port(); }
  std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }
  // Waits until at least n messages arrived (or the timeout passes); returns all received.
  std::vector<ReceivedMail> WaitFor(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10));
  std::vector<ReceivedMail> All();

 private:
  void Serve(int client);
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ReceivedMail> mails_;
  LoopbackServer server_;  // last: its threads stop before the members above go
};

// Parses an iCalendar text: unfolds lines; returns property name → values, both without and
// with its parameters ("DTSTART" and "DTSTART;TZID=Europe/Luxembourg"); checks CRLF, the
// 75-octet line limit and BEGIN/END nesting; throws on malformed input.
std::multimap<std::string, std::string> ParseIcs(const std::string& ics);

}  // namespace parcours::testing
