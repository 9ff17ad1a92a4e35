// Running a program end to end: read, compile, verify, execute, and report the observable
// outcome (SPEC §3: stdout, result, error kind and line, exit status).
#pragma once
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "interp/vm.h"

namespace gene {

enum ExitStatus { kExitOk = 0, kExitRuntimeError = 1, kExitCompileError = 2 };

struct RunOptions {
  VMOptions vm;
  // Installs a tier's hooks on the VM before the program runs (nullptr: interpreter only).
  void (*setup_tier)(VM& vm, void* ctx) = nullptr;
  // After the run: the tier's figures (functions compiled, code bytes, ...) for reports.
  void (*collect_stats)(void* ctx, std::vector<std::pair<std::string, double>>& out) = nullptr;
  void* tier_ctx = nullptr;
  bool dump_feedback = false;     // print every unit's type feedback to stderr after the run
  uint64_t* op_counts = nullptr;  // kOpCount counters to add executed instructions to (coverage)
};

struct RunOutcome {
  int exit_status = kExitOk;
  std::string result;        // collection display of the last form's value (exit 0)
  std::string error_kind;    // runtime kind, or "compile_error"
  int error_line = 0;
  int error_col = 0;
  std::string error_message;
  std::string stdout_text;   // only when captured
  bool ended_midline = false;  // output so far does not end in a newline
  HeapStats heap;
  std::vector<std::pair<std::string, double>> engine_stats;  // named figures from the tier
};

// Reads a whole file (source, .gbc, expected output, reports); false if it cannot be opened.
bool read_file(const std::string& path, std::string& out);
// The same, "" when the file cannot be read (for outputs a missing file already explains).
std::string read_file_or_empty(const std::string& path);

// `out`: where program output goes; nullptr captures it into outcome.stdout_text.
RunOutcome run_source(const std::string& file, const std::string& source, const RunOptions& opts, FILE* out);

// The stderr text for an outcome: `file:line:col: error: msg` or `error[kind]: msg\n  at file:line`.
std::string format_error(const std::string& file, const RunOutcome& o);

}  // namespace gene
