// The spec IR's optimisation passes, run in this order by the spec compiler:
//   remove_trivial_phis      a loop header's phi of one value and itself is that value
//   fold_constants           int and float arithmetic, conversions and boxing of constants
//   eliminate_redundant_map_loads  a map field read again (or read after the code wrote it)
//                            reuses the value, while nothing else could change maps: within a
//                            block, and into blocks whose predecessors all knew it (a phi joins
//                            different values)
//   eliminate_redundant_checks  a check of a value boxed from an unboxed one, and a second check
//                            of the same value in a block, reuse what is known (a map's or
//                            array's pointer only up to a helper or call); so do an array's
//                            size, items and index bounds checks (up to a push); an int or
//                            float check also reuses one in a dominating block
//   elide_entry_proven_callee_checks  an inlined global callee's check that no call precedes
//                            (the unit's entry proves it: callee_check_elision.cpp)
//   unbox_phis               a Tagged phi of known ints (or floats) gets an unboxed twin, which
//                            its checks become (phi_unboxing.cpp)
//   hoist_loop_checks        a loop's map, array or string check of a value from before the
//                            loop is made once in front of it (loop_check_hoisting.cpp)
//   eliminate_dead_code      nodes nothing live uses (frame states count as uses)
//   sink_array_next          a for loop's item read moves below the loop's index check, where
//                            the index is known to be in bounds
//   fuse_array_operands      an array's size or items used once, by the next node, is computed
//                            there in a scratch register instead of taking one of the few
//                            allocatable ones (most blocks access an array once)
// Unboxing itself happens in the builder: checked values replace their Tagged originals.
#include "jit/spec/ir_passes.h"

#include <algorithm>
#include <map>
#include <tuple>

#include "interp/value.h"

namespace gene::jit::spec {

int32_t resolved(const std::vector<int32_t>& to, int32_t v) {
  while (v >= 0 && to[size_t(v)] != v) v = to[size_t(v)];
  return v;
}

// Rewrites every use of a node (inputs, phi inputs, frame states) through `to`.
void replace_uses(Graph& g, const std::vector<int32_t>& to) {
  auto fix = [&](int32_t& v) { v = resolved(to, v); };
  for (Node& n : g.nodes) {
    fix(n.a);
    fix(n.b);
    fix(n.c);
    for (int32_t& p : n.phi_inputs) fix(p);
  }
  for (FrameState& s : g.states)
    for (int32_t& v : s.values) fix(v);
}

namespace {

// The Tagged value a map or array access reads: its CheckMap's or CheckArray's input.
int32_t object_of(const Graph& g, int32_t ptr) {
  const Node& p = g.nodes[size_t(ptr)];
  return p.op == IrOp::CheckMap || p.op == IrOp::CheckMapOrNil || p.op == IrOp::CheckArray ? p.a : ptr;
}

// A `.set` or `.del` (MapMethod): may insert or delete, so any map's layout may change.
bool mutates_map(const Node& n) {
  return MapMethodKind(n.imm) == MapMethodKind::Set || MapMethodKind(n.imm) == MapMethodKind::Del;
}

void make_const(Node& n, IrOp op, int64_t imm) {
  n.op = op;
  n.imm = imm;
  n.a = n.b = -1;
  n.fs = -1;
}

}  // namespace

int remove_trivial_phis(Graph& g) {
  // The builder gives a loop header a phi for every live slot; a slot the loop never writes
  // gets phi(x, itself): that is x (Braun et al.'s trivial phi). x dominates the header (it
  // reaches each entry edge, the only ways in), so it can stand for the phi everywhere. One
  // removal can make another phi trivial (an inner loop's phi of the outer one's).
  // (Not where an OSR entry comes in: its values reach the loop through the header's phis,
  // whose moves the code generator places on that entry's edge.)
  auto enters_from_osr = [&](int32_t b) {
    for (int32_t p : g.blocks[size_t(b)].preds)
      if (g.blocks[size_t(p)].osr_pc >= 0) return true;
    return g.blocks[size_t(b)].osr_pc >= 0;
  };
  std::vector<int32_t> to(g.nodes.size());
  for (size_t i = 0; i < to.size(); i++) to[i] = int32_t(i);
  int removed = 0;
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t i = 0; i < g.nodes.size(); i++) {
      Node& phi = g.nodes[i];
      if (phi.dead || phi.op != IrOp::Phi || enters_from_osr(phi.block)) continue;
      int32_t same = -1;
      bool trivial = !phi.phi_inputs.empty();
      for (int32_t v : phi.phi_inputs) {
        v = resolved(to, v);
        if (v == int32_t(i)) continue;
        if (v < 0 || (same >= 0 && v != same)) {
          trivial = false;
          break;
        }
        same = v;
      }
      if (!trivial || same < 0 || g.nodes[size_t(same)].rep != phi.rep) continue;
      to[i] = same;
      phi.dead = true;
      removed++;
      changed = true;
    }
  }
  if (removed) {
    replace_uses(g, to);
    for (Block& b : g.blocks) std::erase_if(b.nodes, [&](int32_t id) { return g.nodes[size_t(id)].dead; });
  }
  return removed;
}

