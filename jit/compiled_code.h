// One compiled version of a unit, as every tier compiler produces it and the tier manager owns
// it: the code block and what listings, profiles and the runtime need to know about it.
#pragma once
#include <cstdint>
#include <vector>

#include "interp/vm.h"
#include "jit/exec_memory.h"
#include "jit/native_frame.h"
#include "jit/spec/deopt.h"

namespace gene::jit {

// A slow path emitted after the main code, and the instruction it belongs to.
struct OutOfLineCode {
  uint32_t pc;
  uint32_t offset;
};

struct CompiledCode {
  CodeBlock block;
  NativeEntry entry = nullptr;       // for the interpreter and helpers (saves registers)
  uint32_t body_offset = 0;          // the entry compiled callers call (frame already pushed)
  std::vector<uint32_t> pc_offsets;  // machine-code offset of each bytecode instruction
  uint32_t main_end = 0;             // end of the instructions' main code
  std::vector<OutOfLineCode> out_of_line;
  uint32_t unwinder_begin = 0;       // end of the slow paths
  NativeFrameLayout frame;           // for unwinders (--gdb-jit)
  std::vector<uint32_t> path_cache;  // entry position last found, per symbol-path site
  uint64_t compile_ns = 0;
  std::vector<spec::DeoptPoint> deopts;  // speculating tiers: one per guard (deopt.h)
  uint32_t inlined_sites = 0;            // the inline tier: calls whose callee's body it holds
  std::vector<spec::GlobalAssumption> assumptions;  // globals whose callee it inlined (ir.h)

  const void* body() const { return block.start + body_offset; }
};

// Unsupported: beyond the tier's budget (the unit stays at the tier below).
enum class CompileStatus : uint8_t { Ok, CodeCacheFull, EncoderError, Unsupported };

}  // namespace gene::jit
