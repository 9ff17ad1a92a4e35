// The spec tier against the interpreter, in-process: speculation after warm-up, every guard
// kind failing at the worst moment, the stress modes, and the recompile policy bounding deopts.
#include <gtest/gtest.h>

#include <string>

#include "interp/run.h"
#include "tests/tiers/tier_run.h"
#include "jit/tier_manager.h"

namespace {

using gene::tier_test::expect_same;
using gene::tier_test::run;
using gene::tier_test::stat;

gene::JitOptions hot(int threshold = 2) {
  gene::JitOptions j;
  j.threshold = threshold;
  return j;
}

TEST(SpecTier, IsListedAboveTheBaseline) {
  auto& tiers = gene::available_tiers();
  auto b = std::find(tiers.begin(), tiers.end(), "baseline");
  auto s = std::find(tiers.begin(), tiers.end(), "spec");
  ASSERT_NE(s, tiers.end());
  EXPECT_LT(b, s);
}

// Each program warms a site up on one kind, then feeds it another (or overflows, or divides by
// zero), so the guard the spec code relies on fails after the code is hot.
const char* const kGuardPrograms[] = {
    // int -> float at an add site
    "(fn f [x] (x + 1))\n(var t 0)\n(while (t < 300) (t = (f t)))\n(println (f 1.5))\nt",
    // int overflow after warm-up: the interpreter's overflow error, its line
    "(fn f [x] (x + 1))\n(var t 0)\n(while (t < 300) (t = (f t)))\n(f 140737488355326)\n(f 140737488355327)",
    // nil reaches arithmetic inside a hot loop
    "(var a [])\n(for i in (range 0 500) (a .push i))\n(a .push nil)\n(fn sum [a] (var s 0)\n"
    "  (for x in a (s += x)) s)\n(sum [1 2 3])\n(sum [4 5 6])\n(println (sum a))",
    // comparison kind changes: ints, then floats, then strings
    "(fn lt [a b] (a < b))\n(var n 0)\n(for i in (range 0 400) (if (lt i 200) (n += 1)))\n"
    "(println n (lt 1.5 2) (lt 2.5 2))\n(lt \"a\" \"b\")",
    // modulus by zero after warm-up
    "(fn m [a b] (a % b))\n(var s 0)\n(for i in (range 1 400) (s += (m 1000 i)))\n(println s)\n(m 5 0)",
    // a loop variable that turns float at the 1000th iteration (OSR code, loop phi guard)
    "(var x 0)\n(var i 0)\n(while (i < 3000) (if (i == 1000) (x = (x + 0.5)) else (x = (x + 1))) (i += 1))\nx",
    // a guard failing inside try: the handler still catches what the interpreter raises
    "(fn f [x] (x * 2))\n(var t 0)\n(for i in (range 0 300) (t += (f i)))\n"
    "(println (try (f nil) catch e \"caught\"))\nt",
    // deep operand stack live across the guard
    "(fn g [a b c d] [a b c (d + 1)])\n(var r nil)\n(for i in (range 0 300) (r = (g 1 2 3 i)))\n"
    "(println r)\n(str (g 1 2 3 2.5))",
    // recursion: deopt in an inner frame, outer frames keep running spec code
    "(fn f [n x] (if (n == 0) (x + 1) else ((f (n - 1) x) + 1)))\n(var s 0)\n"
    "(for i in (range 0 300) (s += (f 5 i)))\n(println s)\n(f 20 0.25)",
    // a condition that was always a bool becomes an int
    "(fn pick [c] (if c 1 else 2))\n(var s 0)\n(for i in (range 0 300) (s += (pick (i < 150))))\n"
    "(println s (pick 0) (pick nil))",
};

TEST(SpecTier, AgreesWithTheInterpreterWhenGuardsFailAfterWarmUp) {
  for (const char* src : kGuardPrograms) {
    SCOPED_TRACE(src);
    auto ref = run(src, "interp");
    auto jit = run(src, "spec", hot());
    expect_same(ref, jit);
  }
}

TEST(SpecTier, DeoptimizesWhenAWarmedUpIntSiteSeesAFloat) {
  auto o = run(kGuardPrograms[0], "spec", hot());
  EXPECT_EQ(o.stdout_text, "2.5\n");
  EXPECT_GE(stat(o, "deopts"), 1);
}

// A site that had never run when its unit compiled is an `unreached` exit; the interpreter
// records it and the next version specialises it like any other (a path site that learnt
// nothing from the exit would keep the unit at baseline).
TEST(SpecTier, ASiteFirstRunAfterTheCompileIsSpecialisedByTheNextVersion) {
  const char* src =
      "(fn f [m late] (if late (m/x + 1) else 0))\n(var m {^x 5})\n(var s 0)\n"
      "(for i in (range 0 3000) (s += (f m (i > 1500))))\ns";
  auto o = run(src, "spec");
  expect_same(run(src, "interp"), o);
  EXPECT_EQ(stat(o, "deopts"), 1);
  EXPECT_EQ(stat(o, "spec_compiles"), 3);  // the top level, f, f again with m/x
  EXPECT_EQ(stat(o, "baseline_compiles"), 0);
}

TEST(SpecTier, AgreesWithTheInterpreterWhenEveryGuardFails) {
  for (int every : {1, 2, 3, 7}) {
    gene::JitOptions j = hot();
    j.deopt_every = every;
    for (const char* src : kGuardPrograms) {
      SCOPED_TRACE(std::to_string(every) + ": " + src);
      expect_same(run(src, "interp"), run(src, "spec", j));
    }
  }
}

TEST(SpecTier, AgreesWithTheInterpreterWhenGuardsFailAtRandom) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    gene::JitOptions j = hot();
    j.deopt_random = seed;
    for (const char* src : kGuardPrograms) {
      SCOPED_TRACE(std::to_string(seed) + ": " + src);
      expect_same(run(src, "interp"), run(src, "spec", j));
    }
  }
}

