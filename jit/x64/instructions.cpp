// Instruction emitters. Each family is a small table plus one helper on top of the shared
// encoders in assembler.cpp; the public overloads only translate typed operands into
// (width, register number / memory operand).
#include <algorithm>
#include <cstring>

#include "jit/x64/assembler.h"

namespace gene::x64 {

using detail::Opcode;

namespace {

constexpr bool is_int8(int64_t v) { return v >= -128 && v <= 127; }
constexpr bool is_int32(int64_t v) { return v >= INT32_MIN && v <= INT32_MAX; }

// Byte registers 4..7 are spl/bpl/sil/dil only when a REX prefix is present; without one the
// same numbers select ah/ch/dh/bh.
constexpr bool byte_reg_needs_rex(uint8_t code) { return code >= 4 && code < 8; }

constexpr Opcode op1(uint8_t b, bool w = false) { return Opcode{0, w, 1, {b, 0}}; }
constexpr Opcode op0f(uint8_t b, bool w = false, uint8_t prefix = 0) {
  return Opcode{prefix, w, 2, {0x0F, b}};
}

struct UnaryEncoding {
  uint8_t opcode8;  // byte form
  uint8_t opcode;   // 32/64-bit form
  uint8_t digit;
};
constexpr UnaryEncoding kUnary[] = {
    {0xFE, 0xFF, 0},  // Inc
    {0xFE, 0xFF, 1},  // Dec
    {0xF6, 0xF7, 2},  // Not
    {0xF6, 0xF7, 3},  // Neg
    {0xF6, 0xF7, 4},  // Mul
    {0xF6, 0xF7, 5},  // IMul
    {0xF6, 0xF7, 6},  // Div
    {0xF6, 0xF7, 7},  // IDiv
};

}  // namespace

// ---- Family helpers ----------------------------------------------------------------------------
// `width` is the operand size in bytes: 1 selects the byte opcode, 8 sets REX.W.

void Assembler::note_fusible(size_t start, size_t fixups_before, size_t relocs_before) {
  bool movable = fixups_.size() == fixups_before && relocs_.size() == relocs_before;
  fusible_start_ = movable ? start : SIZE_MAX;
  fusible_end_ = movable ? pos_ : SIZE_MAX;
}

void Assembler::alu_rm_reg(AluOp op, int width, Rm dst, uint8_t src) {
  const size_t start = pos_, nf = fixups_.size(), nr = relocs_.size();
  const uint8_t row = uint8_t(uint8_t(op) * 8);
  const bool force =
      width == 1 && (byte_reg_needs_rex(src) || (!dst.mem && byte_reg_needs_rex(dst.reg)));
  emit_rm(op1(uint8_t(row + (width == 1 ? 0 : 1)), width == 8), src, dst, force);
  note_fusible(start, nf, nr);
}

void Assembler::alu_reg_rm(AluOp op, int width, uint8_t dst, Rm src) {
  const size_t start = pos_, nf = fixups_.size(), nr = relocs_.size();
  const uint8_t row = uint8_t(uint8_t(op) * 8);
  const bool force = width == 1 && byte_reg_needs_rex(dst);
  emit_rm(op1(uint8_t(row + (width == 1 ? 2 : 3)), width == 8), dst, src, force);
  note_fusible(start, nf, nr);
}

void Assembler::alu_imm(AluOp op, int width, Rm dst, int32_t imm) {
  const size_t start = pos_, nf = fixups_.size(), nr = relocs_.size();
  alu_imm_body(op, width, dst, imm);
  note_fusible(start, nf, nr);
}

void Assembler::alu_imm_body(AluOp op, int width, Rm dst, int32_t imm) {
  const uint8_t row = uint8_t(uint8_t(op) * 8);
  const uint8_t digit = uint8_t(op);
  const bool accumulator = !dst.mem && dst.reg == 0;
  if (width == 1) {
    if (accumulator) {  // op al, imm8: no ModRM
      reserve(16);
      put(uint8_t(row + 4));
      put(uint8_t(imm));
      return;
    }
    emit_rm(op1(0x80), digit, dst, !dst.mem && byte_reg_needs_rex(dst.reg), 1);
    put(uint8_t(imm));
  } else if (is_int8(imm)) {
    emit_rm(op1(0x83, width == 8), digit, dst, false, 1);
    put(uint8_t(imm));
  } else if (accumulator) {  // op eax/rax, imm32: no ModRM
    reserve(16);
    if (width == 8) put(0x48);
    put(uint8_t(row + 5));
    put32(uint32_t(imm));
  } else {
    emit_rm(op1(0x81, width == 8), digit, dst, false, 4);
    put32(uint32_t(imm));
  }
}

void Assembler::test_rm_reg(int width, Rm a, uint8_t b) {
  const size_t start = pos_, nf = fixups_.size(), nr = relocs_.size();
  const bool force = width == 1 && (byte_reg_needs_rex(b) || (!a.mem && byte_reg_needs_rex(a.reg)));
  emit_rm(op1(width == 1 ? 0x84 : 0x85, width == 8), b, a, force);
  note_fusible(start, nf, nr);
}

void Assembler::test_imm(int width, Rm a, int32_t imm) {
  const size_t start = pos_, nf = fixups_.size(), nr = relocs_.size();
  test_imm_body(width, a, imm);
  note_fusible(start, nf, nr);
}

// test has no sign-extended imm8 form, only the accumulator short forms.
void Assembler::test_imm_body(int width, Rm a, int32_t imm) {
  if (!a.mem && a.reg == 0) {
    reserve(16);
    if (width == 8) put(0x48);
    put(width == 1 ? 0xA8 : 0xA9);
    put_imm(imm, width == 1 ? 1 : 4);
    return;
  }
  rm_full_imm(0xF6, width, a, imm);
}

void Assembler::mov_rm_imm(int width, Rm dst, int32_t imm) { rm_full_imm(0xC6, width, dst, imm); }

// `op8 /0 ib` for bytes, `op8+1 /0 id` otherwise (imm32 sign-extended for 64-bit): the shape
// test and mov share for immediates they cannot shorten to imm8.
void Assembler::rm_full_imm(uint8_t op8, int width, Rm rm, int32_t imm) {
  if (width == 1) {
    emit_rm(op1(op8), 0, rm, !rm.mem && byte_reg_needs_rex(rm.reg), 1);
    put(uint8_t(imm));
  } else {
    emit_rm(op1(uint8_t(op8 + 1), width == 8), 0, rm, false, 4);
    put32(uint32_t(imm));
  }
}

void Assembler::unary_rm(UnaryOp op, int width, Rm x) {
  const UnaryEncoding& e = kUnary[uint8_t(op)];
  const bool force = width == 1 && !x.mem && byte_reg_needs_rex(x.reg);
  emit_rm(op1(width == 1 ? e.opcode8 : e.opcode, width == 8), e.digit, x, force);
}

void Assembler::shift_imm(ShiftOp op, int width, Rm x, uint8_t count) {
  const bool force = width == 1 && !x.mem && byte_reg_needs_rex(x.reg);
  if (count == 1) {  // D0/D1: shift by one, no immediate byte
    emit_rm(op1(width == 1 ? 0xD0 : 0xD1, width == 8), uint8_t(op), x, force);
    return;
  }
  emit_rm(op1(width == 1 ? 0xC0 : 0xC1, width == 8), uint8_t(op), x, force, 1);
  put(count);
}

void Assembler::bts(Reg64 r, uint8_t bit) {
  if (bit > 63) return fail(AsmStatus::InvalidOperand);
  emit_rm(op0f(0xBA, true), 5, rm_reg(r.code), false, 1);
  put(bit);
}

void Assembler::shift_cl(ShiftOp op, int width, Rm x, Reg8 count) {
  if (count != cl) fail(AsmStatus::InvalidOperand);  // the hardware only shifts by cl
  const bool force = width == 1 && !x.mem && byte_reg_needs_rex(x.reg);
  emit_rm(op1(width == 1 ? 0xD2 : 0xD3, width == 8), uint8_t(op), x, force);
}

void Assembler::imul_rm(bool w, uint8_t dst, Rm src) { emit_rm(op0f(0xAF, w), dst, src); }

void Assembler::imul_rm_imm(bool w, uint8_t dst, Rm src, int32_t imm) {
  if (is_int8(imm)) {
    emit_rm(op1(0x6B, w), dst, src, false, 1);
    put(uint8_t(imm));
  } else {
    emit_rm(op1(0x69, w), dst, src, false, 4);
    put32(uint32_t(imm));
  }
}

void Assembler::sse_rm(uint8_t prefix, bool w, uint8_t opcode, uint8_t reg, Rm rm) {
  emit_rm(op0f(opcode, w, prefix), reg, rm);
}

// ---- Data movement -----------------------------------------------------------------------------

void Assembler::mov(Reg64 d, Reg64 s) { emit_rm(op1(0x89, true), s.code, rm_reg(d.code)); }
void Assembler::mov(Reg32 d, Reg32 s) { emit_rm(op1(0x89), s.code, rm_reg(d.code)); }
void Assembler::mov(Reg8 d, Reg8 s) {
  emit_rm(op1(0x88), s.code, rm_reg(d.code),
          byte_reg_needs_rex(s.code) || byte_reg_needs_rex(d.code));
}
void Assembler::mov(Reg64 d, const Mem64& s) { emit_rm(op1(0x8B, true), d.code, rm_mem(s)); }
void Assembler::mov(Reg32 d, const Mem32& s) { emit_rm(op1(0x8B), d.code, rm_mem(s)); }
void Assembler::mov(Reg8 d, const Mem8& s) {
  emit_rm(op1(0x8A), d.code, rm_mem(s), byte_reg_needs_rex(d.code));
}
void Assembler::mov(const Mem64& d, Reg64 s) { emit_rm(op1(0x89, true), s.code, rm_mem(d)); }
void Assembler::mov(const Mem32& d, Reg32 s) { emit_rm(op1(0x89), s.code, rm_mem(d)); }
void Assembler::mov(const Mem8& d, Reg8 s) {
  emit_rm(op1(0x88), s.code, rm_mem(d), byte_reg_needs_rex(s.code));
}

void Assembler::mov(Reg64 d, int64_t imm) {
  if (uint64_t(imm) <= UINT32_MAX) {
    // Writing a 32-bit register zero-extends, so this is the same operation, 5 bytes shorter.
    emit_opcode_reg(false, false, 0xB8, d.code);
    put32(uint32_t(imm));
  } else if (is_int32(imm)) {
    mov_rm_imm(8, rm_reg(d.code), int32_t(imm));
  } else {
    mov_imm64(d, uint64_t(imm));
  }
}
void Assembler::mov(Reg32 d, int32_t imm) {
  emit_opcode_reg(false, false, 0xB8, d.code);
  put32(uint32_t(imm));
}
void Assembler::mov(Reg8 d, int8_t imm) {
  emit_opcode_reg(false, byte_reg_needs_rex(d.code), 0xB0, d.code);
  put(uint8_t(imm));
}
void Assembler::mov(const Mem64& d, int32_t imm) { mov_rm_imm(8, rm_mem(d), imm); }
void Assembler::mov(const Mem32& d, int32_t imm) { mov_rm_imm(4, rm_mem(d), imm); }
void Assembler::mov(const Mem8& d, int8_t imm) { mov_rm_imm(1, rm_mem(d), imm); }
void Assembler::mov_imm64(Reg64 d, uint64_t imm) {
  emit_opcode_reg(true, false, 0xB8, d.code);
  put64(imm);
}

void Assembler::movzx(Reg32 d, Reg8 s) {
  emit_rm(op0f(0xB6), d.code, rm_reg(s.code), byte_reg_needs_rex(s.code));
}
void Assembler::movzx(Reg32 d, const Mem8& s) { emit_rm(op0f(0xB6), d.code, rm_mem(s)); }
void Assembler::movzx(Reg64 d, Reg8 s) { emit_rm(op0f(0xB6, true), d.code, rm_reg(s.code)); }
void Assembler::movzx(Reg64 d, const Mem8& s) { emit_rm(op0f(0xB6, true), d.code, rm_mem(s)); }
void Assembler::movsx(Reg32 d, Reg8 s) {
  emit_rm(op0f(0xBE), d.code, rm_reg(s.code), byte_reg_needs_rex(s.code));
}
void Assembler::movsx(Reg32 d, const Mem8& s) { emit_rm(op0f(0xBE), d.code, rm_mem(s)); }
void Assembler::movsx(Reg64 d, Reg8 s) { emit_rm(op0f(0xBE, true), d.code, rm_reg(s.code)); }
void Assembler::movsx(Reg64 d, const Mem8& s) { emit_rm(op0f(0xBE, true), d.code, rm_mem(s)); }
void Assembler::movsxd(Reg64 d, Reg32 s) { emit_rm(op1(0x63, true), d.code, rm_reg(s.code)); }
void Assembler::movsxd(Reg64 d, const Mem32& s) { emit_rm(op1(0x63, true), d.code, rm_mem(s)); }

void Assembler::lea(Reg64 d, const Mem& s) { emit_rm(op1(0x8D, true), d.code, rm_mem(s)); }

// push/pop default to 64-bit operands in long mode: no REX.W.
void Assembler::push(Reg64 r) { emit_opcode_reg(false, false, 0x50, r.code); }
void Assembler::push(int32_t imm) {
  reserve(16);
  if (is_int8(imm)) {
    put(0x6A);
    put(uint8_t(imm));
  } else {
    put(0x68);
    put32(uint32_t(imm));
  }
}
void Assembler::push(const Mem64& m) { emit_rm(op1(0xFF), 6, rm_mem(m)); }
void Assembler::pop(Reg64 r) { emit_opcode_reg(false, false, 0x58, r.code); }
void Assembler::pop(const Mem64& m) { emit_rm(op1(0x8F), 0, rm_mem(m)); }

// ---- Integer arithmetic ------------------------------------------------------------------------

void Assembler::alu(AluOp op, Reg64 d, Reg64 s) { alu_rm_reg(op, 8, rm_reg(d.code), s.code); }
void Assembler::alu(AluOp op, Reg32 d, Reg32 s) { alu_rm_reg(op, 4, rm_reg(d.code), s.code); }
void Assembler::alu(AluOp op, Reg8 d, Reg8 s) { alu_rm_reg(op, 1, rm_reg(d.code), s.code); }
void Assembler::alu(AluOp op, Reg64 d, const Mem64& s) { alu_reg_rm(op, 8, d.code, rm_mem(s)); }
void Assembler::alu(AluOp op, Reg32 d, const Mem32& s) { alu_reg_rm(op, 4, d.code, rm_mem(s)); }
void Assembler::alu(AluOp op, Reg8 d, const Mem8& s) { alu_reg_rm(op, 1, d.code, rm_mem(s)); }
void Assembler::alu(AluOp op, const Mem64& d, Reg64 s) { alu_rm_reg(op, 8, rm_mem(d), s.code); }
void Assembler::alu(AluOp op, const Mem32& d, Reg32 s) { alu_rm_reg(op, 4, rm_mem(d), s.code); }
void Assembler::alu(AluOp op, const Mem8& d, Reg8 s) { alu_rm_reg(op, 1, rm_mem(d), s.code); }
void Assembler::alu(AluOp op, Reg64 d, int32_t imm) { alu_imm(op, 8, rm_reg(d.code), imm); }
void Assembler::alu(AluOp op, Reg32 d, int32_t imm) { alu_imm(op, 4, rm_reg(d.code), imm); }
void Assembler::alu(AluOp op, Reg8 d, int8_t imm) { alu_imm(op, 1, rm_reg(d.code), imm); }
void Assembler::alu(AluOp op, const Mem64& d, int32_t imm) { alu_imm(op, 8, rm_mem(d), imm); }
void Assembler::alu(AluOp op, const Mem32& d, int32_t imm) { alu_imm(op, 4, rm_mem(d), imm); }
void Assembler::alu(AluOp op, const Mem8& d, int8_t imm) { alu_imm(op, 1, rm_mem(d), imm); }

void Assembler::test(Reg64 a, Reg64 b) { test_rm_reg(8, rm_reg(a.code), b.code); }
void Assembler::test(Reg32 a, Reg32 b) { test_rm_reg(4, rm_reg(a.code), b.code); }
void Assembler::test(Reg8 a, Reg8 b) { test_rm_reg(1, rm_reg(a.code), b.code); }
void Assembler::test(const Mem64& a, Reg64 b) { test_rm_reg(8, rm_mem(a), b.code); }
void Assembler::test(const Mem32& a, Reg32 b) { test_rm_reg(4, rm_mem(a), b.code); }
void Assembler::test(const Mem8& a, Reg8 b) { test_rm_reg(1, rm_mem(a), b.code); }
void Assembler::test(Reg64 a, int32_t imm) { test_imm(8, rm_reg(a.code), imm); }
void Assembler::test(Reg32 a, int32_t imm) { test_imm(4, rm_reg(a.code), imm); }
void Assembler::test(Reg8 a, int8_t imm) { test_imm(1, rm_reg(a.code), imm); }
void Assembler::test(const Mem64& a, int32_t imm) { test_imm(8, rm_mem(a), imm); }
void Assembler::test(const Mem32& a, int32_t imm) { test_imm(4, rm_mem(a), imm); }
void Assembler::test(const Mem8& a, int8_t imm) { test_imm(1, rm_mem(a), imm); }

void Assembler::imul(Reg64 d, Reg64 s) { imul_rm(true, d.code, rm_reg(s.code)); }
void Assembler::imul(Reg32 d, Reg32 s) { imul_rm(false, d.code, rm_reg(s.code)); }
void Assembler::imul(Reg64 d, const Mem64& s) { imul_rm(true, d.code, rm_mem(s)); }
void Assembler::imul(Reg32 d, const Mem32& s) { imul_rm(false, d.code, rm_mem(s)); }
void Assembler::imul(Reg64 d, Reg64 s, int32_t imm) {
  imul_rm_imm(true, d.code, rm_reg(s.code), imm);
}
void Assembler::imul(Reg32 d, Reg32 s, int32_t imm) {
  imul_rm_imm(false, d.code, rm_reg(s.code), imm);
}
void Assembler::imul(Reg64 d, const Mem64& s, int32_t imm) {
  imul_rm_imm(true, d.code, rm_mem(s), imm);
}
void Assembler::imul(Reg32 d, const Mem32& s, int32_t imm) {
  imul_rm_imm(false, d.code, rm_mem(s), imm);
}

void Assembler::cqo() {
  reserve(16);
  put(0x48);
  put(0x99);
}
void Assembler::cdq() {
  reserve(16);
  put(0x99);
}

void Assembler::unary(UnaryOp op, Reg64 r) { unary_rm(op, 8, rm_reg(r.code)); }
void Assembler::unary(UnaryOp op, Reg32 r) { unary_rm(op, 4, rm_reg(r.code)); }
void Assembler::unary(UnaryOp op, Reg8 r) { unary_rm(op, 1, rm_reg(r.code)); }
void Assembler::unary(UnaryOp op, const Mem64& m) { unary_rm(op, 8, rm_mem(m)); }
void Assembler::unary(UnaryOp op, const Mem32& m) { unary_rm(op, 4, rm_mem(m)); }
void Assembler::unary(UnaryOp op, const Mem8& m) { unary_rm(op, 1, rm_mem(m)); }

void Assembler::shift(ShiftOp op, Reg64 r, uint8_t n) { shift_imm(op, 8, rm_reg(r.code), n); }
void Assembler::shift(ShiftOp op, Reg32 r, uint8_t n) { shift_imm(op, 4, rm_reg(r.code), n); }
void Assembler::shift(ShiftOp op, Reg8 r, uint8_t n) { shift_imm(op, 1, rm_reg(r.code), n); }
void Assembler::shift(ShiftOp op, const Mem64& m, uint8_t n) { shift_imm(op, 8, rm_mem(m), n); }
void Assembler::shift(ShiftOp op, const Mem32& m, uint8_t n) { shift_imm(op, 4, rm_mem(m), n); }
void Assembler::shift(ShiftOp op, const Mem8& m, uint8_t n) { shift_imm(op, 1, rm_mem(m), n); }
void Assembler::shift(ShiftOp op, Reg64 r, Reg8 c) { shift_cl(op, 8, rm_reg(r.code), c); }
void Assembler::shift(ShiftOp op, Reg32 r, Reg8 c) { shift_cl(op, 4, rm_reg(r.code), c); }
void Assembler::shift(ShiftOp op, Reg8 r, Reg8 c) { shift_cl(op, 1, rm_reg(r.code), c); }
void Assembler::shift(ShiftOp op, const Mem64& m, Reg8 c) { shift_cl(op, 8, rm_mem(m), c); }
void Assembler::shift(ShiftOp op, const Mem32& m, Reg8 c) { shift_cl(op, 4, rm_mem(m), c); }
void Assembler::shift(ShiftOp op, const Mem8& m, Reg8 c) { shift_cl(op, 1, rm_mem(m), c); }

void Assembler::setcc(Cond c, Reg8 d) {
  emit_rm(op0f(uint8_t(0x90 + uint8_t(c))), 0, rm_reg(d.code), byte_reg_needs_rex(d.code));
}
void Assembler::setcc(Cond c, const Mem8& d) {
  emit_rm(op0f(uint8_t(0x90 + uint8_t(c))), 0, rm_mem(d));
}
void Assembler::cmovcc(Cond c, Reg64 d, Reg64 s) {
  emit_rm(op0f(uint8_t(0x40 + uint8_t(c)), true), d.code, rm_reg(s.code));
}
void Assembler::cmovcc(Cond c, Reg32 d, Reg32 s) {
  emit_rm(op0f(uint8_t(0x40 + uint8_t(c))), d.code, rm_reg(s.code));
}
void Assembler::cmovcc(Cond c, Reg64 d, const Mem64& s) {
  emit_rm(op0f(uint8_t(0x40 + uint8_t(c)), true), d.code, rm_mem(s));
}
void Assembler::cmovcc(Cond c, Reg32 d, const Mem32& s) {
  emit_rm(op0f(uint8_t(0x40 + uint8_t(c))), d.code, rm_mem(s));
}

// ---- Control flow ------------------------------------------------------------------------------

void Assembler::align_branch(size_t len, bool fusible) {
  if (!align_branches_) return;
  const bool fused = fusible && fusible_end_ == pos_ && (last_bind_ == SIZE_MAX || last_bind_ <= fusible_start_);
  const size_t start = fused ? fusible_start_ : pos_;
  const size_t end = pos_ + len;
  if (start / 32 == (end - 1) / 32 && end % 32 != 0) return;
  const size_t pad = 32 - start % 32;
  reserve(pad + 16);
  // Labels bound where the padding goes (a loop's head, whose compare moves down) mark the
  // instruction after it: their jumps skip the nops (forward ones already patched are patched
  // again; a short one might not reach, so then they stay).
  if (last_bind_ == start && std::none_of(patched_at_last_.begin(), patched_at_last_.end(), [&](int32_t i) {
        return fixups_[size_t(i)].kind == FixupKind::Rel8;
      })) {
    for (int32_t id : bound_at_last_) label_pos_[size_t(id)] = int32_t(start + pad);
    for (int32_t i : patched_at_last_) patch(fixups_[size_t(i)], int64_t(start + pad));
    last_bind_ = start + pad;
  }
  if (fused) {
    // The compare moves down to the next line; anything that refers to its old offset (a
    // label bound there, a recorded pc offset) now reaches the nops in front of it.
    std::memmove(&buf_[start + pad], &buf_[start], pos_ - start);
    const size_t moved_end = pos_ + pad;
    pos_ = start;
    nop(pad);
    pos_ = moved_end;
    fusible_start_ = fusible_end_ = SIZE_MAX;
  } else {
    nop(pad);
  }
}

// A bound label within rel8 of a 2-byte jump at the current offset.
static bool short_reach(int64_t target, size_t pos) { return target - int64_t(pos + 2) >= -128 && target - int64_t(pos + 2) <= 127; }

void Assembler::jmp(Label t) {
  align_branch(is_bound(t) && short_reach(label_pos_[t.id], pos_) ? 2 : 5, false);
  reserve(16);
  if (is_bound(t)) {
    const int64_t rel = int64_t(label_pos_[t.id]) - int64_t(pos_ + 2);
    if (is_int8(rel)) {
      put(0xEB);
      put(uint8_t(rel));
      return;
    }
  }
  put(0xE9);
  emit_label_ref(t, FixupKind::Rel32, uint32_t(pos_ + 4), 0);
}

void Assembler::jcc(Cond c, Label t) {
  align_branch(is_bound(t) && short_reach(label_pos_[t.id], pos_) ? 2 : 6, true);
  reserve(16);
  if (is_bound(t)) {
    const int64_t rel = int64_t(label_pos_[t.id]) - int64_t(pos_ + 2);
    if (is_int8(rel)) {
      put(uint8_t(0x70 + uint8_t(c)));
      put(uint8_t(rel));
      return;
    }
  }
  put(0x0F);
  put(uint8_t(0x80 + uint8_t(c)));
  emit_label_ref(t, FixupKind::Rel32, uint32_t(pos_ + 4), 0);
}

void Assembler::jmp_short(Label t) {
  align_branch(2, false);
  reserve(16);
  put(0xEB);
  emit_label_ref(t, FixupKind::Rel8, uint32_t(pos_ + 1), 0);
}

void Assembler::jcc_short(Cond c, Label t) {
  align_branch(2, true);
  reserve(16);
  put(uint8_t(0x70 + uint8_t(c)));
  emit_label_ref(t, FixupKind::Rel8, uint32_t(pos_ + 1), 0);
}

void Assembler::jmp(Reg64 t) {
  align_branch(t.code >= 8 ? 3 : 2, false);
  emit_rm(op1(0xFF), 4, rm_reg(t.code));
}
void Assembler::jmp(const Mem64& t) { emit_rm(op1(0xFF), 4, rm_mem(t)); }
void Assembler::jmp(const void* t) { branch_abs(0xE9, 4, t); }

void Assembler::call(Label t) {
  align_branch(5, false);
  reserve(16);
  put(0xE8);
  emit_label_ref(t, FixupKind::Rel32, uint32_t(pos_ + 4), 0);
}
void Assembler::call(Reg64 t) {
  align_branch(t.code >= 8 ? 3 : 2, false);
  emit_rm(op1(0xFF), 2, rm_reg(t.code));
}
void Assembler::call(const Mem64& t) { emit_rm(op1(0xFF), 2, rm_mem(t)); }
void Assembler::call(const void* t) { branch_abs(0xE8, 2, t); }

// rel32 works only if the target is within +-2 GiB of wherever the code ends up; checking both
// ends of the placement range covers every address in between.
void Assembler::branch_abs(uint8_t rel32_opcode, uint8_t indirect_digit, const void* target) {
  const uint64_t t = reinterpret_cast<uintptr_t>(target);
  if (placement_.known() && is_int32(int64_t(t - placement_.begin)) &&
      is_int32(int64_t(t - placement_.end))) {
    align_branch(5, false);
    reserve(16);
    put(rel32_opcode);
    relocs_.push_back(AbsReloc{uint32_t(pos_), t});
    put32(0);
    return;
  }
  mov(kScratch, int64_t(t));
  align_branch(kScratch.code >= 8 ? 3 : 2, false);
  emit_rm(op1(0xFF), indirect_digit, rm_reg(kScratch.code));
}

void Assembler::ret() {
  align_branch(1, false);
  reserve(16);
  put(0xC3);
}

// ---- SSE2 --------------------------------------------------------------------------------------

void Assembler::movsd(Xmm d, Xmm s) { sse_rm(0xF2, false, 0x10, d.code, rm_reg(s.code)); }
void Assembler::movsd(Xmm d, const Mem64& s) { sse_rm(0xF2, false, 0x10, d.code, rm_mem(s)); }
void Assembler::movsd(const Mem64& d, Xmm s) { sse_rm(0xF2, false, 0x11, s.code, rm_mem(d)); }
void Assembler::movapd(Xmm d, Xmm s) { sse_rm(0x66, false, 0x28, d.code, rm_reg(s.code)); }
void Assembler::movq(Xmm d, Reg64 s) { sse_rm(0x66, true, 0x6E, d.code, rm_reg(s.code)); }
void Assembler::movq(Reg64 d, Xmm s) { sse_rm(0x66, true, 0x7E, s.code, rm_reg(d.code)); }

void Assembler::sse(SseOp op, Xmm d, Xmm s) {
  sse_rm(0xF2, false, uint8_t(op), d.code, rm_reg(s.code));
}
void Assembler::sse(SseOp op, Xmm d, const Mem64& s) {
  sse_rm(0xF2, false, uint8_t(op), d.code, rm_mem(s));
}

void Assembler::ucomisd(Xmm a, Xmm b) { sse_rm(0x66, false, 0x2E, a.code, rm_reg(b.code)); }
void Assembler::ucomisd(Xmm a, const Mem64& b) { sse_rm(0x66, false, 0x2E, a.code, rm_mem(b)); }
void Assembler::comisd(Xmm a, Xmm b) { sse_rm(0x66, false, 0x2F, a.code, rm_reg(b.code)); }
void Assembler::comisd(Xmm a, const Mem64& b) { sse_rm(0x66, false, 0x2F, a.code, rm_mem(b)); }
void Assembler::cvtsi2sd(Xmm d, Reg64 s) { sse_rm(0xF2, true, 0x2A, d.code, rm_reg(s.code)); }
void Assembler::cvtsi2sd(Xmm d, Reg32 s) { sse_rm(0xF2, false, 0x2A, d.code, rm_reg(s.code)); }
void Assembler::cvtsi2sd(Xmm d, const Mem64& s) { sse_rm(0xF2, true, 0x2A, d.code, rm_mem(s)); }
void Assembler::cvtsi2sd(Xmm d, const Mem32& s) { sse_rm(0xF2, false, 0x2A, d.code, rm_mem(s)); }
void Assembler::cvttsd2si(Reg64 d, Xmm s) { sse_rm(0xF2, true, 0x2C, d.code, rm_reg(s.code)); }
void Assembler::cvttsd2si(Reg32 d, Xmm s) { sse_rm(0xF2, false, 0x2C, d.code, rm_reg(s.code)); }
void Assembler::cvttsd2si(Reg64 d, const Mem64& s) { sse_rm(0xF2, true, 0x2C, d.code, rm_mem(s)); }
void Assembler::cvttsd2si(Reg32 d, const Mem64& s) { sse_rm(0xF2, false, 0x2C, d.code, rm_mem(s)); }
void Assembler::xorpd(Xmm d, Xmm s) { sse_rm(0x66, false, 0x57, d.code, rm_reg(s.code)); }
void Assembler::xorpd(Xmm d, const Mem128& s) { sse_rm(0x66, false, 0x57, d.code, rm_mem(s)); }
void Assembler::andpd(Xmm d, Xmm s) { sse_rm(0x66, false, 0x54, d.code, rm_reg(s.code)); }
void Assembler::andpd(Xmm d, const Mem128& s) { sse_rm(0x66, false, 0x54, d.code, rm_mem(s)); }
void Assembler::roundsd(Xmm d, Xmm s, uint8_t mode) {
  emit_rm(detail::Opcode{0x66, false, 3, {0x0F, 0x3A, 0x0B}}, d.code, rm_reg(s.code), false, 1);
  put(mode);
}

// ---- Padding, traps and data -------------------------------------------------------------------

void Assembler::nop(size_t bytes) {
  // The multi-byte NOP sequences recommended by the Intel SDM (NOP r/m with a dummy address),
  // which decode as one instruction each and so cost one slot instead of `bytes`.
  static constexpr uint8_t kNops[9][9] = {
      {0x90},
      {0x66, 0x90},
      {0x0F, 0x1F, 0x00},
      {0x0F, 0x1F, 0x40, 0x00},
      {0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00},
      {0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00},
      {0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
      {0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
  };
  while (bytes > 0) {
    const size_t n = bytes < 9 ? bytes : 9;
    reserve(16);
    std::memcpy(&buf_[pos_], kNops[n - 1], n);
    pos_ += n;
    bytes -= n;
  }
}

void Assembler::align(size_t alignment) {
  if (alignment == 0 || (alignment & (alignment - 1)) != 0) return fail(AsmStatus::InvalidOperand);
  nop((alignment - pos_ % alignment) % alignment);
}

void Assembler::int3() {
  reserve(16);
  put(0xCC);
}

void Assembler::ud2() {
  reserve(16);
  put(0x0F);
  put(0x0B);
}

void Assembler::db(uint8_t v) {
  reserve(16);
  put(v);
}

void Assembler::dd(uint32_t v) {
  reserve(16);
  put32(v);
}

void Assembler::dq(uint64_t v) {
  reserve(16);
  put64(v);
}

void Assembler::embed(const void* data, size_t size) {
  if (size == 0) return;
  reserve(size);
  std::memcpy(&buf_[pos_], data, size);
  pos_ += size;
}

}  // namespace gene::x64