int fold_constants(Graph& g) {
  int folded = 0;
  for (Node& n : g.nodes) {
    if (n.dead) continue;
    const Node* a = n.a >= 0 ? &g.nodes[size_t(n.a)] : nullptr;
    const Node* b = n.b >= 0 ? &g.nodes[size_t(n.b)] : nullptr;
    auto ci = [](const Node* x) { return x && x->op == IrOp::ConstInt; };
    auto cf = [](const Node* x) { return x && x->op == IrOp::ConstFloat; };
    auto fv = [](const Node* x) { return Value::from_bits(uint64_t(x->imm)).as_double(); };
    switch (n.op) {
      case IrOp::AddInt: case IrOp::SubInt: case IrOp::MulInt: {
        if (!ci(a) || !ci(b)) break;
        int64_t r;
        bool ovf = n.op == IrOp::AddInt ? __builtin_add_overflow(a->imm, b->imm, &r)
                   : n.op == IrOp::SubInt ? __builtin_sub_overflow(a->imm, b->imm, &r)
                                          : __builtin_mul_overflow(a->imm, b->imm, &r);
        if (ovf || !int_fits(r)) break;  // the guard stays: it raises at run time
        make_const(n, IrOp::ConstInt, r);
        folded++;
        break;
      }
      case IrOp::IntToFloat:
        if (ci(a)) make_const(n, IrOp::ConstFloat, int64_t(Value::number(double(a->imm)).bits)), folded++;
        break;
      case IrOp::BoxInt:
        if (ci(a)) make_const(n, IrOp::Const, int64_t(Value::integer(a->imm).bits)), folded++;
        break;
      case IrOp::BoxFloat:
        if (cf(a)) make_const(n, IrOp::Const, a->imm), folded++;
        break;
      case IrOp::AddFloat: case IrOp::SubFloat: case IrOp::MulFloat: case IrOp::DivFloat: {
        if (!cf(a) || !cf(b)) break;
        double x = fv(a), y = fv(b);
        double r = n.op == IrOp::AddFloat ? x + y : n.op == IrOp::SubFloat ? x - y : n.op == IrOp::MulFloat ? x * y : x / y;
        make_const(n, IrOp::ConstFloat, int64_t(Value::number(r).bits));
        folded++;
        break;
      }
      default: break;
    }
  }
  return folded;
}

