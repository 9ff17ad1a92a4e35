#include "interp/verifier.h"

#include <vector>

#include "interp/control_flow.h"
#include "interp/object.h"
#include "interp/vm.h"

namespace gene {

std::string VerifyError::to_string() const {
  std::string s = "verify error";
  if (unit >= 0) s += " in unit " + std::to_string(unit);
  if (pc >= 0) s += " at " + std::to_string(pc);
  return s + ": " + message;
}

namespace {

// What the verifier knows a slot holds on every path to an instruction.
enum SlotState : uint8_t {
  kAny,      // any value
  kCell,     // a Cell (MAKE_CELL ran)
  kIter,     // a for loop's sequence or next int (FOR_PREP / RANGE_PREP ran)
  kIterAux,  // the slot after kIter: index or end
};

class UnitVerifier {
 public:
  UnitVerifier(const VM& vm, const Program& prog, const Proto& p, VerifyError& err)
      : vm_(vm), prog_(prog), p_(p), err_(err) {}

  // Static checks, then the stack discipline (analyze_flow), then the slot discipline (cells,
  // loop state) as a forward dataflow over the blocks analyze_flow found.
  bool run() {
    if (!structure()) return false;
    ControlFlow cf;
    if (!analyze_flow(p_, cf, err_)) return false;
    return slots(cf);
  }

  // The dataflow client (control_flow.h): the states of the tracked slots only. A slot no cell,
  // loop or capture instruction names is always kAny, so it is left out; code with many plain
  // locals costs nothing here (per-block states over all nslots made this quadratic).
  using State = std::vector<uint8_t>;

  bool join(State& into, bool first, const State& from, EdgeKind, int) {
    if (first) {
      into = from;
      return true;
    }
    bool changed = false;
    for (size_t i = 0; i < into.size(); i++)
      if (into[i] != from[i] && into[i] != kAny) {
        into[i] = kAny;
        changed = true;
      }
    return changed;
  }

  bool step(int pc, State& s) {
    const Instr& in = p_.code[size_t(pc)];
    const OpInfo& info = op_info(in.op);
    const int32_t x = local_operand(in);
    switch (info.slot) {
      case SlotUse::None:
      case SlotUse::Read: break;
      case SlotUse::Cell:
        if (at(s, x) != kCell)
          return fail(pc, std::string(info.name) + " on slot " + std::to_string(x) + " which may not hold a cell");
        break;
      case SlotUse::Write:
      case SlotUse::Update: clobber(s, x); break;
      case SlotUse::MakeCell:
        clobber(s, x);
        set(s, x, kCell);
        break;
      case SlotUse::LoopPrep:
        clobber(s, x);
        clobber(s, x + 1);
        set(s, x, kIter);
        set(s, x + 1, kIterAux);
        break;
      case SlotUse::LoopStep:
        if (at(s, x) != kIter)
          return fail(pc, std::string(info.name) + " on slot " + std::to_string(x) + " not prepared by for_prep/range_prep");
        break;
    }
    if (in.op == Op::CLOSURE) {
      const Proto& child = *prog_.protos[size_t(p_.children[size_t(in.x)])];
      for (const UpvalDesc& u : child.upvals) {
        if (u.from_local) {
          if (u.index >= p_.nslots || at(s, u.index) != kCell)
            return fail(pc, "closure captures slot " + std::to_string(u.index) + " which may not hold a cell");
        } else if (u.index >= p_.upvals.size()) {
          return fail(pc, "closure captures upvalue " + std::to_string(u.index) + " which does not exist");
        }
      }
    }
    return true;
  }

 private:
  bool fail(int pc, std::string msg) {
    err_ = {p_.id, pc, std::move(msg)};
    return false;
  }

