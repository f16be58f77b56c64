// Fuzz target: the request path as the server reads it. Bytes arrive from a socket in pieces of
// a size the input chooses; the HTTP/1.1 parser (src/http/http_parser) cuts them into requests
// (pipelined, chunked, with limits), each target is percent-decoded into path segments and
// query parameters, matched against every API route, its query checked, its handler run
// (FieldReader on the body) over a store that refuses everything — as HttpServer does.
//
// Findings: a crash or sanitizer report; an exception escaping a handler (a 500); a 5xx other
// than 503; a parser that breaks its own limits or leaves the broken state.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"

using namespace parcours;
using namespace parcours::fuzz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  // Byte 0: the piece size (1–256 bytes), so that every split point is tried.
  // Byte 1, low bit: the server's limits, or small ones that the fuzzer can reach.
  const std::size_t piece = std::size_t{data[0]} + 1;
  http::ParserLimits limits;
  if (data[1] & 1) limits = {64, 256, 8, 512};
  const std::string_view stream(reinterpret_cast<const char*>(data) + 2, size - 2);

  http::RequestParser parser(limits);
  bool broken = false;
  for (std::size_t at = 0; at < stream.size() && !broken; at += piece) {
    parser.Feed(stream.substr(at, piece));
    for (;;) {
      http::ParsedRequest parsed;
      const auto state = parser.Next(parsed);
      if (state == http::RequestParser::State::kNeedMore) break;
      if (state == http::RequestParser::State::kError) {
        const int status = parser.error().status;
        // 417: an Expect other than 100-continue (RFC 9110 10.1.1).
        if (status != 400 && status != 408 && status != 413 && status != 414 && status != 417 && status != 431 &&
            status != 501 && status != 505)
          Finding("parser error status " + std::to_string(status));
        http::ParsedRequest again;
        if (parser.Next(again) != http::RequestParser::State::kError) Finding("the parser left its broken state");
        broken = true;
        break;
      }
      if (parsed.body.size() > limits.max_body) Finding("body beyond the limit");
      if (parsed.headers.size() > limits.max_header_count) Finding("more headers than the limit");
      if (parsed.method.empty() || parsed.target.empty()) Finding("request without method or target");
      for (const auto& [name, value] : parsed.headers) {
        if (name.empty()) Finding("empty header name");
        for (char c : name)
          if (c >= 'A' && c <= 'Z') Finding("header name not lower-cased: " + name);
        if (value.find_first_of("\r\n") != std::string::npos) Finding("CR or LF in a header value");
      }
      http::HttpRequest req;
      if (!FromParsed(parsed, req)) continue;  // answered 400
      CheckAnswer(Run(req, nullptr), std::string(http::ToString(req.method)) + " " + req.path);
    }
  }
  return 0;
}
