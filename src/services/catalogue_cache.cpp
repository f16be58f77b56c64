#include "services/catalogue_cache.h"

#include <cstdio>
#include <functional>

namespace parcours {

std::optional<CatalogueVersion> VersionCoalescer::Get() {
  std::unique_lock lock(mu_);
  // Reads numbered `target` and later start after this call: any of them sees every change
  // committed before it.
  const std::uint64_t target = started_ + 1;
  ++callers_;
  while (done_ < target) {
    if (in_flight_) {
      cv_.wait(lock);
      continue;
    }
    in_flight_ = true;
    const std::uint64_t mine = ++started_;
    lock.unlock();
    std::optional<CatalogueVersion> got;
    try {
      got = read_();
    } catch (...) {
      got.reset();  // a failed read: no kept value for those waiting on it
    }
    lock.lock();
    in_flight_ = false;
    done_ = mine;
    last_ = got;
    cv_.notify_all();
  }
  --callers_;
  return last_;
}

std::uint64_t VersionCoalescer::reads() const {
  std::lock_guard lock(mu_);
  return started_;
}

std::size_t VersionCoalescer::callers() const {
  std::lock_guard lock(mu_);
  return callers_;
}

std::string BodyEtag(std::string_view body) {
  // libstdc++'s hash of bytes is fixed (no per-process seed): every process of a release
  // gives the same tag for the same bytes, as a proxy in front of several needs.
  char buf[24];
  std::snprintf(buf, sizeof buf, "\"%016zx\"", std::hash<std::string_view>{}(body));
  return buf;
}

bool EtagMatches(std::string_view header, std::string_view etag) {
  auto opaque = [](std::string_view t) { return t.starts_with("W/") ? t.substr(2) : t; };
  std::size_t i = 0;
  while (i < header.size()) {
    std::size_t end = header.find(',', i);
    if (end == std::string_view::npos) end = header.size();
    std::string_view item = header.substr(i, end - i);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (item == "*" || (!item.empty() && opaque(item) == opaque(etag))) return true;
    i = end + 1;
  }
  return false;
}

}  // namespace parcours
