// Reader: source text -> nodes, with line/column positions.
#pragma once
#include <string_view>

#include "interp/ast.h"
#include "interp/source_error.h"

namespace gene {

// Maximum nesting of brackets; deeper input is a parse error rather than a native stack overflow.
constexpr int kMaxNesting = 1000;

// Returns false and fills `err` on the first parse error.
bool read_program(std::string_view src, NodeList& out, SourceError& err);

}  // namespace gene
