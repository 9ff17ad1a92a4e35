// Optimisation passes over the spec IR (ir_passes.cpp says what each does). Each returns how
// many nodes it changed, for --dump-ir.
#pragma once
#include "jit/spec/ir.h"

namespace gene::jit::spec {

int remove_trivial_phis(Graph& g);
int fold_constants(Graph& g);
int eliminate_redundant_global_loads(Graph& g);
int eliminate_redundant_map_loads(Graph& g);
int eliminate_redundant_checks(Graph& g);
int eliminate_dead_code(Graph& g);
int fuse_array_operands(Graph& g);
int sink_array_next(Graph& g);
int mark_known_map_entries(Graph& g);
int unbox_phis(Graph& g);  // phi_unboxing.cpp
int hoist_loop_checks(Graph& g);  // loop_check_hoisting.cpp
int fuse_nil_tests(Graph& g);     // nil_test_fusion.cpp
int thread_constant_branches(Graph& g);  // branch_threading.cpp
int elide_entry_proven_callee_checks(Graph& g);  // callee_check_elision.cpp

// For passes: where node v went after a pass replaced nodes (`to`: each node's replacement,
// itself if none), and every use (inputs, phi inputs, frame states) rewritten through `to`.
int32_t resolved(const std::vector<int32_t>& to, int32_t v);
void replace_uses(Graph& g, const std::vector<int32_t>& to);

// Calls f(v) for every value node n reads: its inputs, phi inputs and frame state (v may be
// -1: no input there, or a dead local).
template <class F>
void for_each_read(const Graph& g, const Node& n, F f) {
  f(n.a);
  f(n.b);
  f(n.c);
  for (int32_t p : n.phi_inputs) f(p);
  if (n.fs >= 0)
    for (int32_t v : g.states[size_t(n.fs)].values) f(v);
}
// Analysis: how many times each node is read by the live nodes (for_each_read).
std::vector<int32_t> use_counts(const Graph& g);
// Analysis, not a pass: each block's loop nesting depth (0 outside every loop), from the
// natural loops of the graph's back edges (an inlined callee's loops nest inside its caller's).
std::vector<int32_t> block_loop_depths(const Graph& g);
// Analysis: each block's immediate dominator, -1 for the entries (blocks without
// predecessors: the entry and the OSR entries, all below one virtual root), a block
// dominated by none of them alone (reached from two entries) and unreachable blocks. With
// `skip_osr_entries` the OSR entries count as unreachable: dominance on the calls' path.
std::vector<int32_t> immediate_dominators(const Graph& g, bool skip_osr_entries = false);
// Whether block a dominates block b, walking b's immediate dominators (from the above).
bool dominates(const std::vector<int32_t>& idom, int32_t a, int32_t b);

}  // namespace gene::jit::spec
