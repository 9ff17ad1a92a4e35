// The spec IR's passes on hand-built graphs: what each may and may not remove.
#include <gtest/gtest.h>

#include <algorithm>

#include "interp/value.h"
#include "jit/spec/ir_passes.h"
#include "tests/tiers/ir_fixture.h"

namespace gene::jit::spec {
namespace {

constexpr int64_t kX = 1, kY = 2;  // two symbol keys

TEST(RedundantMapLoads, ASecondReadOfTheSameFieldReusesTheFirst) {
  OneBlock b;
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t x1 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t y1 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kY);
  int32_t x2 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t use = b.add(IrOp::Return, Rep::None, x2);
  EXPECT_EQ(eliminate_redundant_map_loads(b.g), 1);
  EXPECT_FALSE(b.dead(x1));
  EXPECT_FALSE(b.dead(y1));
  EXPECT_TRUE(b.dead(x2));
  EXPECT_EQ(b.g.nodes[size_t(use)].a, x1);
}

TEST(RedundantMapLoads, AWriteThroughAnyMapForgetsTheKeyButForwardsItsOwnValue) {
  OneBlock b;
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged), other = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t y1 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kY);
  b.add(IrOp::MapSet, Rep::None, other, v, kX);  // `other` may be the same map as `m`
  int32_t x2 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t y2 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kY);
  int32_t x3 = b.add(IrOp::MapGet, Rep::Tagged, other, -1, kX);
  int32_t r = b.add(IrOp::Return, Rep::None, x3);
  EXPECT_EQ(eliminate_redundant_map_loads(b.g), 2);
  EXPECT_FALSE(b.dead(x2));  // m.x may have been written
  EXPECT_TRUE(b.dead(y2));   // another key: still known
  EXPECT_TRUE(b.dead(x3));   // what was just written there
  EXPECT_EQ(b.g.nodes[size_t(r)].a, v);
  (void)y1;
}

TEST(RedundantMapLoads, HelpersAndCallsForgetEverything) {
  for (IrOp clobber : {IrOp::Generic, IrOp::Call, IrOp::GenericBranch}) {
    OneBlock b;
    int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
    b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
    b.add(clobber, clobber == IrOp::GenericBranch ? Rep::Bool : Rep::Tagged);
    int32_t x2 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
    EXPECT_EQ(eliminate_redundant_map_loads(b.g), 0) << ir_op_name(clobber);
    EXPECT_FALSE(b.dead(x2));
  }
}

TEST(RedundantMapLoads, MapMethodsThatStoreForgetEverythingReadsDoNot) {
  // m/x, then a `.set`/`.del` (any key of any map: forgotten) or a `.get`/`.has` (kept).
  for (MapMethodKind kind : {MapMethodKind::Set, MapMethodKind::Del, MapMethodKind::Get, MapMethodKind::Has}) {
    OneBlock b;
    int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged), k = b.add(IrOp::LoadSlot, Rep::Tagged);
    b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
    b.add(IrOp::MapMethod, Rep::Tagged, m, k, int64_t(kind));
    int32_t x2 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
    bool stores = kind == MapMethodKind::Set || kind == MapMethodKind::Del;
    EXPECT_EQ(eliminate_redundant_map_loads(b.g), stores ? 0 : 1) << int(kind);
    EXPECT_EQ(b.dead(x2), !stores);
  }
}

TEST(RedundantMapLoads, ABlockWithOnePredecessorKnowsItsFields) {
  OneBlock b;
  b.blocks(2, {{0, 1}});
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t x1 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t x2 = b.add_in(1, IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t r = b.add_in(1, IrOp::Return, Rep::None, x2);
  EXPECT_EQ(eliminate_redundant_map_loads(b.g), 1);
  EXPECT_TRUE(b.dead(x2));
  EXPECT_EQ(b.g.nodes[size_t(r)].a, x1);
}

TEST(RedundantMapLoads, AMergeJoinsWhatEachArmLeftThroughAPhi) {
  // 0 -> 1 | 2 -> 3: arm 1 stores the field, arm 2 leaves what block 0 read.
  OneBlock b;
  b.blocks(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}});
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged), v = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t x0 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t y0 = b.add(IrOp::MapGet, Rep::Tagged, m, -1, kY);
  b.add_in(1, IrOp::MapSet, Rep::None, m, v, kX);
  int32_t x3 = b.add_in(3, IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t y3 = b.add_in(3, IrOp::MapGet, Rep::Tagged, m, -1, kY);
  int32_t rx = b.add_in(3, IrOp::Return, Rep::None, x3);
  int32_t ry = b.add_in(3, IrOp::Return, Rep::None, y3);
  EXPECT_EQ(eliminate_redundant_map_loads(b.g), 2);
  EXPECT_TRUE(b.dead(x3));
  EXPECT_TRUE(b.dead(y3));
  EXPECT_EQ(b.g.nodes[size_t(ry)].a, y0);  // the same value on both arms: no phi
  const Node& phi = b.g.nodes[size_t(b.g.nodes[size_t(rx)].a)];
  EXPECT_EQ(phi.op, IrOp::Phi);
  EXPECT_EQ(phi.phi_inputs, (std::vector<int32_t>{v, x0}));  // in the merge's predecessor order
  EXPECT_EQ(b.g.blocks[3].nodes.front(), b.g.nodes[size_t(rx)].a);  // phis first
}

TEST(RedundantMapLoads, AMergeForgetsWhatOneArmMayHaveChanged) {
  OneBlock b;
  b.blocks(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}});
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  b.add_in(2, IrOp::Call, Rep::Tagged);
  int32_t x3 = b.add_in(3, IrOp::MapGet, Rep::Tagged, m, -1, kX);
  EXPECT_EQ(eliminate_redundant_map_loads(b.g), 0);
  EXPECT_FALSE(b.dead(x3));
}

TEST(RedundantMapLoads, ALoopHeaderStartsFromNothing) {
  // 0 -> 1 -> 1 (a back edge) -> 2: the loop's body may store the field before it comes back.
  OneBlock b;
  b.blocks(3, {{0, 1}, {1, 1}, {1, 2}});
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::MapGet, Rep::Tagged, m, -1, kX);
  int32_t x1 = b.add_in(1, IrOp::MapGet, Rep::Tagged, m, -1, kX);
  EXPECT_EQ(eliminate_redundant_map_loads(b.g), 0);
  EXPECT_FALSE(b.dead(x1));
}

