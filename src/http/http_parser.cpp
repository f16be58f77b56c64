#include "http/http_parser.h"

#include <algorithm>
#include <cctype>

#include "common/text.h"

namespace parcours::http {
namespace {

bool IsTchar(unsigned char c) {
  if (std::isalnum(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s)
    if (!IsTchar(c)) return false;
  return true;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Comma-separated list members, trimmed, lower-cased (Connection, Transfer-Encoding).
std::vector<std::string> ListTokens(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) comma = value.size();
    auto item = TrimOws(value.substr(start, comma - start));
    if (!item.empty()) out.push_back(Lower(item));
    start = comma + 1;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

const std::string* ParsedRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers)
    if (name == lower_name) return &value;
  return nullptr;
}

RequestParser::State RequestParser::Fail(int status, std::string message) {
  phase_ = Phase::kBroken;
  error_ = {status, std::move(message)};
  return State::kError;
}

// A line ending in LF (a CR before it is dropped). False when no full line is buffered yet;
// too_long when `limit` bytes pass without one.
bool RequestParser::ReadLine(std::string_view& line, std::size_t limit, bool& too_long) {
  too_long = false;
  const std::size_t end = buffer_.find('\n', pos_);
  if (end == std::string::npos) {
    too_long = buffer_.size() - pos_ > limit;
    return false;
  }
  if (end - pos_ > limit) {
    too_long = true;
    return false;
  }
  std::size_t len = end - pos_;
  if (len > 0 && buffer_[pos_ + len - 1] == '\r') --len;
  line = std::string_view(buffer_).substr(pos_, len);
  pos_ = end + 1;
  return true;
}

RequestParser::State RequestParser::ParseRequestLine(std::string_view line) {
  const auto sp1 = line.find(' ');
  const auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return Fail(400, "The request line is not 'METHOD target HTTP/1.1'.");
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!IsToken(method) || method.size() > 32) return Fail(400, "The method is not a token.");
  if (target.empty()) return Fail(400, "The request target is empty.");
  for (unsigned char c : target)
    if (c <= 0x20 || c == 0x7F) return Fail(400, "The request target has a control character or a space.");
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !std::isdigit(static_cast<unsigned char>(version[5])) ||
      version[6] != '.' || !std::isdigit(static_cast<unsigned char>(version[7])))
    return Fail(400, "The protocol version is not HTTP/1.x.");
  if (version[5] != '1') return Fail(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
  current_ = ParsedRequest{};
  current_.method = std::string(method);
  current_.target = std::string(target);
  current_.minor_version = version[7] - '0';
  current_.keep_alive = current_.minor_version >= 1;
  header_bytes_ = 0;
  phase_ = Phase::kHeaders;
  return State::kNeedMore;
}

RequestParser::State RequestParser::ParseHeaderLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') return Fail(400, "Folded header lines are not accepted.");
  const auto colon = line.find(':');
  if (colon == std::string_view::npos) return Fail(400, "A header line has no ':'.");
  const auto name = line.substr(0, colon);
  if (!IsToken(name)) return Fail(400, "A header name is not a token (or has a space before ':').");
  const auto value = TrimOws(line.substr(colon + 1));
  for (unsigned char c : value)
    if ((c < 0x20 && c != '\t') || c == 0x7F) return Fail(400, "A header value has a control character.");
  if (current_.headers.size() >= limits_.max_header_count)
    return Fail(431, "The request has too many header fields.");
  current_.headers.emplace_back(Lower(name), std::string(value));
  return State::kNeedMore;
}