int eliminate_redundant_map_loads(Graph& g) {
  std::vector<int32_t> to(g.nodes.size());
  for (size_t i = 0; i < to.size(); i++) to[i] = int32_t(i);
  auto resolve = [&](int32_t v) { return resolved(to, v); };
  int removed = 0;
  // (map value, symbol key) -> the value that field holds now. A MapGet whose map and key
  // are known repeats a read whose guards (a map, the key's entry found) already passed: the
  // map's type cannot change and, with no insert or delete in between, neither can its layout.
  using Fields = std::map<std::pair<int32_t, int64_t>, int32_t>;
  std::vector<Fields> out(g.blocks.size());
  std::vector<uint8_t> done(g.blocks.size(), 0);
  for (int32_t b : g.order) {
    // A block starts from what its predecessors ended with when all of them came first in
    // layout order (so not a loop header): a field every one of them knows is known here,
    // through a new phi where they hold different values (an `if` that stored it on one arm).
    Fields field;
    const std::vector<int32_t> preds = g.blocks[size_t(b)].preds;
    if (!preds.empty() && std::all_of(preds.begin(), preds.end(), [&](int32_t p) { return done[size_t(p)] != 0; })) {
      for (const auto& [f, v0] : out[size_t(preds[0])]) {
        std::vector<int32_t> ins;
        for (int32_t p : preds) {
          auto it = out[size_t(p)].find(f);
          if (it == out[size_t(p)].end()) break;
          ins.push_back(resolve(it->second));
        }
        if (ins.size() != preds.size()) continue;
        if (std::all_of(ins.begin(), ins.end(), [&](int32_t v) { return v == ins[0]; })) {
          field[f] = ins[0];
          continue;
        }
        Node phi;
        phi.op = IrOp::Phi;
        phi.rep = Rep::Tagged;
        phi.imm = -1;  // no frame slot: the field's value
        phi.block = b;
        phi.phi_inputs = ins;
        int32_t id = g.add(std::move(phi));
        to.push_back(id);
        auto& nodes = g.blocks[size_t(b)].nodes;
        auto at = std::find_if(nodes.begin(), nodes.end(), [&](int32_t x) { return g.nodes[size_t(x)].op != IrOp::Phi; });
        nodes.insert(at, id);
        field[f] = id;
      }
    }
    for (int32_t id : g.blocks[size_t(b)].nodes) {
      Node& n = g.nodes[size_t(id)];
      if (n.dead) continue;
      switch (n.op) {
        case IrOp::MapGet: {
          std::pair<int32_t, int64_t> f{object_of(g, n.a), n.imm};
          auto it = field.find(f);
          if (it == field.end()) {
            field[f] = id;
          } else {
            to[size_t(id)] = it->second;
            n.dead = true;
            removed++;
          }
          break;
        }
        case IrOp::MapSet:
          // Another map value may be the same object: forget the key on every map, then
          // remember what this one now holds.
          std::erase_if(field, [&](const auto& f) { return f.first.second == n.imm; });
          field[{object_of(g, n.a), n.imm}] = resolve(n.b);
          break;
        // Helpers and calls may insert, delete or set anything; a `.set` or `.del` any key of
        // any map (two values may be one map).
        case IrOp::Generic: case IrOp::Call: case IrOp::GenericBranch: field.clear(); break;
        case IrOp::MapMethod:
          if (mutates_map(n)) field.clear();
          break;
        default: break;
      }
    }
    out[size_t(b)] = std::move(field);
    done[size_t(b)] = 1;
  }
  if (removed) replace_uses(g, to);
  return removed;
}

// A map's layout (which key is at which entry) changes only by an insert or a delete, and
// only helpers, calls and the `.set`/`.del` methods make those (a MapSet of a missing key
// leaves for the interpreter).
// So after an access found its key at the entry its feedback named, a later access in the
// same block to the same map and key can use that entry unchecked, provided the first one
// leaves for the interpreter (guard MapShape) when the key is not there rather than finding
// it elsewhere. `ball/x += v` then checks the entry once, for the read.
int mark_known_map_entries(Graph& g) {
  int marked = 0;
  for (int32_t b : g.order) {
    std::map<std::pair<int32_t, int64_t>, int32_t> checked;  // (map value, key) -> its strict access
    for (int32_t id : g.blocks[size_t(b)].nodes) {
      Node& n = g.nodes[size_t(id)];
      if (n.dead) continue;
      if (n.op == IrOp::Generic || n.op == IrOp::Call || n.op == IrOp::GenericBranch || (n.op == IrOp::MapMethod && mutates_map(n))) {
        checked.clear();
        continue;
      }
      if (n.op != IrOp::MapGet && n.op != IrOp::MapSet) continue;
      std::pair<int32_t, int64_t> f{object_of(g, n.a), n.imm};
      auto it = checked.find(f);
      if (it == checked.end()) {
        if (n.entry_hint >= 0) checked[f] = id;
        continue;
      }
      Node& first = g.nodes[size_t(it->second)];
      first.entry_strict = true;
      n.entry_known = true;
      n.entry_hint = first.entry_hint;
      n.entry_in_room = first.entry_in_room;
      marked++;
    }
  }
  return marked;
}

