// The spec tier's register allocator on hand-built graphs: which values live across a call
// keep a register (rbp, which every body and helper preserves) and which are spilled.
#include <gtest/gtest.h>

#include "jit/spec/regalloc.h"
#include "tests/tiers/ir_fixture.h"

namespace gene::jit::spec {
namespace {

// One straight block: values, calls and uses appended in order.
struct Straight : OneBlock {
  int32_t value() { return add(IrOp::LoadSlot, Rep::Tagged); }
  int32_t call() { return add(IrOp::Call, Rep::Tagged); }
  void use(int32_t v, int times = 1) {
    for (int i = 0; i < times; i++) add(IrOp::Truthy, Rep::Bool, v);
  }
};

bool in_rbp(const Allocation& ra, int32_t v) {
  return ra.loc[size_t(v)].kind == Loc::Gpr && ra.loc[size_t(v)].reg == x64::rbp.code;
}
bool spilled(const Allocation& ra, int32_t v) { return ra.loc[size_t(v)].kind == Loc::Spill; }

TEST(RegisterAllocation, AValueLiveAcrossACallKeepsRbp) {
  Straight s;
  int32_t v = s.value();
  s.call();
  s.use(v);
  Allocation ra = allocate_registers(s.g);
  EXPECT_TRUE(in_rbp(ra, v));
  EXPECT_TRUE(ra.uses_rbp);
}

TEST(RegisterAllocation, OfTwoOverlappingValuesAcrossACallTheMoreUsedGetsRbp) {
  Straight s;
  int32_t rare = s.value(), often = s.value();
  s.call();
  s.use(often, 3);
  s.use(rare);
  Allocation ra = allocate_registers(s.g);
  EXPECT_TRUE(in_rbp(ra, often));
  EXPECT_TRUE(spilled(ra, rare));
}

TEST(RegisterAllocation, ValuesAcrossDifferentCallsShareRbpWhenTheyDoNotOverlap) {
  Straight s;
  int32_t first = s.value();
  s.call();
  s.use(first);
  int32_t second = s.value();
  s.call();
  s.use(second);
  Allocation ra = allocate_registers(s.g);
  EXPECT_TRUE(in_rbp(ra, first));
  EXPECT_TRUE(in_rbp(ra, second));
}

TEST(RegisterAllocation, NoOtherValueTakesRbpWhileAValueAcrossACallHoldsIt) {
  Straight s;
  int32_t kept = s.value();
  std::vector<int32_t> busy;
  for (int i = 0; i < 8; i++) busy.push_back(s.value());  // more than the other registers
  for (int32_t b : busy) s.use(b);
  s.call();
  s.use(kept);
  Allocation ra = allocate_registers(s.g);
  EXPECT_TRUE(in_rbp(ra, kept));
  for (int32_t b : busy) EXPECT_FALSE(in_rbp(ra, b));
}

}  // namespace
}  // namespace gene::jit::spec
