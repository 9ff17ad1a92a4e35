// The baseline tier against the interpreter, in-process: opcode coverage, agreement on small
// programs (eager and with thresholds), OSR, code-cache exhaustion and W^X.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "interp/opcodes.h"
#include "interp/run.h"
#include "tests/tiers/tier_run.h"
#include "jit/baseline/baseline_compiler.h"

namespace {

using gene::tier_test::expect_same;
using gene::tier_test::run;
using gene::tier_test::stat;

TEST(BaselineTier, IsListedByTheEngine) {
  auto& tiers = gene::available_tiers();
  EXPECT_NE(std::find(tiers.begin(), tiers.end(), "baseline"), tiers.end());
}

const char* const kPrograms[] = {
    "(fn fib [n] (if (n < 2) n else ((fib (n - 1)) + (fib (n - 2)))))\n(fib 20)",
    "(var s 0)\n(for i in (range 0 2000) (s += (i % 7)))\ns",
    "(var a [])\n(for i in (range 0 50) (a .push (i * 1.5)))\n(str a)",
    "(fn f [x] (x + 1))\n(var t 0)\n(while (t < 300) (t = (f t)))\n(f 140737488355326)\n(f 140737488355327)",
    "(fn g [d] (if (d == 0) (throw {^v 1}) else (g (d - 1))))\n(try (g 50) catch e e/v)",
    "(var m {^a 1})\n(for k in (range 0 10) (m/a += k))\n[m/a (m .keys) (1 < 2.5) (3.0 >= 3) (\"a\" < \"b\")]",
    "(fn mk [] (var c 0) (fn [] (c += 1)))\n(var c1 (mk))\n(c1) (c1)\n(c1)",
    "(var x 0)\n(loop (x += 1) (if (x > 1000) (break (x * 2))))",
    "(fn deep [n] (deep (n + 1)))\n(deep 0)",
    "(var i 0)\n(while (i < 10) (i += 1) (if (i == 3) (continue)) (print i))",
    // Struct-like map paths: hits, misses, inserts, deletes, growth past the linear-scan size.
    "(var m {^a 1 ^b 2})\n(var r [])\n(for i in (range 0 3) (r .push [m/a m/c]) (m/c = i) (m/a += 1))\n"
    "(m .del :a)\n(r .push [m/a m/b m/c])\n(for k in [:d :e :f :g :h :i :j :k] (m .set k 1))\n"
    "(m/b = 7)\n(r .push [m/b m/z (m .size)])\n(str r)",
    // Arrays: inline .get/.set/.size/.push, paths, out-of-range falls to the error path.
    "(var a [])\n(for i in (range 0 20) (a .push (i * i)))\n(a .set 3 -1)\n(a/4 = 99)\n"
    "(var t 0)\n(for x in a (t += x))\n(println t (a .size) (a .get 19) a/0)\n(a .get 20)",
    // % by constants (compiled without idiv) over the whole 48-bit range, both signs.
    "(var s [])\n(var n -140737488355328)\n"
    "(while (n < 140737488355000) (s .push [(n % 7) (n % 1) (n % 1000003) (n % 2147483647)]) (n += 99999999999))\n"
    "(str s)",
    // Deferred operands: a later operand assigns the variable an earlier one read; int/float
    // mixes; == on strings built at run time and on canonical 1-byte strings.
    "(fn f [a] [(a + (a = 10)) a ((a = 1) + a) (a * (a += 2))])\n"
    "(fn g [x] (var y 0) (while (y < 50) (y = (y + (x = (x + 1))))) [x y])\n"
    "(fn h [s] [(s == (str \"a\" \"b\")) ((s .get 0) == \"a\") ((s .get 1) == \"a\") (1 == 1.0) (2 < 2.5) (3 + 0.5)])\n"
    "(str [(f 3) (g 0) (h \"ab\")])",
};

TEST(BaselineTier, AgreesWithTheInterpreterEagerly) {
  gene::JitOptions eager;
  eager.eager = true;
  for (const char* src : kPrograms) {
    SCOPED_TRACE(src);
    auto ref = run(src, "interp");
    auto jit = run(src, "baseline", eager);
    expect_same(ref, jit);
    EXPECT_GT(stat(jit, "functions_compiled"), 0);
  }
}

TEST(BaselineTier, AgreesWithTheInterpreterAfterWarmUp) {
  gene::JitOptions warm;
  warm.threshold = 3;
  for (const char* src : kPrograms) {
    SCOPED_TRACE(src);
    expect_same(run(src, "interp"), run(src, "baseline", warm));
  }
}

TEST(BaselineTier, EntersAHotTopLevelLoopThroughOsr) {
  gene::JitOptions jit;
  jit.threshold = 10;
  auto o = run("(var s 0)\n(var i 0)\n(while (i < 100000) (s += i) (i += 1))\ns", "baseline", jit);
  EXPECT_EQ(o.result, "4999950000");
  EXPECT_GE(stat(o, "osr_entries"), 1);
}

TEST(BaselineTier, KeepsRunningInterpretedWhenTheCodeCacheIsFull) {
  gene::JitOptions jit;
  jit.eager = true;
  jit.code_cache_mb = 0;
  auto o = run(kPrograms[0], "baseline", jit);
  EXPECT_EQ(o.exit_status, 0);
  EXPECT_EQ(o.result, "6765");
  EXPECT_EQ(stat(o, "functions_compiled"), 0);
  EXPECT_GT(stat(o, "compile_failures"), 0);  // (bench rows carry it: a fallback is visible)
}

TEST(BaselineTier, ReportsRuntimeErrorsWithTheInterpretersKindAndLine) {
  gene::JitOptions eager;
  eager.eager = true;
  auto o = run("(var a [1 2])\n(println \"before\")\n(fn f [] a/5)\n(f)", "baseline", eager);
  EXPECT_EQ(o.exit_status, 1);
  EXPECT_EQ(o.error_kind, "index_out_of_range");
  EXPECT_EQ(o.error_line, 3);
  EXPECT_EQ(o.stdout_text, "before\n");
}

// --dump-asm of one eagerly compiled program (stderr).
std::string dump_of(const std::string& src) {
  gene::JitOptions jit;
  jit.eager = true;
  jit.dump_asm = true;
  testing::internal::CaptureStderr();
  run(src, "baseline", jit);
  return testing::internal::GetCapturedStderr();
}

TEST(BaselineTier, DefersLocalLoadsIntoTheirConsumer) {
  std::string d = dump_of("(fn add2 [a b] (a + b))\n(add2 1 2)");
  size_t at = d.find("== add2");
  ASSERT_NE(at, std::string::npos) << d;
  // Both loads emit no machine code: the next listed line is the next instruction.
  EXPECT_NE(d.find("  0: load_local 0\n  1: load_local 1\n  2: add\n", at), std::string::npos) << d;
}

TEST(BaselineTier, ListsSlowPathsAfterTheMainCode) {
  std::string d = dump_of("(fn add2 [a b] (a + b))\n(add2 1 2)");
  size_t slow = d.find("  slow path of 2: add\n");
  ASSERT_NE(slow, std::string::npos) << d;
  EXPECT_GT(slow, d.find("  3: return"));
  EXPECT_NE(d.find("call ", slow), std::string::npos) << "the slow path calls the helper";
}

// --perf-map: each compiled unit's main code, slow paths and exit are named, in perf's
// "START SIZE NAME" format.
TEST(BaselineTier, WritesAPerfMapNamingEachCompiledUnit) {
  gene::JitOptions jit;
  jit.eager = true;
  jit.perf_map = true;
  std::string path = "/tmp/perf-" + std::to_string(::getpid()) + ".map";
  std::remove(path.c_str());
  auto o = run(kPrograms[0], "baseline", jit);
  ASSERT_EQ(o.exit_status, 0);
  std::ifstream map(path);
  ASSERT_TRUE(map) << path;
  std::string line, names;
  int lines = 0;
  while (std::getline(map, line)) {
    unsigned long start = 0, size = 0;
    char name[256] = {};
    ASSERT_EQ(std::sscanf(line.c_str(), "%lx %lx %255[^\n]", &start, &size, name), 3) << line;
    EXPECT_GT(start, 0u);
    EXPECT_GT(size, 0u);
    names += std::string(name) + "\n";
    lines++;
  }
  EXPECT_NE(names.find("gene:fib#1\n"), std::string::npos) << names;
  EXPECT_NE(names.find("gene:fib#1 slow paths\n"), std::string::npos) << names;
  EXPECT_NE(names.find("gene:fib#1 exit\n"), std::string::npos) << names;
  EXPECT_NE(names.find("gene:<top>#0\n"), std::string::npos) << names;
  EXPECT_GE(lines, 6);
  std::remove(path.c_str());
}

// No mapping of the process is ever writable and executable, also after compiling code.
TEST(BaselineTier, NeverMapsMemoryWritableAndExecutable) {
  gene::JitOptions eager;
  eager.eager = true;
  gene::RunOptions opts;
  gene::TierSessionPtr session = gene::configure_tier("baseline", eager, opts);
  auto o = gene::run_source("t.gene", kPrograms[0], opts, nullptr);
  ASSERT_EQ(o.exit_status, 0);
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    std::string perms = line.substr(line.find(' ') + 1, 4);
    EXPECT_FALSE(perms[1] == 'w' && perms[2] == 'x') << line;
  }
}

}  // namespace