int eliminate_redundant_global_loads(Graph& g) {
  std::vector<int32_t> to(g.nodes.size());
  for (size_t i = 0; i < to.size(); i++) to[i] = int32_t(i);
  int removed = 0;
  // Global slot -> the value it holds now. A block with one predecessor starts from what that
  // predecessor ended with (blocks are walked in layout order, where a lone predecessor comes
  // first unless it is a back edge); any other block starts from nothing.
  std::vector<std::map<int64_t, int32_t>> out(g.blocks.size());
  std::vector<uint8_t> done(g.blocks.size(), 0);
  for (int32_t b : g.order) {
    const Block& blk = g.blocks[size_t(b)];
    std::map<int64_t, int32_t> held;
    if (blk.preds.size() == 1 && done[size_t(blk.preds[0])]) held = out[size_t(blk.preds[0])];
    for (int32_t id : blk.nodes) {
      Node& n = g.nodes[size_t(id)];
      if (n.dead) continue;
      switch (n.op) {
        case IrOp::LoadGlobal: {
          auto it = held.find(n.imm);
          if (it == held.end()) {
            held[n.imm] = id;
          } else {
            to[size_t(id)] = it->second;
            n.dead = true;
            removed++;
          }
          break;
        }
        case IrOp::StoreGlobal: case IrOp::AssignGlobal: held[n.imm] = n.a; break;
        // Helpers and calls may run any code, which may assign any global.
        case IrOp::Generic: case IrOp::Call: case IrOp::GenericBranch: held.clear(); break;
        default: break;
      }
    }
    out[size_t(b)] = std::move(held);
    done[size_t(b)] = 1;
  }
  if (removed) replace_uses(g, to);
  return removed;
}

int eliminate_redundant_checks(Graph& g) {
  std::vector<int32_t> to(g.nodes.size());
  for (size_t i = 0; i < to.size(); i++) to[i] = int32_t(i);
  auto resolve = [&](int32_t v) { return resolved(to, v); };
  int removed = 0;
  for (const Block& blk : g.blocks) {
    // (node, inputs) -> the first such node in the block. An array's size and items are
    // keyed by its pointer, which a helper or call ends, and with it them (a push may resize).
    std::map<std::tuple<IrOp, int32_t, int32_t>, int32_t> seen;
    for (int32_t id : blk.nodes) {
      Node& n = g.nodes[size_t(id)];
      if (n.dead) continue;
      if (n.op == IrOp::Generic || n.op == IrOp::Call || n.op == IrOp::GenericBranch) {
        // A Ptr does not live across code that may collect: the next access checks again.
        std::erase_if(seen, [](const auto& s) {
          IrOp op = std::get<0>(s.first);
          return op == IrOp::CheckMap || op == IrOp::CheckArray || op == IrOp::CheckString;
        });
        continue;
      }
      if (n.op == IrOp::ArrayPush) {
        // The pushed array (any of them: two values may be one array) has a new size and
        // maybe new items; it is still an array.
        std::erase_if(seen, [](const auto& s) {
          IrOp op = std::get<0>(s.first);
          return op == IrOp::ArraySize || op == IrOp::ArrayItems || op == IrOp::CheckBounds;
        });
        continue;
      }
      switch (n.op) {
        case IrOp::CheckInt: case IrOp::CheckFloat: case IrOp::CheckMap: case IrOp::CheckArray: case IrOp::CheckString:
        case IrOp::ArraySize: case IrOp::ArrayItems: case IrOp::CheckBounds: case IrOp::StringSize: break;
        default: continue;
      }
      int32_t a = resolve(n.a), b = resolve(n.b);
      const Node& in = g.nodes[size_t(a)];
      int32_t known = -1;
      if (n.op == IrOp::CheckInt && in.op == IrOp::BoxInt) known = in.a;
      if (n.op == IrOp::CheckFloat && in.op == IrOp::BoxFloat) known = in.a;
      auto key = std::make_tuple(n.op, a, b);
      if (known < 0) {
        auto it = seen.find(key);
        if (it != seen.end()) known = it->second;
        else seen[key] = id;
      }
      if (known >= 0) {
        to[size_t(id)] = known;
        n.dead = true;
        removed++;
      }
    }
  }
  // An int or float check whose value a check in a dominating block already passed reuses
  // that check's result: a value's type never changes, and an unboxed number is no pointer
  // the collector could free (so calls in between do not matter).
  const std::vector<int32_t> idom = immediate_dominators(g);
  std::map<std::pair<IrOp, int32_t>, std::vector<int32_t>> number_checks;
  for (int32_t b : g.order)
    for (int32_t id : g.blocks[size_t(b)].nodes) {
      const Node& n = g.nodes[size_t(id)];
      if (!n.dead && (n.op == IrOp::CheckInt || n.op == IrOp::CheckFloat)) number_checks[{n.op, resolve(n.a)}].push_back(id);
    }
  for (auto& [key, checks] : number_checks)
    for (int32_t id : checks) {
      Node& n = g.nodes[size_t(id)];
      for (int32_t d = idom[size_t(n.block)]; d >= 0 && !n.dead; d = idom[size_t(d)])
        for (int32_t other : checks)
          if (g.nodes[size_t(other)].block == d && !g.nodes[size_t(other)].dead) {
            to[size_t(id)] = other;
            n.dead = true;
            removed++;
            break;
          }
    }
  if (removed) replace_uses(g, to);
  return removed;
}

