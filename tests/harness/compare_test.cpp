#include <gtest/gtest.h>

#include <sstream>

#include "harness/compare.h"
#include "harness/exit_codes.h"
#include "harness/statistics.h"
#include "report_fixtures.h"
#include "test_util.h"

namespace gene::harness {
namespace {

// Options with this speedup tolerance and every other field at its default.
CompareOptions with_tolerance(double t) {
  CompareOptions o;
  o.tolerance = t;
  return o;
}

TEST(Compare, SameReportPasses) {
  Report r = test::bench_report(25, 50);
  CompareSummary s = compare_reports(r, r, {});
  EXPECT_FALSE(s.failed());
  EXPECT_EQ(s.compared, 4);
}

TEST(Compare, InjectedRegressionFails) {
  // fib on baseline: 4x -> 2x.
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(50, 50), with_tolerance(0.25));
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.regressions, 1);
  EXPECT_NE(s.table.find("REGRESSION"), std::string::npos) << s.table;
}

TEST(Compare, NoiseWithinToleranceAndImprovementsPass) {
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(28, 30), with_tolerance(0.25));
  EXPECT_FALSE(s.failed()) << s.table;
  EXPECT_EQ(s.improvements, 1);
}

TEST(Compare, AbsoluteTimesDoNotMatterOnlyRatios) {
  // A machine twice as slow: every time doubles, speedups stay the same.
  Report base = test::bench_report(25, 50), slow = base;
  for (auto& row : slow.rows) *row.time_median_ms *= 2;
  compute_speedups(slow);
  EXPECT_FALSE(compare_reports(base, slow, with_tolerance(0.01)).failed());
}

TEST(Compare, CorrectnessChangeFails) {
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(25, 50, "fail"), with_tolerance(0.5));
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.correctness_changes, 1);
  EXPECT_NE(s.table.find("CORRECTNESS pass -> fail"), std::string::npos) << s.table;
}

TEST(Compare, NewAndMissingRowsAreReportedNotFailed) {
  Report base = test::bench_report(25, 50), now = base;
  now.rows.push_back(test::timed_row("corpus/bench/fib.gene", "spec", 10));
  now.rows.erase(now.rows.begin() + 3);
  compute_speedups(now);
  CompareSummary s = compare_reports(base, now, {});
  EXPECT_FALSE(s.failed());
  EXPECT_EQ(s.added, 1);
  EXPECT_EQ(s.missing, 1);
}

// interp 100M instructions per program, baseline 25M (fib) and 50M (sieve), as a --metric
// instructions report has them (no times).
Report insn_report(double fib_baseline, double sieve_baseline, double fib_interp = 100e6) {
  Report r = test::bench_report(25, 50);
  const double counts[] = {fib_interp, fib_baseline, 100e6, sieve_baseline};
  for (size_t i = 0; i < r.rows.size(); ++i) {
    Row& row = r.rows[i];
    row.repetitions.reset();
    row.time_median_ms = row.time_mean_ms = row.time_min_ms = row.time_max_ms = row.time_stddev_ms = row.time_cv = std::nullopt;
    row.instructions = counts[i];
  }
  compute_speedups(r);
  compute_instruction_ratios(r);
  return r;
}

TEST(Compare, InstructionsWithinToleranceAndIdenticalPass) {
  CompareSummary s = compare_reports(insn_report(25e6, 50e6), insn_report(25e6, 50e6), {});
  EXPECT_FALSE(s.failed()) << s.table;
  EXPECT_EQ(s.instructions_compared, 4);
  // 1.5% more on one row: within 2% per row, and the baseline tier's geomean moves by ~0.75%.
  s = compare_reports(insn_report(25e6, 50e6), insn_report(25e6 * 1.015, 50e6), {});
  EXPECT_FALSE(s.failed()) << s.table;
}

