// Running programs through the `gene` binary, one subprocess per run, so that a crash or a hang
// in an engine is reported as a failure of that program instead of taking the harness down.
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "harness/expected.h"
#include "harness/variants.h"

namespace gene::harness {

// `gene` next to the running gene-harness executable.
std::string default_gene_path();

// Checks that `gene` exists and asks it for its tiers (`gene tiers`). On failure returns false
// with a message for the user.
bool query_tiers(const std::string& gene, std::vector<std::string>& tiers, std::string& error);

struct RunResult {
  std::optional<Observation> observation;  // nullopt: the run itself failed (see failure)
  std::string failure;                     // crash, timeout, missing/corrupt outcome, ...
  bool timed_out = false;
  int signal = 0;                          // the signal that ended the process, if one did
  std::string stderr_text;
  double seconds = 0;
  std::vector<std::pair<std::string, double>> engine_stats;  // the outcome's, if gene wrote any
};

// Runs `gene run program --tier ... --outcome F` with the limit, using `scratch` (a directory)
// for its output files. Thread-safe as long as each thread has its own scratch directory.
// `wrapper` is put in front of the command (bench --metric instructions: valgrind and its options).
RunResult run_program(const std::string& gene, const std::string& program, const Variant& variant,
                      double timeout_seconds, const std::string& scratch,
                      const std::vector<std::string>& wrapper = {});

// The last n lines of text, joined by newlines (quoting a child's stderr in a failure).
std::string last_lines(const std::string& text, size_t n);

}  // namespace gene::harness