RequestParser::State RequestParser::EndOfHeaders() {
  std::optional<std::size_t> content_length;
  bool chunked = false;
  int hosts = 0;
  for (const auto& [name, value] : current_.headers) {
    if (name == "content-length") {
      // Digits only (no sign, no blanks); a repeated header or a list must agree.
      for (const auto& item : ListTokens(value)) {
        if (item.empty() || item.size() > 18 || !std::all_of(item.begin(), item.end(), [](unsigned char c) { return std::isdigit(c); }))
          return Fail(400, "Content-Length must be a decimal number of bytes.");
        const std::size_t n = std::stoull(item);
        if (content_length && *content_length != n) return Fail(400, "Content-Length values disagree.");
        content_length = n;
      }
      if (!content_length) return Fail(400, "Content-Length must be a decimal number of bytes.");
    } else if (name == "transfer-encoding") {
      auto codings = ListTokens(value);
      if (codings.size() != 1 || codings[0] != "chunked" || chunked)
        return Fail(501, "Only the 'chunked' transfer coding is supported.");
      chunked = true;
    } else if (name == "connection") {
      for (const auto& token : ListTokens(value)) {
        if (token == "close") current_.keep_alive = false;
        else if (token == "keep-alive" && current_.minor_version == 0) current_.keep_alive = true;
      }
    } else if (name == "host") {
      ++hosts;
    } else if (name == "expect") {
      if (Lower(value) != "100-continue") return Fail(417, "Only 'Expect: 100-continue' is supported.");
      current_.expects_continue = current_.minor_version >= 1;
    }
  }
  if (current_.minor_version >= 1 && hosts != 1) return Fail(400, "An HTTP/1.1 request needs exactly one Host header.");
  if (chunked && content_length) return Fail(400, "A request cannot have both Content-Length and Transfer-Encoding.");
  if (chunked && current_.minor_version == 0) return Fail(400, "HTTP/1.0 has no chunked transfer coding.");
  // The larger limit is asked for only when the body may exceed the general one, so the
  // (possibly costly) admission check runs for large uploads alone.
  const bool may_be_large = chunked || (content_length && *content_length > limits_.max_body);
  body_limit_ = may_be_large && limits_.large_body && limits_.max_large_body > limits_.max_body &&
                        limits_.large_body(current_)
                    ? limits_.max_large_body
                    : limits_.max_body;
  if (content_length && *content_length > body_limit_)
    return Fail(413, "The request body is larger than " + std::to_string(body_limit_) + " bytes.");
  if (chunked) {
    phase_ = Phase::kChunkSize;
  } else if (content_length && *content_length > 0) {
    body_remaining_ = *content_length;
    current_.body.reserve(body_remaining_);
    phase_ = Phase::kBody;
  } else {
    current_.expects_continue = false;
    phase_ = Phase::kRequestLine;
    return State::kRequest;
  }
  return State::kNeedMore;
}

void RequestParser::Compact() {
  if (pos_ == buffer_.size()) {
    buffer_.clear();
    pos_ = 0;
  } else if (pos_ > 64 * 1024) {
    buffer_.erase(0, pos_);
    pos_ = 0;
  }
}

