// Compiler: Gene core forms -> stack bytecode (one Proto per function plus the top level).
#pragma once
#include "interp/ast.h"
#include "interp/proto.h"
#include "interp/source_error.h"

namespace gene {

class VM;

// Compiles a whole file. Constants are allocated on vm's heap and rooted through
// `vm.program`, which is set to `out`. Returns false with the first error in source order.
bool compile_program(VM& vm, const NodeList& forms, Program& out, SourceError& err);

// Words that can never name a variable.
bool is_reserved_word(const std::string& s);

}  // namespace gene
