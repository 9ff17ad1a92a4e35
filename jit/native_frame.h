// Where a compiled unit's native stack frame changes shape, as offsets into its code: what an
// unwinder (gdb through --gdb-jit's call-frame information, jit/gdb_jit.cpp) needs to walk from
// compiled code to its caller. Both tiers share the shape: the native entry saves the six
// callee-saved registers and 8 bytes of padding, then calls the body; the body (also called
// directly by compiled callers) keeps `body_bytes` below its return address; spec code's deopt
// trampoline adds a register save area while it calls the runtime.
#pragma once
#include <cstdint>

namespace gene::jit {

struct NativeFrameLayout {
  uint32_t entry_ready = 0;  // after the entry's pushes and padding (64 bytes below its caller's rsp)
  uint32_t body_ready = 0;   // after the body's frame set-up
  uint32_t body_bytes = 8;   // bytes the body keeps below its return address
  bool body_saves_rbp = false;  // spec: rbp (an allocatable register there) at the top of them
  uint32_t trampoline_begin = 0, trampoline_end = 0;  // spec: the save area is in place here
  uint32_t trampoline_bytes = 0;
};

}  // namespace gene::jit
