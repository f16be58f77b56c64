#pragma once
// What a person's own pages show, kept per person in this process while it still shows the
// database (issue 13). Several processes share one database, so nothing here is told of a
// change: every change to a person's rows adds 1 to their version in its own transaction
// (0016_person_version.sql), each request reads the version afresh with the signed-in person,
// and a kept value is used only when its stamp is that version (and the catalogue's structure
// version it was read under). A value is stamped with the version read in the transaction that
// read it, so it is never newer than its stamp says. At most `max_people` people are kept; the
// one used least recently goes first.
#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "domain/model.h"

namespace parcours {

struct PersonStamp {
  std::int64_t person = 0;     // the person's version
  std::int64_t structure = 0;  // the catalogue's structure version
  bool operator==(const PersonStamp&) const = default;
};

template <class V>
class PersonCache {
 public:
  explicit PersonCache(std::size_t max_people = 4096) : max_people_(max_people) {}

  // The value kept for `person` when its stamp is `current`, else nullptr.
  std::shared_ptr<const V> Find(Id person, const PersonStamp& current) {
    std::lock_guard lock(mu_);
    auto it = index_.find(person);
    if (it == index_.end() || !(it->second->stamp == current)) return nullptr;
    lru_.splice(lru_.begin(), lru_, it->second);  // used now
    return it->second->value;
  }
  // Keeps `value` for `person`, replacing what was kept.
  void Put(Id person, const PersonStamp& stamp, std::shared_ptr<const V> value) {
    if (max_people_ == 0) return;
    std::lock_guard lock(mu_);
    if (auto it = index_.find(person); it != index_.end()) {
      // Never replace a newer value with an older one (two requests racing).
      if (it->second->stamp.person > stamp.person) return;
      it->second->stamp = stamp;
      it->second->value = std::move(value);
      lru_.splice(lru_.begin(), lru_, it->second);
      return;
    }
    if (index_.size() >= max_people_) {
      index_.erase(lru_.back().person);
      lru_.pop_back();
    }
    lru_.push_front(Entry{person, stamp, std::move(value)});
    index_[person] = lru_.begin();
  }
  std::size_t size() const {
    std::lock_guard lock(mu_);
    return index_.size();
  }

 private:
  struct Entry {
    Id person;
    PersonStamp stamp;
    std::shared_ptr<const V> value;
  };
  std::size_t max_people_;
  mutable std::mutex mu_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<Id, typename std::list<Entry>::iterator> index_;
};

}  // namespace parcours
