// Machine code for an allocated spec graph: one emitter per IR op, blocks in layout order,
// phi moves on the edges, an exit stub per guard and the unit's deopt trampoline.
#pragma once
#include "interp/vm.h"
#include "jit/codegen/value_code.h"
#include "jit/compiled_code.h"
#include "jit/spec/deopt.h"
#include "jit/spec/ir.h"
#include "jit/spec/regalloc.h"

namespace gene::jit::spec {

struct SpecOffsets {
  uint32_t body = 0;      // the body compiled callers call
  uint32_t main_end = 0;  // end of the blocks
  uint32_t exits = 0;     // exit stubs, trampoline and epilogue
};

// Emits the unit into `a`; fills code.deopts (their `pc` and values) and code.pc_offsets.
// `stress` (null when off) is the --deopt-every countdown every guard decrements.
bool emit_spec(VM& vm, const Graph& g, const Allocation& ra, DeoptStress* stress, ValueAssembler& a,
               CompiledCode& code, SpecOffsets& off);

}  // namespace gene::jit::spec
