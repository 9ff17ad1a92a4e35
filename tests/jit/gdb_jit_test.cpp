// The in-memory ELF objects --gdb-jit hands to gdb, read back by binutils' readelf (an
// independent reader): section table, symbols, the DWARF line table and the call-frame rules.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <unistd.h>

#include "jit/gdb_jit.h"

namespace gene::jit {
namespace {

GdbJitUnit sample_unit() {
  GdbJitUnit u;
  u.start = 0x7f0000001000;
  u.size = 0x200;
  u.body_offset = 0x40;
  u.source_file = "/tmp/prog.gene";
  u.symbols = {{"gene:f#1", 0, 0x180}, {"gene:f#1 slow paths", 0x180, 0x60}, {"gene:f#1 exit", 0x1e0, 0x20}};
  u.lines = {{0x60, 3}, {0x50, 2}, {0x70, 3}, {0x90, 7}, {0x190, 2}, {0x400, 9}};  // unsorted; 0x400 is outside
  u.frame.entry_ready = 14;
  u.frame.body_ready = 0x48;
  u.frame.body_bytes = 24;
  u.frame.body_saves_rbp = true;
  u.frame.adjustments = {{0x100, 8}, {0x102, 16}, {0x10a, 8}, {0x10c, 0}, {0x1e8, 256}, {0x1f0, 0}};
  return u;
}

// readelf's output for the object of `u` with `flags`; empty if readelf is missing.
std::string readelf(const GdbJitUnit& u, const std::string& flags) {
  std::vector<uint8_t> obj = build_gdb_jit_object(u);
  std::string path = "/tmp/gene-gdb-jit-test-" + std::to_string(getpid()) + ".o";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(obj.data()), std::streamsize(obj.size()));
  std::string cmd = "readelf " + flags + " " + path + " 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    for (size_t n; (n = fread(buf, 1, sizeof buf, p)) > 0;) out.append(buf, n);
    pclose(p);
  }
  std::remove(path.c_str());
  return out;
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A decoded line-table row "<file> <line> <address> ...".
bool line_row(const std::string& text, int line, const std::string& address) {
  size_t at = text.find(" " + address);
  if (at == std::string::npos) return false;
  size_t bol = text.rfind('\n', at);
  std::string row = text.substr(bol + 1, at - bol - 1);
  return row.size() > 2 && row.substr(row.find_last_not_of(' ') + 1 - std::to_string(line).size()).rfind(std::to_string(line), 0) == 0;
}

TEST(GdbJitObject, IsARelocatableX8664ObjectWithTheUnitsSymbols) {
  std::string out = readelf(sample_unit(), "-h -S -s -W");
  ASSERT_TRUE(has(out, "ELF64")) << out;
  EXPECT_TRUE(has(out, "REL (Relocatable file)")) << out;
  EXPECT_TRUE(has(out, "Advanced Micro Devices X86-64")) << out;
  EXPECT_TRUE(has(out, ".text             NOBITS          00007f0000001000")) << out;
  for (const char* s : {".symtab", ".debug_frame", ".debug_line", ".debug_info"}) EXPECT_TRUE(has(out, s)) << s << "\n" << out;
  // value (offset into .text), size, type, binding, name
  EXPECT_TRUE(has(out, "0000000000000000   384 FUNC    GLOBAL DEFAULT    1 gene:f#1")) << out;
  EXPECT_TRUE(has(out, "0000000000000180    96 FUNC    GLOBAL DEFAULT    1 gene:f#1 slow paths")) << out;
  EXPECT_TRUE(has(out, "00000000000001e0    32 FUNC    GLOBAL DEFAULT    1 gene:f#1 exit")) << out;
  EXPECT_FALSE(has(out, "Warning")) << out;
}

TEST(GdbJitObject, LineTableMapsMachineCodeToSourceLinesInAddressOrder) {
  std::string out = readelf(sample_unit(), "--debug-dump=decodedline");
  ASSERT_TRUE(has(out, "prog.gene")) << out;
  // One row per change of line, sorted by address; the row outside the code is dropped.
  EXPECT_TRUE(line_row(out, 2, "0x7f0000001050")) << out;
  EXPECT_TRUE(line_row(out, 3, "0x7f0000001060")) << out;
  EXPECT_FALSE(has(out, "0x7f0000001070")) << out;  // same line as the row before
  EXPECT_TRUE(line_row(out, 7, "0x7f0000001090")) << out;
  EXPECT_TRUE(line_row(out, 2, "0x7f0000001190")) << out;
  EXPECT_FALSE(line_row(out, 3, "0x7f0000001190")) << out;
  EXPECT_FALSE(has(out, "0x7f0000001400")) << out;
  EXPECT_FALSE(has(out, "Warning")) << out;
}

TEST(GdbJitObject, FrameRulesFollowTheNativeFrameLayout) {
  std::string out = readelf(sample_unit(), "--debug-dump=frames-interp");
  ASSERT_TRUE(has(out, "pc=00007f0000001000..00007f0000001200")) << out;
  // At the start: a call's target. After the entry's pushes: 64 bytes below the caller's rsp
  // plus the return address, callee-saved registers in push order. In the body: 24 bytes with
  // rbp saved; 16 more around a call (two pushes), 256 more in the deopt trampoline.
  EXPECT_TRUE(has(out, "00007f0000001000 rsp+8    u     u     u     u     u     u     c-8")) << out;
  EXPECT_TRUE(has(out, "00007f000000100e rsp+64   c-24  c-16  c-32  c-40  c-48  c-56  c-8")) << out;
  EXPECT_TRUE(has(out, "00007f0000001048 rsp+32   s     c-16  s     s     s     s     c-8")) << out;
  EXPECT_TRUE(has(out, "00007f0000001102 rsp+48")) << out;  // around a call to a compiled callee
  EXPECT_TRUE(has(out, "00007f000000110c rsp+32")) << out;
  EXPECT_TRUE(has(out, "00007f00000011e8 rsp+288")) << out;
  EXPECT_TRUE(has(out, "00007f00000011f0 rsp+32")) << out;
  EXPECT_FALSE(has(out, "Warning")) << out;
}

}  // namespace
}  // namespace gene::jit
