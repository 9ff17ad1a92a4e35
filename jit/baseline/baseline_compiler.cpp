#include "jit/baseline/baseline_compiler.h"

#include <chrono>
#include <cstddef>
#include <functional>

#include "interp/disasm.h"
#include "interp/object.h"
#include "jit/asm_disasm.h"
#include "jit/baseline/bytecode_facts.h"
#include "jit/baseline/deferred_operands.h"
#include "jit/baseline/int_slots.h"
#include "jit/baseline/magic_division.h"
#include "jit/baseline/runtime_layout.h"
#include "jit/runtime_helpers.h"
#include "jit/x64/assembler.h"
#include "jit/x64/code_install.h"

namespace gene::jit {

using namespace gene::x64;

namespace {

// Register roles inside compiled code (all callee-saved, so helper calls preserve them).
constexpr Reg64 kVm = rbx;        // VM*
constexpr Reg64 kBase = r12;      // frame base: slot 0
constexpr Reg64 kFrame = r13;     // this unit's Frame record
constexpr Reg64 kGlobals = r14;   // vm.globals.data()
constexpr Reg64 kIntTag = r15;    // 0xFFF9 << 48, to box ints with one `or`
constexpr Reg64 kResult = rbp;    // a deferred operand's value (DeferredOperand::Kind::Reg)

constexpr uint64_t kIntTagBits = uint64_t(Tag::Int) << 48;



class BaselineCompiler {
 public:
  BaselineCompiler(VM& vm, const Proto& p, CodeRange range, uint32_t* path_cache)
      : vm_(vm), p_(p), a_(range), layout_(vm), path_cache_(path_cache) {}

