#include "jit/spec/regalloc.h"

#include <algorithm>

#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

struct Bits {
  std::vector<uint64_t> w;
  explicit Bits(size_t n = 0) : w((n + 63) / 64, 0) {}
  void set(int32_t i) { w[size_t(i) >> 6] |= uint64_t(1) << (i & 63); }
  void clear(int32_t i) { w[size_t(i) >> 6] &= ~(uint64_t(1) << (i & 63)); }
  bool operator==(const Bits&) const = default;
  void merge(const Bits& o) {
    for (size_t i = 0; i < w.size(); i++) w[i] |= o.w[i];
  }
  template <class F>
  void each(F f) const {
    for (size_t i = 0; i < w.size(); i++)
      for (uint64_t x = w[i]; x; x &= x - 1) f(int32_t(i * 64 + size_t(__builtin_ctzll(x))));
  }
};

// Whether every value live across node `id` (at position p) that refers to the heap is in its
// frame state, directly or as the object a Ptr was checked out of (Allocation::may_collect).
bool roots_in_frame_state(const Graph& g, int32_t id, int32_t p, const std::vector<int32_t>& start,
                          const std::vector<int32_t>& end) {
  const std::vector<int32_t>& state = g.states[size_t(g.nodes[size_t(id)].fs)].values;
  auto in_state = [&](int32_t v) { return std::find(state.begin(), state.end(), v) != state.end(); };
  for (size_t u = 0; u < start.size(); u++) {
    if (int32_t(u) == id || start[u] > p || end[u] <= p + 1) continue;  // (its own frame state reads at p + 1)
    int32_t v = int32_t(u);
    while (g.nodes[size_t(v)].rep == Rep::Ptr) {
      const Node& pn = g.nodes[size_t(v)];
      if (pn.op == IrOp::Phi && pn.c >= 0) v = pn.c;  // a hoisted check's pointer (hoist_loop_checks)
      else if (pn.op == IrOp::CheckMap || pn.op == IrOp::CheckMapOrNil || pn.op == IrOp::CheckArray || pn.op == IrOp::CheckString || pn.op == IrOp::ArrayItems) v = pn.a;
      else return false;
    }
    if (g.nodes[size_t(v)].rep == Rep::Tagged && !in_state(v)) return false;
  }
  return true;
}

}  // namespace

