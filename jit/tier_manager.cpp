#include "jit/tier_manager.h"

#include <algorithm>
#include <cstdio>

#include "interp/interpreter.h"
#include "jit/baseline/baseline_compiler.h"
#include "jit/spec/spec_compiler.h"
#include "jit/tier_up.h"

namespace gene::jit {

namespace {

// The unit's active body for compiled callers (null: none), and what a call that has checked
// its callee calls: that body, or the stub that runs the pushed frame in the interpreter.
void set_body(UnitState& u, const void* body) {
  u.body = body;
  u.call_body = body ? body : gene_jit_interpreted_callee;
}

// The tier compilers, indexed by Tier. A compiler turns a verified unit into CompiledCode (it
// neither installs nor publishes it: that is the manager's job); dump lists it for --dump-asm.
struct CompileRequest {
  VM& vm;
  const Proto& p;
  UnitState& unit;
  CodeCache& cache;
  const TierPolicy& policy;
  spec::DeoptStress* stress;
};

struct TierCompiler {
  const char* name;
  CompileStatus (*compile)(const CompileRequest& r, CompiledCode& out);
  std::string (*dump)(const VM& vm, const Proto& p, const CompiledCode& code);
};

const TierCompiler kTierCompilers[kTierCount] = {
    {"baseline",
     [](const CompileRequest& r, CompiledCode& out) {
       // auto: count towards spec unless the unit can no longer get there.
       bool may_tier_up = r.policy.staged && !r.unit.failed[int(Tier::Spec)] && r.unit.spec_versions < kMaxSpecVersions &&
                          spec::within_spec_budget(r.p);
       if (may_tier_up) r.unit.tier_up_budget = r.policy.spec_budget;
       return compile_baseline(r.vm, r.p, r.cache, out, may_tier_up ? &r.unit.tier_up_budget : nullptr);
     },
     dump_baseline},
    {"spec",
     [](const CompileRequest& r, CompiledCode& out) {
       SpecOptions o{r.policy.dump_ir, r.stress, r.policy.inline_calls, r.policy.trace_inline};
       std::string why;
       CompileStatus st = compile_spec(r.vm, r.p, r.unit.spec_hints, o, r.cache, out, why);
       if (st == CompileStatus::Unsupported && r.policy.trace_deopt) {
         r.vm.flush();
         std::fprintf(stderr, "spec: %s#%d stays at baseline: %s\n", unit_name(r.p).c_str(), r.p.id, why.c_str());
       }
       return st;
     },
     dump_spec},
};

}  // namespace

TierManager::TierManager(size_t code_cache_bytes, TierPolicy policy) : cache_(code_cache_bytes), policy_(policy) {
  stress_.every = policy.deopt_every > 0 ? policy.deopt_every : policy.deopt_random ? 8 : 0;
  stress_.random_state = policy.deopt_random;
  if (stress_.every) stress_.rearm();
}

TierManager::~TierManager() {
  for (auto& u : units_)
    for (auto& c : u->code)
      if (c) release_code(*c);
  for (auto& r : retired_) release_code(*r.code);
}

void TierManager::release_code(const CompiledCode& code) {
  if (gdb_jit_) gdb_jit_->remove(code.block.address());
  cache_.release(code.block);
}

// The same three ranges as the perf map, and a line table: each bytecode instruction's (or
// block's, in spec code) machine-code offset with its source line, slow paths included.
void TierManager::register_with_gdb(const VM& vm, const Proto& p, const CompiledCode& code) {
  GdbJitUnit u;
  u.start = code.block.address();
  u.size = uint32_t(code.block.size);
  u.body_offset = code.body_offset;
  u.frame = code.frame;
  u.source_file = vm.program ? vm.program->file : "";
  std::string name = "gene:" + unit_name(p) + "#" + std::to_string(p.id);
  u.symbols = {{name, 0, code.main_end},
               {name + " slow paths", code.main_end, code.unwinder_begin - code.main_end},
               {name + " exit", code.unwinder_begin, uint32_t(code.block.size) - code.unwinder_begin}};
  for (size_t pc = 0; pc < code.pc_offsets.size() && pc < p.lines.size(); pc++)
    if (pc == 0 || code.pc_offsets[pc] != 0) u.lines.push_back({code.pc_offsets[pc], p.lines[pc]});
  for (const OutOfLineCode& o : code.out_of_line)
    if (o.pc < p.lines.size()) u.lines.push_back({o.offset, p.lines[o.pc]});
  gdb_jit_->add(u);
}

bool TierManager::enable_perf_map() { return perf_map_.open(); }

void TierManager::attach(VM& vm) {
  vm.hooks.on_call = &TierManager::on_call;
  vm.hooks.on_loop = &TierManager::on_loop;
  vm.hooks.on_global_store = &TierManager::on_global_store;
  vm.hooks.ctx = this;
}

UnitState& TierManager::unit(Proto& p) {
  if (!p.jit_unit) {
    units_.push_back(std::make_unique<UnitState>());
    UnitState& u = *units_.back();
    u.frame_bytes = (p.nslots + p.max_stack + 1) * int32_t(sizeof(Value));
    u.nparams = p.nparams;
    p.jit_unit = &u;
  }
  return *static_cast<UnitState*>(p.jit_unit);
}

NativeEntry TierManager::on_call(VM& vm, Proto* p) {
  auto* self = static_cast<TierManager*>(vm.hooks.ctx);
  UnitState& u = self->unit(*p);
  if (u.entry) return u.entry;
  if (++u.call_count < self->policy_.call_threshold) return nullptr;
  return self->compile(vm, *p, self->first_tier());
}

NativeEntry TierManager::on_loop(VM& vm, Proto* p, int32_t header_pc) {
  auto* self = static_cast<TierManager*>(vm.hooks.ctx);
  UnitState& u = self->unit(*p);
  if (!self->resumed_.empty() && self->resumed_.back().frame == &vm.frames.back()) {
    // A frame the interpreter took over after a deopt enters no code at its loops but code
    // compiled since (the unit left the code that failed, or a newer version replaced it).
    const CompiledCode* left = self->resumed_.back().left;
    if (!left || (u.entry && u.code[size_t(u.active)].get() == left)) return nullptr;
  }
  if (!u.entry && ++u.loop_count < self->policy_.loop_threshold) return nullptr;
  NativeEntry e = u.entry ? u.entry : self->compile(vm, *p, self->first_tier());
  // Every tier's code can be entered at any loop header (the NativeEntry contract), so
  // header_pc needs no check here; a tier with fewer OSR entries would look it up.
  (void)header_pc;
  if (e) self->stats_.osr_entries++;
  return e;
}

NativeEntry TierManager::compile(VM& vm, Proto& p, Tier tier) {
  UnitState& u = unit(p);
  // A unit the spec tier gave up on (beyond its budget, or deoptimized too often) runs baseline.
  if (tier == Tier::Spec && (u.failed[int(Tier::Spec)] || u.spec_versions >= kMaxSpecVersions)) {
    tier = Tier::Baseline;
    p.feedback_settled = !vm.opts.dump_feedback;  // nothing will read it again
  }
  int t = int(tier);
  if (u.failed[t]) return nullptr;
  release_retired(vm);
  if (t == int(Tier::Baseline) && u.code[t]) {  // back to the baseline code it already has
    u.active = t;
    u.entry = u.code[t]->entry;
    set_body(u, u.code[t]->body());
    return u.entry;
  }
  auto code = std::make_unique<CompiledCode>();
  const TierCompiler& tc = kTierCompilers[t];
  CompileRequest req{vm, p, u, cache_, policy_, stress_.every ? &stress_ : nullptr};
  if (tier == Tier::Spec) u.spec_versions++;
  if (CompileStatus st = tc.compile(req, *code); st != CompileStatus::Ok) {
    // Code cache full, an encoder limit or beyond the tier's budget: the tier below runs it.
    u.failed[t] = true;
    stats_.compile_failures++;
    if (tier == Tier::Spec) p.feedback_settled = !vm.opts.dump_feedback;
    return tier == Tier::Spec && st == CompileStatus::Unsupported ? compile(vm, p, Tier::Baseline) : nullptr;
  }
  stats_.functions_compiled++;
  stats_.compiled_by_tier[t]++;
  stats_.code_bytes += code->block.size;
  stats_.inlined_sites += code->inlined_sites;
  stats_.compile_ns.push_back(code->compile_ns);
  if (policy_.dump_asm) {
    vm.flush();
    std::fputs(tc.dump(vm, p, *code).c_str(), stderr);
  }
  if (perf_map_.is_open()) {
    // Main code, slow paths and the exit (unwinder and epilogue) as separate symbols: a
    // profile then shows how much time leaves the inline fast paths.
    std::string name = "gene:" + unit_name(p) + "#" + std::to_string(p.id);
    uintptr_t base = code->block.address();
    perf_map_.add(base, code->main_end, name);
    perf_map_.add(base + code->main_end, code->unwinder_begin - code->main_end, name + " slow paths");
    perf_map_.add(base + code->unwinder_begin, code->block.size - code->unwinder_begin, name + " exit");
  }
  if (gdb_jit_) register_with_gdb(vm, p, *code);
  for (const spec::GlobalAssumption& a : code->assumptions) {
    watches_.push_back({a, &p, code.get()});
    vm.watch_global(a.slot, true);
  }
  if (u.code[t]) retired_.push_back({&p, std::move(u.code[t])});
  u.code[t] = std::move(code);
  u.active = t;
  u.entry = u.code[t]->entry;
  set_body(u, u.code[t]->body());
  return u.entry;
}

void TierManager::invalidate(VM& vm, Proto& p) {
  UnitState& u = unit(p);
  if (u.active < 0) return;
  stats_.invalidations++;
  retired_.push_back({&p, std::move(u.code[u.active])});
  u.active = -1;
  u.entry = nullptr;
  set_body(u, nullptr);
  u.call_count = u.loop_count = 0;
  release_retired(vm);
}

// Code of unit P can only be running while a frame of P is on the frame stack (every engine
// pushes a frame record per call, compiled callers included), so code whose unit has no live
// frame is unreachable and its memory can be reused.
void TierManager::release_retired(VM& vm) {
  std::erase_if(retired_, [&](Retired& r) {
    for (const Frame& f : vm.frames)
      if (f.closure->proto == r.proto) return false;
    release_code(*r.code);
    return true;
  });
}

void TierManager::on_deopt(VM& vm, Frame& frame, CompiledCode& code, spec::DeoptPoint& d, bool stress) {
  stats_.deopts++;
  d.exits++;
  Proto& p = *frame.closure->proto;
  if (policy_.trace_deopt) {
    vm.flush();
    // Inside inlined code: the innermost frame's unit and pc, then the compiled unit's call.
    const Proto& at = d.inlined.empty() ? p : *d.inlined.back().proto;
    int32_t pc = d.inlined.empty() ? d.pc : d.inlined.back().pc;
    std::string in = d.inlined.empty() ? "" : " inlined at " + unit_name(p) + "#" + std::to_string(p.id) + " pc " + std::to_string(d.pc);
    std::fprintf(stderr, "deopt: %s#%d pc %d (%s)%s guard %s%s, exit %u\n", unit_name(at).c_str(), at.id, pc,
                 op_info(at.code[size_t(pc)].op).name, in.c_str(), spec::guard_name(d.kind), stress ? " (stress)" : "",
                 d.exits);
  }
  if (stress) {
    stress_.rearm();
    return;
  }
  // A collection was due at an allocation: nothing was speculated wrongly, so nothing to
  // learn, and the code stays (one such exit comes with every collection).
  if (d.kind == spec::GuardKind::Collect) return;
  // The interpreter resumes here and must record what the code did not expect: every unit of
  // the rebuilt frames records again (Proto::feedback_window).
  p.feedback_window = kFeedbackWindow;
  for (const spec::InlinedFrame& f : d.inlined) const_cast<Proto*>(f.proto)->feedback_window = kFeedbackWindow;
  UnitState& u = unit(p);
  int s = int(Tier::Spec);
  // Code that never ran before the compile is learnt from its first exit (the interpreter
  // records it now); a guard that failed must keep failing first.
  const uint32_t exits_needed = d.kind == spec::GuardKind::Unreached ? 1 : kExitsBeforeRecompile;
  if (d.exits < exits_needed || u.code[s].get() != &code || u.active != s) return;
  // This guard keeps failing: what it speculated on is learnt (the interpreter re-running the
  // instruction widens its feedback; a loop-phi check becomes a hint), and the unit goes back
  // to baseline code, or to the interpreter until it is hot again.
  // An inlined call whose guards or inlined code keep failing: the next version calls that
  // callee instead (the interpreter re-running it has widened the callee's own feedback).
  bool inlined_site = !d.inlined.empty() || d.kind == spec::GuardKind::WrongCallee || d.kind == spec::GuardKind::CallDepth;
  if (d.kind == spec::GuardKind::InlineRoom) {
    u.spec_hints.call_checks_in_place = true;  // a recursion near --max-depth: check at each call
  } else if (d.kind == spec::GuardKind::Hoisted) {
    u.spec_hints.no_loop_hoisting = true;  // the loop's checks stay inside it
  } else if (d.kind == spec::GuardKind::NilOrMap) {
    u.spec_hints.no_nil_test_fusion = true;  // nil tests and map checks stay apart
  } else if (d.kind == spec::GuardKind::Unreached) {
    // Nothing to learn but what the interpreter records as it runs the site now (its window
    // is open again): the next version compiles it as it does every site. (A site that still
    // has no feedback then exits again: kMaxSpecVersions bounds that.) Learning is not a
    // failed speculation: the first few such versions do not count (maps' one_round, compiled
    // in its first loop, meets each of its four later loops this way).
    if (u.learning_versions < kMaxLearningVersions) {
      u.learning_versions++;
      u.spec_versions--;
    }
  } else if (inlined_site) {
    u.spec_hints.no_inline_pcs.push_back(d.pc);
  } else {
    if (d.phi_slot >= 0) u.spec_hints.tagged_phis.push_back({d.pc, d.phi_slot});
    switch (d.kind) {
      case spec::GuardKind::NotArray: case spec::GuardKind::Bounds: case spec::GuardKind::NotMap: case spec::GuardKind::NotString:
      case spec::GuardKind::MapShape: case spec::GuardKind::HeapLimit: case spec::GuardKind::MapKey: u.spec_hints.generic_pcs.push_back(d.pc); break;
      default: break;
    }
  }
  leave_spec_code(vm, p);
}

// The unit's spec code is retired: its baseline code (if any) runs it, and counts towards the
// next spec version with what was learnt; without baseline code the interpreter does.
void TierManager::leave_spec_code(VM& vm, Proto& p) {
  UnitState& u = unit(p);
  int s = int(Tier::Spec);
  stats_.invalidations++;
  retired_.push_back({&p, std::move(u.code[s])});
  p.feedback_window = kFeedbackWindow;  // the interpreter may run it again before the next version
  u.call_count = u.loop_count = 0;
  int b = int(Tier::Baseline);
  if (u.code[b]) {
    // auto: the baseline code counts towards the next spec version (with what was learnt).
    if (u.spec_versions < kMaxSpecVersions) u.tier_up_budget = policy_.spec_budget;
    u.active = b;
    u.entry = u.code[b]->entry;
    set_body(u, u.code[b]->body());
    if (u.spec_versions >= kMaxSpecVersions) drop_tier_up_counters(vm, p);
  } else {
    u.active = -1;
    u.entry = nullptr;
    set_body(u, nullptr);
  }
}

// A watched global changed (VM::global_watch): every unit whose current spec code inlined the
// callee it held leaves that code now, so no new call enters it. Frames already running it
// meet the inlined site's CheckCallee guard, which sends them to the interpreter. Watches of
// code retired since are dropped here, and a slot nobody watches any more stores inline again.
void TierManager::on_global_store(VM& vm, int32_t slot, Value) {
  auto* self = static_cast<TierManager*>(vm.hooks.ctx);
  Value now = vm.globals[size_t(slot)];
  const Proto* now_proto = now.is_object() && now.as_obj()->type == ObjType::Closure
                               ? static_cast<Closure*>(now.as_obj())->proto : nullptr;
  bool still_watched = false;
  std::erase_if(self->watches_, [&](const Watch& w) {
    if (w.assumption.slot != slot) return false;
    UnitState& u = self->unit(*w.unit);
    if (u.code[int(Tier::Spec)].get() != w.code) return true;  // that code is gone already
    if (now_proto == w.assumption.callee) {  // another closure of the same body: still right
      still_watched = true;
      return false;
    }
    if (self->policy_.trace_deopt) {
      vm.flush();
      std::fprintf(stderr, "invalidate: %s#%d (inlined %s at pc %d; global %s redefined)\n", unit_name(*w.unit).c_str(),
                   w.unit->id, unit_name(*w.assumption.callee).c_str(), w.assumption.pc, vm.global_name(slot).c_str());
    }
    if (u.active == int(Tier::Spec)) self->leave_spec_code(vm, *w.unit);
    else {
      self->retired_.push_back({w.unit, std::move(u.code[int(Tier::Spec)])});
      self->stats_.invalidations++;
    }
    return true;
  });
  vm.watch_global(slot, still_watched);
}

bool TierManager::resume_in_interpreter(VM& vm, Frame& frame, const CompiledCode* left) {
  // The frame returns to us, not to an interpreter below (an OSR'd frame was not an entry).
  frame.entry = true;
  resumed_.push_back({&frame, left});
  bool ok = interpret(vm);
  resumed_.pop_back();
  return ok;
}

NativeEntry TierManager::tier_up(VM& vm, Proto& p, bool osr) {
  UnitState& u = unit(p);
  if (u.active != int(Tier::Spec)) compile(vm, p, Tier::Spec);
  bool on_spec = u.active == int(Tier::Spec);
  // One attempt per budget (on_deopt re-arms it). A call that moved the unit up runs on in
  // baseline code, so its next back-edge may still take the frame over into the spec code: a
  // unit called a few times around a long loop would otherwise spend a whole call in baseline.
  u.tier_up_budget = on_spec && !osr ? 0 : INT64_MAX;
  if (!on_spec) {
    drop_tier_up_counters(vm, p);
    return nullptr;
  }
  if (osr) stats_.osr_entries++;
  return u.entry;
}

// A unit that will never run spec code again keeps the baseline code it has only while a frame
// runs it: its replacement has no counters (a `dec` per back-edge and call, forever, is what
// auto would otherwise pay over baseline on units that stay there).
void TierManager::drop_tier_up_counters(VM& vm, Proto& p) {
  UnitState& u = unit(p);
  int b = int(Tier::Baseline);
  if (!policy_.staged || !u.code[b] || u.active != b) return;
  retired_.push_back({&p, std::move(u.code[b])});
  u.active = -1;
  u.entry = nullptr;
  set_body(u, nullptr);
  compile(vm, p, Tier::Baseline);  // may_tier_up is false now: no counters
}

extern "C" void jit_tier_up_at_call(VM* vm, Frame* frame) {
  static_cast<TierManager*>(vm->hooks.ctx)->tier_up(*vm, *frame->closure->proto, false);
}

extern "C" NativeEntry jit_tier_up_at_loop(VM* vm, Frame* frame, int32_t) {
  return static_cast<TierManager*>(vm->hooks.ctx)->tier_up(*vm, *frame->closure->proto, true);
}

std::string TierManager::stats_text() const {
  std::vector<uint64_t> ns = stats_.compile_ns;
  std::sort(ns.begin(), ns.end());
  uint64_t total = 0;
  for (uint64_t n : ns) total += n;
  double median_us = ns.empty() ? 0 : double(ns[ns.size() / 2]) / 1000.0;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "jit: functions compiled %llu (baseline %llu, spec %llu), inlined sites %llu, code bytes %llu, compile "
                "time total %.1f us (median %.1f us), osr entries %llu, compile failures %llu, deopts %llu, "
                "invalidations %llu\n",
                (unsigned long long)stats_.functions_compiled,
                (unsigned long long)stats_.compiled_by_tier[int(Tier::Baseline)],
                (unsigned long long)stats_.compiled_by_tier[int(Tier::Spec)], (unsigned long long)stats_.inlined_sites,
                (unsigned long long)stats_.code_bytes,
                double(total) / 1000.0, median_us, (unsigned long long)stats_.osr_entries,
                (unsigned long long)stats_.compile_failures, (unsigned long long)stats_.deopts,
                (unsigned long long)stats_.invalidations);
  return buf;
}

}  // namespace gene::jit
