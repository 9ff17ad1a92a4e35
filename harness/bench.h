// `gene-harness bench`: times program x tier in-process with Google Benchmark (warm-up,
// repetitions, median and spread), checks each run's output, and writes the report set.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/corpus.h"

namespace gene::harness {

struct BenchOptions {
  std::vector<std::string> tiers;  // restrict to these; empty: every available tier
  bool eager = false;              // also time JIT tiers with --jit-eager
  int repetitions = 5;
  double min_time = 0.2;           // seconds per repetition (Google Benchmark picks iterations)
  double warmup = 0.1;             // seconds of untimed runs before the repetitions
  Shard shard;
  std::string report_dir = "reports";
  std::string name = "latest";
  int progress = -1;               // -1: on a terminal without $CI; 0/1: force
};

int run_bench(const std::vector<std::string>& paths, const BenchOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace gene::harness