  bool compile(std::vector<uint32_t>& pc_offsets, std::vector<OutOfLineCode>& out_of_line_offsets) {
    depths_ = operand_depths(p_);
    int_slots_ = int_slots(p_);
    const std::vector<bool> targets = branch_targets(p_);
    std::vector<bool> loop_headers(p_.code.size(), false);
    for (const Instr& in : p_.code)
      if (in.op == Op::LOOP) loop_headers[size_t(in.x)] = true;
    labels_.resize(p_.code.size());
    for (auto& l : labels_) l = a_.new_label();
    error_ = a_.new_label();
    fail_ = a_.new_label();
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

  Assembler& assembler() { return a_; }
  size_t body_offset() const { return body_offset_; }
  size_t main_end() const { return main_end_; }
  size_t unwinder_begin() const { return unwinder_begin_; }

 private:
  // ------------------------------------------------------------------ frame addressing
  Mem64 slot(int i) const { return qword_ptr(kBase, int32_t(i) * 8); }
  // Operand k below the top (0 = top) before the current instruction.
  Mem64 top(int k) const { return qword_ptr(kBase, int32_t(p_.nslots + depth_ - 1 - k) * 8); }
  // The operand position `d` (absolute depth index).
  Mem64 operand(int d) const { return qword_ptr(kBase, int32_t(p_.nslots + d) * 8); }
  Label target(int pc) const { return labels_[size_t(pc)]; }

  // ------------------------------------------------------------------ deferred operands
  const DeferredOperand* deferred_top(int k) const { return deferred_.at(depth_ - 1 - k); }
  void load_deferred(Reg64 r, const DeferredOperand& d) {
    if (d.is(DeferredOperand::Kind::Local))
      a_.mov(r, slot(d.slot));
    else if (d.is(DeferredOperand::Kind::Imm))
      a_.mov_imm64(r, d.bits);
    else
      a_.mov(r, kResult);
  }
  // r <- operand k below the top, wherever it is.
  void load_top(Reg64 r, int k) {
    if (const DeferredOperand* d = deferred_top(k))
      load_deferred(r, *d);
    else
      a_.mov(r, top(k));
  }
  // True if operand k is surely an int, so its tag check can be skipped: a constant int, a
  // read of an int slot, or int arithmetic on such values still in kResult.
  bool known_int(int k) const {
    const DeferredOperand* d = deferred_top(k);
    if (!d) return false;
    if (d->is(DeferredOperand::Kind::Imm)) return Value{d->bits}.is_int();
    if (d->is(DeferredOperand::Kind::Local)) return int_slots_[size_t(d->slot)];
    return d->known_int;
  }
  // True if operand k is a constant float: an int fast path cannot apply, and its own checks go.
  bool known_double(int k) const {
    const DeferredOperand* d = deferred_top(k);
    return d && d->is(DeferredOperand::Kind::Imm) && Value{d->bits}.is_double();
  }
  void write_out(const DeferredOperand& d) {
    if (d.is(DeferredOperand::Kind::Reg)) return a_.mov(operand(d.pos), kResult);
    load_deferred(rax, d);
    a_.mov(operand(d.pos), rax);
  }
  // Writes every deferred value to memory on this path; the model still lists them (used on
  // slow paths, where the fast path keeps them deferred).
  void write_out_all() {
    for (const DeferredOperand& d : deferred_.items()) write_out(d);
  }
  // On the main path: everything to memory, nothing deferred any more.
  void flush_all() {
    write_out_all();
    deferred_.clear();
  }
  // On the main path: values at positions below `pos` to memory (they stay live across a jump).
  void flush_below(int pos) {
    for (const DeferredOperand& d : deferred_.take_if([pos](const DeferredOperand& e) { return e.pos < pos; }))
      write_out(d);
  }
  // The current instruction leaves its result (operand k before it) in kResult: a value there
  // that it does not consume goes to memory first.
  void claim_result_reg() {
    int consumed = depth_ - stack_pops(*ip_);
    auto older = [consumed](const DeferredOperand& e) { return e.is(DeferredOperand::Kind::Reg) && e.pos < consumed; };
    for (const DeferredOperand& d : deferred_.take_if(older)) write_out(d);
  }
  // is_int: the result is an int on every path that reaches the next instruction.
  void result_in_reg(int k, bool is_int = false) {
    if (pushed_.empty()) pushed_.push_back({depth_ - 1 - k, DeferredOperand::Kind::Reg, 0, 0, is_int});
  }
  // Fast path: the result is in r.
  void set_result(Reg64 r, int k, bool is_int = false) {
    a_.mov(kResult, r);
    result_in_reg(k, is_int);
  }
  // Slow path: the helper left the result in memory.
  void generic_result(int k) {
    generic();
    a_.mov(kResult, top(k));
    result_in_reg(k);
  }
  // Local `s` is about to change: values still naming it (other than position `except`) go to
  // memory first, holding the old value.
  void flush_readers_of(int32_t s, int except) {
    auto names_s = [s, except](const DeferredOperand& e) {
      return e.is(DeferredOperand::Kind::Local) && e.slot == s && e.pos != except;
    };
    for (const DeferredOperand& d : deferred_.take_if(names_s)) write_out(d);
  }

  // ------------------------------------------------------------------ entry and exit
  // The native entry (a NativeEntry, for the interpreter and helpers) saves the callee-saved
  // registers, loads the fixed ones and calls the body; compiled callers call the body directly
  // with rbx, r14 and r15 already set, r12/r13 pointing at the new frame (and save their own).
  void prologue() {
    // Six pushes + 8 bytes + return address keep rsp 16-byte aligned for the call.
    a_.push(rbp);
    a_.push(rbx);
    a_.push(r12);
    a_.push(r13);
    a_.push(r14);
    a_.push(r15);
    a_.sub(rsp, 8);
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

    // The body: entered by a call (rsp = 8 mod 16), so one 8-byte adjustment aligns helper calls.
    a_.align(16);
    a_.bind(body);
    body_offset_ = a_.size();
    a_.sub(rsp, 8);
    // A fresh call clears the slots after the arguments: compiled callers push frames inline,
    // and the collector must never see stale values there. OSR keeps them.
    if (p_.nslots > p_.nparams) {
      load_imm(rax, Value::nil());
      for (int i = p_.nparams; i < p_.nslots; i++) a_.mov(slot(i), rax);
    }
    a_.jmp(target(0));
    // OSR: start_pc (ecx) is the header of a loop; dispatch to its label.
    a_.bind(osr_body);
    a_.sub(rsp, 8);
    for (size_t pc = 0; pc < p_.code.size(); pc++) {
      const Instr& in = p_.code[pc];
      if (in.op == Op::LOOP && in.x != 0) {
        a_.cmp(ecx, in.x);
        a_.jcc(Cond::E, target(in.x));
      }
    }
    a_.jmp(target(0));
  }

  void unwinder() {
    // A helper returned false: find a handler in this unit or leave with the error.
    a_.bind(error_);
    a_.mov(rdi, kVm);
    a_.call(h_unwind);
    for (const Handler& h : p_.handlers) {
      a_.cmp(eax, h.target);
      a_.jcc(Cond::E, target(h.target));
    }
    a_.bind(fail_);
    a_.xor_(eax, eax);
    a_.bind(epilogue_);
    a_.add(rsp, 8);
    a_.ret();
  }

  // ------------------------------------------------------------------ out-of-line slow paths
  // Slow paths go after the unit's main code, so hot loops stay dense. `emit` runs later with
  // this instruction's compile state (pc, depth, deferred operands) restored, at `entry`, and
  // then jumps back to `resume`.
  struct SlowPath {
    Label entry, resume;
    int pc, depth;
    const Instr* ip;
    std::vector<DeferredOperand> deferred;
    std::function<void()> emit;
  };
  void out_of_line(Label entry, Label resume, std::function<void()> emit) {
    slow_paths_.push_back({entry, resume, pc_, depth_, ip_, deferred_.items(), std::move(emit)});
  }
  void emit_out_of_line(std::vector<OutOfLineCode>& offsets) {
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

  // ------------------------------------------------------------------ helper calls
  // rdi = vm, rsi = operand stack top, rdx = this instruction; then the helper. Helpers (and
  // the collector they may run) read the operand area, so deferred values are written first.
  template <class Fn>
  void call_helper(Fn fn) {
    write_out_all();
    a_.mov(rdi, kVm);
    a_.lea(rsi, mem(kBase, int32_t(p_.nslots + depth_) * 8));
    a_.mov_imm64(rdx, reinterpret_cast<uint64_t>(ip_));
    a_.call(fn);
  }
  // Helper returning bool: false -> unwinder.
  void call_checked(OpHelper fn) {
    call_helper(fn);
    a_.test(al, al);
    a_.jcc(Cond::E, error_);
  }
  // The current instruction's full semantics through its C++ helper (slow paths, rare ops).
  void generic() { call_checked(op_helper(ip_->op)); }

  // ------------------------------------------------------------------ value helpers
  void load_imm(Reg64 r, Value v) { a_.mov_imm64(r, v.bits); }
  // Jumps to `not_int` unless r holds an int (r is preserved; tmp clobbered).
  void check_int(Reg64 r, Reg64 tmp, Label not_int) {
    a_.mov(tmp, r);
    a_.shr(tmp, uint8_t(48));
    a_.cmp(to32(tmp), int32_t(Tag::Int));
    a_.jcc(Cond::NE, not_int);
  }
  // Jumps to `not_double` unless r holds a double.
  void check_double(Reg64 r, Reg64 tmp, Label not_double) {
    a_.mov(tmp, r);
    a_.shr(tmp, uint8_t(48));
    a_.cmp(to32(tmp), int32_t(0xFFF8));
    a_.jcc(Cond::A, not_double);
  }
  // x <- the number in r as a double (an int converts exactly: 48 bits fit the mantissa), or
  // jump to `slow` for a non-number. r is clobbered.
  // Doubles are tested first: this path is reached when an int fast path did not apply, so a
  // double is the likely case. A known double needs no test at all.
  void number_to_double(Reg64 r, Xmm x, Label slow, bool known_double = false) {
    if (known_double) return a_.movq(x, r);
    Label not_double = a_.new_label(), done = a_.new_label();
    check_double(r, rdx, not_double);
    a_.movq(x, r);
    a_.jmp(done);
    a_.bind(not_double);
    check_int(r, rdx, slow);
    unbox_int(r);
    a_.xorpd(x, x);  // cvtsi2sd merges into x: without this it waits for x's last writer
    a_.cvtsi2sd(x, r);
    a_.bind(done);
  }
  // dst <- the boxed int `boxed` plus the delta already in dst (a signed payload, |delta| <
  // 2^47), added to the boxed bits directly so a loop-carried value sees a one-instruction
  // chain. That is exact unless bit 47 or a tag bit changes (the payload crossed zero, so a
  // carry or borrow reached the tag, or it overflowed 48 bits): then jump to `inexact`, whose
  // code redoes the operation the careful way. tmp is clobbered.
  void add_to_boxed_int(Reg64 dst, Reg64 boxed, Reg64 tmp, Label inexact) {
    a_.add(dst, boxed);
    a_.mov(tmp, dst);
    a_.xor_(tmp, boxed);
    a_.shr(tmp, uint8_t(47));
    a_.jcc(Cond::NE, inexact);
  }
  // r <- its low 48 bits: an object's pointer, or an int's payload as an unsigned number.
  void clear_tag(Reg64 r) {
    a_.shl(r, uint8_t(16));
    a_.shr(r, uint8_t(16));
  }
  // r holds a signed int that fits 48 bits: box it.
  void box_int(Reg64 r) {
    clear_tag(r);
    a_.or_(r, kIntTag);
  }
  void unbox_int(Reg64 r) {
    a_.shl(r, uint8_t(16));
    a_.sar(r, uint8_t(16));
  }
  // r holds an int's payload shifted left by 16: box it.
  void rebox_shifted_int(Reg64 r) {
    a_.shr(r, uint8_t(16));
    a_.or_(r, kIntTag);
  }
  // Sets r to true/false from the flags.
  void bool_from_flags(Cond c, Reg64 r) {
    a_.setcc(c, to8(r));
    a_.movzx(to32(r), to8(r));
    a_.mov_imm64(r11, Value::boolean(false).bits);
    a_.or_(r, r11);
  }
  // Jumps to `falsy` if r is nil or false.
  void branch_if_falsy(Reg64 r, Label falsy) {
    a_.mov_imm64(r11, Value::nil().bits);
    a_.cmp(r, r11);
    a_.jcc(Cond::E, falsy);
    a_.mov_imm64(r11, Value::boolean(false).bits);
    a_.cmp(r, r11);
    a_.jcc(Cond::E, falsy);
  }
  void branch_if_truthy(Reg64 r, Label truthy) {
    Label falsy = a_.new_label();
    branch_if_falsy(r, falsy);
    a_.jmp(truthy);
    a_.bind(falsy);
  }

  // ------------------------------------------------------------------ dispatch
  void emit_instruction(const Instr& in) {
    switch (in.op) {
#define GENE_BASELINE_CASE(name, ...) \
  case Op::name: emit_##name(in); break;
      GENE_OPCODES(GENE_BASELINE_CASE)
#undef GENE_BASELINE_CASE
    }
  }

  // ------------------------------------------------------------------ constants and stack
  void push_imm(Value v) { pushed_.push_back({depth_, DeferredOperand::Kind::Imm, 0, v.bits}); }
  void emit_CONST(const Instr& in) { push_imm(p_.consts[size_t(in.x)]); }
  void emit_INT(const Instr& in) { push_imm(Value::integer(in.x)); }
  void emit_NIL(const Instr&) { push_imm(Value::nil()); }
  void emit_TRUE(const Instr&) { push_imm(Value::boolean(true)); }
  void emit_FALSE(const Instr&) { push_imm(Value::boolean(false)); }
  void emit_POP(const Instr&) {}   // operand positions are static: nothing to move
  void emit_POPN(const Instr&) {}
  void emit_UNWIND(const Instr& in) {
    a_.mov(rax, top(0));
    a_.mov(top(in.x), rax);
  }
  void emit_DUP(const Instr&) {
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
  void emit_LOAD_LOCAL(const Instr& in) { pushed_.push_back({depth_, DeferredOperand::Kind::Local, in.x, 0}); }
  void emit_STORE_LOCAL(const Instr& in) {
    const DeferredOperand* d = deferred_top(0);
    if (d && d->is(DeferredOperand::Kind::Local) && d->slot == in.x) return;  // x = x
    flush_readers_of(in.x, depth_ - 1);
    d = deferred_top(0);
    if (d && d->is(DeferredOperand::Kind::Reg)) return a_.mov(slot(in.x), kResult);
    load_top(rax, 0);
    a_.mov(slot(in.x), rax);
  }
  // The verifier proved the slot holds a Cell: strip the tag and access its value directly.
  void cell_address(int slot_index) {
    a_.mov(rax, slot(slot_index));
    clear_tag(rax);
  }
  void emit_LOAD_CELL(const Instr& in) {
    claim_result_reg();
    cell_address(in.x);
    a_.mov(rax, qword_ptr(rax, layout_.cell_value));
    set_result(rax, -1);
  }
  void emit_STORE_CELL(const Instr& in) {
    cell_address(in.x);
    load_top(rcx, 0);
    a_.mov(qword_ptr(rax, layout_.cell_value), rcx);
  }
  void emit_MAKE_CELL(const Instr&) { generic(); }
  // The running closure sits in the callee slot, base[-1]; rax <- its upvalue x's Cell*.
  void upval_cell(int x) {
    a_.mov(rax, qword_ptr(kBase, -8));
    clear_tag(rax);
    a_.mov(rax, qword_ptr(rax, layout_.closure_upvals));  // vector begin
    a_.mov(rax, qword_ptr(rax, x * 8));
  }
  void emit_LOAD_UPVAL(const Instr& in) {
    if (!layout_.vector_layout_ok) return generic();
    claim_result_reg();
    upval_cell(in.x);
    a_.mov(rax, qword_ptr(rax, layout_.cell_value));
    set_result(rax, -1);
  }
  void emit_STORE_UPVAL(const Instr& in) {
    if (!layout_.vector_layout_ok) return generic();
    upval_cell(in.x);
    load_top(rcx, 0);
    a_.mov(qword_ptr(rax, layout_.cell_value), rcx);
  }
  void emit_LOAD_GLOBAL(const Instr& in) {
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
  void emit_STORE_GLOBAL(const Instr& in) {
    Label slow = a_.new_label(), done = a_.new_label();
    a_.mov(rax, qword_ptr(kGlobals, in.x * 8));
    a_.mov_imm64(rcx, Value::undefined().bits);
    a_.cmp(rax, rcx);
    a_.jcc(Cond::E, slow);
    load_top(rax, 0);
    a_.mov(qword_ptr(kGlobals, in.x * 8), rax);
    out_of_line(slow, done, [=, this] {
      generic();
    });
    a_.bind(done);
  }
  void emit_DEFINE_GLOBAL(const Instr& in) {
    load_top(rax, 0);
    a_.mov(qword_ptr(kGlobals, in.x * 8), rax);
  }

  // ------------------------------------------------------------------ arithmetic
  enum class Arith { Add, Sub, Mul, Div };

  // a = top(1), b = top(0); the result stays in kResult. Ints, doubles and int/double mixes
  // inline; the rest (strings, errors, int overflow) via the helper.
  void arith(Arith kind) {
    Label not_int = a_.new_label(), slow = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    load_top(rax, 1);
    load_top(rcx, 0);
    bool float_a = known_double(1), float_b = known_double(0);
    // Two known ints: the result is an int or an overflow error, and no float path is needed.
    bool both_int = kind != Arith::Div && known_int(1) && known_int(0);
    if (kind != Arith::Div && !float_a && !float_b) {
      if (!known_int(1)) check_int(rax, rdx, not_int);
      if (!known_int(0)) check_int(rcx, rdx, not_int);
      if (kind == Arith::Add) {
        // a + payload(b) on a's boxed bits: the accumulator's chain stays one add long. A sum
        // that crosses zero or overflows takes the shifted path below, out of line.
        Label inexact = a_.new_label();
        a_.mov(r8, rcx);
        unbox_int(r8);
        add_to_boxed_int(r8, rax, rdx, inexact);
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
    number_to_double(rax, xmm0, slow, float_a);
    number_to_double(rcx, xmm1, slow, float_b);
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
  void shifted_int_arith(Arith kind, Label slow) {
    a_.shl(rax, uint8_t(16));
    if (kind == Arith::Mul) {
      unbox_int(rcx);
      a_.imul(rax, rcx);
    } else {
      a_.shl(rcx, uint8_t(16));
      if (kind == Arith::Add) a_.add(rax, rcx);
      if (kind == Arith::Sub) a_.sub(rax, rcx);
    }
    a_.jcc(Cond::O, slow);
    rebox_shifted_int(rax);
    a_.mov(kResult, rax);
  }
  void emit_ADD(const Instr&) { arith(Arith::Add); }
  void emit_SUB(const Instr&) { arith(Arith::Sub); }
  void emit_MUL(const Instr&) { arith(Arith::Mul); }
  void emit_DIV(const Instr&) { arith(Arith::Div); }
  void emit_MOD(const Instr&) { generic(); }
  void emit_NEG(const Instr&) { generic(); }
  void emit_POS(const Instr&) { generic(); }
  void emit_NOT(const Instr&) {
    Label falsy = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    load_top(rax, 0);
    branch_if_falsy(rax, falsy);
    load_imm(rax, Value::boolean(false));
    a_.jmp(done);
    a_.bind(falsy);
    load_imm(rax, Value::boolean(true));
    a_.bind(done);
    set_result(rax, 0);
  }

  // x (an int32 immediate) added to / subtracted from the int operand k (or, with k < 0, the
  // local in `where`); the result goes to kResult (k >= 0) or `where`.
  void arith_imm(bool subtract, const Mem64& where, int k) {
    Label slow = a_.new_label(), inexact = a_.new_label(), done = a_.new_label();
    if (k >= 0) claim_result_reg();
    if (k >= 0)
      load_top(rax, k);
    else
      a_.mov(rax, where);
    // inc_local on an int slot, or add_int/sub_int on a known int: an int result or an error.
    bool is_int = k >= 0 ? known_int(k) : int_slots_[size_t(ip_->y)];
    if (!is_int) check_int(rax, rdx, slow);
    // The immediate added to the boxed bits: i += 1 costs one add on the loop-carried chain.
    int64_t delta = subtract ? -int64_t(ip_->x) : int64_t(ip_->x);
    a_.mov(rcx, delta);
    add_to_boxed_int(rcx, rax, rdx, inexact);
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
      rebox_shifted_int(rax);
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
  void emit_ADD_INT(const Instr&) { arith_imm(false, top(0), 0); }
  void emit_SUB_INT(const Instr&) { arith_imm(true, top(0), 0); }
  void emit_INC_LOCAL(const Instr& in) {
    flush_readers_of(in.y, -1);
    arith_imm(false, slot(in.y), -1);
  }
  void emit_MOD_INT(const Instr& in) {
    Label slow = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    // A known int operand needs no check and cannot fail: no slow path at all.
    bool is_int = known_int(0);
    load_top(rax, 0);
    if (!is_int) check_int(rax, rdx, slow);
    unbox_int(rax);
    if (in.x == 1) {
      a_.xor_(edx, edx);
    } else {
      Magic m = signed_magic(uint64_t(in.x));  // verified positive
      a_.mov(rcx, rax);                        // n
      a_.mov_imm64(rdx, uint64_t(m.multiplier));
      a_.unary(UnaryOp::IMul, rdx);            // rdx:rax = n * M (signed)
      if (m.multiplier < 0) a_.add(rdx, rcx);
      if (m.shift) a_.sar(rdx, uint8_t(m.shift));
      a_.mov(rax, rcx);
      a_.shr(rax, uint8_t(63));
      a_.add(rdx, rax);                        // q, rounded toward zero
      a_.imul(rdx, rdx, in.x);
      a_.sub(rcx, rdx);                        // r = n - q * d
      a_.mov(rdx, rcx);
    }
    box_int(rdx);
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
  bool compare_ints(Label not_int) {
    load_top(rax, 1);
    load_top(rcx, 0);
    if (known_double(1) || known_double(0)) return false;
    if (!known_int(1)) check_int(rax, rdx, not_int);
    if (!known_int(0)) check_int(rcx, rdx, not_int);
    a_.shl(rax, uint8_t(16));
    a_.shl(rcx, uint8_t(16));
    a_.cmp(rax, rcx);
    return true;
  }
  // Two numbers in rax (a) and rcx (b), compared as doubles (exact for ints), else `slow`:
  // sets the flags so that the returned
  // condition holds exactly when "a OP b". The operands are ordered so the condition is A or AE,
  // which ucomisd leaves false when either is NaN, as every ordered comparison with NaN is.
  Cond double_compare(Op op, Label slow) {
    number_to_double(rax, xmm0, slow, known_double(1));
    number_to_double(rcx, xmm1, slow, known_double(0));
    Cond c = int_cond(op);
    if (c == Cond::L || c == Cond::LE)
      a_.ucomisd(xmm1, xmm0);  // b > a, b >= a
    else
      a_.ucomisd(xmm0, xmm1);
    return c == Cond::L || c == Cond::G ? Cond::A : Cond::AE;
  }
  static Cond negate(Cond c) {
    switch (c) {
      case Cond::L: return Cond::GE;
      case Cond::LE: return Cond::G;
      case Cond::G: return Cond::LE;
      case Cond::GE: return Cond::L;
      case Cond::A: return Cond::BE;
      default: return Cond::B;  // AE
    }
  }
  void compare(Op op) {
    Label slow = a_.new_label(), not_int = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    if (compare_ints(not_int)) {
      bool_from_flags(int_cond(op), rax);
      set_result(rax, 1);
      a_.jmp(done);
    }
    a_.bind(not_int);
    bool_from_flags(double_compare(op, slow), rax);
    set_result(rax, 1);
    out_of_line(slow, done, [=, this] {
      generic_result(1);
    });
    a_.bind(done);
  }
  void emit_LT(const Instr& in) { compare(in.op); }
  void emit_LE(const Instr& in) { compare(in.op); }
  void emit_GT(const Instr& in) { compare(in.op); }
  void emit_GE(const Instr& in) { compare(in.op); }
  // == as values_equal decides it, inline wherever the answer needs no numeric conversion or
  // string comparison: identical bits (not a double), two different ints, a number against a
  // non-number, immediates and objects by identity, and strings of length <= 1 (canonical, so
  // equal only if identical) or of different lengths. Operands in rax and rcx; jumps to
  // `equal`, `unequal` or (doubles, int against double, same-length strings) `slow`.
  void equality_test(Label equal, Label unequal, Label slow) {
    Label differ = a_.new_label(), a_not_number = a_.new_label();
    a_.mov(rdx, rax);
    a_.shr(rdx, uint8_t(48));
    a_.mov(r8, rcx);
    a_.shr(r8, uint8_t(48));
    a_.cmp(rax, rcx);
    a_.jcc(Cond::NE, differ);
    a_.cmp(edx, int32_t(0xFFF8));
    a_.jcc(Cond::BE, slow);  // the same double bits: NaN is not equal to itself
    a_.jmp(equal);
    a_.bind(differ);
    a_.cmp(edx, int32_t(Tag::Int));
    a_.jcc(Cond::A, a_not_number);
    a_.cmp(to32(r8), int32_t(Tag::Int));
    a_.jcc(Cond::A, unequal);  // a number and a non-number
    a_.cmp(edx, int32_t(Tag::Int));
    a_.jcc(Cond::NE, slow);
    a_.cmp(to32(r8), int32_t(Tag::Int));
    a_.jcc(Cond::NE, slow);
    a_.jmp(unequal);  // two different ints
    a_.bind(a_not_number);
    a_.cmp(to32(r8), int32_t(Tag::Int));
    a_.jcc(Cond::BE, unequal);
    if (!layout_.string_layout_ok) a_.jmp(slow);
    // Different non-numbers: only two strings can still be equal.
    a_.cmp(edx, int32_t(Tag::Object));
    a_.jcc(Cond::NE, unequal);
    a_.cmp(to32(r8), int32_t(Tag::Object));
    a_.jcc(Cond::NE, unequal);
    clear_tag(rax);
    clear_tag(rcx);
    a_.cmp(byte_ptr(rax, layout_.obj_type), int8_t(ObjType::String));
    a_.jcc(Cond::NE, unequal);
    a_.cmp(byte_ptr(rcx, layout_.obj_type), int8_t(ObjType::String));
    a_.jcc(Cond::NE, unequal);
    a_.mov(rdx, qword_ptr(rax, layout_.string_chars + 8));
    a_.cmp(rdx, qword_ptr(rcx, layout_.string_chars + 8));
    a_.jcc(Cond::NE, unequal);
    a_.cmp(rdx, 1);
    a_.jcc(Cond::BE, unequal);  // canonical short strings: different objects, different text
    a_.jmp(slow);
  }
  void equality(bool negate) {
    Label slow = a_.new_label(), equal = a_.new_label(), unequal = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    load_top(rax, 1);
    load_top(rcx, 0);
    equality_test(equal, unequal, slow);
    a_.bind(equal);
    load_imm(kResult, Value::boolean(!negate));
    a_.jmp(done);
    a_.bind(unequal);
    load_imm(kResult, Value::boolean(negate));
    out_of_line(slow, done, [=, this] {
      generic_result(1);
    });
    a_.bind(done);
    result_in_reg(1);
  }
  void emit_EQ(const Instr&) { equality(false); }
  void emit_NE(const Instr&) { equality(true); }

  // ------------------------------------------------------------------ control flow
  void emit_JUMP(const Instr& in) { a_.jmp(target(in.x)); }
  void emit_LOOP(const Instr& in) { a_.jmp(target(in.x)); }
  void emit_JUMP_IF_FALSE(const Instr& in) {
    flush_below(depth_ - 1);
    load_top(rax, 0);
    branch_if_falsy(rax, target(in.x));
  }
  void emit_JUMP_IF_TRUE(const Instr& in) {
    flush_below(depth_ - 1);
    load_top(rax, 0);
    branch_if_truthy(rax, target(in.x));
  }
  // The operand stays in place on the taken edge (static depth keeps it there), so these see
  // every operand in memory.
  void emit_AND_JUMP(const Instr& in) { emit_JUMP_IF_FALSE(in); }
  void emit_OR_JUMP(const Instr& in) { emit_JUMP_IF_TRUE(in); }

  void compare_jump(const Instr& in) {
    Label slow = a_.new_label(), done = a_.new_label();
    flush_below(depth_ - 2);
    if (in.op == Op::JUMP_UNLESS_EQ || in.op == Op::JUMP_UNLESS_NE) {
      load_top(rax, 1);
      load_top(rcx, 0);
      bool eq = in.op == Op::JUMP_UNLESS_EQ;
      equality_test(eq ? done : target(in.x), eq ? target(in.x) : done, slow);
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
      call_helper(h_branch);
      a_.test(eax, eax);
      a_.jcc(Cond::S, error_);
      a_.jcc(Cond::NE, target(in.x));
    });
    a_.bind(done);
  }
  void emit_JUMP_UNLESS_LT(const Instr& in) { compare_jump(in); }
  void emit_JUMP_UNLESS_LE(const Instr& in) { compare_jump(in); }
  void emit_JUMP_UNLESS_GT(const Instr& in) { compare_jump(in); }
  void emit_JUMP_UNLESS_GE(const Instr& in) { compare_jump(in); }
  void emit_JUMP_UNLESS_EQ(const Instr& in) { compare_jump(in); }
  void emit_JUMP_UNLESS_NE(const Instr& in) { compare_jump(in); }

  // ------------------------------------------------------------------ calls and objects
  // A call to a compiled closure with the right arity is done inline: push the frame record,
  // call its code directly. Anything else (builtins, interpreted callees, errors) goes through
  // h_call, which raises exactly what the interpreter raises.
  void emit_CALL(const Instr& in) {
    const Layout& L = layout_;
    Label slow = a_.new_label(), done = a_.new_label();
    int argc = in.x;
    a_.mov(rax, top(argc));
    check_object(rax, ObjType::Closure, slow);
    a_.mov(rdx, qword_ptr(rax, L.closure_proto));
    a_.mov(r8, qword_ptr(rdx, L.proto_jit_body));
    a_.test(r8, r8);
    a_.jcc(Cond::E, slow);
    a_.cmp(dword_ptr(rdx, L.proto_nparams), argc);
    a_.jcc(Cond::NE, slow);
    a_.mov(rcx, qword_ptr(kVm, L.vm_frames_top));
    a_.cmp(rcx, qword_ptr(kVm, L.vm_frames_limit));
    a_.jcc(Cond::AE, slow);  // --max-depth reached: h_call raises stack_overflow
    a_.lea(rsi, mem(kBase, int32_t(p_.nslots + depth_ - argc) * 8));
    a_.movsxd(r9, dword_ptr(rdx, L.proto_frame_bytes));
    a_.add(r9, rsi);
    a_.cmp(r9, qword_ptr(kVm, L.vm_stack_end));
    a_.jcc(Cond::A, slow);
    // Our own pc, for unwinding if the callee fails; then the callee's frame record.
    a_.mov_imm64(r9, reinterpret_cast<uint64_t>(ip_));
    a_.mov(qword_ptr(kFrame, int32_t(offsetof(Frame, pc))), r9);
    a_.mov(qword_ptr(rcx, int32_t(offsetof(Frame, closure))), rax);
    a_.mov(r9, qword_ptr(rdx, L.proto_code_begin));
    a_.mov(qword_ptr(rcx, int32_t(offsetof(Frame, pc))), r9);
    a_.mov(qword_ptr(rcx, int32_t(offsetof(Frame, base))), rsi);
    a_.mov(byte_ptr(rcx, int32_t(offsetof(Frame, entry))), int8_t(1));
    a_.lea(r9, mem(rcx, int32_t(sizeof(Frame))));
    a_.mov(qword_ptr(kVm, L.vm_frames_top), r9);
    a_.push(kBase);  // two pushes: rsp stays 16-byte aligned
    a_.push(kFrame);
    a_.mov(kBase, rsi);
    a_.mov(kFrame, rcx);
    a_.call(r8);
    a_.pop(kFrame);
    a_.pop(kBase);
    a_.test(al, al);
    a_.jcc(Cond::E, error_);
    out_of_line(slow, done, [=, this] {
      call_checked(h_call);
    });
    a_.bind(done);
  }
  // r holds a value: jump to `other` unless it is a heap object of `type`; then r = the Obj*.
  // An object of another type goes to `other_object` instead, with r already the Obj*.
  void check_object(Reg64 r, ObjType type, Label other, Label other_object) {
    a_.mov(rdx, r);
    a_.shr(rdx, uint8_t(48));
    a_.cmp(edx, int32_t(Tag::Object));
    a_.jcc(Cond::NE, other);
    clear_tag(r);
    a_.cmp(byte_ptr(r, layout_.obj_type), int8_t(type));
    a_.jcc(Cond::NE, other_object);
  }
  void check_object(Reg64 r, ObjType type, Label other) { check_object(r, type, other, other); }
  void check_array(Reg64 r, Label other) { check_object(r, ObjType::Array, other); }
  void check_map(Reg64 r, Label other) { check_object(r, ObjType::Map, other); }
  // Array* in `arr`: rcx = items begin, rdx = size in bytes.
  void array_bounds(Reg64 arr) {
    a_.mov(rcx, qword_ptr(arr, layout_.array_items));
    a_.mov(rdx, qword_ptr(arr, layout_.array_items + 8));
    a_.sub(rdx, rcx);
  }
  // Int value in r -> byte offset in r, or jump to `slow` unless 0 <= index and index*8 < rdx.
  void checked_index(Reg64 r, Label slow) {
    check_int(r, r9, slow);
    unbox_int(r);
    a_.shl(r, uint8_t(3));
    a_.cmp(r, rdx);
    a_.jcc(Cond::AE, slow);  // unsigned: negative indexes fail too
  }

  // s .size and s .get i on a string inline (the receiver in rax, already an Obj* that is not an
  // array): .get returns the heap's canonical 1-byte string, so it never allocates.
  void string_method(bool get, Label slow) {
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
    check_int(r8, r9, slow);
    unbox_int(r8);
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
  void emit_CALL_METHOD(const Instr& in) {
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
    check_object(rax, ObjType::Array, slow, string_too ? not_array : slow);
    if (inline_size) {
      array_bounds(rax);
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
      load_imm(rdx, Value::nil());
      a_.mov(top(1), rdx);
    } else {
      array_bounds(rax);
      load_top(r8, argc - 1);  // the index
      checked_index(r8, slow);
      if (inline_get) {
        a_.mov(kResult, qword_ptr(rcx, r8, Scale::x1));
      } else {
        load_top(rax, 0);
        a_.mov(qword_ptr(rcx, r8, Scale::x1), rax);
        load_imm(rax, Value::nil());
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
  void emit_RETURN(const Instr&) {
    load_top(rax, 0);
    a_.mov(qword_ptr(kBase, -8), rax);
    a_.mov(qword_ptr(kVm, layout_.vm_sp), kBase);
    a_.sub(qword_ptr(kVm, layout_.vm_frames_top), int32_t(sizeof(Frame)));
    a_.mov(eax, 1);
    a_.jmp(epilogue_);
  }
  void emit_CLOSURE(const Instr&) { generic(); }
  void emit_MAKE_ARRAY(const Instr&) { generic(); }
  void emit_MAKE_MAP(const Instr&) { generic(); }
  // m/key with a symbol key. Each site has a cache cell holding the entry position where it
  // last found its key: if the map's entry there holds the key (any map: entries are the
  // authoritative, insertion-ordered storage), that is the answer. Otherwise a small map (no
  // hash index: at most 8 entries, the struct-like case) is scanned inline and the cell
  // updated; a hashed map goes to `slow`. On exit rcx points at the entry; a key absent from a
  // small map jumps to `missing`.
  void scan_small_map(Reg64 map, Value key, Label slow, Label missing) {
    uint32_t* cell = &path_cache_[next_cache_cell_++];
    Label scan = a_.new_label(), loop = a_.new_label(), found = a_.new_label(), hit = a_.new_label();
    a_.mov(rcx, qword_ptr(map, layout_.map_entries));
    a_.mov(rdx, qword_ptr(map, layout_.map_entries + 8));
    a_.mov_imm64(r10, key.bits);
    a_.mov_imm64(r9, reinterpret_cast<uint64_t>(cell));
    a_.mov(to32(r8), dword_ptr(r9, 0));
    a_.shl(r8, uint8_t(4));  // sizeof(Map::Entry)
    a_.add(r8, rcx);
    a_.cmp(r8, rdx);
    a_.jcc(Cond::AE, scan);
    a_.cmp(qword_ptr(r8, 0), r10);
    a_.jcc(Cond::NE, scan);
    a_.mov(rcx, r8);
    a_.jmp(hit);
    a_.bind(scan);
    a_.mov(r8, qword_ptr(map, layout_.map_index));
    a_.cmp(r8, qword_ptr(map, layout_.map_index + 8));
    a_.jcc(Cond::NE, slow);  // hashed: the helper looks it up
    a_.mov(r8, rcx);         // entries begin
    a_.bind(loop);
    a_.cmp(rcx, rdx);
    a_.jcc(Cond::AE, missing);
    a_.cmp(qword_ptr(rcx, 0), r10);
    a_.jcc(Cond::E, found);
    a_.add(rcx, int32_t(sizeof(Map::Entry)));
    a_.jmp(loop);
    a_.bind(found);
    a_.mov(r11, rcx);
    a_.sub(r11, r8);
    a_.shr(r11, uint8_t(4));
    a_.mov(dword_ptr(r9, 0), to32(r11));
    a_.bind(hit);
  }
  bool inline_symbol_path(const Instr& in) {
    return layout_.vector_layout_ok && is_obj_type(p_.consts[size_t(in.x)], ObjType::Symbol);
  }
  void get_symbol_path(const Instr& in) {
    Label slow = a_.new_label(), missing = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    load_top(rax, 0);
    check_map(rax, slow);
    scan_small_map(rax, p_.consts[size_t(in.x)], slow, missing);
    a_.mov(kResult, qword_ptr(rcx, 8));
    a_.jmp(done);
    a_.bind(missing);
    load_imm(kResult, Value::nil());  // a missing key reads as nil
    out_of_line(slow, done, [=, this] {
      generic_result(0);
    });
    a_.bind(done);
    result_in_reg(0);
  }
  void set_symbol_path(const Instr& in) {
    Label slow = a_.new_label(), done = a_.new_label();
    load_top(rax, 1);
    check_map(rax, slow);
    scan_small_map(rax, p_.consts[size_t(in.x)], slow, slow);  // inserting: the helper
    load_top(rax, 0);
    a_.mov(qword_ptr(rcx, 8), rax);
    a_.mov(top(1), rax);
    out_of_line(slow, done, [=, this] {
      generic();
    });
    a_.bind(done);
  }

  // a/k with a constant int k on an array inline; map keys and errors through the helper.
  bool inline_index_path(const Instr& in, int64_t& k) {
    Value key = p_.consts[size_t(in.x)];
    if (!layout_.vector_layout_ok || !key.is_int() || key.as_int() < 0 || key.as_int() >= (1 << 27)) return false;
    k = key.as_int();
    return true;
  }
  void emit_GET_PATH(const Instr& in) {
    if (inline_symbol_path(in)) return get_symbol_path(in);
    int64_t k;
    if (!inline_index_path(in, k)) return generic();
    Label slow = a_.new_label(), done = a_.new_label();
    claim_result_reg();
    load_top(rax, 0);
    check_array(rax, slow);
    array_bounds(rax);
    a_.cmp(rdx, int32_t(k * 8));
    a_.jcc(Cond::BE, slow);
    a_.mov(kResult, qword_ptr(rcx, int32_t(k * 8)));
    result_in_reg(0);
    out_of_line(slow, done, [=, this] {
      generic_result(0);
    });
    a_.bind(done);
  }
  void emit_SET_PATH(const Instr& in) {
    if (inline_symbol_path(in)) return set_symbol_path(in);
    int64_t k;
    if (!inline_index_path(in, k)) return generic();
    Label slow = a_.new_label(), done = a_.new_label();
    load_top(rax, 1);
    check_array(rax, slow);
    array_bounds(rax);
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
  void emit_FOR_PREP(const Instr&) { generic(); }
  // (range a b) with the builtin and two ints inline: the loop slots get a and b. Anything
  // else (another callee, bad arguments) through the helper.
  void emit_RANGE_PREP(const Instr& in) {
    Label slow = a_.new_label(), done = a_.new_label();
    a_.mov(rax, top(2));
    load_imm(rcx, vm_.range_builtin);
    a_.cmp(rax, rcx);
    a_.jcc(Cond::NE, slow);
    a_.mov(rax, top(1));
    a_.mov(rcx, top(0));
    check_int(rax, rdx, slow);
    check_int(rcx, rdx, slow);
    a_.mov(slot(in.x), rax);
    a_.mov(slot(in.x + 1), rcx);
    out_of_line(slow, done, [=, this] {
      generic();
    });
    a_.bind(done);
  }
  void emit_FOR_NEXT(const Instr& in) {
    // Range mode (slot holds the next int) inline; arrays through the helper.
    Label array_mode = a_.new_label(), done = a_.new_label();
    a_.mov(rax, slot(in.y));
    check_int(rax, rdx, array_mode);
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
    add_to_boxed_int(rcx, rax, r8, crossing);
    a_.mov(slot(in.y), rcx);
    out_of_line(crossing, done, [=, this] { a_.mov(slot(in.y), kIntTag); });
    a_.jmp(done);
    a_.bind(array_mode);
    if (layout_.vector_layout_ok) {
      // Slot y holds the array (FOR_PREP checked it), slot y+1 the next index.
      clear_tag(rax);
      array_bounds(rax);
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
  void emit_THROW(const Instr&) {
    call_helper(op_helper(Op::THROW));  // always raises
    a_.jmp(error_);
  }

  VM& vm_;
  const Proto& p_;
  Assembler a_;
  std::vector<Label> labels_;
  std::vector<bool> int_slots_;  // slots that hold an int wherever read (int_slots.h)
  std::vector<int> depths_;
  Layout layout_;
  DeferredOperands deferred_;
  std::vector<DeferredOperand> pushed_;  // what the current instruction pushes without code
  Label error_, fail_, epilogue_;
  size_t body_offset_ = 0;
  size_t main_end_ = 0, unwinder_begin_ = 0;
  uint32_t* path_cache_ = nullptr;  // one cell per symbol-path site (CompiledCode owns them)
  size_t next_cache_cell_ = 0;
  std::vector<SlowPath> slow_paths_;
  int pc_ = 0;
  int depth_ = 0;
  const Instr* ip_ = nullptr;
};

}  // namespace

bool baseline_handles(Op op) {
  // Every opcode has an emit_<NAME> member: the switch in emit_instruction would not compile
  // otherwise. This answers at run time for the coverage test.
  switch (op) {
#define GENE_BASELINE_KNOWN(name, ...) case Op::name:
    GENE_OPCODES(GENE_BASELINE_KNOWN)
#undef GENE_BASELINE_KNOWN
    return true;
  }
  return false;
}

CompileStatus compile_baseline(VM& vm, const Proto& p, CodeCache& cache, CompiledCode& out) {
  auto t0 = std::chrono::steady_clock::now();
  // The cache cells of symbol-path sites live as long as the code (CompiledCode owns them);
  // sized before emitting, so their addresses are fixed.
  size_t sites = 0;
  for (const Instr& in : p.code)
    if ((in.op == Op::GET_PATH || in.op == Op::SET_PATH) && is_obj_type(p.consts[size_t(in.x)], ObjType::Symbol))
      sites++;
  out.path_cache.assign(sites, 0);
  BaselineCompiler c(vm, p, code_range(cache), out.path_cache.data());
  if (!c.compile(out.pc_offsets, out.out_of_line)) return CompileStatus::EncoderError;
  out.main_end = uint32_t(c.main_end());
  out.unwinder_begin = uint32_t(c.unwinder_begin());
  CodeBlock block;
  CodeCacheStatus st = install_code(cache, c.assembler(), &block);
  if (st == CodeCacheStatus::InvalidArgument) return CompileStatus::EncoderError;
  if (st != CodeCacheStatus::Ok) return CompileStatus::CodeCacheFull;
  out.block = block;
  out.entry = block.entry<NativeEntry>();
  Proto& mp = const_cast<Proto&>(p);  // the inline call sequence of compiled callers reads these
  mp.code_begin = p.code.data();
  mp.jit_body = block.start + c.body_offset();
  mp.frame_bytes = (p.nslots + p.max_stack + 1) * int32_t(sizeof(Value));
  out.compile_ns = uint64_t(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now() - t0)
                                .count());
  return CompileStatus::Ok;
}

std::string dump_baseline(const VM& vm, const Proto& p, const CompiledCode& code) {
  std::string out = "== " + unit_name(p) + " (unit " + std::to_string(p.id) +
                    ", " + std::to_string(code.block.size) + " bytes)\n";
  auto machine_code = [&](size_t begin, size_t end) {
    if (end <= begin) return;
    std::span<const uint8_t> bytes(code.block.start + begin, end - begin);
    for (const DisasmLine& l : disassemble(bytes, code.block.address() + begin))
      out += "      " + l.hex + std::string(l.hex.size() < 30 ? 30 - l.hex.size() : 1, ' ') + l.text + "\n";
  };
  for (size_t pc = 0; pc < p.code.size(); pc++) {
    out += "  " + std::to_string(pc) + ": " + format_instr(vm, p, p.code[pc]) + "\n";
    machine_code(code.pc_offsets[pc], pc + 1 < p.code.size() ? code.pc_offsets[pc + 1] : code.main_end);
  }
  // Slow paths sit after the main code; each belongs to one instruction.
  for (size_t i = 0; i < code.out_of_line.size(); i++) {
    const OutOfLineCode& o = code.out_of_line[i];
    out += "  slow path of " + std::to_string(o.pc) + ": " + format_instr(vm, p, p.code[o.pc]) + "\n";
    machine_code(o.offset, i + 1 < code.out_of_line.size() ? code.out_of_line[i + 1].offset : code.unwinder_begin);
  }
  return out;
}

}  // namespace gene::jit
