// How control enters and leaves a baseline unit: the native entry (register save, fixed
// registers, dispatch to the body or the OSR entry), the body's frame set-up, OSR dispatch to
// a loop header, and the unwinder and epilogue every exit goes through. The calling convention
// here is what the interpreter, the helpers and compiled callers rely on.
#include "jit/baseline/baseline_emitter.h"
#include "jit/runtime_helpers.h"
#include "jit/tier_up.h"

namespace gene::jit::baseline {

using namespace gene::x64;

// The native entry (a NativeEntry, for the interpreter and helpers) saves the callee-saved
// registers, loads the fixed ones and calls the body; compiled callers call the body directly
// with rbx, r14 and r15 already set, r12/r13 pointing at the new frame (and save their own).
void BaselineCompiler::prologue() {
  // Six pushes + 8 bytes + return address keep rsp 16-byte aligned for the call.
  a_.push(rbp);
  a_.push(rbx);
  a_.push(r12);
  a_.push(r13);
  a_.push(r14);
  a_.push(r15);
  a_.sub(rsp, 8);
  frame_.entry_ready = uint32_t(a_.size());
  a_.mov(kVm, rdi);
  a_.mov(kBase, rsi);
  a_.mov(kFrame, rdx);
  a_.mov_imm64(kGlobals, reinterpret_cast<uint64_t>(vm_.globals.data()));
  a_.mov_imm64(kIntTag, kIntTagBits);
  Label osr = a_.new_label(), body = a_.new_label(), osr_body = a_.new_label(), out = a_.new_label();
  a_.test(ecx, ecx);
  a_.jcc(Cond::NE, osr);
  a_.call(body);
  a_.jmp(out);
  a_.bind(osr);
  a_.call(osr_body);
  a_.bind(out);
  a_.add(rsp, 8);
  a_.pop(r15);
  a_.pop(r14);
  a_.pop(r13);
  a_.pop(r12);
  a_.pop(rbx);
  a_.pop(rbp);
  a_.ret();

  // The body: entered by a call (rsp = 8 mod 16), so one push aligns helper calls. It pushes
  // rbp, kResult here, which every tier's body preserves: spec code keeps a value there
  // across its calls.
  a_.align(16);
  a_.bind(body);
  body_offset_ = a_.size();
  a_.push(rbp);
  frame_.body_ready = uint32_t(a_.size());
  frame_.body_bytes = 8;
  frame_.body_saves_rbp = true;
  // A compiled caller leaves the frame stack's top to us: baseline code calls helpers all over.
  a_.publish_frames_top();
  count_call_for_tier_up();
  // A fresh call clears the slots after the arguments: compiled callers push frames inline,
  // and the collector must never see stale values there. OSR keeps them.
  if (p_.nslots > p_.nparams) {
    a_.load_imm(rax, Value::nil());
    for (int i = p_.nparams; i < p_.nslots; i++) a_.mov(slot(i), rax);
  }
  a_.jmp(target(0));
  // OSR: start_pc (ecx) is the header of a loop; dispatch to its label.
  a_.bind(osr_body);
  a_.push(rbp);
  for (size_t pc = 0; pc < p_.code.size(); pc++) {
    const Instr& in = p_.code[pc];
    if (in.op == Op::LOOP && in.x != 0) {
      a_.cmp(ecx, in.x);
      a_.jcc(Cond::E, target(in.x));
    }
  }
  a_.jmp(target(0));
}

// The call count: one `dec` on the budget; the helper once it runs out. Inline, not out of
// line: the body's entry is not loop code, and no bytecode instruction owns it.
void BaselineCompiler::count_call_for_tier_up() {
  if (!tier_up_budget_) return;
  Label still = a_.new_label();
  a_.mov_imm64(rax, reinterpret_cast<uint64_t>(tier_up_budget_));
  a_.dec(qword_ptr(rax, 0));
  a_.jcc(Cond::NS, still);
  a_.mov(rdi, kVm);
  a_.mov(rsi, kFrame);
  a_.call(jit_tier_up_at_call);
  a_.bind(still);
}

// On a back-edge everything is in the frame's memory (the header is a jump target), so spec
// code can take the frame over at the header as it would from the interpreter: its native
// entry runs the frame to completion, and its result (or unwound error) is this body's.
void BaselineCompiler::count_back_edge_for_tier_up(int32_t header_pc) {
  if (!tier_up_budget_ || header_pc == 0) return;  // pc 0 is the fresh-call entry, not OSR
  Label spent = a_.new_label(), resume = a_.new_label();
  a_.mov_imm64(rax, reinterpret_cast<uint64_t>(tier_up_budget_));
  a_.dec(qword_ptr(rax, 0));
  a_.jcc(Cond::S, spent);
  a_.bind(resume);
  out_of_line(spent, resume, [=, this] {
    a_.mov(rdi, kVm);
    a_.mov(rsi, kFrame);
    a_.mov(edx, header_pc);
    a_.call(jit_tier_up_at_loop);
    a_.test(rax, rax);
    a_.jcc(Cond::E, resume);
    a_.mov(rdi, kVm);
    a_.mov(rsi, kBase);
    a_.mov(rdx, kFrame);
    a_.mov(ecx, header_pc);
    a_.call(rax);
    a_.jmp(epilogue_);
  });
}

// A helper returned false: find a handler in this unit or leave with the error (eax = 0).
// RETURN jumps to the epilogue with eax = 1.
void BaselineCompiler::unwinder() {
  a_.bind(error_);
  a_.mov(rdi, kVm);
  a_.call(h_unwind);
  for (const Handler& h : p_.handlers) {
    a_.cmp(eax, h.target);
    a_.jcc(Cond::E, target(h.target));
  }
  a_.xor_(eax, eax);
  a_.bind(epilogue_);
  a_.pop(rbp);
  a_.ret();
}

}  // namespace gene::jit::baseline
