// Branch threading: a block that only branches on the truth of a phi, where a predecessor
// brings a constant, decides that branch at compile time for that predecessor, which then
// jumps to the chosen side directly. The shape comes from inlining: a callee's `return true`
// and `return false` meet in a phi in the caller, which tests it at once
//
//   (if (is_shorter_than y x) ... else z)     list's tail, every call
//
// so each return goes straight to its side of the `if`, with no boxed bool made and tested.
// Only a side without phis, which is no edge block, takes a new predecessor: the values it
// reads are defined above the join, so they reach it from the predecessor alike. A join left
// without predecessors goes, with whatever only it reached.
#include <algorithm>

#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

bool has_phis(const Graph& g, const Block& b) {
  return std::any_of(b.nodes.begin(), b.nodes.end(), [&](int32_t id) {
    return !g.nodes[size_t(id)].dead && g.nodes[size_t(id)].op == IrOp::Phi;
  });
}

// Drops the edge pred -> b: b's phis lose that input; a block left without predecessors
// (not an entry: those never had any) goes too, and so on down.
void drop_edge(Graph& g, int32_t pred, int32_t b, std::vector<uint8_t>& removed) {
  Block& blk = g.blocks[size_t(b)];
  auto it = std::find(blk.preds.begin(), blk.preds.end(), pred);
  if (it == blk.preds.end()) return;
  const size_t k = size_t(it - blk.preds.begin());
  blk.preds.erase(it);
  for (int32_t id : blk.nodes) {
    Node& n = g.nodes[size_t(id)];
    if (!n.dead && n.op == IrOp::Phi && k < n.phi_inputs.size()) n.phi_inputs.erase(n.phi_inputs.begin() + std::ptrdiff_t(k));
  }
  if (!blk.preds.empty()) return;
  removed[size_t(b)] = 1;
  for (int32_t id : blk.nodes) g.nodes[size_t(id)].dead = true;
  const std::vector<int32_t> succs = blk.succs;
  blk.succs.clear();
  for (int32_t s : succs) drop_edge(g, b, s, removed);
}

}  // namespace

int thread_constant_branches(Graph& g) {
  const std::vector<int32_t> uses = use_counts(g);
  std::vector<uint8_t> removed(g.blocks.size(), 0);
  int threaded = 0;
  for (int32_t b = 0; b < int32_t(g.blocks.size()); b++) {
    Block& blk = g.blocks[size_t(b)];
    if (removed[size_t(b)] || blk.loop_header || blk.succs.size() != 2) continue;
    std::vector<int32_t> live;
    for (int32_t id : blk.nodes)
      if (!g.nodes[size_t(id)].dead) live.push_back(id);
    if (live.size() != 3) continue;
    const Node& phi = g.nodes[size_t(live[0])];
    const Node& test = g.nodes[size_t(live[1])];
    const Node& br = g.nodes[size_t(live[2])];
    if (phi.op != IrOp::Phi || phi.rep != Rep::Tagged || test.op != IrOp::Truthy || test.a != live[0] ||
        br.op != IrOp::Branch || br.a != live[1] || uses[size_t(live[0])] != 1 || uses[size_t(live[1])] != 1)
      continue;
    for (size_t k = blk.preds.size(); k-- > 0;) {
      const int32_t pred = blk.preds[k];
      if (k >= phi.phi_inputs.size() || phi.phi_inputs[k] < 0) continue;
      const Node& in = g.nodes[size_t(phi.phi_inputs[k])];
      Block& pb = g.blocks[size_t(pred)];
      if (in.op != IrOp::Const || pb.succs.size() != 1 || pb.nodes.empty() ||
          g.nodes[size_t(pb.nodes.back())].op != IrOp::Jump)
        continue;
      const Value v = Value::from_bits(uint64_t(in.imm));
      const int32_t side = blk.succs[v.is_nil() || v == Value::boolean(false) ? 1 : 0];
      Block& sb = g.blocks[size_t(side)];
      if (sb.edge_of >= 0 || has_phis(g, sb)) continue;
      pb.succs[0] = side;
      sb.preds.push_back(pred);
      drop_edge(g, pred, b, removed);
      threaded++;
      if (removed[size_t(b)]) break;
    }
  }
  if (threaded) {
    std::erase_if(g.order, [&](int32_t b) { return removed[size_t(b)] != 0; });
    for (Block& b : g.blocks) std::erase_if(b.nodes, [&](int32_t id) { return g.nodes[size_t(id)].dead; });
  }
  return threaded;
}

}  // namespace gene::jit::spec
