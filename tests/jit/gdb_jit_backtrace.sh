#!/usr/bin/env bash
# `gene run --gdb-jit`: gdb names compiled units, with source lines, in a backtrace, and walks
# on through them to the C++ frames below (the call-frame information). Without the flag the
# same stop shows no unit names. Usage: gdb_jit_backtrace.sh GENE PROGRAM
set -euo pipefail
gene="$1"
program="$2"
run_gdb() {
  # Stops in the helper that compiled code calls for a call to a builtin (println), twice: the
  # second time `twice` is compiled code on the stack between two other compiled frames.
  timeout 120 gdb -batch -nx -ex 'set pagination off' -ex 'break gene::jit::h_call' -ex run -ex continue -ex bt \
    --args "$gene" run "$program" --tier baseline --jit-eager "$@" 2>&1
}
fail() {
  echo "gdb_jit_backtrace: $1"
  echo "---- gdb output ----"
  echo "$out"
  exit 1
}
out="$(run_gdb --gdb-jit)"
grep -q 'in gene:twice#2 slow paths () at .*gdb_jit_program.gene:6$' <<<"$out" || fail "no frame of unit twice with its source line"
grep -q 'in gene:<top>#0' <<<"$out" || fail "no frame of the top level"
# Unwound through every compiled frame down to the interpreter's C++ caller.
grep -q 'in gene::run_program' <<<"$out" || fail "the backtrace stops inside compiled code"
out="$(run_gdb)"
grep -q 'gene:twice' <<<"$out" && fail "unit names without --gdb-jit"
echo "gdb_jit_backtrace: ok"
