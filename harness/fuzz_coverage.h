// What a fuzz run reached: the opcodes the interpreter executed on the generated programs and
// mutated bytecode, and the language forms of SPEC §3 the generated source used. A campaign's
// summary lists both with what was never reached, so a gap in the generator shows instead of
// hiding behind a long run with no failures.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "harness/sexpr.h"

namespace gene::harness {

// The language forms of SPEC §3 the fuzzer tracks, by name ("while", "for-range", "infix <",
// "method .push", "builtin sqrt", "path write", "literal float", ...), in a fixed order.
const std::vector<std::string>& language_form_names();

class FuzzCoverage {
 public:
  FuzzCoverage();

  // Counts every form that occurs in a generated program's trees.
  void add_forms(const std::vector<Node>& program);
  // Runs `text` (source, or bytecode when `file` ends in .gbc) on the interpreter in-process,
  // with a step and heap budget, and counts the instructions it executes. Not thread-safe:
  // callers serialise (each run is a few milliseconds). True when it executed a LOOP.
  bool add_executed_opcodes(const std::string& file, const std::string& text);

  // Per opcode of the table (kOpInfo order): programs that executed it.
  const std::vector<uint64_t>& opcode_programs() const { return opcode_programs_; }
  // Per form of language_form_names(): programs that used it.
  const std::vector<uint64_t>& form_programs() const { return form_programs_; }
  std::vector<std::string> unreached_opcodes() const;
  std::vector<std::string> unreached_forms() const;

 private:
  std::vector<uint64_t> opcode_programs_;
  std::vector<uint64_t> form_programs_;
};

}  // namespace gene::harness
