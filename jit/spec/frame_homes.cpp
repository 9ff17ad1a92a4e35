// Values that can live in their own interpreter frame slot instead of a spill slot.
//
// A parameter arrives in its frame slot. If nothing in the unit writes that slot while the
// value lives, the slot already is a place to keep it: spilling it (a load and a store at the
// entry, then loads) only copies it. Keeping it there instead saves the copy, and the load at
// each use reads memory the caller just wrote, one store-forwarding hop sooner.
//
// What writes the unit's own slots (the code generator's model of the frame, flush and
// after_call in spec_codegen.cpp): a flush stores the frame state's value of each slot; a
// helper (Generic, GenericBranch) stores what helper_writes says (the local it names, the one
// after it, its operands); a call stores from its callee slot up. So slot j keeps what it held at the entries
// when every frame state has in j nothing or an entry value of j, and no helper or call of
// the unit's own frame writes j. An entry value of j is a LoadSlot of j (the entry's and an
// OSR entry's read the same slot), an int check of one (the same bits boxed) or a phi that
// joins only entry values of j (a loop header's, where the entry and the OSR entry meet).
// Each entry value of such a slot may stay there. Inlined frames' slots are left out:
// entering one writes them.
#include "jit/spec/regalloc.h"

#include "jit/spec/ir_builder.h"

namespace gene::jit::spec {

std::vector<int32_t> frame_homes(const Graph& g) {
  std::vector<int32_t> home(g.nodes.size(), -1);
  const int32_t nslots = g.proto ? g.proto->nslots : 0;
  if (nslots <= 0) return home;
  std::vector<uint8_t> written(size_t(nslots), 0);
  auto write_from = [&](int32_t slot) {
    for (int32_t j = std::max(slot, 0); j < nslots; j++) written[size_t(j)] = 1;
  };
  // entry_slot[v]: the slot whose entry value v is, or -1. Phis start unknown (-2) and are
  // lowered to a fixpoint: a phi is one when each input is the phi itself, still unknown, or
  // an entry value of the same slot.
  std::vector<int32_t> entry_slot(g.nodes.size(), -1);
  for (size_t i = 0; i < g.nodes.size(); i++) {
    const Node& n = g.nodes[i];
    if (n.dead) continue;
    if (n.op == IrOp::LoadSlot && n.imm < nslots) entry_slot[i] = int32_t(n.imm);
    if (n.op == IrOp::Phi && n.rep == Rep::Tagged) entry_slot[i] = -2;
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = 0; i < g.nodes.size(); i++) {
      if (entry_slot[i] == -1 || g.nodes[i].op != IrOp::Phi) continue;
      int32_t slot = -2;
      for (int32_t in : g.nodes[i].phi_inputs) {
        int32_t s = in < 0 ? -1 : size_t(in) == i ? -2 : entry_slot[size_t(in)];
        if (s == -2) continue;
        if (s == -1 || (slot != -2 && slot != s)) {
          slot = -1;
          break;
        }
        slot = s;
      }
      if (slot != -2 && slot != entry_slot[i]) {
        entry_slot[i] = slot;
        changed = true;
      }
    }
  }
  for (int32_t& s : entry_slot)
    if (s == -2) s = -1;  // (a phi of nothing but itself: unreachable)
  auto reads_slot = [&](int32_t v, int32_t j) {
    if (g.nodes[size_t(v)].op == IrOp::CheckInt && g.nodes[size_t(v)].a >= 0) v = g.nodes[size_t(v)].a;
    return entry_slot[size_t(v)] == j;
  };
  for (const FrameState& s : g.states)
    for (int32_t j = 0; j < nslots && size_t(j) < s.values.size(); j++)
      if (int32_t v = s.values[size_t(j)]; v >= 0 && !reads_slot(v, j)) written[size_t(j)] = 1;
  for (const Node& n : g.nodes) {
    if (n.dead || !calls_out(n.op) || n.fs < 0) continue;
    const FrameState& s = g.states[size_t(n.fs)];
    if (!s.inlined.empty()) continue;
    if (n.op == IrOp::Call) write_from(call_frame(g, n).at);
    if (n.op != IrOp::Generic && n.op != IrOp::GenericBranch) continue;
    const HelperWrites w = helper_writes(inner_frame(g, s), g.proto->code[size_t(s.pc)]);
    write_from(w.stack_from);
    for (int32_t j : {w.local, w.local + 1})
      if (w.local >= 0 && j < nslots) written[size_t(j)] = 1;
  }
  for (size_t i = 0; i < g.nodes.size(); i++)
    if (entry_slot[i] >= 0 && !written[size_t(entry_slot[i])]) home[i] = entry_slot[i];
  return home;
}

}  // namespace gene::jit::spec
