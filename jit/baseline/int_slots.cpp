#include "jit/baseline/int_slots.h"

#include "jit/baseline/bytecode_facts.h"

namespace gene::jit {

namespace {

// The abstract state before an instruction: for each operand, whether it is surely an int, and
// for each slot, whether it has surely been stored on every path to here.
struct State {
  bool reached = false;
  std::vector<bool> stack_int;
  std::vector<bool> assigned;
};

// Meet of two states at a join: a fact holds only if it holds on both edges. True if `into`
// changed.
bool meet(State& into, const State& from) {
  if (!into.reached) {
    into = from;
    into.reached = true;
    return true;
  }
  bool changed = false;
  for (size_t i = 0; i < into.stack_int.size() && i < from.stack_int.size(); i++)
    if (into.stack_int[i] && !from.stack_int[i]) into.stack_int[i] = false, changed = true;
  for (size_t i = 0; i < into.assigned.size(); i++)
    if (into.assigned[i] && !from.assigned[i]) into.assigned[i] = false, changed = true;
  return changed;
}

bool is_int_result(const Instr& in, const std::vector<bool>& st, const Proto& p) {
  auto top = [&](int k) { return st.size() > size_t(k) && st[st.size() - 1 - size_t(k)]; };
  switch (in.op) {
    case Op::INT: return true;
    case Op::CONST: return p.consts[size_t(in.x)].is_int();
    // Int op int is an int or an error (integer_overflow, division_by_zero): never another kind.
    case Op::ADD: case Op::SUB: case Op::MUL: case Op::MOD: return top(0) && top(1);
    case Op::NEG: case Op::POS: case Op::ADD_INT: case Op::SUB_INT: case Op::MOD_INT: return top(0);
    default: return false;
  }
}

// One pass of abstract interpretation, assuming the slots in `candidate` are int slots. Clears
// the candidates it finds a reason against (a non-int store, a read before a store); true if
// it cleared any.
bool refute(const Proto& p, std::vector<bool>& candidate) {
  const size_t n = p.code.size();
  std::vector<State> states(n);
  State entry;
  entry.reached = true;
  entry.assigned.assign(size_t(p.nslots), false);
  for (int s = 0; s < p.nparams && s < p.nslots; s++) entry.assigned[size_t(s)] = true;
  states[0] = entry;
  std::vector<int> work = {0};
  bool refuted = false;
  auto drop = [&](int32_t slot) {
    if (slot >= 0 && slot < p.nslots && candidate[size_t(slot)]) candidate[size_t(slot)] = false, refuted = true;
  };
  auto flow = [&](int pc, const State& s) {
    if (pc >= 0 && size_t(pc) < n && meet(states[size_t(pc)], s)) work.push_back(pc);
  };
  while (!work.empty()) {
    int pc = work.back();
    work.pop_back();
    const Instr& in = p.code[size_t(pc)];
    const OpInfo& info = op_info(in.op);
    State s = states[size_t(pc)];
    // An error raised here continues at the handler with the operands below its depth.
    if (info.may_throw)
      if (const Handler* h = find_handler(p, pc)) {
        State hs = s;
        hs.stack_int.resize(size_t(h->depth), false);
        hs.stack_int.push_back(false);  // the error value
        flow(h->target, hs);
      }
    bool result_int = is_int_result(in, s.stack_int, p);
    switch (in.op) {
      case Op::LOAD_LOCAL:
        if (!s.assigned[size_t(in.x)]) drop(in.x);
        break;
      case Op::INC_LOCAL:
        if (!s.assigned[size_t(in.y)]) drop(in.y);
        break;
      case Op::STORE_LOCAL:
        if (s.stack_int.empty() || !s.stack_int.back()) drop(in.x);
        s.assigned[size_t(in.x)] = true;
        break;
      default: break;
    }
    // The operands after this instruction, on the fall-through and on the taken edge.
    int pops = stack_pops(in);
    std::vector<bool> base = s.stack_int;
    if (in.op == Op::DUP) {
      result_int = !base.empty() && base.back();
    } else if (in.op == Op::UNWIND) {
      result_int = !base.empty() && base.back();  // the top value stays
    } else if (in.op == Op::LOAD_LOCAL) {
      result_int = candidate[size_t(in.x)];
    }
    if (info.x == Operand::Jump) {
      State taken = s;
      int delta = jump_edge_delta(in);
      if (delta < 0) taken.stack_int.resize(base.size() - size_t(-delta));
      flow(in.x, taken);
    }
    if (falls_through(in.op)) {
      State next = s;
      next.stack_int.resize(base.size() - size_t(pops));
      for (int k = 0; k < info.pushes; k++) next.stack_int.push_back(k == info.pushes - 1 ? result_int : false);
      if (in.op == Op::DUP) next.stack_int = base, next.stack_int.push_back(result_int);
      flow(pc + 1, next);
    }
  }
  return refuted;
}

}  // namespace

std::vector<bool> int_slots(const Proto& p) {
  std::vector<bool> candidate(size_t(p.nslots), true);
  for (int s = 0; s < p.nparams && s < p.nslots; s++) candidate[size_t(s)] = false;
  auto exclude = [&](int32_t s) {
    if (s >= 0 && s < p.nslots) candidate[size_t(s)] = false;
  };
  // Slots written other than by store_local (cells, for-loop state) are never int slots.
  for (const Instr& in : p.code) switch (in.op) {
      case Op::MAKE_CELL: case Op::LOAD_CELL: case Op::STORE_CELL: exclude(in.x); break;
      case Op::FOR_PREP: case Op::RANGE_PREP: exclude(in.x), exclude(in.x + 1); break;
      case Op::FOR_NEXT: exclude(in.y), exclude(in.y + 1); break;
      default: break;
    }
  // Each pass assumes the remaining candidates and refutes some; stop when one refutes none.
  while (refute(p, candidate)) {
  }
  return candidate;
}

}  // namespace gene::jit
