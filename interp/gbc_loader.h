// Loader for textual bytecode (.gbc, docs/gbc-format.md): parses exactly what
// disassemble_program() writes back into a Program. It checks syntax only; every loaded program
// still goes through verify_program() (run.cpp) before anything runs.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "interp/proto.h"
#include "interp/source_error.h"

namespace gene {

class VM;

// Where each unit and instruction came from in the .gbc text, so that verifier errors (which
// name a unit and a pc) can be reported at a file position.
struct GbcPos {
  int line = 0;
  int col = 0;
};
struct GbcSourceMap {
  std::vector<GbcPos> units;                // the `.unit` directive of each unit
  std::vector<std::vector<GbcPos>> instrs;  // per unit, the mnemonic of each instruction
  // The instruction's position; the unit's `.unit` line for pc < 0; {0, 0} if unknown.
  GbcPos locate(int unit, int pc) const;
};

// Loader limit: a unit's code size times its slot count (the verifier's working set) may not
// exceed this; larger units are rejected with an error rather than exhausting memory.
constexpr size_t kMaxGbcUnitCells = size_t(1) << 26;

// True when `path` names a textual bytecode file (extension ".gbc").
bool is_gbc_file(const std::string& path);

// Parses `text` into `out` (constants on vm's heap, rooted through vm.program, which is set to
// `out`; global names resolved with vm.global_slot). On a malformed line returns false with
// `err` at that line and column. `map` (optional) receives the positions of units/instructions.
bool load_gbc(VM& vm, std::string_view text, Program& out, SourceError& err, GbcSourceMap* map = nullptr);

}  // namespace gene
