// --max-steps (SPEC §3, docs/limits.md): more than N steps (LOOP back edges, CALLs, for's
// (range a b)) end the run with step_limit, which no try catches, at the same step on every
// tier. Each case runs the real binary on every variant `gene tiers` gives (interp; each JIT
// tier with default thresholds, eager, and a threshold of 2 so units switch tier mid-run and
// loops enter by OSR early) and requires stdout, stderr and exit to equal the interpreter's.
#include <gtest/gtest.h>

#include <functional>

#include "tests/vm/vm_test_util.h"

namespace {

using namespace vmtest;

struct Program {
  TempDir dir;
  std::string path;
  explicit Program(const std::string& text) : path(dir.file("p.gene")) { write_file(path, text); }
};

std::vector<std::vector<std::string>> variants() {
  ProcResult r = run_process({gene_binary(), "tiers"});
  std::vector<std::vector<std::string>> out;
  std::istringstream ss(r.out);
  for (std::string t; std::getline(ss, t);) {
    if (t.empty()) continue;
    if (t == "interp") {
      out.insert(out.begin(), {"--tier", t});
      continue;
    }
    out.push_back({"--tier", t});
    out.push_back({"--tier", t, "--jit-eager"});
    out.push_back({"--tier", t, "--jit-threshold", "2"});
  }
  return out;
}

std::string label(const std::vector<std::string>& v) {
  std::string s;
  for (const auto& a : v) s += (s.empty() ? "" : " ") + a;
  return s;
}

// Runs `path` with `flags` on every variant; every one must match the interpreter's run, which
// is returned.
ProcResult same_on_every_tier(const std::string& path, const std::vector<std::string>& flags) {
  static const auto all = variants();
  EXPECT_GE(all.size(), 2u) << "gene tiers lists no JIT tier";
  ProcResult ref;
  for (size_t i = 0; i < all.size(); i++) {
    std::vector<std::string> f = flags;
    f.insert(f.end(), all[i].begin(), all[i].end());
    ProcResult r = run_gene(path, f);
    EXPECT_EQ(r.signal, 0) << label(all[i]) << " crashed";
    if (i == 0) {
      ref = r;
      continue;
    }
    EXPECT_EQ(r.exit_code, ref.exit_code) << label(all[i]) << " " << label(flags);
    EXPECT_EQ(r.out, ref.out) << label(all[i]) << " " << label(flags);
    EXPECT_EQ(r.err, ref.err) << label(all[i]) << " " << label(flags);
  }
  return ref;
}

ProcResult run_steps(const std::string& path, int64_t n, std::vector<std::string> extra = {}) {
  extra.insert(extra.begin(), {"--max-steps", std::to_string(n)});
  return same_on_every_tier(path, extra);
}

void expect_step_limit(const ProcResult& r, const std::string& file, int line) {
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.err.rfind("error[step_limit]: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find("\n  at " + file + ":" + std::to_string(line) + "\n"), std::string::npos) << r.err;
}

// A program that takes exactly `steps` steps passes with --max-steps steps (same output as with
// no limit) and fails with one less, on every tier.
void expect_exact_steps(const std::string& text, int64_t steps) {
  Program p(text);
  ProcResult free_run = same_on_every_tier(p.path, {"--print-result"});
  ASSERT_EQ(free_run.exit_code, 0) << free_run.err;
  ProcResult enough = run_steps(p.path, steps, {"--print-result"});
  EXPECT_EQ(enough.exit_code, 0) << text << enough.err;
  EXPECT_EQ(enough.out, free_run.out) << text;
  if (steps == 0) return;
  ProcResult short_one = run_steps(p.path, steps - 1, {"--print-result"});
  EXPECT_EQ(short_one.exit_code, 1) << text;
  EXPECT_EQ(short_one.err.rfind("error[step_limit]: ", 0), 0u) << text << short_one.err;
}

TEST(StepLimit, InfiniteTopLevelLoop) {
  Program p("(var i 0)\n(loop\n  (i += 1))\n");
  expect_step_limit(run_steps(p.path, 1000), p.path, 2);
  expect_step_limit(run_steps(p.path, 0), p.path, 2);
}

TEST(StepLimit, OutputUpToTheExactCutOff) {
  // Steps: println "start" (1), then per iteration println (call) and the back edge. With 7
  // steps the 4th "tick" call is the 8th step.
  Program p("(println \"start\")\n(loop\n  (println \"tick\"))\n");
  ProcResult r = run_steps(p.path, 7);
  expect_step_limit(r, p.path, 3);
  EXPECT_EQ(r.out, "start\ntick\ntick\ntick\n");
  r = run_steps(p.path, 8);  // the 4th call runs; the back edge after it is the 9th step
  expect_step_limit(r, p.path, 2);
  EXPECT_EQ(r.out, "start\ntick\ntick\ntick\ntick\n");
}

TEST(StepLimit, CutOffAcrossTierSwitchesAndOsr) {
  // Three steps per iteration (sq, println, back edge): with default thresholds sq is compiled
  // after 100 calls and the top-level loop enters compiled code by OSR after 500 back edges.
  Program p("(fn sq [x] (x * x))\n(var i 0)\n(while true\n  (println (sq i))\n  (i += 1))\n");
  for (int64_t n : {299, 300, 301, 3000, 3001, 3002}) {
    ProcResult r = run_steps(p.path, n);
    int64_t printed = (n + 1) / 3;  // println is steps 2, 5, 8, ...
    std::string want;
    for (int64_t i = 0; i < printed; i++) want += std::to_string(i * i) + "\n";
    EXPECT_EQ(r.out, want) << n;
    expect_step_limit(r, p.path, n % 3 == 2 ? 3 : 4);
  }
}

TEST(StepLimit, LoopInAFunctionThatGetsOsrd) {
  Program p(
      "(fn spin [n]\n"
      "  (var i 0)\n"
      "  (while (i < n)\n"
      "    (if ((i % 1000) == 0) (println i))\n"
      "    (i += 1))\n"
      "  i)\n"
      "(println (spin 20000))\n");
  // One call of spin, then 20000 back edges and 20 printlns: 20022 steps in all.
  ProcResult r = run_steps(p.path, 5000);
  expect_step_limit(r, p.path, 3);
  EXPECT_EQ(r.out, "0\n1000\n2000\n3000\n4000\n");
  r = run_steps(p.path, 20022);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.substr(r.out.size() - 12), "19000\n20000\n");
  expect_step_limit(run_steps(p.path, 20021), p.path, 7);  // the last println
  // The default-threshold baseline run really entered compiled code by OSR.
  ProcResult stats = run_gene(p.path, {"--max-steps", "5000", "--tier", "baseline", "--jit-stats"});
  EXPECT_NE(stats.err.find("osr entries 1"), std::string::npos) << stats.err;
}

TEST(StepLimit, NotCaughtByTryAroundInfiniteRecursion) {
  Program p(
      "(fn down [n] (down (n + 1)))\n"
      "(println \"before\")\n"
      "(println (try (down 0) catch e (do (println \"caught\") e/kind)))\n"
      "(println \"after\")\n");
  ProcResult r = run_steps(p.path, 2000);
  expect_step_limit(r, p.path, 1);
  EXPECT_EQ(r.out, "before\n");
  // Without the limit the same program ends in a catchable stack_overflow.
  r = same_on_every_tier(p.path, {});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "before\ncaught\nstack_overflow\nafter\n");
}

