// auto, what a user runs: interp -> baseline -> spec. A hot unit gets baseline code first and
// moves to spec once it stays hot, at its next call or by OSR at a back-edge of the baseline
// code, and every step agrees with the interpreter.
#include <gtest/gtest.h>

#include <string>

#include "jit/tier_manager.h"
#include "tests/tiers/tier_run.h"

namespace {

using gene::tier_test::expect_same;
using gene::tier_test::run;
using gene::tier_test::stat;

// A function hot enough for both steps at the default thresholds (100 calls, then 1000 more).
const char* kHotFunction = "(fn f [x] ((x * 3) + 1))\n(var t 0)\n(for i in (range 0 5000) (t += (f i)))\nt";
// One top-level loop: the interpreter OSRs into baseline code, which OSRs into spec code.
const char* kHotLoop = "(var t 0)\n(var i 0)\n(while (i < 100000) (t += (i % 7)) (i += 1))\nt";

TEST(AutoTier, CompilesBaselineFirstThenSpec) {
  auto o = run(kHotFunction, "auto");
  expect_same(run(kHotFunction, "interp"), o);
  EXPECT_GE(stat(o, "baseline_compiles"), 1);
  EXPECT_GE(stat(o, "spec_compiles"), 1);
}

TEST(AutoTier, SpecAloneSkipsTheBaseline) {
  auto o = run(kHotFunction, "spec");
  EXPECT_EQ(stat(o, "baseline_compiles"), 0);
  EXPECT_GE(stat(o, "spec_compiles"), 1);
}

TEST(AutoTier, AWarmButNotHotUnitStaysAtBaseline) {
  const char* src = "(fn f [x] (x + 1))\n(var t 0)\n(for i in (range 0 300) (t += (f i)))\nt";
  auto o = run(src, "auto");
  expect_same(run(src, "interp"), o);
  EXPECT_GE(stat(o, "baseline_compiles"), 1);
  EXPECT_EQ(stat(o, "spec_compiles"), 0);
}

TEST(AutoTier, AHotLoopMovesFromBaselineToSpecThroughOsr) {
  auto o = run(kHotLoop, "auto");
  expect_same(run(kHotLoop, "interp"), o);
  EXPECT_EQ(stat(o, "baseline_compiles"), 1);
  EXPECT_EQ(stat(o, "spec_compiles"), 1);
  EXPECT_EQ(stat(o, "osr_entries"), 2);  // interp -> baseline, baseline -> spec
}

// A guard that keeps failing sends the unit back to the baseline code it already has (not to
// the interpreter, not to a new baseline compile), after a bounded number of exits; here the
// retry at spec finds the site better served by baseline code and stays there.
TEST(AutoTier, RepeatedExitsReturnTheUnitToItsBaselineCode) {
  const char* src =
      "(fn f [m y] (m/k + ((y - 1) * (y + 3))))\n(var a {^k 1})\n"
      "(var b {^a 1 ^b 2 ^c 3 ^d 4 ^e 5 ^f 6 ^g 7 ^h 8 ^i 9 ^j 10 ^l 11 ^m 12 ^n 13 ^o 14 ^p 15 ^q 16 ^r 17 ^k 2})\n"
      "(var t 0)\n(for i in (range 0 3000) (t += (f a i)))\n(for i in (range 0 5000) (t += (f b i)))\nt";
  auto o = run(src, "auto");
  expect_same(run(src, "interp"), o);
  // f's map guard; once the top level's call in its second loop, which had not run when the
  // top level compiled (an `unreached` exit, learnt at once); and once f's map guard inlined
  // there (its feedback is `a`'s entry position).
  EXPECT_EQ(stat(o, "deopts"), double(gene::jit::kExitsBeforeRecompile) + 2);
  // f, and the top level twice (auto inlines f into its first loop, which makes it worth spec
  // code; the second version has the second loop's feedback).
  EXPECT_EQ(stat(o, "spec_compiles"), 3);
  // f and the top level, then f once more without tier-up counters when spec declines it (never
  // a fresh baseline compile per deopt).
  EXPECT_EQ(stat(o, "baseline_compiles"), 3);
}

TEST(AutoTier, AgreesWithTheInterpreterUnderDeoptStress) {
  for (int every : {1, 3}) {
    gene::JitOptions j;
    j.threshold = 2;
    j.deopt_every = every;
    for (const char* src : {kHotFunction, kHotLoop}) {
      SCOPED_TRACE(std::to_string(every) + ": " + src);
      expect_same(run(src, "interp"), run(src, "auto", j));
    }
  }
}

}  // namespace