// A MapGet or MapSet of map m, key `key`, with the entry position its feedback named.
int32_t hinted_access(OneBlock& b, IrOp op, int32_t m, int64_t key, int32_t hint) {
  int32_t v = op == IrOp::MapSet ? b.add(IrOp::LoadSlot, Rep::Tagged) : -1;
  int32_t id = b.add(op, op == IrOp::MapSet ? Rep::None : Rep::Tagged, m, v, key);
  b.g.nodes[size_t(id)].entry_hint = hint;
  return id;
}

TEST(KnownMapEntries, AWriteAfterAReadOfTheSameFieldUsesTheEntryTheReadChecked) {
  OneBlock b;
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t get = hinted_access(b, IrOp::MapGet, m, kX, 2);
  int32_t other = hinted_access(b, IrOp::MapSet, m, kY, 0);
  int32_t set = hinted_access(b, IrOp::MapSet, m, kX, -1);  // (no hint of its own)
  EXPECT_EQ(mark_known_map_entries(b.g), 1);
  const Node &g = b.g.nodes[size_t(get)], &s = b.g.nodes[size_t(set)], &o = b.g.nodes[size_t(other)];
  EXPECT_TRUE(g.entry_strict);  // the key anywhere else must leave, not be found there
  EXPECT_FALSE(g.entry_known);
  EXPECT_TRUE(s.entry_known);
  EXPECT_EQ(s.entry_hint, 2);
  EXPECT_FALSE(o.entry_strict || o.entry_known);  // another key: checked on its own
}

TEST(KnownMapEntries, HelpersAndCallsAndUnhintedAccessesLeaveEveryEntryChecked) {
  for (IrOp clobber : {IrOp::Generic, IrOp::Call, IrOp::GenericBranch}) {
    OneBlock b;
    int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
    int32_t get = hinted_access(b, IrOp::MapGet, m, kX, 0);
    b.add(clobber, clobber == IrOp::GenericBranch ? Rep::Bool : Rep::Tagged);  // may delete or insert
    int32_t set = hinted_access(b, IrOp::MapSet, m, kX, 0);
    EXPECT_EQ(mark_known_map_entries(b.g), 0) << ir_op_name(clobber);
    EXPECT_FALSE(b.g.nodes[size_t(get)].entry_strict);
    EXPECT_FALSE(b.g.nodes[size_t(set)].entry_known);
  }
  OneBlock b;
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  hinted_access(b, IrOp::MapGet, m, kX, -1);  // no position to rely on
  int32_t set = hinted_access(b, IrOp::MapSet, m, kX, 0);
  EXPECT_EQ(mark_known_map_entries(b.g), 0);
  EXPECT_FALSE(b.g.nodes[size_t(set)].entry_known);
}

TEST(KnownMapEntries, ADelOrSetMethodInBetweenLeavesTheEntryChecked) {
  for (MapMethodKind kind : {MapMethodKind::Del, MapMethodKind::Set}) {  // may delete or insert
    OneBlock b;
    int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged), k = b.add(IrOp::LoadSlot, Rep::Tagged);
    int32_t get = hinted_access(b, IrOp::MapGet, m, kX, 0);
    b.add(IrOp::MapMethod, Rep::None, m, k, int64_t(kind));
    int32_t set = hinted_access(b, IrOp::MapSet, m, kX, 0);
    EXPECT_EQ(mark_known_map_entries(b.g), 0) << int(kind);
    EXPECT_FALSE(b.g.nodes[size_t(get)].entry_strict);
    EXPECT_FALSE(b.g.nodes[size_t(set)].entry_known);
  }
}

TEST(RedundantChecks, AMapsPointerIsCheckedAgainAfterACall) {
  // A pointer is not live across code that may collect, so a call ends its reuse; an int check
  // of the same value stays reused.
  OneBlock b;
  int32_t m = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t p1 = b.add(IrOp::CheckMap, Rep::Ptr, m);
  int32_t p2 = b.add(IrOp::CheckMap, Rep::Ptr, m);
  int32_t i1 = b.add(IrOp::CheckInt, Rep::Int, m);
  b.add(IrOp::Call, Rep::Tagged);
  int32_t p3 = b.add(IrOp::CheckMap, Rep::Ptr, m);
  int32_t i2 = b.add(IrOp::CheckInt, Rep::Int, m);
  EXPECT_EQ(eliminate_redundant_checks(b.g), 2);
  EXPECT_FALSE(b.dead(p1));
  EXPECT_TRUE(b.dead(p2));
  EXPECT_FALSE(b.dead(p3));
  EXPECT_TRUE(b.dead(i2));
  (void)i1;
}

TEST(RedundantChecks, AnArraysSizeItemsAndBoundsAreReusedUntilACall) {
  // v[i] read then written, then read after a call (which may push, moving the items).
  OneBlock b;
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged), i = b.add(IrOp::LoadSlot, Rep::Int);
  OneBlock::ArrayAccess a1 = b.array_access(v, i);
  b.add(IrOp::ArrayGet, Rep::Tagged, a1.items, i);
  OneBlock::ArrayAccess a2 = b.array_access(v, i);
  int32_t set = b.add(IrOp::ArraySet, Rep::None, a2.items, i);
  b.add(IrOp::Call, Rep::Tagged);
  OneBlock::ArrayAccess a3 = b.array_access(v, i);
  EXPECT_EQ(eliminate_redundant_checks(b.g), 4);
  EXPECT_TRUE(b.dead(a2.ptr) && b.dead(a2.size) && b.dead(a2.bounds) && b.dead(a2.items));
  EXPECT_EQ(b.g.nodes[size_t(set)].a, a1.items);
  EXPECT_FALSE(b.dead(a3.ptr) || b.dead(a3.size) || b.dead(a3.bounds) || b.dead(a3.items));
}

TEST(RedundantChecks, APushEndsEveryArraysSizeAndItemsButNotItsCheck) {
  // a[i] read, b pushed (b may be a), a[i] read again: the second read takes a's size and
  // items again, while a stays checked (a push does not collect or change a value's type).
  OneBlock b;
  int32_t a = b.add(IrOp::LoadSlot, Rep::Tagged), other = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t i = b.add(IrOp::LoadSlot, Rep::Int);
  OneBlock::ArrayAccess a1 = b.array_access(a, i);
  b.add(IrOp::ArrayGet, Rep::Tagged, a1.items, i);
  int32_t pushed = b.add(IrOp::CheckArray, Rep::Ptr, other);
  b.add(IrOp::ArrayPush, Rep::None, pushed, i);
  OneBlock::ArrayAccess a2 = b.array_access(a, i);
  EXPECT_EQ(eliminate_redundant_checks(b.g), 1);
  EXPECT_TRUE(b.dead(a2.ptr));
  EXPECT_FALSE(b.dead(a2.size) || b.dead(a2.bounds) || b.dead(a2.items));
  EXPECT_EQ(b.g.nodes[size_t(a2.size)].a, a1.ptr);
}

