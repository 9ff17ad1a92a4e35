#include <gtest/gtest.h>

#include "harness/report_csv.h"
#include "harness/report_markdown.h"
#include "harness/report_output.h"
#include "harness/svg_chart.h"
#include "harness/warmup_chart.h"
#include "report_fixtures.h"
#include "test_util.h"

namespace gene::harness {
namespace {

TEST(Report, SpeedupsAndGeomean) {
  Report r = test::bench_report(25, 50);
  EXPECT_DOUBLE_EQ(*r.rows[0].speedup, 1.0);
  EXPECT_DOUBLE_EQ(*r.rows[1].speedup, 4.0);
  EXPECT_DOUBLE_EQ(*r.rows[3].speedup, 2.0);
  EXPECT_NEAR(*geomean_speedup(r, "baseline"), std::sqrt(8.0), 1e-9);
  EXPECT_FALSE(geomean_speedup(r, "spec"));
}

TEST(Report, JsonRoundTrip) {
  Report r = test::bench_report(25, 50);
  r.rows[1].engine_stats = {{"code_bytes", 1234}, {"osr_entries", 2}};
  r.rows[1].code_bytes = 1234;
  r.shards = {"1/2"};
  r.settings = {{"repetitions", 3}};
  Report back;
  std::string error;
  ASSERT_TRUE(report_from_json(report_to_json(r), back, error)) << error;
  EXPECT_EQ(report_to_json(back), report_to_json(r));
  EXPECT_FALSE(back.rows[1].deopts);  // null stays null
  EXPECT_EQ(back.rows[1].engine_stats.at("osr_entries"), 2);
}

TEST(Report, RejectsWrongVersionAndCorruptFiles) {
  Report r = test::bench_report(25, 50);
  nlohmann::json j = report_to_json(r);
  j["schema_version"] = kReportSchemaVersion + 1;
  Report out;
  std::string error;
  EXPECT_FALSE(report_from_json(j, out, error));
  EXPECT_NE(error.find("newer"), std::string::npos) << error;

  j = report_to_json(r);
  j["rows"][1]["speedup"] = "fast";
  EXPECT_FALSE(report_from_json(j, out, error));
  EXPECT_NE(error.find("rows[1]"), std::string::npos) << error;

  j = report_to_json(r);
  j.erase("schema");
  EXPECT_FALSE(report_from_json(j, out, error));

  TempDir dir;
  test::write_text(dir.file("bad.json"), "{\"schema\": \"gene-harness-re");
  EXPECT_FALSE(load_report(dir.file("bad.json"), out, error));
  EXPECT_NE(error.find("not valid JSON"), std::string::npos) << error;
  EXPECT_FALSE(load_report(dir.file("missing.json"), out, error));
}

TEST(Report, NewFieldsRoundTripAndVersions1And2StillRead) {
  Report r = test::bench_report(25, 50);
  r.rows[1].status = "crash";
  r.rows[1].signal = 11;
  r.rows[1].signal_name = "SIGSEGV";
  r.rows[2].status = "timeout";
  r.rows[3].instructions = 1e9;
  r.rows[3].instructions_jit = 9e8;
  r.rows[3].peak_rss_bytes = 5e6;
  Report back;
  std::string error;
  ASSERT_TRUE(report_from_json(report_to_json(r), back, error)) << error;
  EXPECT_EQ(report_to_json(back), report_to_json(r));
  EXPECT_EQ(back.rows[1].signal, 11);
  EXPECT_EQ(back.rows[1].signal_name, "SIGSEGV");
  EXPECT_EQ(back.rows[2].status, "timeout");
  EXPECT_EQ(back.rows[3].instructions, 1e9);
  EXPECT_EQ(back.schema_version, kReportSchemaVersion);

  // A version 1 report (written before these fields existed) reads with them null.
  nlohmann::json v1 = report_to_json(test::bench_report(25, 50));
  v1["schema_version"] = 1;
  for (auto& row : v1["rows"])
    for (const char* k : {"signal", "signal_name", "instructions", "instructions_vs_interp", "instructions_jit",
                          "instructions_interp", "instructions_runtime", "peak_rss_bytes"})
      row.erase(k);
  ASSERT_TRUE(report_from_json(v1, back, error)) << error;
  EXPECT_EQ(back.schema_version, 1);
  EXPECT_FALSE(back.rows[0].signal);
  EXPECT_FALSE(back.rows[0].instructions);
  EXPECT_FALSE(back.rows[0].peak_rss_bytes);
  // A version 2 report (before per-execution samples) reads with no samples or intervals.
  nlohmann::json v2 = report_to_json(test::bench_report(25, 50));
  v2["schema_version"] = 2;
  for (auto& row : v2["rows"])
    for (const char* k : {"time_samples_ms", "time_ci_low_ms", "time_ci_high_ms", "speedup_ci_low", "speedup_ci_high"})
      row.erase(k);
  ASSERT_TRUE(report_from_json(v2, back, error)) << error;
  EXPECT_TRUE(back.rows[1].time_samples_ms.empty());
  EXPECT_FALSE(back.rows[1].speedup_ci_low);
  // The committed version 1 baseline still loads.
  EXPECT_TRUE(load_report(std::string(GENE_SOURCE_DIR) + "/reports/baseline.json", back, error)) << error;
}

// A bench report whose baseline fib row has two executions of 12 iterations: a cold first
// iteration, then steady at 25 ms; the JIT compiled in each.
Report report_with_series() {
  Report r = test::bench_report(25, 50);
  for (int e = 0; e < 2; e++) {
    IterationSeries x;
    for (int i = 0; i < 12; i++) {
      x.times_ms.push_back(i == 0 ? 40 : 25 + 0.01 * ((i + e) % 3));
      x.compile_ms.push_back(0.1);
      x.compiles.push_back(2);
    }
    x.timed_from = 2;
    x.analysis = analyse_warmup(x.times_ms);
    r.rows[1].iteration_series.push_back(x);
  }
  IterationSeries interp;  // the interp row: no compile figures, too short to classify
  interp.times_ms = {101, 100, 100};
  interp.compile_ms.resize(3);
  interp.compiles.resize(3);
  interp.analysis = analyse_warmup(interp.times_ms);
  r.rows[0].iteration_series.push_back(interp);
  for (int i : {0, 1}) {
    WarmupSummary w = summarise_warmup(r.rows[i].iteration_series);
    r.rows[i].warmup_class = w.cls;
    r.rows[i].first_iteration_ms = w.first_iteration_ms;
    r.rows[i].steady_iteration = w.steady_iteration;
    r.rows[i].time_to_steady_ms = w.time_to_steady_ms;
    r.rows[i].steady_ms = w.steady_ms;
  }
  return r;
}

TEST(Report, IterationSeriesRoundTripAndVersion3StillReads) {
  Report r = report_with_series();
  ASSERT_EQ(r.rows[1].warmup_class, kWarmupWarmup);
  EXPECT_EQ(r.rows[1].steady_iteration, 1.0);
  EXPECT_EQ(r.rows[0].warmup_class, kWarmupShort);
  nlohmann::json j = report_to_json(r);
  EXPECT_EQ(j["schema_version"], 4);
  EXPECT_TRUE(j["rows"][0]["iteration_series"][0]["compile_ms"].is_null());  // interp: none reported
  EXPECT_EQ(j["rows"][1]["iteration_series"][1]["times_ms"].size(), 12u);
  EXPECT_TRUE(j["rows"][2]["iteration_series"].is_null());
  Report back;
  std::string error;
  ASSERT_TRUE(report_from_json(j, back, error)) << error;
  EXPECT_EQ(report_to_json(back), j);
  ASSERT_EQ(back.rows[1].iteration_series.size(), 2u);
  EXPECT_EQ(back.rows[1].iteration_series[0].timed_from, 2u);
  EXPECT_EQ(back.rows[1].iteration_series[0].analysis.steady_iteration, 1u);
  EXPECT_EQ(back.rows[1].iteration_series[0].compiles[3], 2.0);

  // A series without its verdict (written by hand, or by a tool) is classified on reading.
  nlohmann::json bare = j;
  for (const char* k : {"class", "changepoints", "segment_means_ms", "steady_iteration", "steady_ms"})
    bare["rows"][1]["iteration_series"][0].erase(k);
  ASSERT_TRUE(report_from_json(bare, back, error)) << error;
  EXPECT_EQ(back.rows[1].iteration_series[0].analysis.cls, kWarmupWarmup);
  // Mistyped series are refused with their place.
  nlohmann::json bad = j;
  bad["rows"][1]["iteration_series"][1]["times_ms"][3] = "slow";
  EXPECT_FALSE(report_from_json(bad, back, error));
  EXPECT_NE(error.find("rows[1].iteration_series[1]"), std::string::npos) << error;

  // A version 3 report (before iteration series) reads with no series and no warm-up summary.
  nlohmann::json v3 = report_to_json(test::bench_report(25, 50));
  v3["schema_version"] = 3;
  for (auto& row : v3["rows"])
    for (const char* k : {"iteration_series", "warmup_class", "first_iteration_ms", "steady_iteration",
                          "time_to_steady_ms", "steady_ms"})
      row.erase(k);
  ASSERT_TRUE(report_from_json(v3, back, error)) << error;
  EXPECT_EQ(back.schema_version, 3);
  EXPECT_TRUE(back.rows[1].iteration_series.empty());
  EXPECT_EQ(back.rows[1].warmup_class, "");
  EXPECT_FALSE(back.rows[1].steady_ms);
  EXPECT_FALSE(has_iteration_series(back));
  EXPECT_EQ(report_to_markdown(back, "t.svg").find("## Warm-up"), std::string::npos);
}

TEST(Report, WarmupTableChartAndCsvColumns) {
  Report r = report_with_series();
  std::string md = report_to_markdown(r, "t.svg", "t-warmup.svg");
  EXPECT_NE(md.find("## Warm-up"), std::string::npos);
  EXPECT_NE(md.find("![In-process iteration times per program and tier](t-warmup.svg)"), std::string::npos);
  EXPECT_NE(md.find("| fib | baseline | default | 12 | 40.000 | 1 | 40.000 | 25.010 | warm-up |"), std::string::npos) << md;
  EXPECT_NE(md.find("| fib | interp | default | 3 | 101.000 | – | – | – | short |"), std::string::npos) << md;

  std::string csv = report_to_csv(r);
  EXPECT_NE(csv.find(",deopts,warmup_class,first_iteration_ms,steady_iteration,time_to_steady_ms,steady_ms,engine_stats,"),
            std::string::npos) << csv.substr(0, csv.find('\n'));
  EXPECT_NE(csv.find(",warm-up,40.0,1.0,40.0,"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("times_ms"), std::string::npos);  // the series are JSON only

  std::string svg = warmup_chart_svg(r);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("baseline: warm-up"), std::string::npos);
  EXPECT_NE(svg.find("interp: short"), std::string::npos);
  EXPECT_NE(svg.find("the JIT compiled in every iteration 0-11"), std::string::npos);  // compile events
  EXPECT_NE(svg.find("steady from iteration 1"), std::string::npos);
  EXPECT_EQ(std::count(svg.begin(), svg.end(), '\n') > 5, true);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);

