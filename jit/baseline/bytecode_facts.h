// Facts about a verified unit's bytecode that the baseline compiler plans with: the operand depth
// before each instruction, which instructions are branch targets, and how each opcode relates
// to deferred operands. Depths and targets come from the verifier's control-flow analysis
// (interp/control_flow.h); the per-opcode facts from the opcode table, except reads_deferred,
// which describes this compiler's emitters rather than the bytecode.
#pragma once
#include <vector>

#include "interp/opcodes.h"
#include "interp/proto.h"

namespace gene::jit {

// Operand depth before each instruction (-1: unreachable), from analyze_flow.
std::vector<int> operand_depths(const Proto& p);
// Instructions reached by a jump, a handler or OSR: operand values must all be in memory there.
std::vector<bool> branch_targets(const Proto& p);
// Instructions that read their operands through the deferred-operand model (load_top) and so
// need no flush before them; every other instruction sees all operands in memory.
bool reads_deferred(Op op);
// False for jump, loop, return and throw: nothing follows them on the fall-through edge.
inline bool falls_through(Op op) { return op_info(op).falls_through(); }

}  // namespace gene::jit
