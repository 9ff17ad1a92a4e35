// Nil test fusion (the inline tier, M3): a walk down a linked structure tests a value against
// nil and, on the not-nil side, checks that it is a map before reading a field:
//
//   (while (y != nil) ... (y = y/next))     list's is_shorter_than, twice per iteration
//
// One check can answer both: CheckMapOrNil goes to the not-nil side with the map's pointer
// (the later CheckMaps of the value become it), to the nil side for nil, and leaves for
// anything else. The compare and its branch cost nothing on the map path.
//
// Leaving for a value that is neither is earlier than the interpreter would have failed (the
// not-nil side might not have reached the map check), so the guard is its own kind (NilOrMap)
// and resumes the interpreter at the compare, with the frame state the builder recorded in
// front of it (Graph::nil_tests). When it keeps failing, the next version keeps tests and
// checks apart (SpecHints::no_nil_test_fusion).
//
// Only checks reached from the not-nil side through blocks with a single predecessor, with no
// call or allocation before them, are taken: their pointer then never lives across anything
// that may collect, as a CheckMap's never does.
#include <numeric>

#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

bool is_nil_const(const Graph& g, int32_t v) {
  const Node& n = g.nodes[size_t(v)];
  return n.op == IrOp::Const && uint64_t(n.imm) == Value::nil().bits;
}

// The live CheckMaps of `value` in the blocks that only `from` leads to (each with a single
// predecessor), before any node that calls out or allocates on the way.
std::vector<int32_t> map_checks_below(const Graph& g, int32_t from, int32_t value) {
  std::vector<int32_t> found, work{from};
  int budget = 64;  // blocks looked at: the checks worth fusing are close
  while (!work.empty() && budget-- > 0) {
    const Block& blk = g.blocks[size_t(work.back())];
    work.pop_back();
    bool stopped = false;
    for (int32_t id : blk.nodes) {
      const Node& n = g.nodes[size_t(id)];
      if (n.dead) continue;
      if (calls_out(n.op) || n.op == IrOp::NewArray) {
        stopped = true;
        break;
      }
      if (n.op == IrOp::CheckMap && n.a == value && !n.type_known) found.push_back(id);
    }
    if (stopped) continue;
    for (int32_t s : blk.succs)
      if (g.blocks[size_t(s)].preds.size() == 1) work.push_back(s);
  }
  return found;
}

}  // namespace

int fuse_nil_tests(Graph& g) {
  if (g.nil_tests.empty()) return 0;
  const std::vector<int32_t> uses = use_counts(g);
  std::vector<int32_t> to(g.nodes.size());
  std::iota(to.begin(), to.end(), 0);
  int fused = 0;
  for (auto [id, fs] : g.nil_tests) {
    Node& c = g.nodes[size_t(id)];
    if (c.dead || c.op != IrOp::CmpBits || uses[size_t(id)] != 1) continue;
    const int32_t value = is_nil_const(g, c.b) ? c.a : is_nil_const(g, c.a) ? c.b : -1;
    if (value < 0 || is_nil_const(g, value)) continue;
    // The compare must be its block's last node before the Branch that reads it.
    Block& blk = g.blocks[size_t(c.block)];
    const size_t n = blk.nodes.size();
    if (n < 2 || blk.nodes[n - 2] != id || blk.succs.size() != 2) continue;
    const Node& br = g.nodes[size_t(blk.nodes[n - 1])];
    if (br.op != IrOp::Branch || br.a != id) continue;
    const int not_nil = Cmp(c.imm) == Cmp::Ne ? 0 : 1;
    const int32_t side = blk.succs[size_t(not_nil)];
    if (g.blocks[size_t(side)].preds.size() != 1) continue;
    const std::vector<int32_t> checks = map_checks_below(g, side, value);
    if (checks.empty()) continue;
    c.op = IrOp::CheckMapOrNil;
    c.rep = Rep::Ptr;
    c.a = value;
    c.b = -1;
    c.imm = 0;
    c.fs = fs;
    c.guard = GuardKind::NilOrMap;
    if (not_nil == 1) std::swap(blk.succs[0], blk.succs[1]);  // succs[0]: the map's side
    for (int32_t x : checks) {
      to[size_t(x)] = id;
      g.nodes[size_t(x)].dead = true;
    }
    fused++;
  }
  if (fused) replace_uses(g, to);
  return fused;
}

}  // namespace gene::jit::spec
