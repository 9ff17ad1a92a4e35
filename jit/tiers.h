// The engine's list of tiers and how to enable one for a run. The CLI and the harness ask this
// list (never a hard-coded one), so a tier that lands shows up everywhere at once.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "interp/run.h"

namespace gene {

struct JitOptions {
  bool eager = false;     // --jit-eager: compile at first use
  int threshold = -1;     // --jit-threshold: calls/back-edges before compiling (-1: tier default)
  size_t code_cache_mb = 64;
  bool dump_asm = false;
  bool perf_map = false;  // --perf-map: write /tmp/perf-<pid>.map for Linux perf
  bool gdb_jit = false;   // --gdb-jit: describe compiled code to gdb (jit/gdb_jit.h)
  bool stats = false;
  bool dump_ir = false;       // --dump-ir: the spec tier's IR after each pass
  bool trace_deopt = false;   // --trace-deopt
  bool trace_inline = false;  // --trace-inline: one line per call site the inline tier decided
  int64_t deopt_every = 0;    // --deopt-every N: every guard fails on every Nth evaluation
  uint64_t deopt_random = 0;  // --deopt-random SEED: guards fail at random (seeded) evaluations
};

// Tier names in order, lowest first; "interp" is always first.
const std::vector<std::string>& available_tiers();
bool is_jit_tier(const std::string& tier);

// Fills opts so that run_source runs with `tier` as the highest enabled tier. The returned
// context owns the tier's state (code cache, statistics) and must outlive the run.
struct TierSession;
struct TierSessionDeleter {
  void operator()(TierSession* s) const;
};
using TierSessionPtr = std::unique_ptr<TierSession, TierSessionDeleter>;
TierSessionPtr configure_tier(const std::string& tier, const JitOptions& jit, RunOptions& opts);
// One line of JIT statistics for --jit-stats ("" for the interpreter).
std::string tier_stats_text(const TierSessionPtr& s);

}  // namespace gene
