#include "interp/run.h"

#include <pthread.h>

#include <fstream>
#include <sstream>

#include "interp/compiler.h"
#include "interp/display.h"
#include "interp/gbc_loader.h"
#include "interp/interpreter.h"
#include "interp/reader.h"
#include "interp/type_feedback.h"
#include "interp/verifier.h"

namespace gene {

namespace {

RunOutcome run_here(const std::string& file, const std::string& source, const RunOptions& opts, FILE* out) {
  RunOutcome o;
  VMOptions vm_opts = opts.vm;
  if (opts.dump_feedback) vm_opts.type_feedback = vm_opts.dump_feedback = true;
  VM vm(vm_opts);
  vm.out_file = out;
  vm.op_counts = opts.op_counts;
  NodeList forms;
  SourceError err;
  Program prog;
  prog.file = file;
  // A .gbc file is textual bytecode (loaded), anything else source (read and compiled).
  const bool gbc = is_gbc_file(file);
  GbcSourceMap gbc_map;
  bool front_ok = gbc ? load_gbc(vm, source, prog, err, &gbc_map)
                      : read_program(source, forms, err) && compile_program(vm, forms, prog, err);
  if (!front_ok) {
    o.exit_status = kExitCompileError;
    o.error_kind = "compile_error";
    o.error_line = err.line;
    o.error_col = err.col;
    o.error_message = err.message;
    return o;
  }
  // Nothing unverified reaches an engine, compiled or loaded.
  VerifyError verr;
  if (!verify_program(vm, prog, verr)) {
    o.exit_status = kExitCompileError;
    o.error_kind = "verify_error";
    o.error_message = verr.to_string();
    if (gbc) {  // the failing instruction's (or unit's) position in the .gbc text
      GbcPos at = gbc_map.locate(verr.unit, verr.pc);
      o.error_line = at.line;
      o.error_col = at.col;
    }
    return o;
  }
  prepare_feedback(prog);
  if (opts.setup_tier) opts.setup_tier(vm, opts.tier_ctx);
  Value result;
  bool ok = run_program(vm, prog, result);
  if (ok && !display_nested(o.result, result)) {
    // A result nested too deeply to display is a stack_overflow at the last form's line.
    ok = false;
    o.result.clear();
    vm.raise(ErrorKind::StackOverflow, "value nested too deeply to display");
    vm.error.line = prog.top()->lines.back();
  }
  if (!ok) {
    o.exit_status = kExitRuntimeError;
    o.error_kind = error_kind_name(vm.error.kind);
    o.error_line = vm.error.line;
    o.error_message = vm.error.message;
  }
  o.ended_midline = vm.wrote_anything && vm.last_char != '\n';
  vm.flush();
  if (!out) o.stdout_text = std::move(vm.out);
  o.heap = vm.heap.stats();
  if (opts.dump_feedback) std::fputs(dump_feedback(vm, prog).c_str(), stderr);
  if (opts.collect_stats) opts.collect_stats(opts.tier_ctx, o.engine_stats);
  return o;
}

// Compiled code and the interpreter call each other natively (a few hundred bytes of C stack
// per Gene call), so --max-depth calls need far more than the default 8 MiB main-thread stack.
// Programs run on a thread whose stack is reserved, not committed, up front.
constexpr size_t kRunStackBytes = size_t(1) << 30;

struct RunJob {
  const std::string* file;
  const std::string* source;
  const RunOptions* opts;
  FILE* out;
  RunOutcome outcome;
};

void* run_job(void* arg) {
  auto* job = static_cast<RunJob*>(arg);
  job->outcome = run_here(*job->file, *job->source, *job->opts, job->out);
  return nullptr;
}

}  // namespace

RunOutcome run_source(const std::string& file, const std::string& source, const RunOptions& opts, FILE* out) {
  RunJob job{&file, &source, &opts, out, {}};
  pthread_attr_t attr;
  pthread_t thread;
  if (pthread_attr_init(&attr) == 0 && pthread_attr_setstacksize(&attr, kRunStackBytes) == 0 &&
      pthread_create(&thread, &attr, run_job, &job) == 0) {
    pthread_attr_destroy(&attr);
    pthread_join(thread, nullptr);
    return std::move(job.outcome);
  }
  return run_here(file, source, opts, out);  // no thread: run on this stack
}

bool read_file(const std::string& path, std::string& out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream ss;
  ss << in.rdbuf();
  out = ss.str();
  return true;
}

std::string read_file_or_empty(const std::string& path) {
  std::string s;
  read_file(path, s);
  return s;
}

std::string format_error(const std::string& file, const RunOutcome& o) {
  if (o.exit_status == kExitCompileError && o.error_kind == "verify_error" && o.error_line <= 0)
    return file + ": error: " + o.error_message + "\n";
  if (o.exit_status == kExitCompileError)
    return file + ":" + std::to_string(o.error_line) + ":" + std::to_string(o.error_col) + ": error: " +
           o.error_message + "\n";
  if (o.exit_status == kExitRuntimeError)
    return "error[" + o.error_kind + "]: " + o.error_message + "\n  at " + file + ":" + std::to_string(o.error_line) +
           "\n";
  return "";
}

}  // namespace gene