TEST(Compare, InstructionRowRegressionFails) {
  // 3% more instructions on fib/baseline: beyond the default 2%.
  CompareSummary s = compare_reports(insn_report(25e6, 50e6), insn_report(25e6 * 1.03, 50e6), {});
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.instruction_regressions, 1);
  EXPECT_NE(s.table.find("INSTRUCTIONS REGRESSION"), std::string::npos) << s.table;
  // A wider per-row tolerance lets the row pass, but the tier geomean (~1.5%) is still beyond 1%.
  CompareOptions wide;
  wide.instructions_tolerance = 0.05;
  s = compare_reports(insn_report(25e6, 50e6), insn_report(25e6 * 1.03, 50e6), wide);
  EXPECT_EQ(s.instruction_regressions, 0);
  EXPECT_EQ(s.instruction_tier_regressions, 1);
  EXPECT_TRUE(s.failed());
  wide.instructions_geomean_tolerance = 0.02;
  EXPECT_FALSE(compare_reports(insn_report(25e6, 50e6), insn_report(25e6 * 1.03, 50e6), wide).failed());
}

// A unit its tier could not compile runs in the tier below: same output, perhaps about the
// same count. More compile failures on a row than the base had fail the comparison; the same
// number, or rows where either report has none recorded (older reports), do not.
TEST(Compare, MoreCompileFailuresOnARowFail) {
  Report base = insn_report(25e6, 50e6), now = insn_report(25e6, 50e6);
  for (Row& r : base.rows) r.engine_stats["compile_failures"] = 1;
  for (Row& r : now.rows) r.engine_stats["compile_failures"] = 1;
  EXPECT_FALSE(compare_reports(base, now, {}).failed());
  now.rows.back().engine_stats["compile_failures"] = 2;
  CompareSummary s = compare_reports(base, now, {});
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.compile_failure_increases, 1);
  EXPECT_NE(s.table.find("COMPILE FAILURES 1 -> 2"), std::string::npos) << s.table;
  base.rows.back().engine_stats.clear();
  EXPECT_FALSE(compare_reports(base, now, {}).failed());
}

TEST(Compare, InstructionTierGeomeanCatchesSpreadOutRegressions) {
  // 1.5% on every baseline row: each within 2%, the tier's geomean beyond 1%.
  CompareSummary s = compare_reports(insn_report(25e6, 50e6), insn_report(25e6 * 1.015, 50e6 * 1.015), {});
  EXPECT_EQ(s.instruction_regressions, 0);
  EXPECT_EQ(s.instruction_tier_regressions, 1);
  EXPECT_TRUE(s.failed()) << s.table;
}

TEST(Compare, InstructionBasisAbsoluteCatchesTheInterpreterVsInterpDoesNot) {
  // The interpreter executes 5% more on fib; the JIT tier is unchanged.
  Report base = insn_report(25e6, 50e6), now = insn_report(25e6, 50e6, 105e6);
  CompareSummary s = compare_reports(base, now, {});
  EXPECT_EQ(s.instruction_regressions, 1);  // the interp row
  CompareOptions ratio;
  ratio.instructions_basis = "vs-interp";
  s = compare_reports(base, now, ratio);
  // Relative to the slower interpreter the tier looks better: no regression, one improvement.
  EXPECT_FALSE(s.failed()) << s.table;
  EXPECT_EQ(s.instruction_improvements, 1);
  // And a tier that got worse relative to an unchanged interpreter fails on either basis.
  EXPECT_TRUE(compare_reports(base, insn_report(25e6 * 1.05, 50e6), ratio).failed());
}

TEST(Compare, TimeGateOffReportsButDoesNotFail) {
  CompareOptions info;
  info.tolerance = 0.25;
  info.geomean_tolerance = 0.1;
  info.time_gate = false;
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(50, 50), info);
  EXPECT_EQ(s.regressions, 1);
  EXPECT_FALSE(s.failed()) << s.table;
  EXPECT_NE(s.table.find("slower (not gated)"), std::string::npos) << s.table;
  // Correctness changes still fail.
  EXPECT_TRUE(compare_reports(test::bench_report(25, 50), test::bench_report(25, 50, "crash"), info).failed());
}

