// The summary of a fuzz run (`gene-harness fuzz`, above all a `--minutes` campaign): what ran,
// how fast, what failed, and what the generated programs reached. Written as
// <dir>/<name>.json (schema in docs/report-schema.md, "Fuzz summary") and <name>.md.
#pragma once
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/fuzz_coverage.h"

namespace gene::harness {

struct FuzzFailure {
  uint64_t seed = 0;
  bool bytecode = false;  // a mutated-bytecode case (else a generated source program)
  bool crash = false;     // some variant crashed, hung or wrote no outcome (else outputs differ)
  std::string saved;      // where the shrunk case went ("" when not saved: --max-failures)
};

struct FuzzSummary {
  uint64_t first_seed = 0;
  uint64_t last_seed = 0;      // inclusive; programs = last - first + 1
  uint64_t programs = 0;
  double seconds = 0;
  int jobs = 1;
  std::vector<std::string> variants;  // labels, interpreter first
  uint64_t exits[3] = {0, 0, 0};      // the interpreter's exit status on the source programs
  // Mutated bytecode: cases run, and the interpreter's exit status on them (2: rejected by the
  // loader or verifier); `looping`: verified cases that contain a LOOP; `step_limited`: cases
  // that ran into --max-steps.
  uint64_t bytecode_cases = 0;
  uint64_t bytecode_exits[3] = {0, 0, 0};
  uint64_t bytecode_looping = 0;
  uint64_t bytecode_step_limited = 0;
  std::vector<FuzzFailure> failures;
  FuzzCoverage coverage;

  double programs_per_minute() const { return seconds > 0 ? double(programs) * 60.0 / seconds : 0; }
  uint64_t divergences() const;
  uint64_t crashes() const;
};

// One line for the terminal: "fuzz: 123 programs in 60 s (123/min), ...".
std::string summary_line(const FuzzSummary& s);
// Writes <dir>/<name>.json and .md (creating dir). False with a message on failure.
bool write_fuzz_summary(const FuzzSummary& s, const std::string& dir, const std::string& name, std::string& error);

}  // namespace gene::harness