TEST(RedundantChecks, AStringsCheckAndSizeAreReusedUntilAHelper) {
  // (s .get i) twice, then again after a helper (which may have appended to a temporary).
  OneBlock b;
  int32_t s = b.add(IrOp::LoadSlot, Rep::Tagged), i = b.add(IrOp::LoadSlot, Rep::Int);
  int32_t p1 = b.add(IrOp::CheckString, Rep::Ptr, s);
  int32_t n1 = b.add(IrOp::StringSize, Rep::Int, p1);
  b.add(IrOp::CheckBounds, Rep::None, i, n1);
  int32_t p2 = b.add(IrOp::CheckString, Rep::Ptr, s);
  int32_t n2 = b.add(IrOp::StringSize, Rep::Int, p2);
  int32_t c2 = b.add(IrOp::CheckBounds, Rep::None, i, n2);
  b.add(IrOp::Generic, Rep::Tagged);
  int32_t p3 = b.add(IrOp::CheckString, Rep::Ptr, s);
  int32_t n3 = b.add(IrOp::StringSize, Rep::Int, p3);
  EXPECT_EQ(eliminate_redundant_checks(b.g), 3);
  EXPECT_TRUE(b.dead(p2) && b.dead(n2) && b.dead(c2));
  EXPECT_FALSE(b.dead(p3) || b.dead(n3));
}

TEST(RedundantChecks, AnIntCheckInADominatingBlockServesEveryLaterOneEvenAcrossACall) {
  // 0 -> 1 | 2 -> 3: block 0 checks v; arm 1 calls out; block 3 and arm 2 check v again. A
  // map check in block 3 stays (a pointer does not outlive the call).
  OneBlock b;
  b.blocks(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}});
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged), m = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t c0 = b.add(IrOp::CheckInt, Rep::Int, v);
  b.add(IrOp::CheckMap, Rep::Ptr, m);
  b.add_in(1, IrOp::Call, Rep::Tagged);
  int32_t c2 = b.add_in(2, IrOp::CheckInt, Rep::Int, v);
  int32_t c3 = b.add_in(3, IrOp::CheckInt, Rep::Int, v);
  int32_t f3 = b.add_in(3, IrOp::CheckFloat, Rep::Float, v);  // another check: stays
  int32_t m3 = b.add_in(3, IrOp::CheckMap, Rep::Ptr, m);
  int32_t r = b.add_in(3, IrOp::Return, Rep::None, c3);
  EXPECT_EQ(eliminate_redundant_checks(b.g), 2);
  EXPECT_TRUE(b.dead(c2));
  EXPECT_TRUE(b.dead(c3));
  EXPECT_FALSE(b.dead(f3));
  EXPECT_FALSE(b.dead(m3));
  EXPECT_EQ(b.g.nodes[size_t(r)].a, c0);
}

TEST(RedundantChecks, AnIntCheckOnOneArmDoesNotServeTheMerge) {
  OneBlock b;
  b.blocks(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}});
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add_in(1, IrOp::CheckInt, Rep::Int, v);
  int32_t c3 = b.add_in(3, IrOp::CheckInt, Rep::Int, v);
  EXPECT_EQ(eliminate_redundant_checks(b.g), 0);
  EXPECT_FALSE(b.dead(c3));
}

// 0 -> 1 | 2 -> 3 with phi p in block 3 joining `one` (from 1) and `two` (from 2), checked by
// CheckInt c; the rest of the graph is the caller's.
struct Diamond {
  OneBlock b;
  int32_t p = -1, c = -1, r = -1;
  Diamond() { b.blocks(4, {{0, 1}, {0, 2}, {1, 3}, {2, 3}}); }
  void join(int32_t one, int32_t two) {
    b.add_in(1, IrOp::Jump, Rep::None);
    b.add_in(2, IrOp::Jump, Rep::None);
    p = b.add_in(3, IrOp::Phi, Rep::Tagged);
    b.g.nodes[size_t(p)].phi_inputs = {one, two};
    c = b.add_in(3, IrOp::CheckInt, Rep::Int, p);
    r = b.add_in(3, IrOp::Return, Rep::None, c);
  }
  const Node& twin() const { return b.g.nodes[size_t(b.g.nodes[size_t(r)].a)]; }
};

TEST(UnboxPhis, APhiOfABoxedIntAndAnIntConstantGetsAnIntTwinItsCheckBecomes) {
  Diamond d;
  int32_t x = d.b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t xi = d.b.add(IrOp::CheckInt, Rep::Int, x);
  int32_t sum = d.b.add_in(1, IrOp::AddInt, Rep::Int, xi, xi);
  int32_t boxed = d.b.add_in(1, IrOp::BoxInt, Rep::Tagged, sum);
  int32_t five = d.b.add(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::integer(5).bits));
  d.join(boxed, five);
  EXPECT_EQ(unbox_phis(d.b.g), 1);
  EXPECT_TRUE(d.b.dead(d.c));
  const Node& t = d.twin();
  EXPECT_EQ(t.op, IrOp::Phi);
  EXPECT_EQ(t.rep, Rep::Int);
  EXPECT_EQ(t.block, 3);
  ASSERT_EQ(t.phi_inputs.size(), 2u);
  EXPECT_EQ(t.phi_inputs[0], sum);
  const Node& k = d.b.g.nodes[size_t(t.phi_inputs[1])];  // the constant, at the end of block 2
  EXPECT_EQ(k.op, IrOp::ConstInt);
  EXPECT_EQ(k.imm, 5);
  EXPECT_EQ(k.block, 2);
  EXPECT_EQ(d.b.g.blocks[2].nodes[d.b.g.blocks[2].nodes.size() - 2], t.phi_inputs[1]);  // before the jump
}

TEST(UnboxPhis, AnInputCheckedOnEveryPathToItsEdgeCountsAndOneCheckedOnlyElsewhereDoesNot) {
  {
    Diamond d;  // y checked in block 0, which dominates both arms
    int32_t y = d.b.add(IrOp::LoadSlot, Rep::Tagged), z = d.b.add(IrOp::LoadSlot, Rep::Tagged);
    int32_t yi = d.b.add(IrOp::CheckInt, Rep::Int, y);
    int32_t zi = d.b.add_in(2, IrOp::CheckInt, Rep::Int, z);
    d.join(y, z);
    EXPECT_EQ(unbox_phis(d.b.g), 1);
    EXPECT_EQ(d.twin().phi_inputs, (std::vector<int32_t>{yi, zi}));
  }
  {
    Diamond d;  // z checked on arm 1 only, but it reaches the phi from arm 2
    int32_t y = d.b.add(IrOp::LoadSlot, Rep::Tagged), z = d.b.add(IrOp::LoadSlot, Rep::Tagged);
    d.b.add(IrOp::CheckInt, Rep::Int, y);
    d.b.add_in(1, IrOp::CheckInt, Rep::Int, z);
    d.join(y, z);
    EXPECT_EQ(unbox_phis(d.b.g), 0);
    EXPECT_FALSE(d.b.dead(d.c));
  }
}

