// Loop check hoisting: a map, array or string check inside a loop, of a value defined before
// the loop, in a block every iteration runs, is made once in front of the loop; the checks
// inside then only untag (Node::type_known). A value's type never changes, so one check
// answers for every iteration. Where nothing in the loop, nor on a way in after its hoisted
// check, calls out (and so may collect), the loop uses the hoisted checks' pointers, joined by
// a phi at the header: no untagging per iteration.
//
// A copy goes on each way into the loop, right before the last node with a frame state on the
// straight path in (the block that jumps to the header, or its single-successor predecessors;
// or the unit's entry or an OSR entry, with its state): failing there resumes the interpreter
// exactly at that node, before the loop. That is earlier than
// the interpreter would have failed, possibly for a loop that would not have reached the
// check, so the copy's guard is its own kind (Hoisted): when it keeps failing, the next
// version keeps its checks in the loop (SpecHints::no_loop_hoisting).
//
// Typical source: storage's `(for i in (range 0 n) (a .push nil))`, whose body checked `a`
// on every push.
#include <algorithm>
#include <map>

#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

bool is_object_check(IrOp op) { return op == IrOp::CheckMap || op == IrOp::CheckArray || op == IrOp::CheckString; }

// The blocks of the natural loop of `header` with these back-edge sources.
std::vector<uint8_t> loop_blocks(const Graph& g, int32_t header, const std::vector<int32_t>& latches) {
  std::vector<uint8_t> in(g.blocks.size(), 0);
  in[size_t(header)] = 1;
  std::vector<int32_t> work;
  for (int32_t l : latches)
    if (!in[size_t(l)]) in[size_t(l)] = 1, work.push_back(l);
  while (!work.empty()) {
    int32_t b = work.back();
    work.pop_back();
    for (int32_t p : g.blocks[size_t(b)].preds)
      if (!in[size_t(p)]) in[size_t(p)] = 1, work.push_back(p);
  }
  return in;
}

// Where a check of value v can go on the way in through entry block `e`: before the last node
// with a frame state on the straight path into the loop that v is defined before (e, then its
// single-successor predecessors), with that node's state; or, reaching the unit's entry or an
// OSR entry, before its jump with the entry's state. Block -1 if nowhere.
struct HoistPoint {
  int32_t block = -1;
  size_t at = 0;
  int32_t fs = -1, pc = -1;
};
HoistPoint hoist_point(const Graph& g, const std::vector<int32_t>& idom, int32_t e, int32_t v) {
  const int32_t vb = g.nodes[size_t(v)].block;
  for (int32_t b = e; b >= 0;) {
    const Block& blk = g.blocks[size_t(b)];
    if (blk.succs.size() != 1 || !dominates(idom, vb, b)) break;
    const std::vector<int32_t>& nodes = blk.nodes;
    const size_t v_at = b == vb ? size_t(std::find(nodes.begin(), nodes.end(), v) - nodes.begin()) : 0;
    for (size_t i = nodes.size(); i-- > 0;) {
      if (b == vb && i <= v_at) break;
      const Node& x = g.nodes[size_t(nodes[i])];
      if (!x.dead && x.op != IrOp::Phi && x.fs >= 0) return {b, i, x.fs, x.pc};
    }
    if (blk.preds.empty()) {
      for (auto [entry, fs] : g.entry_states)
        if (entry == b && !nodes.empty()) return {b, nodes.size() - 1, fs, g.states[size_t(fs)].pc};
      break;
    }
    if (b == vb) break;
    b = blk.preds.size() == 1 ? blk.preds[0] : -1;
  }
  return {};
}

// Whether a node after the check hoisted to `pt` (inserted there), up to the jump into the
// loop from block e, calls out, and so may collect while the check's pointer is live.
bool calls_out_on_way_in(const Graph& g, const HoistPoint& pt, int32_t e) {
  for (int32_t b = e;; b = g.blocks[size_t(b)].preds[0]) {
    const Block& blk = g.blocks[size_t(b)];
    for (size_t i = b == pt.block ? pt.at + 1 : 0; i < blk.nodes.size(); i++)
      if (!g.nodes[size_t(blk.nodes[i])].dead && calls_out(g.nodes[size_t(blk.nodes[i])].op)) return true;
    if (b == pt.block) return false;
  }
}

}  // namespace

