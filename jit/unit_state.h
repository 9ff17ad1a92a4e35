// What the JIT keeps per unit. The interpreter's Proto holds only an opaque pointer to it
// (Proto::jit_unit); the tier manager creates it on the unit's first call or back-edge.
//
// Compiled callers read `body`, `call_body`, `nparams` and `frame_bytes` inline in their call
// sequence (runtime_layout.h): `body` is null whenever the unit has no active code, and such
// calls go through the call helper instead; a call that has checked its callee's identity
// calls `call_body`, which is then the interpreter's stub (interpreted_callee.h).
#pragma once
#include <cstdint>
#include <memory>

#include "interp/proto.h"
#include "interp/vm.h"
#include "jit/compiled_code.h"
#include "jit/interpreted_callee.h"
#include "jit/spec/ir_builder.h"

namespace gene::jit {

// Tiers, lowest first. Adding a tier: one value here and one row in tier_manager.cpp's table.
enum class Tier : uint8_t { Baseline, Spec, kCount };
constexpr int kTierCount = int(Tier::kCount);

struct UnitState {
  const void* body = nullptr;         // active code for compiled callers, or null
  const void* call_body = gene_jit_interpreted_callee;  // body, or the interpreter's stub
  int32_t frame_bytes = 0;            // (nslots + max_stack + 1) * 8: value stack a call needs
  int32_t nparams = 0;                // arity, checked by the inline call sequence
  NativeEntry entry = nullptr;        // active code's native entry, or null
  uint32_t call_count = 0;
  uint32_t loop_count = 0;
  int active = -1;                    // tier of the active code, -1: interpreted
  bool failed[kTierCount] = {};       // that tier could not compile it (code cache full)
  std::unique_ptr<CompiledCode> code[kTierCount];  // the current version per tier
  spec::SpecHints spec_hints;  // what deopts taught: kept across spec versions
  int spec_versions = 0;       // spec compilations so far (kMaxSpecVersions: then baseline)
  int learning_versions = 0;   // versions dropped at code that had not run (kMaxLearningVersions)
  // auto: calls plus back-edges left in baseline code before the unit moves to spec (tier_up.h);
  // baseline code decrements it in place, so its address must not change (units are heap-held).
  int64_t tier_up_budget = INT64_MAX;
};

}  // namespace gene::jit
