#include "harness/variants.h"

namespace gene::harness {

std::string Variant::label() const {
  std::string s = tier;
  if (eager) s += " --jit-eager";
  if (gc_stress) s += " --gc-stress";
  for (const auto& e : extra) s += " " + e;
  return s;
}

std::vector<std::string> Variant::gene_args() const {
  std::vector<std::string> a = {"--tier", tier};
  if (eager) a.push_back("--jit-eager");
  if (gc_stress) a.push_back("--gc-stress");
  for (const auto& e : extra) a.push_back(e);
  return a;
}

std::vector<Variant> build_variants(const std::vector<std::string>& tiers, bool with_gc_stress) {
  std::vector<Variant> plain;
  // The interpreter is the oracle: put it first whatever order the list has.
  for (const auto& t : tiers)
    if (t == "interp") plain.push_back({t, false, false, {}});
  for (const auto& t : tiers) {
    if (t == "interp") continue;
    plain.push_back({t, false, false, {}});
    // Eager inline is eager spec: with no feedback yet, no call site names a callee to inline.
    if (t != "inline") plain.push_back({t, true, false, {}});
    if (t == "spec" || t == "inline")
      for (const char* n : {"1", "3"}) plain.push_back({t, false, false, {"--jit-threshold", "2", "--deopt-every", n}});
    // auto's baseline -> spec tier-up (at calls and by OSR at back-edges) under deopt stress.
    if (t == "auto") plain.push_back({t, false, false, {"--jit-threshold", "2", "--deopt-every", "3"}});
  }
  std::vector<Variant> out = plain;
  if (with_gc_stress)
    for (auto v : plain) {
      v.gc_stress = true;
      out.push_back(v);
    }
  return out;
}

}  // namespace gene::harness