  // Static checks on each instruction in isolation: opcode, operand ranges, handler table.
  bool structure() {
    if (p_.code.empty()) return fail(-1, "empty unit");
    if (p_.lines.size() != p_.code.size()) return fail(-1, "line table does not match the code");
    if (p_.nparams < 0 || p_.nslots < p_.nparams || p_.nslots > 65535)
      return fail(-1, "bad slot counts (params " + std::to_string(p_.nparams) + ", slots " + std::to_string(p_.nslots) + ")");
    if (p_.max_stack < 0 || p_.max_stack > 65535) return fail(-1, "bad max stack " + std::to_string(p_.max_stack));
    int n = int(p_.code.size());
    for (int pc = 0; pc < n; pc++) {
      const Instr& in = p_.code[pc];
      if (int(in.op) >= kOpCount) return fail(pc, "unknown opcode " + std::to_string(int(in.op)));
      const OpInfo& info = op_info(in.op);
      if (!operand_ok(pc, info.x, in.x) || !operand_ok(pc, info.y, in.y)) return false;
      // --max-steps counts LOOPs as the backward jumps: every cycle of the control flow must
      // contain one (or a call), so every other jump goes forward and handlers lie after their
      // region. Otherwise a run of verified bytecode could loop without taking a step.
      if (info.has_jump() && info.flow != OpFlow::Loop && in.x <= pc)
        return fail(pc, std::string(info.name) + ": only loop may jump backward (target " + std::to_string(in.x) + ")");
      if (info.y == Operand::None && in.y != 0) return fail(pc, std::string(info.name) + " takes no second operand");
      if (info.x == Operand::None && in.x != 0) return fail(pc, std::string(info.name) + " takes no operand");
      switch (info.check) {
        case OperandCheck::None: break;
        case OperandCheck::PathKeyConst: {
          Value k = p_.consts[size_t(in.x)];
          if (!k.is_int() && !is_obj_type(k, ObjType::Symbol))
            return fail(pc, "path key constant must be an int or a symbol");
          break;
        }
        case OperandCheck::SymbolConst:
          if (!is_obj_type(p_.consts[size_t(in.x)], ObjType::Symbol))
            return fail(pc, "method name constant must be a symbol");
          break;
        case OperandCheck::LoopSlotPair:
          if (local_operand(in) + 1 >= p_.nslots) return fail(pc, "loop slots out of range");
          break;
        case OperandCheck::PositiveDivisor:
          if (in.x <= 0) return fail(pc, std::string(info.name) + " needs a positive divisor");
          break;
      }
      if (in.op == Op::CLOSURE) {
        int child = p_.children[size_t(in.x)];
        if (child <= 0 || size_t(child) >= prog_.protos.size())
          return fail(pc, "closure of unit " + std::to_string(child) + " which does not exist");
      }
    }
    for (size_t i = 0; i < p_.handlers.size(); i++) {
      const Handler& h = p_.handlers[i];
      if (h.start < 0 || h.start >= h.end || h.end > n) return fail(-1, "handler " + std::to_string(i) + " has a bad range");
      if (h.target < 0 || h.target >= n) return fail(-1, "handler " + std::to_string(i) + " targets outside the unit");
      if (h.target < h.end)  // an error in the region would jump backward (see --max-steps above)
        return fail(-1, "handler " + std::to_string(i) + " targets its own region or before it");
      if (h.depth < 0 || h.depth + 1 > p_.max_stack)
        return fail(-1, "handler " + std::to_string(i) + " depth exceeds the unit's max stack");
      // Inner regions first: an earlier handler never encloses a later one; overlaps nest.
      for (size_t j = 0; j < i; j++) {
        const Handler& o = p_.handlers[j];
        bool disjoint = o.end <= h.start || h.end <= o.start;
        bool o_inside_h = h.start <= o.start && o.end <= h.end;
        if (!disjoint && !o_inside_h)
          return fail(-1, "handlers " + std::to_string(j) + " and " + std::to_string(i) + " are not well nested");
      }
    }
    for (int32_t c : p_.children)
      if (c <= 0 || size_t(c) >= prog_.protos.size()) return fail(-1, "child unit " + std::to_string(c) + " does not exist");
    return true;
  }

