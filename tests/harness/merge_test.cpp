#include <gtest/gtest.h>

#include "harness/merge.h"
#include "report_fixtures.h"

namespace gene::harness {
namespace {

std::vector<Report> split_in_two() {
  Report all = test::bench_report(25, 50);
  Report a = all, b = all;
  a.rows.assign(all.rows.begin(), all.rows.begin() + 2);
  a.shards = {"1/2"};
  b.rows.assign(all.rows.begin() + 2, all.rows.end());
  b.shards = {"2/2"};
  return {b, a};
}

TEST(Merge, JoinsShards) {
  Report m;
  std::string error;
  std::vector<std::string> warnings;
  ASSERT_TRUE(merge_reports(split_in_two(), {}, m, error, warnings)) << error;
  EXPECT_TRUE(warnings.empty());
  ASSERT_EQ(m.rows.size(), 4u);
  EXPECT_EQ(m.rows[0].program, "corpus/bench/fib.gene");  // sorted by program
  EXPECT_EQ(m.shards, (std::vector<std::string>{"1/2", "2/2"}));
  EXPECT_DOUBLE_EQ(*m.rows[1].speedup, 4.0);
}

TEST(Merge, WarnsAboutMissingShard) {
  Report m;
  std::string error;
  std::vector<std::string> warnings;
  ASSERT_TRUE(merge_reports({split_in_two()[0]}, {}, m, error, warnings)) << error;
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("1/2"), std::string::npos);
}

TEST(Merge, RejectsOverlapAndMixedCommits) {
  auto parts = split_in_two();
  Report m;
  std::string error;
  std::vector<std::string> warnings;
  EXPECT_FALSE(merge_reports({parts[0], parts[0]}, {}, m, error, warnings));
  EXPECT_NE(error.find("overlapping"), std::string::npos) << error;
  parts[1].environment.git_commit = "def";
  EXPECT_FALSE(merge_reports(parts, {}, m, error, warnings));
  EXPECT_TRUE(merge_reports(parts, {true}, m, error, warnings)) << error;
  parts[1].kind = "check";
  EXPECT_FALSE(merge_reports(parts, {true}, m, error, warnings));
}

}  // namespace
}  // namespace gene::harness
