// Test oracle for the encoder: decodes emitted bytes with Zydis and compares them with an
// expectation written in Zydis' own terms (mnemonic, registers, memory operands, immediates).
// The shortest-encoding check asks Zydis' encoder to encode the same expectation and compares
// lengths, so neither check depends on the bytes our encoder happens to produce.
#pragma once
#include <gtest/gtest.h>

#include <Zydis/Zydis.h>

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "jit/x64/assembler.h"

namespace gene::x64::oracle {

// Our registers by name, paired with Zydis' register of the same name. Written out rather than
// derived from register numbers so a wrong number in registers.h pairs a name with the wrong
// Zydis register and fails.
struct Reg64Pair {
  Reg64 ours;
  ZydisRegister zydis;
};
struct Reg32Pair {
  Reg32 ours;
  ZydisRegister zydis;
};
struct Reg8Pair {
  Reg8 ours;
  ZydisRegister zydis;
};
struct XmmPair {
  Xmm ours;
  ZydisRegister zydis;
};
extern const Reg64Pair kAllReg64[16];
extern const Reg32Pair kAllReg32[16];
extern const Reg8Pair kAllReg8[16];
extern const XmmPair kAllXmm[16];

ZydisRegister zreg(Reg64 r);
ZydisRegister zreg(Reg32 r);
ZydisRegister zreg(Reg8 r);
ZydisRegister zreg(Xmm r);

// An expected operand.
struct Expected {
  enum class Kind { Reg, Mem, Imm } kind = Kind::Reg;
  ZydisRegister reg = ZYDIS_REGISTER_NONE;
  // Memory: access size in bits (0 = don't check, e.g. lea), base/index/scale/displacement.
  uint16_t bits = 0;
  ZydisRegister base = ZYDIS_REGISTER_NONE;
  ZydisRegister index = ZYDIS_REGISTER_NONE;
  uint8_t scale = 0;
  int64_t disp = 0;
  int64_t imm = 0;
};

inline Expected ereg(ZydisRegister r) {
  Expected e;
  e.kind = Expected::Kind::Reg;
  e.reg = r;
  return e;
}
template <class R>
Expected ereg(R r) {
  return ereg(zreg(r));
}
inline Expected eimm(int64_t v) {
  Expected e;
  e.kind = Expected::Kind::Imm;
  e.imm = v;
  return e;
}

// An expected memory operand written directly: `bits` access size (0 = unchecked).
inline Expected emem(uint16_t bits, ZydisRegister base, int64_t disp = 0,
                     ZydisRegister index = ZYDIS_REGISTER_NONE, uint8_t scale = 0) {
  Expected e;
  e.kind = Expected::Kind::Mem;
  e.bits = bits;
  e.base = base;
  e.disp = disp;
  e.index = index;
  e.scale = scale;
  return e;
}

// A memory operand in our terms together with its expected decoding (without size).
struct MemCase {
  Mem mem;
  Expected expected;
  std::string label;  // for failure messages
};
// Expected decoding of `m` accessed with `bits`.
Expected emem(const MemCase& c, uint16_t bits);

// Every special case of ModRM/SIB (rsp/r12 bases, rbp/r13 bases, REX.B/X, every scale, no /
// 8-bit / 32-bit displacement at both ends of each range, RIP-relative), ~120 cases.
const std::vector<MemCase>& memory_cases();
// Every base x every index x every scale x several displacements (several thousand cases),
// for the shared ModRM/SIB encoder.
std::vector<MemCase> exhaustive_memory_cases();

// 32-bit immediates covering each size class and its boundaries.
const std::vector<int32_t>& imm32_cases();
const std::vector<int8_t>& imm8_cases();

// Decodes `bytes` as exactly one instruction and compares mnemonic, visible operands and length;
// with `check_shortest`, also requires the length Zydis' encoder gives the same instruction.
::testing::AssertionResult decodes_to(std::span<const uint8_t> bytes, ZydisMnemonic mnemonic,
                                      const std::vector<Expected>& operands,
                                      bool check_shortest = true);

// Runs `emit` on a fresh Assembler, requires status Ok, then decodes_to().
::testing::AssertionResult emits(const std::function<void(Assembler&)>& emit,
                                 ZydisMnemonic mnemonic, const std::vector<Expected>& operands,
                                 bool check_shortest = true);

// Decodes one instruction at `offset` (running at runtime_address + offset).
struct Decoded {
  bool ok = false;
  ZydisDecodedInstruction insn{};
  ZydisDecodedOperand ops[ZYDIS_MAX_OPERAND_COUNT]{};
};
Decoded decode_at(std::span<const uint8_t> code, size_t offset);
// Absolute target of operand `index` of a branch / RIP-relative instruction.
uint64_t absolute_target(const Decoded& d, size_t operand, uint64_t instruction_address);

std::string hex(std::span<const uint8_t> bytes);
std::string to_text(std::span<const uint8_t> bytes);  // Zydis' Intel rendering of one instruction

}  // namespace gene::x64::oracle
