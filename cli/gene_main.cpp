// `gene`: run and disassemble Gene programs.
//
// Exit status: 0 success, 1 uncaught runtime error, 2 parse/compile error or usage error.
#include <CLI/CLI.hpp>
#include <fstream>
#include <iostream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "interp/compiler.h"
#include "interp/disasm.h"
#include "interp/gbc_loader.h"
#include "interp/reader.h"
#include "interp/run.h"
#include "jit/tiers.h"

namespace {

void write_outcome_json(const std::string& path, const gene::RunOutcome& o) {
  nlohmann::json j = {{"exit", o.exit_status},
                      {"result", o.result},
                      {"error_kind", o.error_kind},
                      {"error_line", o.error_line},
                      {"error_message", o.error_message}};
  // The tier's named figures (compile failures, deopts, ...): bench --metric instructions
  // reads them from here, as the in-process wall-time runs read them from the outcome.
  if (!o.engine_stats.empty()) {
    nlohmann::json stats = nlohmann::json::object();
    for (const auto& [name, value] : o.engine_stats) stats[name] = value;
    j["engine_stats"] = stats;
  }
  std::ofstream(path) << j.dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"gene: the Gene language: reference interpreter and JIT"};
  app.require_subcommand(1);

  std::string file, tier = "interp", outcome_path;
  bool print_result = false;
  gene::VMOptions vmo;
  size_t max_heap_mb = 0;

  auto* run = app.add_subcommand("run", "Run a program (.gene source, or .gbc textual bytecode)");
  run->add_option("file", file, "Program to run")->required();
  run->add_option("--tier", tier, "Highest tier enabled")
      ->check(CLI::IsMember(gene::available_tiers()))
      ->capture_default_str();
  run->add_flag("--print-result", print_result, "Print the last form's value after the output");
  run->add_option("--max-depth", vmo.max_depth, "Maximum active calls (stack_overflow beyond)")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  run->add_option("--max-steps", vmo.max_steps,
                  "Backward jumps plus calls allowed (step_limit beyond, not catchable); default: no limit")
      ->check(CLI::Range(int64_t(0), std::numeric_limits<int64_t>::max()));
  run->add_flag("--gc-stress", vmo.gc_stress, "Collect garbage at every allocation");
  run->add_option("--max-heap", max_heap_mb, "Heap limit in MiB (out_of_memory beyond); 0 = none")
      ->capture_default_str();
  gene::JitOptions jit;
  run->add_flag("--jit-eager", jit.eager, "Compile every unit at first use (JIT tiers)");
  run->add_option("--jit-threshold", jit.threshold,
                  "Calls / loop back-edges before a unit is compiled (default 100 / 500)")
      ->check(CLI::Range(0, 1 << 30));
  run->add_option("--code-cache-mb", jit.code_cache_mb, "Executable memory limit; when full, keep interpreting")
      ->check(CLI::Range(0, 4096))
      ->capture_default_str();
  run->add_flag("--dump-asm", jit.dump_asm, "Print each compiled unit's bytecode next to its machine code (stderr)");
  run->add_flag("--jit-stats", jit.stats, "Print JIT statistics to stderr at exit");
  run->add_flag("--dump-ir", jit.dump_ir, "Print the spec tier's IR of each compiled unit after each pass (stderr)");
  run->add_flag("--trace-deopt", jit.trace_deopt, "One line per deoptimization on stderr: unit, pc, guard, reason");
  run->add_flag("--trace-inline", jit.trace_inline,
                "One line per call site the inline tier decided on stderr: site, callee, inlined or why not");
  run->add_option("--deopt-every", jit.deopt_every, "Stress: every guard fails on every Nth evaluation (spec tier)")
      ->check(CLI::Range(int64_t(1), int64_t(1) << 40));
  run->add_option("--deopt-random", jit.deopt_random, "Stress: guards fail at evaluations drawn from SEED (spec tier)")
      ->check(CLI::Range(uint64_t(1), ~uint64_t(0)));
  bool dump_feedback = false;
  run->add_flag("--dump-feedback", dump_feedback,
                "Print each unit's type feedback (operand kinds and callees per site) to stderr at exit");
  run->add_flag("--perf-map", jit.perf_map,
                "Write /tmp/perf-<pid>.map naming compiled code for Linux perf (JIT tiers)");
  run->add_flag("--gdb-jit", jit.gdb_jit,
                "Describe compiled code to gdb (its JIT interface), so backtraces and disassembly name units and lines");
  run->add_option("--outcome", outcome_path, "Also write the outcome as JSON to this file (for the harness)");

  auto* tiers = app.add_subcommand("tiers", "List the tiers this build provides, one per line");

  auto* dis = app.add_subcommand("dis", "Print a program's textual bytecode (.gbc; a .gbc input is normalized)");
  dis->add_option("file", file, "Program to disassemble")->required();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : gene::kExitCompileError;
  }
  vmo.max_heap = max_heap_mb << 20;
  if (*tiers) {
    for (const auto& t : gene::available_tiers()) std::cout << t << "\n";
    return 0;
  }

  std::string source;
  if (!gene::read_file(file, source)) {
    std::cerr << file << ": error: cannot read the file\n";
    return gene::kExitCompileError;
  }

  if (*dis) {
    gene::VM vm;
    gene::NodeList forms;
    gene::SourceError err;
    gene::Program prog;
    // A .gbc file is loaded (not verified) and written back in normal form.
    bool ok = gene::is_gbc_file(file) ? gene::load_gbc(vm, source, prog, err)
                                      : gene::read_program(source, forms, err) && gene::compile_program(vm, forms, prog, err);
    if (!ok) {
      std::cerr << file << ":" << err.line << ":" << err.col << ": error: " << err.message << "\n";
      return gene::kExitCompileError;
    }
    std::cout << gene::disassemble_program(vm, prog);
    return 0;
  }

  gene::RunOptions opts;
  opts.vm = vmo;
  opts.dump_feedback = dump_feedback;
  gene::TierSessionPtr session = gene::configure_tier(tier, jit, opts);
  gene::RunOutcome o = gene::run_source(file, source, opts, stdout);
  if (o.exit_status == gene::kExitOk && print_result) {
    if (o.ended_midline) std::fputc('\n', stdout);
    std::fputs(o.result.c_str(), stdout);
    std::fputc('\n', stdout);
  }
  std::fflush(stdout);
  if (o.exit_status != gene::kExitOk) std::cerr << gene::format_error(file, o);
  if (jit.stats) std::cerr << gene::tier_stats_text(session);
  if (!outcome_path.empty()) write_outcome_json(outcome_path, o);
  return o.exit_status;
}
