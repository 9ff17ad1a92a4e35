// gene-harness: the differential test and benchmark driver for the Gene engines.
//
//   check   run programs on every tier and compare with .expected and each other (merge gate)
//   bench   time program x tier (each repetition in a child process) or count its instructions
//           under cachegrind (--metric instructions), write reports/<name>.{json,csv,md,svg}
//   compare diff two reports; fail on correctness changes or speedup regressions
//   merge   join shard reports
//   report  re-render a report's .csv/.md/.svg from its .json
//   fuzz    generate random programs, run them differentially, shrink and save failures
//
// Exit status (exit_codes.h): 0 ok, 1 failure found, 2 usage error, 3 bad input, 4 internal error.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <iostream>
#include <thread>

#include "harness/bench.h"
#include "harness/check.h"
#include "harness/compare.h"
#include "harness/coverage.h"
#include "harness/exit_codes.h"
#include "harness/fuzz.h"
#include "harness/history.h"
#include "harness/merge.h"
#include "harness/report_output.h"
#include "harness/runner.h"

using namespace gene::harness;

namespace {

// CLI11 validator for --shard.
struct ShardValidator : CLI::Validator {
  ShardValidator() {
    name_ = "SHARD";
    func_ = [](std::string& s) {
      Shard sh;
      std::string error;
      return parse_shard(s, sh, error) ? std::string() : error;
    };
  }
};

Shard shard_of(const std::string& text) {
  Shard s;
  std::string error;
  parse_shard(text, s, error);  // validated by ShardValidator already
  return s;
}

int report_command(const std::string& json_path, const std::string& out_dir_opt) {
  Report r;
  std::string error;
  if (!load_report(json_path, r, error)) {
    std::cerr << "gene-harness report: " << error << "\n";
    return kBadInput;
  }
  std::filesystem::path p(json_path);
  std::string dir = out_dir_opt.empty() ? p.parent_path().string() : out_dir_opt;
  if (dir.empty()) dir = ".";
  if (!write_report_files(r, dir, p.stem().string(), error)) {
    std::cerr << "gene-harness report: " << error << "\n";
    return kBadInput;
  }
  std::cout << "report: wrote " << dir << "/" << p.stem().string() << ".{json,csv,md" << (r.kind == "bench" ? ",svg" : "")
            << "}\n";
  return kOk;
}

}  // namespace

