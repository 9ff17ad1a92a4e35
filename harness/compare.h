// `gene-harness compare BASE.json NEW.json`: what changed between two reports. Wall time is judged
// only by speedup ratios (tier time / interpreter time measured in the same run), never by
// absolute times, because the two reports may come from different, noisy machines. Instruction
// counts (bench --metric instructions) do not depend on the machine's load, so when both reports
// have them they are compared directly, with a tight tolerance.
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
  // false (--no-time-gate): speedup regressions are listed but do not fail the comparison
  // (wall time as information); correctness changes still fail.
  bool time_gate = true;
  // A speedup change beyond the tolerance counts only if the Mann-Whitney U test of the two
  // reports' per-execution speedups gives p below this (when both have samples); otherwise it
  // is "inconclusive". With 3 executions per side the smallest two-sided p is 0.1: give 5 or
  // more (--repetitions) for a time gate that can fire.
  double significance = 0.05;

  // Rows with instruction counts in both reports: a row may execute up to (1 + x) times its base
  // instructions, a tier's geometric mean of the per-row ratios up to (1 + g).
  double instructions_tolerance = 0.02;
  double instructions_geomean_tolerance = 0.01;
  // What is compared: "absolute" (the row's instruction count; the default, since counts are
  // deterministic for one build configuration, and an interpreter slowdown is caught too) or
  // "vs-interp" (instructions / the interp row's in the same report, like a speedup; interp rows
  // are then 1 by definition and not compared).
  std::string instructions_basis = "absolute";
};

struct CompareSummary {
  int compared = 0;
  int correctness_changes = 0;  // status differs (pass -> fail, fail -> pass, ...)
  int regressions = 0;          // speedup ratio below 1 - tolerance
  int tier_regressions = 0;     // tier geomean ratio below 1 - geomean_tolerance
  int improvements = 0;         // speedup ratio above 1 + tolerance
  int inconclusive = 0;         // beyond the tolerance, but not significant (Mann-Whitney U)
  int instructions_compared = 0;          // rows with instruction counts in both reports
  int instruction_regressions = 0;        // instruction ratio above 1 + instructions_tolerance
  int instruction_tier_regressions = 0;   // tier geomean ratio above 1 + instructions_geomean_tolerance
  int instruction_improvements = 0;       // instruction ratio below 1 - instructions_tolerance
  int compile_failure_increases = 0;      // rows whose engine reported more compile failures
  bool time_gate = true;                  // whether speedup regressions fail (CompareOptions::time_gate)
  int added = 0;                // rows only in NEW (a new program or tier: not a failure)
  int missing = 0;              // rows only in BASE (reported, not a failure)
  std::string table;            // the printed table
  bool failed() const {
    return correctness_changes > 0 || (time_gate && (regressions > 0 || tier_regressions > 0)) ||
           instruction_regressions > 0 || instruction_tier_regressions > 0 || compile_failure_increases > 0;
  }
};

CompareSummary compare_reports(const Report& base, const Report& now, const CompareOptions& opts);

// Loads both files and prints the table; returns the exit status (exit_codes.h).
int run_compare(const std::string& base_path, const std::string& new_path, const CompareOptions& opts,
                std::ostream& out, std::ostream& err);

}  // namespace gene::harness
