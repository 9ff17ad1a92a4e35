// The spec tier's register allocator on hand-built graphs: which values live across a call
// keep a register (rbp, which every body and helper preserves) and which are spilled.
#include <gtest/gtest.h>

#include <vector>

#include "interp/opcodes.h"
#include "interp/proto.h"
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

// Frame homes (frame_homes.cpp): a unit of two parameters, slots 0 and 1, each read once at
// the entry; its calls and helpers get frame states over both slots and one operand.
struct TwoParams : Straight {
  Proto proto;
  int32_t p0, p1;
  TwoParams() {
    proto.nparams = proto.nslots = 2;
    g.proto = &proto;
    p0 = add(IrOp::LoadSlot, Rep::Tagged, -1, -1, 0);
    p1 = add(IrOp::LoadSlot, Rep::Tagged, -1, -1, 1);
  }
  int32_t with_state(int32_t id, std::vector<int32_t> slots, int32_t pc = 0) {
    g.states.push_back(FrameState{pc, int32_t(slots.size()) - 2, std::move(slots), {}});
    g.nodes[size_t(id)].fs = int32_t(g.states.size()) - 1;
    return id;
  }
  int32_t call_seeing(int32_t slot0, int32_t slot1) {
    int32_t callee = add(IrOp::LoadGlobal, Rep::Tagged);
    return with_state(call(), {slot0, slot1, callee});  // (no arguments: the callee slot is 2)
  }
};

TEST(FrameHomes, AParameterNothingWritesStaysInItsSlotAcrossACall) {
  TwoParams u;
  u.call_seeing(u.p0, u.p1);
  u.use(u.p0, 3);  // p0 gets rbp; p1 would be spilled
  u.use(u.p1);
  Allocation ra = allocate_registers(u.g);
  EXPECT_TRUE(in_rbp(ra, u.p0));
  EXPECT_EQ(ra.loc[size_t(u.p1)].kind, Loc::Frame);
  EXPECT_EQ(ra.loc[size_t(u.p1)].slot, 1);
  EXPECT_EQ(ra.spill_slots, 0);
}

TEST(FrameHomes, ASlotAFrameStateGivesAnotherValueIsNoHome) {
  // `(y = (g)) (h) x`-like: a flush before the second call stores the new value into slot 1.
  TwoParams u;
  int32_t other = u.call_seeing(u.p0, u.p1);
  u.call_seeing(u.p0, other);
  u.use(u.p0, 3);  // rbp
  u.use(u.p1);
  std::vector<int32_t> home = frame_homes(u.g);
  EXPECT_EQ(home[size_t(u.p0)], 0);
  EXPECT_EQ(home[size_t(u.p1)], -1);
  EXPECT_TRUE(spilled(allocate_registers(u.g), u.p1));
}

TEST(FrameHomes, ASlotAHelperWritesIsNoHomeEvenWhereNoStateShowsIt) {
  // A generic `inc_local` on slot 1, whose result no later state records (a dead local).
  TwoParams u;
  Instr inc{Op::INC_LOCAL, 0, 1, 0};
  u.proto.code = {inc};
  u.with_state(u.add(IrOp::Generic, Rep::Tagged), {u.p0, u.p1, -1}, 0);
  std::vector<int32_t> home = frame_homes(u.g);
  EXPECT_EQ(home[size_t(u.p0)], 0);
  EXPECT_EQ(home[size_t(u.p1)], -1);
}

TEST(FrameHomes, AnIntCheckOfTheParameterInItsSlotKeepsTheHome) {
  // The check unboxes exactly: flushing it stores the bits the slot already holds.
  TwoParams u;
  int32_t n = u.add(IrOp::CheckInt, Rep::Int, u.p1);
  u.call_seeing(u.p0, n);
  EXPECT_EQ(frame_homes(u.g)[size_t(u.p1)], 1);
}

// A loop header's phi between the entry's and an OSR entry's reads of slot 0 (and itself on
// the back edge) holds what the slot held; a phi that also joins another value does not.
struct LoopOverSlot0 : OneBlock {
  Proto proto;
  int32_t entry, osr, phi;
  explicit LoopOverSlot0(bool other_on_back_edge) {
    proto.nparams = proto.nslots = 1;
    g.proto = &proto;
    blocks(3, {{0, 1}, {2, 1}, {1, 1}});  // B0 entry, B1 header, B2 OSR entry
    entry = add_in(0, IrOp::LoadSlot, Rep::Tagged, -1, -1, 0);
    osr = add_in(2, IrOp::LoadSlot, Rep::Tagged, -1, -1, 0);
    phi = add_in(1, IrOp::Phi, Rep::Tagged, -1, -1, 0);
    int32_t back = other_on_back_edge ? add_in(1, IrOp::LoadGlobal, Rep::Tagged) : phi;
    g.nodes[size_t(phi)].phi_inputs = {entry, osr, back};
    g.states.push_back(FrameState{0, 0, {phi}, {}});
  }
};

TEST(FrameHomes, ALoopHeadersPhiOfTheEntriesReadsOfASlotKeepsIt) {
  LoopOverSlot0 u(false);
  std::vector<int32_t> home = frame_homes(u.g);
  EXPECT_EQ(home[size_t(u.entry)], 0);
  EXPECT_EQ(home[size_t(u.osr)], 0);
  EXPECT_EQ(home[size_t(u.phi)], 0);
}

TEST(FrameHomes, APhiThatAlsoJoinsAnotherValueIsNoHome) {
  LoopOverSlot0 u(true);  // the state's phi may be the other value: a flush stores it
  std::vector<int32_t> home = frame_homes(u.g);
  EXPECT_EQ(home[size_t(u.phi)], -1);
  EXPECT_EQ(home[size_t(u.entry)], -1);
}

}  // namespace
}  // namespace gene::jit::spec
