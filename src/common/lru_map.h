#pragma once
// A map of at most `capacity` entries that, when full, lets a new key take the place of the
// one used least recently (found or put). For what a process keeps of answers it may give
// again: a client sending a flood of distinct keys cycles through entries of its own while
// the keys people keep asking for stay. Not thread-safe: its owner locks.
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>
#include <utility>

namespace parcours {

template <class V>
class LruMap {
 public:
  explicit LruMap(std::size_t capacity) : capacity_(capacity) {}

  // The value under `key`, now the most recently used; nullptr when there is none.
  V* Find(const std::string& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    order_.splice(order_.begin(), order_, it->second);
    return &it->second->second;
  }
  // Puts `value` under `key`, the most recently used, evicting the least recently used entry
  // when a new key finds the map full. With a capacity of 0 nothing is kept.
  void Put(const std::string& key, V value) {
    if (capacity_ == 0) return;
    if (V* existing = Find(key)) {
      *existing = std::move(value);
      return;
    }
    if (index_.size() >= capacity_) {
      index_.erase(order_.back().first);
      order_.pop_back();
    }
    order_.emplace_front(key, std::move(value));
    index_.emplace(key, order_.begin());
  }
  bool Contains(const std::string& key) const { return index_.count(key) > 0; }
  std::size_t size() const { return index_.size(); }

 private:
  std::size_t capacity_;
  std::list<std::pair<std::string, V>> order_;  // most recently used first
  std::unordered_map<std::string, typename std::list<std::pair<std::string, V>>::iterator> index_;
};

}  // namespace parcours
