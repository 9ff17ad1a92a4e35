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
  // --peers: also run the peer implementations in peers_dir (see harness/peers.h).
  bool peers = false;
  std::string peers_dir;           // empty: <source tree>/bench/peers
  int peer_repetitions = 1;
  double peer_timeout = 600;       // seconds allowed for one peer run (then killed: an error)
};

int run_bench(const std::vector<std::string>& paths, const BenchOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace gene::harness
