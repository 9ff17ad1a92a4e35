// Where a compiled unit's native stack frame changes shape, as offsets into its code: what an
// unwinder (gdb through --gdb-jit's call-frame information, jit/gdb_jit.cpp) needs to walk from
// compiled code to its caller. Both tiers share the shape: the native entry saves the six
// callee-saved registers and 8 bytes of padding, then calls the body; the body (also called
// directly by compiled callers) keeps `body_bytes` below its return address, more around its
// calls to compiled callees and in spec code's deopt trampoline.
#pragma once
#include <cstdint>
#include <vector>

namespace gene::jit {

// From `offset` on (until the next adjustment), the body's frame is `extra` bytes deeper than
// body_bytes: around a compiled-to-compiled call (two registers pushed) and in spec code's deopt
// trampoline (the register save area). Offsets ascend.
struct StackAdjustment {
  uint32_t offset;
  uint32_t extra;
};

struct NativeFrameLayout {
  uint32_t entry_ready = 0;  // after the entry's pushes and padding (64 bytes below its caller's rsp)
  uint32_t body_ready = 0;   // after the body's frame set-up
  uint32_t body_bytes = 8;   // bytes the body keeps below its return address
  bool body_saves_rbp = false;  // rbp (every body preserves it) at the top of them
  std::vector<StackAdjustment> adjustments;
};

}  // namespace gene::jit
