// The spec tier (Milestone 2): type-specialised code behind guards, built through the IR
// (ir.h) from the unit's bytecode and type feedback; a failed guard deoptimizes to the
// interpreter (deopt.h). The tier manager calls these like every tier compiler.
#pragma once
#include <string>

#include "interp/vm.h"
#include "jit/compiled_code.h"
#include "jit/exec_memory.h"
#include "jit/spec/deopt.h"
#include "jit/spec/ir_builder.h"

namespace gene::jit {

struct SpecOptions {
  bool dump_ir = false;           // --dump-ir: the IR after each pass, on stderr
  spec::DeoptStress* stress = nullptr;  // --deopt-every / --deopt-random, or null
  bool inline_calls = false;      // the inline tier (M3)
  bool trace_inline = false;      // --trace-inline: each call site's decision, on stderr
};

CompileStatus compile_spec(VM& vm, const Proto& p, const spec::SpecHints& hints, const SpecOptions& opts,
                           CodeCache& cache, CompiledCode& out, std::string& why);
std::string dump_spec(const VM& vm, const Proto& p, const CompiledCode& code);

}  // namespace gene::jit
