// Hotness profiling and the JIT's per-run state: counts calls and loop back-edges per unit,
// compiles a unit once it crosses its threshold, and answers the interpreter's tier hooks.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interp/vm.h"
#include "jit/baseline/baseline_compiler.h"
#include "jit/exec_memory.h"
#include "jit/perf_map.h"

namespace gene::jit {

// Defaults (see docs/architecture.md, "Thresholds"): a unit is compiled on its 100th call or
// after 500 back-edges, whichever comes first.
constexpr uint32_t kDefaultCallThreshold = 100;
constexpr uint32_t kDefaultLoopThreshold = 500;

struct JitStats {
  uint64_t functions_compiled = 0;
  uint64_t code_bytes = 0;
  uint64_t compile_failures = 0;  // code cache full: those units stay interpreted
  uint64_t osr_entries = 0;
  std::vector<uint64_t> compile_ns;
};

class JitState {
 public:
  JitState(size_t code_cache_bytes, uint32_t call_threshold, uint32_t loop_threshold, bool dump_asm);

  // Installs the hooks on vm (vm must outlive nothing of this: the state outlives the run).
  void attach(VM& vm);
  // Names each compiled unit's code ranges in /tmp/perf-<pid>.map from now on; false (and the
  // run goes on without a map) if the file cannot be written.
  bool enable_perf_map();
  const PerfMap& perf_map() const { return perf_map_; }
  const JitStats& stats() const { return stats_; }
  std::string stats_text() const;

 private:
  static NativeEntry on_call(VM& vm, Proto* p);
  static NativeEntry on_loop(VM& vm, Proto* p, int32_t header_pc);
  NativeEntry compile(VM& vm, Proto* p);

  CodeCache cache_;
  uint32_t call_threshold_;
  uint32_t loop_threshold_;
  bool dump_asm_;
  JitStats stats_;
  PerfMap perf_map_;
  std::vector<std::unique_ptr<CompiledCode>> code_;
};

}  // namespace gene::jit
