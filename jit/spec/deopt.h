// Deoptimization metadata and the runtime side of an exit from spec code.
//
// Every guard has a DeoptPoint: the bytecode pc it protects and, for each local and operand
// slot of the interpreter frame there, where the value is (register, spill slot, constant, or
// dead) and in which representation. A failed guard jumps to its exit stub (`mov eax, index`)
// and the unit's trampoline, which saves every register and calls spec_deopt(): it reboxes each
// value into the frame's slots, sets the frame's pc and stack top, and runs the interpreter on
// the frame until it returns, whose result is the spec code's result. The interpreter thus
// re-executes the guarded instruction itself, so output, error kind and line are its own.
//
// Inside inlined code (the inline tier) the point also lists the frames the inlined calls did not
// push; their values follow the unit's own in `values`, where those calls would have put them,
// and spec_deopt pushes their frame records before resuming the innermost.
//
// Errors raised by helpers called from spec code take spec_error_exit() instead: the frame was
// already flushed before the call, so the interpreter's unwinder runs from there (from the
// innermost record when a call from inlined code had pushed the inlined frames' records).
#pragma once
#include <cstdint>
#include <vector>

#include "interp/vm.h"
#include "jit/spec/ir.h"
#include "jit/spec/regalloc.h"

namespace gene::jit {
struct CompiledCode;
}

namespace gene::jit::spec {

struct DeoptValue {
  Loc loc;            // Loc::None: a dead local, left as the frame has it
  Rep rep = Rep::Tagged;
  uint64_t constant = 0;  // Loc::Const: the boxed Value
};

struct DeoptPoint {
  int32_t pc = 0;
  int32_t depth = 0;             // operand-stack entries
  GuardKind kind = GuardKind::NotInt;
  int32_t phi_slot = -1;         // a check on a loop-header phi input: the slot (SpecHints)
  std::vector<DeoptValue> values;  // nslots + depth, then each inlined frame's slots and operands
  // Inside inlined code (M3): pc and depth are the compiled unit's frame at its CALL, and
  // these the frames the interpreter gets pushed above it, innermost last.
  std::vector<InlinedFrame> inlined;
  uint32_t exits = 0;
};

// Registers as the trampoline saves them: 16 general (by number), then 16 XMM; the body's
// spill area follows them on the stack.
constexpr int kSavedWords = 32;

// Called by the trampoline; `index` has kStressExit set when a stress mode forced the exit.
constexpr uint32_t kStressExit = 0x80000000u;
extern "C" bool spec_deopt(uint64_t* saved, uint32_t index, CompiledCode* code);
extern "C" bool spec_error_exit(VM* vm, Frame* frame);

// --deopt-every / --deopt-random: the countdown every guard decrements before its check.
struct DeoptStress {
  int64_t countdown = 0;  // the guard that takes it to 0 fails
  int64_t every = 0;      // 0: off
  uint64_t random_state = 0;  // non-zero: --deopt-random (next countdown drawn from it)
  void rearm();
};

}  // namespace gene::jit::spec
