// `gene-harness compare BASE.json NEW.json`: what changed between two reports. Speed is judged
// only by speedup ratios (tier time / interpreter time measured in the same run), never by
// absolute times, because the two reports may come from different, noisy machines.
#pragma once
#include <iosfwd>
#include <optional>
#include <string>

#include "harness/report.h"

namespace gene::harness {

struct CompareOptions {
  // A speedup may drop to (1 - tolerance) x its base value before it counts as a regression.
  double tolerance = 0.10;
  bool all_rows = false;  // list unchanged rows too
  // If set: a tier's geometric-mean speedup (over the programs in both reports) may drop to
  // (1 - x) of its base value. Averaging over programs cancels much of the per-program noise, so
  // this can be much tighter than `tolerance` and still catch broad slowdowns.
  std::optional<double> geomean_tolerance;
};

struct CompareSummary {
  int compared = 0;
  int correctness_changes = 0;  // status differs (pass -> fail, fail -> pass, ...)
  int regressions = 0;          // speedup ratio below 1 - tolerance
  int tier_regressions = 0;     // tier geomean ratio below 1 - geomean_tolerance
  int improvements = 0;         // speedup ratio above 1 + tolerance
  int added = 0;                // rows only in NEW (a new program or tier: not a failure)
  int missing = 0;              // rows only in BASE (reported, not a failure)
  std::string table;            // the printed table
  bool failed() const { return correctness_changes > 0 || regressions > 0 || tier_regressions > 0; }
};

CompareSummary compare_reports(const Report& base, const Report& now, const CompareOptions& opts);

// Loads both files and prints the table; returns the exit status (exit_codes.h).
int run_compare(const std::string& base_path, const std::string& new_path, const CompareOptions& opts,
                std::ostream& out, std::ostream& err);

}  // namespace gene::harness
