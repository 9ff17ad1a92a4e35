// Runtime error kinds (SPEC §3) and the pending-error record an engine fills when raising.
#pragma once
#include <string>

#include "interp/value.h"

namespace gene {

#define GENE_ERROR_KINDS(X) \
  X(TypeError, "type_error")               \
  X(IntegerOverflow, "integer_overflow")   \
  X(DivisionByZero, "division_by_zero")    \
  X(IndexOutOfRange, "index_out_of_range") \
  X(UndefinedVariable, "undefined_variable") \
  X(NotCallable, "not_callable")           \
  X(ArityMismatch, "arity_mismatch")       \
  X(StackOverflow, "stack_overflow")       \
  X(AssertionFailed, "assertion_failed")   \
  X(OutOfMemory, "out_of_memory")          \
  X(UncaughtThrow, "uncaught_throw")       \
  X(StepLimit, "step_limit")  /* --max-steps; never caught (unwind_frame skips handlers) */

enum class ErrorKind : uint8_t {
#define GENE_ERROR_ENUM(e, s) e,
  GENE_ERROR_KINDS(GENE_ERROR_ENUM)
#undef GENE_ERROR_ENUM
};

const char* error_kind_name(ErrorKind k);

// An error in flight. `payload` is the thrown value for `throw` (kind UncaughtThrow); runtime
// errors build their {^kind ^message} map only when a catch needs it.
struct PendingError {
  bool active = false;
  ErrorKind kind = ErrorKind::TypeError;
  std::string message;
  Value payload = Value::nil();
  int line = 0;  // filled by the engine that unwinds to the top
};

}  // namespace gene