TEST(StepLimit, NotCaughtByATryInEveryFrame) {
  Program p(
      "(fn down [n]\n"
      "  (try (down (n + 1))\n"
      "   catch e (println \"caught at\" n)))\n"
      "(try (loop (down 0)) catch e (println \"caught at top\"))\n");
  ProcResult r = run_steps(p.path, 500);
  expect_step_limit(r, p.path, 2);
  EXPECT_EQ(r.out, "");
}

TEST(StepLimit, ThrowingLoopBodyIsStillCounted) {
  // Each iteration raises and catches an error: the back edge still takes its step.
  Program p("(var n 0)\n(loop\n  (try (throw n) catch e (n += 1)))\n");
  expect_step_limit(run_steps(p.path, 321), p.path, 2);
}

TEST(StepLimit, ExactCounts) {
  expect_exact_steps("(var x 1)\nx\n", 0);                                // no loop, no call
  expect_exact_steps("(var i 0)\n(while (i < 10)\n  (i += 1))\ni\n", 10);  // one per back edge
  expect_exact_steps("(var i 0)\n(while (i < 10)\n  (i += 1))\n(println i)\n", 11);
  expect_exact_steps("(println (abs -1))\n", 2);  // builtin calls count
  // Calls of Gene functions: f(5) .. f(0), then println.
  expect_exact_steps("(fn f [n] (if (n == 0) 0 else (f (n - 1))))\n(println (f 5))\n", 7);
  // Method calls do not count.
  expect_exact_steps("(var a [1])\n(a .push 2)\n(a .size)\n", 0);
  // for over (range a b): the (range 0 3) call, 3 prints, 3 back edges.
  expect_exact_steps("(for x in (range 0 3)\n  (print x))\n", 7);
  // for over an array: 3 prints and 3 back edges; the array literal is no call.
  expect_exact_steps("(for x in [1 2 3]\n  (print x))\n", 6);
  // A redefined range inside for is one step (the call), not two.
  expect_exact_steps("(range = (fn [a b] [b a]))\n(for x in (range 0 3)\n  (print x))\n", 5);
  // continue and break: a continue is a back edge, a break is not.
  expect_exact_steps(
      "(var i 0)\n(while true\n  (i += 1)\n  (if (i < 5) (continue))\n  (break))\ni\n", 4);
  // A hot call loop (compiled mid-run with default thresholds): 700 calls + 700 back edges.
  expect_exact_steps("(fn g [x] x)\n(var i 0)\n(while (i < 700)\n  (g i)\n  (i += 1))\ni\n", 1400);
  // Closures called through a variable and a wrong-arity call: the step comes before the check.
  expect_exact_steps("(var h (fn [a] a))\n(h 1)\n(h 2)\n", 2);
}

