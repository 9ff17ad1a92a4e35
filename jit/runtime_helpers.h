// C++ functions that compiled code calls for everything it does not do inline. Each one first
// publishes the JIT frame's state to the VM (operand stack top and current instruction), so the
// collector sees every live value and errors carry the right line, then runs exactly the
// interpreter's semantics (operators.cpp, collections.cpp, push_call_frame).
#pragma once
#include "interp/vm.h"

namespace gene::jit {

// `sp` is the operand stack top before the instruction at `ip`; results are written where the
// interpreter would leave them. Return false after raising (the caller jumps to its unwinder).
using OpHelper = bool (*)(VM* vm, Value* sp, const Instr* ip);
bool h_call(VM* vm, Value* sp, const Instr* ip);
// The helper with the full semantics of a non-branching instruction (nullptr: always inline).
OpHelper op_helper(Op op);
int h_branch(VM* vm, Value* sp, const Instr* ip);    // jump_unless_*: 1 jump, 0 fall through, -1 error
int h_for_next(VM* vm, Value* sp, const Instr* ip);  // 1 element pushed, 0 sequence done
// Finds the handler for the pending error in the top frame: returns its target instruction with
// the error value pushed, or -1 after popping the frame (the error propagates to the caller).
int h_unwind(VM* vm);

}  // namespace gene::jit
