// General-purpose instructions, checked against Zydis for every register, every memory
// addressing special case and every immediate size class.
#include <gtest/gtest.h>

#include "jit/x64/assembler.h"
#include "tests/jit/zydis_oracle.h"

namespace gene::x64 {
namespace {

using namespace oracle;

#define EXPECT_EMITS(emit_stmt, mnemonic, ...) \
  EXPECT_TRUE(emits([&](Assembler& a) { emit_stmt; }, mnemonic, __VA_ARGS__))

struct AluCase {
  AluOp op;
  ZydisMnemonic mnemonic;
};
const AluCase kAlu[] = {
    {AluOp::Add, ZYDIS_MNEMONIC_ADD}, {AluOp::Or, ZYDIS_MNEMONIC_OR},
    {AluOp::Adc, ZYDIS_MNEMONIC_ADC}, {AluOp::Sbb, ZYDIS_MNEMONIC_SBB},
    {AluOp::And, ZYDIS_MNEMONIC_AND}, {AluOp::Sub, ZYDIS_MNEMONIC_SUB},
    {AluOp::Xor, ZYDIS_MNEMONIC_XOR}, {AluOp::Cmp, ZYDIS_MNEMONIC_CMP},
};

// ---- mov ---------------------------------------------------------------------------------------

TEST(EncoderMov, RegisterToRegisterAllPairs) {
  for (int d = 0; d < 16; d++) {
    for (int s = 0; s < 16; s++) {
      EXPECT_EMITS(a.mov(kAllReg64[d].ours, kAllReg64[s].ours), ZYDIS_MNEMONIC_MOV,
                   {ereg(kAllReg64[d].zydis), ereg(kAllReg64[s].zydis)});
      EXPECT_EMITS(a.mov(kAllReg32[d].ours, kAllReg32[s].ours), ZYDIS_MNEMONIC_MOV,
                   {ereg(kAllReg32[d].zydis), ereg(kAllReg32[s].zydis)});
      EXPECT_EMITS(a.mov(kAllReg8[d].ours, kAllReg8[s].ours), ZYDIS_MNEMONIC_MOV,
                   {ereg(kAllReg8[d].zydis), ereg(kAllReg8[s].zydis)});
    }
  }
}

// The shared ModRM/SIB encoder, exhaustively: every base x index x scale x displacement class.
TEST(EncoderMov, LoadStoreEveryAddressingMode) {
  const std::vector<MemCase> cases = exhaustive_memory_cases();
  ASSERT_GT(cases.size(), 4000u);
  for (const Reg64 r : {rax, rsp, r12, r15}) {
    for (const MemCase& m : cases) {
      EXPECT_EMITS(a.mov(r, qword_ptr(m.mem)), ZYDIS_MNEMONIC_MOV, {ereg(r), emem(m, 64)}) << m.label;
      EXPECT_EMITS(a.mov(qword_ptr(m.mem), r), ZYDIS_MNEMONIC_MOV, {emem(m, 64), ereg(r)}) << m.label;
    }
  }
}

TEST(EncoderMov, LoadStoreAllRegistersAllWidths) {
  for (int r = 0; r < 16; r++) {
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.mov(kAllReg64[r].ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_MOV,
                   {ereg(kAllReg64[r].zydis), emem(m, 64)});
      EXPECT_EMITS(a.mov(kAllReg32[r].ours, dword_ptr(m.mem)), ZYDIS_MNEMONIC_MOV,
                   {ereg(kAllReg32[r].zydis), emem(m, 32)});
      EXPECT_EMITS(a.mov(kAllReg8[r].ours, byte_ptr(m.mem)), ZYDIS_MNEMONIC_MOV,
                   {ereg(kAllReg8[r].zydis), emem(m, 8)});
      EXPECT_EMITS(a.mov(qword_ptr(m.mem), kAllReg64[r].ours), ZYDIS_MNEMONIC_MOV,
                   {emem(m, 64), ereg(kAllReg64[r].zydis)});
      EXPECT_EMITS(a.mov(dword_ptr(m.mem), kAllReg32[r].ours), ZYDIS_MNEMONIC_MOV,
                   {emem(m, 32), ereg(kAllReg32[r].zydis)});
      EXPECT_EMITS(a.mov(byte_ptr(m.mem), kAllReg8[r].ours), ZYDIS_MNEMONIC_MOV,
                   {emem(m, 8), ereg(kAllReg8[r].zydis)});
    }
  }
}

TEST(EncoderMov, Imm64PicksShortestForm) {
  for (const Reg64Pair& r : kAllReg64) {
    const ZydisRegister r32 = kAllReg32[r.ours.code].zydis;
    // Fits 32 unsigned bits: mov r32, imm32 (zero-extends).
    for (int64_t v : {int64_t(0), int64_t(1), int64_t(0x7FFFFFFF), int64_t(0x80000000), int64_t(0xFFFFFFFF)}) {
      EXPECT_EMITS(a.mov(r.ours, v), ZYDIS_MNEMONIC_MOV, {ereg(r32), eimm(v)});
    }
    // Negative and sign-extendable: mov r/m64, simm32.
    for (int64_t v : {int64_t(-1), int64_t(-128), int64_t(INT32_MIN)}) {
      EXPECT_EMITS(a.mov(r.ours, v), ZYDIS_MNEMONIC_MOV, {ereg(r.zydis), eimm(v)});
    }
    // Everything else: mov r64, imm64.
    for (int64_t v : {int64_t(0x100000000), int64_t(INT32_MIN) - 1, INT64_MAX, INT64_MIN,
                      int64_t(0x123456789ABCDEF0)}) {
      EXPECT_EMITS(a.mov(r.ours, v), ZYDIS_MNEMONIC_MOV, {ereg(r.zydis), eimm(v)});
    }
    // The patchable form is always 10 bytes.
    Assembler a;
    a.mov_imm64(r.ours, 5);
    EXPECT_EQ(a.size(), 10u);
    EXPECT_TRUE(decodes_to(a.code(), ZYDIS_MNEMONIC_MOV, {ereg(r.zydis), eimm(5)}, /*check_shortest=*/false));
  }
}

TEST(EncoderMov, ImmediateToRegisterAndMemory) {
  for (int r = 0; r < 16; r++) {
    for (int32_t v : imm32_cases()) {
      EXPECT_EMITS(a.mov(kAllReg32[r].ours, v), ZYDIS_MNEMONIC_MOV, {ereg(kAllReg32[r].zydis), eimm(v)});
    }
    for (int8_t v : imm8_cases()) {
      EXPECT_EMITS(a.mov(kAllReg8[r].ours, v), ZYDIS_MNEMONIC_MOV, {ereg(kAllReg8[r].zydis), eimm(v)});
    }
  }
  for (const MemCase& m : memory_cases()) {
    for (int32_t v : imm32_cases()) {
      EXPECT_EMITS(a.mov(qword_ptr(m.mem), v), ZYDIS_MNEMONIC_MOV, {emem(m, 64), eimm(v)});
      EXPECT_EMITS(a.mov(dword_ptr(m.mem), v), ZYDIS_MNEMONIC_MOV, {emem(m, 32), eimm(v)});
    }
    for (int8_t v : imm8_cases()) {
      EXPECT_EMITS(a.mov(byte_ptr(m.mem), v), ZYDIS_MNEMONIC_MOV, {emem(m, 8), eimm(v)});
    }
  }
}

TEST(EncoderMov, ZeroAndSignExtension) {
  for (int d = 0; d < 16; d++) {
    for (int s = 0; s < 16; s++) {
      EXPECT_EMITS(a.movzx(kAllReg32[d].ours, kAllReg8[s].ours), ZYDIS_MNEMONIC_MOVZX,
                   {ereg(kAllReg32[d].zydis), ereg(kAllReg8[s].zydis)});
      EXPECT_EMITS(a.movzx(kAllReg64[d].ours, kAllReg8[s].ours), ZYDIS_MNEMONIC_MOVZX,
                   {ereg(kAllReg64[d].zydis), ereg(kAllReg8[s].zydis)});
      EXPECT_EMITS(a.movsx(kAllReg32[d].ours, kAllReg8[s].ours), ZYDIS_MNEMONIC_MOVSX,
                   {ereg(kAllReg32[d].zydis), ereg(kAllReg8[s].zydis)});
      EXPECT_EMITS(a.movsx(kAllReg64[d].ours, kAllReg8[s].ours), ZYDIS_MNEMONIC_MOVSX,
                   {ereg(kAllReg64[d].zydis), ereg(kAllReg8[s].zydis)});
      EXPECT_EMITS(a.movsxd(kAllReg64[d].ours, kAllReg32[s].ours), ZYDIS_MNEMONIC_MOVSXD,
                   {ereg(kAllReg64[d].zydis), ereg(kAllReg32[s].zydis)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.movzx(kAllReg32[d].ours, byte_ptr(m.mem)), ZYDIS_MNEMONIC_MOVZX,
                   {ereg(kAllReg32[d].zydis), emem(m, 8)});
      EXPECT_EMITS(a.movzx(kAllReg64[d].ours, byte_ptr(m.mem)), ZYDIS_MNEMONIC_MOVZX,
                   {ereg(kAllReg64[d].zydis), emem(m, 8)});
      EXPECT_EMITS(a.movsx(kAllReg32[d].ours, byte_ptr(m.mem)), ZYDIS_MNEMONIC_MOVSX,
                   {ereg(kAllReg32[d].zydis), emem(m, 8)});
      EXPECT_EMITS(a.movsx(kAllReg64[d].ours, byte_ptr(m.mem)), ZYDIS_MNEMONIC_MOVSX,
                   {ereg(kAllReg64[d].zydis), emem(m, 8)});
      EXPECT_EMITS(a.movsxd(kAllReg64[d].ours, dword_ptr(m.mem)), ZYDIS_MNEMONIC_MOVSXD,
                   {ereg(kAllReg64[d].zydis), emem(m, 32)});
    }
  }
}

TEST(EncoderMov, Lea) {
  for (const Reg64Pair& r : kAllReg64) {
    for (const MemCase& m : exhaustive_memory_cases()) {
      // Zydis reports lea's address operand with the operand size.
      EXPECT_EMITS(a.lea(r.ours, m.mem), ZYDIS_MNEMONIC_LEA, {ereg(r.zydis), emem(m, 64)}) << m.label;
    }
  }
}

TEST(EncoderMov, PushPop) {
  for (const Reg64Pair& r : kAllReg64) {
    EXPECT_EMITS(a.push(r.ours), ZYDIS_MNEMONIC_PUSH, {ereg(r.zydis)});
    EXPECT_EMITS(a.pop(r.ours), ZYDIS_MNEMONIC_POP, {ereg(r.zydis)});
  }
  for (int32_t v : imm32_cases()) EXPECT_EMITS(a.push(v), ZYDIS_MNEMONIC_PUSH, {eimm(v)});
  for (const MemCase& m : memory_cases()) {
    EXPECT_EMITS(a.push(qword_ptr(m.mem)), ZYDIS_MNEMONIC_PUSH, {emem(m, 64)});
    EXPECT_EMITS(a.pop(qword_ptr(m.mem)), ZYDIS_MNEMONIC_POP, {emem(m, 64)});
  }
}

// ---- ALU group ---------------------------------------------------------------------------------

TEST(EncoderAlu, RegisterRegisterAllPairs) {
  for (const AluCase& c : kAlu) {
    for (int d = 0; d < 16; d++) {
      for (int s = 0; s < 16; s++) {
        EXPECT_EMITS(a.alu(c.op, kAllReg64[d].ours, kAllReg64[s].ours), c.mnemonic,
                     {ereg(kAllReg64[d].zydis), ereg(kAllReg64[s].zydis)});
        EXPECT_EMITS(a.alu(c.op, kAllReg32[d].ours, kAllReg32[s].ours), c.mnemonic,
                     {ereg(kAllReg32[d].zydis), ereg(kAllReg32[s].zydis)});
        EXPECT_EMITS(a.alu(c.op, kAllReg8[d].ours, kAllReg8[s].ours), c.mnemonic,
                     {ereg(kAllReg8[d].zydis), ereg(kAllReg8[s].zydis)});
      }
    }
  }
}

TEST(EncoderAlu, RegisterMemoryBothDirections) {
  for (const AluCase& c : kAlu) {
    for (int r = 0; r < 16; r++) {
      for (const MemCase& m : memory_cases()) {
        EXPECT_EMITS(a.alu(c.op, kAllReg64[r].ours, qword_ptr(m.mem)), c.mnemonic,
                     {ereg(kAllReg64[r].zydis), emem(m, 64)});
        EXPECT_EMITS(a.alu(c.op, kAllReg32[r].ours, dword_ptr(m.mem)), c.mnemonic,
                     {ereg(kAllReg32[r].zydis), emem(m, 32)});
        EXPECT_EMITS(a.alu(c.op, kAllReg8[r].ours, byte_ptr(m.mem)), c.mnemonic,
                     {ereg(kAllReg8[r].zydis), emem(m, 8)});
        EXPECT_EMITS(a.alu(c.op, qword_ptr(m.mem), kAllReg64[r].ours), c.mnemonic,
                     {emem(m, 64), ereg(kAllReg64[r].zydis)});
        EXPECT_EMITS(a.alu(c.op, dword_ptr(m.mem), kAllReg32[r].ours), c.mnemonic,
                     {emem(m, 32), ereg(kAllReg32[r].zydis)});
        EXPECT_EMITS(a.alu(c.op, byte_ptr(m.mem), kAllReg8[r].ours), c.mnemonic,
                     {emem(m, 8), ereg(kAllReg8[r].zydis)});
      }
    }
  }
}

// imm8 when it fits, the accumulator short form for rax/eax/al, imm32 otherwise.
TEST(EncoderAlu, Immediates) {
  for (const AluCase& c : kAlu) {
    for (int r = 0; r < 16; r++) {
      for (int32_t v : imm32_cases()) {
        EXPECT_EMITS(a.alu(c.op, kAllReg64[r].ours, v), c.mnemonic, {ereg(kAllReg64[r].zydis), eimm(v)});
        EXPECT_EMITS(a.alu(c.op, kAllReg32[r].ours, v), c.mnemonic, {ereg(kAllReg32[r].zydis), eimm(v)});
      }
      for (int8_t v : imm8_cases()) {
        EXPECT_EMITS(a.alu(c.op, kAllReg8[r].ours, v), c.mnemonic, {ereg(kAllReg8[r].zydis), eimm(v)});
      }
    }
    for (const MemCase& m : memory_cases()) {
      for (int32_t v : imm32_cases()) {
        EXPECT_EMITS(a.alu(c.op, qword_ptr(m.mem), v), c.mnemonic, {emem(m, 64), eimm(v)});
        EXPECT_EMITS(a.alu(c.op, dword_ptr(m.mem), v), c.mnemonic, {emem(m, 32), eimm(v)});
      }
      for (int8_t v : imm8_cases()) {
        EXPECT_EMITS(a.alu(c.op, byte_ptr(m.mem), v), c.mnemonic, {emem(m, 8), eimm(v)});
      }
    }
  }
}

// The named wrappers forward to the right group member.
TEST(EncoderAlu, NamedOperations) {
  const std::vector<Expected> ops = {ereg(ZYDIS_REGISTER_RDX), eimm(1000)};
  EXPECT_EMITS(a.add(rdx, 1000), ZYDIS_MNEMONIC_ADD, ops);
  EXPECT_EMITS(a.or_(rdx, 1000), ZYDIS_MNEMONIC_OR, ops);
  EXPECT_EMITS(a.adc(rdx, 1000), ZYDIS_MNEMONIC_ADC, ops);
  EXPECT_EMITS(a.sbb(rdx, 1000), ZYDIS_MNEMONIC_SBB, ops);
  EXPECT_EMITS(a.and_(rdx, 1000), ZYDIS_MNEMONIC_AND, ops);
  EXPECT_EMITS(a.sub(rdx, 1000), ZYDIS_MNEMONIC_SUB, ops);
  EXPECT_EMITS(a.xor_(rdx, 1000), ZYDIS_MNEMONIC_XOR, ops);
  EXPECT_EMITS(a.cmp(rdx, 1000), ZYDIS_MNEMONIC_CMP, ops);
  EXPECT_EMITS(a.sub(r9d, ecx), ZYDIS_MNEMONIC_SUB, {ereg(ZYDIS_REGISTER_R9D), ereg(ZYDIS_REGISTER_ECX)});
  EXPECT_EMITS(a.cmp(byte_ptr(rsi, 3), int8_t(-2)), ZYDIS_MNEMONIC_CMP,
               {emem(8, ZYDIS_REGISTER_RSI, 3), eimm(-2)});
}

TEST(EncoderAlu, Test) {
  for (int d = 0; d < 16; d++) {
    for (int s = 0; s < 16; s++) {
      EXPECT_EMITS(a.test(kAllReg64[d].ours, kAllReg64[s].ours), ZYDIS_MNEMONIC_TEST,
                   {ereg(kAllReg64[d].zydis), ereg(kAllReg64[s].zydis)});
      EXPECT_EMITS(a.test(kAllReg32[d].ours, kAllReg32[s].ours), ZYDIS_MNEMONIC_TEST,
                   {ereg(kAllReg32[d].zydis), ereg(kAllReg32[s].zydis)});
      EXPECT_EMITS(a.test(kAllReg8[d].ours, kAllReg8[s].ours), ZYDIS_MNEMONIC_TEST,
                   {ereg(kAllReg8[d].zydis), ereg(kAllReg8[s].zydis)});
    }
    for (int32_t v : imm32_cases()) {
      EXPECT_EMITS(a.test(kAllReg64[d].ours, v), ZYDIS_MNEMONIC_TEST, {ereg(kAllReg64[d].zydis), eimm(v)});
      EXPECT_EMITS(a.test(kAllReg32[d].ours, v), ZYDIS_MNEMONIC_TEST, {ereg(kAllReg32[d].zydis), eimm(v)});
    }
    for (int8_t v : imm8_cases()) {
      EXPECT_EMITS(a.test(kAllReg8[d].ours, v), ZYDIS_MNEMONIC_TEST, {ereg(kAllReg8[d].zydis), eimm(v)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.test(qword_ptr(m.mem), kAllReg64[d].ours), ZYDIS_MNEMONIC_TEST,
                   {emem(m, 64), ereg(kAllReg64[d].zydis)});
      EXPECT_EMITS(a.test(dword_ptr(m.mem), kAllReg32[d].ours), ZYDIS_MNEMONIC_TEST,
                   {emem(m, 32), ereg(kAllReg32[d].zydis)});
      EXPECT_EMITS(a.test(byte_ptr(m.mem), kAllReg8[d].ours), ZYDIS_MNEMONIC_TEST,
                   {emem(m, 8), ereg(kAllReg8[d].zydis)});
    }
  }
  for (const MemCase& m : memory_cases()) {
    for (int32_t v : imm32_cases()) {
      EXPECT_EMITS(a.test(qword_ptr(m.mem), v), ZYDIS_MNEMONIC_TEST, {emem(m, 64), eimm(v)});
      EXPECT_EMITS(a.test(dword_ptr(m.mem), v), ZYDIS_MNEMONIC_TEST, {emem(m, 32), eimm(v)});
    }
    for (int8_t v : imm8_cases()) {
      EXPECT_EMITS(a.test(byte_ptr(m.mem), v), ZYDIS_MNEMONIC_TEST, {emem(m, 8), eimm(v)});
    }
  }
}

// ---- Multiply, divide, one-operand group ---------------------------------------------------------

TEST(EncoderArith, Imul) {
  for (int d = 0; d < 16; d++) {
    const Reg64Pair& d64 = kAllReg64[d];
    const Reg32Pair& d32 = kAllReg32[d];
    for (int s = 0; s < 16; s++) {
      EXPECT_EMITS(a.imul(d64.ours, kAllReg64[s].ours), ZYDIS_MNEMONIC_IMUL, {ereg(d64.zydis), ereg(kAllReg64[s].zydis)});
      EXPECT_EMITS(a.imul(d32.ours, kAllReg32[s].ours), ZYDIS_MNEMONIC_IMUL, {ereg(d32.zydis), ereg(kAllReg32[s].zydis)});
      for (int32_t v : imm32_cases()) {
        EXPECT_EMITS(a.imul(d64.ours, kAllReg64[s].ours, v), ZYDIS_MNEMONIC_IMUL,
                     {ereg(d64.zydis), ereg(kAllReg64[s].zydis), eimm(v)});
        EXPECT_EMITS(a.imul(d32.ours, kAllReg32[s].ours, v), ZYDIS_MNEMONIC_IMUL,
                     {ereg(d32.zydis), ereg(kAllReg32[s].zydis), eimm(v)});
      }
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.imul(d64.ours, qword_ptr(m.mem)), ZYDIS_MNEMONIC_IMUL, {ereg(d64.zydis), emem(m, 64)});
      EXPECT_EMITS(a.imul(d32.ours, dword_ptr(m.mem)), ZYDIS_MNEMONIC_IMUL, {ereg(d32.zydis), emem(m, 32)});
      for (int32_t v : {-1, 100, 0x10000}) {
        EXPECT_EMITS(a.imul(d64.ours, qword_ptr(m.mem), v), ZYDIS_MNEMONIC_IMUL,
                     {ereg(d64.zydis), emem(m, 64), eimm(v)});
        EXPECT_EMITS(a.imul(d32.ours, dword_ptr(m.mem), v), ZYDIS_MNEMONIC_IMUL,
                     {ereg(d32.zydis), emem(m, 32), eimm(v)});
      }
    }
  }
}

TEST(EncoderArith, SignExtendAccumulator) {
  EXPECT_EMITS(a.cqo(), ZYDIS_MNEMONIC_CQO, {});
  EXPECT_EMITS(a.cdq(), ZYDIS_MNEMONIC_CDQ, {});
}

TEST(EncoderArith, UnaryGroup) {
  struct Case {
    UnaryOp op;
    ZydisMnemonic mnemonic;
  };
  const Case cases[] = {
      {UnaryOp::Inc, ZYDIS_MNEMONIC_INC}, {UnaryOp::Dec, ZYDIS_MNEMONIC_DEC},
      {UnaryOp::Not, ZYDIS_MNEMONIC_NOT}, {UnaryOp::Neg, ZYDIS_MNEMONIC_NEG},
      {UnaryOp::Mul, ZYDIS_MNEMONIC_MUL}, {UnaryOp::IMul, ZYDIS_MNEMONIC_IMUL},
      {UnaryOp::Div, ZYDIS_MNEMONIC_DIV}, {UnaryOp::IDiv, ZYDIS_MNEMONIC_IDIV},
  };
  for (const Case& c : cases) {
    for (int r = 0; r < 16; r++) {
      EXPECT_EMITS(a.unary(c.op, kAllReg64[r].ours), c.mnemonic, {ereg(kAllReg64[r].zydis)});
      EXPECT_EMITS(a.unary(c.op, kAllReg32[r].ours), c.mnemonic, {ereg(kAllReg32[r].zydis)});
      EXPECT_EMITS(a.unary(c.op, kAllReg8[r].ours), c.mnemonic, {ereg(kAllReg8[r].zydis)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.unary(c.op, qword_ptr(m.mem)), c.mnemonic, {emem(m, 64)});
      EXPECT_EMITS(a.unary(c.op, dword_ptr(m.mem)), c.mnemonic, {emem(m, 32)});
      EXPECT_EMITS(a.unary(c.op, byte_ptr(m.mem)), c.mnemonic, {emem(m, 8)});
    }
  }
  // Named wrappers.
  EXPECT_EMITS(a.inc(r13), ZYDIS_MNEMONIC_INC, {ereg(ZYDIS_REGISTER_R13)});
  EXPECT_EMITS(a.dec(esi), ZYDIS_MNEMONIC_DEC, {ereg(ZYDIS_REGISTER_ESI)});
  EXPECT_EMITS(a.not_(dil), ZYDIS_MNEMONIC_NOT, {ereg(ZYDIS_REGISTER_DIL)});
  EXPECT_EMITS(a.neg(rbp), ZYDIS_MNEMONIC_NEG, {ereg(ZYDIS_REGISTER_RBP)});
  EXPECT_EMITS(a.mul(r8), ZYDIS_MNEMONIC_MUL, {ereg(ZYDIS_REGISTER_R8)});
  EXPECT_EMITS(a.div(ecx), ZYDIS_MNEMONIC_DIV, {ereg(ZYDIS_REGISTER_ECX)});
  EXPECT_EMITS(a.idiv(r12), ZYDIS_MNEMONIC_IDIV, {ereg(ZYDIS_REGISTER_R12)});
}

// ---- Shifts ------------------------------------------------------------------------------------

TEST(EncoderShift, ImmediateAndCl) {
  struct Case {
    ShiftOp op;
    ZydisMnemonic mnemonic;
  };
  const Case cases[] = {
      {ShiftOp::Shl, ZYDIS_MNEMONIC_SHL}, {ShiftOp::Shr, ZYDIS_MNEMONIC_SHR},
      {ShiftOp::Sar, ZYDIS_MNEMONIC_SAR}, {ShiftOp::Rol, ZYDIS_MNEMONIC_ROL},
      {ShiftOp::Ror, ZYDIS_MNEMONIC_ROR},
  };
  const uint8_t counts[] = {1, 2, 7, 31, 63};  // 1 has its own, shorter opcode
  for (const Case& c : cases) {
    for (int r = 0; r < 16; r++) {
      for (uint8_t n : counts) {
        EXPECT_EMITS(a.shift(c.op, kAllReg64[r].ours, n), c.mnemonic, {ereg(kAllReg64[r].zydis), eimm(n)});
        EXPECT_EMITS(a.shift(c.op, kAllReg32[r].ours, n), c.mnemonic, {ereg(kAllReg32[r].zydis), eimm(n)});
        EXPECT_EMITS(a.shift(c.op, kAllReg8[r].ours, n), c.mnemonic, {ereg(kAllReg8[r].zydis), eimm(n)});
      }
      EXPECT_EMITS(a.shift(c.op, kAllReg64[r].ours, cl), c.mnemonic,
                   {ereg(kAllReg64[r].zydis), ereg(ZYDIS_REGISTER_CL)});
      EXPECT_EMITS(a.shift(c.op, kAllReg32[r].ours, cl), c.mnemonic,
                   {ereg(kAllReg32[r].zydis), ereg(ZYDIS_REGISTER_CL)});
      EXPECT_EMITS(a.shift(c.op, kAllReg8[r].ours, cl), c.mnemonic,
                   {ereg(kAllReg8[r].zydis), ereg(ZYDIS_REGISTER_CL)});
    }
    for (const MemCase& m : memory_cases()) {
      for (uint8_t n : {uint8_t(1), uint8_t(5)}) {
        EXPECT_EMITS(a.shift(c.op, qword_ptr(m.mem), n), c.mnemonic, {emem(m, 64), eimm(n)});
        EXPECT_EMITS(a.shift(c.op, dword_ptr(m.mem), n), c.mnemonic, {emem(m, 32), eimm(n)});
        EXPECT_EMITS(a.shift(c.op, byte_ptr(m.mem), n), c.mnemonic, {emem(m, 8), eimm(n)});
      }
      EXPECT_EMITS(a.shift(c.op, qword_ptr(m.mem), cl), c.mnemonic, {emem(m, 64), ereg(ZYDIS_REGISTER_CL)});
      EXPECT_EMITS(a.shift(c.op, dword_ptr(m.mem), cl), c.mnemonic, {emem(m, 32), ereg(ZYDIS_REGISTER_CL)});
      EXPECT_EMITS(a.shift(c.op, byte_ptr(m.mem), cl), c.mnemonic, {emem(m, 8), ereg(ZYDIS_REGISTER_CL)});
    }
  }
  EXPECT_EMITS(a.shl(r10, 3), ZYDIS_MNEMONIC_SHL, {ereg(ZYDIS_REGISTER_R10), eimm(3)});
  EXPECT_EMITS(a.shr(eax, cl), ZYDIS_MNEMONIC_SHR, {ereg(ZYDIS_REGISTER_EAX), ereg(ZYDIS_REGISTER_CL)});
  EXPECT_EMITS(a.sar(rdx, 47), ZYDIS_MNEMONIC_SAR, {ereg(ZYDIS_REGISTER_RDX), eimm(47)});
}

TEST(EncoderBits, BitTestAndSet) {
  EXPECT_EMITS(a.bts(rcx, 48), ZYDIS_MNEMONIC_BTS, {ereg(ZYDIS_REGISTER_RCX), eimm(48)});
  EXPECT_EMITS(a.bts(r11, 0), ZYDIS_MNEMONIC_BTS, {ereg(ZYDIS_REGISTER_R11), eimm(0)});
  EXPECT_EMITS(a.bts(rax, 63), ZYDIS_MNEMONIC_BTS, {ereg(ZYDIS_REGISTER_RAX), eimm(63)});
  Assembler a;
  a.bts(rax, 64);
  EXPECT_EQ(a.status(), AsmStatus::InvalidOperand);
}

TEST(EncoderShift, CountRegisterMustBeCl) {
  Assembler a;
  a.shl(rax, dl);
  EXPECT_EQ(a.status(), AsmStatus::InvalidOperand);
}

// ---- Conditions --------------------------------------------------------------------------------

const ZydisMnemonic kSetcc[16] = {
    ZYDIS_MNEMONIC_SETO, ZYDIS_MNEMONIC_SETNO, ZYDIS_MNEMONIC_SETB,  ZYDIS_MNEMONIC_SETNB,
    ZYDIS_MNEMONIC_SETZ, ZYDIS_MNEMONIC_SETNZ, ZYDIS_MNEMONIC_SETBE, ZYDIS_MNEMONIC_SETNBE,
    ZYDIS_MNEMONIC_SETS, ZYDIS_MNEMONIC_SETNS, ZYDIS_MNEMONIC_SETP,  ZYDIS_MNEMONIC_SETNP,
    ZYDIS_MNEMONIC_SETL, ZYDIS_MNEMONIC_SETNL, ZYDIS_MNEMONIC_SETLE, ZYDIS_MNEMONIC_SETNLE,
};
const ZydisMnemonic kCmovcc[16] = {
    ZYDIS_MNEMONIC_CMOVO, ZYDIS_MNEMONIC_CMOVNO, ZYDIS_MNEMONIC_CMOVB,  ZYDIS_MNEMONIC_CMOVNB,
    ZYDIS_MNEMONIC_CMOVZ, ZYDIS_MNEMONIC_CMOVNZ, ZYDIS_MNEMONIC_CMOVBE, ZYDIS_MNEMONIC_CMOVNBE,
    ZYDIS_MNEMONIC_CMOVS, ZYDIS_MNEMONIC_CMOVNS, ZYDIS_MNEMONIC_CMOVP,  ZYDIS_MNEMONIC_CMOVNP,
    ZYDIS_MNEMONIC_CMOVL, ZYDIS_MNEMONIC_CMOVNL, ZYDIS_MNEMONIC_CMOVLE, ZYDIS_MNEMONIC_CMOVNLE,
};
// Our condition names, in hardware order, spelled out so a mis-numbered Cond fails.
const Cond kConds[16] = {Cond::O, Cond::NO, Cond::B, Cond::AE, Cond::E, Cond::NE, Cond::BE, Cond::A,
                         Cond::S, Cond::NS, Cond::P, Cond::NP, Cond::L, Cond::GE, Cond::LE, Cond::G};

TEST(EncoderCond, Setcc) {
  for (int c = 0; c < 16; c++) {
    for (int r = 0; r < 16; r++) {
      EXPECT_EMITS(a.setcc(kConds[c], kAllReg8[r].ours), kSetcc[c], {ereg(kAllReg8[r].zydis)});
    }
    for (const MemCase& m : memory_cases()) {
      EXPECT_EMITS(a.setcc(kConds[c], byte_ptr(m.mem)), kSetcc[c], {emem(m, 8)});
    }
  }
}

TEST(EncoderCond, Cmovcc) {
  for (int c = 0; c < 16; c++) {
    for (int d = 0; d < 16; d++) {
      for (int s = 0; s < 16; s++) {
        EXPECT_EMITS(a.cmovcc(kConds[c], kAllReg64[d].ours, kAllReg64[s].ours), kCmovcc[c],
                     {ereg(kAllReg64[d].zydis), ereg(kAllReg64[s].zydis)});
        EXPECT_EMITS(a.cmovcc(kConds[c], kAllReg32[d].ours, kAllReg32[s].ours), kCmovcc[c],
                     {ereg(kAllReg32[d].zydis), ereg(kAllReg32[s].zydis)});
      }
      for (const MemCase& m : memory_cases()) {
        EXPECT_EMITS(a.cmovcc(kConds[c], kAllReg64[d].ours, qword_ptr(m.mem)), kCmovcc[c],
                     {ereg(kAllReg64[d].zydis), emem(m, 64)});
        EXPECT_EMITS(a.cmovcc(kConds[c], kAllReg32[d].ours, dword_ptr(m.mem)), kCmovcc[c],
                     {ereg(kAllReg32[d].zydis), emem(m, 32)});
      }
    }
  }
}

TEST(EncoderCond, NegateAndAliases) {
  for (int c = 0; c < 16; c++) EXPECT_EQ(negate(kConds[c]), kConds[c ^ 1]);
  EXPECT_EQ(Cond::Z, Cond::E);
  EXPECT_EQ(Cond::NZ, Cond::NE);
  EXPECT_EQ(Cond::C, Cond::B);
  EXPECT_EQ(Cond::NC, Cond::AE);
}

TEST(EncoderOperands, RspCannotBeAnIndex) {
  Assembler a;
  a.mov(rax, qword_ptr(rbx, rsp, Scale::x2));
  EXPECT_EQ(a.status(), AsmStatus::InvalidOperand);
  // r12 shares rsp's low bits but is a valid index thanks to REX.X.
  EXPECT_EMITS(a.mov(rax, qword_ptr(rbx, r12, Scale::x2)), ZYDIS_MNEMONIC_MOV,
               {ereg(ZYDIS_REGISTER_RAX), emem(64, ZYDIS_REGISTER_RBX, 0, ZYDIS_REGISTER_R12, 2)});
}

TEST(EncoderOperands, RegisterNames) {
  for (const Reg64Pair& p : kAllReg64) EXPECT_STREQ(name(p.ours), ZydisRegisterGetString(p.zydis));
  for (const Reg32Pair& p : kAllReg32) EXPECT_STREQ(name(p.ours), ZydisRegisterGetString(p.zydis));
  for (const Reg8Pair& p : kAllReg8) EXPECT_STREQ(name(p.ours), ZydisRegisterGetString(p.zydis));
  for (const XmmPair& p : kAllXmm) EXPECT_STREQ(name(p.ours), ZydisRegisterGetString(p.zydis));
  EXPECT_EQ(to32(r13), r13d);
  EXPECT_EQ(to8(rsi), sil);
  EXPECT_EQ(to64(r9b), r9);
}

}  // namespace
}  // namespace gene::x64