TEST(UnboxPhis, AFloatOrAnUncheckedValueOrAFloatConstantKeepsTheIntCheck) {
  for (int which = 0; which < 3; which++) {
    Diamond d;
    int32_t x = d.b.add(IrOp::LoadSlot, Rep::Tagged);
    d.b.add(IrOp::CheckInt, Rep::Int, x);
    int32_t other = which == 0   ? d.b.add(IrOp::BoxFloat, Rep::Tagged, d.b.add(IrOp::ConstFloat, Rep::Float))
                    : which == 1 ? d.b.add(IrOp::LoadSlot, Rep::Tagged)
                                 : d.b.add(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::number(1.5).bits));
    d.join(x, other);
    EXPECT_EQ(unbox_phis(d.b.g), 0) << which;
    EXPECT_FALSE(d.b.dead(d.c));
  }
}

TEST(UnboxPhis, ALoopPhiFedByItsOwnUnboxedIncrementGetsATwinThatReadsItself) {
  // 0 -> 1 header (1 -> 2 -> 1), 1 -> 3: p = phi(boxed 0, BoxInt(CheckInt(p) + 1)).
  OneBlock b;
  b.blocks(4, {{0, 1}, {1, 2}, {2, 1}, {1, 3}});
  int32_t zero = b.add(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::integer(0).bits));
  b.add(IrOp::Jump, Rep::None);
  int32_t p = b.add_in(1, IrOp::Phi, Rep::Tagged);
  int32_t c = b.add_in(1, IrOp::CheckInt, Rep::Int, p);
  int32_t one = b.add_in(2, IrOp::ConstInt, Rep::Int, -1, -1, 1);
  int32_t next = b.add_in(2, IrOp::AddInt, Rep::Int, c, one);
  int32_t boxed = b.add_in(2, IrOp::BoxInt, Rep::Tagged, next);
  b.add_in(2, IrOp::Jump, Rep::None);
  b.g.nodes[size_t(p)].phi_inputs = {zero, boxed};
  EXPECT_EQ(unbox_phis(b.g), 1);
  const Node& add = b.g.nodes[size_t(next)];
  const Node& t = b.g.nodes[size_t(add.a)];
  EXPECT_EQ(t.op, IrOp::Phi);
  EXPECT_EQ(t.rep, Rep::Int);
  ASSERT_EQ(t.phi_inputs.size(), 2u);
  EXPECT_EQ(b.g.nodes[size_t(t.phi_inputs[0])].op, IrOp::ConstInt);
  EXPECT_EQ(t.phi_inputs[1], next);
}

// A `for x in array` header as the builder makes it: block 0 reads the item, then leaves for
// block 1 when index >= size, else enters the body, block 2.
struct ForArrayHeader {
  OneBlock b;
  int32_t ptr, index, size, item;
  ForArrayHeader() {
    b.blocks(3, {{0, 1}, {0, 2}});
    int32_t arr = b.add(IrOp::LoadSlot, Rep::Tagged);
    index = b.add(IrOp::CheckInt, Rep::Int, b.add(IrOp::LoadSlot, Rep::Tagged));
    ptr = b.add(IrOp::CheckArray, Rep::Ptr, arr);
    size = b.add(IrOp::ArraySize, Rep::Int, ptr);
    item = b.add(IrOp::ArrayNext, Rep::Tagged, ptr, index);
    int32_t done = b.add(IrOp::CmpInt, Rep::Bool, index, size, int64_t(Cmp::Ge));
    b.add(IrOp::Branch, Rep::None, done);
  }
};

TEST(SinkArrayNext, TheItemReadMovesToTheBodyWhereTheIndexIsInBounds) {
  ForArrayHeader h;
  int32_t r = h.b.add_in(2, IrOp::Return, Rep::None, h.item);
  EXPECT_EQ(sink_array_next(h.b.g), 1);
  const Node& item = h.b.g.nodes[size_t(h.item)];
  EXPECT_TRUE(item.in_bounds);
  EXPECT_EQ(item.block, 2);
  EXPECT_EQ(h.b.g.blocks[2].nodes, (std::vector<int32_t>{h.item, r}));
  EXPECT_EQ(std::count(h.b.g.blocks[0].nodes.begin(), h.b.g.blocks[0].nodes.end(), h.item), 0);
}

TEST(SinkArrayNext, AnItemTheExitUsesOrABodyEnteredTwiceOrAnotherCompareStays) {
  {
    ForArrayHeader h;
    h.b.add_in(1, IrOp::Return, Rep::None, h.item);  // past the end: the read's nil
    EXPECT_EQ(sink_array_next(h.b.g), 0);
    EXPECT_FALSE(h.b.g.nodes[size_t(h.item)].in_bounds);
  }
  {
    ForArrayHeader h;
    h.b.g.blocks[2].preds.push_back(1);  // the body also reached from block 1
    h.b.g.blocks[1].succs.push_back(2);
    EXPECT_EQ(sink_array_next(h.b.g), 0);
  }
  {
    ForArrayHeader h;  // index > size ends it: index == size would enter the body
    h.b.g.nodes[size_t(h.b.g.nodes[size_t(h.b.g.blocks[0].nodes.back())].a)].imm = int64_t(Cmp::Gt);
    EXPECT_EQ(sink_array_next(h.b.g), 0);
  }
}

TEST(TrivialPhis, ALoopHeadersPhiOfOneValueAndItselfIsThatValue) {
  // 0 -> 1 header (1 -> 2 -> 1), 1 -> 3: p = phi(x, p) is x; q = phi(x, y) stays.
  OneBlock b;
  b.blocks(4, {{0, 1}, {1, 2}, {2, 1}, {1, 3}});
  int32_t x = b.add(IrOp::LoadSlot, Rep::Tagged), y = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::Jump, Rep::None);
  int32_t p = b.add_in(1, IrOp::Phi, Rep::Tagged), q = b.add_in(1, IrOp::Phi, Rep::Tagged);
  int32_t use = b.add_in(2, IrOp::CheckArray, Rep::Ptr, p);
  b.add_in(2, IrOp::Jump, Rep::None);
  b.g.nodes[size_t(p)].phi_inputs = {x, p};
  b.g.nodes[size_t(q)].phi_inputs = {x, y};
  EXPECT_EQ(remove_trivial_phis(b.g), 1);
  EXPECT_TRUE(b.dead(p));
  EXPECT_FALSE(b.dead(q));
  EXPECT_EQ(b.g.nodes[size_t(use)].a, x);
}

