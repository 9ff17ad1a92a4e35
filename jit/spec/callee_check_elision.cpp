// Callee checks the unit's entry already proves (the inline tier, M3).
//
// An inlined call whose callee came from a global (`(f x)` with f defined by `fn`) keeps a
// CheckCallee guard: the value in the global must still be a closure of the inlined body.
// The tier manager watches that global (GlobalAssumption) and, when anything else is stored
// there, takes the unit's code out of use, so no new call or OSR entry runs it. Code that is
// entered therefore starts with every such global holding what it assumed.
//
// A global only changes when code runs that stores it: the unit itself (a store to a watched
// global leaves the compiled code before it happens) or code the unit calls. So a CheckCallee
// that no path from an entry to it passes a call (or a helper that runs the interpreter's
// semantics) can only succeed, and goes. One after a call stays: that is where a running
// frame meets a redefinition (corpus/inline/redefined_by_a_call_before_the_site).
//
// Only checks whose expected closure was found in the global at compile time qualify
// (CheckCallee's b): the watch is set up with the code, so the global then held it.
#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

// Whether a node may run other code, which may store any global.
bool may_run_other_code(IrOp op) {
  return calls_out(op) || op == IrOp::StoreGlobal || op == IrOp::AssignGlobal;
}

bool proven_by_entry(const Graph& g, const Node& n) {
  return n.op == IrOp::CheckCallee && n.b >= 0 && n.a >= 0 && g.nodes[size_t(n.a)].op == IrOp::LoadGlobal;
}

}  // namespace

int elide_entry_proven_callee_checks(Graph& g) {
  // clean_out[b]: no path from an entry to the end of b passes code that may store a global.
  // Optimistic start, lowered to the fixpoint (a loop whose body calls is not clean).
  const size_t nb = g.blocks.size();
  std::vector<uint8_t> clean_out(nb, 1);
  int removed = 0;
  // Walks block b from what its predecessors leave; `elide` drops the checks found clean.
  auto scan = [&](size_t b, bool elide) {
    bool clean = true;  // (an entry: no predecessor)
    for (int32_t p : g.blocks[b].preds) clean = clean && clean_out[size_t(p)];
    for (int32_t id : g.blocks[b].nodes) {
      Node& n = g.nodes[size_t(id)];
      if (n.dead) continue;
      if (may_run_other_code(n.op)) clean = false;
      if (elide && clean && proven_by_entry(g, n)) {
        n.dead = true;
        removed++;
      }
    }
    return clean;
  };
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t b = 0; b < nb; b++)
      if (clean_out[b] && !scan(b, false)) clean_out[b] = 0, changed = true;
  }
  for (size_t b = 0; b < nb; b++) scan(b, true);
  if (removed)
    for (Block& b : g.blocks) std::erase_if(b.nodes, [&](int32_t id) { return g.nodes[size_t(id)].dead; });
  return removed;
}

}  // namespace gene::jit::spec
