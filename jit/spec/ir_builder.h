// Builds the spec tier's IR from a verified unit: abstract interpretation of the bytecode over
// SSA values, speculating on the type feedback each instruction recorded (type_feedback.h).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "interp/vm.h"
#include "jit/spec/ir.h"

namespace gene::jit::spec {

// What earlier deopts taught about a unit (kept in its UnitState across recompilations):
// loop-header slots that must stay Tagged because a guard converting them kept failing, and
// array sites whose NotArray or Bounds guard kept failing (they take the helper).
struct SpecHints {
  std::vector<std::pair<int32_t, int32_t>> tagged_phis;  // (header pc, slot)
  std::vector<int32_t> generic_pcs;
  std::vector<int32_t> no_inline_pcs;  // call sites whose inlined code kept deoptimizing
  bool call_checks_in_place = false;   // the entry's room check (InlineRoom) kept failing
  bool no_loop_hoisting = false;       // a check hoisted out of a loop (Hoisted) kept failing
  bool no_nil_test_fusion = false;     // a nil test fused with a map check (NilOrMap) kept failing
};

// The inline tier (Milestone 3) inlines a call site's callee when its feedback names one unit
// and the callee fits these (docs/architecture.md, "Inlining"; V8 and HotSpot use similar
// sizes): its bytecode, all inlined bytecode in one unit, the nesting depth, and how many
// times a unit may appear in its own inlining chain (only a loop-free one: a recursive callee
// with a loop spends its time in the loop, and a copy of it costs more code than the call).
constexpr int32_t kMaxInlineInstructions = 60;
// At a site inside a loop (of its unit or of any frame it is inlined into), as HotSpot allows a
// larger size for hot sites: bounce's 112-instruction `bounce`, called once per ball per
// step, inlined: -13.8% instructions. Outside loops the copy costs compile time and code for a
// call made once (nbody's `energy`).
constexpr int32_t kMaxLoopInlineInstructions = 120;
// towers' recursive unit needs 483 to inline its leaves' callees in every copy of itself.
constexpr int32_t kInlineBudget = 500;
constexpr int32_t kMaxInlineDepth = 4;
constexpr int32_t kMaxInlineRecursion = 1;
// A tiny loop-free recursive callee (fib's 15 instructions) unrolls one level more: measured
// on fib -9.5% instructions, where tail (28) and move_disks (33) lose 15% and 2.5% with it
// (their calls then come from deeper inlined frames, which cost a record each).
constexpr int32_t kTinyRecursiveCallee = 16;
constexpr int32_t kMaxTinyInlineRecursion = 2;

// Units above these stay at the tier below (docs/architecture.md, "Compile budgets"): the
// builder's liveness and the allocator are linear in code size times live slots.
constexpr int32_t kMaxSpecInstructions = 6000;
constexpr int32_t kMaxSpecSlots = 400;
inline bool within_spec_budget(const Proto& p) {
  return int32_t(p.code.size()) <= kMaxSpecInstructions && p.nslots <= kMaxSpecSlots;
}

// false (with `why`) if the unit is beyond the tier's budget.
// inline_calls: the inline tier (monomorphic calls to small leaf units get the callee's body).
bool build_graph(const VM& vm, const Proto& p, const SpecHints& hints, bool inline_calls, Graph& g, std::string& why);

// Feedback facts the compiler's policy and the code generator both act on, kept in one place:
// `a .push v` at a site that has only seen arrays (an inline fast path before its helper);
bool is_array_push_site(const VM& vm, const Proto& p, const Instr& in);
// The frame that runs the instruction of a frame state (a helper or a call): the compiled
// unit's, or in inlined code the innermost inlined frame, whose record the code pushes for
// the helper's or the call's duration.
struct InnerFrame {
  const Proto* proto;
  int32_t pc;    // the instruction in proto
  int32_t base;  // the frame's slot 0 as an index into the state's values
  int32_t top;   // one past its last operand, as an index into the state's values
};
InnerFrame inner_frame(const Graph& g, const FrameState& s);
// The slots of frame f a helper running instruction `in` may write, as indices into the
// state's values: its Local operand's slot and the next (a for loop's pair; -1: none), and
// every operand slot from `stack_from` up. The code generator forgets what those held, and
// frame_homes keeps no value in them.
struct HelperWrites {
  int32_t local;
  int32_t stack_from;
};
HelperWrites helper_writes(const InnerFrame& f, const Instr& in);
// The same for a Call node, with its callee slot.
struct CallFrame {
  const Proto* proto;
  int32_t pc;    // the CALL in proto
  int32_t base;  // the frame's slot 0 as an index into the state's values
  int32_t at;    // the callee slot, as an index into the state's values
};
CallFrame call_frame(const Graph& g, const Node& call);
// and, for a Call node, the LoadGlobal node its callee came from when the site has only ever
// called one unit (the callee identity check's candidate), else -1.
int32_t monomorphic_global_callee(const Graph& g, const Node& call);

}  // namespace gene::jit::spec
