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

// VM options for running fuzz inputs: shallow calls, a small heap and a step budget, so no
// input can use much time or memory. The verifier lets only LOOP jump backward and puts
// handlers after their regions, so with --max-steps every verified program ends: loops, nested
// loops and recursion included.
inline gene::VMOptions fuzz_vm_options() {
  gene::VMOptions o;
  o.max_depth = 3;
  o.max_heap = 16 << 20;
  o.max_steps = 256;  // with the heap limit: a loop that rebuilds 16 MB 256 times still ends in seconds
  return o;
}

// Every verified program is run, loops included (the step budget ends them); only the size is
// bounded, so that one input's run stays in the milliseconds.
inline bool runs_quickly(const gene::Program& prog) {
  size_t total = 0;
  for (const auto& p : prog.protos) total += p->code.size();
  return total <= 1024;
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
