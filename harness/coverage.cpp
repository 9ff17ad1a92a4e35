#include "harness/coverage.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "harness/corpus.h"
#include "harness/exit_codes.h"
#include "interp/opcodes.h"
#include "interp/run.h"
#include "jit/tiers.h"

namespace gene::harness {

int run_coverage(const std::vector<std::string>& paths, const CoverageOptions& opts, std::ostream& out,
                 std::ostream& err) {
  std::vector<std::string> engines;
  for (const std::string& t : available_tiers()) {
    bool wanted = opts.tiers.empty() ? t != "auto" : std::find(opts.tiers.begin(), opts.tiers.end(), t) != opts.tiers.end();
    if (wanted || t == "interp") engines.push_back(t);
  }
  for (const std::string& t : opts.tiers) {
    if (std::find(engines.begin(), engines.end(), t) == engines.end()) {
      err << "gene-harness: unknown tier '" << t << "'\n";
      return kUsage;
    }
  }
  std::vector<std::string> missing;
  std::vector<std::string> programs = collect_programs(paths, missing);
  for (const std::string& m : missing) err << "gene-harness: no such program or directory: " << m << "\n";
  if (!missing.empty()) return kBadInput;

  // programs_executing[engine][op]
  std::vector<std::vector<int>> executing(engines.size(), std::vector<int>(size_t(kOpCount), 0));
  for (const std::string& path : programs) {
    std::string source;
    if (!read_file(path, source)) {
      err << "gene-harness: cannot read " << path << "\n";
      return kBadInput;
    }
    for (size_t e = 0; e < engines.size(); e++) {
      std::vector<uint64_t> counts(size_t(kOpCount), 0);
      JitOptions jit;
      jit.eager = true;
      RunOptions ro;
      TierSessionPtr session = configure_tier(engines[e], jit, ro);
      ro.op_counts = counts.data();
      // The program's own step budget (`gene-args: --max-steps N`, corpus/FORMAT.md): a saved
      // fuzz case may loop until it.
      std::vector<std::string> args = program_run_args(path);
      for (size_t a = 0; a + 1 < args.size(); a++)
        if (args[a] == "--max-steps") ro.vm.max_steps = std::strtoll(args[a + 1].c_str(), nullptr, 10);
      run_source(path, source, ro, nullptr);
      for (int op = 0; op < kOpCount; op++)
        if (counts[size_t(op)] > 0) executing[e][size_t(op)]++;
    }
  }

  out << std::left << std::setw(18) << "opcode";
  for (const std::string& e : engines) out << std::right << std::setw(10) << e;
  out << "\n";
  std::vector<std::string> uncovered;
  for (int op = 0; op < kOpCount; op++) {
    out << std::left << std::setw(18) << kOpInfo[op].name;
    for (size_t e = 0; e < engines.size(); e++) {
      out << std::right << std::setw(10) << executing[e][size_t(op)];
      if (executing[e][size_t(op)] == 0) uncovered.push_back(std::string(kOpInfo[op].name) + " (" + engines[e] + ")");
    }
    out << "\n";
  }
  out << "coverage: " << programs.size() << " programs, " << kOpCount << " opcodes, " << engines.size()
      << " engines: " << uncovered.size() << " never executed\n";
  if (uncovered.empty()) return kOk;
  for (const std::string& u : uncovered) err << "coverage: never executed: " << u << "\n";
  return kFailed;
}

}  // namespace gene::harness
