// The .gbc loader on its own: exact decoding of constants, positions of errors, comments,
// rooting of constants under --gc-stress, the heap limit, and the size limit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "interp/compiler.h"
#include "interp/disasm.h"
#include "interp/gbc_loader.h"
#include "interp/object.h"
#include "interp/reader.h"
#include "interp/run.h"
#include "interp/verifier.h"
#include "interp/vm.h"
#include "tests/vm/vm_test_util.h"

namespace {

using gene::Program;
using gene::SourceError;
using gene::VM;

const char* kHead = ".unit 0 \"<top>\" params=0 slots=0 stack=2\n";

bool load(VM& vm, const std::string& text, Program& prog, SourceError& err) {
  return gene::load_gbc(vm, text, prog, err);
}

TEST(GbcLoader, StringConstantsRoundTripEveryByte) {
  // Source strings may hold any raw byte but '"' and '\'; disasm writes them as escapes.
  std::string s;
  for (int c = 0; c < 256; c++)
    if (c != '"' && c != '\\') s += char(c);
  std::string src = "(var s \"" + s + "\\\\\\\"\\n\\t\\r\")\ns\n";
  VM vm1;
  gene::NodeList forms;
  SourceError err;
  Program prog1;
  ASSERT_TRUE(gene::read_program(src, forms, err)) << err.message;
  ASSERT_TRUE(gene::compile_program(vm1, forms, prog1, err)) << err.message;
  std::string text = gene::disassemble_program(vm1, prog1);

  VM vm2;
  Program prog2;
  ASSERT_TRUE(load(vm2, text, prog2, err)) << err.line << ": " << err.message;
  ASSERT_EQ(prog2.protos.size(), 1u);
  const auto& c = prog2.top()->consts;
  ASSERT_EQ(c.size(), 1u);
  ASSERT_TRUE(gene::is_obj_type(c[0], gene::ObjType::String));
  EXPECT_EQ(gene::as_string(c[0])->chars, s + "\\\"\n\t\r");
  EXPECT_EQ(gene::disassemble_program(vm2, prog2), text);
}

TEST(GbcLoader, FloatConstants) {
  std::string text = std::string(kHead) +
                     "  .const 0 float nan\n  .const 1 float -0.0\n  .const 2 float 1e+21\n"
                     "  .const 3 float -inf\n  .const 4 float 5e-324\n  .const 5 float 0.1\n"
                     "     0  @1    nil\n     1  @1    return\n.end\n";
  VM vm;
  Program prog;
  SourceError err;
  ASSERT_TRUE(load(vm, text, prog, err)) << err.message;
  const auto& c = prog.top()->consts;
  ASSERT_EQ(c.size(), 6u);
  for (auto v : c) EXPECT_TRUE(v.is_double());
  EXPECT_TRUE(std::isnan(c[0].as_double()));
  EXPECT_TRUE(std::signbit(c[1].as_double()) && c[1].as_double() == 0.0);
  EXPECT_EQ(c[2].as_double(), 1e21);
  EXPECT_EQ(c[3].as_double(), -HUGE_VAL);
  EXPECT_EQ(c[4].as_double(), 5e-324);
  EXPECT_EQ(c[5].as_double(), 0.1);
}

TEST(GbcLoader, RejectsNanPayloadsThatWouldForgeATag) {
  // strtod accepts "nan(...)" payloads; a payload can set the bits that mark boxed values.
  for (const char* f : {"nan(0x7ffffffffffff)", "-nan", "0x1p3", "1.", ".5", "1e", "+1.0", "infinity"}) {
    std::string text = std::string(kHead) + "  .const 0 float " + f + "\n     0  @1    nil\n     1  @1    return\n.end\n";
    VM vm;
    Program prog;
    SourceError err;
    EXPECT_FALSE(load(vm, text, prog, err)) << f;
    EXPECT_NE(err.message.find("invalid float"), std::string::npos) << f << ": " << err.message;
    EXPECT_EQ(err.line, 2);
  }
}

TEST(GbcLoader, CommentsBlankLinesAndCrlf) {
  std::string text =
      "; a comment\r\n\r\n.unit 0 \"<top>\" params=0 slots=0 stack=1   ; trailing\r\n"
      "  .const 0 string \"a;b\"  ; the ';' inside the string is not a comment\r\n"
      "     0  @7    const 0\r\n     1  @7    return ; done\r\n.end\r\n";
  VM vm;
  Program prog;
  SourceError err;
  ASSERT_TRUE(load(vm, text, prog, err)) << err.line << ":" << err.col << ": " << err.message;
  EXPECT_EQ(gene::as_string(prog.top()->consts[0])->chars, "a;b");
  EXPECT_EQ(prog.top()->lines[0], 7);
}

TEST(GbcLoader, ErrorsCarryLineAndColumn) {
  std::string text = std::string(kHead) + "     0  @1    int five\n";
  VM vm;
  Program prog;
  SourceError err;
  ASSERT_FALSE(load(vm, text, prog, err));
  EXPECT_EQ(err.line, 2);
  EXPECT_EQ(err.col, 19);
  EXPECT_NE(err.message.find("expected integer operand"), std::string::npos);

  gene::RunOutcome o = gene::run_source("bad.gbc", text, {}, nullptr);
  EXPECT_EQ(o.exit_status, gene::kExitCompileError);
  EXPECT_EQ(o.error_kind, "compile_error");
  EXPECT_EQ(gene::format_error("bad.gbc", o).rfind("bad.gbc:2:19: error: ", 0), 0u);
}

TEST(GbcLoader, VerifyErrorsPointAtTheInstruction) {
  std::string text = std::string(kHead) + "     0  @1    int 1\n     1  @1    add\n     2  @1    return\n.end\n";
  gene::RunOutcome o = gene::run_source("v.gbc", text, {}, nullptr);
  EXPECT_EQ(o.exit_status, gene::kExitCompileError);
  EXPECT_EQ(o.error_kind, "verify_error");
  EXPECT_EQ(o.error_line, 3);
  EXPECT_EQ(o.error_col, 15);
  std::string msg = gene::format_error("v.gbc", o);
  EXPECT_EQ(msg.rfind("v.gbc:3:15: error: verify error in unit 0 at 1: add pops 2", 0), 0u) << msg;
}

TEST(GbcLoader, GlobalsResolveByName) {
  std::string text = std::string(kHead) +
                     "     0  @1    int 3\n     1  @1    define_global brand_new\n"
                     "     2  @2    load_global brand_new\n     3  @2    return\n.end\n";
  gene::RunOutcome o = gene::run_source("g.gbc", text, {}, nullptr);
  EXPECT_EQ(o.exit_status, 0) << o.error_message;
  EXPECT_EQ(o.result, "3");

  std::string undefined = std::string(kHead) + "     0  @5    load_global never_defined\n     1  @5    return\n.end\n";
  o = gene::run_source("u.gbc", undefined, {}, nullptr);
  EXPECT_EQ(o.exit_status, gene::kExitRuntimeError);
  EXPECT_EQ(o.error_kind, "undefined_variable");
  EXPECT_EQ(o.error_line, 5);
}

TEST(GbcLoader, ConstantsStayRootedUnderGcStress) {
  std::string text = ".unit 0 \"<top>\" params=0 slots=0 stack=300\n";
  for (int i = 0; i < 300; i++)
    text += "  .const " + std::to_string(i) + " string \"constant number " + std::to_string(i) + "\"\n";
  for (int i = 0; i < 300; i++) text += "  " + std::to_string(i) + " @1 const " + std::to_string(i) + "\n";
  text += "  300 @1 make_array 300\n  301 @1 return\n.end\n";
  gene::RunOptions opts;
  opts.vm.gc_stress = true;
  gene::RunOutcome o = gene::run_source("s.gbc", text, opts, nullptr);
  ASSERT_EQ(o.exit_status, 0) << o.error_message;
  EXPECT_NE(o.result.find("\"constant number 299\"]"), std::string::npos);
  EXPECT_EQ(o.result.rfind("[\"constant number 0\" ", 0), 0u);
}

TEST(GbcLoader, HeapLimitWhileLoadingIsAnError) {
  std::string big(3 << 20, 'x');
  std::string text = std::string(kHead) + "  .const 0 string \"" + big + "\"\n     0  @1    nil\n     1  @1    return\n.end\n";
  gene::RunOptions opts;
  opts.vm.max_heap = 1 << 20;
  gene::RunOutcome o = gene::run_source("h.gbc", text, opts, nullptr);
  EXPECT_EQ(o.exit_status, gene::kExitCompileError);
  EXPECT_EQ(o.error_line, 2);
  EXPECT_NE(o.error_message.find("out of memory"), std::string::npos);
}

TEST(GbcLoader, UnitSizeLimit) {
  std::string text = ".unit 0 \"<top>\" params=0 slots=65535 stack=1\n";
  for (int i = 0; i < 2000; i++) text += "  " + std::to_string(i) + " @1 nil\n";
  VM vm;
  Program prog;
  SourceError err;
  ASSERT_FALSE(load(vm, text, prog, err));
  EXPECT_NE(err.message.find("too large"), std::string::npos) << err.message;
}

TEST(GbcLoader, EmptyInputLoadsNoUnitsAndTheVerifierRejectsIt) {
  VM vm;
  Program prog;
  SourceError err;
  ASSERT_TRUE(load(vm, "; nothing\n", prog, err));
  EXPECT_TRUE(prog.protos.empty());
  gene::VerifyError verr;
  EXPECT_FALSE(gene::verify_program(vm, prog, verr));
}

TEST(GbcLoader, NormalizesHandWrittenSpacing) {
  std::string text = ".unit 0 \"top\" params=0 slots=0 stack=1\n0 @1 int 0042\n1 @1 return\n.end\n";
  VM vm;
  Program prog;
  SourceError err;
  ASSERT_TRUE(load(vm, text, prog, err)) << err.message;
  EXPECT_EQ(gene::disassemble_program(vm, prog),
            "; gene bytecode v1\n\n.unit 0 \"top\" params=0 slots=0 stack=1\n"
            "     0  @1    int 42\n     1  @1    return\n.end\n");
}

}  // namespace
