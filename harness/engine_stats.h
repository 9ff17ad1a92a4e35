// The one place where JIT statistics from the engine reach the harness.
//
// The engine reports them as `RunOutcome::engine_stats`, a list of named numbers
// (std::vector<std::pair<std::string, double>>). The field is detected at compile time, so the
// harness builds against an engine with or without it. Names the report has columns for are
// listed in kKnownStats (engine_stats.cpp); every other name is still kept in the row's
// `engine_stats` map.
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "harness/report.h"

namespace gene::harness {

using EngineStats = std::vector<std::pair<std::string, double>>;

template <class Outcome>
EngineStats engine_stats_of(const Outcome& o) {
  if constexpr (requires { o.engine_stats; }) {
    return EngineStats(o.engine_stats.begin(), o.engine_stats.end());
  } else {
    return {};
  }
}

// Copies stats into the row: the known ones into their columns, all into row.engine_stats.
// Known names: compile_time_ms (or compile_us / compile_ns), code_bytes, functions_compiled,
// deopts.
void apply_engine_stats(const EngineStats& stats, Row& row);

}  // namespace gene::harness
