// The full semantics of each opcode, for every case an engine does not handle inline: the
// interpreter's slow paths and the JIT tiers' helper calls are these same functions, so the
// engines cannot drift apart (V8's Sparkplug calls the interpreter's builtins the same way).
//
// Calling convention (one for every opcode): `sp` is the operand stack top before the
// instruction `ip` of the frame on top of vm.frames. The function first publishes that state
// (vm.sp = sp, frame pc = ip), so the collector sees every live operand and an error carries
// the instruction's line; then it leaves its results where the interpreter expects them (the
// first popped slot upward) and returns true, or returns false with an error pending. The caller
// moves its own stack pointer by the table's stack effect.
#pragma once
#include "interp/vm.h"

namespace gene {

using OpSemantics = bool (*)(VM* vm, Value* sp, const Instr* ip);

// The semantics function of `op`, or nullptr for the opcodes that are pure data movement or
// control flow and never need one (every engine does those inline). Each opcode's entry is
// spelled out in op_semantics.cpp, so a new opcode without one does not compile.
OpSemantics op_semantics(Op op);
extern const OpSemantics kOpSemantics[kOpCount];  // indexed by opcode
// The same without recording type feedback (type_feedback.h): for code of a unit whose
// feedback nothing will read.
OpSemantics op_semantics_unrecorded(Op op);
extern const OpSemantics kOpSemanticsUnrecorded[kOpCount];

// jump_unless_*: 1 to take the jump, 0 to fall through, -1 after raising.
int branch_semantics(VM* vm, Value* sp, const Instr* ip);
int branch_semantics_unrecorded(VM* vm, Value* sp, const Instr* ip);

// not_callable: "cannot call a value of type T" (out of line: every call's fast path has it).
[[gnu::cold]] bool raise_not_callable(VM* vm, Value callee);

// CALL where compiled code has checked that the callee is a builtin (one its site's feedback
// names already, so nothing is recorded): the step, then the builtin in place.
bool call_builtin_semantics(VM* vm, Value* sp, const Instr* ip);

// for_next on the loop slots (sequence or next int, then index or end): pushes the next element
// to *out and advances, or returns false when the sequence is done. Inline: the interpreter's
// hot loop uses it directly.
inline bool for_next_step(Value* slots, Value* out);

// --max-steps (docs/limits.md): a LOOP, CALL or RANGE_PREP takes one step first of all; when
// the budget is spent (vm.steps_left went negative) it raises step_limit at that instruction.
// raise_step_limit publishes sp and pc (for the line) and raises; always false. Compiled code
// calls it after its own inline decrement.
bool raise_step_limit(VM* vm, Value* sp, const Instr* ip);

// Unwinds the pending error in the top frame, whose pc is the failing instruction: sets the
// error line if unset; with a handler covering pc, cuts the operand stack to the handler's
// depth, pushes the caught value and returns the handler's target (never for step_limit, which
// no handler catches: the run ends). Otherwise pops the frame
// (vm.sp back to its callee slot), sets *was_entry to the frame's entry flag and returns -1.
int32_t unwind_frame(VM& vm, bool* was_entry);

}  // namespace gene

#include "interp/object.h"

namespace gene {

inline bool for_next_step(Value* slots, Value* out) {
  if (slots[0].is_int()) {  // range mode: next int, end
    int64_t cur = slots[0].as_int();
    if (cur >= slots[1].as_int()) return false;
    *out = slots[0];
    slots[0] = Value::integer(cur + 1);
    return true;
  }
  Array* a = as_array(slots[0]);  // array mode: the live array, next index
  int64_t i = slots[1].as_int();
  if (size_t(i) >= a->items.size()) return false;
  *out = a->items[size_t(i)];
  slots[1] = Value::integer(i + 1);
  return true;
}

}  // namespace gene
