// Baseline tier (M1): one pass over a verified unit's bytecode, one emitter per opcode, straight
// to x86-64. No speculation: every fast path sits behind a tag check and falls back to the same
// C++ helpers the interpreter's slow paths use.
//
// Frame model shared with the interpreter: slots and operands stay in the VM value stack. The
// verifier proves the operand depth at every instruction, so operand k lives at the fixed address
// [base + (nslots + k) * 8]. Within a straight run of instructions, pushes of locals, constants
// and arithmetic results are deferred (deferred_operands.h) and read by their consumer directly;
// they are written to their operand slots before every helper call, call, jump and branch
// target, so helper calls stay GC-safe points and OSR stays a plain jump to a loop header.
//
// Each unit has two entries: the native one (a NativeEntry, for the interpreter and helpers)
// saves registers and calls the body; compiled callers push the frame record inline and call
// the unit's body (UnitState::body, jit/unit_state.h) directly.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/proto.h"
#include "interp/vm.h"
#include "jit/compiled_code.h"
#include "jit/exec_memory.h"

namespace gene::jit {

// `tier_up_budget`: non-null when the unit may move up to spec (auto): the code counts its
// calls and back-edges down from there and calls the tier-up helpers (jit/tier_up.h).
CompileStatus compile_baseline(VM& vm, const Proto& p, CodeCache& cache, CompiledCode& out,
                               int64_t* tier_up_budget = nullptr);

// Bytecode next to its machine code, for --dump-asm.
std::string dump_baseline(const VM& vm, const Proto& p, const CompiledCode& code);

}  // namespace gene::jit
