#pragma once
// Reads of the catalogue kept in this process and served while they still show the database
// (issue 13). Several processes share one database, so nothing here is told of a change: each
// request reads the catalogue's version (one cheap query, CatalogueRepository::
// ReadCatalogueVersion) and a kept value is served only when
//   - its structure version is the current one (a session created, edited, cancelled or
//     decided is seen by the next request of every process), and
//   - its counts version is the current one, or it was computed less than `counts_bound` ago
//     (places left and waiting lists are at most that old: one second by default), and
//   - the clock has not reached its `valid_until` (a page of coming sessions is stale once
//     the first of them starts).
// A value is computed after the version was read, so it is at least as new as its stamp.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/lru_map.h"
#include "domain/repositories.h"

namespace parcours {

// Where kept values are checked: the clock that bounds the age of counts (monotonic
// nanoseconds, from src/app) and the bound. Without a clock nothing is kept.
// `read_version`, when given, reads the version outside any transaction (one statement on a
// connection of its own, MySqlStore::ReadCatalogueVersionNow); nullopt when it failed, and
// nothing kept is then used for that request. Without it the version is read in a transaction.
struct CatalogueCacheSettings {
  std::function<std::int64_t()> monotonic_ns;
  std::chrono::milliseconds counts_bound{1000};
  std::function<std::optional<CatalogueVersion>()> read_version;
};

// At most one version read in flight, its result shared: a caller waits for the first read
// that STARTED after it called (never one already under way, which may have read before a
// change the caller must see), and every caller waiting for that read takes its result. Under
// load one round trip then serves all the requests that arrived while the previous one ran;
// alone, a request costs one read as before. A failed read (nullopt) is shared too: nobody
// waiting on it uses a kept value.
//
// Await is the same without a thread that waits: `done` is called with the result of the first
// read that starts after the call, on the thread that made it (a thread of the coalescer's own
// when no Get caller is reading). The server parks a request that way and answers it from that
// thread when what it keeps is still fresh (no hand-off to a worker). `done` must not block.
class VersionCoalescer {
 public:
  using Read = std::function<std::optional<CatalogueVersion>()>;
  using Done = std::function<void(std::optional<CatalogueVersion>)>;
  explicit VersionCoalescer(Read read) : read_(std::move(read)) {}
  ~VersionCoalescer();  // stops the reading thread; callbacks still waiting are dropped
  std::optional<CatalogueVersion> Get();
  void Await(Done done);
  std::uint64_t reads() const;     // reads started so far (for tests)
  std::size_t callers() const;     // callers in Get now (for tests)

 private:
  // Makes read number ++started_ (mu_ held on entry and on return), then calls the callbacks
  // it satisfies, outside the lock.
  void ReadOnce(std::unique_lock<std::mutex>& lock);
  void RunAwaited();  // the coalescer's own thread

  Read read_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::uint64_t started_ = 0;  // reads started
  std::uint64_t done_ = 0;     // the number of the last read that ended
  bool in_flight_ = false;
  std::size_t callers_ = 0;
  std::optional<CatalogueVersion> last_;  // the result of read number done_
  std::vector<std::pair<std::uint64_t, Done>> awaiting_;  // (first read that serves it, callback)
  std::condition_variable reader_cv_;
  std::thread reader_;
  bool stopping_ = false;
};

// The version read for one request, with what it takes to judge a kept value against it.
struct CatalogueReading {
  CatalogueVersion version;
  std::int64_t at_ns = 0;      // monotonic time of the read
  TimePoint now;               // the domain clock at the read
  std::int64_t bound_ns = 0;   // how old counts may be
  bool enabled = false;        // false: keep nothing (no clock configured)
};

struct CatalogueStamp {
  CatalogueVersion version;
  std::int64_t at_ns = 0;
  TimePoint valid_until = TimePoint::max();
  // A person's own page: also held only while their shard of people (PeopleShard) keeps the
  // value it had in a reading made BEFORE their rows were read. -1: nobody's.
  int person_shard = -1;
  std::int64_t person_shard_version = 0;
};

inline bool IsFresh(const CatalogueStamp& s, const CatalogueReading& r) {
  return r.enabled && s.version.structure == r.version.structure && r.now < s.valid_until &&
         (s.version.counts == r.version.counts || r.at_ns - s.at_ns < r.bound_ns) &&
         (s.person_shard < 0 || r.version.people[static_cast<std::size_t>(s.person_shard)] == s.person_shard_version);
}

// Values of type V by key (language and filters, say), thread-safe, at most `max_entries`
// (LruMap: when full, a new key takes the place of the one used least recently, so that a
// flood of distinct keys cycles through its own entries while the pages people ask for stay).
template <class V>
class CatalogueCache {
 public:
  struct Entry {
    CatalogueStamp stamp;
    V value;
  };
  explicit CatalogueCache(std::size_t max_entries = 256) : entries_(max_entries) {}

  std::shared_ptr<const Entry> Find(const std::string& key, const CatalogueReading& r) const {
    if (!r.enabled) return nullptr;
    std::lock_guard lock(mu_);
    auto* e = entries_.Find(key);
    if (!e || !IsFresh((*e)->stamp, r)) return nullptr;
    return *e;
  }
  // `value`, computed after reading `r`, with its stamp, not kept.
  static std::shared_ptr<const Entry> Unkept(const CatalogueReading& r, V value,
                                             TimePoint valid_until = TimePoint::max()) {
    return std::make_shared<const Entry>(Entry{{r.version, r.at_ns, valid_until}, std::move(value)});
  }
  // Keeps `value`, computed after reading `r`, until `valid_until`; returns it.
  std::shared_ptr<const Entry> Put(const std::string& key, const CatalogueReading& r, V value,
                                   TimePoint valid_until = TimePoint::max()) {
    auto e = Unkept(r, std::move(value), valid_until);
    if (!r.enabled) return e;
    std::lock_guard lock(mu_);
    entries_.Put(key, e);
    return e;
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return entries_.size();
  }
  bool Holds(const std::string& key) const {
    std::lock_guard lock(mu_);
    return entries_.Contains(key);
  }

 private:
  mutable std::mutex mu_;
  mutable LruMap<std::shared_ptr<const Entry>> entries_;  // Find marks an entry used
};

// A rendered answer kept by CatalogueCache: the bytes and their entity tag.
struct RenderedBody {
  std::string body;
  std::string etag;  // a strong validator, the same in every process for the same bytes
};
// The entity tag of `body`: a hash of the bytes, quoted (RFC 9110 8.8.3).
std::string BodyEtag(std::string_view body);
// Does an If-None-Match header value name `etag` ("*", or one of a comma-separated list,
// weak tags compared weakly, RFC 9110 13.1.2)?
bool EtagMatches(std::string_view if_none_match, std::string_view etag);

}  // namespace parcours
