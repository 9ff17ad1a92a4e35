#include <gtest/gtest.h>

#include <set>

#include "harness/corpus.h"
#include "test_util.h"

namespace gene::harness {
namespace {

TEST(Shard, ParsesAndRejects) {
  Shard s;
  std::string error;
  ASSERT_TRUE(parse_shard("2/4", s, error));
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 4);
  for (const char* bad : {"0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "", "-1/2", "1/2x"}) {
    EXPECT_FALSE(parse_shard(bad, s, error)) << bad;
    EXPECT_FALSE(error.empty());
  }
}

TEST(Shard, ShardsPartitionThePrograms) {
  std::vector<std::string> programs;
  for (int i = 0; i < 23; ++i) programs.push_back("p" + std::to_string(100 + i));
  std::multiset<std::string> seen;
  for (int i = 1; i <= 4; ++i)
    for (const auto& p : select_shard(programs, {i, 4})) seen.insert(p);
  EXPECT_EQ(seen, std::multiset<std::string>(programs.begin(), programs.end()));
}

TEST(Corpus, CollectsRecursivelySortedAndReportsMissing) {
  TempDir dir;
  test::write_text(dir.file("b/z.gene"), "1");
  test::write_text(dir.file("a.gene"), "1");
  test::write_text(dir.file("b/c/y.gbc"), "");
  test::write_text(dir.file("b/notes.txt"), "");
  test::write_text(dir.file("b/z.expected"), "");
  std::vector<std::string> missing;
  auto got = collect_programs({dir.path(), dir.file("a.gene"), dir.file("nope")}, missing);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], dir.file("a.gene"));
  EXPECT_EQ(got[1], dir.file("b/c/y.gbc"));
  EXPECT_EQ(got[2], dir.file("b/z.gene"));
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0], dir.file("nope"));
}

}  // namespace
}  // namespace gene::harness
