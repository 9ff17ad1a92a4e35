// gene-harness history: a bench report's summary per line of a JSON Lines file, read back
// exactly, refused with the file and line when corrupt, and drawn as one trend line per tier.
#include <gtest/gtest.h>

#include <cmath>

#include "harness/exit_codes.h"
#include "harness/history.h"
#include "harness/report_output.h"
#include "harness/temp_dir.h"
#include "tests/harness/report_fixtures.h"
#include "tests/harness/test_util.h"

namespace gene::harness {
namespace {

using test::bench_report;

const HistoryTier* tier_of(const HistoryEntry& e, const std::string& name) {
  for (const HistoryTier& t : e.tiers)
    if (t.tier == name) return &t;
  return nullptr;
}

TEST(History, SummaryHoldsEachTiersGeomeanSpeedup) {
  HistoryEntry e = summarize_report(bench_report(25, 50));  // 4x and 2x: geomean sqrt(8)
  EXPECT_EQ(e.metric, "time");
  EXPECT_EQ(e.commit, "abc");
  const HistoryTier* b = tier_of(e, "baseline");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(b->rows, 2);
  ASSERT_TRUE(b->geomean_speedup);
  EXPECT_NEAR(*b->geomean_speedup, std::sqrt(8.0), 1e-9);
  EXPECT_FALSE(b->instructions_total);
}

TEST(History, InstructionReportsSummariseCountsAndRatios) {
  Report r = bench_report(25, 50);
  double counts[] = {1000, 250, 1000, 500};
  for (size_t i = 0; i < r.rows.size(); i++) r.rows[i].instructions = counts[i];
  compute_instruction_ratios(r);
  HistoryEntry e = summarize_report(r);
  EXPECT_EQ(e.metric, "instructions");
  const HistoryTier* b = tier_of(e, "baseline");
  ASSERT_TRUE(b && b->geomean_instructions && b->instructions_total);
  EXPECT_NEAR(*b->geomean_instructions, std::sqrt(8.0), 1e-9);
  EXPECT_EQ(*b->instructions_total, 750);
}

TEST(History, AppendedEntriesReadBackInOrder) {
  TempDir tmp("history");
  std::string file = tmp.file("h.jsonl"), error;
  ASSERT_TRUE(append_history(file, summarize_report(bench_report(25, 50)), error)) << error;
  ASSERT_TRUE(append_history(file, summarize_report(bench_report(50, 50)), error)) << error;
  std::vector<HistoryEntry> es;
  ASSERT_TRUE(load_history(file, es, error)) << error;
  ASSERT_EQ(es.size(), 2u);
  EXPECT_NEAR(*tier_of(es[0], "baseline")->geomean_speedup, std::sqrt(8.0), 1e-9);
  EXPECT_NEAR(*tier_of(es[1], "baseline")->geomean_speedup, 2.0, 1e-9);
  std::string svg = history_svg(es);
  EXPECT_NE(svg.find("data-tier=\"baseline\""), std::string::npos);
  EXPECT_NE(svg.find("data-tier=\"interp\""), std::string::npos);
}

TEST(History, ACorruptLineIsNamedWithItsNumber) {
  TempDir tmp("history");
  std::string file = tmp.file("h.jsonl"), error;
  ASSERT_TRUE(append_history(file, summarize_report(bench_report(25, 50)), error));
  test::write_text(file, test::read_text(file) + "{\"schema\": \"something else\"}\n");
  std::vector<HistoryEntry> es;
  EXPECT_FALSE(load_history(file, es, error));
  EXPECT_NE(error.find("h.jsonl:2:"), std::string::npos) << error;
}

TEST(HistoryCli, AppendsAReportAndDrawsTheTrend) {
  TempDir tmp("history-cli");
  std::string error;
  ASSERT_TRUE(write_report_files(bench_report(25, 50), tmp.path(), "r", error)) << error;
  std::string file = tmp.file("history.jsonl"), svg = tmp.file("history.svg");
  auto r = test::harness({"history", tmp.file("r.json"), "--file", file, "--svg", svg});
  EXPECT_EQ(r.exit, kOk) << r.err;
  EXPECT_NE(r.out.find("baseline: 2.83x"), std::string::npos) << r.out;
  r = test::harness({"history", tmp.file("r.json"), "--file", file, "--svg", svg});
  EXPECT_NE(r.out.find("2 entries"), std::string::npos) << r.out;
  EXPECT_NE(test::read_text(svg).find("<polyline"), std::string::npos);
  auto bad = test::harness({"history", tmp.file("missing.json"), "--file", file});
  EXPECT_EQ(bad.exit, kBadInput);
}

}  // namespace
}  // namespace gene::harness
