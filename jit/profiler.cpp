#include "jit/profiler.h"

#include <algorithm>
#include <cstdio>

namespace gene::jit {

JitState::JitState(size_t code_cache_bytes, uint32_t call_threshold, uint32_t loop_threshold, bool dump_asm)
    : cache_(code_cache_bytes), call_threshold_(call_threshold), loop_threshold_(loop_threshold), dump_asm_(dump_asm) {}

bool JitState::enable_perf_map() { return perf_map_.open(); }

void JitState::attach(VM& vm) {
  vm.hooks.on_call = &JitState::on_call;
  vm.hooks.on_loop = &JitState::on_loop;
  vm.hooks.ctx = this;
}

NativeEntry JitState::on_call(VM& vm, Proto* p) {
  if (p->jit_entry) return reinterpret_cast<NativeEntry>(p->jit_entry);
  auto* self = static_cast<JitState*>(vm.hooks.ctx);
  if (++p->call_count < self->call_threshold_) return nullptr;
  return self->compile(vm, p);
}

NativeEntry JitState::on_loop(VM& vm, Proto* p, int32_t header_pc) {
  auto* self = static_cast<JitState*>(vm.hooks.ctx);
  if (!p->jit_entry && ++p->loop_count < self->loop_threshold_) return nullptr;
  NativeEntry e = p->jit_entry ? reinterpret_cast<NativeEntry>(p->jit_entry) : self->compile(vm, p);
  if (e) self->stats_.osr_entries++;
  (void)header_pc;
  return e;
}

NativeEntry JitState::compile(VM& vm, Proto* p) {
  if (p->jit_disabled) return nullptr;
  auto code = std::make_unique<CompiledCode>();
  CompileStatus st = compile_baseline(vm, *p, cache_, *code);
  if (st != CompileStatus::Ok) {
    // Code cache full (or an encoder limit): this unit keeps running in the interpreter.
    p->jit_disabled = true;
    stats_.compile_failures++;
    return nullptr;
  }
  stats_.functions_compiled++;
  stats_.code_bytes += code->block.size;
  stats_.compile_ns.push_back(code->compile_ns);
  if (dump_asm_) {
    vm.flush();
    std::fputs(dump_baseline(vm, *p, *code).c_str(), stderr);
  }
  if (perf_map_.is_open()) {
    // Main code, slow paths and the exit (unwinder and epilogue) as separate symbols: a
    // profile then shows how much time leaves the inline fast paths.
    std::string name = "gene:" + unit_name(*p) + "#" + std::to_string(p->id);
    uintptr_t base = code->block.address();
    perf_map_.add(base, code->main_end, name);
    perf_map_.add(base + code->main_end, code->unwinder_begin - code->main_end, name + " slow paths");
    perf_map_.add(base + code->unwinder_begin, code->block.size - code->unwinder_begin, name + " exit");
  }
  p->jit_entry = reinterpret_cast<void*>(code->entry);
  NativeEntry e = code->entry;
  code_.push_back(std::move(code));
  return e;
}

std::string JitState::stats_text() const {
  std::vector<uint64_t> ns = stats_.compile_ns;
  std::sort(ns.begin(), ns.end());
  uint64_t total = 0;
  for (uint64_t n : ns) total += n;
  double median_us = ns.empty() ? 0 : double(ns[ns.size() / 2]) / 1000.0;
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "jit: functions compiled %llu, code bytes %llu, compile time total %.1f us (median %.1f us), "
                "osr entries %llu, compile failures %llu\n",
                (unsigned long long)stats_.functions_compiled, (unsigned long long)stats_.code_bytes,
                double(total) / 1000.0, median_us, (unsigned long long)stats_.osr_entries,
                (unsigned long long)stats_.compile_failures);
  return buf;
}

}  // namespace gene::jit
