// The report model shared by check, bench, compare and merge, and its JSON form (the schema is
// documented in docs/report-schema.md; bump kReportSchemaVersion on any incompatible change).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/environment.h"
#include "harness/warmup.h"

namespace gene::harness {

// Version 2 added instruction counts, the crash/timeout statuses, `signal`, `peak_rss_bytes` and
// the split of instructions; version 1 reports are still read (their new fields are null).
// Version 3 added the per-execution samples (`time_samples_ms`) and the 95% bootstrap
// intervals of each median time and speedup; older reports read with those empty.
// Version 4 added every in-process iteration's time (`iteration_series`) and the warm-up
// classification (`warmup_class`, `first_iteration_ms`, `steady_iteration`, `time_to_steady_ms`,
// `steady_ms`); older reports read with no series and those fields empty.
inline constexpr int kReportSchemaVersion = 4;
inline constexpr int kOldestReadableSchemaVersion = 1;
inline constexpr const char* kReportSchemaName = "gene-harness-report";

// One program run on one tier in one mode. Numbers a command or tier does not measure are
// empty (null in JSON, an empty cell in CSV) rather than zero, so "not measured" and "zero" differ.
struct Row {
  std::string program;  // path as given to the harness, e.g. corpus/bench/fib.gene
  std::string tier;
  std::string mode = "default";  // "default" thresholds or "eager" (--jit-eager)
  bool gc_stress = false;
  // pass | fail | error | unchecked (see verdict.h) | crash (a signal ended the child running it)
  // | timeout (killed after the time limit)
  std::string status;
  std::optional<int> exit;
  std::optional<int> signal;     // the signal that ended the child (crash; SIGKILL for timeout)
  std::string signal_name;       // "SIGSEGV", empty when no signal
  std::string detail;            // why it failed, if it did

  // Timing (bench): wall time of one whole run (compile + execute) in milliseconds.
  std::optional<int> repetitions;
  std::optional<double> iterations;  // runs per repetition chosen by Google Benchmark
  std::optional<double> time_median_ms, time_mean_ms, time_min_ms, time_max_ms, time_stddev_ms;
  std::optional<double> time_cv;     // stddev / mean: the spread, comparable across programs
  std::optional<double> speedup;     // interp median / this median, same program, same run
  // One time per execution (child process); the 95% bootstrap intervals of the median time and
  // of the speedup (both resampling executions: statistics.h).
  std::vector<double> time_samples_ms;
  std::optional<double> time_ci_low_ms, time_ci_high_ms, speedup_ci_low, speedup_ci_high;

  // Warm-up (bench wall time): every in-process iteration of each execution with its
  // classification (warmup.h), and the summary over the executions (WarmupSummary).
  std::vector<IterationSeries> iteration_series;
  std::string warmup_class;  // empty: no series
  std::optional<double> first_iteration_ms, steady_iteration, time_to_steady_ms, steady_ms;

  // Instruction counts (bench --metric instructions): instructions executed by the whole
  // `gene run` process under cachegrind, its split by where they ran (generated code, the
  // interpreter's dispatch loop, everything else), and instructions / the interp row's.
  std::optional<double> instructions, instructions_vs_interp;
  std::optional<double> instructions_jit, instructions_interp, instructions_runtime;

  // Memory and engine statistics (null where the tier has none).
  std::optional<double> peak_heap_bytes, peak_rss_bytes, gc_collections;
  std::optional<double> compile_time_ms, code_bytes, functions_compiled, deopts;
  std::map<std::string, double> engine_stats;  // everything the engine reported, by name

  std::string key() const;  // program|tier|mode|gc: identifies a row across reports
};

// One peer implementation (bench/peers/: Lua, LuaJIT, Node, CPython, C) of a benchmark program,
// timed as a subprocess in the same `bench --peers` run as the rows. Optional in the schema:
// reports without peers (and reports written before peers existed) have none.
struct PeerRow {
  std::string program;           // the Gene program it stands beside, e.g. corpus/bench/fib.gene
  std::string peer;              // runtime column: lua5.4, luajit, luajit -joff, node, python3, gcc -O2
  std::string command;           // what was run (the source file path for compiled peers' binaries)
  std::string status;            // pass | fail (stdout differs) | error (did not run or exited non-zero)
  std::optional<int> exit;
  std::string detail;
  std::optional<int> repetitions;
  std::optional<double> time_median_ms, time_min_ms;  // wall time of the whole subprocess
  std::optional<double> interp_median_ms;             // our interp row's median, same run
  std::string best_tier;                              // our fastest passing tier, same run
  std::optional<double> best_median_ms;
  std::optional<double> vs_interp;  // time_median_ms / interp_median_ms (< 1: the peer is faster)
  std::optional<double> vs_best;    // time_median_ms / best_median_ms
};

struct Report {
  int schema_version = kReportSchemaVersion;
  std::string kind = "bench";  // "bench" or "check"
  std::string name;
  std::string created;         // UTC ISO 8601
  Environment environment;
  nlohmann::json settings = nlohmann::json::object();  // the command's options, free-form
  std::vector<std::string> shards;                     // the shards ("i/n") this report covers
  std::vector<Row> rows;
  std::vector<PeerRow> peers;  // JSON "peers": optional, written only when non-empty
};

// The CSV columns, in order: also the JSON field names of a row.
const std::vector<std::string>& row_columns();

nlohmann::json row_to_json(const Row& r);
nlohmann::json peer_row_to_json(const PeerRow& p);
nlohmann::json report_to_json(const Report& r);

// Validating conversion from JSON: false with a precise message on anything unexpected
// (wrong schema name or version, missing or mistyped field, with its row number).
bool report_from_json(const nlohmann::json& j, Report& out, std::string& error);

// Reading and writing files. Errors name the file.
bool load_report(const std::string& path, Report& out, std::string& error);
bool save_text(const std::string& path, const std::string& text, std::string& error);

// Fills `speedup` of every timed row from the interp row of the same program, mode-independent
// (the interpreter has one mode) and with the same gc_stress setting.
void compute_speedups(Report& r);

// Fills `instructions_vs_interp` of every row with instructions from the interp row of the
// same program (same gc_stress setting), like compute_speedups.
void compute_instruction_ratios(Report& r);

// Whether a row status means the run went wrong (fail, error, crash, timeout).
bool is_failure_status(const std::string& status);
// Whether any row of the report has an instruction count.
bool has_instructions(const Report& r);

// Geometric mean of the speedups of one tier (mode "default" unless given), empty if none.
std::optional<double> geomean_speedup(const Report& r, const std::string& tier, const std::string& mode = "default");
// 95% bootstrap interval of that geomean (statistics.h), over the programs whose row and interp
// row both keep at least two executions' times; nullopt when not every program with a speedup
// does (a version 1 or 2 report, or one repetition).
std::optional<std::pair<double, double>> geomean_speedup_ci(const Report& r, const std::string& tier,
                                                            const std::string& mode = "default");

// Tiers in the order they first appear in the rows (interp first when present).
std::vector<std::string> report_tiers(const Report& r);
std::vector<std::string> report_programs(const Report& r);

}  // namespace gene::harness
