// Values that can live in their own interpreter frame slot instead of a spill slot.
//
// A parameter arrives in its frame slot. If nothing in the unit writes that slot while the
// value lives, the slot already is a place to keep it: spilling it (a load and a store at the
// entry, then loads) only copies it. Keeping it there instead saves the copy, and the load at
// each use reads memory the caller just wrote, one store-forwarding hop sooner.
//
// What writes the unit's own slots (the code generator's model of the frame, after_call and
// flush in spec_codegen.cpp): a flush stores the frame state's value of each slot; a helper
// (Generic, GenericBranch) stores the local it names (and the one after it, a for loop's
// pair); a call stores from its callee slot up. So a LoadSlot of slot j keeps its slot when
// every frame state has in j nothing, a LoadSlot of j (an OSR entry's reads the same slot) or
// an int check of one (whose boxed value is the same bits), and no helper or call of the
// unit's own frame writes j. Inlined frames' slots are left out: entering one writes them.
#include "jit/spec/regalloc.h"

#include "interp/opcodes.h"
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
  // v's boxed value is what slot j held at an entry.
  auto reads_slot = [&](int32_t v, int32_t j) {
    if (g.nodes[size_t(v)].op == IrOp::CheckInt && g.nodes[size_t(v)].a >= 0) v = g.nodes[size_t(v)].a;
    return g.nodes[size_t(v)].op == IrOp::LoadSlot && g.nodes[size_t(v)].imm == j;
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
    const Instr& in = g.proto->code[size_t(s.pc)];
    write_from(inner_frame(g, s).top - stack_pops(in));
    int32_t local = local_operand(in);
    if (local >= 0 && local < nslots) written[size_t(local)] = 1;
    if (local >= 0 && local + 1 < nslots) written[size_t(local) + 1] = 1;
  }
  for (size_t i = 0; i < g.nodes.size(); i++) {
    const Node& n = g.nodes[i];
    if (!n.dead && n.op == IrOp::LoadSlot && n.imm < nslots && !written[size_t(n.imm)]) home[i] = int32_t(n.imm);
  }
  return home;
}

}  // namespace gene::jit::spec
