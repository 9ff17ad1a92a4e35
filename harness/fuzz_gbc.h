// The hook for fuzzing the bytecode loader and verifier with random `.gbc` text (SPEC §4: "nothing
// unverified reaches either engine"). Cases are made by mutating the `gene dis` output of a
// generated program: operands nudged, opcodes swapped, lines dropped, duplicated or swapped,
// declared stack sizes changed, new backward edges (`loop K`) that make loops and loop headers. Whatever the mutation, every tier must end with the same
// observation and never crash or hang; most mutants should be rejected by the verifier (exit 2).
//
// This needs `gene run FILE.gbc`. bytecode_fuzzing_available() probes for it, so the fuzzer
// starts covering bytecode on its own once the loader lands.
#pragma once
#include <cstdint>
#include <string>

namespace gene::harness {

// Every run of mutated bytecode gets `--max-steps kBytecodeMaxSteps`: the verifier guarantees
// that every cycle passes a LOOP (the only backward jump) and that calls count too, so each run
// ends, at the same step on every tier, however the mutations rewired the control flow.
inline constexpr int kBytecodeMaxSteps = 20000;

// Applies 1-3 random mutations to .gbc text (deterministic by seed). Comment and directive
// lines that name the format are left alone so the file is still recognised as bytecode.
std::string mutate_gbc(const std::string& gbc, uint64_t seed);

// A mutated-bytecode case as the fuzzer runs and saves it: mutate_gbc's text with a
// `; gene-args: --max-steps kBytecodeMaxSteps` line after the format line (corpus/FORMAT.md),
// so the case ends on every tier in the fuzzer, in `check` and in a user's hands alike.
std::string mutated_bytecode_case(const std::string& gbc, uint64_t seed);

// True when `gene` can disassemble a program and run the result with the same outcome as the
// source. `why` says what is missing otherwise.
bool bytecode_fuzzing_available(const std::string& gene, std::string& why);

// Writes `gene dis program` into `out_path`; false if gene failed.
bool disassemble(const std::string& gene, const std::string& program, const std::string& out_path);

}  // namespace gene::harness
