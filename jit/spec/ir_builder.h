// Builds the spec tier's IR from a verified unit: abstract interpretation of the bytecode over
// SSA values, speculating on the type feedback each instruction recorded (type_feedback.h).
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "interp/vm.h"
#include "jit/spec/ir.h"

namespace gene::jit::spec {

// What earlier deopts taught about a unit (kept in its UnitState across recompilations):
// loop-header slots that must stay Tagged because a guard converting them kept failing, and
// array sites whose NotArray or Bounds guard kept failing (they take the helper).
struct SpecHints {
  std::vector<std::pair<int32_t, int32_t>> tagged_phis;  // (header pc, slot)
  std::vector<int32_t> generic_pcs;
};

// Units above these stay at the tier below (docs/architecture.md, "Compile budgets"): the
// builder's liveness and the allocator are linear in code size times live slots.
constexpr int32_t kMaxSpecInstructions = 6000;
constexpr int32_t kMaxSpecSlots = 400;

// false (with `why`) if the unit is beyond the tier's budget.
bool build_graph(const VM& vm, const Proto& p, const SpecHints& hints, Graph& g, std::string& why);

}  // namespace gene::jit::spec
