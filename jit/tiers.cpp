#include "jit/tiers.h"

#include <cstdio>

#include "jit/tier_manager.h"

namespace gene {

struct TierSession {
  std::string tier;
  JitOptions options;
  std::unique_ptr<jit::TierManager> jit;  // null for the interpreter
};

void TierSessionDeleter::operator()(TierSession* s) const { delete s; }

const std::vector<std::string>& available_tiers() {
  // Lowest first. "auto" is every tier with its normal thresholds: what a user runs.
  static const std::vector<std::string> tiers = {"interp", "baseline", "spec", "inline", "auto"};
  return tiers;
}

bool is_jit_tier(const std::string& tier) { return tier != "interp"; }

TierSessionPtr configure_tier(const std::string& tier, const JitOptions& jit, RunOptions& opts) {
  TierSessionPtr s(new TierSession{tier, jit, nullptr});
  opts.setup_tier = nullptr;
  opts.collect_stats = nullptr;
  opts.tier_ctx = s.get();
  if (!is_jit_tier(tier)) return s;
  jit::TierPolicy policy;
  // "spec", "inline" and "auto" reach spec code (inline's with callees inlined), with the fall-backs to baseline the tier manager applies
  // (budget, deopts).
  policy.highest = tier == "baseline" ? jit::Tier::Baseline : jit::Tier::Spec;
  // The speculating tier plans with type feedback: the interpreter records it.
  if (policy.highest == jit::Tier::Spec) opts.vm.type_feedback = true;
  policy.dump_ir = jit.dump_ir;
  policy.trace_deopt = jit.trace_deopt;
  // "inline" is spec with inlining; "auto" runs everything, inlining included.
  policy.inline_calls = tier == "inline" || tier == "auto";
  policy.trace_inline = jit.trace_inline;
  policy.deopt_every = jit.deopt_every;
  policy.deopt_random = jit.deopt_random;
  // "auto" is staged: baseline first, spec once the unit stays hot (tier_up.h).
  policy.staged = tier == "auto";
  policy.spec_budget = jit::kDefaultSpecBudget;
  if (jit.threshold >= 0) policy.call_threshold = policy.loop_threshold = uint32_t(jit.threshold);
  if (jit.threshold >= 0) policy.spec_budget = jit.threshold;
  if (jit.eager) policy.call_threshold = policy.loop_threshold = 0, policy.spec_budget = 0;
  policy.dump_asm = jit.dump_asm;
  s->jit = std::make_unique<jit::TierManager>(jit.code_cache_mb << 20, policy);
  if (jit.perf_map && !s->jit->enable_perf_map())
    std::fprintf(stderr, "warning: --perf-map: cannot write %s; running without it\n", s->jit->perf_map().path().c_str());
  if (jit.gdb_jit) s->jit->enable_gdb_jit();
  opts.setup_tier = [](VM& vm, void* ctx) { static_cast<TierSession*>(ctx)->jit->attach(vm); };
  opts.collect_stats = [](void* ctx, std::vector<std::pair<std::string, double>>& out) {
    const jit::JitStats& st = static_cast<TierSession*>(ctx)->jit->stats();
    uint64_t total = 0;
    for (uint64_t ns : st.compile_ns) total += ns;
    out.emplace_back("functions_compiled", double(st.functions_compiled));
    out.emplace_back("baseline_compiles", double(st.compiled_by_tier[int(jit::Tier::Baseline)]));
    out.emplace_back("spec_compiles", double(st.compiled_by_tier[int(jit::Tier::Spec)]));
    out.emplace_back("code_bytes", double(st.code_bytes));
    out.emplace_back("compile_us", double(total) / 1000.0);
    out.emplace_back("osr_entries", double(st.osr_entries));
    out.emplace_back("inlined_sites", double(st.inlined_sites));
    out.emplace_back("deopts", double(st.deopts));
    out.emplace_back("invalidations", double(st.invalidations));
    out.emplace_back("compile_failures", double(st.compile_failures));
  };
  return s;
}

std::string tier_stats_text(const TierSessionPtr& s) { return s && s->jit ? s->jit->stats_text() : ""; }

}  // namespace gene
