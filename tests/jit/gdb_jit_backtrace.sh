#!/usr/bin/env bash
# `gene run --gdb-jit`: gdb names compiled units, with source lines, in a backtrace, and walks
# on through them to the C++ frames below (the call-frame information). Without the flag the
# same stop shows no unit names. Usage: gdb_jit_backtrace.sh GENE PROGRAM RECURSION_PROGRAM
set -euo pipefail
gene="$1"
program="$2"
recursion="$3"
run_gdb() {
  # Stops in the helper that compiled code calls for a call to a builtin (println), twice: the
  # second time `twice` is compiled code on the stack between two other compiled frames. (The
  # baseline tier alone records no feedback, so it calls the helper's unrecorded form.)
  timeout 120 gdb -batch -nx -ex 'set pagination off' -ex 'break gene::jit::h_call_unrecorded' -ex run -ex continue -ex bt \
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
# Spec code calling itself through compiled-to-compiled calls (frames 16 bytes deeper at each
# call): every level is named and the walk reaches the interpreter below.
out="$(timeout 120 gdb -batch -nx -ex 'set pagination off' -ex 'break gene::jit::h_call_builtin' -ex 'ignore 1 250' -ex run -ex bt \
  --args "$gene" run "$recursion" --tier spec --gdb-jit 2>&1)"
named="$(grep -c 'in gene:down#1 () at .*gdb_jit_recursion.gene:7$' <<<"$out" || true)"
[ "$named" -ge 4 ] || fail "recursive spec frames not all named ($named)"
grep -q 'in gene::run_program' <<<"$out" || fail "the backtrace stops inside recursive spec code"
echo "gdb_jit_backtrace: ok"
