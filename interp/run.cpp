#include "interp/run.h"

#include "interp/compiler.h"
#include "interp/display.h"
#include "interp/interpreter.h"
#include "interp/reader.h"
#include "interp/verifier.h"

namespace gene {

RunOutcome run_source(const std::string& file, const std::string& source, const RunOptions& opts, FILE* out) {
  RunOutcome o;
  VM vm(opts.vm);
  vm.out_file = out;
  NodeList forms;
  SourceError err;
  Program prog;
  prog.file = file;
  if (!read_program(source, forms, err) || !compile_program(vm, forms, prog, err)) {
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
    return o;
  }
  if (opts.setup_tier) opts.setup_tier(vm, opts.tier_ctx);
  Value result;
  bool ok = run_program(vm, prog, result);
  if (ok) {
    o.result = to_display_nested(result);
  } else {
    o.exit_status = kExitRuntimeError;
    o.error_kind = error_kind_name(vm.error.kind);
    o.error_line = vm.error.line;
    o.error_message = vm.error.message;
  }
  o.ended_midline = vm.wrote_anything && vm.last_char != '\n';
  vm.flush();
  if (!out) o.stdout_text = std::move(vm.out);
  o.heap = vm.heap.stats();
  return o;
}

std::string format_error(const std::string& file, const RunOutcome& o) {
  if (o.exit_status == kExitCompileError && o.error_kind == "verify_error")
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
