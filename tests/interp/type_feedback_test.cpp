// Type feedback: each site's byte collects the kinds of the operands it has seen, call sites
// their callee, and the slow paths (shared with the JIT) record what the fast paths cannot.
#include <gtest/gtest.h>

#include "interp/compiler.h"
#include "interp/interpreter.h"
#include "interp/reader.h"
#include "interp/type_feedback.h"
#include "interp/verifier.h"

namespace {

gene::VMOptions feedback_on() {
  gene::VMOptions o;
  o.type_feedback = true;
  return o;
}

struct Ran {
  gene::VM vm{feedback_on()};
  gene::Program prog;
  bool ok = false;

  explicit Ran(const std::string& src) {
    gene::NodeList forms;
    gene::SourceError err;
    prog.file = "t.gene";
    vm.out_file = nullptr;
    EXPECT_TRUE(gene::read_program(src, forms, err) && gene::compile_program(vm, forms, prog, err)) << err.message;
    gene::VerifyError verr;
    EXPECT_TRUE(gene::verify_program(vm, prog, verr)) << verr.to_string();
    gene::prepare_feedback(prog);
    gene::Value r;
    ok = gene::run_program(vm, prog, r);
  }
  const gene::Proto& unit(const std::string& name) const {
    for (auto& p : prog.protos)
      if (p->name == name) return *p;
    return *prog.top();
  }
  // The feedback byte of the first instruction with opcode `op` in unit `name`.
  uint8_t site(const std::string& name, gene::Op op) const {
    for (const gene::Instr& in : unit(name).code)
      if (in.op == op) return in.feedback;
    ADD_FAILURE() << "no such site";
    return 0;
  }
};

TEST(TypeFeedback, ArithmeticSiteCollectsEveryOperandKindItSaw) {
  Ran r("(fn add [a b] (a + b))\n(add 1 2)\n(add 1.5 2.5)\n(add \"x\" \"y\")");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.site("add", gene::Op::ADD), gene::kSeenInt | gene::kSeenFloat | gene::kSeenString);
}

TEST(TypeFeedback, AnIntOnlySiteSeesOnlyInts) {
  Ran r("(var s 0)\n(for i in (range 0 10) (s = (s * i)))\ns");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.site("<top>", gene::Op::MUL), gene::kSeenInt);
}

// Recording stops once a unit has had kFeedbackWindow calls and back edges (the JIT compiles
// long before); the fast and slow paths alike then run without it, and a unit whose window is
// open records even when called from one whose window is closed.
TEST(TypeFeedback, AUnitRecordsOnlyWithinItsWindow) {
  const std::string n = std::to_string(gene::kFeedbackWindow + 10);
  Ran r("(fn f [x] (x + 1))\n(fn g [x] (x - 1))\n(var s 0)\n"
        "(for i in (range 0 " + n + ") (s = (f s)))\n"    // f's window closes
        "(for i in (range 0 100) (s = (f 1.5)))\n"        // floats after it: not recorded
        "(for i in (range 0 100) (s = (g 2.5)))\ns");     // g's window is open: recorded
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.unit("f").feedback_window, 0u);
  EXPECT_EQ(r.site("f", gene::Op::ADD_INT), gene::kSeenInt);
  EXPECT_EQ(r.site("g", gene::Op::SUB_INT), gene::kSeenFloat);
  EXPECT_EQ(r.unit("g").feedback_window, gene::kFeedbackWindow - 100);
  EXPECT_EQ(r.unit("<top>").feedback_window, 0u);  // its first loop's back edges closed it
}

TEST(TypeFeedback, MapPathSitesRecordTheEntryTheirKeyWasAt) {
  Ran r("(fn gy [m] m/y)\n(fn sy [m] (m/y = 0))\n(var a {^x 1 ^y 2})\n(var b {^y 1})\n"
        "(gy a)\n(gy a)\n(sy a)\n(sy b)\n(gy [1])");
  ASSERT_TRUE(r.ok == false);  // the array: type_error, after the map reads were recorded
  auto pc_of = [&](const std::string& unit, gene::Op op) {
    const gene::Proto& p = r.unit(unit);
    for (size_t pc = 0; pc < p.code.size(); pc++)
      if (p.code[pc].op == op) return pc;
    return size_t(0);
  };
  EXPECT_EQ(gene::map_position_hint(r.unit("gy").callees, pc_of("gy", gene::Op::GET_PATH)), 1);
  EXPECT_EQ(gene::map_position_hint(r.unit("sy").callees, pc_of("sy", gene::Op::SET_PATH)), -1);  // 1, then 0
}

