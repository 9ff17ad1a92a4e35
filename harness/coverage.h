// `gene-harness coverage`: which opcodes the corpus executes, per engine. Each program runs
// in-process on the interpreter and on every JIT tier (eagerly, so compiled code runs from the
// first instruction) with the engines' per-opcode counters on.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

namespace gene::harness {

struct CoverageOptions {
  std::vector<std::string> tiers;  // restrict to these; empty: every available tier but "auto"
};

// Prints opcode x engine: how many programs execute it. Exit kFailed when some opcode of the
// table is executed by no program on some engine (the corpus must cover the whole table).
int run_coverage(const std::vector<std::string>& paths, const CoverageOptions& opts, std::ostream& out,
                 std::ostream& err);

}  // namespace gene::harness
