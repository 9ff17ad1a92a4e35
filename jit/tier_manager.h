// The tier manager: the JIT's side of the interpreter's hook table. It counts calls and loop
// back-edges per unit, compiles a unit with the highest enabled tier once it is hot, installs
// the code (UnitState's entries), and retires code that is invalidated: entries reset so every
// caller falls back to the call helper, memory back to the code cache once no frame of the
// unit is live any more.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interp/vm.h"
#include "jit/compiled_code.h"
#include "jit/exec_memory.h"
#include "jit/gdb_jit.h"
#include "jit/perf_map.h"
#include "jit/tier_up.h"
#include "jit/unit_state.h"

namespace gene::jit {

// Defaults (see docs/architecture.md, "Thresholds"): a unit is compiled on its 100th call or
// after 500 back-edges, whichever comes first.
constexpr uint32_t kDefaultCallThreshold = 100;
constexpr uint32_t kDefaultLoopThreshold = 500;

struct JitStats {
  uint64_t functions_compiled = 0;
  uint64_t compiled_by_tier[kTierCount] = {};  // how many of them each tier compiled
  uint64_t code_bytes = 0;
  uint64_t compile_failures = 0;  // code cache full: those units stay in a lower tier
  uint64_t osr_entries = 0;
  uint64_t inlined_sites = 0;     // inline tier: call sites whose callee's body was compiled in
  uint64_t invalidations = 0;
  uint64_t deopts = 0;            // exits from speculative code to the interpreter
  std::vector<uint64_t> compile_ns;
};

// Deopt policy (docs/architecture.md, "Deoptimization"): a spec unit is recompiled after
// this many exits through one guard (HotSpot uses 4 per bytecode); after kMaxSpecVersions
// versions it stays at baseline.
constexpr uint32_t kExitsBeforeRecompile = 4;
constexpr int kMaxSpecVersions = 4;
// A version dropped at code that had not run when it compiled (guard `unreached`) failed no
// speculation: the first kMaxLearningVersions of those do not count towards kMaxSpecVersions.
// A unit compiled in its first loop (OSR) learns each later loop that way, one per version.
constexpr int kMaxLearningVersions = 8;

struct TierPolicy {
  Tier highest = Tier::Baseline;
  // auto: a hot unit gets baseline code first, which moves it to spec after spec_budget more
  // calls plus back-edges (jit/tier_up.h). Off: a hot unit goes straight to `highest`.
  bool staged = false;
  int64_t spec_budget = kDefaultSpecBudget;
  uint32_t call_threshold = kDefaultCallThreshold;
  uint32_t loop_threshold = kDefaultLoopThreshold;
  bool dump_asm = false;
  bool dump_ir = false;       // --dump-ir
  bool trace_deopt = false;   // --trace-deopt: one line per deopt on stderr
  int64_t deopt_every = 0;    // --deopt-every N (0: off)
  uint64_t deopt_random = 0;  // --deopt-random SEED (0: off)
  bool inline_calls = false;  // the inline tier: spec code inlines small monomorphic callees
  bool trace_inline = false;  // --trace-inline
};

class TierManager {
 public:
  TierManager(size_t code_cache_bytes, TierPolicy policy);
  ~TierManager();

  // Installs the hooks on vm; this manager must outlive the run.
  void attach(VM& vm);
  // Names each compiled unit's code ranges in /tmp/perf-<pid>.map from now on; false (and the
  // run goes on without a map) if the file cannot be written.
  bool enable_perf_map();
  const PerfMap& perf_map() const { return perf_map_; }
  // Describes each compiled unit to gdb from now on (jit/gdb_jit.h), until its code is freed.
  void enable_gdb_jit() { gdb_jit_ = std::make_unique<GdbJit>(); }
  const GdbJit* gdb_jit() const { return gdb_jit_.get(); }
  const JitStats& stats() const { return stats_; }
  std::string stats_text() const;

  // The unit's JIT state, created on first use.
  UnitState& unit(Proto& p);
  // Compiles p with `tier` and makes it the unit's active code; nullptr if it cannot.
  NativeEntry compile(VM& vm, Proto& p, Tier tier);
  // Drops p's active code: callers fall back to the helper, the interpreter runs p until it is
  // hot again. The memory returns to the code cache once no frame of p is on the stack.
  void invalidate(VM& vm, Proto& p);
  const CodeCache& cache() const { return cache_; }

  // From spec code's deopt trampoline (deopt.cpp): counts the exit, traces it, and after
  // kExitsBeforeRecompile exits of one guard drops the unit's spec code (baseline, if it has
  // some, takes over; the next compile learns from the hints).
  void on_deopt(VM& vm, Frame& frame, CompiledCode& code, spec::DeoptPoint& d, bool stress);
  // Runs `frame` (on top of vm.frames, pc and stack set) in the interpreter until it returns.
  // Its loops may enter code compiled after it left `left` (null: none, it stays interpreted);
  // the code it left, while still the unit's, it does not enter again.
  bool resume_in_interpreter(VM& vm, Frame& frame, const CompiledCode* left);
  // From baseline code whose tier-up budget ran out (tier_up.h): compiles p's spec code; its
  // native entry if p now runs spec code, else null (p stays at baseline for good).
  NativeEntry tier_up(VM& vm, Proto& p, bool osr);

 private:
  static NativeEntry on_call(VM& vm, Proto* p);
  static NativeEntry on_loop(VM& vm, Proto* p, int32_t header_pc);
  static void on_global_store(VM& vm, int32_t slot, Value old_value);
  void leave_spec_code(VM& vm, Proto& p);
  void release_retired(VM& vm);
  void drop_tier_up_counters(VM& vm, Proto& p);
  // The tier a unit gets when it first turns hot (auto: baseline, which counts towards spec).
  Tier first_tier() const { return policy_.staged ? Tier::Baseline : policy_.highest; }

  CodeCache cache_;
  TierPolicy policy_;
  JitStats stats_;
  PerfMap perf_map_;
  std::unique_ptr<GdbJit> gdb_jit_;
  void register_with_gdb(const VM& vm, const Proto& p, const CompiledCode& code);
  void release_code(const CompiledCode& code);  // unregisters it, then back to the cache
  std::vector<std::unique_ptr<UnitState>> units_;
  struct Retired {
    const Proto* proto;
    std::unique_ptr<CompiledCode> code;
  };
  std::vector<Retired> retired_;
  struct Watch {
    spec::GlobalAssumption assumption;
    Proto* unit;               // whose spec code assumes it
    const CompiledCode* code;  // that code (the watch is stale once the unit's code differs)
  };
  std::vector<Watch> watches_;
  struct Resumed {
    const Frame* frame;        // a frame the interpreter runs after a deopt
    const CompiledCode* left;  // the code it left (kept while the frame lives: release_retired)
  };
  std::vector<Resumed> resumed_;
  spec::DeoptStress stress_;
};

}  // namespace gene::jit
