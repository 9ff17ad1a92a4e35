// The inline tier (Milestone 3): spec code with small monomorphic callees compiled into their
// callers. Each test runs the interpreter beside it: inlining must never change what a user
// sees, and exits from inlined code must rebuild every frame the inlined calls did not push.
#include <gtest/gtest.h>

#include <string>

#include "jit/tier_manager.h"
#include "tests/tiers/tier_run.h"

namespace {

using gene::tier_test::expect_same;
using gene::tier_test::run;
using gene::tier_test::stat;

gene::RunOutcome run_with(const std::string& src, const std::string& tier, int max_depth, int64_t max_steps,
                          gene::JitOptions jit = {}) {
  gene::RunOptions opts;
  gene::TierSessionPtr session = gene::configure_tier(tier, jit, opts);
  opts.vm.max_depth = max_depth;
  opts.vm.max_steps = max_steps;
  return gene::run_source("t.gene", src, opts, nullptr);
}

const char* kLeafCalls =
    "(fn sq [x] (x * x))\n(fn norm [a b] ((sq a) + (sq b)))\n(var t 0)\n"
    "(for i in (range 0 5000) (t += (norm i 3)))\nt";

TEST(InlineTier, InlinesMonomorphicLeafCallsTwoLevelsDeep) {
  auto o = run(kLeafCalls, "inline");
  expect_same(run(kLeafCalls, "interp"), o);
  // norm's two sq calls inside norm; norm and its two sq calls inside the top level.
  EXPECT_EQ(stat(o, "inlined_sites"), 5);
  EXPECT_EQ(stat(o, "deopts"), 0);
}

// 84 instructions: above kMaxInlineInstructions, within kMaxLoopInlineInstructions.
std::string big_callee() {
  std::string terms;
  for (int k = 1; k <= 21; k++) terms += " (x * " + std::to_string(k) + ")";
  return "(fn big [x] (+" + terms + "))\n";
}

TEST(InlineTier, ALargerCalleeInlinesOnlyAtASiteInsideALoop) {
  const std::string in_loop = big_callee() + "(var t 0)\n(for i in (range 0 3000) (t += (big i)))\nt";
  auto o = run(in_loop, "inline");
  expect_same(run(in_loop, "interp"), o);
  EXPECT_EQ(stat(o, "inlined_sites"), 1);
  // Called from a recursion, outside any loop: only down's call of itself inlines (two levels).
  const std::string outside = big_callee() + "(fn down [n] (if (n == 0) 0 else ((big n) + (down (n - 1)))))\n(down 500)";
  auto r = run(outside, "inline");
  expect_same(run(outside, "interp"), r);
  EXPECT_EQ(stat(r, "inlined_sites"), 2);
  // Compiled at its 100th call, 99 frames of down deep: the code after the recursive call had
  // not run yet, but those frames would each exit there as they return, so it is no
  // `unreached` exit (one compile, no deopt).
  EXPECT_EQ(stat(r, "deopts"), 0);
}

TEST(InlineTier, ARecursiveCalleeInlinesOnlyIntoItselfNotIntoItsCallers) {
  // down inlines its own call (tiny: two levels); the loop calling down keeps its call, since
  // down's time goes to its recursion, which down's own code runs.
  const std::string src =
      "(fn down [n] (if (n == 0) 0 else (1 + (down (n - 1)))))\n(var t 0)\n"
      "(for i in (range 0 2000) (t += (down 3)))\nt";
  auto o = run(src, "inline");
  expect_same(run(src, "interp"), o);
  EXPECT_EQ(stat(o, "inlined_sites"), 2);
  EXPECT_EQ(stat(o, "deopts"), 0);
}

TEST(InlineTier, SpecDoesNotInline) {
  auto o = run(kLeafCalls, "spec");
  EXPECT_EQ(stat(o, "inlined_sites"), 0);
}

TEST(InlineTier, AutoInlinesToo) {
  auto o = run(kLeafCalls, "auto");
  expect_same(run(kLeafCalls, "interp"), o);
  EXPECT_GT(stat(o, "inlined_sites"), 0);
}

// A kind change inside the innermost of three inlined levels: the interpreter resumes in that
// frame and the error is caught by the try in the compiled unit, two levels above.
TEST(InlineTier, AnErrorThreeInlinedLevelsDeepIsCaughtByTheCompiledUnit) {
  const char* src =
      "(fn f3 [x] (x + 1))\n(fn f2 [x] ((f3 x) * 2))\n(fn f1 [x] ((f2 x) - 3))\n"
      "(fn g [x] (try (f1 x) catch e e/kind))\n(var t 0)\n(for i in (range 0 3000) (t += (g i)))\n"
      "[t (g nil) (g 1.5)]";
  auto o = run(src, "inline");
  expect_same(run(src, "interp"), o);
  EXPECT_GE(stat(o, "inlined_sites"), 3);
  EXPECT_GE(stat(o, "deopts"), 1);
}

// Redefining an inlined global drops every unit whose code inlined it, at the store: drive and
// the top level's OSR'd loop (which inlined drive and step). The next call of drive does not
// enter the stale code, so the only exit is the running top level leaving at its own store
// of the watched global (guard `watched`); no wrong_callee guard has to fail.
TEST(InlineTier, RedefiningAnInlinedCalleeInvalidatesTheUnitAtTheStore) {
  const char* src =
      "(fn step [x] (x + 1))\n(fn drive [n] ((step n) + 1))\n(var t 0)\n"
      "(for i in (range 0 3000) (t += (drive i)))\n(fn step [x] (x * 3))\n"
      "(for i in (range 0 3000) (t += (drive i)))\nt";
  auto o = run(src, "inline");
  expect_same(run(src, "interp"), o);
  EXPECT_EQ(stat(o, "deopts"), 1);
  EXPECT_EQ(stat(o, "invalidations"), 2);
}

// Storing another closure of the same function is no redefinition: the code stays.
TEST(InlineTier, StoringAnotherClosureOfTheSameCalleeKeepsTheCode) {
  const char* src =
      "(fn step [x] (x + 1))\n(var f step)\n(fn drive [n] ((f n) + 1))\n(var t 0)\n"
      "(for i in (range 0 3000) (t += (drive i)))\n(f = step)\n"
      "(for i in (range 0 3000) (t += (drive i)))\nt";
  auto o = run(src, "inline");
  expect_same(run(src, "interp"), o);
  EXPECT_EQ(stat(o, "invalidations"), 0);
  EXPECT_GE(stat(o, "inlined_sites"), 1);
}

// The redefinition happens while the unit runs (in a call it makes, then in the inlined body
// itself): the store invalidates it, and the running frame leaves at the inlined site's guard
// or at the store, so the new function runs from the next call on, as in the interpreter.
TEST(InlineTier, ARunningFrameNeverRunsTheStaleBody) {
  const char* src =
      "(fn triple [x] (x * 3))\n(fn scale [x] (x + 1))\n"
      "(fn redefine [i] (var j 0) (while (j < 2) (j = (j + 1))) (if (i == 700) (scale = triple)) i)\n"
      "(fn run [n] (var acc 0) (var i 0) (while (i < n) (acc = (acc + (scale i))) (redefine i) (i = (i + 1))) acc)\n"
      "(fn bump [x] (if (x == 900) (g = triple)) (x + 2))\n(var g bump)\n"
      "(fn drive [n] (var acc 0) (var i 0) (while (i < n) (acc = (acc + (g i))) (i = (i + 1))) acc)\n"
      "[(run 1500) (drive 2000)]";
  auto o = run(src, "inline");
  expect_same(run(src, "interp"), o);
  EXPECT_EQ(stat(o, "invalidations"), 2);
  EXPECT_GE(stat(o, "deopts"), 2);
}

// --max-depth counts inlined calls as real ones: the overflow is raised at the same call (the
// helper's line) as on the interpreter, whatever the depth limit.
TEST(InlineTier, MaxDepthCountsInlinedFrames) {
  const char* src =
      "(fn leaf [x] (x + 1))\n(fn down [n]\n (if (n == 0) 0 else\n  (do (var a\n   (leaf n))\n"
      "  (a + (down (n - 1))))))\n(for i in (range 0 300) (down 20))\n(down 100000)";
  for (int depth : {50, 51, 1000}) {
    SCOPED_TRACE(depth);
    auto i = run_with(src, "interp", depth, -1);
    auto o = run_with(src, "inline", depth, -1);
    expect_same(i, o);
    EXPECT_EQ(o.error_kind, "stack_overflow");
  }
}

// One room check for the deepest inlined call, before the loop that makes the calls: at every
// --max-depth around where the recursion runs out, the error comes at the same call (the
// interpreter's); rounds that keep running out of room recompile with a check at each call.
TEST(InlineTier, TheHoistedRoomCheckRaisesAtTheSameCallAtEveryDepth) {
  const char* src =
      "(fn leaf [x] (x + 1))\n(fn down [n]\n (var t 0)\n (var i 0)\n (while (i < 3)\n  (t += (leaf i))\n"
      "  (i += 1))\n (if (n == 0) t else (t + (down (n - 1)))))\n(for i in (range 0 300) (down 5))\n"
      "(var got [])\n(for r in (range 0 8) (got .push (try (down 100000) catch e e/kind)))\n(println got)\n(down 100000)";
  for (int depth : {30, 31, 32, 33, 200}) {
    SCOPED_TRACE(depth);
    auto i = run_with(src, "interp", depth, -1);
    auto o = run_with(src, "inline", depth, -1);
    expect_same(i, o);
    EXPECT_EQ(o.error_kind, "stack_overflow");
    EXPECT_GT(stat(o, "deopts"), 0);
  }
}

// --max-steps counts an inlined call's step exactly once: the step_limit error comes at the
// same point for every budget around where it runs out.
TEST(InlineTier, MaxStepsCountsEachInlinedCallOnce) {
  const char* src =
      "(fn inc [x] (x + 1))\n(fn spin [] (var t 0)\n (while true (t = (inc t)) (if ((t % 7) == 0) (println t))))\n"
      "(spin)";
  for (int64_t steps : {400, 401, 1501, 1502}) {
    SCOPED_TRACE(steps);
    gene::JitOptions j;
    j.threshold = 2;
    auto i = run_with(src, "interp", 10000, steps);
    auto o = run_with(src, "inline", 10000, steps, j);
    expect_same(i, o);
    EXPECT_EQ(o.error_kind, "step_limit");
    // inc, inlined in spin's first version and again in the second, compiled once the
    // println (which had not run yet: an `unreached` exit) ran.
    EXPECT_EQ(stat(o, "inlined_sites"), 2);
  }
}

TEST(InlineTier, AgreesWithTheInterpreterUnderDeoptStress) {
  const char* src =
      "(fn f3 [x] (x + 1))\n(fn f2 [x] ((f3 x) * 2))\n(fn f1 [x] ((f2 x) - 3))\n(var t 0)\n"
      "(for i in (range 0 3000) (t += (f1 i)))\n(println (try (f1 nil) catch e e/kind))\nt";
  for (int every : {1, 2, 3, 5}) {
    gene::JitOptions j;
    j.threshold = 2;
    j.deopt_every = every;
    SCOPED_TRACE(every);
    expect_same(run(src, "interp"), run(src, "inline", j));
  }
}

}  // namespace

