// The control-flow analysis of interp/control_flow.h: blocks, edges, depths and target flags of
// compiled and hand-built units, its stack-discipline errors, and the forward dataflow driver.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "interp/control_flow.h"
#include "interp/disasm.h"
#include "test_util.h"

namespace gene {
namespace {

const Proto* find_unit(const test::Compiled& c, const std::string& name) {
  for (auto& p : c.prog.protos)
    if (p->name == name) return p.get();
  return nullptr;
}

const char* kind_name(EdgeKind k) {
  switch (k) {
    case EdgeKind::Fall: return "fall";
    case EdgeKind::Taken: return "taken";
    case EdgeKind::Handler: return "handler";
  }
  return "?";
}

// "[start,end)->succ kind ..." per block, one per line.
std::string blocks_of(const ControlFlow& cf) {
  std::ostringstream out;
  for (const FlowBlock& b : cf.blocks) {
    out << "[" << b.start << "," << b.end << ")";
    for (int32_t i = b.succ_begin; i < b.succ_end; i++)
      out << " " << kind_name(cf.succs[size_t(i)].kind) << ":" << cf.blocks[size_t(cf.succs[size_t(i)].block)].start;
    out << "\n";
  }
  return out.str();
}

std::string depths_of(const ControlFlow& cf) {
  std::string out;
  for (int32_t d : cf.depth) out += (out.empty() ? "" : " ") + std::to_string(d);
  return out;
}

Proto unit(int nslots, int max_stack, std::vector<Instr> code) {
  Proto p;
  p.name = "u";
  p.nslots = nslots;
  p.max_stack = max_stack;
  p.code = std::move(code);
  p.lines.assign(p.code.size(), 1);
  return p;
}

TEST(ControlFlow, WhileLoopBlocksDepthsAndLoopHeader) {
  // The `count` example of docs/bytecode.md:
  //   0 int 0; 1 store_local 1; 2 load_local 1; 3 load_local 0; 4 jump_unless_lt 7;
  //   5 inc_local 1 1; 6 loop 2; 7 nil; 8 pop; 9 load_local 1; 10 return
  auto c = test::compile("(fn count [n] (var i 0) (while (i < n) (i += 1)) i)");
  ASSERT_TRUE(c->ok) << c->err.message;
  const Proto* p = find_unit(*c, "count");
  ASSERT_NE(p, nullptr);
  std::string listing = disassemble_program(*c->vm, c->prog);
  ControlFlow cf;
  VerifyError err;
  ASSERT_TRUE(analyze_flow(*p, cf, err)) << err.to_string();
  EXPECT_EQ(blocks_of(cf), "[0,2) fall:2\n[2,5) taken:7 fall:5\n[5,7) taken:2\n[7,11)\n") << listing;
  EXPECT_EQ(depths_of(cf), "0 1 0 1 2 0 0 0 1 0 1") << listing;
  for (int32_t pc = 0; pc < int32_t(p->code.size()); pc++) {
    EXPECT_EQ(cf.is_loop_header(pc), pc == 2) << pc << "\n" << listing;
    EXPECT_EQ(cf.is_target(pc), pc == 2 || pc == 7) << pc << "\n" << listing;
    EXPECT_EQ(cf.block_of[size_t(pc)], pc < 2 ? 0 : pc < 5 ? 1 : pc < 7 ? 2 : 3);
  }
}

TEST(ControlFlow, HandlerEdgesLeaveFromThrowingInstructions) {
  auto c = test::compile("(fn f [g] (var r (try (g 1) catch e 0)) r)");
  ASSERT_TRUE(c->ok) << c->err.message;
  const Proto* p = find_unit(*c, "f");
  ASSERT_NE(p, nullptr);
  ASSERT_EQ(p->handlers.size(), 1u);
  const Handler& h = p->handlers[0];
  std::string listing = disassemble_program(*c->vm, c->prog);
  ControlFlow cf;
  VerifyError err;
  ASSERT_TRUE(analyze_flow(*p, cf, err)) << err.to_string();
  EXPECT_TRUE(cf.flags[size_t(h.target)] & kHandlerTarget) << listing;
  EXPECT_EQ(cf.depth[size_t(h.target)], h.depth + 1) << listing;
  EXPECT_EQ(cf.blocks[size_t(cf.block_of[size_t(h.target)])].start, h.target);
  // The block holding the call has a handler edge to the target; every covered pc knows it.
  int call = -1;
  for (int32_t pc = h.start; pc < h.end; pc++) {
    EXPECT_EQ(cf.handler[size_t(pc)], 0);
    if (p->code[size_t(pc)].op == Op::CALL) call = pc;
  }
  ASSERT_GE(call, 0) << listing;
  EXPECT_EQ(cf.handler_at(*p, call), &h);
  const FlowBlock& b = cf.blocks[size_t(cf.block_of[size_t(call)])];
  bool found = false;
  for (int32_t i = b.succ_begin; i < b.succ_end; i++)
    found |= cf.succs[size_t(i)].kind == EdgeKind::Handler && cf.succs[size_t(i)].block == cf.block_of[size_t(h.target)];
  EXPECT_TRUE(found) << blocks_of(cf) << listing;
  EXPECT_EQ(cf.handler[size_t(h.target)], -1);
}

TEST(ControlFlow, UnreachableCodeHasBlocksButNoDepth) {
  Proto p = unit(0, 2, {Instr{Op::INT, 0, 0, 1}, Instr{Op::RETURN}, Instr{Op::NIL}, Instr{Op::RETURN}});
  ControlFlow cf;
  VerifyError err;
  ASSERT_TRUE(analyze_flow(p, cf, err)) << err.to_string();
  EXPECT_EQ(depths_of(cf), "0 1 -1 -1");
  EXPECT_EQ(blocks_of(cf), "[0,2)\n[2,4)\n");
  EXPECT_TRUE(cf.reachable(1));
  EXPECT_FALSE(cf.reachable(2));
}

TEST(ControlFlow, AndJumpKeepsItsOperandOnTheTakenEdge) {
  // 0 true; 1 and_jump 3; 2 false; 3 return: both edges reach 3 with one operand.
  Proto p = unit(0, 1, {Instr{Op::TRUE}, Instr{Op::AND_JUMP, 0, 0, 3}, Instr{Op::FALSE}, Instr{Op::RETURN}});
  ControlFlow cf;
  VerifyError err;
  ASSERT_TRUE(analyze_flow(p, cf, err)) << err.to_string();
  EXPECT_EQ(depths_of(cf), "0 1 0 1");
  EXPECT_EQ(blocks_of(cf), "[0,2) taken:3 fall:2\n[2,3) fall:3\n[3,4)\n");
}

TEST(ControlFlow, StackDisciplineErrors) {
  ControlFlow cf;
  VerifyError err;
  // Depths 1 and 0 meet at pc 3.
  Proto merge = unit(0, 2, {Instr{Op::TRUE}, Instr{Op::JUMP_IF_TRUE, 0, 0, 3}, Instr{Op::INT, 0, 0, 1}, Instr{Op::NIL},
                            Instr{Op::RETURN}});
  EXPECT_FALSE(analyze_flow(merge, cf, err));
  EXPECT_NE(err.message.find("differs from"), std::string::npos) << err.message;
  Proto off = unit(0, 1, {Instr{Op::NIL}, Instr{Op::POP}});
  EXPECT_FALSE(analyze_flow(off, cf, err));
  EXPECT_EQ(err.message, "execution falls off the end of the unit");
  EXPECT_EQ(err.pc, 1);
  Proto under = unit(0, 2, {Instr{Op::NIL}, Instr{Op::ADD}, Instr{Op::RETURN}});
  EXPECT_FALSE(analyze_flow(under, cf, err));
  EXPECT_EQ(err.message, "add pops 2 values but the stack holds 1");
  Proto over = unit(0, 1, {Instr{Op::NIL}, Instr{Op::NIL}, Instr{Op::POP}, Instr{Op::RETURN}});
  EXPECT_FALSE(analyze_flow(over, cf, err));
  EXPECT_EQ(err.message, "stack depth 2 exceeds the declared maximum 1");
}

// A client of forward_dataflow: which slots are stored on every path (a bit set), read back at
// each instruction in `seen`.
struct StoredSlots {
  using State = uint64_t;
  const Proto& p;
  std::vector<uint64_t> seen;  // the state before each pc, as of the last visit
  bool join(State& into, bool first, const State& from, EdgeKind, int) {
    State m = first ? from : (into & from);
    bool changed = first || m != into;
    into = m;
    return changed;
  }
  bool step(int pc, State& s) {
    seen[size_t(pc)] = s;
    const Instr& in = p.code[size_t(pc)];
    if (op_info(in.op).slot == SlotUse::Write) s |= uint64_t(1) << in.x;
    return true;
  }
};

TEST(ControlFlow, ForwardDataflowMeetsAtJoinsAndLoops) {
  // Slot 0 is stored on both arms of an if, slot 1 on one arm, slot 2 only inside a loop body.
  Proto p = unit(3, 2,
                 {
                     Instr{Op::TRUE},                     // 0
                     Instr{Op::JUMP_IF_FALSE, 0, 0, 7},   // 1
                     Instr{Op::INT, 0, 0, 1},             // 2
                     Instr{Op::STORE_LOCAL, 0, 0, 0},     // 3
                     Instr{Op::INT, 0, 0, 2},             // 4
                     Instr{Op::STORE_LOCAL, 0, 0, 1},     // 5
                     Instr{Op::JUMP, 0, 0, 9},            // 6
                     Instr{Op::INT, 0, 0, 3},             // 7
                     Instr{Op::STORE_LOCAL, 0, 0, 0},     // 8
                     Instr{Op::TRUE},                     // 9  loop header: join of both arms and the back edge
                     Instr{Op::JUMP_IF_FALSE, 0, 0, 14},  // 10
                     Instr{Op::INT, 0, 0, 4},             // 11
                     Instr{Op::STORE_LOCAL, 0, 0, 2},     // 12
                     Instr{Op::LOOP, 0, 0, 9},            // 13
                     Instr{Op::NIL},                      // 14
                     Instr{Op::RETURN},                   // 15
                 });
  ControlFlow cf;
  VerifyError err;
  ASSERT_TRUE(analyze_flow(p, cf, err)) << err.to_string();
  StoredSlots c{p, std::vector<uint64_t>(p.code.size(), ~uint64_t(0))};
  ASSERT_TRUE(forward_dataflow(p, cf, c, uint64_t(0)));
  EXPECT_EQ(c.seen[9], 1u) << "slot 0 on both arms; slot 2 not on the first entry";
  EXPECT_EQ(c.seen[14], 1u);
  EXPECT_EQ(c.seen[13], 1u | 4u);
  EXPECT_EQ(c.seen[6], 3u);
  EXPECT_TRUE(cf.is_loop_header(9));
}

}  // namespace
}  // namespace gene
