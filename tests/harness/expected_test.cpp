#include <gtest/gtest.h>

#include "harness/expected.h"

namespace gene::harness {
namespace {

TEST(Expected, RoundTripsSuccess) {
  Observation o;
  o.exit = 0;
  o.result = "[1 \"a\" nil]";
  o.stdout_text = "hello\nworld\n";
  std::string text = format_expected(o);
  EXPECT_EQ(text, "exit: 0\nresult: [1 \"a\" nil]\nstdout:\nhello\nworld\n");
  std::string error;
  auto back = parse_expected(text, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, o);
}

TEST(Expected, RoundTripsErrorAndStdoutWithoutFinalNewline) {
  Observation o;
  o.exit = 1;
  o.error_kind = "integer_overflow";
  o.error_line = 12;
  o.stdout_text = "partial line";
  std::string text = format_expected(o);
  EXPECT_EQ(text, "exit: 1\nerror: integer_overflow 12\nstdout:\npartial line");
  std::string error;
  auto back = parse_expected(text, error);
  ASSERT_TRUE(back) << error;
  EXPECT_EQ(*back, o);
}

TEST(Expected, EmptyStdoutAndStdoutThatLooksLikeHeaders) {
  std::string error;
  auto a = parse_expected("exit: 2\nerror: compile_error 3\nstdout:\n", error);
  ASSERT_TRUE(a) << error;
  EXPECT_EQ(a->error_kind, "compile_error");
  EXPECT_EQ(a->stdout_text, "");
  auto b = parse_expected("exit: 0\nresult: nil\nstdout:\nexit: 5\nstdout:\n", error);
  ASSERT_TRUE(b) << error;
  EXPECT_EQ(b->stdout_text, "exit: 5\nstdout:\n");
}

TEST(Expected, MessageIsNotAnExpectedField) {
  Observation a, b;
  a.exit = b.exit = 1;
  a.error_kind = b.error_kind = "type_error";
  a.error_message = "one";
  b.error_message = "two";
  EXPECT_TRUE(same_expected_fields(a, b));
  EXPECT_NE(format_for_engine_diff(a), format_for_engine_diff(b));
}

TEST(Expected, RejectsMalformedWithLineNumbers) {
  std::string error;
  EXPECT_FALSE(parse_expected("", error));
  EXPECT_NE(error.find("line 1"), std::string::npos);
  EXPECT_FALSE(parse_expected("exit: 7\n", error));
  EXPECT_FALSE(parse_expected("exit: 0\nerror: type_error 3\nstdout:\n", error));
  EXPECT_NE(error.find("line 2"), std::string::npos);
  EXPECT_FALSE(parse_expected("exit: 1\nerror: type_error x\nstdout:\n", error));
  EXPECT_FALSE(parse_expected("exit: 0\nresult: 1\nout:\n", error));
  EXPECT_NE(error.find("line 3"), std::string::npos);
}

TEST(Expected, PathBesideProgram) {
  EXPECT_EQ(expected_path_for("corpus/lang/a.gene"), "corpus/lang/a.expected");
  EXPECT_EQ(expected_path_for("x/b.gbc"), "x/b.expected");
}

}  // namespace
}  // namespace gene::harness
