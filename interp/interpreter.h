// The reference interpreter: threaded dispatch over the shared VM value stack.
#pragma once
#include "interp/vm.h"

namespace gene {

// Pushes a frame for calling closure `c` whose callee slot is `callee_slot` (arguments follow
// it, ending at vm.sp). Checks arity, call depth and stack space; raises and returns false on
// failure. `entry` marks a frame whose RETURN goes back to native code.
bool push_call_frame(VM& vm, Closure* c, Value* callee_slot, int argc, bool entry);

// Runs from the frame on top of vm.frames (an entry frame) until it returns. On success the
// result is on top of the value stack; on an uncaught error the entry frame is gone, the stack
// is cut back to its callee slot, and vm.error is active with its line filled.
bool interpret(VM& vm);

// Calls any callable value from native code (builtins, RANGE_PREP's fallback, JIT helpers).
bool call_value(VM& vm, Value callee, const Value* args, int argc, Value& result);

// Runs the program's top level; the result is the value of its last form.
bool run_program(VM& vm, Program& prog, Value& result);

}  // namespace gene
