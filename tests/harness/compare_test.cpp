#include <gtest/gtest.h>

#include <sstream>

#include "harness/compare.h"
#include "harness/exit_codes.h"
#include "report_fixtures.h"
#include "test_util.h"

namespace gene::harness {
namespace {

TEST(Compare, SameReportPasses) {
  Report r = test::bench_report(25, 50);
  CompareSummary s = compare_reports(r, r, {});
  EXPECT_FALSE(s.failed());
  EXPECT_EQ(s.compared, 4);
}

TEST(Compare, InjectedRegressionFails) {
  // fib on baseline: 4x -> 2x.
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(50, 50), {0.25, false});
  EXPECT_TRUE(s.failed());
  EXPECT_EQ(s.regressions, 1);
  EXPECT_NE(s.table.find("REGRESSION"), std::string::npos) << s.table;
}

TEST(Compare, NoiseWithinToleranceAndImprovementsPass) {
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(28, 30), {0.25, false});
  EXPECT_FALSE(s.failed()) << s.table;
  EXPECT_EQ(s.improvements, 1);
}

TEST(Compare, AbsoluteTimesDoNotMatterOnlyRatios) {
  // A machine twice as slow: every time doubles, speedups stay the same.
  Report base = test::bench_report(25, 50), slow = base;
  for (auto& row : slow.rows) *row.time_median_ms *= 2;
  compute_speedups(slow);
  EXPECT_FALSE(compare_reports(base, slow, {0.01, false}).failed());
}

TEST(Compare, CorrectnessChangeFails) {
  CompareSummary s = compare_reports(test::bench_report(25, 50), test::bench_report(25, 50, "fail"), {0.5, false});
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
  EXPECT_EQ(run_compare(dir.file("base.json"), dir.file("new.json"), {0.3, false}, out, err), kFailed);
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
