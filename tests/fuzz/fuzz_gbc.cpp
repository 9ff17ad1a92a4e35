// libFuzzer target: .gbc loader + verifier on arbitrary bytes.
// Invariants: no crash, hang or sanitizer report; a loader error carries a position inside the
// text; a program that loads has a normal form (dis) that round-trips; a program that verifies
// is safe to run (run when small enough, see runs_quickly: the step budget ends its loops).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "interp/verifier.h"
#include "tests/fuzz/fuzz_common.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  gene::VM vm(genefuzz::fuzz_vm_options());
  vm.out_file = nullptr;
  gene::Program prog;
  gene::SourceError err;
  if (!gene::load_gbc(vm, text, prog, err)) {
    if (err.line < 1 || err.col < 1 || err.message.empty()) genefuzz::finding("loader error without a position");
    return 0;
  }
  genefuzz::check_gbc_round_trip(gene::disassemble_program(vm, prog));
  gene::VerifyError verr;
  if (!gene::verify_program(vm, prog, verr)) return 0;
  genefuzz::run_verified(vm, prog);
  return 0;
}
