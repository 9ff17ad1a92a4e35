// SSE2 scalar-double instructions against Zydis, every XMM/GPR register and addressing case.
#include <gtest/gtest.h>

#include "jit/x64/assembler.h"
#include "tests/jit/zydis_oracle.h"

namespace gene::x64 {
namespace {

using namespace oracle;

#define EXPECT_EMITS(emit_stmt, mnemonic, ...) \
  EXPECT_TRUE(emits([&](Assembler& a) { emit_stmt; }, mnemonic, __VA_ARGS__))

TEST(EncoderSse, MovsdMovapd) {
  for (const XmmPair& d : kAllXmm) {
    for (const XmmPair& s : kAllXmm) {
      EXPECT_EMITS(a.movsd(d.ours, s.ours), ZYDIS_MNEMONIC_MOVSD, {ereg(d.zydis), ereg(s.zydis)});
      EXPECT_EMITS(a.movapd(d.ours, s.ours), ZYDIS_MNEMONIC_MOVAPD, {ereg(d.zydis), ereg(s.zydis)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.movsd(d.ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_MOVSD, {ereg(d.zydis), emem(m, 64)});
      EXPECT_EMITS(a.movsd(qword_ptr(m.mem), d.ours), ZYDIS_MNEMONIC_MOVSD, {emem(m, 64), ereg(d.zydis)});
    }
  }
}

TEST(EncoderSse, MovqBetweenGprAndXmm) {
  for (const XmmPair& x : kAllXmm) {
    for (const Reg64Pair& r : kAllReg64) {
      EXPECT_EMITS(a.movq(x.ours, r.ours), ZYDIS_MNEMONIC_MOVQ, {ereg(x.zydis), ereg(r.zydis)});
      EXPECT_EMITS(a.movq(r.ours, x.ours), ZYDIS_MNEMONIC_MOVQ, {ereg(r.zydis), ereg(x.zydis)});
    }
  }
}

TEST(EncoderSse, Arithmetic) {
  struct Case {
    SseOp op;
    ZydisMnemonic mnemonic;
  };
  const Case cases[] = {
      {SseOp::Add, ZYDIS_MNEMONIC_ADDSD}, {SseOp::Sub, ZYDIS_MNEMONIC_SUBSD},
      {SseOp::Mul, ZYDIS_MNEMONIC_MULSD}, {SseOp::Div, ZYDIS_MNEMONIC_DIVSD},
      {SseOp::Sqrt, ZYDIS_MNEMONIC_SQRTSD}, {SseOp::Min, ZYDIS_MNEMONIC_MINSD},
      {SseOp::Max, ZYDIS_MNEMONIC_MAXSD},
  };
  for (const Case& c : cases) {
    for (const XmmPair& d : kAllXmm) {
      for (const XmmPair& s : kAllXmm) {
        EXPECT_EMITS(a.sse(c.op, d.ours, s.ours), c.mnemonic, {ereg(d.zydis), ereg(s.zydis)});
      }
      for (const MemCase& m : memory_cases()) {
        EXPECT_EMITS(a.sse(c.op, d.ours, qword_ptr(m.mem)), c.mnemonic, {ereg(d.zydis), emem(m, 64)});
      }
    }
  }
  EXPECT_EMITS(a.addsd(xmm1, xmm9), ZYDIS_MNEMONIC_ADDSD, {ereg(ZYDIS_REGISTER_XMM1), ereg(ZYDIS_REGISTER_XMM9)});
  EXPECT_EMITS(a.subsd(xmm8, qword_ptr(rsp, 8)), ZYDIS_MNEMONIC_SUBSD,
               {ereg(ZYDIS_REGISTER_XMM8), emem(64, ZYDIS_REGISTER_RSP, 8)});
  EXPECT_EMITS(a.mulsd(xmm2, xmm3), ZYDIS_MNEMONIC_MULSD, {ereg(ZYDIS_REGISTER_XMM2), ereg(ZYDIS_REGISTER_XMM3)});
  EXPECT_EMITS(a.divsd(xmm15, xmm0), ZYDIS_MNEMONIC_DIVSD, {ereg(ZYDIS_REGISTER_XMM15), ereg(ZYDIS_REGISTER_XMM0)});
  EXPECT_EMITS(a.sqrtsd(xmm4, xmm4), ZYDIS_MNEMONIC_SQRTSD, {ereg(ZYDIS_REGISTER_XMM4), ereg(ZYDIS_REGISTER_XMM4)});
  EXPECT_EMITS(a.minsd(xmm5, xmm6), ZYDIS_MNEMONIC_MINSD, {ereg(ZYDIS_REGISTER_XMM5), ereg(ZYDIS_REGISTER_XMM6)});
  EXPECT_EMITS(a.maxsd(xmm7, xmm13), ZYDIS_MNEMONIC_MAXSD, {ereg(ZYDIS_REGISTER_XMM7), ereg(ZYDIS_REGISTER_XMM13)});
}

TEST(EncoderSse, Compare) {
  for (const XmmPair& d : kAllXmm) {
    for (const XmmPair& s : kAllXmm) {
      EXPECT_EMITS(a.ucomisd(d.ours, s.ours), ZYDIS_MNEMONIC_UCOMISD, {ereg(d.zydis), ereg(s.zydis)});
      EXPECT_EMITS(a.comisd(d.ours, s.ours), ZYDIS_MNEMONIC_COMISD, {ereg(d.zydis), ereg(s.zydis)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.ucomisd(d.ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_UCOMISD, {ereg(d.zydis), emem(m, 64)});
      EXPECT_EMITS(a.comisd(d.ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_COMISD, {ereg(d.zydis), emem(m, 64)});
    }
  }
}

TEST(EncoderSse, Conversions) {
  for (const XmmPair& x : kAllXmm) {
    for (int r = 0; r < 16; r++) {
      EXPECT_EMITS(a.cvtsi2sd(x.ours, kAllReg64[r].ours), ZYDIS_MNEMONIC_CVTSI2SD,
                   {ereg(x.zydis), ereg(kAllReg64[r].zydis)});
      EXPECT_EMITS(a.cvtsi2sd(x.ours, kAllReg32[r].ours), ZYDIS_MNEMONIC_CVTSI2SD,
                   {ereg(x.zydis), ereg(kAllReg32[r].zydis)});
      EXPECT_EMITS(a.cvttsd2si(kAllReg64[r].ours, x.ours), ZYDIS_MNEMONIC_CVTTSD2SI,
                   {ereg(kAllReg64[r].zydis), ereg(x.zydis)});
      EXPECT_EMITS(a.cvttsd2si(kAllReg32[r].ours, x.ours), ZYDIS_MNEMONIC_CVTTSD2SI,
                   {ereg(kAllReg32[r].zydis), ereg(x.zydis)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.cvtsi2sd(x.ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_CVTSI2SD, {ereg(x.zydis), emem(m, 64)});
      EXPECT_EMITS(a.cvtsi2sd(x.ours, dword_ptr(m.mem)), ZYDIS_MNEMONIC_CVTSI2SD, {ereg(x.zydis), emem(m, 32)});
    }
  }
  for (int r = 0; r < 16; r++) {
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.cvttsd2si(kAllReg64[r].ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_CVTTSD2SI,
                   {ereg(kAllReg64[r].zydis), emem(m, 64)});
      EXPECT_EMITS(a.cvttsd2si(kAllReg32[r].ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_CVTTSD2SI,
                   {ereg(kAllReg32[r].zydis), emem(m, 64)});
    }
  }
}

TEST(EncoderSse, Bitwise) {
  for (const XmmPair& d : kAllXmm) {
    for (const XmmPair& s : kAllXmm) {
      EXPECT_EMITS(a.xorpd(d.ours, s.ours), ZYDIS_MNEMONIC_XORPD, {ereg(d.zydis), ereg(s.zydis)});
      EXPECT_EMITS(a.andpd(d.ours, s.ours), ZYDIS_MNEMONIC_ANDPD, {ereg(d.zydis), ereg(s.zydis)});
      EXPECT_EMITS(a.roundsd(d.ours, s.ours, 1), ZYDIS_MNEMONIC_ROUNDSD, {ereg(d.zydis), ereg(s.zydis), eimm(1)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.xorpd(d.ours, xmmword_ptr(m.mem)), ZYDIS_MNEMONIC_XORPD, {ereg(d.zydis), emem(m, 128)});
      EXPECT_EMITS(a.andpd(d.ours, xmmword_ptr(m.mem)), ZYDIS_MNEMONIC_ANDPD, {ereg(d.zydis), emem(m, 128)});
    }
  }
}

}  // namespace
}  // namespace gene::x64
