// The spec tier's register allocator on hand-built graphs: which values live across a call
// keep a register (rbp, which every body and helper preserves) and which are spilled.
#include <gtest/gtest.h>

#include <vector>

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

// A NewArray whose frame state holds `state`: the node and its frame state's index.
int32_t new_array_with_state(Straight& s, std::vector<int32_t> state) {
  s.g.states.push_back(FrameState{0, 0, std::move(state), {}});
  int32_t id = s.add(IrOp::NewArray, Rep::Tagged);
  s.g.nodes[size_t(id)].fs = int32_t(s.g.states.size()) - 1;
  return id;
}

TEST(RegisterAllocation, ALoopsNextValueTakesItsPhisRegisterThroughAMapGetsState) {
  // B0 -> B1 (header: x = phi(x0, next)) -> B1; next = x/a, whose state still reads x: the
  // MapGet leaves before writing, so next may share x's register and the edge needs no move.
  OneBlock b;
  b.blocks(3, {{0, 1}, {1, 1}, {1, 2}});
  int32_t x0 = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::Jump, Rep::None);
  int32_t phi = b.add_in(1, IrOp::Phi, Rep::Tagged);
  int32_t ptr = b.add_in(1, IrOp::CheckMap, Rep::Ptr, phi);
  int32_t next = b.add_in(1, IrOp::MapGet, Rep::Tagged, ptr);
  b.g.states.push_back(FrameState{0, 1, {phi}, {}});
  b.g.nodes[size_t(next)].fs = 0;
  int32_t again = b.add_in(1, IrOp::Truthy, Rep::Bool, next);
  b.add_in(1, IrOp::Branch, Rep::None, again);
  b.add_in(2, IrOp::Return, Rep::None, next);
  b.g.nodes[size_t(phi)].phi_inputs = {x0, next};
  Allocation ra = allocate_registers(b.g);
  ASSERT_EQ(ra.loc[size_t(phi)].kind, Loc::Gpr);
  EXPECT_EQ(ra.loc[size_t(next)].kind, Loc::Gpr);
  EXPECT_EQ(ra.loc[size_t(next)].reg, ra.loc[size_t(phi)].reg);
}

TEST(RegisterAllocation, ANewArrayMayCollectWhenEveryHeapValueLiveAcrossItIsInItsFrameState) {
  Straight s;
  int32_t v = s.value();
  int32_t ptr = s.add(IrOp::CheckArray, Rep::Ptr, v);  // a pointer checked out of a value in the state
  int32_t n = s.add(IrOp::CheckInt, Rep::Int, s.value());  // not a heap value
  int32_t made = new_array_with_state(s, {v});
  s.add(IrOp::ArraySize, Rep::Int, ptr);
  s.use(n);
  s.use(made);
  Allocation ra = allocate_registers(s.g);
  EXPECT_TRUE(ra.may_collect[size_t(made)]);
}

TEST(RegisterAllocation, ANewArrayMayNotCollectWhenAHeapValueLiveAcrossItIsInNoSlot) {
  Straight s;
  int32_t v = s.value(), w = s.value();
  int32_t ptr = s.add(IrOp::CheckArray, Rep::Ptr, w);
  int32_t by_value = new_array_with_state(s, {v});
  s.use(w);  // w itself, in no slot of the state
  s.use(v);
  int32_t by_pointer = new_array_with_state(s, {v});
  s.add(IrOp::ArraySize, Rep::Int, ptr);  // w's pointer: w is in no slot
  Allocation ra = allocate_registers(s.g);
  EXPECT_FALSE(ra.may_collect[size_t(by_value)]);
  EXPECT_FALSE(ra.may_collect[size_t(by_pointer)]);
}

}  // namespace
}  // namespace gene::jit::spec
