// Optimisation passes over the spec IR (ir_passes.cpp says what each does). Each returns how
// many nodes it changed, for --dump-ir.
#pragma once
#include "jit/spec/ir.h"

namespace gene::jit::spec {

int fold_constants(Graph& g);
int eliminate_redundant_map_loads(Graph& g);
int eliminate_redundant_checks(Graph& g);
int eliminate_dead_code(Graph& g);

}  // namespace gene::jit::spec
