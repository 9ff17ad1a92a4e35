// End-to-end: the gene-harness binary on temporary copies of corpus programs.
#include <gtest/gtest.h>

#include "harness/exit_codes.h"
#include "harness/report.h"
#include "test_util.h"

namespace gene::harness {
namespace {

using test::harness;

std::string gene() { return GENE_BINARY; }

TEST(CheckCli, PassesOnCorrectPrograms) {
  TempDir dir;
  test::copy_program("lang/closure_shared_counter", dir.path());
  test::copy_program("lang/error_arity_mismatch", dir.path());
  auto r = harness({"check", dir.path(), "--gene", gene(), "-j", "2", "-v"});
  EXPECT_EQ(r.exit, kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("2 passed, 0 failed"), std::string::npos) << r.out;
}

TEST(CheckCli, FailsWithDiffWhenOutputChanges) {
  TempDir dir;
  test::copy_program("lang/closure_shared_counter", dir.path());
  std::string exp = dir.file("closure_shared_counter.expected");
  std::string text = test::read_text(exp);
  size_t pos = text.find("15 2");
  ASSERT_NE(pos, std::string::npos);
  text.replace(pos, 4, "15 9");
  test::write_text(exp, text);
  auto r = harness({"check", dir.path(), "--gene", gene()});
  EXPECT_EQ(r.exit, kFailed) << r.out << r.err;
  EXPECT_NE(r.out.find("FAIL " + dir.file("closure_shared_counter.gene")), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("-15 9\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("+15 2\n"), std::string::npos) << r.out;
}

TEST(CheckCli, FailsWhenErrorLineChanges) {
  TempDir dir;
  test::copy_program("lang/error_arity_mismatch", dir.path());
  std::string exp = dir.file("error_arity_mismatch.expected");
  std::string text = test::read_text(exp);
  size_t pos = text.find("arity_mismatch ");
  ASSERT_NE(pos, std::string::npos);
  text.insert(pos + 15, "1");  // line 4 -> 14
  test::write_text(exp, text);
  EXPECT_EQ(harness({"check", dir.path(), "--gene", gene()}).exit, kFailed);
}

TEST(CheckCli, HangIsKilledAndFails) {
  TempDir dir;
  test::write_text(dir.file("hang.gene"), "(var x 0)\n(while true (x = 1))\n");
  test::write_text(dir.file("hang.expected"), "exit: 0\nresult: nil\nstdout:\n");
  auto r = harness({"check", dir.path(), "--gene", gene(), "--timeout", "1"}, 60);
  EXPECT_EQ(r.exit, kFailed) << r.out << r.err;
  EXPECT_NE(r.out.find("timed out"), std::string::npos) << r.out;
}

TEST(CheckCli, BadInput) {
  TempDir dir;
  test::write_text(dir.file("lonely.gene"), "(println 1)\n");
  auto no_expected = harness({"check", dir.path(), "--gene", gene()});
  EXPECT_EQ(no_expected.exit, kBadInput) << no_expected.out;
  EXPECT_NE(no_expected.out.find("no expected file"), std::string::npos);

  test::write_text(dir.file("lonely.expected"), "exit: zero\n");
  EXPECT_EQ(harness({"check", dir.path(), "--gene", gene()}).exit, kBadInput);

  auto missing = harness({"check", dir.file("nope"), "--gene", gene()});
  EXPECT_EQ(missing.exit, kBadInput);
  EXPECT_NE(missing.err.find("no such file or directory"), std::string::npos);

  auto tier = harness({"check", dir.path(), "--gene", gene(), "--tier", "warp"});
  EXPECT_EQ(tier.exit, kUsage);
  EXPECT_NE(tier.err.find("unknown tier 'warp'"), std::string::npos) << tier.err;

  EXPECT_EQ(harness({"check", dir.path(), "--gene", dir.file("no-gene")}).exit, kBadInput);
  EXPECT_EQ(harness({"check", dir.path(), "--shard", "0/3"}).exit, kUsage);
  EXPECT_EQ(harness({"frobnicate"}).exit, kUsage);
}

// Sharding is about programs, not tiers: baseline's three variants keep this affordable under
// ASan (all nine took over 300 s there).
TEST(CheckCli, ShardsCoverTheCorpusOnce) {
  int total = 0;
  for (const char* s : {"1/3", "2/3", "3/3"}) {
    auto r = harness({"check", test::corpus("lang"), "--gene", gene(), "--tier", "baseline", "--shard", s, "-j", "2"});
    ASSERT_EQ(r.exit, kOk) << r.out << r.err;
    total += std::stoi(r.out.substr(r.out.find("check: ") + 7));
  }
  auto all = harness({"check", test::corpus("lang"), "--gene", gene(), "--tier", "baseline", "-j", "2"});
  EXPECT_EQ(total, std::stoi(all.out.substr(all.out.find("check: ") + 7)));
}

TEST(BenchCli, WritesReportsAndComparesWithItself) {
  TempDir dir;
  test::copy_program("lang/closure_shared_counter", dir.file("progs"));
  test::copy_program("lang/builtin_math", dir.file("progs"));
  auto r = harness({"bench", dir.file("progs"), "--repetitions", "2", "--min-time", "0.01", "--warmup", "0",
                    "--report-dir", dir.file("rep"), "--name", "b"});
  ASSERT_EQ(r.exit, kOk) << r.out << r.err;
  for (const char* ext : {".json", ".csv", ".md", ".svg"}) EXPECT_TRUE(std::filesystem::exists(dir.file(std::string("rep/b") + ext)));
  Report rep;
  std::string error;
  ASSERT_TRUE(load_report(dir.file("rep/b.json"), rep, error)) << error;
  ASSERT_FALSE(rep.rows.empty());
  for (const auto& row : rep.rows) {
    EXPECT_EQ(row.status, "pass") << row.program << " " << row.tier;
    EXPECT_TRUE(row.time_median_ms && *row.time_median_ms > 0);
    EXPECT_TRUE(row.speedup);
    EXPECT_EQ(row.repetitions, 2);
  }
  EXPECT_EQ(rep.environment.build_type.empty(), false);
  auto same = harness({"compare", dir.file("rep/b.json"), dir.file("rep/b.json")});
  EXPECT_EQ(same.exit, kOk) << same.out << same.err;

  // Inject a correctness change into a copy: every row now fails.
  nlohmann::json j = nlohmann::json::parse(test::read_text(dir.file("rep/b.json")));
  for (auto& row : j["rows"]) row["status"] = "fail";
  test::write_text(dir.file("broken.json"), j.dump());
  auto changed = harness({"compare", dir.file("rep/b.json"), dir.file("broken.json")});
  EXPECT_EQ(changed.exit, kFailed) << changed.out;
  EXPECT_NE(changed.out.find("CORRECTNESS pass -> fail"), std::string::npos) << changed.out;
  // Reports re-render from JSON.
  EXPECT_EQ(harness({"report", dir.file("rep/b.json"), "--report-dir", dir.file("again")}).exit, kOk);
  EXPECT_TRUE(std::filesystem::exists(dir.file("again/b.svg")));
}

TEST(BenchCli, WrongOutputIsAFailure) {
  TempDir dir;
  test::copy_program("lang/builtin_math", dir.path());
  std::string exp = dir.file("builtin_math.expected");
  test::write_text(exp, test::read_text(exp) + "extra\n");
  auto r = harness({"bench", dir.path(), "--repetitions", "1", "--min-time", "0.01", "--warmup", "0", "--report-dir",
                    dir.file("rep")});
  EXPECT_EQ(r.exit, kFailed) << r.out << r.err;
  EXPECT_EQ(harness({"bench", dir.path(), "--tier", "warp"}).exit, kUsage);
  EXPECT_EQ(harness({"bench", dir.file("nothing-here")}).exit, kBadInput);
}

TEST(MergeCli, ShardReportsMergeIntoTheWhole) {
  TempDir dir;
  for (const char* p : {"lang/closure_shared_counter", "lang/builtin_math", "lang/builtin_str"}) test::copy_program(p, dir.file("progs"));
  for (const char* s : {"1/2", "2/2"}) {
    std::string name = std::string("s") + s[0];
    auto r = harness({"bench", dir.file("progs"), "--shard", s, "--repetitions", "1", "--min-time", "0.01", "--warmup", "0",
                      "--report-dir", dir.file("rep"), "--name", name});
    ASSERT_EQ(r.exit, kOk) << r.out << r.err;
  }
  auto m = harness({"merge", dir.file("rep/s1.json"), dir.file("rep/s2.json"), "--report-dir", dir.file("rep"), "--name", "all"});
  ASSERT_EQ(m.exit, kOk) << m.out << m.err;
  Report all;
  std::string error;
  ASSERT_TRUE(load_report(dir.file("rep/all.json"), all, error)) << error;
  EXPECT_EQ(report_programs(all).size(), 3u);
  EXPECT_EQ(all.shards, (std::vector<std::string>{"1/2", "2/2"}));
  EXPECT_EQ(harness({"merge", dir.file("rep/s1.json"), dir.file("rep/s1.json"), "--report-dir", dir.file("rep")}).exit, kBadInput);
  test::write_text(dir.file("rep/junk.json"), "not json");
  EXPECT_EQ(harness({"merge", dir.file("rep/junk.json"), "--report-dir", dir.file("rep")}).exit, kBadInput);
}

TEST(FuzzCli, RunsAndIsDeterministic) {
  TempDir dir;
  auto a = harness({"fuzz", "--print", "77"}), b = harness({"fuzz", "--print", "77"});
  EXPECT_EQ(a.exit, kOk);
  EXPECT_EQ(a.out, b.out);
  EXPECT_FALSE(a.out.empty());
  auto r = harness({"fuzz", "--seed", "100", "--count", "20", "--gene", gene(), "--gc-stress", "-j", "2", "--save-dir", dir.file("reg")});
  EXPECT_EQ(r.exit, kOk) << r.out << r.err;
  EXPECT_NE(r.out.find("0 failing"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(" 0 compile error"), std::string::npos) << r.out;
}

// A fake engine that is wrong only under --gc-stress: the fuzzer must find it, shrink the
// program and save it with the interpreter's output as expected.
TEST(FuzzCli, FindsShrinksAndSavesADivergence) {
  TempDir dir;
  std::string fake = dir.file("fake-gene");
  test::write_text(fake,
                   "#!/bin/sh\n"
                   "case \"$*\" in *--gc-stress*) exec \"" + gene() + "\" \"$@\" --max-depth 5 ;; esac\n"
                   "exec \"" + gene() + "\" \"$@\"\n");
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  // Seeds whose programs recurse deeper than 5 calls diverge under the fake --gc-stress. The
  // interpreter and the baseline are enough to exercise finding, shrinking and saving (every
  // tier's variants would only make each shrink step slower).
  auto r = harness({"fuzz", "--seed", "1", "--count", "30", "--gene", fake, "--gc-stress", "--max-failures", "1",
                    "--tier", "baseline",
                    "--shrink-steps", "150", "--save-dir", dir.file("reg")}, 280);
  ASSERT_EQ(r.exit, kFailed) << r.out << r.err;
  EXPECT_NE(r.out.find("shrunk from"), std::string::npos) << r.out;
  bool saved = false;
  for (const auto& e : std::filesystem::directory_iterator(dir.file("reg"))) {
    if (e.path().extension() != ".gene") continue;
    saved = true;
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(e.path()).replace_extension(".expected")));
    // The saved case still fails on the fake engine and passes on the real one.
    EXPECT_EQ(harness({"check", e.path().string(), "--gene", fake, "--gc-stress"}).exit, kFailed);
    EXPECT_EQ(harness({"check", e.path().string(), "--gene", gene(), "--gc-stress"}).exit, kOk);
  }
  EXPECT_TRUE(saved);
}

}  // namespace
}  // namespace gene::harness
