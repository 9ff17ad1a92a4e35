// bench: crash isolation (a crash or a hang is a row, the report is still written, the exit
// status is non-zero), instruction counts under cachegrind, and the cachegrind parser.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>

#include "harness/bench.h"
#include "harness/exit_codes.h"
#include "harness/peers.h"
#include "harness/report.h"
#include "test_util.h"

namespace gene::harness {
namespace {

using test::harness;

// Sets an environment variable for the gene-harness children a test starts, and unsets it after.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { unsetenv(name_); }

 private:
  const char* name_;
};

const Row* find_row(const Report& r, const std::string& program_part, const std::string& tier) {
  for (const auto& row : r.rows)
    if (row.program.find(program_part) != std::string::npos && row.tier == tier) return &row;
  return nullptr;
}

TEST(BenchIsolation, CrashingTierIsACrashRowAndTheReportIsWritten) {
  TempDir dir;
  test::copy_program("lang/closure_shared_counter", dir.file("progs"));
  test::copy_program("lang/builtin_math", dir.file("progs"));
  // Test-only hook: the timing child of builtin_math on baseline raises SIGSEGV.
  ScopedEnv crash(kTestCrashEnv, "builtin_math.gene@baseline");
  auto r = harness({"bench", dir.file("progs"), "--repetitions", "2", "--min-time", "0.01", "--warmup", "0",
                    "--tier", "baseline", "--report-dir", dir.file("rep"), "--name", "c", "--no-progress"});
  EXPECT_EQ(r.exit, kFailed) << r.out << r.err;
  Report rep;
  std::string error;
  ASSERT_TRUE(load_report(dir.file("rep/c.json"), rep, error)) << error;
  ASSERT_EQ(rep.rows.size(), 4u);
  const Row* crashed = find_row(rep, "builtin_math", "baseline");
  ASSERT_TRUE(crashed);
  EXPECT_EQ(crashed->status, "crash");
  EXPECT_EQ(crashed->signal, SIGSEGV);
  EXPECT_EQ(crashed->signal_name, "SIGSEGV");
  EXPECT_NE(crashed->detail.find("signal 11"), std::string::npos) << crashed->detail;
  EXPECT_FALSE(crashed->time_median_ms);
  // Every other row was still timed, in its own child.
  for (const auto& row : rep.rows) {
    if (&row == crashed) continue;
    EXPECT_EQ(row.status, "pass") << row.program << " " << row.tier << ": " << row.detail;
    EXPECT_TRUE(row.time_median_ms) << row.program << " " << row.tier;
    EXPECT_EQ(row.repetitions, 2);
    EXPECT_TRUE(row.peak_rss_bytes && *row.peak_rss_bytes > 0);
  }
  EXPECT_NE(r.err.find("builtin_math.gene on baseline: crash"), std::string::npos) << r.err;
  EXPECT_NE(test::read_text(dir.file("rep/c.md")).find("crash"), std::string::npos);
}

TEST(BenchIsolation, HangIsATimeoutRow) {
  TempDir dir;
  test::write_text(dir.file("progs/hang.gene"), "(var x 0)\n(while true (x = 1))\n");
  test::write_text(dir.file("progs/hang.expected"), "exit: 0\nresult: nil\nstdout:\n");
  test::copy_program("lang/builtin_math", dir.file("progs"));
  auto r = harness({"bench", dir.file("progs"), "--repetitions", "1", "--min-time", "0.01", "--warmup", "0", "--tier",
                    "interp", "--timeout", "1", "--report-dir", dir.file("rep"), "--name", "h", "--no-progress"},
                   120);
  EXPECT_EQ(r.exit, kFailed) << r.out << r.err;
  Report rep;
  std::string error;
  ASSERT_TRUE(load_report(dir.file("rep/h.json"), rep, error)) << error;
  const Row* hung = find_row(rep, "hang", "interp");
  ASSERT_TRUE(hung);
  EXPECT_EQ(hung->status, "timeout");
  EXPECT_EQ(hung->signal, SIGKILL);
  EXPECT_NE(hung->detail.find("timed out"), std::string::npos) << hung->detail;
  const Row* fine = find_row(rep, "builtin_math", "interp");
  ASSERT_TRUE(fine);
  EXPECT_EQ(fine->status, "pass");
}

TEST(BenchIsolation, PeakHeapIsPerRunNotAccumulated) {
  // peak_heap_bytes comes from the last timed run of one child, not a sum over repetitions or
  // iterations: more repetitions must not grow it.
  TempDir dir;
  test::copy_program("lang/builtin_math", dir.file("progs"));
  Report reps[2];
  for (int i = 0; i < 2; ++i) {
    std::string name = "m" + std::to_string(i);
    auto r = harness({"bench", dir.file("progs"), "--repetitions", i == 0 ? "1" : "3", "--min-time", i == 0 ? "0.01" : "0.05",
                      "--warmup", "0", "--tier", "interp", "--report-dir", dir.file("rep"), "--name", name, "--no-progress"});
    ASSERT_EQ(r.exit, kOk) << r.out << r.err;
    std::string error;
    ASSERT_TRUE(load_report(dir.file("rep/" + name + ".json"), reps[i], error)) << error;
  }
  ASSERT_TRUE(reps[0].rows[0].peak_heap_bytes && reps[1].rows[0].peak_heap_bytes);
  EXPECT_EQ(*reps[0].rows[0].peak_heap_bytes, *reps[1].rows[0].peak_heap_bytes);
}

TEST(BenchWarmup, EveryInProcessIterationIsKeptAndClassified) {
  // --iterations fixes Google Benchmark's timed batch; --warmup runs come first in the series.
  TempDir dir;
  test::copy_program("lang/builtin_math", dir.file("progs"));
  for (const char* warmup : {"0", "0.01"}) {
    auto r = harness({"bench", dir.file("progs"), "--repetitions", "2", "--iterations", "12", "--warmup", warmup, "--tier",
                      "baseline", "--report-dir", dir.file("rep"), "--name", "w", "--no-progress"});
    ASSERT_EQ(r.exit, kOk) << r.out << r.err;
    Report rep;
    std::string error;
    ASSERT_TRUE(load_report(dir.file("rep/w.json"), rep, error)) << error;
    EXPECT_EQ(rep.settings.value("iterations", 0), 12);
    for (const auto& row : rep.rows) {
      EXPECT_EQ(row.iterations, 12.0);
      ASSERT_EQ(row.iteration_series.size(), 2u) << row.tier;  // one per repetition (child process)
      for (const auto& x : row.iteration_series) {
        EXPECT_EQ(x.times_ms.size(), x.timed_from + 12) << row.tier;
        if (std::string(warmup) == "0") EXPECT_EQ(x.timed_from, 0u);
        else EXPECT_GE(x.timed_from, 1u);
        EXPECT_FALSE(x.analysis.cls.empty());
        // The JIT reports its compiles in every run (a fresh VM each); the interpreter none (null).
        if (row.tier == "interp") {
          EXPECT_TRUE(x.compile_ms.empty());
          EXPECT_TRUE(x.compiles.empty());
          continue;
        }
        ASSERT_EQ(x.compiles.size(), x.times_ms.size());
        for (const auto& c : x.compiles) EXPECT_TRUE(c.has_value()) << row.tier;  // 0: nothing got hot
        for (const auto& c : x.compile_ms) EXPECT_TRUE(c.has_value()) << row.tier;
      }
      EXPECT_FALSE(row.warmup_class.empty());
      EXPECT_TRUE(row.first_iteration_ms);
    }
    EXPECT_TRUE(std::filesystem::exists(dir.file("rep/w-warmup.svg")));
    EXPECT_NE(test::read_text(dir.file("rep/w.md")).find("## Warm-up"), std::string::npos);
  }
}

TEST(Cachegrind, ParsesTotalsAndSplit) {
  std::string text =
      "desc: I1 cache: ...\n"
      "cmd: gene run x.gene\n"
      "events: Ir\n"
      "fl=???\n"
      "fn=???\n"
      "0 700\n"
      "fn=bool gene::(anonymous namespace)::run_loop<false>(gene::VM&)\n"
      "0 200\n"
      "12 50\n"
      "fl=./malloc/malloc.c\n"
      "fn=malloc\n"
      "3 40\n"
      "fn=???\n"
      "0 10\n"
      "summary: 1000\n";
  InstructionCounts c;
  std::string error;
  ASSERT_TRUE(parse_cachegrind(text, c, error)) << error;
  EXPECT_EQ(c.total, 1000);
  EXPECT_EQ(c.jit, 710);
  EXPECT_EQ(c.interp, 250);
  EXPECT_EQ(c.runtime, 40);
  EXPECT_FALSE(parse_cachegrind("events: Ir\nfn=x\n0 5\n", c, error));  // no summary: truncated
  EXPECT_FALSE(parse_cachegrind("", c, error));
}

bool have_valgrind() { return !find_in_path("valgrind").empty(); }

TEST(BenchInstructions, CountsAreDeterministicAndCompareWithItself) {
  if (!have_valgrind()) GTEST_SKIP() << "valgrind is not installed";
  TempDir dir;
  test::copy_program("lang/closure_shared_counter", dir.file("progs"));
  for (const char* name : {"a", "b"}) {
    auto r = harness({"bench", dir.file("progs"), "--metric", "instructions", "--gene", GENE_BINARY, "--report-dir",
                      dir.file("rep"), "--name", name, "--no-progress"});
    ASSERT_EQ(r.exit, kOk) << r.out << r.err;
  }
  Report a, b;
  std::string error;
  ASSERT_TRUE(load_report(dir.file("rep/a.json"), a, error)) << error;
  ASSERT_TRUE(load_report(dir.file("rep/b.json"), b, error)) << error;
  ASSERT_EQ(a.rows.size(), b.rows.size());
  EXPECT_EQ(a.settings.value("metric", ""), "instructions");
  for (size_t i = 0; i < a.rows.size(); ++i) {
    ASSERT_TRUE(a.rows[i].instructions && b.rows[i].instructions) << a.rows[i].tier;
    EXPECT_GT(*a.rows[i].instructions, 1e5);
    EXPECT_NEAR(*a.rows[i].instructions, *b.rows[i].instructions, *a.rows[i].instructions * 0.001) << a.rows[i].tier;
    EXPECT_FALSE(a.rows[i].time_median_ms);
    double parts = *a.rows[i].instructions_jit + *a.rows[i].instructions_interp + *a.rows[i].instructions_runtime;
    EXPECT_DOUBLE_EQ(parts, *a.rows[i].instructions);
  }
  auto same = harness({"compare", dir.file("rep/a.json"), dir.file("rep/b.json")});
  EXPECT_EQ(same.exit, kOk) << same.out << same.err;
  EXPECT_NE(same.out.find("instructions (absolute)"), std::string::npos) << same.out;
  // One row 3% heavier: the instruction gate fails.
  nlohmann::json j = nlohmann::json::parse(test::read_text(dir.file("rep/b.json")));
  j["rows"][1]["instructions"] = j["rows"][1]["instructions"].get<double>() * 1.03;
  test::write_text(dir.file("heavier.json"), j.dump());
  auto heavier = harness({"compare", dir.file("rep/a.json"), dir.file("heavier.json")});
  EXPECT_EQ(heavier.exit, kFailed) << heavier.out;
  EXPECT_NE(heavier.out.find("INSTRUCTIONS REGRESSION"), std::string::npos) << heavier.out;
}

TEST(BenchInstructions, CrashUnderValgrindIsACrashRow) {
  if (!have_valgrind()) GTEST_SKIP() << "valgrind is not installed";
  TempDir dir;
  test::copy_program("lang/builtin_math", dir.file("progs"));
  // A stand-in gene whose `run` dies of SIGSEGV (valgrind passes the signal on).
  std::string fake = dir.file("fake-gene");
  test::write_text(fake, "#!/bin/sh\ncase \"$1\" in\n  tiers) echo interp; echo baseline ;;\n  run) kill -SEGV $$ ;;\nesac\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  auto r = harness({"bench", dir.file("progs"), "--metric", "instructions", "--gene", fake, "--report-dir",
                    dir.file("rep"), "--name", "x", "--no-progress"});
  EXPECT_EQ(r.exit, kFailed) << r.out << r.err;
  Report rep;
  std::string error;
  ASSERT_TRUE(load_report(dir.file("rep/x.json"), rep, error)) << error;
  ASSERT_EQ(rep.rows.size(), 2u);
  for (const auto& row : rep.rows) {
    EXPECT_EQ(row.status, "crash") << row.detail;
    EXPECT_EQ(row.signal, SIGSEGV);
    EXPECT_FALSE(row.instructions);
  }
}

TEST(BenchInstructions, MissingValgrindIsBadInput) {
  TempDir dir;
  test::copy_program("lang/builtin_math", dir.file("progs"));
  auto r = harness({"bench", dir.file("progs"), "--metric", "instructions", "--gene", GENE_BINARY, "--valgrind",
                    dir.file("no-valgrind"), "--report-dir", dir.file("rep"), "--no-progress"});
  EXPECT_EQ(r.exit, kBadInput) << r.out << r.err;
  EXPECT_EQ(harness({"bench", dir.file("progs"), "--metric", "cycles"}).exit, kUsage);
}

}  // namespace
}  // namespace gene::harness
