// The ways one program is run by `check` and `fuzz`: every tier the engine lists, eager and with
// default thresholds, optionally again under --gc-stress. The tier list always comes from the
// engine (`gene tiers`), never from here.
#pragma once
#include <string>
#include <vector>

namespace gene::harness {

struct Variant {
  std::string tier;
  bool eager = false;      // --jit-eager (only for JIT tiers: for interp it is the same run)
  bool gc_stress = false;  // --gc-stress
  // More flags for the run (the speculating tiers' stress modes: "--deopt-every 3").
  std::vector<std::string> extra;

  std::string mode() const { return eager ? "eager" : "default"; }
  // Human-readable name, also the flags that reproduce it: "baseline --jit-eager".
  std::string label() const;
  // Arguments for `gene run FILE ...`.
  std::vector<std::string> gene_args() const;
  bool operator==(const Variant&) const = default;
};

// interp first (the reference), then each other tier with default thresholds and eager; a
// speculating tier (spec) also with --deopt-every 1 and 3 at a low threshold (--jit-threshold 2,
// so that code with feedback exists and its guards fail).
std::vector<Variant> build_variants(const std::vector<std::string>& tiers, bool with_gc_stress);

}  // namespace gene::harness