TEST(TrivialPhis, AHeaderAnOsrEntryComesInToKeepsItsPhis) {
  OneBlock b;
  b.blocks(4, {{0, 1}, {1, 2}, {2, 1}, {3, 1}});
  b.g.blocks[3].osr_pc = 4;
  int32_t x = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t p = b.add_in(1, IrOp::Phi, Rep::Tagged);
  b.g.nodes[size_t(p)].phi_inputs = {x, p, x};
  EXPECT_EQ(remove_trivial_phis(b.g), 0);
}

// 0 entry (its state: states[0]) -> 1 -> 2 header (2 -> 3 -> 4 -> 2, and 3 -> 5 -> 4 around an
// `if`), 2 -> 6 exit. Block 1 holds a node with a frame state (states[1]).
struct LoopGraph {
  OneBlock b;
  int32_t before = -1;
  LoopGraph() {
    b.blocks(7, {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {3, 5}, {5, 4}, {4, 2}, {2, 6}});
    b.g.states.resize(2);
    b.g.states[0].pc = 0;
    b.g.states[1].pc = 3;
    b.g.entry_states = {{0, 0}};
  }
  int32_t with_state(int32_t block, IrOp op, Rep rep, int32_t a, int32_t fs) {
    int32_t id = b.add_in(block, op, rep, a);
    b.g.nodes[size_t(id)].fs = fs;
    return id;
  }
  // A value from the entry block; block 1 (the way in) holds `before`, an `op` with state 1.
  int32_t value_from_before_the_loop(IrOp op = IrOp::LoadGlobal) {
    int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged);
    b.add(IrOp::Jump, Rep::None);
    before = with_state(1, op, Rep::Tagged, -1, 1);
    b.add_in(1, IrOp::Jump, Rep::None);
    return v;
  }
};

TEST(HoistLoopChecks, ACheckEveryIterationMakesOfAValueFromBeforeTheLoopIsMadeOnceBeforeIt) {
  LoopGraph l;
  int32_t v = l.value_from_before_the_loop();
  int32_t in_loop = l.with_state(3, IrOp::CheckArray, Rep::Ptr, v, 1);
  int32_t in_if = l.with_state(5, IrOp::CheckMap, Rep::Ptr, v, 1);  // not every iteration
  l.with_state(4, IrOp::Call, Rep::Tagged, -1, 1);  // the loop's checks only untag
  EXPECT_EQ(hoist_loop_checks(l.b.g), 1);
  EXPECT_TRUE(l.b.g.nodes[size_t(in_loop)].type_known);
  EXPECT_FALSE(l.b.g.nodes[size_t(in_if)].type_known);
  const std::vector<int32_t>& nodes = l.b.g.blocks[1].nodes;
  ASSERT_EQ(nodes.size(), 3u);
  const Node& h = l.b.g.nodes[size_t(nodes[0])];  // right before the node with the state
  EXPECT_EQ(nodes[1], l.before);
  EXPECT_EQ(h.op, IrOp::CheckArray);
  EXPECT_EQ(h.a, v);
  EXPECT_EQ(h.fs, 1);
  EXPECT_EQ(h.guard, GuardKind::Hoisted);
  EXPECT_TRUE(h.kept);
}

TEST(HoistLoopChecks, ALoopThatCallsNothingUsesTheHoistedPointerThroughAHeaderPhi) {
  LoopGraph l;
  int32_t v = l.value_from_before_the_loop();
  int32_t in_loop = l.with_state(3, IrOp::CheckArray, Rep::Ptr, v, 1);
  int32_t size = l.b.add_in(3, IrOp::ArraySize, Rep::Int, in_loop);
  EXPECT_EQ(hoist_loop_checks(l.b.g), 1);
  const int32_t hoisted = l.b.g.blocks[1].nodes[0];
  EXPECT_EQ(l.b.g.nodes[size_t(hoisted)].op, IrOp::CheckArray);
  EXPECT_TRUE(l.b.dead(in_loop));
  const int32_t phi = l.b.g.nodes[size_t(size)].a;
  const Node& p = l.b.g.nodes[size_t(phi)];
  EXPECT_EQ(p.op, IrOp::Phi);
  EXPECT_EQ(p.rep, Rep::Ptr);
  EXPECT_EQ(p.block, 2);
  EXPECT_LT(p.imm, 0);  // in no frame slot
  EXPECT_EQ(p.phi_inputs, (std::vector<int32_t>{hoisted, phi}));  // preds: 1 (way in), 4 (back edge)
}

TEST(HoistLoopChecks, APointerDoesNotLiveAcrossACallOnTheWayIn) {
  // The hoisted check goes before the node with the state; that node calls out, so a
  // collection there would not see the pointer: the loop's checks untag for themselves.
  LoopGraph l;
  int32_t v = l.value_from_before_the_loop(IrOp::Generic);
  int32_t in_loop = l.with_state(3, IrOp::CheckArray, Rep::Ptr, v, 1);
  EXPECT_EQ(hoist_loop_checks(l.b.g), 1);
  EXPECT_FALSE(l.b.dead(in_loop));
  EXPECT_TRUE(l.b.g.nodes[size_t(in_loop)].type_known);
}

TEST(HoistLoopChecks, ALoopEnteredOnlyFromAnOsrEntryGetsThePointerThroughAHeaderPhi) {
  // OSR entries are laid out after the loop: used directly, a pointer defined there would be
  // read before it is set. Through the header's phi it reaches the loop as any value does.
  OneBlock b;
  b.blocks(4, {{0, 1}, {1, 2}, {2, 1}, {1, 3}});
  b.g.blocks[0].osr_pc = 4;
  b.g.states.resize(1);
  b.g.states[0].pc = 4;
  b.g.entry_states = {{0, 0}};
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::Jump, Rep::None);
  int32_t in_loop = b.add_in(1, IrOp::CheckArray, Rep::Ptr, v);
  b.g.nodes[size_t(in_loop)].fs = 0;
  int32_t size = b.add_in(1, IrOp::ArraySize, Rep::Int, in_loop);
  EXPECT_EQ(hoist_loop_checks(b.g), 1);
  EXPECT_TRUE(b.dead(in_loop));
  const Node& p = b.g.nodes[size_t(b.g.nodes[size_t(size)].a)];
  EXPECT_EQ(p.op, IrOp::Phi);
  EXPECT_EQ(p.block, 1);
  ASSERT_EQ(p.phi_inputs.size(), 2u);
  EXPECT_EQ(b.g.nodes[size_t(p.phi_inputs[0])].op, IrOp::CheckArray);  // in the OSR entry's block
  EXPECT_EQ(b.g.nodes[size_t(p.phi_inputs[0])].block, 0);
}

