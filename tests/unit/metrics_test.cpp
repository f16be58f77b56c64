// Unit tests of src/common/metrics: the Prometheus text format as written (the deployment
// tests parse a live /metrics with the reference parser as well).
#include "common/metrics.h"

#include <catch2/catch.hpp>
#include <string>

namespace parcours::metrics {

TEST_CASE("metrics: counters render with HELP, TYPE and escaped labels", "[metrics]") {
  Registry r;
  r.GetCounter("parcours_things_total", "Things.\nDone.", {{"kind", "a\"b\\c\nd"}}).Add(3);
  r.GetCounter("parcours_things_total", "Things.", {{"kind", "plain"}}).Add();
  const std::string text = r.Render();
  CHECK(text ==
        "# HELP parcours_things_total Things.\\nDone.\n"
        "# TYPE parcours_things_total counter\n"
        "parcours_things_total{kind=\"a\\\"b\\\\c\\nd\"} 3\n"
        "parcours_things_total{kind=\"plain\"} 1\n");
}

TEST_CASE("metrics: a histogram's buckets are cumulative and end with +Inf, sum and count", "[metrics]") {
  Registry r;
  auto& h = r.GetHistogram("latency_seconds", "Latency.", {{"route", "/x"}}, {0.1, 1});
  h.Observe(0.05);
  h.Observe(0.1);  // on a bound: counted in that bucket (le means <=)
  h.Observe(0.5);
  h.Observe(7);
  CHECK(r.Render() ==
        "# HELP latency_seconds Latency.\n"
        "# TYPE latency_seconds histogram\n"
        "latency_seconds_bucket{route=\"/x\",le=\"0.1\"} 2\n"
        "latency_seconds_bucket{route=\"/x\",le=\"1\"} 3\n"
        "latency_seconds_bucket{route=\"/x\",le=\"+Inf\"} 4\n"
        "latency_seconds_sum{route=\"/x\"} 7.65\n"
        "latency_seconds_count{route=\"/x\"} 4\n");
}

TEST_CASE("metrics: the same labels give the same child, and collectors add their families", "[metrics]") {
  Registry r;
  auto& a = r.GetCounter("c_total", "C.", {{"x", "1"}});
  auto& b = r.GetCounter("c_total", "C.", {{"x", "1"}});
  CHECK(&a == &b);
  r.AddCollector([](Writer& w) {
    w.Family("g", "A gauge.", "gauge");
    w.Sample("g", {}, 2.5);
  });
  CHECK(r.Render().ends_with("# HELP g A gauge.\n# TYPE g gauge\ng 2.5\n"));
}

TEST_CASE("metrics: the process families are present", "[metrics]") {
  Writer w;
  WriteProcessMetrics(w);
  const std::string text = w.Take();
  CHECK(text.find("process_resident_memory_bytes ") != std::string::npos);
  CHECK(text.find("process_cpu_seconds_total ") != std::string::npos);
  CHECK(text.find("process_start_time_seconds ") != std::string::npos);
}

}  // namespace parcours::metrics
