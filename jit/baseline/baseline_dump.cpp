// dump_baseline, the --dump-asm listing: each bytecode instruction followed by its main-path
// machine code, then the out-of-line slow paths under the instruction each belongs to. Reads
// only CompiledCode's offsets, never the emitter.
#include <span>

#include "interp/disasm.h"
#include "jit/asm_disasm.h"
#include "jit/baseline/baseline_compiler.h"

namespace gene::jit {

std::string dump_baseline(const VM& vm, const Proto& p, const CompiledCode& code) {
  std::string out = "== " + unit_name(p) + " (unit " + std::to_string(p.id) +
                    ", " + std::to_string(code.block.size) + " bytes)\n";
  auto machine_code = [&](size_t begin, size_t end) {
    if (end <= begin) return;
    std::span<const uint8_t> bytes(code.block.start + begin, end - begin);
    for (const DisasmLine& l : disassemble(bytes, code.block.address() + begin))
      out += "      " + l.hex + std::string(l.hex.size() < 30 ? 30 - l.hex.size() : 1, ' ') + l.text + "\n";
  };
  for (size_t pc = 0; pc < p.code.size(); pc++) {
    out += "  " + std::to_string(pc) + ": " + format_instr(vm, p, p.code[pc]) + "\n";
    machine_code(code.pc_offsets[pc], pc + 1 < p.code.size() ? code.pc_offsets[pc + 1] : code.main_end);
  }
  // Slow paths sit after the main code; each belongs to one instruction.
  for (size_t i = 0; i < code.out_of_line.size(); i++) {
    const OutOfLineCode& o = code.out_of_line[i];
    out += "  slow path of " + std::to_string(o.pc) + ": " + format_instr(vm, p, p.code[o.pc]) + "\n";
    machine_code(o.offset, i + 1 < code.out_of_line.size() ? code.out_of_line[i + 1].offset : code.unwinder_begin);
  }
  return out;
}

}  // namespace gene::jit
