// x86-64 register names for the encoder.
//
// Each register class is its own type so the overload set of the assembler rejects mixed sizes at
// compile time (`add(rax, ecx)` does not compile). A register is just its 4-bit hardware number;
// bit 3 goes into a REX prefix, bits 0-2 into ModRM/SIB/opcode.
//
// 8-bit registers 4-7 are always spl/bpl/sil/dil (encoded with a REX prefix); the legacy
// ah/ch/dh/bh are deliberately not representable, which removes the "high byte register cannot be
// used with REX" special case from the encoder.
#pragma once
#include <array>
#include <cstdint>

namespace gene::x64 {

struct Reg64 {
  uint8_t code;
  constexpr bool operator==(const Reg64&) const = default;
};
struct Reg32 {
  uint8_t code;
  constexpr bool operator==(const Reg32&) const = default;
};
struct Reg8 {
  uint8_t code;
  constexpr bool operator==(const Reg8&) const = default;
};
struct Xmm {
  uint8_t code;
  constexpr bool operator==(const Xmm&) const = default;
};

// Views of the same architectural register at another width.
constexpr Reg32 to32(Reg64 r) { return Reg32{r.code}; }
constexpr Reg8 to8(Reg64 r) { return Reg8{r.code}; }
constexpr Reg64 to64(Reg32 r) { return Reg64{r.code}; }
constexpr Reg64 to64(Reg8 r) { return Reg64{r.code}; }

inline constexpr Reg64 rax{0}, rcx{1}, rdx{2}, rbx{3}, rsp{4}, rbp{5}, rsi{6}, rdi{7};
inline constexpr Reg64 r8{8}, r9{9}, r10{10}, r11{11}, r12{12}, r13{13}, r14{14}, r15{15};

inline constexpr Reg32 eax{0}, ecx{1}, edx{2}, ebx{3}, esp{4}, ebp{5}, esi{6}, edi{7};
inline constexpr Reg32 r8d{8}, r9d{9}, r10d{10}, r11d{11}, r12d{12}, r13d{13}, r14d{14}, r15d{15};

inline constexpr Reg8 al{0}, cl{1}, dl{2}, bl{3}, spl{4}, bpl{5}, sil{6}, dil{7};
inline constexpr Reg8 r8b{8}, r9b{9}, r10b{10}, r11b{11}, r12b{12}, r13b{13}, r14b{14}, r15b{15};

inline constexpr Xmm xmm0{0}, xmm1{1}, xmm2{2}, xmm3{3}, xmm4{4}, xmm5{5}, xmm6{6}, xmm7{7};
inline constexpr Xmm xmm8{8}, xmm9{9}, xmm10{10}, xmm11{11}, xmm12{12}, xmm13{13}, xmm14{14},
    xmm15{15};

inline constexpr int kNumRegs = 16;

// System V AMD64 calling convention, as used by every C++ function the JIT calls.
namespace sysv {
inline constexpr std::array<Reg64, 6> kIntArgs = {rdi, rsi, rdx, rcx, r8, r9};
inline constexpr std::array<Xmm, 8> kFloatArgs = {xmm0, xmm1, xmm2, xmm3, xmm4, xmm5, xmm6, xmm7};
inline constexpr Reg64 kIntResult = rax;
inline constexpr Xmm kFloatResult = xmm0;
inline constexpr std::array<Reg64, 9> kCallerSaved = {rax, rcx, rdx, rsi, rdi, r8, r9, r10, r11};
inline constexpr std::array<Reg64, 6> kCalleeSaved = {rbx, rbp, r12, r13, r14, r15};
}  // namespace sysv

// Scratch register the assembler itself may clobber: calls/jumps to absolute addresses that are
// out of rel32 range become `mov r11, imm64; call r11`. r11 is caller-saved and carries no
// argument in System V, so it is free at every call site.
inline constexpr Reg64 kScratch = r11;

const char* name(Reg64 r);
const char* name(Reg32 r);
const char* name(Reg8 r);
const char* name(Xmm r);

}  // namespace gene::x64
