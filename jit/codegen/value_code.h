// Value-level code over the x86-64 assembler: the sequences every tier emits to test, box,
// unbox, convert and compare NaN-boxed values, to scan small maps and to call runtime helpers.
// Like V8's MacroAssembler over its Assembler, it knows the value representation and the
// runtime's object layout but nothing of bytecode, operand stacks or any one compiler's state,
// so the baseline and a later specialising tier emit identical sequences for the same thing.
//
// Scratch registers are named by the caller where that is practical; the fixed ones a routine
// clobbers are listed in its comment. Register roles (kVm, kBase, kIntTag...) are in
// register_roles.h.
#pragma once
#include <cstdint>

#include "interp/object.h"
#include "interp/value.h"
#include "jit/codegen/register_roles.h"
#include "jit/codegen/runtime_layout.h"
#include "jit/x64/assembler.h"
#include "jit/native_frame.h"

namespace gene::jit {

class ValueAssembler : public x64::Assembler {
 public:
  using Reg64 = x64::Reg64;
  using Xmm = x64::Xmm;
  using Label = x64::Label;
  using Cond = x64::Cond;

  // `layout` must outlive the assembler.
  ValueAssembler(x64::CodeRange range, const Layout& layout) : Assembler(range), layout_(layout) {
    set_branch_alignment(true);  // (the JCC erratum: see Assembler::align_branch)
  }

  const Layout& layout() const { return layout_; }
  // Where the code pushed below its frame (for unwinders: NativeFrameLayout::adjustments).
  void note_stack_adjustment(uint32_t extra) { adjustments_.push_back({uint32_t(size()), extra}); }
  const std::vector<StackAdjustment>& stack_adjustments() const { return adjustments_; }

  void load_imm(Reg64 r, Value v) { mov_imm64(r, v.bits); }

  // ---- tag checks
  // Jumps to `not_int` unless r holds an int (r is preserved; tmp clobbered).
  void check_int(Reg64 r, Reg64 tmp, Label not_int);
  // Jumps to `not_double` unless r holds a double (r is preserved; tmp clobbered).
  void check_double(Reg64 r, Reg64 tmp, Label not_double);
  // r holds a value: jump to `other` unless it is a heap object of `type`; then r = the Obj*.
  // An object of another type goes to `other_object` instead, with r already the Obj*.
  // rdx clobbered.
  void check_object(Reg64 r, ObjType type, Label other, Label other_object);
  void check_object(Reg64 r, ObjType type, Label other) { check_object(r, type, other, other); }
  // The same check in three instructions fewer, untagging r in place: r holds garbage at
  // `other` (for code whose exits read values from elsewhere), and rdx is left alone.
  void check_object_in_place(Reg64 r, ObjType type, Label other);
  // The same, ending in a jump to `yes` for the object; falls through with garbage in r for
  // anything else (a branch whose other side follows).
  void jump_if_object_in_place(Reg64 r, ObjType type, Label yes);
  // Their first half: r untagged in place, or a jump to `other` for a value with another tag.
  void object_pointer_in_place(Reg64 r, Label other);
  // An int check the same way: r becomes the unboxed int (the payload << 16), or garbage at
  // `other`.
  void check_int_in_place(Reg64 r, Label other);
  void check_array(Reg64 r, Label other) { check_object(r, ObjType::Array, other); }
  void check_map(Reg64 r, Label other) { check_object(r, ObjType::Map, other); }

  // ---- boxing and unboxing
  // r <- its low 48 bits: an object's pointer, or an int's payload as an unsigned number.
  void clear_tag(Reg64 r);
  // r holds a signed int that fits 48 bits: box it.
  void box_int(Reg64 r);
  // r holds a boxed int: r <- its signed payload.
  void unbox_int(Reg64 r);
  // r holds an int's payload shifted left by 16: box it.
  void rebox_shifted_int(Reg64 r);
  // dst <- the boxed int `boxed` plus the delta already in dst (a signed payload, |delta| <
  // 2^47), added to the boxed bits directly so a loop-carried value sees a one-instruction
  // chain. That is exact unless bit 47 or a tag bit changes (the payload crossed zero, so a
  // carry or borrow reached the tag, or it overflowed 48 bits): then jump to `inexact`, whose
  // code redoes the operation the careful way. tmp is clobbered.
  void add_to_boxed_int(Reg64 dst, Reg64 boxed, Reg64 tmp, Label inexact);
  // x <- the number in r as a double (an int converts exactly: 48 bits fit the mantissa), or
  // jump to `slow` for a non-number. r and rdx are clobbered.
  void number_to_double(Reg64 r, Xmm x, Label slow, bool known_double = false);

