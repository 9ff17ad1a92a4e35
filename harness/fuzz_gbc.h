// The hook for fuzzing the bytecode loader and verifier with random `.gbc` text (SPEC §4: "nothing
// unverified reaches either engine"). Cases are made by mutating the `gene dis` output of a
// generated program: operands nudged, opcodes swapped, lines dropped, duplicated or swapped,
// declared stack sizes changed. Whatever the mutation, every tier must end with the same
// observation and never crash or hang; most mutants should be rejected by the verifier (exit 2).
//
// This needs `gene run FILE.gbc`. bytecode_fuzzing_available() probes for it, so the fuzzer
// starts covering bytecode on its own once the loader lands.
#pragma once
#include <cstdint>
#include <string>

namespace gene::harness {

// Applies 1-3 random mutations to .gbc text (deterministic by seed). Comment and directive
// lines that name the format are left alone so the file is still recognised as bytecode.
std::string mutate_gbc(const std::string& gbc, uint64_t seed);

// True when `gene` can disassemble a program and run the result with the same outcome as the
// source. `why` says what is missing otherwise.
bool bytecode_fuzzing_available(const std::string& gene, std::string& why);

// Writes `gene dis program` into `out_path`; false if gene failed.
bool disassemble(const std::string& gene, const std::string& program, const std::string& out_path);

}  // namespace gene::harness
