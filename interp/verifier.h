// Bytecode verifier: every unit is checked before either engine runs it, whether it came from
// the compiler or from a .gbc file. After verification the engines may assume, without checks:
//   * operands are in range (constants, slots, upvalues, globals, children, jump targets);
//   * the operand stack never underflows and never exceeds the unit's declared max_stack, and
//     has the same depth on every path into an instruction;
//   * cell instructions only touch slots that hold a cell on every path (so LOAD_CELL never
//     sees a plain value), and FOR_NEXT only runs on slots FOR_PREP/RANGE_PREP prepared;
//   * execution never falls off the end of a unit; handler ranges are well nested.
// The stack part is interp/control_flow.h's analyze_flow, which later analyses of verified code
// call to get the unit's blocks and depths; the slot part is a forward_dataflow over them.
#pragma once
#include <string>

#include "interp/proto.h"

namespace gene {

class VM;

struct VerifyError {
  int unit = -1;
  int pc = -1;
  std::string message;
  std::string to_string() const;
};

bool verify_program(const VM& vm, const Program& prog, VerifyError& err);

}  // namespace gene
