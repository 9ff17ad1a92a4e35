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
// Proto::jit_body directly.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/proto.h"
#include "interp/vm.h"
#include "jit/exec_memory.h"

namespace gene::jit {

// A slow path emitted after the main code, and the instruction it belongs to.
struct OutOfLineCode {
  uint32_t pc;
  uint32_t offset;
};

struct CompiledCode {
  CodeBlock block;
  NativeEntry entry = nullptr;
  std::vector<uint32_t> pc_offsets;  // machine-code offset of each bytecode instruction
  uint32_t main_end = 0;             // end of the instructions' main code
  std::vector<OutOfLineCode> out_of_line;
  uint32_t unwinder_begin = 0;       // end of the slow paths
  std::vector<uint32_t> path_cache;  // entry position last found, per symbol-path site
  uint64_t compile_ns = 0;
};

enum class CompileStatus : uint8_t { Ok, CodeCacheFull, EncoderError };

CompileStatus compile_baseline(VM& vm, const Proto& p, CodeCache& cache, CompiledCode& out);

// True if the baseline compiler has an emitter for `op` (a test enumerates the opcode table).
bool baseline_handles(Op op);

// Bytecode next to its machine code, for --dump-asm.
std::string dump_baseline(const VM& vm, const Proto& p, const CompiledCode& code);

}  // namespace gene::jit
