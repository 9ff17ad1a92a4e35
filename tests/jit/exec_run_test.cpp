// Execution tests: small functions assembled with our encoder, installed in the code cache and
// called from C++ under the System V ABI.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

#include "jit/exec_memory.h"
#include "jit/x64/assembler.h"
#include "jit/x64/code_install.h"

namespace gene::x64 {
namespace {

using jit::CodeBlock;
using jit::CodeCache;
using jit::CodeCacheStatus;

class ExecTest : public ::testing::Test {
 protected:
  // Finishes `a` and returns its entry point as `Fn`.
  template <class Fn>
  Fn install(Assembler& a) {
    EXPECT_EQ(a.finalize(), AsmStatus::Ok);
    CodeBlock block;
    EXPECT_EQ(jit::install_code(cache_, a, &block), CodeCacheStatus::Ok);
    return block.entry<Fn>();
  }
  Assembler fresh() { return Assembler(jit::code_range(cache_)); }

  CodeCache cache_{4 << 20};
};

TEST_F(ExecTest, IntegerAdd) {
  Assembler a = fresh();
  a.lea(rax, mem(rdi, rsi, Scale::x1));
  a.ret();
  auto add = install<int64_t (*)(int64_t, int64_t)>(a);
  EXPECT_EQ(add(2, 3), 5);
  EXPECT_EQ(add(-7, 3), -4);
  EXPECT_EQ(add(INT64_MAX, 1), INT64_MIN);  // wraps, as the hardware does

  Assembler b = fresh();
  b.mov(rax, rdi);
  b.add(rax, rsi);
  b.sub(rax, 1000);
  b.add(rax, int32_t(-5));
  b.ret();
  auto f = install<int64_t (*)(int64_t, int64_t)>(b);
  EXPECT_EQ(f(10, 20), 10 + 20 - 1000 - 5);
}

// sum = n + (n-1) + ... + 1, with a short backward jump; then the same loop padded so the
// back edge needs rel32.
TEST_F(ExecTest, Loops) {
  for (size_t padding : {size_t(0), size_t(300)}) {
    Assembler a = fresh();
    Label loop = a.new_label(), done = a.new_label();
    a.xor_(eax, eax);
    a.test(rdi, rdi);
    a.jcc(Cond::LE, done);
    a.bind(loop);
    a.add(rax, rdi);
    a.nop(padding);
    a.dec(rdi);
    a.jcc(Cond::NZ, loop);
    a.bind(done);
    a.ret();
    auto sum = install<int64_t (*)(int64_t)>(a);
    EXPECT_EQ(sum(100), 5050) << padding;
    EXPECT_EQ(sum(0), 0);
    EXPECT_EQ(sum(-3), 0);
    EXPECT_EQ(sum(100000), int64_t(100000) * 100001 / 2);
  }
}

// Recursion through call(Label), with a callee-saved register on the stack.
TEST_F(ExecTest, RecursiveFactorial) {
  Assembler a = fresh();
  Label fact = a.new_label(), base = a.new_label();
  a.bind(fact);
  a.cmp(rdi, 1);
  a.jcc(Cond::LE, base);
  a.push(rbx);
  a.mov(rbx, rdi);
  a.dec(rdi);
  a.call(fact);
  a.imul(rax, rbx);
  a.pop(rbx);
  a.ret();
  a.bind(base);
  a.mov(eax, 1);
  a.ret();
  auto f = install<int64_t (*)(int64_t)>(a);
  EXPECT_EQ(f(1), 1);
  EXPECT_EQ(f(10), 3628800);
  EXPECT_EQ(f(20), 2432902008176640000);
}

int64_t g_helper_calls = 0;
int64_t helper(int64_t x, int64_t y) {
  g_helper_calls++;
  return x * 3 + y;
}
double helper_double(double x) { return x * 0.5; }

// Calls back into C++: f(x) = helper(x, 7) + x, keeping x in a callee-saved register across the
// call and the stack 16-byte aligned at the call. Once with the cache's placement (rel32 when in
// reach) and once without (always via r11).
TEST_F(ExecTest, CallBackIntoCpp) {
  for (bool placed : {true, false}) {
    Assembler a = placed ? fresh() : Assembler();
    a.push(rbx);  // also realigns rsp to 16 for the call
    a.mov(rbx, rdi);
    a.mov(esi, 7);
    a.call(&helper);
    a.add(rax, rbx);
    a.pop(rbx);
    a.ret();
    auto f = install<int64_t (*)(int64_t)>(a);
    g_helper_calls = 0;
    EXPECT_EQ(f(5), 5 * 3 + 7 + 5);
    EXPECT_EQ(f(-100), -300 + 7 - 100);
    EXPECT_EQ(g_helper_calls, 2);
  }
  // A double-returning helper through a register call.
  Assembler b = fresh();
  b.sub(rsp, 8);
  b.mov(rax, int64_t(reinterpret_cast<uintptr_t>(&helper_double)));
  b.call(rax);
  b.addsd(xmm0, xmm0);
  b.add(rsp, 8);
  b.ret();
  auto g = install<double (*)(double)>(b);
  EXPECT_EQ(g(3.0), 3.0);
}

// Double arithmetic with constants in a RIP-relative pool: f(a, b) = -(sqrt(a*a + b*b) * 2.5 - 1)
TEST_F(ExecTest, DoubleArithmetic) {
  Assembler a = fresh();
  Label k_scale = a.new_label(), k_one = a.new_label(), k_sign = a.new_label();
  a.mulsd(xmm0, xmm0);
  a.mulsd(xmm1, xmm1);
  a.addsd(xmm0, xmm1);
  a.sqrtsd(xmm0, xmm0);
  a.mulsd(xmm0, qword_ptr(rip_rel(k_scale)));
  a.subsd(xmm0, qword_ptr(rip_rel(k_one)));
  a.xorpd(xmm0, xmmword_ptr(rip_rel(k_sign)));
  a.ret();
  a.align(16);  // xorpd's memory operand must be 16-byte aligned
  a.bind(k_sign);
  a.dq(0x8000000000000000ull);
  a.dq(0);
  a.bind(k_scale);
  double scale = 2.5, one = 1.0;
  a.embed(&scale, 8);
  a.bind(k_one);
  a.embed(&one, 8);
  auto f = install<double (*)(double, double)>(a);
  EXPECT_DOUBLE_EQ(f(3.0, 4.0), -(5.0 * 2.5 - 1.0));
  EXPECT_DOUBLE_EQ(f(0.0, 0.0), 1.0);

  // (a - b) / b with every register pair shuffled through xmm8..xmm15 and memory.
  Assembler b = fresh();
  b.movapd(xmm8, xmm0);
  b.movq(rax, xmm1);
  b.movq(xmm15, rax);
  b.subsd(xmm8, xmm15);
  b.sub(rsp, 8);
  b.movsd(qword_ptr(rsp), xmm15);
  b.divsd(xmm8, qword_ptr(rsp));
  b.add(rsp, 8);
  b.movsd(xmm0, xmm8);
  b.ret();
  auto g = install<double (*)(double, double)>(b);
  EXPECT_DOUBLE_EQ(g(10.0, 4.0), 1.5);
  EXPECT_TRUE(std::isinf(g(1.0, 0.0)));
}

TEST_F(ExecTest, DoubleConversionsAndComparisons) {
  Assembler a = fresh();
  a.cvtsi2sd(xmm0, rdi);
  a.ret();
  auto to_double = install<double (*)(int64_t)>(a);
  EXPECT_EQ(to_double(-42), -42.0);
  EXPECT_EQ(to_double(int64_t(1) << 53), 9007199254740992.0);

  Assembler b = fresh();
  b.cvttsd2si(rax, xmm0);
  b.ret();
  auto truncate = install<int64_t (*)(double)>(b);
  EXPECT_EQ(truncate(-2.9), -2);
  EXPECT_EQ(truncate(1e300), INT64_MIN);  // the "integer indefinite" value
  EXPECT_EQ(truncate(std::nan("")), INT64_MIN);

  // less(a, b) with NaN handled: ucomisd sets CF for "below" and PF for unordered.
  Assembler c = fresh();
  c.ucomisd(xmm1, xmm0);  // b vs a: a < b  <=>  b > a  <=>  "above" (CF=0, ZF=0) and ordered
  c.setcc(Cond::A, al);
  c.setcc(Cond::NP, cl);
  c.and_(al, cl);
  c.movzx(eax, al);
  c.ret();
  auto less = install<int32_t (*)(double, double)>(c);
  EXPECT_EQ(less(1.0, 2.0), 1);
  EXPECT_EQ(less(2.0, 1.0), 0);
  EXPECT_EQ(less(2.0, 2.0), 0);
  EXPECT_EQ(less(std::nan(""), 2.0), 0);
  EXPECT_EQ(less(1.0, std::numeric_limits<double>::infinity()), 1);
}

// rax = a / b, *rem = a % b.
TEST_F(ExecTest, SignedDivision) {
  Assembler a = fresh();
  a.mov(r8, rdx);
  a.mov(rax, rdi);
  a.cqo();
  a.idiv(rsi);
  a.mov(qword_ptr(r8), rdx);
  a.ret();
  auto divmod = install<int64_t (*)(int64_t, int64_t, int64_t*)>(a);
  int64_t rem = 0;
  EXPECT_EQ(divmod(17, 5, &rem), 3);
  EXPECT_EQ(rem, 2);
  EXPECT_EQ(divmod(-17, 5, &rem), -3);
  EXPECT_EQ(rem, -2);
  EXPECT_EQ(divmod(INT64_MIN + 1, -1, &rem), INT64_MAX);
}

TEST_F(ExecTest, ShiftsCmovAndFlags) {
  // max(a, b) via cmov.
  Assembler a = fresh();
  a.mov(rax, rdi);
  a.cmp(rdi, rsi);
  a.cmovcc(Cond::L, rax, rsi);
  a.ret();
  auto max = install<int64_t (*)(int64_t, int64_t)>(a);
  EXPECT_EQ(max(3, 9), 9);
  EXPECT_EQ(max(-3, -9), -3);

  // (x << 3 >> 1 (logical)), then arithmetic shift of a negative by cl.
  Assembler b = fresh();
  b.mov(rax, rdi);
  b.shl(rax, 3);
  b.shr(rax, 1);
  b.mov(rcx, rsi);
  b.sar(rax, cl);
  b.ret();
  auto sh = install<int64_t (*)(int64_t, int64_t)>(b);
  EXPECT_EQ(sh(5, 0), 20);
  EXPECT_EQ(sh(5, 2), 5);
  EXPECT_EQ(sh(-1, 0), int64_t(uint64_t(-1) << 3 >> 1));

  // NaN-boxing style tag check: (v >> 48) == 0xFFF9 ? (v << 16 >> 16) : -1
  Assembler c = fresh();
  Label not_int = c.new_label();
  c.mov(rax, rdi);
  c.shr(rax, 48);
  c.cmp(eax, 0xFFF9);
  c.jcc(Cond::NE, not_int);
  c.mov(rax, rdi);
  c.shl(rax, 16);
  c.sar(rax, 16);
  c.ret();
  c.bind(not_int);
  c.mov(rax, int64_t(-1));
  c.ret();
  auto untag = install<int64_t (*)(uint64_t)>(c);
  EXPECT_EQ(untag((uint64_t(0xFFF9) << 48) | 1234), 1234);
  EXPECT_EQ(untag((uint64_t(0xFFF9) << 48) | ((uint64_t(1) << 48) - 5)), -5);
  EXPECT_EQ(untag(0x4000000000000000), -1);
}

// Byte registers that need REX (sil/dil/r8b+) and memory operands on every awkward base.
TEST_F(ExecTest, ByteRegistersAndAwkwardBases) {
  // f(x, y) = zero-extend(low byte of x) + sign-extend(low byte of y)
  Assembler a = fresh();
  a.movzx(eax, dil);
  a.movsx(rcx, sil);
  a.add(rax, rcx);
  a.ret();
  auto f = install<int64_t (*)(int64_t, int64_t)>(a);
  EXPECT_EQ(f(0x1FF, 0x80), 255 - 128);

  // Sum p[0..3] through [r12], [r13], [r12+rcx*8], [r13+rcx*8]; round-trip the result through a
  // local slot addressed both as [rsp+8] and [rbp-24]; store the 5th argument's low byte.
  Assembler b = fresh();
  b.push(rbp);
  b.mov(rbp, rsp);
  b.push(r12);     // [rbp-8]
  b.push(r13);     // [rbp-16]
  b.sub(rsp, 16);  // locals: [rbp-32], [rbp-24]
  b.mov(r12, rdi);
  b.lea(r13, mem(rdi, 8));
  b.mov(rax, qword_ptr(r12));
  b.add(rax, qword_ptr(r13));
  b.mov(rcx, 2);
  b.add(rax, qword_ptr(r12, rcx, Scale::x8));
  b.add(rax, qword_ptr(r13, rcx, Scale::x8, 0));  // p[3]
  b.mov(qword_ptr(rsp, 8), rax);
  b.xor_(eax, eax);
  b.mov(rax, qword_ptr(rbp, -24));
  b.mov(byte_ptr(r12, 32), r8b);
  b.add(rsp, 16);
  b.pop(r13);
  b.pop(r12);
  b.pop(rbp);
  b.ret();
  auto g = install<int64_t (*)(int64_t*, int64_t, int64_t, int64_t, int64_t)>(b);
  int64_t data[5] = {1, 20, 300, 4000, 0};
  EXPECT_EQ(g(data, 0, 0, 0, 0x7A), 4321);
  EXPECT_EQ(data[4], 0x7A);
}

}  // namespace
}  // namespace gene::x64
