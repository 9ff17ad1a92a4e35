// Glue between the assembler and the code cache.
#pragma once
#include "jit/exec_memory.h"
#include "jit/x64/assembler.h"

namespace gene::jit {

// The cache's address range, for Assembler placement (rel32 calls to C++ helpers when in reach).
inline x64::CodeRange code_range(const CodeCache& cache) {
  return x64::CodeRange{cache.range_begin(), cache.range_end()};
}

// Copies finished code into the cache, resolving absolute call targets against its final
// address, and makes it executable. Call a.finalize() first: an assembler in error (or whose
// placement did not match the cache) gives InvalidArgument and installs nothing. Exhausted
// means the cache is full and the caller stays in a lower tier.
CodeCacheStatus install_code(CodeCache& cache, const x64::Assembler& a, CodeBlock* out);

}  // namespace gene::jit
