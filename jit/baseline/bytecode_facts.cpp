#include "jit/baseline/bytecode_facts.h"

namespace gene::jit {

std::vector<int> operand_depths(const Proto& p) {
  std::vector<int> depth(p.code.size(), -1);
  std::vector<int> work = {0};
  depth[0] = 0;
  auto reach = [&](int pc, int d) {
    if (depth[size_t(pc)] < 0) {
      depth[size_t(pc)] = d;
      work.push_back(pc);
    }
  };
  while (!work.empty()) {
    int pc = work.back();
    work.pop_back();
    const Instr& in = p.code[size_t(pc)];
    int d = depth[size_t(pc)];
    const OpInfo& info = op_info(in.op);
    if (info.may_throw)
      if (const Handler* h = find_handler(p, pc)) reach(h->target, h->depth + 1);
    if (info.x == Operand::Jump) reach(in.x, d + jump_edge_delta(in));
    if (falls_through(in.op))
      reach(pc + 1, d - stack_pops(in) + info.pushes);
  }
  return depth;
}

std::vector<bool> branch_targets(const Proto& p) {
  std::vector<bool> t(p.code.size(), false);
  for (const Instr& in : p.code)
    if (op_info(in.op).x == Operand::Jump) t[size_t(in.x)] = true;
  for (const Handler& h : p.handlers) t[size_t(h.target)] = true;
  return t;
}

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

bool falls_through(Op op) { return op != Op::JUMP && op != Op::LOOP && op != Op::RETURN && op != Op::THROW; }

}  // namespace gene::jit
