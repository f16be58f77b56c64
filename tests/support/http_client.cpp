#include "http_client.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <mutex>
#include <stdexcept>

#include "test_env.h"

namespace parcours::testing {
namespace {

std::once_flag curl_once;
std::mutex record_mutex;

size_t OnBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t OnHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    auto& headers = *static_cast<std::map<std::string, std::string>*>(out);
    // Several Set-Cookie lines are kept, one per line.
    if (name == "set-cookie" && headers.count(name)) headers[name] += "\n" + value;
    else headers[name] = value;
  }
  return size * n;
}

void Record(const std::string& method, const std::string& path, const HttpResult& r) {
  const std::string file = ResponsesFile();
  if (file.empty()) return;
  // The pages (every path outside the API) are no part of the API's contract.
  if (!path.starts_with("/api/") && !path.starts_with("/health")) return;
  nlohmann::json line = {{"method", method},
                         {"path", path.substr(0, path.find('?'))},
                         {"status", r.status},
                         {"content_type", r.header("content-type")}};
  auto parsed = nlohmann::json::parse(r.body, nullptr, false);
  line["body"] = r.body.empty() || parsed.is_discarded() ? nlohmann::json(nullptr) : parsed;
  const std::string text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // Test programs run side by side (ctest -j2) and append to the same file: each line goes in
  // whole, under an exclusive lock on the file (a stream may split a long line in several
  // writes, which another process's line would cut into).
  std::lock_guard lock(record_mutex);
  const int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot open " + file);
  ::flock(fd, LOCK_EX);
  std::size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  ::close(fd);  // releases the lock
  if (written != text.size()) throw std::runtime_error("cannot append to " + file);
}

}  // namespace

nlohmann::json HttpResult::json() const {
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) throw std::runtime_error("response is not JSON: " + body.substr(0, 200));
  return j;
}

std::string HttpResult::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? "" : it->second;
}

HttpClient::HttpClient(std::string base_url) : base_(std::move(base_url)) {
  std::call_once(curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  curl_ = curl_easy_init();
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResult HttpClient::Request(const std::string& method, const std::string& path,
                               const std::string& body,
                               const std::map<std::string, std::string>& headers) {
  CURL* c = static_cast<CURL*>(curl_);
  HttpResult r;
  curl_easy_reset(c);
  std::string url = base_ + path;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &r.headers);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 60L);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  const std::string local = "host!" + local_address_;  // an address, never an interface name
  if (!local_address_.empty()) curl_easy_setopt(c, CURLOPT_INTERFACE, local.c_str());
  if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_slist* list = nullptr;
  if (!headers.count("Content-Type")) list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Connection: keep-alive");
  list = curl_slist_append(list, "Expect:");
  if (!token_.empty() && !headers.count("Authorization"))
    list = curl_slist_append(list, ("Authorization: Bearer " + token_).c_str());
  for (const auto& [k, v] : headers) list = curl_slist_append(list, (k + ": " + v).c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(list);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("HTTP request failed: ") + curl_easy_strerror(rc));
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &r.status);
  Record(method, path, r);
  return r;
}

std::string FirstField(const HttpResult& r) {
  auto errors = r.json()["errors"];
  return errors.empty() ? "" : errors[0]["field"].get<std::string>();
}

}  // namespace parcours::testing
