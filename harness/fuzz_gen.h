// A generator of random *valid* Gene core programs (they compile; they may still end in a
// runtime error, which is observable behaviour like any other). Deterministic by seed on every
// platform: it uses its own SplitMix64 stream, not <random> distributions, whose results differ
// between standard libraries.
//
// Programs are small and always terminate: loops are bounded by counters the body cannot touch,
// recursion decreases an argument, calls only go to functions defined earlier (or to itself
// recursively), strings grow by short pieces only. Coverage aims at what differs between tiers:
// integers near the 48-bit bounds, int/float mixes, strings, arrays, maps, closures capturing by
// reference, loops with break/continue, recursion, try/catch/throw, and variables whose type
// changes in the middle of a loop (deoptimization).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/sexpr.h"

namespace gene::harness {

class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next();
  int below(int n);                 // uniform in [0, n), n > 0
  int range(int lo, int hi);        // uniform in [lo, hi]
  bool chance(int percent);
  template <class T>
  const T& pick(const std::vector<T>& v) { return v[size_t(below(int(v.size())))]; }

 private:
  uint64_t state_;
};

struct GenOptions {
  int top_statements = 10;  // main statements after the declarations
  int max_functions = 3;
  int max_expr_depth = 3;
  int max_block_depth = 3;
};

// The program of one seed, as trees (for the shrinker) and as text.
std::vector<Node> generate_program(uint64_t seed, const GenOptions& opts = {});
std::string generate_program_text(uint64_t seed, const GenOptions& opts = {});

}  // namespace gene::harness
