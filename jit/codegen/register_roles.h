// The fixed registers of compiled Gene code. Every tier uses the same roles, so compiled code of
// any tier can call another's body directly, and helpers find the VM where they expect it.
#pragma once
#include <cstdint>

#include "interp/value.h"
#include "jit/x64/registers.h"

namespace gene::jit {

// All callee-saved, so helper calls preserve them.
constexpr x64::Reg64 kVm = x64::rbx;       // VM*
constexpr x64::Reg64 kBase = x64::r12;     // frame base: slot 0
constexpr x64::Reg64 kFrame = x64::r13;    // this unit's Frame record
constexpr x64::Reg64 kGlobals = x64::r14;  // vm.globals.data()
constexpr x64::Reg64 kIntTag = x64::r15;   // 0xFFF9 << 48, to box ints with one `or`

constexpr uint64_t kIntTagBits = uint64_t(Tag::Int) << 48;

}  // namespace gene::jit
