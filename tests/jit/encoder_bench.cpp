// Encoder throughput: instructions encoded per second for a mix resembling baseline JIT output
// (moves to and from the VM stack, tag checks, arithmetic, branches, calls, doubles).
// Run: build-jit/tests/jit/encoder_bench  (reports items_per_second = instructions/s)
#include <benchmark/benchmark.h>

#include "jit/x64/assembler.h"

namespace {

using namespace gene::x64;

int64_t helper(int64_t x) { return x; }

// Emits one "bytecode op" worth of code (two loads, a tag check, an overflow-checked add, a
// store, and a double-add slow path with a helper call); returns the instructions emitted.
int emit_block(Assembler& a, int i) {
  Label slow = a.new_label(), done = a.new_label();
  const int32_t slot = (i % 32) * 8;
  a.mov(rax, qword_ptr(rbx, slot));
  a.mov(rcx, qword_ptr(rbx, slot + 8));
  a.mov(rdx, rax);
  a.shr(rdx, 48);
  a.cmp(edx, 0xFFF9);
  a.jcc(Cond::NE, slow);
  a.add(rax, rcx);
  a.jcc(Cond::O, slow);
  a.mov(qword_ptr(rbx, slot), rax);
  a.jmp(done);
  a.bind(slow);
  a.movq(xmm0, rax);
  a.movq(xmm1, rcx);
  a.addsd(xmm0, xmm1);
  a.lea(rdi, mem(rbx, r12, Scale::x8, slot));
  a.call(&helper);
  a.bind(done);
  return 15;
}

void BM_EncodeMix(benchmark::State& state) {
  Assembler a(CodeRange{0x7f0000000000, 0x7f0004000000});
  int64_t instructions = 0;
  for (auto _ : state) {
    a.reset(a.placement());
    for (int i = 0; i < 256; i++) instructions += emit_block(a, i);
    benchmark::DoNotOptimize(a.finalize());
    benchmark::DoNotOptimize(a.data());
  }
  state.SetItemsProcessed(instructions);
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(a.size()));
}
BENCHMARK(BM_EncodeMix);

// The simplest path: register-register ALU ops, no labels or memory operands.
void BM_EncodeRegReg(benchmark::State& state) {
  Assembler a;
  int64_t instructions = 0;
  for (auto _ : state) {
    a.reset();
    for (int i = 0; i < 4096; i++) a.add(Reg64{uint8_t(i & 15)}, Reg64{uint8_t((i >> 4) & 15)});
    instructions += 4096;
    benchmark::DoNotOptimize(a.data());
  }
  state.SetItemsProcessed(instructions);
}
BENCHMARK(BM_EncodeRegReg);

}  // namespace

BENCHMARK_MAIN();
