#include <gtest/gtest.h>

#include "harness/report_csv.h"
#include "harness/report_markdown.h"
#include "harness/report_output.h"
#include "harness/svg_chart.h"
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
