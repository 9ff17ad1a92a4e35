#include "harness/engine_stats.h"

namespace gene::harness {

void apply_engine_stats(const EngineStats& stats, Row& row) {
  // Column, and the factor from the engine's unit to the column's.
  struct Known {
    const char* name;
    std::optional<double> Row::*column;
    double scale;
  };
  static const Known kKnownStats[] = {
      {"compile_time_ms", &Row::compile_time_ms, 1.0},
      {"compile_us", &Row::compile_time_ms, 1e-3},
      {"compile_ns", &Row::compile_time_ms, 1e-6},
      {"code_bytes", &Row::code_bytes, 1.0},
      {"functions_compiled", &Row::functions_compiled, 1.0},
      {"deopts", &Row::deopts, 1.0},
  };
  for (const auto& [name, value] : stats) {
    row.engine_stats[name] = value;
    for (const auto& k : kKnownStats)
      if (name == k.name) row.*k.column = value * k.scale;
  }
}

}  // namespace gene::harness