namespace {

// A unit compiled in its first loop (OSR), before its call below the loop has ever run: the
// call is an `unreached` exit, and the version compiled after it inlines the callee (before,
// such a call stayed a call in every later run of the unit).
// Literals allocated in a hot inlined helper: enough for many collections.
const char* kLiterals =
    "(fn pair [a b] [a b])\n(fn churn [n] (var t 0) (for i in (range 0 n) (var p (pair i 2))"
    " (t += ((p .get 0) + (p .get 1)))) t)\n(churn 300000)";

TEST(InlineTier, ArrayLiteralsCollectInCompiledCodeWithoutLeaving) {
  gene::JitOptions j;
  j.threshold = 2;
  auto i = run(kLiterals, "interp");
  auto o = run(kLiterals, "inline", j);
  expect_same(i, o);
  EXPECT_GT(o.heap.collections, 10u);
  EXPECT_EQ(stat(o, "deopts"), 0);  // every collection ran out of line in compiled code
}

TEST(InlineTier, ACollectionDueWhereALiveValueIsInNoSlotLeavesWithoutDroppingTheCode) {
  // m/v, read before the literal, is reused after it without being in any slot: a due
  // collection there leaves for the interpreter (guard collect), which never counts.
  const char* src =
      "(fn f [m n] (var t 0) (for i in (range 0 n) (t += (m/v + 0)) (var a [i]) (t += (m/v + (a .get 0)))) t)\n"
      "(var m {^v 1})\n(var t 0)\n(for k in (range 0 20) (t += (f m 20000)))\nt";
  gene::JitOptions j;
  j.threshold = 2;
  auto i = run(src, "interp");
  auto o = run(src, "inline", j);
  expect_same(i, o);
  EXPECT_GT(stat(o, "deopts"), double(gene::jit::kExitsBeforeRecompile));
  EXPECT_EQ(stat(o, "invalidations"), 0);
}

TEST(InlineTier, ACallThatHadNotRunWhenItsUnitCompiledIsInlinedOnceItHas) {
  const char* src =
      "(fn sum_to [n] (var s 0) (for i in (range 0 n) (s += i)) s)\n"
      "(fn twice [x] (x * 2))\n"
      "(fn round [] (var a 0) (for i in (range 0 3000) (a += 1)) (twice (sum_to a)))\n"
      "(var t 0)\n(for k in (range 0 50) (t += (round)))\nt";
  auto o = gene::tier_test::run(src, "auto");
  gene::tier_test::expect_same(gene::tier_test::run(src, "interp"), o);
  EXPECT_GE(gene::tier_test::stat(o, "deopts"), 1);
  EXPECT_GE(gene::tier_test::stat(o, "inlined_sites"), 2);  // round's calls of twice and sum_to
}

}  // namespace
