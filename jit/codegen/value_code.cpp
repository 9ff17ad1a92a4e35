// The value-code sequences declared in value_code.h. Each is emitted exactly as the baseline
// tier has always emitted it; changing one changes every tier's code.
#include "jit/codegen/value_code.h"

#include "interp/type_feedback.h"
#include "jit/codegen/magic_division.h"

#include <cstddef>

namespace gene::jit {

using namespace gene::x64;

void ValueAssembler::mod_by_constant(int32_t d) {
  if (d == 1) {
    xor_(edx, edx);
    return;
  }
  Magic m = signed_magic(uint64_t(d));
  mov(rcx, rax);  // n
  mov_imm64(rdx, uint64_t(m.multiplier));
  unary(UnaryOp::IMul, rdx);  // rdx:rax = n * M (signed)
  if (m.multiplier < 0) add(rdx, rcx);
  if (m.shift) sar(rdx, uint8_t(m.shift));
  mov(rax, rcx);
  shr(rax, uint8_t(63));
  add(rdx, rax);  // q, rounded toward zero
  imul(rdx, rdx, d);
  sub(rcx, rdx);  // r = n - q * d
  mov(rdx, rcx);
}

void ValueAssembler::load_compiled_callee(int32_t argc, Label slow, const void** callee_record) {
  const Layout& L = layout_;
  check_object(rax, ObjType::Closure, slow);
  mov(rdx, qword_ptr(rax, L.closure_proto));
  if (callee_record) {
    // The same unit as last time: one compare. None yet: it. Another: megamorphic.
    static_assert(sizeof(kMegamorphic) == 8);
    Label done = new_label(), other = new_label();
    mov(r8, int64_t(reinterpret_cast<uintptr_t>(callee_record)));
    cmp(qword_ptr(r8, 0), rdx);
    jcc(Cond::E, done);
    cmp(qword_ptr(r8, 0), int32_t(0));
    jcc(Cond::NE, other);
    mov(qword_ptr(r8, 0), rdx);
    jmp(done);
    bind(other);
    mov(qword_ptr(r8, 0), int32_t(reinterpret_cast<uintptr_t>(kMegamorphic)));
    bind(done);
  }
  mov(rdx, qword_ptr(rdx, L.proto_jit_unit));
  test(rdx, rdx);
  jcc(Cond::E, slow);
  mov(r8, qword_ptr(rdx, L.unit_body));
  test(r8, r8);
  jcc(Cond::E, slow);
  cmp(dword_ptr(rdx, L.unit_nparams), argc);
  jcc(Cond::NE, slow);
}

void ValueAssembler::reserve_callee_frame(int32_t args_offset, int32_t frame_bytes, Label slow) {
  const Layout& L = layout_;
  // The frame stack's top is just above our own record (compiled code always runs in the top
  // frame): computing it keeps each call off the store-to-load chain through vm.frames_top.
  lea(rcx, mem(kFrame, int32_t(sizeof(Frame))));
  cmp(rcx, qword_ptr(kVm, L.vm_frames_limit));
  jcc(Cond::AE, slow);
  lea(rsi, mem(kBase, args_offset));
  if (frame_bytes >= 0) {
    lea(r9, mem(rsi, frame_bytes));
  } else {
    movsxd(r9, dword_ptr(rdx, L.unit_frame_bytes));
    add(r9, rsi);
  }
  cmp(r9, qword_ptr(kVm, L.vm_stack_end));
  jcc(Cond::A, slow);
}

void ValueAssembler::publish_frames_top() {
  lea(r9, mem(kFrame, int32_t(sizeof(Frame))));
  mov(qword_ptr(kVm, layout_.vm_frames_top), r9);
}

void ValueAssembler::enter_compiled_callee(const void* caller_ip, bool counts_steps, Label slow) {
  const Layout& L = layout_;
  if (counts_steps) {
    // The call's step. h_call takes its own, so the inline path takes it only once nothing
    // can send it there: with no step left, h_call takes the last one and raises step_limit.
    cmp(qword_ptr(kVm, L.vm_steps_left), 0);
    jcc(Cond::LE, slow);
    dec(qword_ptr(kVm, L.vm_steps_left));
  }
  // Our own pc, for unwinding if the callee fails; then the callee's frame record. Its pc is
  // left to the callee: compiled code writes its frame's pc before anything reads it (each
  // helper call syncs it, each call stores it as above, an exit writes the deopt point's).
  mov_imm64(r9, reinterpret_cast<uint64_t>(caller_ip));
  mov(qword_ptr(kFrame, int32_t(offsetof(Frame, pc))), r9);
  mov(qword_ptr(rcx, int32_t(offsetof(Frame, closure))), rax);
  mov(qword_ptr(rcx, int32_t(offsetof(Frame, base))), rsi);
  mov(byte_ptr(rcx, int32_t(offsetof(Frame, entry))), int8_t(1));
  // (vm.frames.top is the callee's to publish: publish_frames_top.)
  push(kBase);  // two pushes: rsp stays 16-byte aligned
  note_stack_adjustment(8);
  push(kFrame);
  note_stack_adjustment(16);
  mov(kBase, rsi);
  mov(kFrame, rcx);
  call(r8);
  pop(kFrame);
  note_stack_adjustment(8);
  pop(kBase);
  note_stack_adjustment(0);
}

void ValueAssembler::check_int(Reg64 r, Reg64 tmp, Label not_int) {
  mov(tmp, r);
  shr(tmp, uint8_t(48));
  cmp(to32(tmp), int32_t(Tag::Int));
  jcc(Cond::NE, not_int);
}

void ValueAssembler::check_double(Reg64 r, Reg64 tmp, Label not_double) {
  mov(tmp, r);
  shr(tmp, uint8_t(48));
  cmp(to32(tmp), int32_t(0xFFF8));
  jcc(Cond::A, not_double);
}

void ValueAssembler::check_object(Reg64 r, ObjType type, Label other, Label other_object) {
  mov(rdx, r);
  shr(rdx, uint8_t(48));
  cmp(edx, int32_t(Tag::Object));
  jcc(Cond::NE, other);
  clear_tag(r);
  cmp(byte_ptr(r, layout_.obj_type), int8_t(type));
  jcc(Cond::NE, other_object);
}

void ValueAssembler::object_pointer_in_place(Reg64 r, Label other) {
  // r - (object tag << 48) is below 2^48 exactly when r's tag is the object tag, and it is
  // then the pointer.
  sub(r, qword_ptr(kVm, layout_.vm_object_tag_bits));
  cmp(r, qword_ptr(kVm, layout_.vm_untagged_limit));
  jcc(Cond::AE, other);
}

void ValueAssembler::check_object_in_place(Reg64 r, ObjType type, Label other) {
  object_pointer_in_place(r, other);
  cmp(byte_ptr(r, layout_.obj_type), int8_t(type));
  jcc(Cond::NE, other);
}

void ValueAssembler::jump_if_object_in_place(Reg64 r, ObjType type, Label yes) {
  Label other = new_label();
  object_pointer_in_place(r, other);
  cmp(byte_ptr(r, layout_.obj_type), int8_t(type));
  jcc(Cond::E, yes);
  bind(other);
}

void ValueAssembler::check_int_in_place(Reg64 r, Label other) {
  sub(r, kIntTag);  // below 2^48 exactly for an int, and then its payload
  cmp(r, qword_ptr(kVm, layout_.vm_untagged_limit));
  jcc(Cond::AE, other);
  shl(r, uint8_t(16));
}

void ValueAssembler::clear_tag(Reg64 r) {
  shl(r, uint8_t(16));
  shr(r, uint8_t(16));
}

void ValueAssembler::box_int(Reg64 r) {
  clear_tag(r);
  or_(r, kIntTag);
}

void ValueAssembler::unbox_int(Reg64 r) {
  shl(r, uint8_t(16));
  sar(r, uint8_t(16));
}

void ValueAssembler::rebox_shifted_int(Reg64 r) {
  shr(r, uint8_t(16));
  or_(r, kIntTag);
}

void ValueAssembler::add_to_boxed_int(Reg64 dst, Reg64 boxed, Reg64 tmp, Label inexact) {
  add(dst, boxed);
  mov(tmp, dst);
  xor_(tmp, boxed);
  shr(tmp, uint8_t(47));
  jcc(Cond::NE, inexact);
}

// Doubles are tested first: this is reached when an int fast path did not apply, so a double
// is the likely case. A known double needs no test at all.
void ValueAssembler::number_to_double(Reg64 r, Xmm x, Label slow, bool known_double) {
  if (known_double) return movq(x, r);
  Label not_double = new_label(), done = new_label();
  check_double(r, rdx, not_double);
  movq(x, r);
  jmp(done);
  bind(not_double);
  check_int(r, rdx, slow);
  unbox_int(r);
  xorpd(x, x);  // cvtsi2sd merges into x: without this it waits for x's last writer
  cvtsi2sd(x, r);
  bind(done);
}

void ValueAssembler::bool_from_flags(Cond c, Reg64 r) {
  setcc(c, to8(r));
  movzx(to32(r), to8(r));
  mov_imm64(r11, Value::boolean(false).bits);
  or_(r, r11);
}

void ValueAssembler::branch_if_falsy(Reg64 r, Label falsy) {
  mov_imm64(r11, Value::nil().bits);
  cmp(r, r11);
  jcc(Cond::E, falsy);
  mov_imm64(r11, Value::boolean(false).bits);
  cmp(r, r11);
  jcc(Cond::E, falsy);
}

void ValueAssembler::branch_if_truthy(Reg64 r, Label truthy) {
  Label falsy = new_label();
  branch_if_falsy(r, falsy);
  jmp(truthy);
  bind(falsy);
}

// Inline: identical bits (not a double), two different ints, a number against a non-number,
// immediates and objects by identity, and strings of length <= 1 (canonical, so equal only if
// identical) or of different lengths.
void ValueAssembler::equality_test(Label equal, Label unequal, Label slow) {
  Label differ = new_label(), a_not_number = new_label();
  mov(rdx, rax);
  shr(rdx, uint8_t(48));
  mov(r8, rcx);
  shr(r8, uint8_t(48));
  cmp(rax, rcx);
  jcc(Cond::NE, differ);
  cmp(edx, int32_t(0xFFF8));
  jcc(Cond::BE, slow);  // the same double bits: NaN is not equal to itself
  jmp(equal);
  bind(differ);
  cmp(edx, int32_t(Tag::Int));
  jcc(Cond::A, a_not_number);
  cmp(to32(r8), int32_t(Tag::Int));
  jcc(Cond::A, unequal);  // a number and a non-number
  cmp(edx, int32_t(Tag::Int));
  jcc(Cond::NE, slow);
  cmp(to32(r8), int32_t(Tag::Int));
  jcc(Cond::NE, slow);
  jmp(unequal);  // two different ints
  bind(a_not_number);
  cmp(to32(r8), int32_t(Tag::Int));
  jcc(Cond::BE, unequal);
  if (!layout_.string_layout_ok) jmp(slow);
  // Different non-numbers: only two strings can still be equal.
  cmp(edx, int32_t(Tag::Object));
  jcc(Cond::NE, unequal);
  cmp(to32(r8), int32_t(Tag::Object));
  jcc(Cond::NE, unequal);
  clear_tag(rax);
  clear_tag(rcx);
  cmp(byte_ptr(rax, layout_.obj_type), int8_t(ObjType::String));
  jcc(Cond::NE, unequal);
  cmp(byte_ptr(rcx, layout_.obj_type), int8_t(ObjType::String));
  jcc(Cond::NE, unequal);
  mov(rdx, qword_ptr(rax, layout_.string_chars + 8));
  cmp(rdx, qword_ptr(rcx, layout_.string_chars + 8));
  jcc(Cond::NE, unequal);
  cmp(rdx, 1);
  jcc(Cond::BE, unequal);  // canonical short strings: different objects, different text
  jmp(slow);
}

void ValueAssembler::array_bounds(Reg64 arr) {
  mov(rcx, qword_ptr(arr, layout_.array_items));
  mov(rdx, qword_ptr(arr, layout_.array_items + 8));
  sub(rdx, rcx);
}

void ValueAssembler::checked_index(Reg64 r, Label slow) {
  check_int(r, r9, slow);
  unbox_int(r);
  shl(r, uint8_t(3));
  cmp(r, rdx);
  jcc(Cond::AE, slow);  // unsigned: negative indexes fail too
}

// If the map's entry at the cached position holds the key (any map: entries are the
// authoritative, insertion-ordered storage), that is the answer. Otherwise a small map (no
// hash index: at most 8 entries, the struct-like case) is scanned and the cell updated.
void ValueAssembler::scan_small_map(Reg64 map, Value key, uint32_t* cell, Label slow, Label missing) {
  Label scan = new_label(), loop = new_label(), found = new_label(), hit = new_label();
  mov(rcx, qword_ptr(map, layout_.map_entries));
  mov(rdx, qword_ptr(map, layout_.map_entries + 8));
  mov_imm64(r10, key.bits);
  mov_imm64(r9, reinterpret_cast<uint64_t>(cell));
  mov(to32(r8), dword_ptr(r9, 0));
  shl(r8, uint8_t(4));  // sizeof(Map::Entry)
  add(r8, rcx);
  cmp(r8, rdx);
  jcc(Cond::AE, scan);
  cmp(qword_ptr(r8, 0), r10);
  jcc(Cond::NE, scan);
  mov(rcx, r8);
  jmp(hit);
  bind(scan);
  mov(r8, qword_ptr(map, layout_.map_index));
  cmp(r8, qword_ptr(map, layout_.map_index + 8));
  jcc(Cond::NE, slow);  // hashed: the helper looks it up
  mov(r8, rcx);         // entries begin
  bind(loop);
  cmp(rcx, rdx);
  jcc(Cond::AE, missing);
  cmp(qword_ptr(rcx, 0), r10);
  jcc(Cond::E, found);
  add(rcx, int32_t(sizeof(Map::Entry)));
  jmp(loop);
  bind(found);
  mov(r11, rcx);
  sub(r11, r8);
  shr(r11, uint8_t(4));
  mov(dword_ptr(r9, 0), to32(r11));
  bind(hit);
}

}  // namespace gene::jit