TEST(StepLimit, StepComesBeforeTheCallsOwnChecks) {
  // The 3rd step is a call with the wrong arity: step_limit with 2 steps, arity_mismatch with 3.
  Program p("(fn f [a] a)\n(f 1)\n(f 2)\n(f 1 2)\n");
  expect_step_limit(run_steps(p.path, 2), p.path, 4);
  ProcResult r = run_steps(p.path, 3);
  EXPECT_NE(r.err.find("error[arity_mismatch]"), std::string::npos) << r.err;
}

TEST(StepLimit, OffByDefaultAndHugeLimitsChangeNothing) {
  Program p("(fn f [n] (if (n < 2) n else ((f (n - 1)) + (f (n - 2)))))\n(println (f 15))\n");
  ProcResult off = same_on_every_tier(p.path, {});
  EXPECT_EQ(off.out, "610\n");
  ProcResult big = run_steps(p.path, 9223372036854775807LL);
  EXPECT_EQ(big.out, off.out);
  EXPECT_EQ(big.exit_code, 0);
}

TEST(StepLimit, BadValuesAreUsageErrors) {
  Program p("1\n");
  EXPECT_EQ(run_gene(p.path, {"--max-steps", "-1"}).exit_code, 2);
  EXPECT_EQ(run_gene(p.path, {"--max-steps", "x"}).exit_code, 2);
}

// Every corpus program, cut off at a few budgets: identical output on every tier (the harness
// check runs them without a limit).
class StepLimitCorpus : public ::testing::TestWithParam<std::string> {};

TEST_P(StepLimitCorpus, SameCutOffOnEveryTier) {
  // One budget per program, spread over 1..3000 by its name (a run of every program at every
  // budget would take minutes); the benchmarks also once deep into their compiled, OSR'd loops.
  const std::string& path = GetParam();
  int64_t n = int64_t(std::hash<std::string>{}(fs::path(path).filename().string()) % 3000) + 1;
  run_steps(path, n, {"--print-result"});
  if (path.find("/bench/") != std::string::npos) run_steps(path, 100003, {"--print-result"});
}

std::vector<std::string> corpus_programs() {
  std::vector<std::string> out = all_gene_programs();
  for (const auto& f : corpus_files("gbc", ".gbc")) out.push_back(f);
  return out;
}

INSTANTIATE_TEST_SUITE_P(Corpus, StepLimitCorpus, ::testing::ValuesIn(corpus_programs()),
                         [](const auto& info) { return test_name(info.param); });

}  // namespace
