// Round trip of the textual bytecode over the whole corpus:
//   * every corpus program that compiles: dis -> load -> dis gives the identical text, and running
//     the loaded text gives the identical outcome (stdout, result, error kind and line, exit) as
//     running the source;
//   * every hand-written corpus/gbc program: its normal form (load -> dis) is a fixed point, and
//     running it matches its .expected file.
#include <gtest/gtest.h>

#include "interp/compiler.h"
#include "interp/disasm.h"
#include "interp/gbc_loader.h"
#include "interp/reader.h"
#include "interp/run.h"
#include "interp/vm.h"
#include "tests/vm/vm_test_util.h"

#if defined(__SANITIZE_ADDRESS__)
#define GENE_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GENE_UNDER_ASAN 1
#endif
#endif

namespace {

using namespace vmtest;

// Compiles source and disassembles it; false on a parse/compile error.
bool dis_source(const std::string& src, std::string& out) {
  gene::VM vm;
  gene::NodeList forms;
  gene::SourceError err;
  gene::Program prog;
  if (!gene::read_program(src, forms, err) || !gene::compile_program(vm, forms, prog, err)) return false;
  out = gene::disassemble_program(vm, prog);
  return true;
}

// Loads .gbc text and disassembles it again; false (with the message) on a loader error.
bool dis_gbc(const std::string& text, std::string& out, std::string& error) {
  gene::VM vm;
  gene::SourceError err;
  gene::Program prog;
  if (!gene::load_gbc(vm, text, prog, err)) {
    error = std::to_string(err.line) + ":" + std::to_string(err.col) + ": " + err.message;
    return false;
  }
  out = gene::disassemble_program(vm, prog);
  return true;
}

gene::RunOutcome run(const std::string& file, const std::string& text) {
  gene::RunOptions opts;
  return gene::run_source(file, text, opts, nullptr);
}

void expect_same_outcome(const gene::RunOutcome& a, const gene::RunOutcome& b) {
  EXPECT_EQ(a.exit_status, b.exit_status);
  EXPECT_EQ(a.result, b.result);
  EXPECT_EQ(a.error_kind, b.error_kind);
  EXPECT_EQ(a.error_line, b.error_line);
  EXPECT_EQ(a.stdout_text, b.stdout_text);
}

class SourceRoundTrip : public ::testing::TestWithParam<std::string> {};

TEST_P(SourceRoundTrip, DisLoadDisIsIdenticalAndBehavesTheSame) {
  const std::string& path = GetParam();
  std::string src = read_file(path);
  std::string text1;
  if (!dis_source(src, text1)) {  // a parse/compile error: nothing to disassemble
    EXPECT_EQ(run(path, src).exit_status, gene::kExitCompileError);
    return;
  }
  std::string text2, error;
  ASSERT_TRUE(dis_gbc(text1, text2, error)) << path << ": " << error;
  ASSERT_EQ(text1, text2) << path;

#ifdef GENE_UNDER_ASAN
  // The benchmarks are slow under AddressSanitizer (about 15 s each here); their text round trip
  // above still runs, and the release build compares their behaviour.
  if (path.find("/bench/") != std::string::npos) return;
#endif
  gene::RunOutcome from_source = run(path, src);
  gene::RunOutcome from_gbc = run(path + ".gbc", text1);
  expect_same_outcome(from_source, from_gbc);
}

INSTANTIATE_TEST_SUITE_P(Corpus, SourceRoundTrip, ::testing::ValuesIn(all_gene_programs()),
                         [](const auto& info) { return test_name(info.param); });

class HandWrittenGbc : public ::testing::TestWithParam<std::string> {};

TEST_P(HandWrittenGbc, NormalFormIsAFixedPointAndMatchesExpected) {
  const std::string& path = GetParam();
  std::string text = read_file(path);
  std::string norm1, norm2, error;
  ASSERT_TRUE(dis_gbc(text, norm1, error)) << path << ": " << error;
  ASSERT_TRUE(dis_gbc(norm1, norm2, error)) << path << ": " << error;
  EXPECT_EQ(norm1, norm2);

  std::string exp_path = path.substr(0, path.size() - 4) + ".expected";
  Expected e = parse_expected(read_file(exp_path));
  ASSERT_TRUE(e.ok) << "missing or malformed " << exp_path;
  gene::RunOutcome o = run(path, text);
  EXPECT_EQ(o.exit_status, e.exit);
  if (e.exit == 0) {
    EXPECT_EQ(o.result, e.result);
  }
  if (e.exit != 0) {
    EXPECT_EQ(o.error_kind, e.error_kind);
    EXPECT_EQ(o.error_line, e.error_line);
  }
  EXPECT_EQ(o.stdout_text, e.stdout_text);
  // The normal form behaves exactly like the hand-written text.
  expect_same_outcome(o, run(path, norm1));
}

INSTANTIATE_TEST_SUITE_P(Corpus, HandWrittenGbc, ::testing::ValuesIn(corpus_files("gbc", ".gbc")),
                         [](const auto& info) { return test_name(info.param); });

// The CLI does the same: `gene dis prog.gene` then `gene run prog.gbc` and `gene dis prog.gbc`.
TEST(GbcCli, DisThenRunThroughTheBinary) {
  TempDir tmp;
  std::string src = tmp.file("p.gene");
  write_file(src, "(fn f [x] (x * 2))\n(println \"tab\\there\" (f 21) :sym [1.5 nil])\n(f 4)\n");
  ProcResult dis = run_process({gene_binary(), "dis", src});
  ASSERT_EQ(dis.exit_code, 0) << dis.err;
  std::string gbc = tmp.file("p.gbc");
  write_file(gbc, dis.out);
  ProcResult a = run_gene(src, {"--print-result"});
  ProcResult b = run_gene(gbc, {"--print-result"});
  EXPECT_EQ(a.exit_code, 0);
  EXPECT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(b.out, "tab\there 42 sym [1.5 nil]\n8\n");
  ProcResult dis2 = run_process({gene_binary(), "dis", gbc});
  EXPECT_EQ(dis2.exit_code, 0);
  EXPECT_EQ(dis2.out, dis.out);
}

}  // namespace