  TempDir dir;
  std::string error;
  ASSERT_TRUE(write_report_files(r, dir.file("out"), "r", error)) << error;
  EXPECT_TRUE(std::filesystem::exists(dir.file("out/r-warmup.svg")));
  ASSERT_TRUE(write_report_files(test::bench_report(25, 50), dir.file("old"), "r", error)) << error;
  EXPECT_FALSE(std::filesystem::exists(dir.file("old/r-warmup.svg")));  // no series, no chart
}

TEST(Report, CsvHasOneLinePerRowAndNullsAreEmpty) {
  Report r = test::bench_report(25, 50);
  r.rows[0].detail = "a, \"quoted\" detail";
  std::string csv = report_to_csv(r);
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5);
  EXPECT_EQ(csv.rfind("program,tier,mode,", 0), 0u);
  EXPECT_NE(csv.find("\"a, \"\"quoted\"\" detail\""), std::string::npos);
  EXPECT_NE(csv.find(",,"), std::string::npos);  // unmeasured engine columns
}

TEST(Report, MarkdownAndSvg) {
  Report r = test::bench_report(25, 50);
  std::string md = report_to_markdown(r, "t.svg");
  EXPECT_NE(md.find("![Speedup"), std::string::npos);
  EXPECT_NE(md.find("| baseline | default | 2 | 0 | 2.83× |"), std::string::npos) << md;
  std::string svg = speedup_chart_svg(r);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find(">fib<"), std::string::npos);
  EXPECT_NE(svg.find("4.00x"), std::string::npos);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
}

TEST(Report, ShortNamesDropCommonDirectoryAndExtension) {
  auto n = short_program_names({"corpus/bench/fib.gene", "corpus/bench/x/sieve.gene"});
  EXPECT_EQ(n, (std::vector<std::string>{"fib", "x/sieve"}));
}

TEST(Report, WritesTheFileSet) {
  TempDir dir;
  std::string error;
  ASSERT_TRUE(write_report_files(test::bench_report(25, 50), dir.file("out"), "r", error)) << error;
  for (const char* ext : {".json", ".csv", ".md", ".svg"})
    EXPECT_TRUE(std::filesystem::exists(dir.file(std::string("out/r") + ext))) << ext;
  Report back;
  EXPECT_TRUE(load_report(dir.file("out/r.json"), back, error)) << error;
}

}  // namespace
}  // namespace gene::harness