TEST(Compare, Version1BaseAgainstVersion2New) {
  TempDir dir;
  nlohmann::json v1 = report_to_json(test::bench_report(25, 50));
  v1["schema_version"] = 1;
  for (auto& row : v1["rows"])
    for (const char* k : {"signal", "signal_name", "instructions", "instructions_vs_interp", "instructions_jit",
                          "instructions_interp", "instructions_runtime", "peak_rss_bytes"})
      row.erase(k);
  test::write_text(dir.file("v1.json"), v1.dump());
  test::write_text(dir.file("v2.json"), report_to_json(test::bench_report(26, 50)).dump());
  test::write_text(dir.file("v2i.json"), report_to_json(insn_report(25e6, 50e6)).dump());
  std::ostringstream out, err;
  EXPECT_EQ(run_compare(dir.file("v1.json"), dir.file("v2.json"), {}, out, err), kOk) << out.str() << err.str();
  // Against an instruction report there is nothing to gate but correctness; a note says so.
  EXPECT_EQ(run_compare(dir.file("v1.json"), dir.file("v2i.json"), {}, out, err), kOk) << out.str() << err.str();
  EXPECT_NE(out.str().find("only the new report has instruction counts"), std::string::npos) << out.str();
}

TEST(Compare, FilesAndExitCodes) {
  TempDir dir;
  test::write_text(dir.file("base.json"), report_to_json(test::bench_report(25, 50)).dump());
  test::write_text(dir.file("new.json"), report_to_json(test::bench_report(60, 50)).dump());
  test::write_text(dir.file("corrupt.json"), "[1, 2");
  nlohmann::json old_version = report_to_json(test::bench_report(25, 50));
  old_version["schema_version"] = 0;
  test::write_text(dir.file("v0.json"), old_version.dump());
  std::ostringstream out, err;
  EXPECT_EQ(run_compare(dir.file("base.json"), dir.file("base.json"), {}, out, err), kOk);
  EXPECT_EQ(run_compare(dir.file("base.json"), dir.file("new.json"), with_tolerance(0.3), out, err), kFailed);
  EXPECT_EQ(run_compare(dir.file("base.json"), dir.file("corrupt.json"), {}, out, err), kBadInput);
  EXPECT_EQ(run_compare(dir.file("v0.json"), dir.file("base.json"), {}, out, err), kBadInput);
  EXPECT_NE(err.str().find("schema version 0"), std::string::npos) << err.str();
  EXPECT_EQ(run_compare(dir.file("base.json"), dir.file("nope.json"), {}, out, err), kBadInput);
}

}  // namespace
}  // namespace gene::harness

namespace gene::harness {
namespace {

TEST(Compare, TierGeomeanRegression) {
  // Each program drops 20%: within a 25% row tolerance, beyond a 10% geomean tolerance.
  Report base = test::bench_report(25, 50), now = test::bench_report(31.25, 62.5);
  CompareOptions o;
  o.tolerance = 0.25;
  EXPECT_FALSE(compare_reports(base, now, o).failed());
  o.geomean_tolerance = 0.10;
  CompareSummary s = compare_reports(base, now, o);
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.tier_regressions, 1);
  EXPECT_EQ(s.regressions, 0);
}

}  // namespace
}  // namespace gene::harness

