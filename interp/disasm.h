// Disassembler: a Program as textual bytecode (the .gbc format, docs/bytecode.md).
#pragma once
#include <string>

#include "interp/proto.h"

namespace gene {

class VM;

std::string disassemble_program(const VM& vm, const Program& prog);
// One instruction as "mnemonic operands" (used by the JIT's --dump-asm too).
std::string format_instr(const VM& vm, const Proto& p, const Instr& in);

}  // namespace gene
