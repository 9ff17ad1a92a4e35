// The tier manager: code installed per unit and tier, invalidation (callers fall back, memory
// back to the code cache once no frame of the unit is live), and recompilation.
#include <gtest/gtest.h>

#include "interp/compiler.h"
#include "interp/interpreter.h"
#include "interp/reader.h"
#include "interp/type_feedback.h"
#include "interp/verifier.h"
#include "jit/tier_manager.h"

namespace {

using gene::jit::Tier;
using gene::jit::TierManager;
using gene::jit::TierPolicy;
using gene::jit::UnitState;

// A compiled, verified program and a VM to run it on with a tier manager attached.
struct Fixture {
  gene::VM vm;
  gene::Program prog;
  TierManager jit;

  explicit Fixture(const std::string& src, TierPolicy policy = eager()) : jit(size_t(4) << 20, policy) {
    gene::NodeList forms;
    gene::SourceError err;
    prog.file = "t.gene";
    EXPECT_TRUE(gene::read_program(src, forms, err) && gene::compile_program(vm, forms, prog, err)) << err.message;
    gene::VerifyError verr;
    EXPECT_TRUE(gene::verify_program(vm, prog, verr)) << verr.to_string();
    gene::prepare_feedback(prog);
    vm.out_file = nullptr;
    jit.attach(vm);
  }
  static TierPolicy eager() {
    TierPolicy p;
    p.call_threshold = p.loop_threshold = 0;
    return p;
  }
  std::string run() {
    vm.out.clear();
    gene::Value result;
    EXPECT_TRUE(gene::run_program(vm, prog, result));
    return vm.out;
  }
  gene::Proto& unit(const std::string& name) {
    for (auto& p : prog.protos)
      if (p->name == name) return *p;
    ADD_FAILURE() << "no unit " << name;
    return *prog.top();
  }
};

const char* const kProgram = "(fn sq [x] (x * x))\n(var s 0)\n(for i in (range 0 50) (s += (sq i)))\n(println s)";

TEST(TierManager, InstallsCodeForEachUnitItRuns) {
  Fixture f(kProgram);
  EXPECT_EQ(f.run(), "40425\n");
  UnitState& u = f.jit.unit(f.unit("sq"));
  EXPECT_EQ(u.active, int(Tier::Baseline));
  EXPECT_NE(u.entry, nullptr);
  EXPECT_NE(u.body, nullptr);
  EXPECT_EQ(u.call_body, u.body);
  EXPECT_TRUE(u.code[int(Tier::Baseline)]);
  EXPECT_EQ(f.jit.stats().functions_compiled, 2u);  // the top level and sq
}

TEST(TierManager, InvalidatedCodeIsReleasedAndCallersFallBack) {
  Fixture f(kProgram);
  f.run();
  gene::Proto& sq = f.unit("sq");
  size_t before = f.jit.cache().allocated_bytes();
  f.jit.invalidate(f.vm, sq);
  UnitState& u = f.jit.unit(sq);
  EXPECT_EQ(u.active, -1);
  EXPECT_EQ(u.entry, nullptr);
  EXPECT_EQ(u.body, nullptr);  // compiled callers now take the call helper
  EXPECT_EQ(u.call_body, static_cast<const void*>(gene::jit::gene_jit_interpreted_callee));  // or interpret it
  EXPECT_LT(f.jit.cache().allocated_bytes(), before);  // no frame of sq is live: freed at once
  EXPECT_EQ(f.jit.stats().invalidations, 1u);
}

TEST(TierManager, RecompilesAnInvalidatedUnitWhenItIsHotAgain) {
  Fixture f(kProgram);
  f.run();
  f.jit.invalidate(f.vm, f.unit("sq"));
  // The top level's compiled code still calls sq: through the helper, which asks the manager.
  EXPECT_EQ(f.run(), "40425\n");
  EXPECT_EQ(f.jit.unit(f.unit("sq")).active, int(Tier::Baseline));
  EXPECT_EQ(f.jit.stats().functions_compiled, 3u);
}

TEST(TierManager, CodeOfAUnitWithALiveFrameIsKeptUntilTheFrameIsGone) {
  Fixture f(kProgram);
  f.run();
  gene::Proto& sq = f.unit("sq");
  // Pretend a frame of sq is running (as during a call): its code must stay mapped.
  gene::Closure* c = f.vm.heap.new_closure(&sq);
  f.vm.frames.push_back({c, sq.code.data(), f.vm.stack + 1, true});
  size_t before = f.jit.cache().allocated_bytes();
  f.jit.invalidate(f.vm, sq);
  EXPECT_EQ(f.jit.cache().allocated_bytes(), before);
  f.vm.frames.pop_back();
  f.jit.compile(f.vm, sq, Tier::Baseline);  // the next compile frees what is unreachable now
  EXPECT_EQ(f.jit.cache().allocated_bytes(), before);  // old block gone, new one of equal size
}

// A deopt resumes the interpreter in units whose recording window may be closed: it opens them
// again, so the instruction the code did not expect is recorded (the next version needs it).
TEST(TierManager, ADeoptReopensTheRecordingWindowOfTheUnitItRebuilds) {
  TierPolicy p;
  p.highest = Tier::Spec;
  p.call_threshold = 10;
  p.loop_threshold = 1000000;
  Fixture fx("(fn f [x] (x + 1))\n(var s 0)\n(for i in (range 0 100) (s = (f i)))\n(println (f 0.5))", p);
  fx.vm.opts.type_feedback = true;
  gene::Proto& f = fx.unit("f");
  f.feedback_window = 5;  // closes after five interpreted calls, before f compiles
  EXPECT_EQ(fx.run(), "1.5\n");
  EXPECT_EQ(fx.jit.stats().deopts, 1u);
  EXPECT_EQ(f.feedback_window, gene::kFeedbackWindow);
  for (const gene::Instr& in : f.code) {
    if (in.op == gene::Op::ADD_INT) {
      EXPECT_EQ(in.feedback, gene::kSeenInt | gene::kSeenFloat);
    }
  }
}

}  // namespace
