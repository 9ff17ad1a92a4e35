// Phi unboxing: a Tagged phi whose every input is known to hold an int (a BoxInt, an int
// constant, a value that an int check on every path to that edge already passed, or another
// such phi) gets an Int twin, and the phi's int checks become the twin: no tag test, no
// unboxing after the join. Floats likewise (BoxFloat, float constants, float checks).
//
// The usual source is a map field written on one arm of an `if` and read after it
// (`(if (ball/x > 500) (ball/x = 500))` then `(ball/x < 0)`): eliminate_redundant_map_loads
// joins the field's two values in a Tagged phi, which the next compare would check again.
// The Tagged phi stays for whatever else reads it (frame states); dead code removes it if
// nothing does.
#include <algorithm>

#include "interp/value.h"
#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

// One representation's unboxing: `check` (CheckInt or CheckFloat) and its boxing op.
struct PhiUnboxer {
  Graph& g;
  const std::vector<int32_t>& idom;
  const std::vector<std::vector<int32_t>>& checks_of;  // per Tagged value: its checks
  IrOp check, box;
  Rep rep;
  std::vector<uint8_t> candidate;  // per node: a Tagged phi that may get a twin
  std::vector<int32_t> twin;       // per node: the phi's unboxed twin, or -1

  bool is_constant(const Node& n) const {
    if (n.op != IrOp::Const) return false;
    Value v = Value::from_bits(uint64_t(n.imm));
    return rep == Rep::Int ? v.is_int() : v.is_double();
  }
  // A check of v that passed before the end of block `pred`, or -1.
  int32_t dominating_check(int32_t v, int32_t pred) const {
    for (int32_t c : checks_of[size_t(v)]) {
      const Node& cn = g.nodes[size_t(c)];
      if (!cn.dead && cn.op == check && dominates(idom, cn.block, pred)) return c;
    }
    return -1;
  }
  // Whether v, arriving from block `pred`, is known to be of the representation (phis: as
  // far as the candidates go).
  bool known(int32_t v, int32_t pred) const {
    const Node& n = g.nodes[size_t(v)];
    if (n.op == IrOp::Phi) return candidate[size_t(v)] != 0;
    return n.op == box || is_constant(n) || dominating_check(v, pred) >= 0;
  }
  // Drops candidates with an input not known, until every candidate's inputs are.
  void settle() {
    bool changed = true;
    while (changed) {
      changed = false;
      for (size_t i = 0; i < g.nodes.size(); i++) {
        if (!candidate[i]) continue;
        const Node& phi = g.nodes[i];
        const Block& blk = g.blocks[size_t(phi.block)];
        for (size_t k = 0; k < phi.phi_inputs.size(); k++) {
          int32_t v = phi.phi_inputs[k];
          if (v < 0 || k >= blk.preds.size() || !known(v, blk.preds[k])) {
            candidate[i] = 0;
            changed = true;
            break;
          }
        }
      }
    }
  }
  // The unboxed value of known input v on the edge from `pred` (a constant goes at the end of
  // that block, before its terminator).
  int32_t unboxed(int32_t v, int32_t pred) {
    const Node& n = g.nodes[size_t(v)];
    if (n.op == IrOp::Phi) return twin_of(v);
    if (n.op == box) return n.a;
    if (is_constant(n)) {
      Value c = Value::from_bits(uint64_t(n.imm));
      Node k;
      k.op = rep == Rep::Int ? IrOp::ConstInt : IrOp::ConstFloat;
      k.rep = rep;
      k.imm = rep == Rep::Int ? c.as_int() : int64_t(c.bits);
      k.block = pred;
      int32_t id = g.add(std::move(k));
      auto& nodes = g.blocks[size_t(pred)].nodes;
      nodes.insert(nodes.end() - 1, id);
      return id;
    }
    return dominating_check(v, pred);
  }
  // Phi's twin, made on first request (a loop's phis reach themselves: the twin exists
  // before its inputs are filled in).
  int32_t twin_of(int32_t phi_id) {
    if (twin[size_t(phi_id)] >= 0) return twin[size_t(phi_id)];
    Node t;
    t.op = IrOp::Phi;
    t.rep = rep;
    t.imm = g.nodes[size_t(phi_id)].imm;
    t.pc = g.nodes[size_t(phi_id)].pc;
    t.block = g.nodes[size_t(phi_id)].block;
    int32_t id = g.add(std::move(t));
    twin.resize(g.nodes.size(), -1);
    twin[size_t(phi_id)] = id;
    auto& nodes = g.blocks[size_t(g.nodes[size_t(id)].block)].nodes;
    nodes.insert(std::find(nodes.begin(), nodes.end(), phi_id) + 1, id);
    const std::vector<int32_t> inputs = g.nodes[size_t(phi_id)].phi_inputs;
    const std::vector<int32_t> preds = g.blocks[size_t(g.nodes[size_t(id)].block)].preds;
    std::vector<int32_t> ins;
    for (size_t k = 0; k < inputs.size(); k++) ins.push_back(unboxed(inputs[k], preds[k]));
    g.nodes[size_t(id)].phi_inputs = std::move(ins);
    return id;
  }
};

}  // namespace

int unbox_phis(Graph& g) {
  const std::vector<int32_t> idom = immediate_dominators(g);
  std::vector<std::vector<int32_t>> checks_of(g.nodes.size());
  std::vector<int32_t> phi_checks;  // the checks of phis, the only nodes this pass replaces
  for (size_t i = 0; i < g.nodes.size(); i++) {
    const Node& c = g.nodes[i];
    if (c.dead || (c.op != IrOp::CheckInt && c.op != IrOp::CheckFloat) || c.a < 0) continue;
    checks_of[size_t(c.a)].push_back(int32_t(i));
    if (g.nodes[size_t(c.a)].op == IrOp::Phi) phi_checks.push_back(int32_t(i));
  }
  if (phi_checks.empty()) return 0;
  std::vector<int32_t> to(g.nodes.size());
  for (size_t i = 0; i < to.size(); i++) to[i] = int32_t(i);
  int replaced = 0;
  for (IrOp check : {IrOp::CheckInt, IrOp::CheckFloat}) {
    PhiUnboxer u{g, idom, checks_of, check, check == IrOp::CheckInt ? IrOp::BoxInt : IrOp::BoxFloat,
                 check == IrOp::CheckInt ? Rep::Int : Rep::Float, {}, {}};
    u.candidate.assign(g.nodes.size(), 0);
    u.twin.assign(g.nodes.size(), -1);
    for (size_t i = 0; i < g.nodes.size(); i++) {
      const Node& n = g.nodes[i];
      u.candidate[i] = !n.dead && n.op == IrOp::Phi && n.rep == Rep::Tagged && g.blocks[size_t(n.block)].osr_pc < 0;
    }
    u.settle();
    for (int32_t c : phi_checks) {
      const Node& cn = g.nodes[size_t(c)];
      if (cn.op != check || !u.candidate[size_t(cn.a)]) continue;
      to[size_t(c)] = u.twin_of(cn.a);  // (may add nodes: no reference into g.nodes across it)
      g.nodes[size_t(c)].dead = true;
      replaced++;
    }
  }
  if (replaced) {
    for (size_t i = to.size(); i < g.nodes.size(); i++) to.push_back(int32_t(i));
    replace_uses(g, to);
  }
  return replaced;
}

}  // namespace gene::jit::spec