int main(int argc, char** argv) try {
  CLI::App app{"gene-harness: differential checks, benchmarks and reports for the Gene engines"};
  app.footer(
      "Exit status: 0 ok; 1 a failure was found (check: a program differs; compare: correctness change, "
      "speedup or instruction regression, more compile failures; fuzz: a divergence); 2 usage error (bad option, unknown tier); 3 bad input (missing "
      "path, program without .expected, corrupt or wrong-version report, gene binary missing); 4 internal error.");
  app.require_subcommand(1);
  const unsigned hw = std::max(1u, std::thread::hardware_concurrency());

  // --- check ------------------------------------------------------------------------------
  CheckOptions check;
  check.gene = default_gene_path();
  check.jobs = int(hw);
  std::vector<std::string> check_paths;
  std::string check_shard = "1/1";
  auto* c = app.add_subcommand("check", "Run programs on every tier and compare with .expected and each other");
  c->add_option("paths", check_paths, "Programs or directories (searched recursively for .gene/.gbc)")->required();
  c->add_option("--gene", check.gene, "The gene binary to run")->capture_default_str();
  c->add_option("--tier", check.tiers, "Only these tiers (repeatable; interp is always included)");
  c->add_flag("--gc-stress", check.gc_stress, "Also run every variant with --gc-stress");
  c->add_option("-j,--jobs", check.jobs, "Programs run in parallel")->check(CLI::PositiveNumber)->capture_default_str();
  c->add_option("--timeout", check.timeout_seconds, "Seconds allowed for one run (then killed: a failure)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  c->add_option("--shard", check_shard, "Run only slice i of n (round robin over the sorted programs)")
      ->check(ShardValidator())
      ->capture_default_str();
  c->add_flag("-v,--verbose", check.verbose, "Also list the programs that pass");
  c->add_option("--report-dir", check.report_dir, "Also write <dir>/<name>.{json,csv,md} with one row per run");
  c->add_option("--name", check.report_name, "Report name (with --report-dir)")->capture_default_str();

  // --- bench ------------------------------------------------------------------------------
  BenchOptions bench;
  bench.gene = default_gene_path();
  bench.jobs = int(hw);
  std::vector<std::string> bench_paths;
  std::string bench_shard = "1/1";
  bool no_progress = false, force_progress = false;
  auto* b = app.add_subcommand("bench",
                               "Time programs on every tier (Google Benchmark, in a child process per repetition), or "
                               "count their instructions (--metric instructions), and write reports");
  b->add_option("paths", bench_paths, "Programs or directories")->required();
  b->add_option("--tier", bench.tiers, "Only these tiers (repeatable; interp is always timed)");
  b->add_flag("--eager", bench.eager, "Also time each JIT tier with --jit-eager");
  b->add_option("--repetitions", bench.repetitions, "Timed repetitions per program and tier")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  b->add_option("--min-time", bench.min_time, "Minimum seconds per repetition")->check(CLI::PositiveNumber)->capture_default_str();
  b->add_option("--warmup", bench.warmup, "Seconds of untimed warm-up runs")->check(CLI::NonNegativeNumber)->capture_default_str();
  b->add_option("--iterations", bench.iterations,
                 "In-process runs per repetition (instead of --min-time); 10 or more for the warm-up analysis")
      ->check(CLI::PositiveNumber);
  b->add_option("--shard", bench_shard, "Time only slice i of n")->check(ShardValidator())->capture_default_str();
  b->add_option("--report-dir", bench.report_dir, "Directory for the report files")->capture_default_str();
  b->add_option("--name", bench.name, "Report name: <dir>/<name>.{json,csv,md,svg}")->capture_default_str();
  b->add_flag("--peers", bench.peers,
              "Also run the peers in bench/peers/ (lua5.4, luajit, luajit -joff, node, python3, gcc -O2) whose "
              "runtime is installed, check their stdout and report their times against ours");
  b->add_option("--peers-dir", bench.peers_dir, "Peer sources (default: <source tree>/bench/peers)");
  b->add_option("--peer-repetitions", bench.peer_repetitions, "Timed runs per peer (median reported)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  b->add_option("--peer-timeout", bench.peer_timeout, "Seconds allowed for one peer run")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  b->add_option("--metric", bench.metric,
                "time: wall time (Google Benchmark); instructions: one run per program and tier under valgrind "
                "cachegrind, counting executed instructions (deterministic; for a tight gate)")
      ->check(CLI::IsMember({"time", "instructions"}))
      ->capture_default_str();
  b->add_option("--timeout", bench.timeout,
                "Seconds allowed for one child (a timed repetition, or one run under valgrind); then killed: a "
                "timeout row")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  b->add_option("--gene", bench.gene, "The gene binary counted with --metric instructions")->capture_default_str();
  b->add_option("--valgrind", bench.valgrind, "valgrind executable (--metric instructions)")->capture_default_str();
  b->add_option("-j,--jobs", bench.jobs, "valgrind runs in parallel (--metric instructions; counts do not depend on it)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  b->add_flag("--no-progress", no_progress, "Never show the progress bar");
  b->add_flag("--progress", force_progress, "Show the progress bar even without a terminal");

  // --- compare ----------------------------------------------------------------------------
  CompareOptions cmp;
  std::string base_path, new_path;
  auto* cm = app.add_subcommand("compare", "Compare two reports: fail on correctness changes or speedup regressions");
  cm->add_option("base", base_path, "Baseline report (.json)")->required();
  cm->add_option("new", new_path, "New report (.json)")->required();
  cm->add_option("--tolerance", cmp.tolerance, "Allowed relative drop of a speedup ratio (0.25 = 25%)")
      ->check(CLI::Range(0.0, 0.999))
      ->capture_default_str();
  cm->add_option("--geomean-tolerance", cmp.geomean_tolerance,
                 "Also fail when a tier's geometric-mean speedup drops by more than this fraction")
      ->check(CLI::Range(0.0, 0.999));
  cm->add_flag("--all", cmp.all_rows, "List unchanged rows too");
  cm->add_option("--significance", cmp.significance,
                 "Speedup changes beyond the tolerance count only when the Mann-Whitney U test of the "
                 "per-execution speedups gives p below this (reports with samples); else inconclusive")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  bool no_time_gate = false;
  cm->add_flag("--no-time-gate", no_time_gate,
               "Report speedup regressions without failing (wall time as information; correctness and instruction "
               "regressions still fail)");
  cm->add_option("--instructions-tolerance", cmp.instructions_tolerance,
                 "Rows with instruction counts in both reports: allowed relative increase (0.02 = 2%)")
      ->check(CLI::Range(0.0, 0.999))
      ->capture_default_str();
  cm->add_option("--instructions-geomean-tolerance", cmp.instructions_geomean_tolerance,
                 "Allowed increase of a tier's geometric-mean instruction ratio new/base")
      ->check(CLI::Range(0.0, 0.999))
      ->capture_default_str();
  cm->add_option("--instructions-basis", cmp.instructions_basis,
                 "absolute: compare each row's instruction count; vs-interp: compare instructions / the interp row's "
                 "(same report), like a speedup")
      ->check(CLI::IsMember({"absolute", "vs-interp"}))
      ->capture_default_str();

  // --- merge ------------------------------------------------------------------------------
  MergeOptions merge;
  std::vector<std::string> merge_inputs;
  std::string merge_dir = "reports", merge_name = "merged";
  auto* mg = app.add_subcommand("merge", "Join shard reports into one report set");
  mg->add_option("reports", merge_inputs, "Shard reports (.json)")->required();
  mg->add_option("--report-dir", merge_dir, "Output directory")->capture_default_str();
  mg->add_option("--name", merge_name, "Output name")->capture_default_str();
  mg->add_flag("--allow-mixed-commits", merge.allow_mixed_commits, "Merge reports of different git commits");

  // --- report -----------------------------------------------------------------------------
  std::string report_json, report_dir;
  auto* rp = app.add_subcommand("report", "Re-render a report's .csv, .md and .svg from its .json");
  rp->add_option("report", report_json, "Report (.json)")->required();
  rp->add_option("--report-dir", report_dir, "Output directory (default: beside the .json)");

  // --- fuzz -------------------------------------------------------------------------------
  FuzzOptions fuzz;
  fuzz.gene = default_gene_path();
  auto* fz = app.add_subcommand("fuzz", "Run random programs differentially; shrink and save failures");
  fz->add_option("--seed", fuzz.seed, "First seed (program k uses seed+k)")->capture_default_str();
  fz->add_option("--count", fuzz.count, "Programs to generate")->check(CLI::PositiveNumber)->capture_default_str();
  fz->add_option("--gene", fuzz.gene, "The gene binary to run")->capture_default_str();
  fz->add_option("--tier", fuzz.tiers, "Only these tiers (repeatable; interp is always included)");
  fz->add_flag("--gc-stress", fuzz.gc_stress, "Also run every variant with --gc-stress");
  fz->add_option("--timeout", fuzz.timeout_seconds, "Seconds allowed for one run")->check(CLI::PositiveNumber)->capture_default_str();
  fz->add_option("--save-dir", fuzz.save_dir, "Where shrunk failures are saved")->capture_default_str();
  fz->add_option("--shrink-steps", fuzz.shrink_steps, "Candidate runs allowed per shrink")->capture_default_str();
  fz->add_option("--max-failures", fuzz.max_failures, "Stop after this many failures")->capture_default_str();
  fz->add_option("-j,--jobs", fuzz.jobs, "Programs run in parallel")->check(CLI::PositiveNumber)->capture_default_str();
  fz->add_flag("--gbc", fuzz.bytecode, "Also fuzz the .gbc loader and verifier with mutated bytecode");
  fz->add_option("--print", fuzz.print_seed, "Print the program of this seed and exit (no runs)");
  fz->add_option("--minutes", fuzz.minutes,
                 "Campaign: run seeds from --seed on for M minutes (--count ignored) over every variant, "
                 "--gc-stress, --deopt-random and mutated bytecode; progress each minute; summary to reports/")
      ->check(CLI::PositiveNumber);
  fz->add_option("--summary-dir", fuzz.summary_dir,
                 "Write the run's summary (counts, failures, opcode and language-form coverage) as .json and .md here");
  fz->add_option("--summary-name", fuzz.summary_name, "Base name of the summary files")->capture_default_str();

  // --- coverage ---------------------------------------------------------------------------
  CoverageOptions coverage;
  std::vector<std::string> coverage_paths;
  auto* cv = app.add_subcommand("coverage", "Count, per opcode and engine, the programs that execute it; fail if any opcode is never executed");
  cv->add_option("paths", coverage_paths, "Programs or directories")->required();
  cv->add_option("--tier", coverage.tiers, "Only these tiers (repeatable; interp is always included)");

  // --- history ----------------------------------------------------------------------------
  std::vector<std::string> history_reports;
  std::string history_file = "reports/history.jsonl", history_svg_path = "reports/history.svg";
  auto* hs = app.add_subcommand("history", "Append bench reports' summaries to the history file and redraw its trend SVG");
  hs->add_option("reports", history_reports, "Bench reports (.json) to append (none: only redraw)");
  hs->add_option("--file", history_file, "History file (JSON Lines)")->capture_default_str();
  hs->add_option("--svg", history_svg_path, "Trend chart to write (empty: none)")->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? kOk : kUsage;
  }

  if (*c) {
    check.shard = shard_of(check_shard);
    return run_check(check_paths, check, std::cout, std::cerr);
  }
  if (*b) {
    bench.shard = shard_of(bench_shard);
    bench.progress = no_progress ? 0 : force_progress ? 1 : -1;
    return run_bench(bench_paths, bench, std::cout, std::cerr);
  }
  if (*cm) {
    cmp.time_gate = !no_time_gate;
    return run_compare(base_path, new_path, cmp, std::cout, std::cerr);
  }
  if (*mg) return run_merge(merge_inputs, merge_dir, merge_name, merge, std::cout, std::cerr);
  if (*rp) return report_command(report_json, report_dir);
  if (*fz) return run_fuzz(fuzz, std::cout, std::cerr);
  if (*cv) return run_coverage(coverage_paths, coverage, std::cout, std::cerr);
  if (*hs) return run_history(history_reports, history_file, history_svg_path, std::cout, std::cerr);
  return kUsage;
} catch (const std::exception& e) {
  std::cerr << "gene-harness: internal error: " << e.what() << "\n";
  return kInternal;
}
