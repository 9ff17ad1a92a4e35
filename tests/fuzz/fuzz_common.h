// Shared by the libFuzzer targets: what "safe to run" means for an arbitrary verified program,
// and the invariants every fuzz input must keep.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string>

#include "interp/disasm.h"
#include "interp/display.h"
#include "interp/gbc_loader.h"
#include "interp/interpreter.h"
#include "interp/proto.h"
#include "interp/vm.h"

namespace genefuzz {

// A fuzz finding: print what broke and abort so libFuzzer saves the input.
[[noreturn]] inline void finding(const char* what, const std::string& detail = "") {
  std::fprintf(stderr, "FUZZ INVARIANT BROKEN: %s\n%s\n", what, detail.c_str());
  std::abort();
}

// VM options for running fuzz inputs: shallow calls and a small heap, so no input can use much
// time or memory.
inline gene::VMOptions fuzz_vm_options() {
  gene::VMOptions o;
  o.max_depth = 3;
  o.max_heap = 16 << 20;
  return o;
}

// The interpreter has no fuel counter, so only programs that provably terminate quickly are run:
// every jump goes forward, every handler continues after its range, the program is small, and
// calls are at most fuzz_vm_options().max_depth deep. Anything else is only loaded and verified.
inline bool runs_quickly(const gene::Program& prog) {
  size_t total = 0;
  for (const auto& p : prog.protos) {
    total += p->code.size();
    for (size_t pc = 0; pc < p->code.size(); pc++) {
      const gene::Instr& in = p->code[pc];
      if (gene::op_info(in.op).x == gene::Operand::Jump && in.x <= int32_t(pc)) return false;
    }
    for (const gene::Handler& h : p->handlers)
      if (h.target < h.end) return false;
  }
  return total <= 256;
}

// dis(load(text)) must be a fixed point of load -> dis.
inline void check_gbc_round_trip(const std::string& text) {
  gene::VM vm;
  gene::Program prog;
  gene::SourceError err;
  if (!gene::load_gbc(vm, text, prog, err))
    finding("disassembler output does not load", std::to_string(err.line) + ": " + err.message + "\n" + text);
  std::string again = gene::disassemble_program(vm, prog);
  if (again != text) finding("dis -> load -> dis is not identical", text + "\n----\n" + again);
}

// Runs a verified program; any outcome is fine, only crashes and sanitizer reports count.
inline void run_verified(gene::VM& vm, gene::Program& prog) {
  if (!runs_quickly(prog)) return;
  gene::Value result;
  if (gene::run_program(vm, prog, result)) {
    std::string s;
    gene::display_nested(s, result);
  }
}

}  // namespace genefuzz
