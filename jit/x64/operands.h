// Operands for the x86-64 encoder: memory addresses, condition codes and labels.
#pragma once
#include <cstdint>

#include "jit/x64/registers.h"

namespace gene::x64 {

// A position in the code buffer that jumps, calls and RIP-relative operands can refer to before
// it is bound. Labels are handles into their Assembler's label table: cheap to copy, and only
// meaningful for the Assembler that created them.
struct Label {
  static constexpr uint32_t kNone = UINT32_MAX;
  uint32_t id = kNone;
  constexpr bool valid() const { return id != kNone; }
};

// The value is log2(scale), which is exactly the SIB scale field.
enum class Scale : uint8_t { x1 = 0, x2 = 1, x4 = 2, x8 = 3 };

// An effective address: `[base + index*scale + disp]` or `[rip + disp]` / `[rip + label + disp]`.
// Base-less absolute forms are not offered: JIT data lives at 64-bit addresses, so they would only
// be a trap. The operand carries no access size; the sized wrappers below do.
struct Mem {
  enum class Kind : uint8_t { Base, Rip };
  Kind kind = Kind::Base;
  bool has_index = false;
  Reg64 base{0};
  Reg64 index{0};
  Scale scale = Scale::x1;
  int32_t disp = 0;
  // Rip only: when valid, the address is label + disp; otherwise disp is relative to the end of
  // the instruction, as in the hardware encoding.
  Label label;
};

constexpr Mem mem(const Mem& m) { return m; }
constexpr Mem mem(Reg64 base, int32_t disp = 0) {
  Mem m;
  m.base = base;
  m.disp = disp;
  return m;
}
// rsp cannot be an index (the encoding means "no index"); the assembler reports InvalidOperand.
constexpr Mem mem(Reg64 base, Reg64 index, Scale scale, int32_t disp = 0) {
  Mem m;
  m.base = base;
  m.has_index = true;
  m.index = index;
  m.scale = scale;
  m.disp = disp;
  return m;
}
constexpr Mem rip_rel(Label target, int32_t disp = 0) {
  Mem m;
  m.kind = Mem::Kind::Rip;
  m.label = target;
  m.disp = disp;
  return m;
}
constexpr Mem rip_rel(int32_t disp) {
  Mem m;
  m.kind = Mem::Kind::Rip;
  m.disp = disp;
  return m;
}

// A memory operand with an access size, so `mov(qword_ptr(rbx, 8), 1)` is unambiguous and a
// 64-bit register can only be stored to a 64-bit slot.
template <int Bytes>
struct SizedMem : Mem {
  static constexpr int kBytes = Bytes;
};
using Mem8 = SizedMem<1>;
using Mem32 = SizedMem<4>;
using Mem64 = SizedMem<8>;
using Mem128 = SizedMem<16>;

// The arguments are those of `mem(...)` / a `Mem` from `rip_rel(...)`.
template <class... A>
constexpr Mem8 byte_ptr(A... a) {
  return Mem8{mem(a...)};
}
template <class... A>
constexpr Mem32 dword_ptr(A... a) {
  return Mem32{mem(a...)};
}
template <class... A>
constexpr Mem64 qword_ptr(A... a) {
  return Mem64{mem(a...)};
}
template <class... A>
constexpr Mem128 xmmword_ptr(A... a) {
  return Mem128{mem(a...)};
}

// Condition codes in their hardware numbering (the low nibble of Jcc/SETcc/CMOVcc opcodes).
// Unsigned comparisons use B/BE/A/AE, signed ones L/LE/G/GE; ucomisd sets flags like an unsigned
// compare, with P set for unordered (NaN) operands.
enum class Cond : uint8_t {
  O = 0x0,
  NO = 0x1,
  B = 0x2,
  AE = 0x3,
  E = 0x4,
  NE = 0x5,
  BE = 0x6,
  A = 0x7,
  S = 0x8,
  NS = 0x9,
  P = 0xA,
  NP = 0xB,
  L = 0xC,
  GE = 0xD,
  LE = 0xE,
  G = 0xF,
  // Aliases.
  C = B,
  NC = AE,
  Z = E,
  NZ = NE,
};

// The opposite condition: the hardware pairs them by flipping bit 0.
constexpr Cond negate(Cond c) { return Cond(uint8_t(c) ^ 1); }

}  // namespace gene::x64
