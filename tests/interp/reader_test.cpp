// Reader (interp/reader.h): literals, positions, paths, map keys, comments, and every parse error.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "interp/reader.h"
#include "test_util.h"

namespace gene {
namespace {

struct Read {
  bool ok;
  NodeList nodes;
  SourceError err;
  std::string where() const { return std::to_string(err.line) + ":" + std::to_string(err.col); }
};

Read read(const std::string& src) {
  Read r;
  r.ok = read_program(src, r.nodes, r.err);
  return r;
}

const Node& only(const Read& r) {
  EXPECT_TRUE(r.ok) << r.err.message;
  EXPECT_EQ(r.nodes.size(), 1u);
  return *r.nodes.at(0);
}

// Expects a parse error at line:col whose message contains `needle`.
void expect_error(const std::string& src, int line, int col, const std::string& needle) {
  Read r = read(src);
  ASSERT_FALSE(r.ok) << "expected a parse error for: " << src;
  EXPECT_EQ(r.err.line, line) << src << " -> " << r.err.message;
  EXPECT_EQ(r.err.col, col) << src << " -> " << r.err.message;
  EXPECT_NE(r.err.message.find(needle), std::string::npos) << src << " -> " << r.err.message;
}

TEST(ReaderLiterals, Integers) {
  for (auto [src, value] : std::initializer_list<std::pair<const char*, int64_t>>{
           {"42", 42}, {"-10", -10}, {"0", 0}, {"-0", 0}, {"+7", 7}, {"007", 7},
           {"140737488355327", kIntMax}, {"-140737488355328", kIntMin}}) {
    Read r = read(src);
    const Node& n = only(r);
    EXPECT_EQ(n.kind, NodeKind::Int) << src;
    EXPECT_EQ(n.i, value) << src;
  }
}

TEST(ReaderLiterals, FloatsAreReadLikeStrtod) {
  for (auto [src, value] : std::initializer_list<std::pair<const char*, double>>{
           {"3.14", 3.14}, {"-2.5", -2.5}, {"1.5e2", 150.0}, {"2.5e-1", 0.25}, {"1e5", 1e5},
           {"1E5", 1e5}, {"5.", 5.0}, {"0.0", 0.0}, {"1e-400", 0.0}, {"140737488355328.0", 140737488355328.0},
           {"123456789012345.67", 123456789012345.67}}) {
    Read r = read(src);
    const Node& n = only(r);
    EXPECT_EQ(n.kind, NodeKind::Float) << src;
    EXPECT_EQ(n.f, value) << src;
  }
  Read r1 = read("1e999");
  const Node& inf = only(r1);
  EXPECT_EQ(inf.kind, NodeKind::Float);
  EXPECT_TRUE(std::isinf(inf.f) && inf.f > 0);
  Read r2 = read("-1e999");
  const Node& ninf = only(r2);
  EXPECT_TRUE(std::isinf(ninf.f) && ninf.f < 0);
  Read r3 = read("-0.0");
  const Node& nzero = only(r3);
  EXPECT_EQ(nzero.kind, NodeKind::Float);
  EXPECT_TRUE(std::signbit(nzero.f));
}

TEST(ReaderLiterals, StringsResolveEscapes) {
  Read r0 = read(R"("a\n\t\\\"\r b")");
  const Node& n = only(r0);
  EXPECT_EQ(n.kind, NodeKind::String);
  EXPECT_EQ(n.text, "a\n\t\\\"\r b");
  Read empty = read("\"\"");
  EXPECT_EQ(only(empty).text, "");
  Read hash = read("\"# not a comment ( ]\"");
  EXPECT_EQ(only(hash).text, "# not a comment ( ]");
  // A raw newline inside a string is kept and counted as a line.
  Read r = read("\"a\nb\" x");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.nodes[0]->text, "a\nb");
  EXPECT_EQ(r.nodes[1]->line, 2);
  EXPECT_EQ(r.nodes[1]->col, 4);
}

TEST(ReaderLiterals, WordsSymbolsMethodsAndIdentifiers) {
  Read r = read("true false nil :name .push foo_bar? ok! _x a1 + <= != && || = += ! not");
  ASSERT_TRUE(r.ok) << r.err.message;
  ASSERT_EQ(r.nodes.size(), 18u);
  EXPECT_TRUE(r.nodes[0]->is_ident("true"));
  EXPECT_TRUE(r.nodes[1]->is_ident("false"));
  EXPECT_TRUE(r.nodes[2]->is_ident("nil"));
  EXPECT_EQ(r.nodes[3]->kind, NodeKind::Symbol);
  EXPECT_EQ(r.nodes[3]->text, "name");
  EXPECT_EQ(r.nodes[4]->kind, NodeKind::Method);
  EXPECT_EQ(r.nodes[4]->text, "push");
  const char* idents[] = {"foo_bar?", "ok!", "_x", "a1", "+", "<=", "!=", "&&", "||", "=", "+=", "!", "not"};
  for (size_t i = 0; i < std::size(idents); i++) EXPECT_TRUE(r.nodes[5 + i]->is_ident(idents[i])) << idents[i];
}

TEST(ReaderLiterals, ArraysListsAndMaps) {
  Read r = read("(f [1 x] {^a 1 ^b x})");
  const Node& list = only(r);
  ASSERT_EQ(list.kind, NodeKind::List);
  ASSERT_EQ(list.items.size(), 3u);
  const Node& arr = *list.items[1];
  EXPECT_EQ(arr.kind, NodeKind::Array);
  ASSERT_EQ(arr.items.size(), 2u);
  EXPECT_EQ(arr.items[0]->kind, NodeKind::Int);
  EXPECT_TRUE(arr.items[1]->is_ident("x"));
  const Node& map = *list.items[2];
  EXPECT_EQ(map.kind, NodeKind::Map);
  ASSERT_EQ(map.items.size(), 4u);
  EXPECT_EQ(map.items[0]->kind, NodeKind::Key);
  EXPECT_EQ(map.items[0]->text, "a");
  EXPECT_EQ(map.items[2]->kind, NodeKind::Key);
  EXPECT_EQ(map.items[2]->text, "b");
  EXPECT_TRUE(map.items[3]->is_ident("x"));
  Read unit = read("()");
  EXPECT_EQ(only(unit).items.size(), 0u);
  Read em = read("{}");
  EXPECT_EQ(only(em).kind, NodeKind::Map);
}

TEST(ReaderLiterals, Paths) {
  Read rp = read("x/0/key/-1/k2");
  const Node& n = only(rp);
  ASSERT_EQ(n.kind, NodeKind::Path);
  EXPECT_EQ(n.text, "x");
  ASSERT_EQ(n.steps.size(), 4u);
  EXPECT_TRUE(n.steps[0].is_index);
  EXPECT_EQ(n.steps[0].index, 0);
  EXPECT_FALSE(n.steps[1].is_index);
  EXPECT_EQ(n.steps[1].name, "key");
  EXPECT_TRUE(n.steps[2].is_index);
  EXPECT_EQ(n.steps[2].index, -1);
  EXPECT_EQ(n.steps[3].name, "k2");
  Read rm = read("m/key");
  const Node& m = only(rm);
  EXPECT_EQ(m.kind, NodeKind::Path);
  ASSERT_EQ(m.steps.size(), 1u);
  EXPECT_EQ(m.steps[0].name, "key");
  // `/` alone is an operator, not a path.
  Read slash = read("/");
  EXPECT_TRUE(only(slash).is_ident("/"));
}

TEST(ReaderPositions, LineAndColumnOfEveryNode) {
  Read r = read("(a\n  b [c\n\t d])\n  :e");
  ASSERT_TRUE(r.ok) << r.err.message;
  ASSERT_EQ(r.nodes.size(), 2u);
  const Node& list = *r.nodes[0];
  EXPECT_EQ(list.line, 1);
  EXPECT_EQ(list.col, 1);
  EXPECT_EQ(list.items[0]->line, 1);
  EXPECT_EQ(list.items[0]->col, 2);
  EXPECT_EQ(list.items[1]->line, 2);
  EXPECT_EQ(list.items[1]->col, 3);
  const Node& arr = *list.items[2];
  EXPECT_EQ(arr.line, 2);
  EXPECT_EQ(arr.col, 5);
  EXPECT_EQ(arr.items[1]->line, 3);
  EXPECT_EQ(arr.items[1]->col, 3);  // a tab is one column
  EXPECT_EQ(r.nodes[1]->line, 4);
  EXPECT_EQ(r.nodes[1]->col, 3);
}

TEST(ReaderPositions, CrLfAndComments) {
  Read r = read("#!/usr/bin/env gene\r\n# comment (not read\r\nx # trailing ) comment\r\n  y#z\n");
  ASSERT_TRUE(r.ok) << r.err.message;
  ASSERT_EQ(r.nodes.size(), 2u);
  EXPECT_TRUE(r.nodes[0]->is_ident("x"));
  EXPECT_EQ(r.nodes[0]->line, 3);
  EXPECT_EQ(r.nodes[0]->col, 1);
  EXPECT_TRUE(r.nodes[1]->is_ident("y"));
  EXPECT_EQ(r.nodes[1]->line, 4);
  EXPECT_EQ(r.nodes[1]->col, 3);
}

TEST(ReaderComments, ShebangAndCommentsEverywhere) {
  Read r = read("#!/usr/bin/gene\n(a # inside a list\n b)#end");
  const Node& n = only(r);
  EXPECT_EQ(n.items.size(), 2u);
  EXPECT_EQ(read("# only a comment").nodes.size(), 0u);
  EXPECT_TRUE(read("").ok);
  EXPECT_TRUE(read("  \n\t\r\n").ok);
  EXPECT_EQ(test::output_of("#!/usr/bin/env gene\n(println \"#x\") # done"), "#x\n");
}

TEST(ReaderErrors, UnbalancedBrackets) {
  expect_error("(a b", 1, 1, "unclosed '('");
  expect_error("x\n  [1 2", 2, 3, "unclosed '['");
  expect_error("{^a 1", 1, 1, "unclosed '{'");
  expect_error("(a))", 1, 4, "unexpected ')'");
  expect_error("]", 1, 1, "unexpected ']'");
  expect_error("}", 1, 1, "unexpected '}'");
  expect_error("(a b]", 1, 5, "mismatched ']'");
  expect_error("[a\n (b})", 2, 4, "mismatched '}'");
  expect_error("{^a (1]}", 1, 7, "mismatched ']'");
  expect_error("((((", 1, 4, "unclosed '('");
}

TEST(ReaderErrors, BadEscapesAndUnterminatedStrings) {
  expect_error(R"("abc\q")", 1, 5, "invalid escape '\\q'");
  expect_error(R"(x "\x41")", 1, 4, "invalid escape");
  expect_error(R"("\0")", 1, 2, "invalid escape");
  expect_error(R"("\a")", 1, 2, "invalid escape");
  expect_error("\"abc", 1, 1, "unterminated string");
  expect_error("(f \"a\nb", 1, 4, "unterminated string");
  expect_error("\"abc\\", 1, 1, "unterminated string");
}

TEST(ReaderErrors, BadNumbers) {
  expect_error("12abc", 1, 1, "invalid number '12abc'");
  expect_error("1.2.3", 1, 1, "invalid number");
  expect_error("1e", 1, 1, "invalid number");
  expect_error("1e+", 1, 1, "invalid number");
  expect_error("0x10", 1, 1, "invalid number");
  expect_error("1..2", 1, 1, "invalid number");
  expect_error("(x -5a)", 1, 4, "invalid number");
  expect_error("1-2", 1, 1, "invalid number");
}

TEST(ReaderErrors, IntegerRangeIncludesTheSign) {
  EXPECT_TRUE(read("-140737488355328").ok);
  EXPECT_TRUE(read("140737488355327").ok);
  expect_error("140737488355328", 1, 1, "out of range");
  expect_error("-140737488355329", 1, 1, "out of range");
  expect_error("+140737488355328", 1, 1, "out of range");
  expect_error("(x\n   99999999999999999999999999)", 2, 4, "out of range");
  expect_error("9223372036854775808", 1, 1, "out of range");
  expect_error("x/140737488355328", 1, 1, "out of range");
}

TEST(ReaderErrors, InvalidTokens) {
  expect_error(":", 1, 1, "invalid symbol");
  expect_error(":1a", 1, 1, "invalid symbol");
  expect_error("(m .)", 1, 4, "invalid method name");
  expect_error("{^ 1}", 1, 2, "invalid map key");
  expect_error("a/", 1, 1, "invalid path");
  expect_error("a//b", 1, 1, "invalid path");
  expect_error("a/b-c", 1, 1, "invalid path");
  expect_error("a-b", 1, 1, "invalid token");
  expect_error("@", 1, 1, "invalid token");
  expect_error("caf\xc3\xa9", 1, 1, "invalid token");  // identifiers are ASCII
}

TEST(ReaderErrors, MapLiterals) {
  expect_error("{^a}", 1, 1, "needs a value for every key");
  expect_error("{1 2}", 1, 2, "keys must be ^name");
  expect_error("{^a 1 :b 2}", 1, 7, "keys must be ^name");
  expect_error("[^a 1]", 1, 2, "^a outside a map literal");
  expect_error("(f ^a)", 1, 4, "^a outside a map literal");
}

TEST(ReaderErrors, FirstErrorWins) {
  expect_error("(a\n\"\\q\" 12abc)", 2, 2, "invalid escape");
}

std::string nested(int depth, char open, char close) {
  return std::string(size_t(depth), open) + std::string(size_t(depth), close);
}

TEST(ReaderNesting, DeepButBoundedNestingReads) {
  Read r = read(nested(kMaxNesting, '(', ')'));
  EXPECT_TRUE(r.ok) << r.err.message;
  Read a = read(nested(kMaxNesting, '[', ']'));
  EXPECT_TRUE(a.ok) << a.err.message;
}

TEST(ReaderNesting, TooDeepIsAnErrorNotACrash) {
  expect_error(nested(kMaxNesting + 1, '(', ')'), 1, kMaxNesting + 1, "nesting too deep");
  expect_error(nested(100000, '(', ')'), 1, kMaxNesting + 1, "nesting too deep");
  expect_error(std::string(100000, '['), 1, kMaxNesting + 1, "nesting too deep");
  std::string mixed;
  for (int i = 0; i < 100000; i++) mixed += "([{"[i % 3];
  expect_error(mixed, 1, kMaxNesting + 1, "nesting too deep");
}

TEST(ReaderNesting, TooDeepThroughRunSource) {
  RunOutcome o = test::run(nested(100000, '(', ')'));
  EXPECT_EQ(o.exit_status, kExitCompileError);
  EXPECT_EQ(o.error_line, 1);
  EXPECT_NE(o.error_message.find("nesting too deep"), std::string::npos);
}

}  // namespace
}  // namespace gene
