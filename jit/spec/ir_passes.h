// Optimisation passes over the spec IR (ir_passes.cpp says what each does). Each returns how
// many nodes it changed, for --dump-ir.
#pragma once
#include "jit/spec/ir.h"

namespace gene::jit::spec {

int fold_constants(Graph& g);
int eliminate_redundant_global_loads(Graph& g);
int eliminate_redundant_map_loads(Graph& g);
int eliminate_redundant_checks(Graph& g);
int eliminate_dead_code(Graph& g);
int fuse_array_operands(Graph& g);
int mark_known_map_entries(Graph& g);

// Analysis, not a pass: each block's loop nesting depth (0 outside every loop), from the
// natural loops of the graph's back edges (an inlined callee's loops nest inside its caller's).
std::vector<int32_t> block_loop_depths(const Graph& g);

}  // namespace gene::jit::spec
