// Tier-up from baseline code (auto's interp -> baseline -> spec path). Baseline code compiled
// for a unit that may still move up counts its calls and loop back-edges down from
// UnitState::tier_up_budget; when the count goes negative it calls one of these (defined in
// tier_manager.cpp, the owner of tier decisions).
#pragma once
#include <cstdint>

#include "interp/vm.h"

namespace gene::jit {

// At the body's entry: compiles the unit's spec code for its next calls (this call stays in
// baseline code). Never raises.
extern "C" void jit_tier_up_at_call(VM* vm, Frame* frame);
// At a back-edge to `header_pc`, everything in the frame's memory: the spec code's native entry
// to continue the frame in at that header (OSR), or null to stay in baseline code.
extern "C" NativeEntry jit_tier_up_at_loop(VM* vm, Frame* frame, int32_t header_pc);

// How many more calls plus back-edges a unit runs in baseline code before it moves to spec
// (docs/architecture.md, "Thresholds"; measured on the corpus).
constexpr int64_t kDefaultSpecBudget = 1000;

}  // namespace gene::jit
