#include "notify/webhook_sender.h"

#include <curl/curl.h>

#include <memory>

namespace parcours {
namespace {
size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }
}  // namespace

std::optional<std::string> CurlWebhookSender::Post(const std::string& url, const std::string& body,
                                                   const std::vector<std::pair<std::string, std::string>>& headers) {
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) return "curl_easy_init failed";
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list(nullptr, curl_slist_free_all);
  curl_slist* raw = nullptr;
  for (const auto& [k, v] : headers) raw = curl_slist_append(raw, (k + ": " + v).c_str());
  raw = curl_slist_append(raw, "Expect:");
  list.reset(raw);
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list.get());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return std::string("HTTP: ") + curl_easy_strerror(rc);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status < 200 || status >= 300) return "HTTP status " + std::to_string(status);
  return std::nullopt;
}

}  // namespace parcours
