// libFuzzer target: reader + compiler + verifier on arbitrary bytes.
// Invariants: no crash, hang or sanitizer report; whatever compiles also verifies (the compiler
// only emits verifiable code); its disassembly loads back to the identical text; and when it is
// safe to run (see runs_quickly: small enough; the step budget ends every loop) it runs without crashing.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "interp/compiler.h"
#include "interp/reader.h"
#include "interp/verifier.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view src(reinterpret_cast<const char*>(data), size);
  gene::VM vm(genefuzz::fuzz_vm_options());
  vm.out_file = nullptr;  // keep program output in memory
  gene::NodeList forms;
  gene::SourceError err;
  gene::Program prog;
  if (!gene::read_program(src, forms, err) || !gene::compile_program(vm, forms, prog, err)) return 0;
  gene::VerifyError verr;
  if (!gene::verify_program(vm, prog, verr)) genefuzz::finding("compiled code fails verification", verr.to_string());
  genefuzz::check_gbc_round_trip(gene::disassemble_program(vm, prog));
  genefuzz::run_verified(vm, prog);
  return 0;
}
