#include "jit/baseline/int_slots.h"

#include <algorithm>
#include <cstdint>

#include "interp/control_flow.h"

namespace gene::jit {

namespace {

// The abstract state before an instruction: for each operand, whether it is surely an int, and
// for each slot (one bit), whether it has surely been stored on every path to here.
struct IntState {
  std::vector<uint8_t> stack_int;
  std::vector<uint64_t> assigned;
};

// One pass of abstract interpretation (a forward_dataflow client), assuming the slots in
// `candidate` are int slots. Clears the candidates it finds a reason against (a non-int store,
// a read before a store). States live at block entries only, so a pass costs
// O(code + blocks * nslots / 64) per sweep.
class Pass {
 public:
  using State = IntState;

  Pass(const Proto& p, const ControlFlow& cf, std::vector<bool>& candidate) : p_(p), cf_(cf), candidate_(candidate) {
    entry_.assigned.assign((size_t(p.nslots) + 63) / 64, 0);
    for (int s = 0; s < p.nparams && s < p.nslots; s++) set_assigned(entry_, s);
  }

  // True if it cleared a candidate (then another pass, under fewer assumptions, follows).
  bool refute() {
    refuted_ = false;
    forward_dataflow(p_, cf_, *this, entry_);
    return refuted_;
  }

  // A fact holds at a join only if it holds on every edge in. An edge carries a prefix of the
  // operands (a taken jump cuts some); a handler edge cuts to the handler's depth and adds the
  // error value, never an int.
  bool join(State& into, bool first, const State& from, EdgeKind kind, int depth) {
    const size_t keep = kind == EdgeKind::Handler ? size_t(depth) - 1 : size_t(depth);
    if (first) {
      into.stack_int.assign(from.stack_int.begin(), from.stack_int.begin() + ptrdiff_t(keep));
      if (kind == EdgeKind::Handler) into.stack_int.push_back(0);
      into.assigned = from.assigned;
      return true;
    }
    bool changed = false;
    for (size_t i = 0; i < keep; i++)
      if (into.stack_int[i] && !from.stack_int[i]) into.stack_int[i] = 0, changed = true;
    for (size_t w = 0; w < into.assigned.size(); w++) {
      uint64_t m = into.assigned[w] & from.assigned[w];
      if (m != into.assigned[w]) into.assigned[w] = m, changed = true;
    }
    return changed;
  }

  bool step(int pc, State& s) {
    const Instr& in = p_.code[size_t(pc)];
    const OpInfo& info = op_info(in.op);
    const size_t depth = s.stack_int.size();
    auto top = [&](int k) { return s.stack_int[depth - 1 - size_t(k)] != 0; };
    const int pops = stack_pops(in);
    const int32_t slot = local_operand(in);
    switch (info.slot) {
      case SlotUse::Read:
      case SlotUse::Update:  // inc_local: an int slot plus an int immediate is an int (or raises)
        if (!assigned(s, slot)) drop(slot);
        break;
      case SlotUse::Write:
        if (!top(0)) drop(slot);
        set_assigned(s, slot);
        break;
      default: break;  // cells and loop state: never candidates (int_slots below)
    }
    bool r = false;
    switch (info.result) {
      case OpResult::Int: r = true; break;
      case OpResult::Const: r = p_.consts[size_t(in.x)].is_int(); break;
      case OpResult::Slot: r = candidate_[size_t(in.x)]; break;
      case OpResult::Top: r = top(0); break;
      // Int op int is an int or an error (integer_overflow, division_by_zero): never another kind.
      case OpResult::IntIfInts:
        r = true;
        for (int k = 0; k < pops; k++) r = r && top(k);
        break;
      default: break;
    }
    // The table guarantees pushes > 1 only for Top results (dup): every pushed value is r.
    s.stack_int.resize(depth - size_t(pops));
    s.stack_int.insert(s.stack_int.end(), size_t(info.pushes), uint8_t(r));
    return true;
  }

 private:
  static bool assigned(const State& s, int32_t slot) { return (s.assigned[size_t(slot) / 64] >> (slot % 64)) & 1; }
  static void set_assigned(State& s, int32_t slot) { s.assigned[size_t(slot) / 64] |= uint64_t(1) << (slot % 64); }
  void drop(int32_t slot) {
    if (candidate_[size_t(slot)]) candidate_[size_t(slot)] = false, refuted_ = true;
  }

  const Proto& p_;
  const ControlFlow& cf_;
  std::vector<bool>& candidate_;
  State entry_;
  bool refuted_ = false;
};

}  // namespace

std::vector<bool> int_slots(const Proto& p) { return int_slots(p, nullptr); }

std::vector<bool> int_slots(const Proto& p, const ControlFlow* cf_in) {
  std::vector<bool> candidate(size_t(p.nslots), true);
  for (int s = 0; s < p.nparams && s < p.nslots; s++) candidate[size_t(s)] = false;
  auto exclude = [&](int64_t s) {
    if (s >= 0 && s < p.nslots) candidate[size_t(s)] = false;
  };
  // Slots written other than by store_local / inc_local (cells, for-loop state) are never int
  // slots.
  for (const Instr& in : p.code) switch (op_info(in.op).slot) {
      case SlotUse::Cell: case SlotUse::MakeCell: exclude(local_operand(in)); break;
      case SlotUse::LoopPrep: case SlotUse::LoopStep: exclude(local_operand(in)), exclude(int64_t(local_operand(in)) + 1); break;
      default: break;
    }
  if (std::find(candidate.begin(), candidate.end(), true) == candidate.end()) return candidate;
  ControlFlow own;
  if (!cf_in) {
    VerifyError err;
    if (!analyze_flow(p, own, err)) return std::vector<bool>(size_t(p.nslots), false);  // not verified: no claims
  }
  const ControlFlow& cf = cf_in ? *cf_in : own;
  // Each pass assumes the remaining candidates and refutes some; stop when one refutes none.
  Pass pass(p, cf, candidate);
  while (pass.refute()) {
  }
  return candidate;
}

}  // namespace gene::jit
