// The baseline compiler's driver and its per-opcode emitters. Like V8's Sparkplug: one loop
// over the verified bytecode calls emit_<OP> for each instruction (the dispatch switch is
// generated from the opcode table), and each emitter writes its fast path inline and its slow
// path out of line. Value-level sequences come from ValueAssembler (jit/codegen/value_code.h);
// where operands live is the deferred-operand model's business (baseline_operands.cpp).
#include <cstddef>

#include "interp/object.h"
#include "jit/baseline/baseline_emitter.h"
#include "jit/baseline/bytecode_facts.h"
#include "jit/baseline/int_slots.h"
#include "jit/runtime_helpers.h"

namespace gene::jit {

namespace baseline {

using namespace gene::x64;

bool BaselineCompiler::compile(std::vector<uint32_t>& pc_offsets, std::vector<OutOfLineCode>& out_of_line_offsets) {
  // One control-flow analysis of the (verified) unit serves every plan below.
  ControlFlow cf;
  VerifyError flow_err;
  if (!analyze_flow(p_, cf, flow_err)) return false;
  depths_.assign(cf.depth.begin(), cf.depth.end());
  int_slots_ = int_slots(p_, &cf);
  std::vector<bool> targets(p_.code.size()), loop_headers(p_.code.size());
  for (size_t pc = 0; pc < p_.code.size(); pc++) {
    targets[pc] = cf.is_target(int32_t(pc));
    loop_headers[pc] = cf.is_loop_header(int32_t(pc));
  }
  labels_.resize(p_.code.size());
  for (auto& l : labels_) l = a_.new_label();
  error_ = a_.new_label();
  epilogue_ = a_.new_label();

  prologue();
  pc_offsets.assign(p_.code.size(), 0);
  for (size_t pc = 0; pc < p_.code.size(); pc++) {
    if (targets[pc]) flush_all();
    if (loop_headers[pc]) a_.align(64);  // hot loop entries start a fetch block
    a_.bind(labels_[pc]);
    pc_offsets[pc] = uint32_t(a_.size());
    if (depths_[pc] < 0) {  // unreachable: nothing to emit
      deferred_.clear();
      continue;
    }
    pc_ = int(pc);
    depth_ = depths_[pc];
    ip_ = &p_.code[pc];
    if (vm_.op_counts) {  // coverage runs count compiled instructions too
      a_.mov_imm64(rax, reinterpret_cast<uint64_t>(&vm_.op_counts[int(ip_->op)]));
      a_.add(qword_ptr(rax, 0), 1);
    }
    if (!reads_deferred(ip_->op)) flush_all();
    pushed_.clear();
    emit_instruction(*ip_);
    deferred_.drop_from(depth_ - stack_pops(*ip_));
    for (const DeferredOperand& d : pushed_) deferred_.push(d);
    if (!falls_through(ip_->op)) deferred_.clear();
  }
  main_end_ = a_.size();
  emit_out_of_line(out_of_line_offsets);
  unwinder_begin_ = a_.size();
  unwinder();
  return a_.finalize() == AsmStatus::Ok;
}

void BaselineCompiler::emit_instruction(const Instr& in) {
  switch (in.op) {
#define GENE_BASELINE_CASE(name, ...) \
  case Op::name: emit_##name(in); break;
    GENE_OPCODES(GENE_BASELINE_CASE)
#undef GENE_BASELINE_CASE
  }
}

// ------------------------------------------------------------------ constants and stack
void BaselineCompiler::push_imm(Value v) { pushed_.push_back({depth_, DeferredOperand::Kind::Imm, 0, v.bits}); }
void BaselineCompiler::emit_CONST(const Instr& in) { push_imm(p_.consts[size_t(in.x)]); }
void BaselineCompiler::emit_INT(const Instr& in) { push_imm(Value::integer(in.x)); }
void BaselineCompiler::emit_NIL(const Instr&) { push_imm(Value::nil()); }
void BaselineCompiler::emit_TRUE(const Instr&) { push_imm(Value::boolean(true)); }
void BaselineCompiler::emit_FALSE(const Instr&) { push_imm(Value::boolean(false)); }
void BaselineCompiler::emit_POP(const Instr&) {}   // operand positions are static: nothing to move
void BaselineCompiler::emit_POPN(const Instr&) {}
void BaselineCompiler::emit_UNWIND(const Instr& in) {
  a_.mov(rax, top(0));
  a_.mov(top(in.x), rax);
}
void BaselineCompiler::emit_DUP(const Instr&) {
  if (const DeferredOperand* d = deferred_top(0)) {  // both copies stay deferred
    pushed_.push_back(*d);
    pushed_.push_back(*d);
    pushed_.back().pos = depth_;
    return;
  }
  a_.mov(rax, top(0));
  a_.mov(operand(depth_), rax);
}

// ------------------------------------------------------------------ variables
void BaselineCompiler::emit_LOAD_LOCAL(const Instr& in) { pushed_.push_back({depth_, DeferredOperand::Kind::Local, in.x, 0}); }
void BaselineCompiler::emit_STORE_LOCAL(const Instr& in) {
  const DeferredOperand* d = deferred_top(0);
  if (d && d->is(DeferredOperand::Kind::Local) && d->slot == in.x) return;  // x = x
  flush_readers_of(in.x, depth_ - 1);
  d = deferred_top(0);
  if (d && d->is(DeferredOperand::Kind::Reg)) return a_.mov(slot(in.x), kResult);
  load_top(rax, 0);
  a_.mov(slot(in.x), rax);
}
// The verifier proved the slot holds a Cell: strip the tag and access its value directly.
void BaselineCompiler::cell_address(int slot_index) {
  a_.mov(rax, slot(slot_index));
  a_.clear_tag(rax);
}
void BaselineCompiler::emit_LOAD_CELL(const Instr& in) {
  claim_result_reg();
  cell_address(in.x);
  a_.mov(rax, qword_ptr(rax, layout_.cell_value));
  set_result(rax, -1);
}
void BaselineCompiler::emit_STORE_CELL(const Instr& in) {
  cell_address(in.x);
  load_top(rcx, 0);
  a_.mov(qword_ptr(rax, layout_.cell_value), rcx);
}
void BaselineCompiler::emit_MAKE_CELL(const Instr&) { generic(); }
// The running closure sits in the callee slot, base[-1]; rax <- its upvalue x's Cell*.
void BaselineCompiler::upval_cell(int x) {
  a_.mov(rax, qword_ptr(kBase, -8));
  a_.clear_tag(rax);
  a_.mov(rax, qword_ptr(rax, layout_.closure_upvals));  // vector begin
  a_.mov(rax, qword_ptr(rax, x * 8));
}
void BaselineCompiler::emit_LOAD_UPVAL(const Instr& in) {
  if (!layout_.vector_layout_ok) return generic();
  claim_result_reg();
  upval_cell(in.x);
  a_.mov(rax, qword_ptr(rax, layout_.cell_value));
  set_result(rax, -1);
}
void BaselineCompiler::emit_STORE_UPVAL(const Instr& in) {
  if (!layout_.vector_layout_ok) return generic();
  upval_cell(in.x);
  load_top(rcx, 0);
  a_.mov(qword_ptr(rax, layout_.cell_value), rcx);
}
void BaselineCompiler::emit_LOAD_GLOBAL(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  a_.mov(rax, qword_ptr(kGlobals, in.x * 8));
  a_.mov_imm64(rcx, Value::undefined().bits);
  a_.cmp(rax, rcx);
  a_.jcc(Cond::E, slow);
  set_result(rax, -1);
  out_of_line(slow, done, [=, this] {
    generic_result(-1);  // raises undefined_variable
  });
  a_.bind(done);
}
// A store checks the slot's watch flag (VM::global_watch): a watched slot stores through the
// helper, which tells the JIT that code assuming the old value must go.
void BaselineCompiler::jump_if_global_watched(int32_t slot, Label target) {
  a_.mov(rax, qword_ptr(kVm, layout_.vm_global_watch));
  a_.cmp(byte_ptr(rax, slot), int8_t(0));
  a_.jcc(Cond::NE, target);
}
void BaselineCompiler::emit_STORE_GLOBAL(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  a_.mov(rax, qword_ptr(kGlobals, in.x * 8));
  a_.mov_imm64(rcx, Value::undefined().bits);
  a_.cmp(rax, rcx);
  a_.jcc(Cond::E, slow);  // raises
  jump_if_global_watched(in.x, slow);
  load_top(rax, 0);
  a_.mov(qword_ptr(kGlobals, in.x * 8), rax);
  out_of_line(slow, done, [=, this] {
    generic();
  });
  a_.bind(done);
}
void BaselineCompiler::emit_DEFINE_GLOBAL(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  jump_if_global_watched(in.x, slow);
  load_top(rax, 0);
  a_.mov(qword_ptr(kGlobals, in.x * 8), rax);
  out_of_line(slow, done, [=, this] {
    generic();
  });
  a_.bind(done);
}

// ------------------------------------------------------------------ arithmetic
// a = top(1), b = top(0); the result stays in kResult. Ints, doubles and int/double mixes
// inline; the rest (strings, errors, int overflow) via the helper.
void BaselineCompiler::arith(Arith kind) {
  Label not_int = a_.new_label(), slow = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  load_top(rax, 1);
  load_top(rcx, 0);
  bool float_a = known_double(1), float_b = known_double(0);
  // Two known ints: the result is an int or an overflow error, and no float path is needed.
  bool both_int = kind != Arith::Div && known_int(1) && known_int(0);
  if (kind != Arith::Div && !float_a && !float_b) {
    if (!known_int(1)) a_.check_int(rax, rdx, not_int);
    if (!known_int(0)) a_.check_int(rcx, rdx, not_int);
    if (kind == Arith::Add) {
      // a + payload(b) on a's boxed bits: the accumulator's chain stays one add long. A sum
      // that crosses zero or overflows takes the shifted path below, out of line.
      Label inexact = a_.new_label();
      a_.mov(r8, rcx);
      a_.unbox_int(r8);
      a_.add_to_boxed_int(r8, rax, rdx, inexact);
      set_result(r8, 1, both_int);
      out_of_line(inexact, done, [=, this] { shifted_int_arith(kind, slow); });
    } else {
      shifted_int_arith(kind, slow);
      result_in_reg(1, both_int);
    }
    if (both_int) {
      out_of_line(slow, done, [=, this] { generic_result(1); });  // raises integer_overflow
      a_.bind(done);
      return;
    }
    a_.jmp(done);
  }
  a_.bind(not_int);  // any float operand (or a division): both as doubles
  a_.number_to_double(rax, xmm0, slow, float_a);
  a_.number_to_double(rcx, xmm1, slow, float_b);
  switch (kind) {
    case Arith::Add: a_.addsd(xmm0, xmm1); break;
    case Arith::Sub: a_.subsd(xmm0, xmm1); break;
    case Arith::Mul: a_.mulsd(xmm0, xmm1); break;
    case Arith::Div: a_.divsd(xmm0, xmm1); break;
  }
  a_.movq(kResult, xmm0);
  result_in_reg(1);
  out_of_line(slow, done, [=, this] {
    generic_result(1);  // mixed int/float, strings, errors: exactly op_add & co.
  });
  a_.bind(done);
}
// rax <- rax OP rcx on two boxed ints, also copied to kResult; `slow` on overflow. In the
// <<16 domain a 64-bit add, subtract or multiply (by the plain right operand) overflows
// exactly when the 48-bit one does, so OF is the whole overflow check.
void BaselineCompiler::shifted_int_arith(Arith kind, Label slow) {
  a_.shl(rax, uint8_t(16));
  if (kind == Arith::Mul) {
    a_.unbox_int(rcx);
    a_.imul(rax, rcx);
  } else {
    a_.shl(rcx, uint8_t(16));
    if (kind == Arith::Add) a_.add(rax, rcx);
    if (kind == Arith::Sub) a_.sub(rax, rcx);
  }
  a_.jcc(Cond::O, slow);
  a_.rebox_shifted_int(rax);
  a_.mov(kResult, rax);
}
void BaselineCompiler::emit_ADD(const Instr&) { arith(Arith::Add); }
void BaselineCompiler::emit_SUB(const Instr&) { arith(Arith::Sub); }
void BaselineCompiler::emit_MUL(const Instr&) { arith(Arith::Mul); }
void BaselineCompiler::emit_DIV(const Instr&) { arith(Arith::Div); }
void BaselineCompiler::emit_MOD(const Instr&) { generic(); }
void BaselineCompiler::emit_NEG(const Instr&) { generic(); }
void BaselineCompiler::emit_POS(const Instr&) { generic(); }
void BaselineCompiler::emit_NOT(const Instr&) {
  Label falsy = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  load_top(rax, 0);
  a_.branch_if_falsy(rax, falsy);
  a_.load_imm(rax, Value::boolean(false));
  a_.jmp(done);
  a_.bind(falsy);
  a_.load_imm(rax, Value::boolean(true));
  a_.bind(done);
  set_result(rax, 0);
}

// x (an int32 immediate) added to / subtracted from the int operand k (or, with k < 0, the
// local in `where`); the result goes to kResult (k >= 0) or `where`.
void BaselineCompiler::arith_imm(bool subtract, const Mem64& where, int k) {
  Label slow = a_.new_label(), inexact = a_.new_label(), done = a_.new_label();
  if (k >= 0) claim_result_reg();
  if (k >= 0)
    load_top(rax, k);
  else
    a_.mov(rax, where);
  // inc_local on an int slot, or add_int/sub_int on a known int: an int result or an error.
  bool is_int = k >= 0 ? known_int(k) : int_slots_[size_t(ip_->y)];
  if (!is_int) a_.check_int(rax, rdx, slow);
  // The immediate added to the boxed bits: i += 1 costs one add on the loop-carried chain.
  int64_t delta = subtract ? -int64_t(ip_->x) : int64_t(ip_->x);
  a_.mov(rcx, delta);
  a_.add_to_boxed_int(rcx, rax, rdx, inexact);
  if (k >= 0)
    set_result(rcx, k, is_int);
  else
    a_.mov(where, rcx);
  out_of_line(inexact, done, [=, this] {
    // Crossed zero or overflowed: redo it in the <<16 domain, where OF is the overflow check.
    a_.shl(rax, uint8_t(16));
    a_.mov(rcx, delta * 65536);
    a_.add(rax, rcx);
    a_.jcc(Cond::O, slow);
    a_.rebox_shifted_int(rax);
    if (k >= 0)
      a_.mov(kResult, rax);
    else
      a_.mov(where, rax);
  });
  out_of_line(slow, done, [=, this] {
    if (k >= 0)
      generic_result(k);
    else
      generic();
  });
  a_.bind(done);
}
void BaselineCompiler::emit_ADD_INT(const Instr&) { arith_imm(false, top(0), 0); }
void BaselineCompiler::emit_SUB_INT(const Instr&) { arith_imm(true, top(0), 0); }
void BaselineCompiler::emit_INC_LOCAL(const Instr& in) {
  flush_readers_of(in.y, -1);
  arith_imm(false, slot(in.y), -1);
}
void BaselineCompiler::emit_MOD_INT(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  // A known int operand needs no check and cannot fail: no slow path at all.
  bool is_int = known_int(0);
  load_top(rax, 0);
  if (!is_int) a_.check_int(rax, rdx, slow);
  a_.unbox_int(rax);
  a_.mod_by_constant(in.x);  // verified positive
  a_.box_int(rdx);
  set_result(rdx, 0, is_int);
  if (is_int) return;
  out_of_line(slow, done, [=, this] {
    generic_result(0);
  });
  a_.bind(done);
}

// ------------------------------------------------------------------ comparisons
// Ints compare in place once shifted left by 16 (order is preserved); doubles with ucomisd.
// Returns the condition codes for "a OP b" true on ints and on doubles (unsigned flags).
static Cond int_cond(Op op) {
  switch (op) {
    case Op::LT: case Op::JUMP_UNLESS_LT: return Cond::L;
    case Op::LE: case Op::JUMP_UNLESS_LE: return Cond::LE;
    case Op::GT: case Op::JUMP_UNLESS_GT: return Cond::G;
    default: return Cond::GE;
  }
}

// Both operands into rax (a) and rcx (b). Two ints are compared in place (the flags then
// answer int_cond) and true is returned; other operands jump to `not_int`. With a float
// constant on either side no int comparison is emitted: returns false.
bool BaselineCompiler::compare_ints(Label not_int) {
  load_top(rax, 1);
  load_top(rcx, 0);
  if (known_double(1) || known_double(0)) return false;
  if (!known_int(1)) a_.check_int(rax, rdx, not_int);
  if (!known_int(0)) a_.check_int(rcx, rdx, not_int);
  a_.shl(rax, uint8_t(16));
  a_.shl(rcx, uint8_t(16));
  a_.cmp(rax, rcx);
  return true;
}
// Two numbers in rax (a) and rcx (b), compared as doubles (exact for ints), else `slow`:
// sets the flags so that the returned
// condition holds exactly when "a OP b". The operands are ordered so the condition is A or AE,
// which ucomisd leaves false when either is NaN, as every ordered comparison with NaN is.
Cond BaselineCompiler::double_compare(Op op, Label slow) {
  a_.number_to_double(rax, xmm0, slow, known_double(1));
  a_.number_to_double(rcx, xmm1, slow, known_double(0));
  Cond c = int_cond(op);
  if (c == Cond::L || c == Cond::LE)
    a_.ucomisd(xmm1, xmm0);  // b > a, b >= a
  else
    a_.ucomisd(xmm0, xmm1);
  return c == Cond::L || c == Cond::G ? Cond::A : Cond::AE;
}
void BaselineCompiler::compare(Op op) {
  Label slow = a_.new_label(), not_int = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  if (compare_ints(not_int)) {
    a_.bool_from_flags(int_cond(op), rax);
    set_result(rax, 1);
    a_.jmp(done);
  }
  a_.bind(not_int);
  a_.bool_from_flags(double_compare(op, slow), rax);
  set_result(rax, 1);
  out_of_line(slow, done, [=, this] {
    generic_result(1);
  });
  a_.bind(done);
}
void BaselineCompiler::emit_LT(const Instr& in) { compare(in.op); }
void BaselineCompiler::emit_LE(const Instr& in) { compare(in.op); }
void BaselineCompiler::emit_GT(const Instr& in) { compare(in.op); }
void BaselineCompiler::emit_GE(const Instr& in) { compare(in.op); }
void BaselineCompiler::equality(bool negate) {
  Label slow = a_.new_label(), equal = a_.new_label(), unequal = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  load_top(rax, 1);
  load_top(rcx, 0);
  a_.equality_test(equal, unequal, slow);
  a_.bind(equal);
  a_.load_imm(kResult, Value::boolean(!negate));
  a_.jmp(done);
  a_.bind(unequal);
  a_.load_imm(kResult, Value::boolean(negate));
  out_of_line(slow, done, [=, this] {
    generic_result(1);
  });
  a_.bind(done);
  result_in_reg(1);
}
void BaselineCompiler::emit_EQ(const Instr&) { equality(false); }
void BaselineCompiler::emit_NE(const Instr&) { equality(true); }

// ------------------------------------------------------------------ control flow
void BaselineCompiler::emit_JUMP(const Instr& in) { a_.jmp(target(in.x)); }
// With --max-steps the back edge takes a step: `dec [vm.steps_left]` and, once negative, the
// out-of-line raise (at this instruction, like the interpreter). Without it, nothing: the
// option is fixed for the VM's life, so its code never needs the check.
void BaselineCompiler::emit_LOOP(const Instr& in) {
  if (vm_.counts_steps()) {
    Label spent = a_.new_label(), resume = a_.new_label();
    a_.dec(qword_ptr(kVm, layout_.vm_steps_left));
    a_.jcc(Cond::S, spent);
    a_.bind(resume);
    out_of_line(spent, resume, [=, this] { call_checked(raise_step_limit); });  // never returns true
  }
  count_back_edge_for_tier_up(in.x);
  a_.jmp(target(in.x));
}
void BaselineCompiler::emit_JUMP_IF_FALSE(const Instr& in) {
  flush_below(depth_ - 1);
  load_top(rax, 0);
  a_.branch_if_falsy(rax, target(in.x));
}
void BaselineCompiler::emit_JUMP_IF_TRUE(const Instr& in) {
  flush_below(depth_ - 1);
  load_top(rax, 0);
  a_.branch_if_truthy(rax, target(in.x));
}
// The operand stays in place on the taken edge (static depth keeps it there), so these see
// every operand in memory.
void BaselineCompiler::emit_AND_JUMP(const Instr& in) { emit_JUMP_IF_FALSE(in); }
void BaselineCompiler::emit_OR_JUMP(const Instr& in) { emit_JUMP_IF_TRUE(in); }

void BaselineCompiler::compare_jump(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  flush_below(depth_ - 2);
  if (in.op == Op::JUMP_UNLESS_EQ || in.op == Op::JUMP_UNLESS_NE) {
    load_top(rax, 1);
    load_top(rcx, 0);
    bool eq = in.op == Op::JUMP_UNLESS_EQ;
    a_.equality_test(eq ? done : target(in.x), eq ? target(in.x) : done, slow);
  } else {
    // Jump when the comparison is false: the negated condition.
    Label not_int = a_.new_label();
    if (compare_ints(not_int)) {
      a_.jcc(negate(int_cond(in.op)), target(in.x));
      a_.jmp(done);
    }
    a_.bind(not_int);
    a_.jcc(negate(double_compare(in.op, slow)), target(in.x));
  }
  out_of_line(slow, done, [=, this] {
    call_helper(record_ ? h_branch : h_branch_unrecorded);
    a_.test(eax, eax);
    a_.jcc(Cond::S, error_);
    a_.jcc(Cond::NE, target(in.x));
  });
  a_.bind(done);
}
void BaselineCompiler::emit_JUMP_UNLESS_LT(const Instr& in) { compare_jump(in); }
void BaselineCompiler::emit_JUMP_UNLESS_LE(const Instr& in) { compare_jump(in); }
void BaselineCompiler::emit_JUMP_UNLESS_GT(const Instr& in) { compare_jump(in); }
void BaselineCompiler::emit_JUMP_UNLESS_GE(const Instr& in) { compare_jump(in); }
void BaselineCompiler::emit_JUMP_UNLESS_EQ(const Instr& in) { compare_jump(in); }
void BaselineCompiler::emit_JUMP_UNLESS_NE(const Instr& in) { compare_jump(in); }

// ------------------------------------------------------------------ calls and objects
// A call to a compiled closure with the right arity is done inline: push the frame record,
// call its code directly. Anything else (builtins, interpreted callees, errors) goes through
// h_call, which raises exactly what the interpreter raises. The callee's unit state
// (jit/unit_state.h) holds what the sequence needs; no state or no active code: slow path.
void BaselineCompiler::emit_CALL(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  int argc = in.x;
  a_.mov(rax, top(argc));
  // Calls made from here record their callee as the interpreter's do (h_call records on the
  // slow path): auto's spec compile of this unit inlines on what it sees.
  const size_t pc = size_t(ip_ - p_.code.data());
  const void** record = record_ && pc < p_.callees.size() ? const_cast<const void**>(&p_.callees[pc]) : nullptr;
  a_.load_compiled_callee(argc, slow, record);  // (feedback is the one mutable part of a unit)
  a_.reserve_callee_frame(int32_t(p_.nslots + depth_ - argc) * 8, -1, slow);
  a_.enter_compiled_callee(ip_, vm_.counts_steps(), slow);
  a_.test(al, al);
  a_.jcc(Cond::E, error_);
  out_of_line(slow, done, [=, this] {
    call_checked(record_ ? h_call : h_call_unrecorded);
  });
  a_.bind(done);
}
// s .size and s .get i on a string inline (the receiver in rax, already an Obj* that is not an
// array): .get returns the heap's canonical 1-byte string, so it never allocates.
void BaselineCompiler::string_method(bool get, Label slow) {
  a_.cmp(byte_ptr(rax, layout_.obj_type), int8_t(ObjType::String));
  a_.jcc(Cond::NE, slow);
  a_.mov(rdx, qword_ptr(rax, layout_.string_chars + 8));  // size
  if (!get) {
    a_.or_(rdx, kIntTag);
    a_.mov(kResult, rdx);
    return;
  }
  a_.mov(rcx, qword_ptr(rax, layout_.string_chars));  // bytes
  load_top(r8, 0);
  a_.check_int(r8, r9, slow);
  a_.unbox_int(r8);
  a_.cmp(r8, rdx);
  a_.jcc(Cond::AE, slow);  // unsigned: negative indexes (and errors) through the helper
  a_.movzx(eax, byte_ptr(rcx, r8, Scale::x1));
  a_.mov_imm64(rcx, reinterpret_cast<uint64_t>(vm_.heap.char_strings()));
  a_.mov(rax, qword_ptr(rcx, rax, Scale::x8));
  a_.mov_imm64(rcx, Value::tagged(Tag::Object, 0));
  a_.or_(rax, rcx);
  a_.mov(kResult, rax);
}

// Array methods inline (.get .set .size .push within capacity), string .get and .size (these
// two leave their result in kResult); everything else, and every error, through the helper.
void BaselineCompiler::emit_CALL_METHOD(const Instr& in) {
  const Symbol* name = as_symbol(p_.consts[size_t(in.x)]);
  const auto& n = vm_.names;
  int argc = in.y;
  bool inline_get = name == n.get && argc == 1, inline_set = name == n.set && argc == 2;
  bool inline_size = name == n.size && argc == 0, inline_push = name == n.push && argc == 1;
  if (!layout_.vector_layout_ok || !(inline_get || inline_set || inline_size || inline_push)) return generic();
  Label slow = a_.new_label(), done = a_.new_label(), not_array = a_.new_label();
  bool to_reg = inline_get || inline_size;
  if (to_reg) claim_result_reg();
  load_top(rax, argc);
  bool string_too = layout_.string_layout_ok && (inline_get || inline_size);
  a_.check_object(rax, ObjType::Array, slow, string_too ? not_array : slow);
  if (inline_size) {
    a_.array_bounds(rax);
    a_.shr(rdx, uint8_t(3));
    a_.or_(rdx, kIntTag);
    a_.mov(kResult, rdx);
  } else if (inline_push) {
    a_.mov(rcx, qword_ptr(rax, layout_.array_items + 8));
    a_.cmp(rcx, qword_ptr(rax, layout_.array_items + 16));
    a_.jcc(Cond::AE, slow);  // full: the helper grows it (and accounts the growth)
    load_top(rdx, 0);
    a_.mov(qword_ptr(rcx, 0), rdx);
    a_.add(rcx, 8);
    a_.mov(qword_ptr(rax, layout_.array_items + 8), rcx);
    a_.load_imm(rdx, Value::nil());
    a_.mov(top(1), rdx);
  } else {
    a_.array_bounds(rax);
    load_top(r8, argc - 1);  // the index
    a_.checked_index(r8, slow);
    if (inline_get) {
      a_.mov(kResult, qword_ptr(rcx, r8, Scale::x1));
    } else {
      load_top(rax, 0);
      a_.mov(qword_ptr(rcx, r8, Scale::x1), rax);
      a_.load_imm(rax, Value::nil());
      a_.mov(top(2), rax);
    }
  }
  a_.jmp(done);
  if (string_too) {
    a_.bind(not_array);
    string_method(inline_get, slow);
    a_.jmp(done);
  }
  out_of_line(slow, done, [=, this] {
    if (to_reg)
      generic_result(argc);
    else
      generic();
  });
  a_.bind(done);
  if (to_reg) result_in_reg(argc);
}
// Result into the callee slot, vm.sp just above it, pop the frame record.
void BaselineCompiler::emit_RETURN(const Instr&) {
  load_top(rax, 0);
  a_.mov(qword_ptr(kBase, -8), rax);
  a_.mov(qword_ptr(kVm, layout_.vm_sp), kBase);
  a_.mov(qword_ptr(kVm, layout_.vm_frames_top), kFrame);  // our record goes (a store, no load)
  a_.mov(eax, 1);
  a_.jmp(epilogue_);
}
void BaselineCompiler::emit_CLOSURE(const Instr&) { generic(); }
void BaselineCompiler::emit_MAKE_ARRAY(const Instr&) { generic(); }
void BaselineCompiler::emit_MAKE_MAP(const Instr&) { generic(); }
// m/key with a symbol key. Each site owns one cache cell (path_cache_, in code order), the
// entry position scan_small_map checks first; a hashed map goes to the helper, and so does a
// key a store would have to insert. A key missing from a small map reads as nil.
bool BaselineCompiler::inline_symbol_path(const Instr& in) {
  return layout_.vector_layout_ok && is_obj_type(p_.consts[size_t(in.x)], ObjType::Symbol);
}
void BaselineCompiler::get_symbol_path(const Instr& in) {
  Label slow = a_.new_label(), missing = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  load_top(rax, 0);
  a_.check_map(rax, slow);
  a_.scan_small_map(rax, p_.consts[size_t(in.x)], &path_cache_[next_cache_cell_++], slow, missing);
  a_.mov(kResult, qword_ptr(rcx, 8));
  a_.jmp(done);
  a_.bind(missing);
  a_.load_imm(kResult, Value::nil());  // a missing key reads as nil
  out_of_line(slow, done, [=, this] {
    generic_result(0);
  });
  a_.bind(done);
  result_in_reg(0);
}
void BaselineCompiler::set_symbol_path(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  load_top(rax, 1);
  a_.check_map(rax, slow);
  a_.scan_small_map(rax, p_.consts[size_t(in.x)], &path_cache_[next_cache_cell_++], slow, slow);  // inserting: the helper
  load_top(rax, 0);
  a_.mov(qword_ptr(rcx, 8), rax);
  a_.mov(top(1), rax);
  out_of_line(slow, done, [=, this] {
    generic();
  });
  a_.bind(done);
}

// a/k with a constant int k on an array inline; map keys and errors through the helper.
bool BaselineCompiler::inline_index_path(const Instr& in, int64_t& k) {
  Value key = p_.consts[size_t(in.x)];
  if (!layout_.vector_layout_ok || !key.is_int() || key.as_int() < 0 || key.as_int() >= (1 << 27)) return false;
  k = key.as_int();
  return true;
}
void BaselineCompiler::emit_GET_PATH(const Instr& in) {
  if (inline_symbol_path(in)) return get_symbol_path(in);
  int64_t k;
  if (!inline_index_path(in, k)) return generic();
  Label slow = a_.new_label(), done = a_.new_label();
  claim_result_reg();
  load_top(rax, 0);
  a_.check_array(rax, slow);
  a_.array_bounds(rax);
  a_.cmp(rdx, int32_t(k * 8));
  a_.jcc(Cond::BE, slow);
  a_.mov(kResult, qword_ptr(rcx, int32_t(k * 8)));
  result_in_reg(0);
  out_of_line(slow, done, [=, this] {
    generic_result(0);
  });
  a_.bind(done);
}
void BaselineCompiler::emit_SET_PATH(const Instr& in) {
  if (inline_symbol_path(in)) return set_symbol_path(in);
  int64_t k;
  if (!inline_index_path(in, k)) return generic();
  Label slow = a_.new_label(), done = a_.new_label();
  load_top(rax, 1);
  a_.check_array(rax, slow);
  a_.array_bounds(rax);
  a_.cmp(rdx, int32_t(k * 8));
  a_.jcc(Cond::BE, slow);
  load_top(rax, 0);
  a_.mov(qword_ptr(rcx, int32_t(k * 8)), rax);
  a_.mov(top(1), rax);
  out_of_line(slow, done, [=, this] {
    generic();
  });
  a_.bind(done);
}
void BaselineCompiler::emit_FOR_PREP(const Instr&) { generic(); }
// (range a b) with the builtin and two ints inline: the loop slots get a and b. Anything
// else (another callee, bad arguments) through the helper.
void BaselineCompiler::emit_RANGE_PREP(const Instr& in) {
  Label slow = a_.new_label(), done = a_.new_label();
  const bool steps = vm_.counts_steps();
  if (steps) {  // the (range a b) call's step; the helper takes its own, as in emit_CALL
    a_.cmp(qword_ptr(kVm, layout_.vm_steps_left), 0);
    a_.jcc(Cond::LE, slow);
  }
  a_.mov(rax, top(2));
  a_.load_imm(rcx, vm_.range_builtin);
  a_.cmp(rax, rcx);
  a_.jcc(Cond::NE, slow);
  a_.mov(rax, top(1));
  a_.mov(rcx, top(0));
  a_.check_int(rax, rdx, slow);
  a_.check_int(rcx, rdx, slow);
  if (steps) a_.dec(qword_ptr(kVm, layout_.vm_steps_left));
  a_.mov(slot(in.x), rax);
  a_.mov(slot(in.x + 1), rcx);
  out_of_line(slow, done, [=, this] {
    generic();
  });
  a_.bind(done);
}
void BaselineCompiler::emit_FOR_NEXT(const Instr& in) {
  // Range mode (slot holds the next int) inline; arrays through the helper.
  Label array_mode = a_.new_label(), done = a_.new_label();
  a_.mov(rax, slot(in.y));
  a_.check_int(rax, rdx, array_mode);
  a_.mov(rcx, slot(in.y + 1));
  a_.mov(rdx, rax);
  a_.shl(rdx, uint8_t(16));
  a_.shl(rcx, uint8_t(16));
  a_.cmp(rdx, rcx);
  a_.jcc(Cond::GE, target(in.x));
  a_.mov(operand(depth_), rax);
  // cur < end <= 2^47-1, so cur+1 fits. Added to the boxed bits (a one-add chain) it is exact
  // except from -1 to 0, where the carry reaches the tag: boxed 0 is the bare tag.
  Label crossing = a_.new_label();
  a_.mov(rcx, int64_t(1));
  a_.add_to_boxed_int(rcx, rax, r8, crossing);
  a_.mov(slot(in.y), rcx);
  out_of_line(crossing, done, [=, this] { a_.mov(slot(in.y), kIntTag); });
  a_.jmp(done);
  a_.bind(array_mode);
  if (layout_.vector_layout_ok) {
    // Slot y holds the array (FOR_PREP checked it), slot y+1 the next index.
    a_.clear_tag(rax);
    a_.array_bounds(rax);
    a_.mov(r8, slot(in.y + 1));
    a_.mov(r9, r8);
    a_.shl(r8, uint8_t(16));
    a_.sar(r8, uint8_t(13));  // index * 8
    a_.cmp(r8, rdx);
    a_.jcc(Cond::AE, target(in.x));  // the live size: pushes during the loop are visited
    a_.mov(rax, qword_ptr(rcx, r8, Scale::x1));
    a_.mov(operand(depth_), rax);
    a_.add(r9, 1);  // index < size < 2^47: the tag is unaffected
    a_.mov(slot(in.y + 1), r9);
  } else {
    call_helper(h_for_next);
    a_.test(eax, eax);
    a_.jcc(Cond::E, target(in.x));
  }
  a_.bind(done);
}
void BaselineCompiler::emit_THROW(const Instr&) {
  call_helper(helper(Op::THROW));  // always raises
  a_.jmp(error_);
}

}  // namespace baseline

}  // namespace gene::jit
