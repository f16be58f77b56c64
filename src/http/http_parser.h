#pragma once
// An incremental HTTP/1.1 request parser (RFC 9112) with hard limits: no I/O, so that it can
// be fuzzed. Bytes are fed as they arrive; complete requests come out in order (pipelining).
// Anything it cannot read or that breaks a limit becomes an error with the status to answer
// (400, 408, 413, 414, 431, 501, 505) after which the connection is closed.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace parcours::http {

struct ParsedRequest;

struct ParserLimits {
  std::size_t max_request_line = 8 * 1024;   // 414 beyond
  std::size_t max_header_bytes = 32 * 1024;  // all header lines together; 431 beyond
  std::size_t max_header_count = 100;        // 431 beyond
  std::size_t max_body = 1 << 20;            // 413 beyond (declared or received)
  // A request whose head `large_body` admits (one upload route, by a caller allowed to use it)
  // may carry up to max_large_body bytes instead; 413 beyond, as soon as declared. Asked once
  // per request, after its headers, and only when its body may exceed max_body.
  std::size_t max_large_body = 0;
  std::function<bool(const ParsedRequest& head)> large_body{};
};

struct ParsedRequest {
  std::string method;  // as sent (case-sensitive tokens)
  std::string target;  // origin-form: "/path?query"
  int minor_version = 1;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased, values trimmed
  std::string body;
  bool keep_alive = true;       // HTTP/1.1 default; "Connection: close" or HTTP/1.0 without keep-alive
  bool expects_continue = false;

  const std::string* Header(std::string_view lower_name) const;
};

struct ParseError {
  int status = 400;
  std::string message;
};

class RequestParser {
 public:
  explicit RequestParser(ParserLimits limits = {}) : limits_(limits) {}

  // Appends received bytes. Parsing happens in Next().
  void Feed(std::string_view bytes) { buffer_.append(bytes.data(), bytes.size()); }

  enum class State { kNeedMore, kRequest, kError };
  // Extracts the next complete request (kRequest, into `out`), or says more bytes are needed,
  // or that the stream is broken (kError, details in error(); the parser stays broken).
  State Next(ParsedRequest& out);

  const ParseError& error() const { return error_; }
  // True once the head of a request has been read and its body is still expected: the point
  // at which a "100 Continue" may be sent. Cleared by Next() returning the request.
  bool AwaitingBody() const { return phase_ == Phase::kBody || phase_ == Phase::kChunkSize ||
                                     phase_ == Phase::kChunkData || phase_ == Phase::kTrailers; }
  const ParsedRequest& current() const { return current_; }
  // Bytes received but not yet consumed (a partial request), for timeouts and limits.
  std::size_t buffered() const { return buffer_.size() - pos_; }
  bool InRequest() const { return phase_ != Phase::kRequestLine || buffered() > 0; }

 private:
  enum class Phase { kRequestLine, kHeaders, kBody, kChunkSize, kChunkData, kChunkDataEnd, kTrailers, kBroken };
  State Fail(int status, std::string message);
  bool ReadLine(std::string_view& line, std::size_t limit, bool& too_long);
  State ParseRequestLine(std::string_view line);
  State ParseHeaderLine(std::string_view line);
  State EndOfHeaders();
  void Compact();

  ParserLimits limits_;
  std::size_t body_limit_ = 0;  // of the request being read
  std::string buffer_;
  std::size_t pos_ = 0;
  Phase phase_ = Phase::kRequestLine;
  ParsedRequest current_;
  std::size_t header_bytes_ = 0;
  std::size_t body_remaining_ = 0;
  std::size_t chunk_remaining_ = 0;
  ParseError error_;
};

// The path and query of a request target, percent-decoded. Path segments are decoded one by
// one (an encoded '/' stays inside its segment); query names and values are decoded as
// application/x-www-form-urlencoded ('+' is a space), as browsers and HTTP libraries send them.
struct Target {
  std::string path;                   // decoded, for logs and 404s
  std::vector<std::string> segments;  // decoded segments of the path
  std::vector<std::pair<std::string, std::string>> query;
};
// nullopt: not origin-form, a bad %-escape, a NUL or a control character, or invalid UTF-8.
std::optional<Target> ParseTarget(std::string_view target);

}  // namespace parcours::http
