#include <gtest/gtest.h>

#include "harness/diff.h"

namespace gene::harness {
namespace {

TEST(Diff, EqualTextsGiveNothing) { EXPECT_EQ(unified_diff("a\nb\n", "a\nb\n", "x", "y"), ""); }

TEST(Diff, OneChangedLineWithContext) {
  std::string a = "1\n2\n3\n4\n5\n6\n7\n8\n9\n", b = "1\n2\n3\n4\nFIVE\n6\n7\n8\n9\n";
  EXPECT_EQ(unified_diff(a, b, "want", "got"),
            "--- want\n+++ got\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+FIVE\n 6\n 7\n 8\n");
}

TEST(Diff, MissingFinalNewlineIsShown) {
  std::string d = unified_diff("a\n", "a", "want", "got");
  EXPECT_NE(d.find("-a\n"), std::string::npos);
  EXPECT_NE(d.find("+a\n\\ No newline at end of file\n"), std::string::npos);
}

TEST(Diff, DistantChangesMakeTwoHunks) {
  std::string a, b;
  for (int i = 0; i < 30; ++i) {
    a += std::to_string(i) + "\n";
    b += (i == 2 || i == 25 ? "x" : std::to_string(i)) + "\n";
  }
  std::string d = unified_diff(a, b, "a", "b");
  int hunks = 0;
  for (size_t pos = 0; (pos = d.find("\n@@ ", pos)) != std::string::npos; ++pos) ++hunks;
  EXPECT_EQ(hunks, 2) << d;
}

TEST(Diff, InsertionsAndDeletions) {
  std::string d = unified_diff("a\nb\nc\n", "a\nc\nd\n", "x", "y");
  EXPECT_NE(d.find("-b\n"), std::string::npos);
  EXPECT_NE(d.find("+d\n"), std::string::npos);
}

TEST(Diff, OutputIsCapped) {
  std::string a, b;
  for (int i = 0; i < 1000; ++i) {
    a += "a" + std::to_string(i) + "\n";
    b += "b" + std::to_string(i) + "\n";
  }
  DiffOptions o;
  o.max_lines = 10;
  std::string d = unified_diff(a, b, "a", "b", o);
  EXPECT_NE(d.find("more diff lines not shown"), std::string::npos);
  EXPECT_LT(d.size(), 1000u);
}

}  // namespace
}  // namespace gene::harness