int hoist_loop_checks(Graph& g) {
  if (!g.hoist_loop_checks) return 0;
  const std::vector<int32_t> idom = immediate_dominators(g);
  int hoisted = 0;
  for (int32_t h = 0; h < int32_t(g.blocks.size()); h++) {
    const Block& hb = g.blocks[size_t(h)];
    std::vector<size_t> latches, entries;  // indexes into hb.preds
    for (size_t k = 0; k < hb.preds.size(); k++) (dominates(idom, h, hb.preds[k]) ? latches : entries).push_back(k);
    if (latches.empty() || entries.empty()) continue;
    std::vector<int32_t> latch_blocks;
    for (size_t k : latches) latch_blocks.push_back(hb.preds[k]);
    const std::vector<uint8_t> in_loop = loop_blocks(g, h, latch_blocks);
    // Candidates, one group per (check, value): checks in blocks every iteration runs (they
    // dominate every latch) of a value the loop never changes: one from before the loop, or a
    // header phi that every latch feeds itself (a local the loop does not write, entered from
    // several places: an OSR entry, another path).
    std::map<std::pair<IrOp, int32_t>, std::vector<int32_t>> groups;
    bool loop_calls_out = false;
    for (size_t b = 0; b < g.blocks.size(); b++) {
      if (in_loop[b])
        for (int32_t id : g.blocks[b].nodes) loop_calls_out |= !g.nodes[size_t(id)].dead && calls_out(g.nodes[size_t(id)].op);
      if (!in_loop[b] || !std::all_of(latch_blocks.begin(), latch_blocks.end(), [&](int32_t l) { return dominates(idom, int32_t(b), l); }))
        continue;
      for (int32_t id : g.blocks[b].nodes) {
        const Node& n = g.nodes[size_t(id)];
        if (n.dead || !is_object_check(n.op) || n.type_known || n.a < 0) continue;
        groups[{n.op, n.a}].push_back(id);
      }
    }
    for (auto& [key, checks] : groups) {
      const int32_t v = key.second;
      const Node& vn = g.nodes[size_t(v)];
      // The value on each way in.
      std::vector<int32_t> in_values;
      if (!in_loop[size_t(vn.block)]) {
        in_values.assign(entries.size(), v);
      } else if (vn.op == IrOp::Phi && vn.block == h && vn.phi_inputs.size() == hb.preds.size() &&
                 std::all_of(latches.begin(), latches.end(), [&](size_t k) { return vn.phi_inputs[k] == v; })) {
        for (size_t k : entries) in_values.push_back(vn.phi_inputs[k]);
      } else {
        continue;
      }
      std::vector<HoistPoint> points;
      for (size_t j = 0; j < entries.size(); j++) {
        if (in_values[j] < 0) break;
        HoistPoint pt = hoist_point(g, idom, hb.preds[entries[j]], in_values[j]);
        if (pt.block < 0) break;
        points.push_back(pt);
      }
      if (points.size() != entries.size()) continue;
      std::vector<int32_t> made;  // the hoisted check on each way in
      for (size_t j = 0; j < points.size(); j++) {
        const int32_t at_block = points[j].block;
        const size_t at = points[j].at;
        Node c;
        c.op = key.first;
        c.rep = Rep::Ptr;
        c.a = in_values[j];
        c.fs = points[j].fs;
        c.pc = points[j].pc;
        c.block = at_block;
        c.guard = GuardKind::Hoisted;
        c.kept = true;  // there for its guard, whether or not the loop uses its pointer
        int32_t id = g.add(std::move(c));
        made.push_back(id);
        auto& nodes = g.blocks[size_t(at_block)].nodes;
        nodes.insert(nodes.begin() + std::ptrdiff_t(at), id);
        // (Two entries through one block get one point each; the second insert goes first.)
        for (size_t m = j + 1; m < points.size(); m++)
          if (points[m].block == at_block && points[m].at >= at) points[m].at++;
      }
      bool pointer_lives = !loop_calls_out;
      for (size_t j = 0; j < points.size() && pointer_lives; j++)
        pointer_lives = !calls_out_on_way_in(g, points[j], hb.preds[entries[j]]);
      if (pointer_lives) {
        // Nothing on the ways in after the hoisted checks, nor in the loop, may collect: the
        // loop uses their pointers, joined by a phi at the header, and does not untag again.
        // (A phi even for one way in: an OSR entry's block is laid out after the loop, so the
        // allocator must see the pointer reach the loop through the header.)
        Node phi;
        phi.op = IrOp::Phi;
        phi.rep = Rep::Ptr;
        phi.imm = -1;  // no frame slot holds it
        phi.c = v;     // the value it is the object of (regalloc's roots_in_frame_state)
        phi.pc = hb.pc;
        phi.block = h;
        const int32_t phi_id = g.add(std::move(phi));
        Node& pn = g.nodes[size_t(phi_id)];
        pn.phi_inputs.assign(hb.preds.size(), phi_id);
        for (size_t j = 0; j < entries.size(); j++) pn.phi_inputs[entries[j]] = made[j];
        auto& hn = g.blocks[size_t(h)].nodes;
        hn.insert(std::find_if(hn.begin(), hn.end(), [&](int32_t x) { return g.nodes[size_t(x)].op != IrOp::Phi; }), phi_id);
        std::vector<int32_t> to(g.nodes.size());
        for (size_t i = 0; i < to.size(); i++) to[i] = int32_t(i);
        for (int32_t x : checks) to[size_t(x)] = phi_id, g.nodes[size_t(x)].dead = true;
        replace_uses(g, to);
      } else {
        for (int32_t x : checks) g.nodes[size_t(x)].type_known = true;
      }
      hoisted++;
    }
  }
  return hoisted;
}

}  // namespace gene::jit::spec
