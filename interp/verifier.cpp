#include "interp/verifier.h"

#include <vector>

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

struct State {
  bool seen = false;
  int depth = 0;
  std::vector<uint8_t> slots;
};

class UnitVerifier {
 public:
  UnitVerifier(const VM& vm, const Program& prog, const Proto& p, VerifyError& err)
      : vm_(vm), prog_(prog), p_(p), err_(err) {}

  bool run() {
    if (!structure()) return false;
    std::vector<State> states(p_.code.size());
    states[0].seen = true;
    states[0].slots.assign(size_t(p_.nslots), kAny);
    std::vector<int> work = {0};
    while (!work.empty()) {
      int pc = work.back();
      work.pop_back();
      if (!step(pc, states, work)) return false;
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
      if (info.y == Operand::None && in.y != 0) return fail(pc, std::string(info.name) + " takes no second operand");
      if (info.x == Operand::None && in.x != 0) return fail(pc, std::string(info.name) + " takes no operand");
      switch (in.op) {
        case Op::GET_PATH:
        case Op::SET_PATH: {
          Value k = p_.consts[size_t(in.x)];
          if (!k.is_int() && !is_obj_type(k, ObjType::Symbol))
            return fail(pc, "path key constant must be an int or a symbol");
          break;
        }
        case Op::CALL_METHOD:
          if (!is_obj_type(p_.consts[size_t(in.x)], ObjType::Symbol))
            return fail(pc, "method name constant must be a symbol");
          break;
        case Op::FOR_PREP:
        case Op::RANGE_PREP:
          if (in.x + 1 >= p_.nslots) return fail(pc, "loop slots out of range");
          break;
        case Op::FOR_NEXT:
          if (in.y + 1 >= p_.nslots) return fail(pc, "loop slots out of range");
          break;
        case Op::MOD_INT:
          if (in.x <= 0) return fail(pc, "mod_int needs a positive divisor");
          break;
        case Op::CLOSURE: {
          int child = p_.children[size_t(in.x)];
          if (child <= 0 || size_t(child) >= prog_.protos.size())
            return fail(pc, "closure of unit " + std::to_string(child) + " which does not exist");
          break;
        }
        default: break;
      }
    }
    for (size_t i = 0; i < p_.handlers.size(); i++) {
      const Handler& h = p_.handlers[i];
      if (h.start < 0 || h.start >= h.end || h.end > n) return fail(-1, "handler " + std::to_string(i) + " has a bad range");
      if (h.target < 0 || h.target >= n) return fail(-1, "handler " + std::to_string(i) + " targets outside the unit");
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

  static void clobber(std::vector<uint8_t>& slots, int x) {
    if (slots[size_t(x)] == kIter && x + 1 < int(slots.size())) slots[size_t(x) + 1] = kAny;
    if (slots[size_t(x)] == kIterAux && x > 0) slots[size_t(x) - 1] = kAny;
    slots[size_t(x)] = kAny;
  }

  bool merge(int pc, int target, const State& s, std::vector<State>& states, std::vector<int>& work) {
    State& t = states[size_t(target)];
    if (!t.seen) {
      t = s;
      t.seen = true;
      work.push_back(target);
      return true;
    }
    if (t.depth != s.depth)
      return fail(pc, "stack depth " + std::to_string(s.depth) + " differs from " + std::to_string(t.depth) +
                          " at the merge point " + std::to_string(target));
    bool changed = false;
    for (size_t i = 0; i < t.slots.size(); i++)
      if (t.slots[i] != s.slots[i] && t.slots[i] != kAny) {
        t.slots[i] = kAny;
        changed = true;
      }
    if (changed) work.push_back(target);
    return true;
  }

  bool step(int pc, std::vector<State>& states, std::vector<int>& work) {
    const Instr& in = p_.code[size_t(pc)];
    const OpInfo& info = op_info(in.op);
    State s = states[size_t(pc)];
    int pops = stack_pops(in);
    if (s.depth < pops) return fail(pc, std::string(info.name) + " pops " + std::to_string(pops) + " values but the stack holds " + std::to_string(s.depth));

    // An error here unwinds to the innermost handler covering pc, with this state's slots.
    if (info.may_throw) {
      if (const Handler* h = find_handler(p_, pc)) {
        if (h->depth > s.depth) return fail(pc, "handler depth is above the stack at a throwing instruction");
        State hs = s;
        hs.depth = h->depth + 1;
        if (!merge(pc, h->target, hs, states, work)) return false;
      }
    }

    auto& slots = s.slots;
    switch (in.op) {
      case Op::LOAD_CELL:
      case Op::STORE_CELL:
        if (slots[size_t(in.x)] != kCell) return fail(pc, std::string(info.name) + " on slot " + std::to_string(in.x) + " which may not hold a cell");
        break;
      case Op::STORE_LOCAL: clobber(slots, in.x); break;
      case Op::INC_LOCAL: clobber(slots, in.y); break;
      case Op::MAKE_CELL:
        clobber(slots, in.x);
        slots[size_t(in.x)] = kCell;
        break;
      case Op::FOR_PREP:
      case Op::RANGE_PREP:
        clobber(slots, in.x);
        clobber(slots, in.x + 1);
        slots[size_t(in.x)] = kIter;
        slots[size_t(in.x) + 1] = kIterAux;
        break;
      case Op::FOR_NEXT:
        if (slots[in.y] != kIter) return fail(pc, "for_next on slot " + std::to_string(in.y) + " not prepared by for_prep/range_prep");
        break;
      case Op::CLOSURE: {
        const Proto& child = *prog_.protos[size_t(p_.children[size_t(in.x)])];
        for (const UpvalDesc& u : child.upvals) {
          if (u.from_local) {
            if (u.index >= p_.nslots || slots[u.index] != kCell)
              return fail(pc, "closure captures slot " + std::to_string(u.index) + " which may not hold a cell");
          } else if (u.index >= p_.upvals.size()) {
            return fail(pc, "closure captures upvalue " + std::to_string(u.index) + " which does not exist");
          }
        }
        break;
      }
      default: break;
    }

    int before = s.depth;
    s.depth = before - pops + info.pushes;
    if (s.depth > p_.max_stack) return fail(pc, "stack depth " + std::to_string(s.depth) + " exceeds the declared maximum " + std::to_string(p_.max_stack));

    if (info.x == Operand::Jump) {
      State taken = s;
      taken.depth = before + jump_edge_delta(in);
      if (taken.depth < 0) return fail(pc, "jump pops more than the stack holds");
      if (!merge(pc, in.x, taken, states, work)) return false;
    }
    bool falls_through = in.op != Op::JUMP && in.op != Op::LOOP && in.op != Op::RETURN && in.op != Op::THROW;
    if (falls_through) {
      if (pc + 1 >= int(p_.code.size())) return fail(pc, "execution falls off the end of the unit");
      if (!merge(pc, pc + 1, s, states, work)) return false;
    }
    return true;
  }

  const VM& vm_;
  const Program& prog_;
  const Proto& p_;
  VerifyError& err_;
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
