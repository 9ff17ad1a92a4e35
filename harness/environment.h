// Where a report was measured: machine, compiler, build and source revision. Speedups are only
// comparable between reports whose context is known, so every report records it.
#pragma once
#include <string>

namespace gene::harness {

struct Environment {
  std::string hostname;
  std::string os;          // kernel name and release
  std::string cpu_model;   // from /proc/cpuinfo
  int cpu_count = 0;
  std::string compiler;    // the compiler that built this harness (and, in one build, the engine)
  std::string build_type;  // CMAKE_BUILD_TYPE
  std::string git_commit;  // "unknown" outside a git checkout
  bool git_dirty = false;  // uncommitted changes in the source tree
};

// Gathers the environment of this process. Never fails: unknown fields say "unknown".
Environment current_environment();

// The current UTC time as ISO 8601 ("2024-05-01T12:00:00Z").
std::string utc_timestamp();

}  // namespace gene::harness
