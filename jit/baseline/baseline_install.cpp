// compile_baseline: sizes the unit's symbol-path cache, runs the emitter, and installs the
// finished code in the code cache. Publishing it (the entries callers use) is the tier
// manager's job.
#include <chrono>

#include "interp/object.h"
#include "jit/baseline/baseline_compiler.h"
#include "jit/baseline/baseline_emitter.h"
#include "jit/x64/code_install.h"

namespace gene::jit {

CompileStatus compile_baseline(VM& vm, const Proto& p, CodeCache& cache, CompiledCode& out, int64_t* tier_up_budget) {
  auto t0 = std::chrono::steady_clock::now();
  // The cache cells of symbol-path sites live as long as the code (CompiledCode owns them);
  // sized before emitting, so their addresses are fixed.
  size_t sites = 0;
  for (const Instr& in : p.code)
    if ((in.op == Op::GET_PATH || in.op == Op::SET_PATH) && is_obj_type(p.consts[size_t(in.x)], ObjType::Symbol))
      sites++;
  out.path_cache.assign(sites, 0);
  baseline::BaselineCompiler c(vm, p, code_range(cache), out.path_cache.data(), tier_up_budget);
  if (!c.compile(out.pc_offsets, out.out_of_line)) return CompileStatus::EncoderError;
  out.main_end = uint32_t(c.main_end());
  out.unwinder_begin = uint32_t(c.unwinder_begin());
  CodeBlock block;
  CodeCacheStatus st = install_code(cache, c.assembler(), &block);
  if (st == CodeCacheStatus::InvalidArgument) return CompileStatus::EncoderError;
  if (st != CodeCacheStatus::Ok) return CompileStatus::CodeCacheFull;
  out.block = block;
  out.entry = block.entry<NativeEntry>();
  out.body_offset = uint32_t(c.body_offset());
  out.frame = c.frame();
  out.frame.adjustments = c.assembler().stack_adjustments();
  out.compile_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - t0)
                                .count());
  return CompileStatus::Ok;
}

}  // namespace gene::jit
