// The per-opcode facts of interp/opcodes.h: the columns agree with each other (the same rules
// the header static_asserts, here with the failing opcode's name), superinstructions have their
// base op's operand shape, and the derived control-flow facts name the expected opcodes.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "interp/opcodes.h"

namespace gene {
namespace {

std::set<std::string> names_where(bool (*pred)(const OpInfo&)) {
  std::set<std::string> out;
  for (int i = 0; i < kOpCount; i++)
    if (pred(kOpInfo[i])) out.insert(kOpInfo[i].name);
  return out;
}

TEST(OpcodeTableFacts, EveryRowKeepsTheTableRules) {
  for (int i = 0; i < kOpCount; i++) EXPECT_TRUE(opcode_rules::op_ok(i)) << kOpInfo[i].name;
}

TEST(OpcodeTableFacts, JumpOperandsHaveABranchOrJumpFlow) {
  for (int i = 0; i < kOpCount; i++) {
    const OpInfo& info = kOpInfo[i];
    bool jumps = info.flow == OpFlow::Branch || info.flow == OpFlow::Jump || info.flow == OpFlow::Loop;
    EXPECT_EQ(info.x == Operand::Jump, jumps) << info.name;
    EXPECT_NE(info.y, Operand::Jump) << info.name;
    if (!jumps) EXPECT_EQ(info.taken_delta, 0) << info.name;
  }
}

TEST(OpcodeTableFacts, TerminatorsAreJumpLoopReturnAndThrow) {
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.is_terminator(); }),
            (std::set<std::string>{"jump", "loop", "return", "throw"}));
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.flow == OpFlow::Loop; }), (std::set<std::string>{"loop"}));
  for (int i = 0; i < kOpCount; i++) EXPECT_EQ(kOpInfo[i].falls_through(), !kOpInfo[i].is_terminator());
}

TEST(OpcodeTableFacts, SuperinstructionsAndTheirBaseOps) {
  std::set<std::string> fused;
  for (int i = 0; i < kOpCount; i++)
    if (is_fused(Op(i))) fused.insert(std::string(kOpInfo[i].name) + "->" + op_info(kOpInfo[i].base).name);
  EXPECT_EQ(fused, (std::set<std::string>{"add_int->add", "sub_int->sub", "mod_int->mod", "inc_local->add",
                                          "jump_unless_lt->lt", "jump_unless_le->le", "jump_unless_gt->gt",
                                          "jump_unless_ge->ge", "jump_unless_eq->eq", "jump_unless_ne->ne",
                                          "jump_if_true->not"}));
}

// What the peephole relies on: the fused op does what its base does on the same operands, with
// an immediate in place of the base's right operand or a branch consuming its condition.
TEST(OpcodeTableFacts, FusedOpsHaveTheOperandStackShapeOfTheirBase) {
  for (int i = 0; i < kOpCount; i++) {
    const OpInfo& f = kOpInfo[i];
    if (!is_fused(Op(i))) continue;
    const OpInfo& b = op_info(f.base);
    SCOPED_TRACE(std::string(f.name) + " (base " + b.name + ")");
    EXPECT_FALSE(is_fused(f.base)) << "a base op is plain";
    EXPECT_EQ(f.may_throw, b.may_throw) << "same errors";
    ASSERT_GE(b.pops, 0);
    EXPECT_EQ(b.flow, OpFlow::Next);
    if (f.flow == OpFlow::Branch) {  // base; jump_if_false
      EXPECT_EQ(f.pops, b.pops);
      EXPECT_EQ(b.pushes, 1);
      EXPECT_EQ(b.result, OpResult::Bool);
      EXPECT_EQ(f.pushes, 0);
      EXPECT_EQ(f.taken_delta, -f.pops) << "the condition is consumed on both edges";
      EXPECT_EQ(fused_branch(f.base), Op(i));
    } else if (f.slot == SlotUse::Update) {  // load_local s; int k; base; store_local s
      EXPECT_EQ(f.x, Operand::Int);
      EXPECT_EQ(f.y, Operand::Local);
      EXPECT_EQ(b.pops, 2);
      EXPECT_EQ(f.pops, 0);
      EXPECT_EQ(f.pushes, 0);
      EXPECT_EQ(fused_immediate(f.base), Op::ADD_INT) << "inc_local is add_int on a slot";
    } else {  // int k; base
      EXPECT_EQ(f.x, Operand::Int);
      EXPECT_EQ(b.x, Operand::None);
      EXPECT_EQ(f.pops, b.pops - 1) << "the immediate replaces the top operand";
      EXPECT_EQ(f.pushes, b.pushes);
      EXPECT_EQ(f.result, b.result);
      EXPECT_EQ(fused_immediate(f.base), Op(i));
    }
  }
  EXPECT_EQ(fused_immediate(Op::MUL), Op::MUL) << "no mul_int";
  EXPECT_EQ(fused_branch(Op::JUMP_IF_FALSE), Op::JUMP_IF_FALSE);
}