RequestParser::State RequestParser::Next(ParsedRequest& out) {
  for (;;) {
    std::string_view line;
    bool too_long = false;
    switch (phase_) {
      case Phase::kBroken:
        return State::kError;

      case Phase::kRequestLine:
        if (!ReadLine(line, limits_.max_request_line, too_long)) {
          Compact();
          return too_long ? Fail(414, "The request line is too long.") : State::kNeedMore;
        }
        if (line.empty()) continue;  // blank lines before a request are ignored (RFC 9112 2.2)
        if (ParseRequestLine(line) == State::kError) return State::kError;
        continue;

      case Phase::kHeaders:
      case Phase::kTrailers: {
        const std::size_t room = limits_.max_header_bytes > header_bytes_ ? limits_.max_header_bytes - header_bytes_ : 0;
        if (!ReadLine(line, room, too_long)) {
          Compact();
          return too_long ? Fail(431, "The request's header fields are too large.") : State::kNeedMore;
        }
        header_bytes_ += line.size() + 2;
        if (line.empty()) {
          if (phase_ == Phase::kTrailers) {
            phase_ = Phase::kRequestLine;
            out = std::move(current_);
            Compact();
            return State::kRequest;
          }
          auto s = EndOfHeaders();
          if (s == State::kRequest) {
            out = std::move(current_);
            Compact();
            return s;
          }
          if (s == State::kError) return s;
          continue;
        }
        if (phase_ == Phase::kTrailers) {
          if (line.find(':') == std::string_view::npos) return Fail(400, "A trailer line has no ':'.");
          continue;  // trailers are read and dropped
        }
        if (ParseHeaderLine(line) == State::kError) return State::kError;
        continue;
      }

      case Phase::kBody: {
        const std::size_t take = std::min(body_remaining_, buffer_.size() - pos_);
        current_.body.append(buffer_, pos_, take);
        pos_ += take;
        body_remaining_ -= take;
        if (body_remaining_ > 0) {
          Compact();
          return State::kNeedMore;
        }
        phase_ = Phase::kRequestLine;
        out = std::move(current_);
        Compact();
        return State::kRequest;
      }

      case Phase::kChunkSize: {
        if (!ReadLine(line, 1024, too_long)) {
          Compact();
          return too_long ? Fail(400, "A chunk-size line is too long.") : State::kNeedMore;
        }
        const auto semicolon = line.find(';');
        const auto hex = TrimOws(line.substr(0, semicolon));
        if (hex.empty() || hex.size() > 8) return Fail(400, "A chunk size is not a hexadecimal number.");
        std::size_t size = 0;
        for (char c : hex) {
          const int v = HexValue(c);
          if (v < 0) return Fail(400, "A chunk size is not a hexadecimal number.");
          size = size * 16 + static_cast<std::size_t>(v);
        }
        if (size == 0) {
          phase_ = Phase::kTrailers;
          continue;
        }
        if (current_.body.size() + size > body_limit_)
          return Fail(413, "The request body is larger than " + std::to_string(body_limit_) + " bytes.");
        chunk_remaining_ = size;
        phase_ = Phase::kChunkData;
        continue;
      }

      case Phase::kChunkData: {
        const std::size_t take = std::min(chunk_remaining_, buffer_.size() - pos_);
        current_.body.append(buffer_, pos_, take);
        pos_ += take;
        chunk_remaining_ -= take;
        if (chunk_remaining_ > 0) {
          Compact();
          return State::kNeedMore;
        }
        phase_ = Phase::kChunkDataEnd;
        continue;
      }

      case Phase::kChunkDataEnd:
        if (!ReadLine(line, 2, too_long)) {
          Compact();
          return too_long ? Fail(400, "A chunk is not followed by CRLF.") : State::kNeedMore;
        }
        if (!line.empty()) return Fail(400, "A chunk is not followed by CRLF.");
        phase_ = Phase::kChunkSize;
        continue;
    }
  }
}

namespace {
// Decoded text must be valid UTF-8 without control characters (a NUL in a path or a query
// value is never meant, and would reach the database or the logs).
std::optional<std::string> DecodeComponent(std::string_view s, bool plus_is_space) {
  auto d = PercentDecode(s, plus_is_space);
  if (!d || !IsValidUtf8(*d)) return std::nullopt;
  for (unsigned char c : *d)
    if (c < 0x20 || c == 0x7F) return std::nullopt;
  return d;
}
}  // namespace

std::optional<Target> ParseTarget(std::string_view target) {
  if (target.empty() || target.front() != '/') return std::nullopt;
  const auto q = target.find('?');
  auto raw_path = target.substr(0, q);
  if (const auto hash = raw_path.find('#'); hash != std::string_view::npos) return std::nullopt;
  Target t;
  std::size_t start = 1;
  while (start <= raw_path.size()) {
    std::size_t end = raw_path.find('/', start);
    if (end == std::string_view::npos) end = raw_path.size();
    auto segment = DecodeComponent(raw_path.substr(start, end - start), false);
    if (!segment) return std::nullopt;
    t.segments.push_back(std::move(*segment));
    start = end + 1;
  }
  auto path = DecodeComponent(raw_path, false);
  if (!path) return std::nullopt;
  t.path = std::move(*path);
  if (q != std::string_view::npos) {
    auto query = target.substr(q + 1);
    if (const auto hash = query.find('#'); hash != std::string_view::npos) query = query.substr(0, hash);
    std::size_t p = 0;
    while (p <= query.size() && !query.empty()) {
      std::size_t amp = query.find('&', p);
      if (amp == std::string_view::npos) amp = query.size();
      const auto pair = query.substr(p, amp - p);
      if (!pair.empty()) {
        const auto eq = pair.find('=');
        auto name = DecodeComponent(pair.substr(0, eq), true);
        auto value = DecodeComponent(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1), true);
        if (!name || !value) return std::nullopt;
        t.query.emplace_back(std::move(*name), std::move(*value));
      }
      p = amp + 1;
      if (amp == query.size()) break;
    }
  }
  return t;
}

}  // namespace parcours::http
