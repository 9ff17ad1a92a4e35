#include "jit/x64/code_install.h"

namespace gene::jit {

CodeCacheStatus install_code(CodeCache& cache, const x64::Assembler& a, CodeBlock* out) {
  *out = CodeBlock{};
  if (a.status() != x64::AsmStatus::Ok) return CodeCacheStatus::InvalidArgument;
  CodeBlock block;
  CodeCacheStatus s = cache.allocate(a.size(), &block);
  if (s != CodeCacheStatus::Ok) return s;
  // The block is written at the address it will run at (the W^X flip changes protections, not
  // addresses), so the writable pointer is also the runtime address.
  if (a.copy_to(block.start, block.address()) != x64::AsmStatus::Ok) {
    cache.release(block);
    return CodeCacheStatus::InvalidArgument;
  }
  s = cache.commit(block);
  if (s != CodeCacheStatus::Ok) {
    cache.release(block);
    return s;
  }
  *out = block;
  return CodeCacheStatus::Ok;
}

}  // namespace gene::jit