TEST(HoistLoopChecks, WithoutAStateOnTheWayInTheEntrysStateServes) {
  LoopGraph l;
  int32_t v = l.b.add(IrOp::LoadSlot, Rep::Tagged);
  l.b.add(IrOp::Jump, Rep::None);
  l.b.add_in(1, IrOp::Jump, Rep::None);
  l.with_state(3, IrOp::CheckString, Rep::Ptr, v, 1);
  EXPECT_EQ(hoist_loop_checks(l.b.g), 1);
  const std::vector<int32_t>& nodes = l.b.g.blocks[0].nodes;
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(l.b.g.nodes[size_t(nodes[1])].op, IrOp::CheckString);  // before the entry's jump
  EXPECT_EQ(l.b.g.nodes[size_t(nodes[1])].fs, 0);
}

TEST(HoistLoopChecks, AValueTheLoopMakesOrAUnitThatKeptFailingStaysChecked) {
  {
    LoopGraph l;
    l.b.add(IrOp::Jump, Rep::None);
    l.with_state(1, IrOp::LoadGlobal, Rep::Tagged, -1, 1);
    l.b.add_in(1, IrOp::Jump, Rep::None);
    int32_t v = l.with_state(3, IrOp::LoadGlobal, Rep::Tagged, -1, 1);
    int32_t c = l.with_state(3, IrOp::CheckArray, Rep::Ptr, v, 1);
    EXPECT_EQ(hoist_loop_checks(l.b.g), 0);
    EXPECT_FALSE(l.b.g.nodes[size_t(c)].type_known);
  }
  {
    LoopGraph l;
    int32_t v = l.value_from_before_the_loop();
    l.with_state(3, IrOp::CheckArray, Rep::Ptr, v, 1);
    l.b.g.hoist_loop_checks = false;  // SpecHints::no_loop_hoisting
    EXPECT_EQ(hoist_loop_checks(l.b.g), 0);
  }
}

// A nil test of x branching to B1 (not nil: x/a read there, after `between`) or B2 (nil),
// recorded as the builder records it in the inline tier.
struct NilTest : OneBlock {
  int32_t x, nil, cmp, branch, check, get;
  explicit NilTest(Cmp c, IrOp between = IrOp::CountOp) {
    blocks(3, {{0, 1}, {0, 2}});
    x = add(IrOp::LoadSlot, Rep::Tagged);
    nil = add(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::nil().bits));
    cmp = add(IrOp::CmpBits, Rep::Bool, x, nil, int64_t(c));
    branch = add(IrOp::Branch, Rep::None, cmp);
    if (c == Cmp::Eq) std::swap(g.blocks[0].succs[0], g.blocks[0].succs[1]);  // true: nil
    g.states.push_back(FrameState{0, 2, {x, nil}, {}});
    g.nil_tests.push_back({cmp, int32_t(g.states.size() - 1)});
    add_in(1, between, between == IrOp::Generic ? Rep::Tagged : Rep::None);
    check = add_in(1, IrOp::CheckMap, Rep::Ptr, x);
    get = add_in(1, IrOp::MapGet, Rep::Tagged, check, -1, kX);
    add_in(1, IrOp::Return, Rep::None, get);
    add_in(2, IrOp::Return, Rep::None, nil);
  }
};

TEST(FuseNilTests, ATestWhoseNotNilSideChecksAMapBecomesOneCheckToThatSide) {
  for (Cmp c : {Cmp::Ne, Cmp::Eq}) {
    NilTest t(c);
    EXPECT_EQ(fuse_nil_tests(t.g), 1);
    const Node& f = t.g.nodes[size_t(t.cmp)];
    EXPECT_EQ(f.op, IrOp::CheckMapOrNil);
    EXPECT_EQ(f.a, t.x);
    EXPECT_EQ(f.guard, GuardKind::NilOrMap);
    EXPECT_EQ(f.fs, 0);  // the state in front of the compare
    EXPECT_EQ(t.g.blocks[0].succs, (std::vector<int32_t>{1, 2}));  // the map's side first
    EXPECT_TRUE(t.dead(t.check));
    EXPECT_EQ(t.g.nodes[size_t(t.get)].a, t.cmp);
  }
}

TEST(FuseNilTests, ACallOnTheWayToTheCheckOrAnotherUseOfTheCompareKeepsThemApart) {
  NilTest call(Cmp::Ne, IrOp::Generic);  // the pointer would live across the helper
  EXPECT_EQ(fuse_nil_tests(call.g), 0);
  EXPECT_FALSE(call.dead(call.check));
  EXPECT_EQ(call.g.nodes[size_t(call.cmp)].op, IrOp::CmpBits);
  NilTest kept(Cmp::Ne);  // the bool is also stored
  kept.add_in(1, IrOp::BoxBool, Rep::Tagged, kept.cmp);
  EXPECT_EQ(fuse_nil_tests(kept.g), 0);
  NilTest unrecorded(Cmp::Ne);  // the spec tier records none
  unrecorded.g.nil_tests.clear();
  EXPECT_EQ(fuse_nil_tests(unrecorded.g), 0);
}

// An inlined callee's `return true` (B1) and `return false` (B2) meeting in B3, which only
// branches on the result: B4 when true, B5 when false.
struct ReturnsJoined : OneBlock {
  int32_t t, f, phi, truthy, branch;
  explicit ReturnsJoined(Value first = Value::boolean(true)) {
    blocks(6, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {3, 5}});
    int32_t c = add(IrOp::LoadSlot, Rep::Bool);
    add(IrOp::Branch, Rep::None, c);
    t = add_in(1, IrOp::Const, Rep::Tagged, -1, -1, int64_t(first.bits));
    add_in(1, IrOp::Jump, Rep::None);
    f = add_in(2, IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::boolean(false).bits));
    add_in(2, IrOp::Jump, Rep::None);
    phi = add_in(3, IrOp::Phi, Rep::Tagged);
    g.nodes[size_t(phi)].phi_inputs = {t, f};
    truthy = add_in(3, IrOp::Truthy, Rep::Bool, phi);
    branch = add_in(3, IrOp::Branch, Rep::None, truthy);
    add_in(4, IrOp::Return, Rep::None, t);
    add_in(5, IrOp::Return, Rep::None, f);
  }
};