TEST(SpecTier, StressModesReallyLeaveTheSpecCode) {
  gene::JitOptions j = hot();
  j.deopt_every = 1;
  // f is called 301 times; forced exits do not count towards recompilation (the stress would
  // otherwise end after a few versions), so every call leaves the spec code once.
  auto o = run(kGuardPrograms[0], "spec", j);
  EXPECT_GE(stat(o, "deopts"), 300);
}

// A site that changes kind for good costs a few exits, not one per iteration: after
// kExitsBeforeRecompile exits the unit is recompiled with what the interpreter learnt.
TEST(SpecTier, RecompilesInsteadOfExitingOnEveryIteration) {
  const char* src =
      "(fn f [x] (x + 1))\n(var t 0)\n(for i in (range 0 300) (t += (f i)))\n"
      "(var u 0.0)\n(for i in (range 0 20000) (u += (f 0.5)))\n[t u]";
  auto ref = run(src, "interp");
  auto o = run(src, "spec", hot());
  expect_same(ref, o);
  EXPECT_GE(stat(o, "deopts"), 1);
  EXPECT_LE(stat(o, "deopts"), double(gene::jit::kExitsBeforeRecompile * gene::jit::kMaxSpecVersions * 2));
}

TEST(SpecTier, AgreesWithTheInterpreterEagerlyWithoutFeedback) {
  gene::JitOptions eager;
  eager.eager = true;
  for (const char* src : kGuardPrograms) {
    SCOPED_TRACE(src);
    expect_same(run(src, "interp"), run(src, "spec", eager));
  }
}

// The main code of spec unit `unit` after running `src` on the spec tier: from its body's
// `push rbp` to the first `ret`, as --dump-asm lists it (empty if not found).
std::string spec_main_code(const std::string& src, const std::string& unit, gene::RunOutcome* outcome = nullptr,
                           const char* tier = "spec") {
  gene::JitOptions jit;
  jit.dump_asm = true;
  testing::internal::CaptureStderr();
  gene::RunOutcome o = run(src, tier, jit);
  std::string d = testing::internal::GetCapturedStderr();
  if (outcome) *outcome = o;
  size_t at = d.find("=== spec " + unit + " ");
  if (at == std::string::npos) return "";
  size_t body = d.find("push rbp", d.find(" ret\n", at));
  size_t end = d.find(" ret\n", body);
  return body == std::string::npos || end == std::string::npos ? "" : d.substr(body, end - body);
}

size_t occurrences(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
  return n;
}

// Two reads of the same field, one after the other (a map check between): the key's
// constant goes into rax once, and the second compare reuses it.
TEST(SpecTier, ConsecutiveReadsOfOneFieldLoadItsKeyOnce) {
  gene::RunOutcome o;
  std::string code = spec_main_code(
      "(fn pair_sum [a b] (a/v + b/v))\n"
      "(var m1 {^v 1 ^w 5})\n(var m2 {^v 2})\n(var t 0)\n"
      "(for i in (range 0 300) (t = (t + (pair_sum m1 m2))))\nt",
      "pair_sum", &o);
  EXPECT_EQ(o.result, "900");
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(occurrences(code, "], rax\n"), 2u) << code;  // both keys compared in line
  EXPECT_EQ(occurrences(code, "mov rax, 0x"), 1u) << code;
}

// A loop whose header only tests is rotated as it is emitted: the back edge makes the test
// and branches into the body, so no iteration takes an unconditional jump.
TEST(SpecTier, ALoopsBackEdgeTestsTheConditionItself) {
  gene::RunOutcome o;
  std::string code = spec_main_code(
      "(fn count_to [n]\n  (var i 0)\n  (while (i < n) (i = (i + 1)))\n  i)\n"
      "(var t 0)\n(for k in (range 0 300) (t = (t + (count_to 50))))\nt",
      "count_to", &o);
  EXPECT_EQ(o.result, "15000");
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(occurrences(code, "jmp "), 0u) << code;
  EXPECT_EQ(occurrences(code, " jl "), 1u) << code;  // the rotated test's
  EXPECT_EQ(occurrences(code, " jnl "), 1u) << code;  // the entry's, past the loop
}

// Parameters nothing in the unit writes stay in their frame slots (frame_homes.cpp): the two
// that lose rbp are read from there, not copied to spill slots, and the flushes before the
// calls (the recursions `down` keeps) store none of the three, even after the inlined loop,
// where the code generator no longer knows what the frame holds.
TEST(SpecTier, ParametersNothingWritesAreNeitherCopiedNorFlushed) {
  gene::RunOutcome o;
  std::string code = spec_main_code(
      "(fn down [n] (if (n == 0) 0 else (down (n - 1))))\n"
      "(fn count [n]\n  (var i 0)\n  (while (i < n) (i = (i + 1)))\n  i)\n"
      "(fn keep_across [a b c]\n  (count 3)\n  (down 3)\n  (down 2)\n  ((a + b) + c))\n"
      "(var t 0)\n(for k in (range 0 300) (t = (t + (keep_across k 1 2))))\nt",
      "keep_across", &o, "inline");
  EXPECT_EQ(o.result, "45750");
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(occurrences(code, "mov [rsp"), 0u) << code;
  for (const char* slot : {"[r12], ", "[r12+0x08], ", "[r12+0x10], "})
    EXPECT_EQ(occurrences(code, std::string("mov ") + slot), 0u) << slot << "\n" << code;
}

}  // namespace
