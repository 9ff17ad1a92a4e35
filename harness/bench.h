// `gene-harness bench`: measures program x tier, checks each run's output, and writes the report
// set. Two metrics:
//   time          Google Benchmark wall time (warm-up, repetitions, median and spread), each
//                 repetition in its own forked child process with a time limit, so a crash or a
//                 hang becomes a `crash` / `timeout` row instead of ending the whole run;
//   instructions  one `gene run` per program x tier under valgrind's cachegrind: instructions
//                 executed (JIT-generated code included), deterministic enough for a tight gate.
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
  int iterations = 0;              // timed runs per repetition; 0: Google Benchmark picks (--min-time)
  Shard shard;
  std::string report_dir = "reports";
  std::string name = "latest";
  int progress = -1;               // -1: on a terminal without $CI; 0/1: force
  // --peers: also run the peer implementations in peers_dir (see harness/peers.h).
  bool peers = false;
  std::string peers_dir;           // empty: <source tree>/bench/peers
  int peer_repetitions = 1;
  double peer_timeout = 600;       // seconds allowed for one peer run (then killed: an error)
  std::string metric = "time";     // "time" or "instructions"
  double timeout = 600;            // seconds allowed for one child (a repetition, or a valgrind run)
  // --metric instructions only:
  std::string gene;                // the gene binary run under valgrind (empty: beside gene-harness)
  std::string valgrind = "valgrind";  // searched in PATH unless it contains a '/'
  int jobs = 1;                    // valgrind runs in parallel (counts do not depend on it)
};

// Test-only hook (documented in docs/report-schema.md): when the environment variable
// GENE_HARNESS_TEST_CRASH is set and non-empty, a wall-time child whose benchmark name
// ("<program>@<tier>", "/eager" appended in eager mode) contains its value raises SIGSEGV
// before running, so tests can prove that a crashing tier yields a `crash` row.
inline constexpr const char* kTestCrashEnv = "GENE_HARNESS_TEST_CRASH";

// Instruction counts of one cachegrind output file (`--cache-sim=no`: the only event is Ir).
struct InstructionCounts {
  double total = 0;    // the `summary:` line
  double jit = 0;      // in code without a symbol: what the JIT generated at run time
  double interp = 0;   // in the interpreter's dispatch loop (functions named gene::...run_loop<...>)
  double runtime = 0;  // everything else: helpers, GC, builtins, compiler, libc, start-up
};
// Parses the text of a cachegrind.out file; false with a message if it has no Ir summary.
bool parse_cachegrind(const std::string& text, InstructionCounts& out, std::string& error);

int run_bench(const std::vector<std::string>& paths, const BenchOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace gene::harness
