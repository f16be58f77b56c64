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
    ReadOnce(lock);
  }
  --callers_;
  return last_;
}

void VersionCoalescer::ReadOnce(std::unique_lock<std::mutex>& lock) {
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
  std::vector<Done> ready;
  for (auto it = awaiting_.begin(); it != awaiting_.end();) {
    if (it->first <= mine) {
      ready.push_back(std::move(it->second));
      it = awaiting_.erase(it);
    } else {
      ++it;
    }
  }
  // Callbacks that arrived during this read need the next one: the reading thread makes it
  // unless a Get caller does.
  if (!awaiting_.empty()) reader_cv_.notify_one();
  if (ready.empty()) return;
  lock.unlock();
  for (auto& done : ready) done(got);
  lock.lock();
}

void VersionCoalescer::Await(Done done) {
  std::lock_guard lock(mu_);
  if (stopping_) return;
  awaiting_.emplace_back(started_ + 1, std::move(done));
  if (!reader_.joinable()) reader_ = std::thread([this] { RunAwaited(); });
  if (!in_flight_) reader_cv_.notify_one();
}

void VersionCoalescer::RunAwaited() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (awaiting_.empty() || in_flight_) {
      reader_cv_.wait(lock);
      continue;
    }
    ReadOnce(lock);
  }
}

VersionCoalescer::~VersionCoalescer() {
  std::vector<std::pair<std::uint64_t, Done>> dropped;  // destroyed outside the lock
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    dropped.swap(awaiting_);
  }
  reader_cv_.notify_all();
  if (reader_.joinable()) reader_.join();
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
