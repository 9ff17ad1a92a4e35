// Disassembly of JIT code through Zydis (Intel syntax), for --dump-asm and tests.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace gene::jit {

struct DisasmLine {
  uint64_t offset = 0;      // from the start of the range
  uint8_t length = 0;       // bytes in this instruction
  std::string hex;          // "48 89 c8"
  std::string text;         // "mov rax, rcx"; "(bad)" for bytes that do not decode
};

// Decodes [code.begin, code.end) as 64-bit code that runs at `runtime_address`; branch and
// RIP-relative targets are shown as absolute addresses computed from it (with the default 0,
// as offsets into the range). A byte that does not start a valid instruction becomes a
// one-byte "(bad)" line, so embedded data does not stop the listing.
std::vector<DisasmLine> disassemble(std::span<const uint8_t> code, uint64_t runtime_address = 0);

// One line per instruction: "  0x0004  48 89 c8                 mov rax, rcx\n".
std::string format_disassembly(std::span<const uint8_t> code, uint64_t runtime_address = 0);

}  // namespace gene::jit