Allocation allocate_registers(const Graph& g) {
  const size_t n = g.nodes.size();
  Allocation out;
  out.loc.assign(n, Loc{});
  out.pos.assign(n, -1);
  std::vector<int32_t> bstart(g.blocks.size(), 0), bend(g.blocks.size(), 0);
  int32_t k = 0;
  for (int32_t b : g.order) {
    bstart[size_t(b)] = 2 * k;
    for (int32_t id : g.blocks[size_t(b)].nodes) out.pos[size_t(id)] = 2 * k++;
    bend[size_t(b)] = 2 * k - 1;
  }
  auto needs_loc = [&](int32_t id) {
    const Node& nd = g.nodes[size_t(id)];
    return !nd.dead && nd.rep != Rep::None && !is_constant_node(nd) && !nd.fused;
  };
  // Liveness over blocks (backward, to a fixpoint), then one hull interval per value.
  std::vector<Bits> live_in(g.blocks.size(), Bits(n));
  std::vector<int32_t> start(n, INT32_MAX), end(n, -1);
  auto use = [&](int32_t v, int32_t at) {
    if (v >= 0 && g.nodes[size_t(v)].fused) v = g.nodes[size_t(v)].a;  // its user computes it
    if (v >= 0 && needs_loc(v)) end[size_t(v)] = std::max(end[size_t(v)], at);
  };
  bool changed = true;
  while (changed) {
    changed = false;
    for (size_t oi = g.order.size(); oi-- > 0;) {
      int32_t b = g.order[oi];
      const Block& blk = g.blocks[size_t(b)];
      Bits live(n);
      for (int32_t s : blk.succs) {
        const Block& sb = g.blocks[size_t(s)];
        Bits in = live_in[size_t(s)];
        size_t pi = size_t(std::find(sb.preds.begin(), sb.preds.end(), b) - sb.preds.begin());
        for (int32_t id : sb.nodes) {
          const Node& phi = g.nodes[size_t(id)];
          if (phi.op != IrOp::Phi) continue;
          in.clear(id);
          if (pi < phi.phi_inputs.size() && phi.phi_inputs[pi] >= 0 && needs_loc(phi.phi_inputs[pi]))
            live.set(phi.phi_inputs[pi]);
        }
        live.merge(in);
      }
      for (size_t j = blk.nodes.size(); j-- > 0;) {
        int32_t id = blk.nodes[j];
        const Node& nd = g.nodes[size_t(id)];
        live.clear(id);
        if (nd.op == IrOp::Phi) continue;
        if (nd.a >= 0 && needs_loc(nd.a)) live.set(nd.a);
        if (nd.b >= 0 && needs_loc(nd.b)) live.set(nd.b);
        if (nd.c >= 0 && needs_loc(nd.c)) live.set(nd.c);
        if (nd.fs >= 0)
          for (int32_t v : g.states[size_t(nd.fs)].values)
            if (v >= 0 && needs_loc(v)) live.set(v);
      }
      if (!(live == live_in[size_t(b)])) {
        live_in[size_t(b)] = std::move(live);
        changed = true;
      }
    }
  }
  for (int32_t b : g.order) {
    const Block& blk = g.blocks[size_t(b)];
    for (int32_t id : blk.nodes) {
      const Node& nd = g.nodes[size_t(id)];
      int32_t p = out.pos[size_t(id)];
      if (needs_loc(id)) start[size_t(id)] = p + 1, end[size_t(id)] = std::max(end[size_t(id)], p + 1);
      if (nd.op == IrOp::Phi) continue;
      use(nd.a, p);
      use(nd.b, p);
      use(nd.c, p);
      // A frame state is still read after the node's own work (a helper's or a call's
      // state, a guard that writes its result first); a MapGet leaves before writing its
      // result, which may then take the register of a value only its state reads.
      if (nd.fs >= 0)
        for (int32_t v : g.states[size_t(nd.fs)].values) use(v, nd.op == IrOp::MapGet ? p : p + 1);
    }
    // Live out: through the end of the block (phi inputs are read by the moves before the jump).
    for (int32_t s : blk.succs) {
      live_in[size_t(s)].each([&](int32_t v) { use(v, bend[size_t(b)]); });
      const Block& sb = g.blocks[size_t(s)];
      size_t pi = size_t(std::find(sb.preds.begin(), sb.preds.end(), b) - sb.preds.begin());
      for (int32_t id : sb.nodes) {
        const Node& phi = g.nodes[size_t(id)];
        if (phi.op == IrOp::Phi && pi < phi.phi_inputs.size()) use(phi.phi_inputs[pi], bend[size_t(b)]);
      }
    }
  }
  out.may_collect.assign(n, 0);
  for (int32_t b : g.order)
    for (int32_t id : g.blocks[size_t(b)].nodes)
      if (g.nodes[size_t(id)].op == IrOp::NewArray && !g.nodes[size_t(id)].dead)
        out.may_collect[size_t(id)] = roots_in_frame_state(g, id, out.pos[size_t(id)], start, end);

  // Positions of the calls, to spill what lives across one.
  std::vector<int32_t> calls;
  for (int32_t b : g.order)
    for (int32_t id : g.blocks[size_t(b)].nodes)
      if (calls_out(g.nodes[size_t(id)].op)) calls.push_back(out.pos[size_t(id)]);
  auto crosses_call = [&](int32_t v) {
    auto it = std::upper_bound(calls.begin(), calls.end(), start[size_t(v)]);
    return it != calls.end() && *it + 1 < end[size_t(v)];
  };

  // rbp keeps its value across every call: each tier's body saves it, and so do C helpers.
  // It goes to the values live across calls whose uses weigh most (8x per loop around the
  // use), as many as fit without overlapping; the other such values are spilled.
  std::vector<uint8_t> in_rbp(n, 0);
  std::vector<std::pair<int32_t, int32_t>> rbp_taken;  // their intervals
  auto overlaps_rbp_taken = [&](int32_t v) {
    for (auto [s, e] : rbp_taken)
      if (start[size_t(v)] <= e && s <= end[size_t(v)]) return true;
    return false;
  };
  {
    const std::vector<int32_t> depth = block_loop_depths(g);
    std::vector<double> weight(n, 0);
    auto weigh = [&](int32_t v, int32_t block) {
      if (v >= 0 && g.nodes[size_t(v)].fused) v = g.nodes[size_t(v)].a;
      if (v >= 0) weight[size_t(v)] += double(1 << (3 * std::min(depth[size_t(block)], 3)));
    };
    for (int32_t b : g.order) {
      const Block& blk = g.blocks[size_t(b)];
      for (int32_t id : blk.nodes) {
        const Node& nd = g.nodes[size_t(id)];
        if (nd.op == IrOp::Phi) {
          for (size_t i = 0; i < nd.phi_inputs.size() && i < blk.preds.size(); i++) weigh(nd.phi_inputs[i], blk.preds[i]);
          continue;
        }
        weigh(nd.a, b);
        weigh(nd.b, b);
        weigh(nd.c, b);
      }
    }
    std::vector<int32_t> crossing;
    for (size_t i = 0; i < n; i++)
      if (needs_loc(int32_t(i)) && start[i] != INT32_MAX && g.nodes[i].rep != Rep::Float && crosses_call(int32_t(i)))
        crossing.push_back(int32_t(i));
    std::stable_sort(crossing.begin(), crossing.end(), [&](int32_t x, int32_t y) { return weight[size_t(x)] > weight[size_t(y)]; });
    for (int32_t v : crossing)
      if (!overlaps_rbp_taken(v)) {
        in_rbp[size_t(v)] = 1;
        rbp_taken.push_back({start[size_t(v)], end[size_t(v)]});
      }
  }

  std::vector<int32_t> order;
  for (size_t i = 0; i < n; i++)
    if (needs_loc(int32_t(i)) && start[i] != INT32_MAX) order.push_back(int32_t(i));
  std::sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return start[size_t(x)] < start[size_t(y)]; });

  // A phi's input prefers the phi's register, where it is free then: no move on the edge
  // (a loop's `x = x/next` reads into the register the next iteration's x is in).
  std::vector<int32_t> phi_of(n, -1);
  for (size_t i = 0; i < n; i++)
    if (!g.nodes[i].dead && g.nodes[i].op == IrOp::Phi)
      for (int32_t in : g.nodes[i].phi_inputs)
        if (in >= 0 && phi_of[size_t(in)] < 0) phi_of[size_t(in)] = int32_t(i);
  auto gpr_index = [](uint8_t code) {
    for (size_t r = 0; r < sizeof kAllocGprs / sizeof kAllocGprs[0]; r++)
      if (kAllocGprs[r].code == code) return int(r);
    return -1;
  };

  // A value that would be spilled but can stay in its frame slot does (frame_homes.cpp).
  out.home = frame_homes(g);
  auto spill = [&](int32_t v) {
    if (out.home[size_t(v)] >= 0) out.loc[size_t(v)] = Loc{Loc::Frame, 0, out.home[size_t(v)]};
    else out.loc[size_t(v)] = Loc{Loc::Spill, 0, out.spill_slots++};
  };
  constexpr int kGprs = int(sizeof kAllocGprs / sizeof kAllocGprs[0]);
  constexpr int kXmms = kAllocXmmLast - kAllocXmmFirst + 1;
  struct Active {
    int32_t v;
    int reg;
  };
  std::vector<Active> active[2];
  std::vector<uint8_t> free_regs[2] = {std::vector<uint8_t>(kGprs, 1), std::vector<uint8_t>(kXmms, 1)};
  constexpr int kRbp = kGprs - 1;
  static_assert(kAllocGprs[kRbp] == x64::rbp);
  for (int32_t v : order) {
    if (in_rbp[size_t(v)]) {
      out.loc[size_t(v)] = Loc{Loc::Gpr, x64::rbp.code, 0};
      out.uses_rbp = true;
      continue;
    }
    if (crosses_call(v)) {
      spill(v);
      continue;
    }
    int cls = g.nodes[size_t(v)].rep == Rep::Float ? 1 : 0;
    for (int c = 0; c < 2; c++)
      std::erase_if(active[c], [&](const Active& a) {
        if (end[size_t(a.v)] >= start[size_t(v)]) return false;
        free_regs[c][size_t(a.reg)] = 1;
        return false || true;
      });
    auto& fr = free_regs[cls];
    int reg = -1;
    bool rbp_ok = cls == 1 || !overlaps_rbp_taken(v);
    if (int32_t phi = phi_of[size_t(v)]; phi >= 0 && cls == 0 && out.loc[size_t(phi)].kind == Loc::Gpr) {
      int r = gpr_index(out.loc[size_t(phi)].reg);
      if (r >= 0 && r != kRbp && fr[size_t(r)]) reg = r;
    }
    for (size_t r = 0; reg < 0 && r < fr.size(); r++)
      if (fr[r] && (cls == 1 || int(r) != kRbp || rbp_ok)) {
        reg = int(r);
        break;
      }
    if (reg < 0) {
      // Spill whichever of the active values and v ends last.
      auto last = std::max_element(active[cls].begin(), active[cls].end(),
                                   [&](const Active& x, const Active& y) { return end[size_t(x.v)] < end[size_t(y.v)]; });
      if (last != active[cls].end() && end[size_t(last->v)] > end[size_t(v)] && (cls == 1 || last->reg != kRbp || rbp_ok)) {
        reg = last->reg;
        spill(last->v);
        active[cls].erase(last);
      } else {
        spill(v);
        continue;
      }
    }
    fr[size_t(reg)] = 0;
    active[cls].push_back({v, reg});
    if (cls == 0) {
      out.loc[size_t(v)] = Loc{Loc::Gpr, kAllocGprs[reg].code, 0};
      if (kAllocGprs[reg] == x64::rbp) out.uses_rbp = true;
    } else {
      out.loc[size_t(v)] = Loc{Loc::Xmm, uint8_t(kAllocXmmFirst + reg), 0};
    }
  }
  for (size_t i = 0; i < n; i++)
    if (!g.nodes[i].dead && is_constant_node(g.nodes[i])) out.loc[i] = Loc{Loc::Const, 0, 0};
  return out;
}

}  // namespace gene::jit::spec
