// Compiler (interp/compiler.h): bytecode shape of small forms through the opcode table,
// peephole superinstructions, cells for captured variables, slots and stack sizes, and every
// compile error of SPEC §3.1 with its position.
#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <sstream>

#include "interp/object.h"
#include "interp/verifier.h"
#include "test_util.h"

namespace gene {
namespace {

using test::compile;
using test::Compiled;
using test::mnemonics;
using Ops = std::vector<std::string>;

const Proto& unit(const Compiled& c, const std::string& name) {
  for (auto& p : c.prog.protos)
    if (p->name == name) return *p;
  ADD_FAILURE() << "no unit named " << name;
  return *c.prog.protos.at(0);
}

std::unique_ptr<Compiled> ok(const std::string& src) {
  auto c = compile(src);
  EXPECT_TRUE(c->ok) << c->err.line << ":" << c->err.col << ": " << c->err.message << "\n" << src;
  return c;
}

// The instructions of a unit, without its final `return`.
Ops body_ops(const Proto& p) {
  Ops ops = mnemonics(p);
  if (!ops.empty() && ops.back() == "return") ops.pop_back();
  return ops;
}

int index_of(const Proto& p, Op op, int from = 0) {
  for (size_t i = size_t(from); i < p.code.size(); i++)
    if (p.code[i].op == op) return int(i);
  return -1;
}

bool has(const Proto& p, Op op) { return index_of(p, op) >= 0; }

// ---------------------------------------------------------------------------------------------
// A structural check of every unit: operand ranges, and a flow analysis of the operand stack
// (jump_edge_delta on taken edges, handler entries at depth+1) that must agree at every merge
// point, never underflow, stay within max_stack, and never fall off the end of the code.
std::string check_shape(const VM& vm, const Program& prog) {
  std::ostringstream bad;
  for (auto& up : prog.protos) {
    const Proto& p = *up;
    std::string where = "unit " + std::to_string(p.id) + " '" + p.name + "'";
    if (p.code.empty()) return where + ": empty code";
    if (p.lines.size() != p.code.size()) return where + ": lines and code differ in size";
    if (p.nparams > p.nslots) return where + ": fewer slots than params";
    const int n = int(p.code.size());
    for (int pc = 0; pc < n; pc++) {
      const Instr& in = p.code[size_t(pc)];
      const OpInfo& info = op_info(in.op);
      auto check = [&](Operand kind, int32_t v) {
        switch (kind) {
          case Operand::Const:
            if (v < 0 || size_t(v) >= p.consts.size()) bad << where << " pc " << pc << ": const " << v << "\n";
            break;
          case Operand::Local: {
            int span = (in.op == Op::FOR_PREP || in.op == Op::RANGE_PREP || in.op == Op::FOR_NEXT) ? 2 : 1;
            if (v < 0 || v + span > p.nslots) bad << where << " pc " << pc << ": slot " << v << "\n";
            break;
          }
          case Operand::Upval:
            if (v < 0 || size_t(v) >= p.upvals.size()) bad << where << " pc " << pc << ": upval " << v << "\n";
            break;
          case Operand::Global:
            if (v < 0 || size_t(v) >= vm.globals.size()) bad << where << " pc " << pc << ": global " << v << "\n";
            break;
          case Operand::Jump:
            if (v < 0 || v >= n) bad << where << " pc " << pc << ": jump " << v << "\n";
            if (in.op == Op::LOOP && v > pc) bad << where << " pc " << pc << ": loop jumps forward\n";
            break;
          case Operand::Proto:
            if (v < 0 || size_t(v) >= p.children.size()) bad << where << " pc " << pc << ": child " << v << "\n";
            break;
          case Operand::Count:
            if (v < 0) bad << where << " pc " << pc << ": negative count\n";
            break;
          case Operand::Int:
          case Operand::None: break;
        }
      };
      check(info.x, in.x);
      check(info.y, in.y);
    }
    for (int32_t c : p.children) {
      if (c <= 0 || size_t(c) >= prog.protos.size()) return where + ": bad child id";
      const Proto& child = *prog.protos[size_t(c)];
      for (const UpvalDesc& u : child.upvals) {
        if (u.from_local && u.index >= p.nslots) bad << where << ": child upval slot out of range\n";
        if (!u.from_local && u.index >= p.upvals.size()) bad << where << ": child upval index out of range\n";
      }
    }
    std::vector<int> depth(size_t(n), -1);
    std::deque<int> work;
    auto reach = [&](int pc, int d, int from) {
      if (pc >= n) {
        bad << where << ": falls off the end after pc " << from << "\n";
        return;
      }
      if (depth[size_t(pc)] == -1) {
        depth[size_t(pc)] = d;
        work.push_back(pc);
      } else if (depth[size_t(pc)] != d) {
        bad << where << ": depth " << depth[size_t(pc)] << " vs " << d << " at merge pc " << pc << " (from " << from
            << ")\n";
      }
    };
    reach(0, 0, -1);
    for (const Handler& h : p.handlers) {
      if (!(0 <= h.start && h.start <= h.end && h.end <= n && h.target >= 0 && h.target < n && h.depth >= 0))
        return where + ": malformed handler";
      reach(h.target, h.depth + 1, -1);
    }
    while (!work.empty()) {
      int pc = work.front();
      work.pop_front();
      const Instr& in = p.code[size_t(pc)];
      int d = depth[size_t(pc)];
      if (d > p.max_stack) bad << where << " pc " << pc << ": depth " << d << " above max_stack\n";
      int pops = stack_pops(in);
      if (d < pops) {
        bad << where << " pc " << pc << ": stack underflow\n";
        continue;
      }
      int fall = d - pops + op_info(in.op).pushes;
      if (fall > p.max_stack) bad << where << " pc " << pc << ": depth " << fall << " above max_stack\n";
      int taken = d + jump_edge_delta(in);
      switch (in.op) {
        case Op::RETURN:
        case Op::THROW: break;
        case Op::JUMP:
        case Op::LOOP: reach(in.x, taken, pc); break;
        case Op::JUMP_IF_FALSE:
        case Op::JUMP_IF_TRUE:
        case Op::AND_JUMP:
        case Op::OR_JUMP:
        case Op::JUMP_UNLESS_LT:
        case Op::JUMP_UNLESS_LE:
        case Op::JUMP_UNLESS_GT:
        case Op::JUMP_UNLESS_GE:
        case Op::JUMP_UNLESS_EQ:
        case Op::JUMP_UNLESS_NE:
        case Op::FOR_NEXT:
          reach(in.x, taken, pc);
          reach(pc + 1, fall, pc);
          break;
        default: reach(pc + 1, fall, pc);
      }
    }
    for (const Handler& h : p.handlers)
      for (int pc = h.start; pc < h.end; pc++)
        if (depth[size_t(pc)] >= 0 && depth[size_t(pc)] < h.depth)
          bad << where << " pc " << pc << ": below its handler's depth\n";
  }
  return bad.str();
}

// ---------------------------------------------------------------------------------------------
TEST(CompilerShape, InfixAddIsLoadLoadAdd) {
  auto c = ok("(fn f [a b] (a + b))");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(mnemonics(f), (Ops{"load_local", "load_local", "add", "return"}));
  EXPECT_EQ(f.code[0].x, 0);
  EXPECT_EQ(f.code[1].x, 1);
  EXPECT_EQ(f.nparams, 2);
  EXPECT_EQ(f.nslots, 2);
  EXPECT_EQ(f.max_stack, 2);

  auto top = ok("(var a 1) (var b 2) (a + b)");
  const Proto& t = *top->prog.protos[0];
  EXPECT_EQ(t.name, "<top>");
  Ops ops = mnemonics(t);
  ASSERT_GE(ops.size(), 4u);
  EXPECT_EQ(Ops(ops.end() - 4, ops.end()), (Ops{"load_global", "load_global", "add", "return"}));
  EXPECT_EQ(t.code[t.code.size() - 4].x, top->vm->find_global("a"));
  EXPECT_EQ(t.code[t.code.size() - 3].x, top->vm->find_global("b"));
}

TEST(CompilerShape, EveryBinaryOperator) {
  const std::pair<const char*, const char*> cases[] = {
      {"+", "add"}, {"-", "sub"}, {"*", "mul"}, {"/", "div"}, {"%", "mod"}, {"<", "lt"},
      {"<=", "le"}, {">", "gt"},  {">=", "ge"}, {"==", "eq"}, {"!=", "ne"}};
  for (auto [word, mnemonic] : cases) {
    auto c = ok(std::string("(fn f [a b] (a ") + word + " b))");
    EXPECT_EQ(mnemonics(unit(*c, "f")), (Ops{"load_local", "load_local", mnemonic, "return"})) << word;
    auto p = ok(std::string("(fn f [a b] (") + word + " a b))");
    EXPECT_EQ(mnemonics(unit(*p, "f")), (Ops{"load_local", "load_local", mnemonic, "return"})) << word;
  }
}

TEST(CompilerShape, PrefixFormsFoldLeft) {
  auto c = ok("(fn f [a b c] (+ a b c)) (fn g [a b c] (- a b c)) (fn h [a] (- a)) (fn k [a] (+ a))"
              "(fn n [a] (not a)) (fn m [a] (! a)) (fn p [a b] (* a b a))");
  EXPECT_EQ(body_ops(unit(*c, "f")), (Ops{"load_local", "load_local", "add", "load_local", "add"}));
  EXPECT_EQ(body_ops(unit(*c, "g")), (Ops{"load_local", "load_local", "sub", "load_local", "sub"}));
  EXPECT_EQ(body_ops(unit(*c, "h")), (Ops{"load_local", "neg"}));
  EXPECT_EQ(body_ops(unit(*c, "k")), (Ops{"load_local", "pos"}));
  EXPECT_EQ(body_ops(unit(*c, "n")), (Ops{"load_local", "not"}));
  EXPECT_EQ(body_ops(unit(*c, "m")), (Ops{"load_local", "not"}));
  EXPECT_EQ(body_ops(unit(*c, "p")), (Ops{"load_local", "load_local", "mul", "load_local", "mul"}));
}

TEST(CompilerShape, Literals) {
  auto c = ok("(fn f [] [1 -2 nil true false 1.5 \"s\" :k]) (fn g [x] {^a 1 ^b x}) (fn h [] 140737488355327)"
              "(fn big [] [2147483647 2147483648 -2147483648 -2147483649])");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(mnemonics(f), (Ops{"int", "int", "nil", "true", "false", "const", "const", "const", "make_array", "return"}));
  EXPECT_EQ(f.code[1].x, -2);
  EXPECT_EQ(f.code[8].x, 8);
  EXPECT_TRUE(f.consts.at(size_t(f.code[5].x)).is_double());
  EXPECT_EQ(f.consts.at(size_t(f.code[5].x)).as_double(), 1.5);
  EXPECT_TRUE(is_obj_type(f.consts.at(size_t(f.code[6].x)), ObjType::String));
  EXPECT_TRUE(is_obj_type(f.consts.at(size_t(f.code[7].x)), ObjType::Symbol));
  const Proto& g = unit(*c, "g");
  EXPECT_EQ(mnemonics(g), (Ops{"const", "int", "const", "load_local", "make_map", "return"}));
  EXPECT_EQ(g.code[4].x, 2);
  const Proto& h = unit(*c, "h");
  EXPECT_EQ(mnemonics(h), (Ops{"const", "return"}));
  EXPECT_EQ(h.consts.at(size_t(h.code[0].x)).as_int(), kIntMax);
  // `int` holds an int32 immediate; wider literals go through the constant table.
  EXPECT_EQ(mnemonics(unit(*c, "big")), (Ops{"int", "const", "int", "const", "make_array", "return"}));
}

TEST(CompilerShape, ConstantsAreShared) {
  auto c = ok("(fn f [] [1.5 1.5 :k :k 2.5])");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(f.consts.size(), 3u);
  EXPECT_EQ(f.code[0].x, f.code[1].x);
  EXPECT_EQ(f.code[2].x, f.code[3].x);
}

TEST(CompilerPeephole, IntOperandFusesIntoAddSubMod) {
  auto c = ok("(fn a [i] (i + 1)) (fn s [i] (i - 3)) (fn m [i] (i % 4)) (fn neg [i] (i + -7))"
              "(fn wide [i] (i + 2147483647))");
  EXPECT_EQ(mnemonics(unit(*c, "a")), (Ops{"load_local", "add_int", "return"}));
  EXPECT_EQ(unit(*c, "a").code[1].x, 1);
  EXPECT_EQ(mnemonics(unit(*c, "s")), (Ops{"load_local", "sub_int", "return"}));
  EXPECT_EQ(unit(*c, "s").code[1].x, 3);
  EXPECT_EQ(mnemonics(unit(*c, "m")), (Ops{"load_local", "mod_int", "return"}));
  EXPECT_EQ(unit(*c, "m").code[1].x, 4);
  EXPECT_EQ(mnemonics(unit(*c, "neg")), (Ops{"load_local", "add_int", "return"}));
  EXPECT_EQ(unit(*c, "neg").code[1].x, -7);
  EXPECT_EQ(unit(*c, "wide").code[1].x, 2147483647);
  // The fused instruction keeps the form's line.
  auto l = ok("(fn f [i]\n  (i\n   +\n   1))");
  EXPECT_EQ(unit(*l, "f").lines[1], 2);
}

TEST(CompilerPeephole, NoFusionWhereSemanticsDiffer) {
  auto c = ok("(fn left [i] (1 + i)) (fn zero [i] (i % 0)) (fn negmod [i] (i % -3)) (fn mul [i] (i * 2))"
              "(fn big [i] (i + 140737488355327)) (fn div [i] (i / 2)) (fn fl [i] (i + 1.0))");
  EXPECT_EQ(mnemonics(unit(*c, "left")), (Ops{"int", "load_local", "add", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "zero")), (Ops{"load_local", "int", "mod", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "negmod")), (Ops{"load_local", "int", "mod", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "mul")), (Ops{"load_local", "int", "mul", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "big")), (Ops{"load_local", "const", "add", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "div")), (Ops{"load_local", "int", "div", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "fl")), (Ops{"load_local", "const", "add", "return"}));
}

TEST(CompilerPeephole, CounterStepFusesIntoIncLocal) {
  auto c = ok("(fn f [i] (i += 1) i) (fn g [i] (i = (i + 5)) i) (fn h [i] (i -= 2) i)");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(mnemonics(f), (Ops{"inc_local", "load_local", "return"}));
  EXPECT_EQ(f.code[0].x, 1);
  EXPECT_EQ(f.code[0].y, 0);
  const Proto& g = unit(*c, "g");
  EXPECT_EQ(mnemonics(g), (Ops{"inc_local", "load_local", "return"}));
  EXPECT_EQ(g.code[0].x, 5);
  // `-=` compiles to sub_int, which is not part of the inc_local pattern.
  EXPECT_EQ(body_ops(unit(*c, "h")), (Ops{"load_local", "sub_int", "store_local", "load_local"}));
}

TEST(CompilerPeephole, IncLocalOnlyForTheSameSlotAndAnUnusedValue) {
  auto c = ok("(fn other [i j] (i = (j + 1)) i) (fn used [i] (i += 1)) (fn cell [i] (i += 1) (fn [] i))"
              "(fn big [i] (i += 140737488355327) i)");
  EXPECT_EQ(body_ops(unit(*c, "other")), (Ops{"load_local", "add_int", "store_local", "load_local"}));
  EXPECT_EQ(body_ops(unit(*c, "used")), (Ops{"load_local", "add_int", "dup", "store_local"}));
  const Proto& cell = unit(*c, "cell");
  EXPECT_FALSE(has(cell, Op::INC_LOCAL)) << "a captured variable lives in a cell";
  EXPECT_TRUE(has(cell, Op::STORE_CELL));
  EXPECT_FALSE(has(unit(*c, "big"), Op::INC_LOCAL));
}

TEST(CompilerPeephole, NoFusionAcrossAJumpTarget) {
  // `int 2` is the else branch; `add` is a jump target of the then branch, so they stay apart.
  auto c = ok("(fn f [c x] (x + (if c 1 else 2)))");
  const Proto& f = unit(*c, "f");
  EXPECT_TRUE(has(f, Op::ADD));
  EXPECT_FALSE(has(f, Op::ADD_INT));
  EXPECT_EQ(check_shape(*c->vm, c->prog), "");
}

TEST(CompilerPeephole, CompareAndBranchFuse) {
  const std::pair<const char*, Op> cases[] = {{"<", Op::JUMP_UNLESS_LT}, {"<=", Op::JUMP_UNLESS_LE},
                                              {">", Op::JUMP_UNLESS_GT}, {">=", Op::JUMP_UNLESS_GE},
                                              {"==", Op::JUMP_UNLESS_EQ}, {"!=", Op::JUMP_UNLESS_NE}};
  for (auto [word, op] : cases) {
    auto c = ok(std::string("(fn f [a b] (if (a ") + word + " b) 1 else 2))");
    const Proto& f = unit(*c, "f");
    EXPECT_EQ(mnemonics(f), (Ops{"load_local", "load_local", op_info(op).name, "int", "jump", "int", "return"}));
    EXPECT_EQ(f.code[2].x, 5) << "taken edge goes to the else branch";
    EXPECT_EQ(f.code[4].x, 6) << "then branch jumps to the end";
  }
  auto w = ok("(fn f [n] (var i 0) (while (i < n) (i += 1)) i)");
  const Proto& f = unit(*w, "f");
  int j = index_of(f, Op::JUMP_UNLESS_LT);
  ASSERT_GE(j, 0);
  int loop = index_of(f, Op::LOOP);
  ASSERT_GE(loop, 0);
  EXPECT_EQ(f.code[size_t(j)].x, loop + 1);
  EXPECT_EQ(f.code[size_t(loop)].x, j - 2) << "the loop re-evaluates the condition";
}

TEST(CompilerPeephole, ShortCircuitConditionIsNotFused) {
  auto c = ok("(fn f [a b c] (if ((a < b) && c) 1 else 2))");
  EXPECT_EQ(body_ops(unit(*c, "f")), (Ops{"load_local", "load_local", "lt", "and_jump", "load_local", "jump_if_false",
                                          "int", "jump", "int"}));
}

TEST(CompilerShape, ShortCircuitJumpsPastTheRightOperand) {
  auto c = ok("(fn f [a b] (a && b)) (fn g [a b] (a || b))");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(mnemonics(f), (Ops{"load_local", "and_jump", "load_local", "return"}));
  EXPECT_EQ(f.code[1].x, 3);
  const Proto& g = unit(*c, "g");
  EXPECT_EQ(mnemonics(g), (Ops{"load_local", "or_jump", "load_local", "return"}));
  EXPECT_EQ(g.code[1].x, 3);
}

TEST(CompilerCells, CapturedLocalBecomesACell) {
  auto c = ok("(fn mk [] (var c 0) (fn [] c)) (fn plain [] (var c 0) c)");
  const Proto& mk = unit(*c, "mk");
  EXPECT_EQ(mnemonics(mk), (Ops{"int", "make_cell", "closure", "return"}));
  EXPECT_EQ(mk.code[1].x, 0);
  ASSERT_EQ(mk.children.size(), 1u);
  const Proto& inner = *c->prog.protos[size_t(mk.children[0])];
  EXPECT_EQ(inner.name, "");
  EXPECT_EQ(mnemonics(inner), (Ops{"load_upval", "return"}));
  ASSERT_EQ(inner.upvals.size(), 1u);
  EXPECT_TRUE(inner.upvals[0].from_local);
  EXPECT_EQ(inner.upvals[0].index, 0);
  EXPECT_EQ(mnemonics(unit(*c, "plain")), (Ops{"int", "store_local", "load_local", "return"}));
}

TEST(CompilerCells, UsesBeforeTheCaptureAreCellAccessesToo) {
  // The capture is found after `c` was already used: the unit is recompiled with c boxed.
  auto c = ok("(fn mk [] (var c 0) (c += 1) (var f (fn [] (c = 5))) (f) c)");
  const Proto& mk = unit(*c, "mk");
  EXPECT_TRUE(has(mk, Op::LOAD_CELL));
  EXPECT_TRUE(has(mk, Op::STORE_CELL));
  EXPECT_TRUE(has(mk, Op::MAKE_CELL));
  for (const Instr& in : mk.code)
    if (in.op == Op::LOAD_LOCAL || in.op == Op::STORE_LOCAL) {
      EXPECT_NE(in.x, 0) << "slot 0 is a cell";
    }
  const Proto& inner = *c->prog.protos[size_t(mk.children[0])];
  EXPECT_TRUE(has(inner, Op::STORE_UPVAL));
  EXPECT_EQ(check_shape(*c->vm, c->prog), "");
}

TEST(CompilerCells, CapturedParameterIsBoxedOnEntry) {
  auto c = ok("(fn mk [a p] (fn [] p))");
  const Proto& mk = unit(*c, "mk");
  Ops ops = mnemonics(mk);
  ASSERT_GE(ops.size(), 2u);
  EXPECT_EQ(Ops(ops.begin(), ops.begin() + 2), (Ops{"load_local", "make_cell"}));
  EXPECT_EQ(mk.code[0].x, 1);
  EXPECT_EQ(mk.code[1].x, 1);
}

TEST(CompilerCells, UpvaluesChainThroughIntermediateFunctions) {
  auto c = ok("(fn outer [] (var v 1) (fn middle [] (fn inner [] v)))");
  const Proto& middle = unit(*c, "middle");
  const Proto& inner = unit(*c, "inner");
  ASSERT_EQ(middle.upvals.size(), 1u);
  EXPECT_TRUE(middle.upvals[0].from_local);
  ASSERT_EQ(inner.upvals.size(), 1u);
  EXPECT_FALSE(inner.upvals[0].from_local);
  EXPECT_EQ(inner.upvals[0].index, 0);
  EXPECT_EQ(mnemonics(inner), (Ops{"load_upval", "return"}));
}

TEST(CompilerCells, LocalFunctionIsBoundBeforeItsBody) {
  auto c = ok("(fn outer [] (fn inner [n] (if (n == 0) 0 else (inner (n - 1)))) (inner 3))");
  const Proto& outer = unit(*c, "outer");
  Ops ops = mnemonics(outer);
  ASSERT_GE(ops.size(), 6u);
  EXPECT_EQ(Ops(ops.begin(), ops.begin() + 6), (Ops{"nil", "make_cell", "closure", "dup", "store_cell", "pop"}));
  const Proto& inner = unit(*c, "inner");
  EXPECT_TRUE(has(inner, Op::LOAD_UPVAL));
  EXPECT_FALSE(has(inner, Op::LOAD_GLOBAL));
}

TEST(CompilerShape, GlobalsAreDefinedStoredAndLoadedBySlot) {
  auto c = ok("(var g 1) (g = 2) (fn f [] g) (print = 3)");
  const Proto& top = *c->prog.protos[0];
  int slot = c->vm->find_global("g");
  ASSERT_GE(slot, 0);
  int def = index_of(top, Op::DEFINE_GLOBAL);
  ASSERT_GE(def, 0);
  EXPECT_EQ(top.code[size_t(def)].x, slot);
  int st = index_of(top, Op::STORE_GLOBAL);
  ASSERT_GE(st, 0);
  EXPECT_EQ(top.code[size_t(st)].x, slot);
  EXPECT_EQ(mnemonics(unit(*c, "f")), (Ops{"load_global", "return"}));
  EXPECT_EQ(unit(*c, "f").code[0].x, slot);
  int st2 = index_of(top, Op::STORE_GLOBAL, st + 1);
  ASSERT_GE(st2, 0);
  EXPECT_EQ(top.code[size_t(st2)].x, c->vm->find_global("print"));
}

TEST(CompilerShape, ForLoops) {
  auto c = ok("(fn r [] (for i in (range 0 3) i)) (fn a [xs] (for x in xs x))"
              "(fn l [] (var range (fn [a b] [a])) (for i in (range 0 3) i))");
  const Proto& r = unit(*c, "r");
  EXPECT_TRUE(has(r, Op::RANGE_PREP));
  EXPECT_FALSE(has(r, Op::FOR_PREP));
  int next = index_of(r, Op::FOR_NEXT);
  ASSERT_GE(next, 0);
  EXPECT_EQ(r.code[size_t(next)].y, r.code[size_t(index_of(r, Op::RANGE_PREP))].x);
  EXPECT_EQ(r.code[size_t(next) + 1].op, Op::STORE_LOCAL);
  EXPECT_EQ(r.nslots, 3);  // two hidden iteration slots and i
  const Proto& a = unit(*c, "a");
  EXPECT_TRUE(has(a, Op::FOR_PREP));
  EXPECT_FALSE(has(a, Op::RANGE_PREP));
  const Proto& l = unit(*c, "l");
  EXPECT_FALSE(has(l, Op::RANGE_PREP)) << "a local `range` is not the builtin";
  EXPECT_TRUE(has(l, Op::FOR_PREP));
}

TEST(CompilerShape, MethodsAndPaths) {
  auto c = ok("(fn m [a] (a .push 1)) (fn p [a] a/0/k) (fn s [a v] (a/0 = v)) (fn cs [a v] (a/k += v))");
  const Proto& m = unit(*c, "m");
  EXPECT_EQ(mnemonics(m), (Ops{"load_local", "int", "call_method", "return"}));
  EXPECT_EQ(m.code[2].y, 1);
  EXPECT_EQ(as_symbol(m.consts.at(size_t(m.code[2].x)))->name, "push");
  const Proto& p = unit(*c, "p");
  EXPECT_EQ(mnemonics(p), (Ops{"load_local", "get_path", "get_path", "return"}));
  EXPECT_EQ(p.consts.at(size_t(p.code[1].x)).as_int(), 0);
  EXPECT_EQ(as_symbol(p.consts.at(size_t(p.code[2].x)))->name, "k");
  EXPECT_EQ(mnemonics(unit(*c, "s")), (Ops{"load_local", "load_local", "set_path", "return"}));
  EXPECT_EQ(mnemonics(unit(*c, "cs")), (Ops{"load_local", "dup", "get_path", "load_local", "add", "set_path", "return"}));
}

TEST(CompilerShape, CallsPushCalleeThenArguments) {
  auto c = ok("(fn f [g x] (g x 2))");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(mnemonics(f), (Ops{"load_local", "load_local", "int", "call", "return"}));
  EXPECT_EQ(f.code[3].x, 2);
  EXPECT_EQ(f.max_stack, 3);
}

TEST(CompilerShape, TryRegistersAHandler) {
  auto c = ok("(fn f [] 1) (println (try (f) catch e e))");
  const Proto& top = *c->prog.protos[0];
  ASSERT_EQ(top.handlers.size(), 1u);
  const Handler& h = top.handlers[0];
  EXPECT_LT(h.start, h.end);
  EXPECT_LE(h.end, h.target);
  EXPECT_EQ(h.depth, 1) << "println's callee is on the stack when the try starts";
  EXPECT_EQ(top.code[size_t(h.target)].op, Op::STORE_LOCAL) << "the catch name binds the error value";
  EXPECT_EQ(top.code[size_t(h.end)].op, Op::JUMP) << "the try body jumps over the catch body";
  auto empty = ok("(try catch e 1)");
  EXPECT_TRUE(empty->prog.protos[0]->handlers.empty() || empty->prog.protos[0]->handlers[0].start <
                                                           empty->prog.protos[0]->handlers[0].end);
}

TEST(CompilerShape, BreakAndContinueDropOperandsAboveTheLoop) {
  auto c = ok("(fn f [] (while true (println 1 (break 2)))) (fn g [] (while true (println 1 (continue))))");
  const Proto& f = unit(*c, "f");
  int u = index_of(f, Op::UNWIND);
  ASSERT_GE(u, 0);
  EXPECT_EQ(f.code[size_t(u)].x, 2);
  EXPECT_EQ(f.code[size_t(u) + 1].op, Op::JUMP);
  const Proto& g = unit(*c, "g");
  int p = index_of(g, Op::POPN);
  ASSERT_GE(p, 0);
  EXPECT_EQ(g.code[size_t(p)].x, 2);
  EXPECT_EQ(g.code[size_t(p) + 1].op, Op::LOOP);
  EXPECT_EQ(check_shape(*c->vm, c->prog), "");
}

TEST(CompilerSlots, SiblingBlocksShareSlots) {
  auto c = ok("(fn f [a b] (var c 1) (do (var d 2) d) (do (var e 3) e) c)");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(f.nparams, 2);
  EXPECT_EQ(f.nslots, 4);
  auto r = ok("(fn f [a] (var a 2) a)");
  EXPECT_EQ(unit(*r, "f").nslots, 1) << "a var of a parameter's name reuses the parameter";
  auto top = ok("(var x 1) (do (var y 2) (do (var z 3)))");
  EXPECT_EQ(top->prog.protos[0]->nslots, 2) << "top-level vars are globals, block vars are slots";
}

TEST(CompilerSlots, MaxStackIsExactForStraightLineCode) {
  EXPECT_EQ(ok("(println 1 2 3)")->prog.protos[0]->max_stack, 4);
  EXPECT_EQ(ok("[[1 2] [3 [4 5]]]")->prog.protos[0]->max_stack, 4);
  EXPECT_EQ(ok("1")->prog.protos[0]->max_stack, 1);
}

TEST(CompilerLines, EveryInstructionCarriesItsFormsLine) {
  auto c = ok("(fn f [a]\n  (println\n    a\n    (a\n      + 2)))");
  const Proto& f = unit(*c, "f");
  EXPECT_EQ(mnemonics(f), (Ops{"load_global", "load_local", "load_local", "add_int", "call", "return"}));
  EXPECT_EQ(f.lines, (std::vector<int32_t>{2, 3, 4, 4, 2, 1}));
}

TEST(CompilerShape, WellFormedOnAVarietyOfPrograms) {
  const char* programs[] = {
      "(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2))))) (fib 10)",
      "(var s 0) (for i in (range 0 10) (if ((i % 2) == 0) (continue)) (s += i)) s",
      "(var i 0) (while (if (i > 3) (break 7) else true) (i += 1))",
      "(var r []) (for i in [1 2 3] (for j in (range 0 3) (if (j == 1) (continue)) (if (i == 2) (break))"
      " (r .push [i j]))) r",
      "(fn f [] (var t 0) (for i in (range 0 9) (t = (try (if ((i % 7) == 0) (throw i) else i) catch e (- e))))"
      " t) (f)",
      "(println (while true (println 1 2 (break 3))))",
      "(fn mk [] (var c 0) (fn [] (c += 1))) (var a (mk)) (a) (a)",
      "(var m {^a 1}) (m/a += 2) (m .set :b [1 2]) (m/b/0 = 5) m",
      "(fn f [x] (try (try (x / \"a\") catch e (throw e)) catch e2 e2/kind)) (f 1)",
      "(var x (if false 1 elif nil 2 elif 0 3 else 4)) (loop (if true (break x)))",
      "(var a [1 2 3]) (println (&& 1 2) (|| nil 3) (! a) (not nil) (- 4) (+ 1 2 3) (* 2 3))",
      "(fn f [n] (while true (if (n > 3) (return n)) (n += 1))) (f 0)",
      "(fn f [] (for x in [1 2] (fn [] x))) (f)",
      "(do (var q 1) (fn g [] q) (g))",
      "(try (println 1 2 (try (throw 1) catch a (throw a))) catch b b)",
  };
  for (const char* src : programs) {
    auto c = ok(src);
    if (!c->ok) continue;
    EXPECT_EQ(check_shape(*c->vm, c->prog), "") << src;
    VerifyError ve;
    EXPECT_TRUE(verify_program(*c->vm, c->prog, ve)) << src << "\n" << ve.to_string();
  }
}

// ---------------------------------------------------------------------------------------------
struct ErrorCase {
  const char* src;
  const char* where;   // line:col
  const char* needle;  // part of the message
};

void expect_compile_error(const ErrorCase& e) {
  auto c = compile(e.src);
  ASSERT_FALSE(c->ok) << "expected a compile error: " << e.src;
  std::string where = std::to_string(c->err.line) + ":" + std::to_string(c->err.col);
  EXPECT_EQ(where, e.where) << e.src << " -> " << c->err.message;
  EXPECT_NE(c->err.message.find(e.needle), std::string::npos) << e.src << " -> " << c->err.message;
}

TEST(CompilerErrors, ChainedInfix) {
  for (const ErrorCase& e : {ErrorCase{"(1 + 2 + 3)", "1:4", "chained infix '+'"},
                             ErrorCase{"(var a 1) (var b 2)\n  (a < b < 3)", "2:6", "chained infix '<'"},
                             ErrorCase{"(true && false || true)", "1:7", "chained infix '&&'"},
                             ErrorCase{"(fn f [x] (x * x * x))", "1:14", "chained infix '*'"}})
    expect_compile_error(e);
}

TEST(CompilerErrors, EmptyForm) {
  expect_compile_error({"()", "1:1", "empty form ()"});
  expect_compile_error({"(println\n  ())", "2:3", "empty form ()"});
}

TEST(CompilerErrors, AssignmentToAnUndeclaredName) {
  for (const ErrorCase& e : {ErrorCase{"(y = 1)", "1:2", "assignment to undeclared variable 'y'"},
                             ErrorCase{"(y += 1)", "1:2", "undeclared variable 'y'"},
                             ErrorCase{"(fn f []\n  (w -= 1))", "2:4", "undeclared variable 'w'"},
                             ErrorCase{"(do (var z 1)) (z = 2)", "1:17", "undeclared variable 'z'"},
                             ErrorCase{"(fn f [] (var k 1)) (k = 2)", "1:22", "undeclared variable 'k'"},
                             ErrorCase{"(if true (var b 1)) (b *= 2)", "1:22", "undeclared variable 'b'"}})
    expect_compile_error(e);
}

TEST(CompilerErrors, AssignmentToDeclaredNamesCompiles) {
  const char* fine[] = {
      "(var x) (x = 1)",
      "(fn f [] (z = 1)) (var z 0)",   // declared by a top-level var later in the file
      "(fn f [] (g = 1)) (fn g [] 0)",  // ... or a top-level fn
      "(print = 1) (range += 1)",      // builtins can be reassigned
      "(println (var n 1)) (n = 2)",   // a var nested in an expression outside blocks is global
      "(fn f [a] (a = 2))",
      "(do (var d 1) (d = 2))",
  };
  for (const char* src : fine) {
    auto c = compile(src);
    EXPECT_TRUE(c->ok) << src << " -> " << c->err.message;
  }
}

TEST(CompilerErrors, DuplicateParameters) {
  expect_compile_error({"(fn f [a b a] a)", "1:12", "duplicate parameter name 'a'"});
  expect_compile_error({"(fn [x x] 1)", "1:8", "duplicate parameter name 'x'"});
}

TEST(CompilerErrors, ThrowWithoutValue) {
  expect_compile_error({"(throw)", "1:1", "throw takes exactly one value"});
  expect_compile_error({"(throw 1 2)", "1:1", "throw takes exactly one value"});
}

TEST(CompilerErrors, TryNeedsExactlyOneCatchName) {
  expect_compile_error({"(try 1)", "1:1", "try needs exactly one 'catch NAME'"});
  expect_compile_error({"(try 1 catch e 2 catch f 3)", "1:1", "exactly one 'catch NAME'"});
  expect_compile_error({"(try 1 catch)", "1:8", "catch needs a name"});
  expect_compile_error({"(try 1 catch 5 2)", "1:14", "expected a name for catch"});
  expect_compile_error({"(try 1 catch nil 2)", "1:14", "'nil' is reserved"});
}

TEST(CompilerErrors, ReturnAtTopLevel) {
  expect_compile_error({"(return 1)", "1:1", "return outside a function"});
  expect_compile_error({"(do\n (return))", "2:2", "return outside a function"});
  expect_compile_error({"(while true (return))", "1:13", "return outside a function"});
}

TEST(CompilerErrors, BreakAndContinueOutsideALoop) {
  expect_compile_error({"(break)", "1:1", "break outside a loop"});
  expect_compile_error({"(continue)", "1:1", "continue outside a loop"});
  expect_compile_error({"(fn f [] (break 1))", "1:10", "break outside a loop"});
  expect_compile_error({"(while true (fn [] (continue)))", "1:20", "continue outside a loop"});
  expect_compile_error({"(while true (break 1 2))", "1:13", "break takes at most one value"});
  expect_compile_error({"(while true (continue 1))", "1:13", "continue takes no value"});
}

TEST(CompilerErrors, OperatorWithoutOperands) {
  expect_compile_error({"(+)", "1:1", "operator '+' needs at least one operand"});
  expect_compile_error({"(-)", "1:1", "operator '-' needs at least one operand"});
  expect_compile_error({"(*)", "1:1", "operator '*' needs at least one operand"});
  expect_compile_error({"(< 1)", "1:1", "takes exactly two operands"});
  expect_compile_error({"(== 1 2 3)", "1:1", "takes exactly two operands"});
  expect_compile_error({"(/ 1 2 3)", "1:1", "takes exactly two operands"});
  expect_compile_error({"(not)", "1:1", "takes exactly one operand"});
  expect_compile_error({"(! 1 2)", "1:1", "takes exactly one operand"});
  expect_compile_error({"(1 +)", "1:4", "needs two operands"});
}

TEST(CompilerErrors, ReservedWordsCannotNameVariables) {
  for (const ErrorCase& e : {ErrorCase{"(var if 1)", "1:6", "'if' is reserved"},
                             ErrorCase{"(var not 1)", "1:6", "'not' is reserved"},
                             ErrorCase{"(fn while [] 1)", "1:5", "'while' is reserved"},
                             ErrorCase{"(fn f [else] 1)", "1:8", "'else' is reserved"},
                             ErrorCase{"(for in in [1] 1)", "1:6", "'in' is reserved"},
                             ErrorCase{"(var true 1)", "1:6", "'true' is reserved"},
                             ErrorCase{"(catch = 1)", "1:2", "'catch' is reserved"},
                             ErrorCase{"(println elif)", "1:10", "unexpected 'elif'"},
                             ErrorCase{"(else 1)", "1:2", "unexpected 'else'"},
                             ErrorCase{"(var fn 1)", "1:6", "'fn' is reserved"}})
    expect_compile_error(e);
}

TEST(CompilerErrors, MalformedForms) {
  for (const ErrorCase& e : {ErrorCase{"(var)", "1:1", "var takes a name"},
                             ErrorCase{"(var x 1 2)", "1:1", "var takes a name"},
                             ErrorCase{"(var 1 2)", "1:6", "expected a name for var"},
                             ErrorCase{"(fn)", "1:1", "fn needs a parameter list"},
                             ErrorCase{"(fn [1] 1)", "1:6", "expected a name for a parameter"},
                             ErrorCase{"(fn a 1)", "1:7", "fn needs a parameter list"},
                             ErrorCase{"(if)", "1:1", "if needs a condition"},
                             ErrorCase{"(if 1 2 elif)", "1:9", "elif needs a condition"},
                             ErrorCase{"(if 1 2 else 3 else 4)", "1:16", "'else' after else"},
                             ErrorCase{"(while)", "1:1", "while needs a condition"},
                             ErrorCase{"(for x [1] 1)", "1:1", "for needs the form"},
                             ErrorCase{"(x = 1 2)", "1:4", "takes a target and one value"},
                             ErrorCase{"(1 = 2)", "1:2", "cannot assign to this"},
                             ErrorCase{"(println 1 +)", "1:12", "operator '+' used as a value"},
                             ErrorCase{"(println +)", "1:10", "infix '+' needs two operands"},
                             ErrorCase{".size", "1:1", "needs a receiver"}})
    expect_compile_error(e);
}

TEST(CompilerErrors, ParseErrorsComeFirstThenSourceOrder) {
  expect_compile_error({"(y = 1)\n\"\\q\"", "2:2", "invalid escape"});
  expect_compile_error({"(fn f [] (a + b + c))\n(y = 1)", "1:13", "chained infix"});
  expect_compile_error({"(println 1)\n(fn g [] (break))\n()", "2:10", "break outside a loop"});
  expect_compile_error({"(fn f [] (fn g [] (q = 1)))\n(throw)", "1:20", "undeclared variable 'q'"});
}

}  // namespace
}  // namespace gene
