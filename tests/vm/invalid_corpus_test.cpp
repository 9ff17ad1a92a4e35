// corpus/invalid: malformed .gbc files, each naming the loader or verifier check it hits in a
// header comment (`; check: ...`) and the message it must be rejected with (`; expect: ...`).
// Each must exit 2 through the real binary, print `file:line:col: error: <that message>` (or
// `file: error: ...` when no position applies), and match its .expected (kind and line).
#include <gtest/gtest.h>

#include <map>

#include "tests/vm/vm_test_util.h"

namespace {

using namespace vmtest;

std::string header_field(const std::string& text, const std::string& key) {
  std::string tag = "; " + key + ": ";
  size_t at = text.find(tag);
  if (at == std::string::npos) return "";
  size_t end = text.find('\n', at);
  return text.substr(at + tag.size(), end - at - tag.size());
}

class InvalidGbc : public ::testing::TestWithParam<std::string> {};

TEST_P(InvalidGbc, RejectedWithItsSpecificMessage) {
  const std::string& path = GetParam();
  std::string text = read_file(path);
  std::string check = header_field(text, "check");
  std::string expect = header_field(text, "expect");
  ASSERT_FALSE(check.empty()) << path << " has no '; check:' header";
  ASSERT_FALSE(expect.empty()) << path << " has no '; expect:' header";

  ProcResult r = run_gene(path);
  EXPECT_EQ(r.signal, 0) << "crashed";
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find(expect), std::string::npos) << "stderr: " << r.err << "expected: " << expect;

  Expected e = parse_expected(read_file(path.substr(0, path.size() - 4) + ".expected"));
  ASSERT_TRUE(e.ok) << "missing or malformed .expected";
  EXPECT_EQ(e.exit, 2);
  EXPECT_TRUE(e.error_kind == "verify_error" || e.error_kind == "compile_error") << e.error_kind;
  EXPECT_EQ(e.stdout_text, "");
  // The position in the message is the line recorded in .expected (0: no position).
  std::string prefix = path + (e.error_line > 0 ? ":" + std::to_string(e.error_line) + ":" : ": error:");
  EXPECT_EQ(r.err.rfind(prefix, 0), 0u) << r.err;
  bool is_verify = r.err.find("verify error") != std::string::npos;
  EXPECT_EQ(is_verify, e.error_kind == "verify_error");
}

INSTANTIATE_TEST_SUITE_P(Corpus, InvalidGbc, ::testing::ValuesIn(corpus_files("invalid", ".gbc")),
                         [](const auto& info) { return test_name(info.param); });

TEST(InvalidGbcCorpus, AtLeast25FilesEachHittingADifferentCheck) {
  auto files = corpus_files("invalid", ".gbc");
  std::map<std::string, std::string> by_expect;
  int verifier = 0;
  for (const auto& f : files) {
    std::string text = read_file(f);
    std::string expect = header_field(text, "expect");
    auto [it, fresh] = by_expect.emplace(expect, f);
    EXPECT_TRUE(fresh) << f << " and " << it->second << " expect the same message";
    if (f.find("/verify_") != std::string::npos) verifier++;
  }
  EXPECT_GE(files.size(), 25u);
  EXPECT_GE(verifier, 25) << "at least 25 distinct verifier checks";
}

}  // namespace