TEST(ThreadConstantBranches, EachConstantReturnJumpsToItsSideAndTheJoinGoes) {
  ReturnsJoined j;
  EXPECT_EQ(thread_constant_branches(j.g), 2);
  EXPECT_EQ(j.g.blocks[1].succs, std::vector<int32_t>{4});
  EXPECT_EQ(j.g.blocks[2].succs, std::vector<int32_t>{5});
  EXPECT_EQ(j.g.blocks[4].preds, std::vector<int32_t>{1});
  EXPECT_EQ(j.g.blocks[5].preds, std::vector<int32_t>{2});
  EXPECT_TRUE(j.dead(j.phi) && j.dead(j.truthy) && j.dead(j.branch));
  EXPECT_EQ(std::count(j.g.order.begin(), j.g.order.end(), 3), 0);
}

TEST(ThreadConstantBranches, NilIsFalseAndAnyOtherConstantTrue) {
  ReturnsJoined nil(Value::nil());
  EXPECT_EQ(thread_constant_branches(nil.g), 2);
  EXPECT_EQ(nil.g.blocks[1].succs, std::vector<int32_t>{5});
  ReturnsJoined zero(Value::integer(0));
  EXPECT_EQ(thread_constant_branches(zero.g), 2);
  EXPECT_EQ(zero.g.blocks[1].succs, std::vector<int32_t>{4});
}

TEST(ThreadConstantBranches, AJoinWhoseResultIsReadElsewhereOrASideWithPhisStays) {
  ReturnsJoined read;  // the result is also returned
  read.add_in(4, IrOp::BoxBool, Rep::Tagged, read.phi);
  EXPECT_EQ(thread_constant_branches(read.g), 0);
  ReturnsJoined phis;  // the true side joins values: it keeps its one predecessor
  int32_t p = phis.add_in(4, IrOp::Phi, Rep::Tagged);
  phis.g.nodes[size_t(p)].phi_inputs = {phis.t};
  std::swap(phis.g.blocks[4].nodes.front(), phis.g.blocks[4].nodes.back());
  EXPECT_EQ(thread_constant_branches(phis.g), 1);  // only false's
  EXPECT_EQ(phis.g.blocks[1].succs, std::vector<int32_t>{3});
  EXPECT_EQ(phis.g.blocks[2].succs, std::vector<int32_t>{5});
  EXPECT_FALSE(phis.dead(phis.branch));
}

TEST(DeadCode, AnUnusedSizeGoesButItsKeptCheckStays) {
  // `(x .size)` with the size unread: the interpreter still raises on a non-array.
  OneBlock b;
  int32_t x = b.add(IrOp::LoadSlot, Rep::Tagged), y = b.add(IrOp::LoadSlot, Rep::Tagged);
  int32_t kept = b.add(IrOp::CheckArray, Rep::Ptr, x);
  b.g.nodes[size_t(kept)].kept = true;
  int32_t size = b.add(IrOp::ArraySize, Rep::Int, kept);
  int32_t plain = b.add(IrOp::CheckArray, Rep::Ptr, y);  // an access's check whose access went
  b.add(IrOp::Return, Rep::None, x);
  EXPECT_EQ(eliminate_dead_code(b.g), 3);
  EXPECT_FALSE(b.dead(kept));
  EXPECT_TRUE(b.dead(size) && b.dead(plain) && b.dead(y));
}

TEST(FuseArrayOperands, ASizeOrItemsUsedOnceByTheNextNodeIsFused) {
  OneBlock b;
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged), i = b.add(IrOp::LoadSlot, Rep::Int);
  OneBlock::ArrayAccess a = b.array_access(v, i);
  int32_t p = a.ptr, s = a.size, it = a.items;
  b.add(IrOp::ArrayGet, Rep::Tagged, it, i);
  int32_t it2 = b.add(IrOp::ArrayItems, Rep::Ptr, p);  // used twice: keeps its register
  b.add(IrOp::ArrayGet, Rep::Tagged, it2, i);
  b.add(IrOp::ArrayGet, Rep::Tagged, it2, i);
  int32_t s2 = b.add(IrOp::ArraySize, Rep::Int, p);  // used by a compare: not fused
  b.add(IrOp::CmpInt, Rep::Bool, i, s2);
  int32_t s3 = b.add(IrOp::ArraySize, Rep::Int, p);  // also an operand in a later frame state
  b.add(IrOp::CheckBounds, Rep::None, i, s3);
  b.g.states.push_back(FrameState{0, 1, {s3}, {}});
  int32_t call = b.add(IrOp::Call, Rep::Tagged);
  b.g.nodes[size_t(call)].fs = int32_t(b.g.states.size() - 1);
  EXPECT_EQ(fuse_array_operands(b.g), 2);
  EXPECT_FALSE(b.g.nodes[size_t(s3)].fused);
  EXPECT_TRUE(b.g.nodes[size_t(s)].fused);
  EXPECT_TRUE(b.g.nodes[size_t(it)].fused);
  EXPECT_FALSE(b.g.nodes[size_t(it2)].fused);
  EXPECT_FALSE(b.g.nodes[size_t(s2)].fused);
}

TEST(RedundantGlobalLoads, ALoadReusesTheLastLoadOrStoreUntilACall) {
  OneBlock b;
  int32_t g1 = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 5);
  int32_t g2 = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 5);
  int32_t other = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 6);
  int32_t v = b.add(IrOp::LoadSlot, Rep::Tagged);
  b.add(IrOp::AssignGlobal, Rep::None, v, -1, 5);
  int32_t g3 = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 5);
  int32_t use3 = b.add(IrOp::Return, Rep::None, g3);
  b.add(IrOp::Call, Rep::Tagged);
  int32_t g4 = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 5);
  b.g.order = {0};
  EXPECT_EQ(eliminate_redundant_global_loads(b.g), 2);
  EXPECT_FALSE(b.dead(g1));
  EXPECT_TRUE(b.dead(g2));
  EXPECT_FALSE(b.dead(other));  // another slot
  EXPECT_TRUE(b.dead(g3));      // what was just stored
  EXPECT_EQ(b.g.nodes[size_t(use3)].a, v);
  EXPECT_FALSE(b.dead(g4));     // a call may have assigned it
}

