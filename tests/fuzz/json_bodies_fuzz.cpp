// Fuzz target: the JSON body readers of every route, for every kind of caller. An input is
//   <caller> <METHOD> <target>\n<body>
// where <caller> is anonymous, participant, trainer, coordinator or agency:<CODE>: the caller
// that authentication would have found (the refusing store finds nobody), so that the guards
// let the body through to the route's FieldReader and its service's checks, which run before
// any transaction. The body is sent as application/json unless the caller token ends in '!'.
//
// Findings: a crash or sanitizer report; an exception other than StoreUnavailable (a 500); a
// 5xx other than 503; an error that is not problem+json with its status.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"

using namespace parcours;
using namespace parcours::fuzz;

namespace {

std::optional<Principal> Caller(std::string token) {
  Principal p;
  if (token == "anonymous") return p;
  p.kind = Principal::Kind::kUser;
  if (token == "participant") {
    p.user_id = 101;
    p.roles = RoleBit(Role::kParticipant);
  } else if (token == "trainer") {
    p.user_id = 102;
    p.roles = RoleBit(Role::kTrainer);
  } else if (token == "coordinator") {
    p.user_id = 103;
    p.roles = RoleBit(Role::kCoordinator) | RoleBit(Role::kTrainer);
  } else if (token.starts_with("agency:") && token.size() > 7) {
    p.kind = Principal::Kind::kAgency;
    p.agency_code = token.substr(7);
  } else {
    return std::nullopt;
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const auto eol = input.find('\n');
  if (eol == std::string::npos) return 0;
  const std::string head = input.substr(0, eol);
  const auto sp1 = head.find(' '), sp2 = head.find(' ', sp1 == std::string::npos ? 0 : sp1 + 1);
  if (sp1 == std::string::npos || sp2 == std::string::npos) return 0;
  std::string caller = head.substr(0, sp1);
  const bool as_json = !caller.ends_with("!");
  if (!as_json) caller.pop_back();
  auto principal = Caller(caller);
  if (!principal) return 0;

  http::ParsedRequest parsed;
  parsed.method = head.substr(sp1 + 1, sp2 - sp1 - 1);
  parsed.target = head.substr(sp2 + 1);
  parsed.body = input.substr(eol + 1);
  if (as_json) parsed.headers.push_back({"content-type", "application/json"});
  http::HttpRequest req;
  if (!FromParsed(parsed, req)) return 0;
  CheckAnswer(Run(req, &*principal), head);
  return 0;
}
