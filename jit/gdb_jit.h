// GDB's JIT interface (`gene run --gdb-jit`): each compiled unit is described to gdb by a small
// ELF object built in memory, so `bt`, `info symbol` and `disassemble` name compiled code
// ("gene:fib#1") instead of showing raw addresses, and, through a DWARF line table from the
// code's bytecode offsets, give the source line of the bytecode instruction a machine-code
// address belongs to. The protocol (the __jit_debug_descriptor list and the breakpoint function
// __jit_debug_register_code) is gdb's, documented in its manual ("JIT Compilation Interface");
// LLDB reads it too. Without a debugger attached registration costs one small allocation per
// compiled unit; it is off unless asked for.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "jit/native_frame.h"

namespace gene::jit {

// A named range of one unit's code (main code, slow paths, exit), as offsets into the code.
struct GdbJitSymbol {
  std::string name;
  uint32_t offset = 0;
  uint32_t size = 0;
};

// A machine-code offset and the source line of the bytecode instruction that starts there.
struct GdbJitLine {
  uint32_t offset = 0;
  int32_t line = 0;
};

struct GdbJitUnit {
  uintptr_t start = 0;  // the code block
  uint32_t size = 0;
  uint32_t body_offset = 0;  // where compiled callers enter (CompiledCode::body_offset)
  std::string source_file;  // the program's path (for the line table)
  std::vector<GdbJitSymbol> symbols;
  std::vector<GdbJitLine> lines;  // any order; rows outside the code are dropped
  NativeFrameLayout frame;        // for the call-frame information (.debug_frame)
};

// The in-memory ELF object that describes `u` (ET_REL, x86-64): .text (no bits, at the code's
// address), .symtab, .debug_frame (how to find the caller's frame anywhere in the code, so
// `bt` walks on through compiled frames), and .debug_info/.debug_abbrev/.debug_line when there
// are lines.
std::vector<uint8_t> build_gdb_jit_object(const GdbJitUnit& u);

// Registers objects with gdb and unregisters them when their code is released. One per
// TierManager; entries are unregistered when it is destroyed.
class GdbJit {
 public:
  GdbJit();
  GdbJit(const GdbJit&) = delete;
  GdbJit& operator=(const GdbJit&) = delete;
  ~GdbJit();

  void add(const GdbJitUnit& u);
  // Unregisters the object for code starting at `start` (no-op if none).
  void remove(uintptr_t start);
  size_t registered() const { return entries_.size(); }

 private:
  struct Entry;
  std::vector<std::unique_ptr<Entry>> entries_;
};

}  // namespace gene::jit
