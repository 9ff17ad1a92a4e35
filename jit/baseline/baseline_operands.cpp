// The baseline's deferred-operand model in code: where an operand is (a local, an immediate,
// kResult or its operand slot), writing deferred values out wherever memory must be exact
// (deferred_operands.h says where: helper calls among them), and the snapshot of that state
// each out-of-line slow path is emitted with. Kept apart from the emitters, which only ask
// for values and results.
#include "jit/baseline/baseline_emitter.h"
#include "jit/runtime_helpers.h"

namespace gene::jit::baseline {

using namespace gene::x64;

void BaselineCompiler::load_deferred(Reg64 r, const DeferredOperand& d) {
  if (d.is(DeferredOperand::Kind::Local))
    a_.mov(r, slot(d.slot));
  else if (d.is(DeferredOperand::Kind::Imm))
    a_.mov_imm64(r, d.bits);
  else
    a_.mov(r, kResult);
}

// r <- operand k below the top, wherever it is.
void BaselineCompiler::load_top(Reg64 r, int k) {
  if (const DeferredOperand* d = deferred_top(k))
    load_deferred(r, *d);
  else
    a_.mov(r, top(k));
}

// True if operand k is surely an int, so its tag check can be skipped: a constant int, a
// read of an int slot, or int arithmetic on such values still in kResult.
bool BaselineCompiler::known_int(int k) const {
  const DeferredOperand* d = deferred_top(k);
  if (!d) return false;
  if (d->is(DeferredOperand::Kind::Imm)) return Value{d->bits}.is_int();
  if (d->is(DeferredOperand::Kind::Local)) return int_slots_[size_t(d->slot)];
  return d->known_int;
}

// True if operand k is a constant float: an int fast path cannot apply, and its own checks go.
bool BaselineCompiler::known_double(int k) const {
  const DeferredOperand* d = deferred_top(k);
  return d && d->is(DeferredOperand::Kind::Imm) && Value{d->bits}.is_double();
}

void BaselineCompiler::write_out(const DeferredOperand& d) {
  if (d.is(DeferredOperand::Kind::Reg)) return a_.mov(operand(d.pos), kResult);
  load_deferred(rax, d);
  a_.mov(operand(d.pos), rax);
}

// Writes every deferred value to memory on this path; the model still lists them (used on
// slow paths, where the fast path keeps them deferred).
void BaselineCompiler::write_out_all() {
  for (const DeferredOperand& d : deferred_.items()) write_out(d);
}

// On the main path: everything to memory, nothing deferred any more.
void BaselineCompiler::flush_all() {
  write_out_all();
  deferred_.clear();
}

// On the main path: values at positions below `pos` to memory (they stay live across a jump).
void BaselineCompiler::flush_below(int pos) {
  for (const DeferredOperand& d : deferred_.take_if([pos](const DeferredOperand& e) { return e.pos < pos; }))
    write_out(d);
}

// The current instruction leaves its result (operand k before it) in kResult: a value there
// that it does not consume goes to memory first.
void BaselineCompiler::claim_result_reg() {
  int consumed = depth_ - stack_pops(*ip_);
  auto older = [consumed](const DeferredOperand& e) { return e.is(DeferredOperand::Kind::Reg) && e.pos < consumed; };
  for (const DeferredOperand& d : deferred_.take_if(older)) write_out(d);
}

// is_int: the result is an int on every path that reaches the next instruction.
void BaselineCompiler::result_in_reg(int k, bool is_int) {
  if (pushed_.empty()) pushed_.push_back({depth_ - 1 - k, DeferredOperand::Kind::Reg, 0, 0, is_int});
}

// Fast path: the result is in r.
void BaselineCompiler::set_result(Reg64 r, int k, bool is_int) {
  a_.mov(kResult, r);
  result_in_reg(k, is_int);
}

// Slow path: the helper left the result in memory.
void BaselineCompiler::generic_result(int k) {
  generic();
  a_.mov(kResult, top(k));
  result_in_reg(k);
}

// Local `s` is about to change: values still naming it (other than position `except`) go to
// memory first, holding the old value.
void BaselineCompiler::flush_readers_of(int32_t s, int except) {
  auto names_s = [s, except](const DeferredOperand& e) {
    return e.is(DeferredOperand::Kind::Local) && e.slot == s && e.pos != except;
  };
  for (const DeferredOperand& d : deferred_.take_if(names_s)) write_out(d);
}

void BaselineCompiler::generic() { call_checked(helper(ip_->op)); }

// Slow paths are emitted after the main code with the operand model as it was at their
// instruction: the snapshot is taken here and restored before each one is emitted.
void BaselineCompiler::out_of_line(Label entry, Label resume, std::function<void()> emit) {
  slow_paths_.push_back({entry, resume, pc_, depth_, ip_, deferred_.items(), std::move(emit)});
}

void BaselineCompiler::emit_out_of_line(std::vector<OutOfLineCode>& offsets) {
  offsets.clear();
  for (SlowPath& sp : slow_paths_) {
    pc_ = sp.pc;
    depth_ = sp.depth;
    ip_ = sp.ip;
    deferred_.clear();
    for (const DeferredOperand& d : sp.deferred) deferred_.push(d);
    offsets.push_back({uint32_t(sp.pc), uint32_t(a_.size())});
    a_.bind(sp.entry);
    sp.emit();
    a_.jmp(sp.resume);
  }
}

}  // namespace gene::jit::baseline
