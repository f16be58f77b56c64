#include "notify/webhook_sender.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace parcours {
namespace {

// What the connection callback needs, and what it refused.
struct ConnectGuard {
  const WebhookUrlPolicy* policy;
  const WebhookUrl* target;
  std::string refused;  // the address refused, if any
};

// libcurl calls this for every socket it wants to connect, with the address it resolved: the
// one place where the address actually used is known, whatever DNS answered at registration.
curl_socket_t OpenSocket(void* data, curlsocktype, curl_sockaddr* address) {
  auto* guard = static_cast<ConnectGuard*>(data);
  IpAddress ip;
  if (address->family == AF_INET) {
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in*>(&address->addr)->sin_addr, 4);
  } else if (address->family == AF_INET6) {
    ip.v6 = true;
    std::memcpy(ip.bytes.data(), &reinterpret_cast<const sockaddr_in6*>(&address->addr)->sin6_addr, 16);
  } else {
    guard->refused = "an address that is not IPv4 or IPv6";
    return CURL_SOCKET_BAD;
  }
  if (!guard->policy->MayConnect(*guard->target, ip)) {
    guard->refused = ip.ToString();
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

// Counts the answer's bytes (headers and body) and stops reading past the bound: only the
// status matters, and a receiver must not make the server buffer or wait for an endless body.
struct AnswerBudget {
  std::size_t left;
  bool exceeded = false;
};
size_t Take(char*, size_t size, size_t n, void* data) {
  auto* budget = static_cast<AnswerBudget*>(data);
  const size_t got = size * n;
  if (got > budget->left) {
    budget->exceeded = true;
    return 0;  // libcurl stops with CURLE_WRITE_ERROR
  }
  budget->left -= got;
  return got;
}

std::string CurlPart(CURLU* u, CURLUPart part) {
  char* value = nullptr;
  if (curl_url_get(u, part, &value, 0) != CURLUE_OK || !value) return "";
  std::string out(value);
  curl_free(value);
  return out;
}

// True when libcurl reads the URL as the policy did: same scheme, host and port, no user, no
// fragment. A parser difference must never let a request go elsewhere than what was checked.
bool SameTarget(CURLU* u, const WebhookUrl& target) {
  std::string scheme = CurlPart(u, CURLUPART_SCHEME), host = CurlPart(u, CURLUPART_HOST);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char c) { return std::tolower(c); });
  std::transform(host.begin(), host.end(), host.begin(), [](unsigned char c) { return std::tolower(c); });
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (!host.empty() && host.back() == '.') host.pop_back();
  const std::string port = CurlPart(u, CURLUPART_PORT);
  const bool same_host = target.ip ? IpAddress::Parse(host) == target.ip : host == target.host;
  return scheme == target.scheme && same_host && port == (target.port ? std::to_string(target.port) : "") &&
         CurlPart(u, CURLUPART_USER).empty() && CurlPart(u, CURLUPART_PASSWORD).empty() &&
         CurlPart(u, CURLUPART_FRAGMENT).empty();
}

}  // namespace

std::optional<std::string> CurlWebhookSender::Post(const std::string& url, const std::string& body,
                                                   const std::vector<std::pair<std::string, std::string>>& headers) {
  // Checked again at each delivery: the policy may have changed since the registration.
  auto target = settings_.policy.Check(url);
  if (!target) return "refused: the URL " + target.error();
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> parsed(curl_url(), curl_url_cleanup);
  if (!parsed || curl_url_set(parsed.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK ||
      !SameTarget(parsed.get(), *target))
    return "refused: libcurl reads the URL differently";

  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return "curl_easy_init failed";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(nullptr, curl_slist_free_all);
  for (const auto& [k, v] : headers) list.reset(curl_slist_append(list.release(), (k + ": " + v).c_str()));
  list.reset(curl_slist_append(list.release(), "Expect:"));
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(nullptr, curl_slist_free_all);
  for (const auto& entry : settings_.resolve) resolve.reset(curl_slist_append(resolve.release(), entry.c_str()));

  ConnectGuard guard{&settings_.policy, &*target, ""};
  AnswerBudget budget{settings_.max_answer_bytes};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_CURLU, parsed.get());  // exactly the URL checked above
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Take);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &budget);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, Take);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &budget);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &guard);
  if (resolve) curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  // A proxy (from http_proxy/https_proxy in the environment) would be the only address
  // checked, and would then reach anything: none is used.
  curl_easy_setopt(c, CURLOPT_PROXY, "");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);  // a redirect would bypass the URL check
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(settings_.connect_timeout.count()));
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.total_timeout.count()));
  const CURLcode rc = curl_easy_perform(c);
  if (!guard.refused.empty()) return "refused: " + target->host + " resolves to " + guard.refused + ", outside the public Internet";
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  // An answer cut off at the bound still has its status line: a 2xx is a delivery.
  const bool cut_off = rc == CURLE_WRITE_ERROR && budget.exceeded && status > 0;
  if (rc != CURLE_OK && !cut_off) return std::string("HTTP: ") + curl_easy_strerror(rc);
  if (status < 200 || status >= 300) return "HTTP status " + std::to_string(status);
  return std::nullopt;
}

}  // namespace parcours
