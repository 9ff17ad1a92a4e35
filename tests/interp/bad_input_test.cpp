// Bad input gets a clear, documented error and exit status (SPEC §3 "Errors", §4): a parse or
// compile error prints `file:line:col: error: message`, runs nothing and exits 2.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "test_util.h"

namespace gene {
namespace {

struct BadInput {
  const char* what;
  const char* src;
  const char* prefix;  // expected `file:line:col: error: ` prefix
  const char* needle;  // expected part of the message
};

const BadInput kBadInputs[] = {
    {"unclosed paren", "(println \"hi\"\n  (+ 1 2)", "bad.gene:1:1: error: ", "unclosed '('"},
    {"extra closing paren", "(println 1))", "bad.gene:1:12: error: ", "unexpected ')'"},
    {"mismatched bracket", "(println [1 2)", "bad.gene:1:14: error: ", "mismatched ')', expected ']'"},
    {"bad escape", "(println \"a\\qb\")", "bad.gene:1:12: error: ", "invalid escape '\\q'"},
    {"unterminated string", "(println \"abc)", "bad.gene:1:10: error: ", "unterminated string"},
    {"bad number", "(+ 1 2x)", "bad.gene:1:6: error: ", "invalid number '2x'"},
    {"bad float", "(println 1.2.3)", "bad.gene:1:10: error: ", "invalid number '1.2.3'"},
    {"int too large", "(println\n  140737488355328)", "bad.gene:2:3: error: ", "out of range"},
    {"int too small", "-140737488355329", "bad.gene:1:1: error: ", "out of range"},
    {"unknown form", "(else 1)", "bad.gene:1:2: error: ", "unexpected 'else'"},
    {"keyword as value", "(println catch)", "bad.gene:1:10: error: ", "unexpected 'catch'"},
    {"method without receiver", "(.size [1])", "bad.gene:1:2: error: ", "needs a receiver"},
    {"chained infix", "(println (1 + 2 + 3))", "bad.gene:1:13: error: ", "chained infix '+'"},
    {"undeclared assignment", "(println 1)\n(count = 1)", "bad.gene:2:2: error: ", "undeclared variable 'count'"},
    {"too deep", "", "bad.gene:1:1001: error: ", "nesting too deep"},
};

std::string source_of(const BadInput& b) {
  if (std::string(b.what) == "too deep") return std::string(100000, '(') + std::string(100000, ')');
  return b.src;
}

TEST(BadInput, ExitTwoWithFileLineColError) {
  for (const BadInput& b : kBadInputs) {
    RunOptions opts;
    RunOutcome o = run_source("bad.gene", source_of(b), opts, nullptr);
    EXPECT_EQ(o.exit_status, 2) << b.what;
    EXPECT_EQ(o.error_kind, "compile_error") << b.what;
    std::string text = format_error("bad.gene", o);
    EXPECT_EQ(text.rfind(b.prefix, 0), 0u) << b.what << ": " << text;
    EXPECT_NE(text.find(b.needle), std::string::npos) << b.what << ": " << text;
    EXPECT_EQ(text.back(), '\n') << b.what;
    EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1) << b.what << ": one line";
  }
}

TEST(BadInput, NothingRunsBeforeACompileError) {
  for (const char* src : {"(println \"side effect\")\n(1 + 2 + 3)", "(println \"side effect\")\n(y = 2)",
                          "(println \"side effect\")\n\"\\q\"", "(println \"side effect\")\n(fn f [a a] 1)"}) {
    RunOutcome o = test::run(src);
    EXPECT_EQ(o.exit_status, 2) << src;
    EXPECT_EQ(o.stdout_text, "") << src;
    EXPECT_EQ(o.error_line, 2) << src;
  }
}

TEST(BadInput, RuntimeErrorsUseTheDocumentedFormat) {
  RunOutcome o = test::run("(println 1)\n(assert false \"nope\")");
  EXPECT_EQ(o.exit_status, 1);
  EXPECT_EQ(format_error("p.gene", o), "error[assertion_failed]: nope\n  at p.gene:2\n");
  o = test::run("(throw {^a 1})");
  EXPECT_EQ(format_error("p.gene", o), "error[uncaught_throw]: {^a 1}\n  at p.gene:1\n");
  EXPECT_EQ(format_error("p.gene", test::run("1")), "");
}

// Source beyond the bytecode's 16-bit limits (operand stack depth, slot count) must be reported
// by the compiler at a position, like every other compile error. A .gene source that fails
// verification is a compiler bug (docs/gbc-format.md: "line 0").
TEST(BadInput, BytecodeLimitsAreCompileErrorsWithAPosition) {
  std::string wide = "(println 1)\n(println";
  for (int i = 0; i < 70000; i++) wide += " 1";
  wide += ")";
  RunOutcome o = test::run(wide);
  EXPECT_EQ(o.exit_status, 2);
  EXPECT_EQ(o.stdout_text, "");
  EXPECT_EQ(o.error_kind, "compile_error") << o.error_message;
  EXPECT_EQ(o.error_line, 2) << o.error_message;
  EXPECT_GT(o.error_col, 0);

  // 70 nested blocks of 1000 locals each: 70,000 slots live at once in one unit.
  std::string many = "(fn f []";
  for (int b = 0; b < 70; b++) {
    many += " (do";
    for (int i = 0; i < 1000; i++) many += " (var v" + std::to_string(i) + " 0)";
  }
  many += std::string(70, ')') + ")";
  o = test::run(many);
  EXPECT_EQ(o.exit_status, 2);
  EXPECT_EQ(o.error_kind, "compile_error") << o.error_message;
  EXPECT_EQ(o.error_line, 1) << o.error_message;
  EXPECT_GT(o.error_col, 0);
}

TEST(BadInput, HostileButValidProgramsEndInDocumentedErrors) {
  // Runaway recursion, huge allocations and deep data end in errors, never in a crash.
  EXPECT_EQ(test::runtime_error_of("(fn f [n] (f (n + 1))) (f 0)"), "stack_overflow@1");
  EXPECT_EQ(test::runtime_error_of("(range 0 100000000000)"), "out_of_memory@1");
  EXPECT_EQ(test::result_of("(var a []) (for i in (range 0 100000) (a = [a])) 1"), "1");
  EXPECT_EQ(test::runtime_error_of("(var s \"x\") (loop (s = (s + s)))", [] {
              VMOptions o;
              o.max_heap = 8 << 20;
              return o;
            }()),
            "out_of_memory@1");
}

}  // namespace
}  // namespace gene
