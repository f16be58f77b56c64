#pragma once
// A small blocking HTTP client over libcurl for the API tests: one keep-alive connection per
// client object (use one per thread). Every response is appended to PARCOURS_TEST_RESPONSES
// (when set) so tests/run.sh can validate them against api/openapi.yaml.
#include <nlohmann/json.hpp>
#include <map>
#include <string>

namespace parcours::testing {

struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  nlohmann::json json() const;
  std::string header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(std::string base_url);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  void set_token(std::string token) { token_ = std::move(token); }
  // Sends from this local address (e.g. "127.0.0.2": all of 127.0.0.0/8 is loopback), so
  // that one test can play several clients that the server tells apart by address.
  void set_local_address(std::string address) { local_address_ = std::move(address); }
  HttpResult Request(const std::string& method, const std::string& path,
                     const std::string& body = "",
                     const std::map<std::string, std::string>& headers = {});
  HttpResult Get(const std::string& path) { return Request("GET", path); }
  HttpResult Post(const std::string& path, const nlohmann::json& body,
                  const std::map<std::string, std::string>& headers = {}) {
    return Request("POST", path, body.is_null() ? "" : body.dump(), headers);
  }
  HttpResult Put(const std::string& path, const nlohmann::json& body) {
    return Request("PUT", path, body.dump());
  }
  HttpResult Delete(const std::string& path) { return Request("DELETE", path); }

 private:
  std::string base_;
  std::string token_;
  std::string local_address_;
  void* curl_;
};

// Whether `s` holds `part`; the first field named by a problem's errors ("" for none).
inline bool Contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }
std::string FirstField(const HttpResult& r);

}  // namespace parcours::testing
