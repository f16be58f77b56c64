#include "notify/smtp_mailer.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

#include "common/time.h"

namespace parcours {
namespace {

std::string Base64(const std::string& in) {
  static constexpr char kTable[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += kTable[v >> 18 & 63]; out += kTable[v >> 12 & 63]; out += kTable[v >> 6 & 63]; out += kTable[v & 63];
  }
  if (i + 1 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16;
    out += kTable[v >> 18 & 63]; out += kTable[v >> 12 & 63]; out += "==";
  } else if (i + 2 == in.size()) {
    unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += kTable[v >> 18 & 63]; out += kTable[v >> 12 & 63]; out += kTable[v >> 6 & 63]; out += '=';
  }
  return out;
}

// Base64 in lines of 76 characters, as MIME wants.
std::string Base64Lines(const std::string& in) {
  std::string encoded = Base64(in), out;
  for (std::size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
  return out;
}

// RFC 2047: non-ASCII header text as encoded words of at most 75 characters (45 bytes of
// text each, cut between UTF-8 characters), folded onto continuation lines.
std::string EncodeHeader(const std::string& text) {
  bool ascii = true;
  for (unsigned char c : text) ascii &= c >= 0x20 && c < 0x7f;
  if (ascii) return text;
  std::string out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = std::min(text.size(), start + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + Base64(text.substr(start, end - start)) + "?=";
    start = end;
  }
  return out;
}

// RFC 5322 date-time in UTC: "Thu, 04 Mar 2027 08:05:09 +0000".
std::string MailDate(TimePoint t) {
  using namespace std::chrono;
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = floor<days>(t);
  year_month_day ymd(day);
  hh_mm_ss hms(floor<seconds>(t - day));
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                kDays[weekday(day).c_encoding()], unsigned(ymd.day()), kMonths[unsigned(ymd.month()) - 1],
                int(ymd.year()), int(hms.hours().count()), int(hms.minutes().count()),
                int(hms.seconds().count()));
  return buf;
}

std::string Address(const std::string& from) {
  auto lt = from.find('<'), gt = from.find('>');
  return lt != std::string::npos && gt != std::string::npos ? from.substr(lt + 1, gt - lt - 1) : from;
}

struct Upload {
  const std::string* data;
  std::size_t offset = 0;
};

size_t Read(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  size_t room = size * n, left = up->data->size() - up->offset;
  size_t take = room < left ? room : left;
  std::memcpy(buffer, up->data->data() + up->offset, take);
  up->offset += take;
  return take;
}

}  // namespace

std::string BuildMimeMessage(const Notification& n, const std::string& from,
                             const std::string& domain) {
  const std::string boundary = "=_parcours_" + std::to_string(n.id) + "_boundary";
  // Date from the message's creation time (RFC 5322 needs one; the relay adds Received).
  std::string date = FormatRfc3339(n.created_at, 0);
  std::string msg;
  msg += "Date: " + MailDate(n.created_at) + "\r\n";
  msg += "From: " + from + "\r\n";
  msg += "To: <" + n.to_email + ">\r\n";
  msg += "Subject: " + EncodeHeader(n.subject) + "\r\n";
  msg += "Message-ID: <notification-" + std::to_string(n.id) + "@" + domain + ">\r\n";
  msg += "X-Parcours-Kind: " + std::string(ToString(n.kind)) + "\r\n";
  msg += "X-Parcours-Created: " + date + "\r\n";
  msg += "Content-Language: " + n.language + "\r\n";
  msg += "MIME-Version: 1.0\r\n";
  msg += "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\r\n\r\n";
  msg += "--" + boundary + "\r\n";
  msg += "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n";
  msg += Base64Lines(n.body_text);
  if (!n.ics.empty()) {
    const bool cancel = n.ics.find("METHOD:CANCEL") != std::string::npos;
    msg += "--" + boundary + "\r\n";
    msg += std::string("Content-Type: text/calendar; charset=UTF-8; method=") + (cancel ? "CANCEL" : "REQUEST") + "\r\n";
    msg += "Content-Disposition: attachment; filename=\"invite.ics\"\r\n";
    msg += "Content-Transfer-Encoding: base64\r\n\r\n";
    msg += Base64Lines(n.ics);
  }
  msg += "--" + boundary + "--\r\n";
  return msg;
}

SmtpMailer::SmtpMailer(SmtpSettings settings) : settings_(std::move(settings)) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

std::optional<std::string> SmtpMailer::Send(const Notification& n) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return "curl_easy_init failed";
  const std::string message = BuildMimeMessage(n, settings_.from, "parcours");
  Upload upload{&message};
  const std::string from = "<" + Address(settings_.from) + ">";
  const std::string to = "<" + n.to_email + ">";
  curl_slist* rcpt = curl_slist_append(nullptr, to.c_str());
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, settings_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(c, CURLOPT_READFUNCTION, Read);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, settings_.timeout_seconds);
  if (!settings_.user.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, settings_.user.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, settings_.password.c_str());
    curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  }
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(rcpt);
  if (rc != CURLE_OK) return std::string("SMTP: ") + curl_easy_strerror(rc);
  return std::nullopt;
}

}  // namespace parcours