// Nodes whose effect matters even when their value is unused: control flow, calls, stores,
// allocations (what the heap has counted decides when it collects, and so where a heap limit
// is met), and guards (a failing int operation raises in the interpreter; a failing check would have
// taken the helper, which may raise). A CheckMap or CheckArray matters through the accesses
// that use it (one left unused repeats the check of an access whose value it reuses), or
// when marked `kept` (a `.size` nobody reads must still raise on a non-array).
static bool has_effect(IrOp op) {
  switch (op) {
    case IrOp::Generic: case IrOp::Call: case IrOp::GenericBranch: case IrOp::Jump: case IrOp::Branch:
    case IrOp::LoopCheck: case IrOp::CountOp: case IrOp::Return: case IrOp::Deopt: case IrOp::StoreGlobal: case IrOp::AssignGlobal: case IrOp::StoreCell: case IrOp::StoreUpval:
    case IrOp::AddInt: case IrOp::SubInt: case IrOp::MulInt: case IrOp::NegInt: case IrOp::ModInt:
    case IrOp::LoadGlobal: case IrOp::CheckInt: case IrOp::CheckFloat: case IrOp::CheckNumber: case IrOp::CheckBounds:
    case IrOp::ArraySet: case IrOp::ArrayPush: case IrOp::NewArray: case IrOp::MapMethod: case IrOp::MapGet: case IrOp::MapSet:
    case IrOp::CheckCallee: case IrOp::CallCheck: case IrOp::CheckValue: case IrOp::AbsInt: case IrOp::FloatToInt:
      return true;
    default: return false;
  }
}

int eliminate_dead_code(Graph& g) {
  std::vector<uint8_t> live(g.nodes.size(), 0);
  std::vector<int32_t> work;
  auto mark = [&](int32_t v) {
    if (v >= 0 && !live[size_t(v)]) {
      live[size_t(v)] = 1;
      work.push_back(v);
    }
  };
  for (size_t i = 0; i < g.nodes.size(); i++)
    if (!g.nodes[i].dead && (has_effect(g.nodes[i].op) || g.nodes[i].kept)) mark(int32_t(i));
  while (!work.empty()) {
    const Node& n = g.nodes[size_t(work.back())];
    work.pop_back();
    for_each_read(g, n, mark);
  }
  int removed = 0;
  for (size_t i = 0; i < g.nodes.size(); i++)
    if (!live[i] && !g.nodes[i].dead) {
      g.nodes[i].dead = true;
      removed++;
    }
  for (Block& b : g.blocks) std::erase_if(b.nodes, [&](int32_t id) { return g.nodes[size_t(id)].dead; });
  return removed;
}