TEST(TypeFeedback, OverflowIsRecordedAtTheSiteThatOverflowed) {
  Ran r("(fn dbl [x] (x * 2))\n(try (dbl 140737488355327) catch e 0)");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.site("dbl", gene::Op::MUL), gene::kSeenInt | gene::kSeenOverflow);
}

TEST(TypeFeedback, PathAndMethodSitesRecordTheirReceiver) {
  Ran r("(var m {^a 1})\n(var a [1])\n(fn get [x] x/a)\n(get m)\n(a .push 2)");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.site("get", gene::Op::GET_PATH), gene::kSeenMap);
  EXPECT_EQ(r.site("<top>", gene::Op::CALL_METHOD), gene::kSeenArray);
}

TEST(TypeFeedback, CallSiteKeepsOneCalleeThenBecomesMegamorphic) {
  Ran r("(fn f [] 1)\n(fn g [] 2)\n(fn call [h] (h))\n(call f)\n(call f)");
  ASSERT_TRUE(r.ok);
  const gene::Proto& call = r.unit("call");
  const gene::Proto& f = r.unit("f");
  size_t pc = 0;
  while (call.code[pc].op != gene::Op::CALL) pc++;
  EXPECT_EQ(call.callees[pc], &f);

  Ran poly("(fn f [] 1)\n(fn g [] 2)\n(fn call [h] (h))\n(call f)\n(call g)\n(call print)");
  ASSERT_TRUE(poly.ok);
  const gene::Proto& call2 = poly.unit("call");
  EXPECT_EQ(call2.callees[pc], gene::kMegamorphic);
}

TEST(TypeFeedback, TheInterpreterAloneRecordsNothingOnItsFastPaths) {
  gene::NodeList forms;
  gene::SourceError err;
  gene::VM vm;  // type_feedback off: what `--tier interp` runs
  gene::Program prog;
  ASSERT_TRUE(gene::read_program("(var s 0)\n(for i in (range 0 10) (s = (s * i)))\ns", forms, err) &&
              gene::compile_program(vm, forms, prog, err));
  gene::prepare_feedback(prog);
  gene::Value r;
  ASSERT_TRUE(gene::run_program(vm, prog, r));
  for (const gene::Instr& in : prog.top()->code) {
    if (in.op == gene::Op::MUL) {
      EXPECT_EQ(in.feedback, 0);  // an int-only fast path
    }
  }
}

// The two-operand shortcut agrees with the kinds of each operand, for every pair of kinds.
TEST(TypeFeedback, KindsOfTwoOperandsAreTheKindsOfEach) {
  Ran r("(var keep [\"s\" [1] {^a 1} :sym])\nkeep");
  ASSERT_TRUE(r.ok);
  gene::Value objects = r.vm.globals[size_t(r.vm.global_slot("keep"))];
  ASSERT_TRUE(gene::is_obj_type(objects, gene::ObjType::Array));
  std::vector<gene::Value> vs = {gene::Value::integer(0), gene::Value::integer(-5), gene::Value::number(1.5),
                                 gene::Value::number(-0.0), gene::Value::nil(), gene::Value::boolean(true),
                                 gene::Value::boolean(false)};
  for (gene::Value o : static_cast<gene::Array*>(objects.as_obj())->items) vs.push_back(o);
  for (gene::Value a : vs)
    for (gene::Value b : vs) {
      EXPECT_EQ(gene::feedback_kinds(a, b), uint8_t(gene::feedback_kind(a) | gene::feedback_kind(b)))
          << gene::feedback_text(gene::feedback_kind(a)) << " and " << gene::feedback_text(gene::feedback_kind(b));
    }
}

TEST(TypeFeedback, DumpListsOnlySitesWithFeedback) {
  Ran r("(fn add [a b] (a + b))\n(add 1 2.5)");
  ASSERT_TRUE(r.ok);
  std::string d = gene::dump_feedback(r.vm, r.prog);
  EXPECT_NE(d.find("== feedback: add (unit 1)"), std::string::npos) << d;
  EXPECT_NE(d.find("add\tint|float"), std::string::npos) << d;
  EXPECT_NE(d.find("callee fn add#1"), std::string::npos) << d;
  EXPECT_EQ(d.find("load_local"), std::string::npos) << d;
}

}  // namespace
