#include "jit/interpreted_callee.h"

#include "interp/interpreter.h"
#include "interp/vm.h"

// The stub: the body calling convention (rbx the VM, r13 the callee's frame record, rsp 8 off
// 16-byte alignment) to a C call. rbx and r13 are callee-saved, so they survive it.
asm(R"(
  .text
  .globl gene_jit_interpreted_callee
  .type gene_jit_interpreted_callee, @function
gene_jit_interpreted_callee:
  .cfi_startproc
  push %rbp
  .cfi_def_cfa_offset 16
  .cfi_offset %rbp, -16
  mov %rbx, %rdi
  mov %r13, %rsi
  call gene_jit_run_pushed_frame
  pop %rbp
  .cfi_def_cfa_offset 8
  ret
  .cfi_endproc
  .size gene_jit_interpreted_callee, .-gene_jit_interpreted_callee
)");

// What push_call_frame leaves besides the record (its pc at the start, the locals nil, sp above
// them), then what the CALL opcode does with it: the tier manager counts the call (and may
// compile the unit now), and its code or the interpreter runs the frame.
extern "C" bool gene_jit_run_pushed_frame(gene::VM* vm, gene::Frame* f) {
  using namespace gene;
  Proto* p = f->closure->proto;
  vm->frames.top = f + 1;  // (the caller leaves it to its callee)
  f->pc = p->code.data();
  for (int i = p->nparams; i < p->nslots; i++) f->base[i] = Value::nil();
  vm->sp = f->base + p->nslots;
  NativeEntry code = vm->hooks.on_call ? vm->hooks.on_call(*vm, p) : nullptr;
  return code ? code(vm, f->base, f, 0) : interpret(*vm);
}