TEST(RedundantGlobalLoads, ABlockWithOnePredecessorKnowsWhatItLoaded) {
  OneBlock b;
  int32_t g1 = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 5);
  b.g.blocks.resize(4);  // 0 -> 1, 0 -> 2, 1 -> 3, 2 -> 3
  for (auto [from, to] : {std::pair{0, 1}, {0, 2}, {1, 3}, {2, 3}}) {
    b.g.blocks[size_t(from)].succs.push_back(to);
    b.g.blocks[size_t(to)].preds.push_back(from);
  }
  auto load_in = [&](int32_t block) {
    Node n;
    n.op = IrOp::LoadGlobal;
    n.rep = Rep::Tagged;
    n.imm = 5;
    n.block = block;
    int32_t id = b.g.add(n);
    b.g.blocks[size_t(block)].nodes.push_back(id);
    return id;
  };
  int32_t in1 = load_in(1), in3 = load_in(3);
  b.g.order = {0, 1, 2, 3};
  EXPECT_EQ(eliminate_redundant_global_loads(b.g), 1);
  EXPECT_TRUE(b.dead(in1));   // its one predecessor loaded it
  EXPECT_FALSE(b.dead(in3));  // a merge starts from nothing
  (void)g1;
}

// Blocks and edges only: what block_loop_depths reads.
Graph control_flow(size_t blocks, std::initializer_list<std::pair<int32_t, int32_t>> edges) {
  Graph g;
  g.blocks.resize(blocks);
  for (auto [from, to] : edges) {
    g.blocks[size_t(from)].succs.push_back(to);
    g.blocks[size_t(to)].preds.push_back(from);
  }
  return g;
}

TEST(LoopDepths, NestedLoopsCountEachEnclosingLoopAndEntriesNone) {
  // 0 entry -> 1 outer header -> 2 inner header -> 3 inner body -> 2; 2 -> 4 -> 1; 1 -> 5;
  // 6 an OSR entry into the inner header.
  Graph g = control_flow(7, {{0, 1}, {1, 2}, {2, 3}, {3, 2}, {2, 4}, {4, 1}, {1, 5}, {6, 2}});
  EXPECT_EQ(block_loop_depths(g), (std::vector<int32_t>{0, 1, 2, 2, 1, 0, 0}));
}

TEST(LoopDepths, TwoLoopsInARowAndABranchInsideOne) {
  // 0 -> 1 header (1 -> 2 | 3, both -> 4 -> 1) ; 1 -> 5 header (5 -> 6 -> 5) ; 5 -> 7.
  Graph g = control_flow(8, {{0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 4}, {4, 1}, {1, 5}, {5, 6}, {6, 5}, {5, 7}});
  EXPECT_EQ(block_loop_depths(g), (std::vector<int32_t>{0, 1, 1, 1, 1, 1, 1, 0}));
}

TEST(Dominators, ADiamondJoinsAtItsBranchAndALoopHeaderDominatesItsBody) {
  // 0 -> 1 (1 -> 2 | 3, both -> 4), 4 -> 5 header (5 -> 6 -> 5), 5 -> 7.
  Graph g = control_flow(8, {{0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 4}, {4, 5}, {5, 6}, {6, 5}, {5, 7}});
  EXPECT_EQ(immediate_dominators(g), (std::vector<int32_t>{-1, 0, 1, 1, 1, 4, 5, 5}));
}

TEST(Dominators, ABlockTwoEntriesReachHasNoneUnlessOsrEntriesAreSkipped) {
  // 0 entry -> 1 header (1 -> 2 -> 1), 1 -> 3; 4 an OSR entry into the header.
  Graph g = control_flow(5, {{0, 1}, {1, 2}, {2, 1}, {1, 3}, {4, 1}});
  g.blocks[4].osr_pc = 7;
  EXPECT_EQ(immediate_dominators(g), (std::vector<int32_t>{-1, -1, 1, 1, -1}));
  EXPECT_EQ(immediate_dominators(g, true), (std::vector<int32_t>{-1, 0, 1, 1, -1}));
}


// Inlined global callees' checks in a diamond over a loop: B0 (entry) branches to B1 (a call)
// and B2 (none); both reach B3, a loop header whose body B4 calls only on its back edge side
// (B4 -> B3), and B5 leaves. Each block checks the callee it loaded from a global.
struct CalleeChecks : OneBlock {
  int32_t in_entry, in_calling, in_plain, in_join, in_loop, in_exit, unexpected;
  int32_t check_in(int32_t block, bool expected = true) {
    int32_t fn = add_in(block, IrOp::LoadGlobal, Rep::Tagged, -1, -1, 3);
    int32_t closure = expected ? add_in(block, IrOp::Const, Rep::Tagged, -1, -1, 42) : -1;
    return add_in(block, IrOp::CheckCallee, Rep::None, fn, closure);
  }
  CalleeChecks() {
    blocks(6, {{0, 1}, {0, 2}, {1, 3}, {2, 3}, {3, 4}, {4, 3}, {3, 5}});
    in_entry = check_in(0);
    unexpected = check_in(0, false);  // the global held something else at compile time
    add_in(0, IrOp::Branch, Rep::None, add_in(0, IrOp::LoadSlot, Rep::Bool));
    add_in(1, IrOp::Call, Rep::Tagged);
    in_calling = check_in(1);
    in_plain = check_in(2);
    in_join = check_in(3);
    in_loop = check_in(4);
    add_in(4, IrOp::Call, Rep::Tagged);
    in_exit = check_in(5);
  }
};

TEST(ElideEntryProvenCalleeChecks, OnlyChecksNoCallCanPrecedeGo) {
  CalleeChecks c;
  EXPECT_EQ(elide_entry_proven_callee_checks(c.g), 2);
  EXPECT_TRUE(c.dead(c.in_entry) && c.dead(c.in_plain));
  // After a call, after a join with a calling side, in a loop whose body calls, and one whose
  // expected closure the compiler did not find in the global: kept.
  EXPECT_FALSE(c.dead(c.in_calling) || c.dead(c.in_join) || c.dead(c.in_loop) || c.dead(c.in_exit));
  EXPECT_FALSE(c.dead(c.unexpected));
}

TEST(ElideEntryProvenCalleeChecks, AStoreToAGlobalEndsWhatTheEntryProves) {
  OneBlock b;
  int32_t fn = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 3);
  int32_t closure = b.add(IrOp::Const, Rep::Tagged, -1, -1, 42);
  int32_t first = b.add(IrOp::CheckCallee, Rep::None, fn, closure);
  b.add(IrOp::StoreGlobal, Rep::None, closure, -1, 3);
  int32_t fn2 = b.add(IrOp::LoadGlobal, Rep::Tagged, -1, -1, 3);
  int32_t second = b.add(IrOp::CheckCallee, Rep::None, fn2, closure);
  EXPECT_EQ(elide_entry_proven_callee_checks(b.g), 1);
  EXPECT_TRUE(b.dead(first));
  EXPECT_FALSE(b.dead(second));
}

}  // namespace
}  // namespace gene::jit::spec
