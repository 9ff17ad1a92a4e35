// Small hand-made reports for the report, compare and merge tests.
#pragma once
#include "harness/report.h"

namespace gene::harness::test {

inline Row timed_row(const std::string& program, const std::string& tier, double median_ms, const std::string& status = "pass") {
  Row r;
  r.program = program;
  r.tier = tier;
  r.status = status;
  r.exit = 0;
  r.repetitions = 3;
  r.time_median_ms = median_ms;
  r.time_mean_ms = median_ms;
  r.time_min_ms = median_ms * 0.9;
  r.time_max_ms = median_ms * 1.1;
  r.time_stddev_ms = median_ms * 0.05;
  r.time_cv = 0.05;
  return r;
}

// interp at 100 ms; baseline at the given times per program.
inline Report bench_report(double fib_baseline_ms, double sieve_baseline_ms, const std::string& fib_status = "pass") {
  Report r;
  r.name = "t";
  r.created = "2024-01-01T00:00:00Z";
  r.environment.git_commit = "abc";
  r.environment.cpu_model = "test cpu";
  r.rows = {timed_row("corpus/bench/fib.gene", "interp", 100), timed_row("corpus/bench/fib.gene", "baseline", fib_baseline_ms, fib_status),
            timed_row("corpus/bench/sieve.gene", "interp", 100), timed_row("corpus/bench/sieve.gene", "baseline", sieve_baseline_ms)};
  compute_speedups(r);
  return r;
}

}  // namespace gene::harness::test