int sink_array_next(Graph& g) {
  // The builder reads a `for` loop's item (ArrayNext) in the loop header, before the compare
  // that ends the loop, so the read tests the index itself and gives nil past the end. Its
  // value goes only to the body (the exit's state does not hold it): the read can move to the
  // body's first block, which only the header's `index >= size` branch enters, and there the
  // index is below the size. Each of its uses must then be in code the body block dominates.
  std::vector<int32_t> idom;
  int sunk = 0;
  for (int32_t b = 0; b < int32_t(g.blocks.size()); b++) {
    Block& blk = g.blocks[size_t(b)];
    if (blk.nodes.size() < 2 || blk.succs.size() != 2) continue;
    const Node& br = g.nodes[size_t(blk.nodes.back())];
    if (br.op != IrOp::Branch || br.a < 0) continue;
    const Node& cmp = g.nodes[size_t(br.a)];
    if (cmp.op != IrOp::CmpInt || Cmp(cmp.imm) != Cmp::Ge || cmp.b < 0) continue;
    const Node& size = g.nodes[size_t(cmp.b)];
    int32_t body = blk.succs[1];
    if (size.op != IrOp::ArraySize || g.blocks[size_t(body)].preds.size() != 1) continue;
    auto it = std::find_if(blk.nodes.begin(), blk.nodes.end(), [&](int32_t id) {
      const Node& n = g.nodes[size_t(id)];
      return !n.dead && n.op == IrOp::ArrayNext && n.a == size.a && n.b == cmp.a;
    });
    if (it == blk.nodes.end()) continue;
    const int32_t item = *it;
    if (idom.empty()) idom = immediate_dominators(g);
    auto in_body = [&](int32_t at) { return dominates(idom, body, at); };
    bool ok = true;
    for (const Node& n : g.nodes) {
      if (n.dead || !ok) continue;
      bool uses = n.a == item || n.b == item || n.c == item;
      if (n.fs >= 0) {
        const std::vector<int32_t>& vs = g.states[size_t(n.fs)].values;
        uses = uses || std::find(vs.begin(), vs.end(), item) != vs.end();
      }
      if (uses && !in_body(n.block)) ok = false;
      const std::vector<int32_t>& preds = g.blocks[size_t(n.block)].preds;
      for (size_t k = 0; k < n.phi_inputs.size(); k++)
        if (n.phi_inputs[k] == item && (k >= preds.size() || !in_body(preds[k]))) ok = false;
    }
    if (!ok) continue;
    blk.nodes.erase(it);
    std::vector<int32_t>& to = g.blocks[size_t(body)].nodes;
    to.insert(to.begin(), item);
    g.nodes[size_t(item)].block = body;
    g.nodes[size_t(item)].in_bounds = true;
    sunk++;
  }
  return sunk;
}

int fuse_array_operands(Graph& g) {
  std::vector<int32_t> uses(g.nodes.size(), 0);
  for (const Node& n : g.nodes) {
    if (n.dead) continue;
    for (int32_t v : {n.a, n.b, n.c})
      if (v >= 0) uses[size_t(v)]++;
    for (int32_t p : n.phi_inputs)
      if (p >= 0) uses[size_t(p)]++;
    if (n.fs >= 0)  // (a size on the operand stack is in the states until it is used)
      for (int32_t v : g.states[size_t(n.fs)].values)
        if (v >= 0) uses[size_t(v)]++;
  }
  int fused = 0;
  for (const Block& blk : g.blocks)
    for (size_t i = 0; i + 1 < blk.nodes.size(); i++) {
      Node& n = g.nodes[size_t(blk.nodes[i])];
      const Node& next = g.nodes[size_t(blk.nodes[i + 1])];
      int32_t id = blk.nodes[i];
      bool fits = (n.op == IrOp::ArraySize && next.op == IrOp::CheckBounds && next.b == id) ||
                  (n.op == IrOp::ArrayItems && (next.op == IrOp::ArrayGet || next.op == IrOp::ArraySet) && next.a == id);
      if (fits && uses[size_t(id)] == 1) {
        n.fused = true;
        fused++;
      }
    }
  return fused;
}

std::vector<int32_t> block_loop_depths(const Graph& g) {
  const size_t n = g.blocks.size();
  std::vector<int32_t> depth(n, 0);
  // Depth-first from every block without predecessors (the entry, OSR entries): an edge to a
  // block still on the stack is a back edge, and its target the loop's header.
  enum : uint8_t { kNew, kOnStack, kDone };
  std::vector<uint8_t> state(n, kNew);
  std::vector<std::vector<int32_t>> latches(n);  // header -> its back edges' sources
  for (size_t root = 0; root < n; root++) {
    if (!g.blocks[root].preds.empty() || state[root] != kNew) continue;
    std::vector<std::pair<int32_t, size_t>> stack{{int32_t(root), 0}};
    state[root] = kOnStack;
    while (!stack.empty()) {
      auto& [b, next] = stack.back();
      const std::vector<int32_t>& succs = g.blocks[size_t(b)].succs;
      if (next == succs.size()) {
        state[size_t(b)] = kDone;
        stack.pop_back();
        continue;
      }
      int32_t s = succs[next++];
      if (state[size_t(s)] == kOnStack) latches[size_t(s)].push_back(b);
      else if (state[size_t(s)] == kNew) {
        state[size_t(s)] = kOnStack;
        stack.push_back({s, 0});
      }
    }
  }
  // A header's loop: the blocks that reach one of its latches without passing the header.
  std::vector<uint8_t> in_loop(n);
  for (size_t h = 0; h < n; h++) {
    if (latches[h].empty()) continue;
    std::fill(in_loop.begin(), in_loop.end(), 0);
    in_loop[h] = 1;
    std::vector<int32_t> work;
    for (int32_t l : latches[h])
      if (!in_loop[size_t(l)]) in_loop[size_t(l)] = 1, work.push_back(l);
    while (!work.empty()) {
      int32_t b = work.back();
      work.pop_back();
      for (int32_t p : g.blocks[size_t(b)].preds)
        if (!in_loop[size_t(p)] && !g.blocks[size_t(p)].preds.empty()) in_loop[size_t(p)] = 1, work.push_back(p);
    }
    for (size_t b = 0; b < n; b++) depth[b] += in_loop[b];
  }
  return depth;
}