  // ---- booleans and truthiness (r11 clobbered)
  // Sets r to true/false from the flags.
  void bool_from_flags(Cond c, Reg64 r);
  // Jumps to `falsy` if r is nil or false.
  void branch_if_falsy(Reg64 r, Label falsy);
  void branch_if_truthy(Reg64 r, Label truthy);

  // ---- equality
  // == as values_equal decides it, inline wherever the answer needs no numeric conversion or
  // string comparison. Operands in rax and rcx (both clobbered, and rdx, r8); jumps to
  // `equal`, `unequal` or (doubles, int against double, same-length strings) `slow`.
  void equality_test(Label equal, Label unequal, Label slow);

  // ---- arrays
  // Array* in `arr`: rcx = items begin, rdx = size in bytes.
  void array_bounds(Reg64 arr);
  // Int value in r -> byte offset in r, or jump to `slow` unless 0 <= index and index*8 < rdx.
  // r9 clobbered.
  void checked_index(Reg64 r, Label slow);

  // ---- maps
  // Looks up the symbol `key` in the Map* in `map`, through the site's cache cell `cell` (the
  // entry position where it last found the key; it must live as long as the code). On exit rcx
  // points at the entry; a key absent from a small map jumps to `missing`, a hashed map to
  // `slow`. rdx, r8-r11 clobbered.
  void scan_small_map(Reg64 map, Value key, uint32_t* cell, Label slow, Label missing);

  // ---- runtime helpers
  // rdx = rax % d (C's truncating remainder) for a constant 0 < d <= INT32_MAX, without idiv
  // (the quotient from d's magic reciprocal, magic_division.h). rax holds the unboxed int;
  // clobbers rax and rcx.
  void mod_by_constant(int32_t d);

  // The inline call of a compiled unit, shared by the tiers, in three steps; each jumps to
  // `slow` (the call helper, which raises exactly what the interpreter raises) when the fast
  // path does not apply.
  // 1. rax = the tagged callee: a closure whose unit has active code and arity argc leaves the
  //    closure pointer in rax, its UnitState in rdx and the body in r8 (clobbers rdx).
  //    With `callee_record` (the site's Proto::callees entry), the closure's unit is recorded
  //    there as the interpreter records it (record_callee): a spec compile of the caller can
  //    then inline it though only this code ever made the call.
  void load_compiled_callee(int32_t argc, Label slow, const void** callee_record = nullptr);
  // 2. Room for one more frame record (rcx = it; --max-depth reached: slow, where h_call raises
  //    stack_overflow) and for the callee's values from kBase + args_offset (rsi = there);
  //    frame_bytes < 0: read from the UnitState in rdx. Clobbers r9.
  void reserve_callee_frame(int32_t args_offset, int32_t frame_bytes, Label slow);
  // 3. The call's step (--max-steps), the caller's pc `caller_ip`, the callee's frame record,
  //    and the call of its body with kBase/kFrame set; al = its result (false: raised).
  void enter_compiled_callee(const void* caller_ip, bool counts_steps, Label slow);
  // vm.frames.top <- just above kFrame's record (uses r9). A compiled call does not publish
  // it for its callee: a body publishes it before anything it calls can read the frame stack
  // (the baseline at its entry, spec code before each helper that may and on its exits), and
  // every return stores its own record there, which is its caller's view again.
  void publish_frames_top();

  // Calls `fn(vm, sp, ip)` with sp = kBase + sp_offset (bytes), the operand stack top before
  // the instruction `ip`. The helper may raise, allocate and collect: the caller must have
  // written every live value at or below sp to the frame (the collector's roots end there).
  template <class Fn>
  void call_helper(Fn fn, int32_t sp_offset, const void* ip) {
    mov(x64::rdi, kVm);
    lea(x64::rsi, x64::mem(kBase, sp_offset));
    mov_imm64(x64::rdx, reinterpret_cast<uint64_t>(ip));
    call(fn);
  }
  // A helper returning bool: false -> `error` (the unit's unwinder).
  template <class Fn>
  void call_checked(Fn fn, int32_t sp_offset, const void* ip, Label error) {
    call_helper(fn, sp_offset, ip);
    test(x64::al, x64::al);
    jcc(Cond::E, error);
  }

 private:
  const Layout& layout_;
  std::vector<StackAdjustment> adjustments_;
};

}  // namespace gene::jit
