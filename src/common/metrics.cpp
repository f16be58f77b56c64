#include "common/metrics.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <sstream>

namespace parcours::metrics {

Histogram::Histogram(const std::vector<double>& bounds)
    : bounds_(bounds), buckets_(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  std::sort(bounds_.begin(), bounds_.end());
  for (std::size_t i = 0; i <= bounds_.size(); ++i) buckets_[i] = 0;
}

void Histogram::Observe(double value) {
  const std::size_t i = std::lower_bound(bounds_.begin(), bounds_.end(), value) - bounds_.begin();
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  sum_micro_.fetch_add(static_cast<std::uint64_t>(std::max(0.0, value) * 1e6 + 0.5), std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::Read() const {
  Snapshot s;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= bounds_.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Count from the buckets so that +Inf and _count agree within one scrape.
  s.count = running;
  s.sum = static_cast<double>(sum_micro_.load(std::memory_order_relaxed)) / 1e6;
  return s;
}

const std::vector<double>& LatencyBuckets() {
  static const std::vector<double> b = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
  return b;
}

std::string FormatValue(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", v);
    return buf;
  }
  // The shortest text that reads back as the same double (0.1, not 0.10000000000000001).
  char buf[32];
  for (int precision = 15; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

std::string EscapeLabelValue(const std::string& v) {
  std::string out;
  out.reserve(v.size());
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

namespace {

std::string LabelText(const Labels& labels, const std::string& extra_name = "", const std::string& extra_value = "") {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + EscapeLabelValue(v) + "\"";
  }
  if (!extra_name.empty()) {
    if (!first) out += ',';
    out += extra_name + "=\"" + extra_value + "\"";
  }
  return out + "}";
}

std::string EscapeHelp(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

}  // namespace

void Writer::Family(const std::string& name, const std::string& help, const std::string& type) {
  out_ += "# HELP " + name + " " + EscapeHelp(help) + "\n# TYPE " + name + " " + type + "\n";
}

void Writer::Sample(const std::string& name, const Labels& labels, double value) {
  out_ += name + LabelText(labels) + " " + FormatValue(value) + "\n";
}

void Writer::Single(const std::string& name, const std::string& help, const std::string& type, double value) {
  Family(name, help, type);
  Sample(name, {}, value);
}

void Writer::Raw(const std::string& lines) { out_ += lines; }

Registry::Family& Registry::FamilyFor(const std::string& name, const std::string& help, const char* type) {
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.help = help;
    it->second.type = type;
  }
  return it->second;
}

Counter& Registry::GetCounter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "counter").counters[labels];
  if (!slot) slot = std::make_unique<Counter>();
  return *slot;
}

Histogram& Registry::GetHistogram(const std::string& name, const std::string& help, const Labels& labels,
                                  const std::vector<double>& bounds) {
  std::lock_guard lock(mu_);
  auto& slot = FamilyFor(name, help, "histogram").histograms[labels];
  if (!slot) slot = std::make_unique<Histogram>(bounds);
  return *slot;
}

void Registry::AddCollector(std::function<void(Writer&)> collector) {
  std::lock_guard lock(mu_);
  collectors_.push_back(std::move(collector));
}

std::string Registry::Render() const {
  Writer w;
  std::vector<std::function<void(Writer&)>> collectors;
  {
    std::lock_guard lock(mu_);
    collectors = collectors_;
    for (const auto& [name, f] : families_) {
      w.Family(name, f.help, f.type);
      for (const auto& [labels, c] : f.counters) w.Sample(name, labels, static_cast<double>(c->Value()));
      for (const auto& [labels, h] : f.histograms) {
        const auto s = h->Read();
        std::string text;
        for (std::size_t i = 0; i < s.cumulative.size(); ++i) {
          const std::string le = i < h->bounds().size() ? FormatValue(h->bounds()[i]) : "+Inf";
          text += name + "_bucket" + LabelText(labels, "le", le) + " " + FormatValue(static_cast<double>(s.cumulative[i])) + "\n";
        }
        text += name + "_sum" + LabelText(labels) + " " + FormatValue(s.sum) + "\n";
        text += name + "_count" + LabelText(labels) + " " + FormatValue(static_cast<double>(s.count)) + "\n";
        w.Raw(text);
      }
    }
  }
  for (const auto& c : collectors) c(w);
  return w.Take();
}

namespace {

// /proc/self/status "VmRSS:   1234 kB" → bytes.
double StatusKb(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind(key + ":", 0) == 0) {
      std::istringstream fields(line.substr(key.size() + 1));
      double kb = 0;
      fields >> kb;
      return kb * 1024;
    }
  return 0;
}

}  // namespace

void WriteProcessMetrics(Writer& w) {
  w.Family("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge");
  w.Sample("process_resident_memory_bytes", {}, StatusKb("VmRSS"));
  w.Family("parcours_process_peak_resident_memory_bytes", "Peak resident memory size in bytes (VmHWM).", "gauge");
  w.Sample("parcours_process_peak_resident_memory_bytes", {}, StatusKb("VmHWM"));
  w.Family("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge");
  w.Sample("process_virtual_memory_bytes", {}, StatusKb("VmSize"));
  int fds = 0;
  if (DIR* d = opendir("/proc/self/fd")) {
    while (readdir(d)) ++fds;
    closedir(d);
    fds = std::max(0, fds - 3);  // ".", ".." and the directory's own descriptor
  }
  w.Family("process_open_fds", "Number of open file descriptors.", "gauge");
  w.Sample("process_open_fds", {}, fds);
  // /proc/self/stat: fields after the command name; utime, stime (14, 15) and starttime (22).
  std::ifstream stat("/proc/self/stat");
  std::string all((std::istreambuf_iterator<char>(stat)), {});
  const auto close = all.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(all.substr(close + 2));
    std::vector<std::string> f;
    for (std::string x; fields >> x;) f.push_back(x);
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    if (f.size() > 19 && ticks > 0) {
      w.Family("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter");
      w.Sample("process_cpu_seconds_total", {}, (std::stod(f[11]) + std::stod(f[12])) / ticks);
      double boot = 0;
      std::ifstream procstat("/proc/stat");
      for (std::string line; std::getline(procstat, line);)
        if (line.rfind("btime ", 0) == 0) boot = std::stod(line.substr(6));
      w.Family("process_start_time_seconds", "Start time of the process since the Unix epoch in seconds.", "gauge");
      w.Sample("process_start_time_seconds", {}, boot + std::stod(f[19]) / ticks);
    }
  }
}

}  // namespace parcours::metrics
