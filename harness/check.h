// `gene-harness check`: the merge gate. Every program runs on every variant (see variants.h) in
// a subprocess; every observation must match the expected file and the interpreter.
#pragma once
#include <iosfwd>
#include <string>
#include <vector>

#include "harness/corpus.h"

namespace gene::harness {

struct CheckOptions {
  std::string gene;                 // path of the gene binary
  std::vector<std::string> tiers;   // restrict to these (must be available); empty: all
  bool gc_stress = false;           // also run every variant with --gc-stress
  int jobs = 1;
  double timeout_seconds = 20;      // per run of one program on one variant
  Shard shard;
  bool verbose = false;             // also list passing programs
  std::string report_dir;           // write <report_dir>/<report_name>.{json,csv,md} if set
  std::string report_name = "check";
};

// Returns the process exit status (exit_codes.h). Results go to `out`, problems with the
// invocation or input to `err`.
int run_check(const std::vector<std::string>& paths, const CheckOptions& opts, std::ostream& out, std::ostream& err);

// Resolves the variant tiers: all available ones, or the requested subset. Unknown names are an
// error listing what is available. Shared by check and fuzz.
bool resolve_tiers(const std::string& gene, const std::vector<std::string>& requested, std::vector<std::string>& tiers,
                   std::string& error, bool& gene_broken);

}  // namespace gene::harness