// Statistics (schema 3): a change beyond the tolerance is a regression only when the
// executions' speedups differ significantly (Mann-Whitney U); otherwise "inconclusive".
namespace gene::harness {
namespace {

Report sampled_report(const std::vector<double>& interp_ms, const std::vector<double>& baseline_ms) {
  Report r = test::bench_report(50, 50);
  r.rows.resize(2);  // fib only
  auto fill = [](Row& row, const std::vector<double>& s) {
    row.time_samples_ms = s;
    row.time_median_ms = sample_median(s);
  };
  fill(r.rows[0], interp_ms);
  fill(r.rows[1], baseline_ms);
  compute_speedups(r);
  return r;
}

TEST(CompareStatistics, MannWhitneyExactPValues) {
  // Complete separation of 5 and 5: p = 2 / C(10, 5) = 2/252.
  EXPECT_NEAR(mann_whitney_p({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}), 2.0 / 252, 1e-12);
  EXPECT_NEAR(mann_whitney_p({1, 2, 3}, {4, 5, 6}), 0.1, 1e-12);
  EXPECT_NEAR(mann_whitney_p({1, 3, 5}, {2, 4, 6}), 0.7, 1e-12);
}

TEST(CompareStatistics, SpeedupIntervalsSurroundTheSpeedup) {
  Report r = sampled_report({100, 102, 98, 101, 99}, {50, 52, 48, 51, 49});
  const Row& b = r.rows[1];
  ASSERT_TRUE(b.speedup_ci_low && b.speedup_ci_high);
  EXPECT_LE(*b.speedup_ci_low, *b.speedup);
  EXPECT_GE(*b.speedup_ci_high, *b.speedup);
  EXPECT_GT(*b.speedup_ci_low, 1.8);
  EXPECT_LT(*b.speedup_ci_high, 2.2);
}

TEST(CompareStatistics, GeomeanIntervalOfTwoProgramsSpeedups) {
  // Without noise every resample gives the same geomean: sqrt(2 * 8) = 4.
  EXPECT_EQ(bootstrap_geomean_ratio_ci({{100, 100, 100}, {80, 80, 80}}, {{50, 50, 50}, {10, 10, 10}}),
            std::make_pair(4.0, 4.0));
  // With noise the interval surrounds it, and is narrower than the spread of one program's ratio.
  auto [lo, hi] = bootstrap_geomean_ratio_ci({{100, 104, 96, 102, 98}, {80, 82, 78, 81, 79}},
                                             {{50, 52, 48, 51, 49}, {10, 11, 9, 10.5, 9.5}});
  EXPECT_LT(lo, 4.0);
  EXPECT_GT(hi, 4.0);
  EXPECT_GT(lo, 3.4);
  EXPECT_LT(hi, 4.7);
  // A report's tier row: the same interval from its rows' samples.
  Report r = sampled_report({100, 102, 98, 101, 99}, {50, 52, 48, 51, 49});
  auto ci = geomean_speedup_ci(r, r.rows[1].tier);
  ASSERT_TRUE(ci);
  EXPECT_LE(ci->first, *geomean_speedup(r, r.rows[1].tier));
  EXPECT_GE(ci->second, *geomean_speedup(r, r.rows[1].tier));
  EXPECT_FALSE(geomean_speedup_ci(r, "interp"));
}

TEST(CompareStatistics, ASignificantSlowdownIsARegression) {
  Report base = sampled_report({100, 101, 99, 100, 100}, {50, 51, 49, 50, 50});
  Report now = sampled_report({100, 101, 99, 100, 100}, {70, 71, 69, 70, 70});
  CompareSummary s = compare_reports(base, now, CompareOptions{});
  EXPECT_EQ(s.regressions, 1);
  EXPECT_TRUE(s.failed());
}

TEST(CompareStatistics, ANoisySlowdownIsInconclusive) {
  // Medians 50 -> 60 (beyond 10%), but the executions overlap: not significant.
  Report base = sampled_report({100, 100, 100, 100, 100}, {30, 50, 80, 45, 65});
  Report now = sampled_report({100, 100, 100, 100, 100}, {35, 60, 85, 40, 70});
  CompareSummary s = compare_reports(base, now, CompareOptions{});
  EXPECT_EQ(s.regressions, 0);
  EXPECT_EQ(s.inconclusive, 1);
  EXPECT_FALSE(s.failed());
}

TEST(CompareStatistics, SamplesSurviveTheJsonRoundTrip) {
  Report r = sampled_report({100, 101, 99}, {50, 51, 49});
  Report back;
  std::string error;
  ASSERT_TRUE(report_from_json(report_to_json(r), back, error)) << error;
  EXPECT_EQ(back.rows[1].time_samples_ms, (std::vector<double>{50, 51, 49}));
  EXPECT_EQ(back.rows[1].speedup_ci_low, r.rows[1].speedup_ci_low);
}

}  // namespace
}  // namespace gene::harness