namespace {

// Coverage counting: both engines count exactly the instructions the program executes, so on
// a fully compiled run the per-opcode counts are identical.
TEST(OpCounts, BaselineCountsTheSameInstructionsAsTheInterpreter) {
  for (const char* src : kPrograms) {
    SCOPED_TRACE(src);
    std::vector<uint64_t> interp(gene::kOpCount), jit(gene::kOpCount);
    gene::RunOptions a;
    gene::TierSessionPtr sa = gene::configure_tier("interp", {}, a);
    a.op_counts = interp.data();
    gene::run_source("t.gene", src, a, nullptr);
    gene::JitOptions eager;
    eager.eager = true;
    gene::RunOptions b;
    gene::TierSessionPtr sb = gene::configure_tier("baseline", eager, b);
    b.op_counts = jit.data();
    gene::run_source("t.gene", src, b, nullptr);
    for (int op = 0; op < gene::kOpCount; op++) EXPECT_EQ(interp[size_t(op)], jit[size_t(op)]) << gene::kOpInfo[op].name;
    uint64_t total = 0;
    for (uint64_t n : interp) total += n;
    EXPECT_GT(total, 0u);
  }
}

}  // namespace

namespace {

// A call that baseline code makes straight into compiled code records its callee, as the
// interpreter's calls and the call helper do: `h` runs its loop in baseline code (OSR) before
// it first reaches its call, so only baseline code ever makes that call, and a later spec
// compile of `h` could not inline `g` without the record.
TEST(BaselineTier, CallsItMakesToCompiledCodeRecordTheirCallee) {
  const char* src =
      "(fn g [x] (x + 1))\n(var t 0)\n(for i in (range 0 2000) (t += (g i)))\n"
      "(fn h [n] (var s 0) (for i in (range 0 n) (s += i)) (g s))\n(t += (h 5000))\nt";
  gene::RunOptions opts;
  opts.dump_feedback = true;
  gene::TierSessionPtr session = gene::configure_tier("baseline", {}, opts);
  testing::internal::CaptureStderr();
  gene::RunOutcome o = gene::run_source("t.gene", src, opts, nullptr);
  const std::string feedback = testing::internal::GetCapturedStderr();
  expect_same(run(src, "interp"), o);
  const size_t h = feedback.find("== feedback: h");
  ASSERT_NE(h, std::string::npos) << feedback;
  EXPECT_NE(feedback.find("call 1\tcallee fn g#1", h), std::string::npos) << feedback.substr(h);
}

}  // namespace