std::vector<int32_t> use_counts(const Graph& g) {
  std::vector<int32_t> uses(g.nodes.size(), 0);
  for (const Node& n : g.nodes)
    if (!n.dead) for_each_read(g, n, [&](int32_t v) {
        if (v >= 0) uses[size_t(v)]++;
      });
  return uses;
}

bool dominates(const std::vector<int32_t>& idom, int32_t a, int32_t b) {
  for (int32_t x = b; x >= 0; x = idom[size_t(x)])
    if (x == a) return true;
  return false;
}

std::vector<int32_t> immediate_dominators(const Graph& g, bool skip_osr_entries) {
  // Cooper, Harvey and Kennedy's iteration over reverse postorder; node n is the virtual root
  // above every block without predecessors.
  const int32_t n = int32_t(g.blocks.size()), root = n;
  auto succs_of = [&](int32_t b, std::vector<int32_t>& out) {
    out.clear();
    if (b == root) {
      for (int32_t i = 0; i < n; i++)
        if (g.blocks[size_t(i)].preds.empty() && !(skip_osr_entries && g.blocks[size_t(i)].osr_pc >= 0)) out.push_back(i);
    } else {
      out = g.blocks[size_t(b)].succs;
    }
  };
  std::vector<int32_t> post(size_t(n) + 1, -1), order;  // postorder number, blocks in postorder
  std::vector<uint8_t> seen(size_t(n) + 1, 0);
  std::vector<std::pair<int32_t, std::vector<int32_t>>> stack;
  std::vector<int32_t> tmp;
  succs_of(root, tmp);
  stack.push_back({root, tmp});
  seen[size_t(root)] = 1;
  while (!stack.empty()) {
    auto& [b, rest] = stack.back();
    if (rest.empty()) {
      post[size_t(b)] = int32_t(order.size());
      order.push_back(b);
      stack.pop_back();
      continue;
    }
    int32_t s = rest.back();
    rest.pop_back();
    if (seen[size_t(s)]) continue;
    seen[size_t(s)] = 1;
    succs_of(s, tmp);
    stack.push_back({s, tmp});
  }
  std::vector<int32_t> idom(size_t(n) + 1, -1);
  idom[size_t(root)] = root;
  auto intersect = [&](int32_t a, int32_t b) {
    while (a != b) {
      while (post[size_t(a)] < post[size_t(b)]) a = idom[size_t(a)];
      while (post[size_t(b)] < post[size_t(a)]) b = idom[size_t(b)];
    }
    return a;
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t k = order.size() - 1; k-- > 0;) {  // reverse postorder, the root (last) excluded
      int32_t b = order[k];
      const std::vector<int32_t>& preds = g.blocks[size_t(b)].preds;
      int32_t d = -1;
      if (preds.empty()) d = root;  // (a skipped OSR entry is never visited)
      for (int32_t p : preds)
        if (idom[size_t(p)] >= 0) d = d < 0 ? p : intersect(p, d);
      if (d >= 0 && idom[size_t(b)] != d) {
        idom[size_t(b)] = d;
        changed = true;
      }
    }
  }
  idom.pop_back();
  for (int32_t& d : idom)
    if (d == root) d = -1;
  return idom;
}

}  // namespace gene::jit::spec