TEST(OpcodeTableFacts, TakenEdgeDeltas) {
  for (Op op : {Op::JUMP_UNLESS_LT, Op::JUMP_UNLESS_NE}) EXPECT_EQ(jump_edge_delta(Instr{op, 0, 0, 0}), -2);
  for (Op op : {Op::JUMP_IF_FALSE, Op::JUMP_IF_TRUE}) EXPECT_EQ(jump_edge_delta(Instr{op, 0, 0, 0}), -1);
  for (Op op : {Op::JUMP, Op::LOOP, Op::AND_JUMP, Op::OR_JUMP, Op::FOR_NEXT})
    EXPECT_EQ(jump_edge_delta(Instr{op, 0, 0, 0}), 0);
}

TEST(OpcodeTableFacts, OperandDependentPops) {
  EXPECT_EQ(stack_pops(Instr{Op::POPN, 0, 0, 3}), 3);
  EXPECT_EQ(stack_pops(Instr{Op::UNWIND, 0, 0, 3}), 4);
  EXPECT_EQ(stack_pops(Instr{Op::CALL, 0, 0, 2}), 3);
  EXPECT_EQ(stack_pops(Instr{Op::CALL_METHOD, 0, 5, 1}), 6);
  EXPECT_EQ(stack_pops(Instr{Op::MAKE_ARRAY, 0, 0, 4}), 4);
  EXPECT_EQ(stack_pops(Instr{Op::MAKE_MAP, 0, 0, 4}), 8);
  EXPECT_EQ(stack_pops(Instr{Op::ADD, 0, 0, 0}), 2);
}

TEST(OpcodeTableFacts, ResultKinds) {
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.result == OpResult::IntIfInts; }),
            (std::set<std::string>{"add", "sub", "mul", "mod", "neg", "pos", "add_int", "sub_int", "mod_int"}));
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.result == OpResult::Top; }),
            (std::set<std::string>{"dup", "unwind", "set_path"}));
  EXPECT_EQ(op_info(Op::INT).result, OpResult::Int);
  EXPECT_EQ(op_info(Op::CONST).result, OpResult::Const);
  EXPECT_EQ(op_info(Op::LOAD_LOCAL).result, OpResult::Slot);
  EXPECT_EQ(op_info(Op::DIV).result, OpResult::Float);
  for (Op op : {Op::LT, Op::LE, Op::GT, Op::GE, Op::EQ, Op::NE, Op::NOT, Op::TRUE, Op::FALSE})
    EXPECT_EQ(op_info(op).result, OpResult::Bool) << op_info(op).name;
}

TEST(OpcodeTableFacts, SlotUsesAndTheirOperand) {
  for (int i = 0; i < kOpCount; i++) {
    const OpInfo& info = kOpInfo[i];
    EXPECT_EQ(info.slot != SlotUse::None, info.has_local()) << info.name;
    Instr in{Op(i), 0, 7, 9};
    int32_t want = info.x == Operand::Local ? 9 : info.y == Operand::Local ? 7 : -1;
    EXPECT_EQ(local_operand(in), want) << info.name;
  }
  EXPECT_EQ(op_info(Op::FOR_NEXT).slot, SlotUse::LoopStep);
  EXPECT_EQ(op_info(Op::INC_LOCAL).slot, SlotUse::Update);
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.slot == SlotUse::Cell; }),
            (std::set<std::string>{"load_cell", "store_cell"}));
}

TEST(OpcodeTableFacts, OperandChecks) {
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.check == OperandCheck::PathKeyConst; }),
            (std::set<std::string>{"get_path", "set_path"}));
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.check == OperandCheck::SymbolConst; }),
            (std::set<std::string>{"call_method"}));
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.check == OperandCheck::LoopSlotPair; }),
            (std::set<std::string>{"for_prep", "range_prep", "for_next"}));
  EXPECT_EQ(names_where([](const OpInfo& i) { return i.check == OperandCheck::PositiveDivisor; }),
            (std::set<std::string>{"mod_int"}));
}

}  // namespace
}  // namespace gene
