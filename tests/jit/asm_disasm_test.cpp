#include "jit/asm_disasm.h"

#include <gtest/gtest.h>

#include "jit/x64/assembler.h"

namespace gene::jit {
namespace {

using namespace gene::x64;

TEST(AsmDisasm, LinesHaveOffsetBytesAndIntelText) {
  Assembler a;
  Label top = a.new_label();
  a.bind(top);
  a.mov(rax, rcx);                 // 48 89 c8
  a.add(rax, 16);                  // 48 83 c0 10
  a.mov(qword_ptr(rbp, -8), r12);  // 4c 89 65 f8
  a.jcc(Cond::NE, top);            // 75 f1
  a.ret();                         // c3
  const std::vector<DisasmLine> lines = disassemble(a.code());
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].offset, 0u);
  EXPECT_EQ(lines[0].hex, "48 89 c8");
  EXPECT_EQ(lines[0].text, "mov rax, rcx");
  EXPECT_EQ(lines[1].offset, 3u);
  EXPECT_EQ(lines[1].hex, "48 83 c0 10");
  EXPECT_EQ(lines[1].text, "add rax, 0x10");
  EXPECT_EQ(lines[2].text, "mov [rbp-0x08], r12");
  EXPECT_EQ(lines[3].offset, 11u);
  EXPECT_EQ(lines[3].length, 2u);
  EXPECT_EQ(lines[3].text, "jnz 0x0");  // branch targets as offsets into the range
  EXPECT_EQ(lines[4].text, "ret");
  // With a runtime address, targets are absolute.
  EXPECT_EQ(disassemble(a.code(), 0x1000)[3].text, "jnz 0x1000");
}

TEST(AsmDisasm, UndecodableBytesBecomeBadLines) {
  const uint8_t bytes[] = {0x90, 0x06, 0xC3};  // nop, (push es: invalid in 64-bit mode), ret
  const std::vector<DisasmLine> lines = disassemble(bytes);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines.front().text, "nop");
  EXPECT_EQ(lines.back().text, "ret");
  bool saw_bad = false;
  for (const DisasmLine& l : lines) saw_bad |= l.text == "(bad)";
  EXPECT_TRUE(saw_bad);
  // Truncated instruction at the end of the range.
  const uint8_t truncated[] = {0x48, 0xB8, 0x01};
  const std::vector<DisasmLine> t = disassemble(truncated);
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].text, "(bad)");
}

TEST(AsmDisasm, FormattedListing) {
  Assembler a;
  a.push(rbx);
  a.ret();
  EXPECT_EQ(format_disassembly(a.code()),
            "  0x0000  53                       push rbx\n"
            "  0x0001  c3                       ret\n");
  EXPECT_EQ(format_disassembly({}), "");
}

}  // namespace
}  // namespace gene::jit
