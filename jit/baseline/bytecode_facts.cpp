#include "jit/baseline/bytecode_facts.h"

#include <utility>

#include "interp/control_flow.h"

namespace gene::jit {

// Both run analyze_flow on code the verifier accepted, so it cannot fail here; if it somehow
// did, every instruction reads as unreachable and a target (the safe answers).
std::vector<int> operand_depths(const Proto& p) {
  ControlFlow cf;
  VerifyError err;
  if (!analyze_flow(p, cf, err)) return std::vector<int>(p.code.size(), -1);
  return std::move(cf.depth);  // int32_t is int here
}

std::vector<bool> branch_targets(const Proto& p) {
  ControlFlow cf;
  VerifyError err;
  if (!analyze_flow(p, cf, err)) return std::vector<bool>(p.code.size(), true);
  std::vector<bool> t(p.code.size());
  for (size_t pc = 0; pc < t.size(); pc++) t[pc] = cf.is_target(int32_t(pc));
  return t;
}

// This stays a local switch, not a table column: it says which of baseline_compiler.cpp's
// emit_* functions call load_top, a property of that file's code (another tier would answer
// differently), and it changes whenever an emitter does.
bool reads_deferred(Op op) {
  switch (op) {
    case Op::CONST: case Op::INT: case Op::NIL: case Op::TRUE: case Op::FALSE:
    case Op::POP: case Op::POPN: case Op::DUP:
    case Op::LOAD_LOCAL: case Op::STORE_LOCAL: case Op::LOAD_CELL: case Op::STORE_CELL:
    case Op::LOAD_UPVAL: case Op::STORE_UPVAL:
    case Op::LOAD_GLOBAL: case Op::STORE_GLOBAL: case Op::DEFINE_GLOBAL:
    case Op::ADD: case Op::SUB: case Op::MUL: case Op::DIV: case Op::NOT:
    case Op::LT: case Op::LE: case Op::GT: case Op::GE: case Op::EQ: case Op::NE:
    case Op::ADD_INT: case Op::SUB_INT: case Op::MOD_INT: case Op::INC_LOCAL:
    case Op::JUMP_UNLESS_LT: case Op::JUMP_UNLESS_LE: case Op::JUMP_UNLESS_GT:
    case Op::JUMP_UNLESS_GE: case Op::JUMP_UNLESS_EQ: case Op::JUMP_UNLESS_NE:
    case Op::JUMP_IF_FALSE: case Op::JUMP_IF_TRUE:
    case Op::RETURN: case Op::CALL_METHOD: case Op::GET_PATH: case Op::SET_PATH: return true;
    default: return false;
  }
}

}  // namespace gene::jit
