#pragma once
// Process metrics in the Prometheus text exposition format (version 0.0.4).
//
// Written here rather than taken from Debian's prometheus-cpp: Parcours already has an HTTP
// server (prometheus-cpp-pull would bring a second one, civetweb, into the process), the
// format is a few lines of text, and a histogram observation here is two relaxed atomic adds
// with no allocation. tests/deploy/cluster_test.py parses /metrics with the reference parser
// (Python prometheus_client) to keep the output honest.
//
// Invariants: a family has one name, one type and one label set; children are created on
// first use and live as long as the registry (callers may keep references); Render() output
// is grouped by family, families sorted by name, children by labels.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace parcours::metrics {

class Counter {
 public:
  void Add(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t Value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Cumulative buckets over fixed upper bounds (seconds for latencies).
class Histogram {
 public:
  explicit Histogram(const std::vector<double>& bounds);
  void Observe(double value);
  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return bounds_; }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // per bound, then +Inf (not cumulative)
  std::atomic<std::uint64_t> sum_micro_{0};                 // the sum in millionths
  std::atomic<std::uint64_t> count_{0};
};

// Latency buckets from 1 ms to 10 s.
const std::vector<double>& LatencyBuckets();

using Labels = std::vector<std::pair<std::string, std::string>>;

// Writes families for collectors that compute values at scrape time (gauges read from the
// pool, the database, /proc).
class Writer {
 public:
  void Family(const std::string& name, const std::string& help, const std::string& type);
  void Sample(const std::string& name, const Labels& labels, double value);
  void Single(const std::string& name, const std::string& help, const std::string& type, double value);  // no labels
  void Raw(const std::string& lines);  // sample lines already formatted
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

std::string FormatValue(double v);
std::string EscapeLabelValue(const std::string& v);

class Registry {
 public:
  // The child of a family with these label values (created on first use). `label_names`
  // must be the same on every call for one name.
  Counter& GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& GetHistogram(const std::string& name, const std::string& help, const Labels& labels = {},
                          const std::vector<double>& bounds = LatencyBuckets());
  // Called at every Render, outside the registry's lock, in the order added.
  void AddCollector(std::function<void(Writer&)> collector);
  std::string Render() const;

 private:
  struct Family {
    std::string help, type;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(const std::string& name, const std::string& help, const char* type);
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;
  std::vector<std::function<void(Writer&)>> collectors_;
};

// The process's memory, descriptors, CPU time and start time from /proc/self (the standard
// process_* families). Takes the current Unix time for nothing: /proc gives the start time.
void WriteProcessMetrics(Writer& w);

}  // namespace parcours::metrics
