// `gene-harness fuzz`: random programs (fuzz_gen.h) run differentially on every variant; a
// divergence, crash or hang is shrunk (shrink.h) and saved as a regression test with the
// interpreter's output as its expected file.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace gene::harness {

struct FuzzOptions {
  uint64_t seed = 1;         // program k (0-based) uses seed + k
  int count = 100;
  std::string gene;
  std::vector<std::string> tiers;  // empty: all
  bool gc_stress = false;
  double timeout_seconds = 10;
  std::string save_dir = "corpus/regressions";
  int shrink_steps = 400;    // candidate programs tried per shrink
  int max_failures = 3;      // stop shrinking/saving after this many
  int jobs = 1;
  bool bytecode = false;     // also mutated .gbc (when the engine can load it)
  std::optional<uint64_t> print_seed;  // only print that seed's program
  // --minutes M: a campaign. Runs seeds from `seed` on until M minutes are up (count is then
  // ignored) over every variant and stress mode: --gc-stress and mutated bytecode are turned on
  // and the speculating tiers also run under --deopt-random. Prints a progress line a minute.
  double minutes = 0;
  // Where the summary (fuzz_summary.h) is written as <summary_dir>/<summary_name>.{json,md};
  // empty: not written (a campaign defaults to reports/).
  std::string summary_dir;
  std::string summary_name = "fuzz-summary";
};

int run_fuzz(const FuzzOptions& opts, std::ostream& out, std::ostream& err);

}  // namespace gene::harness
