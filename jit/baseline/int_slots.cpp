#include "jit/baseline/int_slots.h"

#include <algorithm>

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
// it cleared any. `states` and the scratch states are reused across passes (compile time
// matters: this runs for every unit the baseline tier compiles).
class Pass {
 public:
  explicit Pass(const Proto& p) : p_(p), states_(p.code.size()) {}

  bool refute(std::vector<bool>& candidate) {
    for (State& st : states_) st.reached = false;
    State& entry = states_[0];
    entry.reached = true;
    entry.stack_int.clear();
    entry.assigned.assign(size_t(p_.nslots), false);
    for (int s = 0; s < p_.nparams && s < p_.nslots; s++) entry.assigned[size_t(s)] = true;
    work_.assign(1, 0);
    bool refuted = false;
    auto drop = [&](int32_t slot) {
      if (slot >= 0 && slot < p_.nslots && candidate[size_t(slot)]) candidate[size_t(slot)] = false, refuted = true;
    };
    while (!work_.empty()) {
      int pc = work_.back();
      work_.pop_back();
      const Instr& in = p_.code[size_t(pc)];
      const OpInfo& info = op_info(in.op);
      cur_ = states_[size_t(pc)];
      // An error raised here continues at the handler with the operands below its depth.
      if (info.may_throw)
        if (const Handler* h = find_handler(p_, pc)) {
          out_ = cur_;
          out_.stack_int.resize(size_t(h->depth), false);
          out_.stack_int.push_back(false);  // the error value
          flow(h->target);
        }
      bool result_int = is_int_result(in, cur_.stack_int, p_);
      switch (in.op) {
        case Op::LOAD_LOCAL:
          if (!cur_.assigned[size_t(in.x)]) drop(in.x);
          result_int = candidate[size_t(in.x)];
          break;
        case Op::INC_LOCAL:
          if (!cur_.assigned[size_t(in.y)]) drop(in.y);
          break;
        case Op::STORE_LOCAL:
          if (cur_.stack_int.empty() || !cur_.stack_int.back()) drop(in.x);
          cur_.assigned[size_t(in.x)] = true;
          break;
        case Op::DUP:
        case Op::UNWIND: result_int = !cur_.stack_int.empty() && cur_.stack_int.back(); break;  // the top value stays
        default: break;
      }
      // The operands after this instruction, on the taken and on the fall-through edge.
      const size_t depth = cur_.stack_int.size();
      if (info.x == Operand::Jump) {
        out_ = cur_;
        int delta = jump_edge_delta(in);
        if (delta < 0) out_.stack_int.resize(depth - size_t(-delta));
        flow(in.x);
      }
      if (falls_through(in.op)) {
        out_ = cur_;
        if (in.op == Op::DUP) {
          out_.stack_int.push_back(result_int);
        } else {
          out_.stack_int.resize(depth - size_t(stack_pops(in)));
          for (int k = 0; k < info.pushes; k++) out_.stack_int.push_back(k == info.pushes - 1 && result_int);
        }
        flow(pc + 1);
      }
    }
    return refuted;
  }

 private:
  // out_ flows into `pc`: met with what is known there, revisited if that changed.
  void flow(int pc) {
    if (pc >= 0 && size_t(pc) < states_.size() && meet(states_[size_t(pc)], out_)) work_.push_back(pc);
  }

  const Proto& p_;
  std::vector<State> states_;
  std::vector<int> work_;
  State cur_, out_;
};

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
  if (std::find(candidate.begin(), candidate.end(), true) == candidate.end()) return candidate;
  // Each pass assumes the remaining candidates and refutes some; stop when one refutes none.
  Pass pass(p);
  while (pass.refute(candidate)) {
  }
  return candidate;
}

}  // namespace gene::jit
