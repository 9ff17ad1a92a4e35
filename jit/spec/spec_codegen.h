// Machine code for an allocated spec graph: one emitter per IR op, blocks in layout order,
// phi moves on the edges, an exit stub per guard and the unit's deopt trampoline.
#pragma once
#include "interp/vm.h"
#include "jit/codegen/value_code.h"
#include "jit/compiled_code.h"
#include "jit/spec/deopt.h"
#include "jit/spec/ir.h"
#include "jit/spec/regalloc.h"

#include <vector>

namespace gene::jit::spec {

struct SpecOffsets {
  uint32_t body = 0;      // the body compiled callers call
  uint32_t main_end = 0;  // end of the blocks
  uint32_t exits = 0;     // exit stubs, trampoline and epilogue
};

// Per block, per frame slot: the node whose boxed value the interpreter frame's slot holds
// (-1: unknown), so a flush can skip slots that already hold what it would write.
using FrameFacts = std::vector<std::vector<int32_t>>;

// Emits the unit into `a`; fills code.deopts (their `pc` and values) and code.pc_offsets.
// `stress` (null when off) is the --deopt-every countdown every guard decrements.
// `entry` (optional) gives what each merge block may assume the frame holds; `exit` receives
// what each block leaves in it. Facts only grow with what a block is told at entry, so the
// intersection of a first emission's exits over a block's predecessors is a sound entry for a
// second emission (spec_compiler.cpp): loop headers and joins then keep their frame facts.
bool emit_spec(VM& vm, const Graph& g, const Allocation& ra, DeoptStress* stress, ValueAssembler& a,
               CompiledCode& code, SpecOffsets& off, const FrameFacts* entry, FrameFacts* exit);
// The entry facts a second emission may assume, from the first emission's exits.
FrameFacts merge_entry_facts(const Graph& g, const FrameFacts& exit);

}  // namespace gene::jit::spec