  bool operand_ok(int pc, Operand kind, int32_t v) {
    const char* name = op_info(p_.code[pc].op).name;
    auto bad = [&](const char* what) { return fail(pc, std::string(name) + ": " + what + " " + std::to_string(v) + " out of range"); };
    switch (kind) {
      case Operand::None:
      case Operand::Int: return true;
      case Operand::Count: return v >= 0 && v <= 65535 ? true : bad("count");
      case Operand::Const: return v >= 0 && size_t(v) < p_.consts.size() ? true : bad("constant");
      case Operand::Local: return v >= 0 && v < p_.nslots ? true : bad("slot");
      case Operand::Upval: return v >= 0 && size_t(v) < p_.upvals.size() ? true : bad("upvalue");
      case Operand::Global: return v >= 0 && size_t(v) < vm_.globals.size() ? true : bad("global");
      case Operand::Jump: return v >= 0 && size_t(v) < p_.code.size() ? true : bad("jump target");
      case Operand::Proto: return v >= 0 && size_t(v) < p_.children.size() ? true : bad("child");
    }
    return bad("operand");
  }

  // Numbers the slots the slot discipline is about: those a cell or loop instruction names (a
  // loop's pair), and those a closure captures. False if no instruction checks a slot state.
  bool track_slots() {
    index_.assign(size_t(p_.nslots), -1);
    int tracked = 0;
    bool checks = false;
    auto track = [&](int64_t s) {
      if (s >= 0 && s < p_.nslots && index_[size_t(s)] < 0) index_[size_t(s)] = tracked++;
    };
    for (const Instr& in : p_.code) {
      const OpInfo& info = op_info(in.op);
      switch (info.slot) {
        case SlotUse::Cell:
        case SlotUse::LoopStep: checks = true; [[fallthrough]];
        case SlotUse::MakeCell:
        case SlotUse::LoopPrep:
          track(local_operand(in));
          if (info.slot == SlotUse::LoopPrep || info.slot == SlotUse::LoopStep) track(int64_t(local_operand(in)) + 1);
          break;
        default: break;
      }
      if (in.op == Op::CLOSURE) {
        checks = true;
        for (const UpvalDesc& u : prog_.protos[size_t(p_.children[size_t(in.x)])]->upvals)
          if (u.from_local) track(u.index);
      }
    }
    ntracked_ = tracked;
    return checks;
  }

  bool slots(const ControlFlow& cf) {
    if (!track_slots()) return true;
    return forward_dataflow(p_, cf, *this, State(size_t(ntracked_), kAny));
  }

  uint8_t at(const State& s, int32_t slot) const {
    int32_t i = slot >= 0 && slot < p_.nslots ? index_[size_t(slot)] : -1;
    return i < 0 ? uint8_t(kAny) : s[size_t(i)];
  }
  void set(State& s, int32_t slot, uint8_t v) const {
    int32_t i = slot >= 0 && slot < p_.nslots ? index_[size_t(slot)] : -1;
    if (i >= 0) s[size_t(i)] = v;
  }
  // Overwriting one slot of a loop's pair invalidates the other half too.
  void clobber(State& s, int32_t x) const {
    uint8_t old = at(s, x);
    if (old == kIter) set(s, x + 1, kAny);
    if (old == kIterAux) set(s, x - 1, kAny);
    set(s, x, kAny);
  }

  const VM& vm_;
  const Program& prog_;
  const Proto& p_;
  VerifyError& err_;
  std::vector<int32_t> index_;  // slot -> position in State, -1 untracked (always kAny)
  int ntracked_ = 0;
};

}  // namespace

bool verify_program(const VM& vm, const Program& prog, VerifyError& err) {
  if (prog.protos.empty()) {
    err = {-1, -1, "program has no units"};
    return false;
  }
  if (prog.top()->nparams != 0 || !prog.top()->upvals.empty()) {
    err = {0, -1, "the top-level unit takes no parameters and captures nothing"};
    return false;
  }
  for (auto& p : prog.protos)
    if (!UnitVerifier(vm, prog, *p, err).run()) return false;
  return true;
}

}  // namespace gene
