// x86-64 machine-code assembler: appends encoded instructions to a growable buffer.
//
// Design (see docs/encoder.md):
//  * Every instruction goes through a few shared encoders: `emit_rm` (prefix, REX, opcode,
//    ModRM/SIB/displacement for a register or memory r/m operand) and `emit_opcode_reg`
//    (register number in the opcode byte). Instruction families are tables keyed by the ModRM
//    /digit or opcode (AluOp, UnaryOp, ShiftOp, SseOp), not one function per register.
//  * The shortest encoding is chosen: imm8 when the immediate fits, the accumulator short forms,
//    disp8 / no displacement, rel8 for backward jumps in range, and `mov r64, imm` narrowed to
//    `mov r32, imm32` (zero-extending) when the value fits in 32 unsigned bits.
//  * Errors (an impossible operand, a label bound twice, a short jump out of range) do not throw:
//    the first one is kept in `status()`, later instructions are still laid out so offsets stay
//    consistent, and `finalize()` / `copy_to()` report it. The JIT checks once per function.
//
// Immediates of 64-bit operations are 32-bit and sign-extended, as in the hardware; only `mov`
// takes a full 64-bit immediate.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "jit/x64/operands.h"
#include "jit/x64/registers.h"

namespace gene::x64 {

enum class AsmStatus : uint8_t {
  Ok,
  InvalidOperand,        // rsp as index, a shift count register other than cl, a foreign label...
  LabelAlreadyBound,
  LabelUnbound,          // finalize(): a label was referenced but never bound
  ShortJumpOutOfRange,   // jmp_short/jcc_short target is not within rel8 of the jump
  RelocationOutOfRange,  // copy_to(): a rel32 call/jmp cannot reach its target from there
};
const char* to_string(AsmStatus s);

// The address range the finished code will be copied into (e.g. a CodeCache's reservation).
// When known, calls/jumps to absolute addresses within rel32 reach of the whole range use the
// 5-byte rel32 form; otherwise they go through `mov r11, imm64; call r11`.
struct CodeRange {
  uint64_t begin = 0;
  uint64_t end = 0;
  constexpr bool known() const { return end > begin; }
};

// The ALU group shares one encoding scheme: the value is both the ModRM /digit of the
// 80/81/83 immediate forms and the opcode row (op*8 + 0..5) of the register forms.
enum class AluOp : uint8_t {
  Add = 0, Or = 1, Adc = 2, Sbb = 3, And = 4, Sub = 5, Xor = 6, Cmp = 7
};

// One-operand group: F6/F7 /2../7 and FE/FF /0 /1.
enum class UnaryOp : uint8_t { Inc, Dec, Not, Neg, Mul, IMul, Div, IDiv };

// Shift/rotate group: the value is the ModRM /digit of C0/C1, D0/D1 and D2/D3.
enum class ShiftOp : uint8_t { Rol = 0, Ror = 1, Shl = 4, Shr = 5, Sar = 7 };

// Scalar-double arithmetic, F2 0F xx: the value is the last opcode byte.
enum class SseOp : uint8_t {
  Sqrt = 0x51,
  Add = 0x58,
  Mul = 0x59,
  Sub = 0x5C,
  Min = 0x5D,
  Div = 0x5E,
  Max = 0x5F,
};

namespace detail {
// Opcode bytes with their mandatory prefix (0x66/0xF2/0xF3, which must precede REX) and REX.W.
struct Opcode {
  uint8_t prefix = 0;
  bool rex_w = false;
  uint8_t len = 1;
  uint8_t bytes[3] = {0, 0, 0};
};
}  // namespace detail

class Assembler {
 public:
  explicit Assembler(CodeRange placement = {});
  // Forgets all code, labels and errors but keeps the buffer's capacity, so one Assembler can
  // be reused for many functions.
  void reset(CodeRange placement = {});

  // ---- Buffer and status --------------------------------------------------------------------
  const uint8_t* data() const { return buf_.data(); }
  size_t size() const { return pos_; }
  std::span<const uint8_t> code() const { return {buf_.data(), pos_}; }
  AsmStatus status() const { return status_; }
  const CodeRange& placement() const { return placement_; }
  // Checks that every referenced label is bound; returns the first error, if any.
  AsmStatus finalize();
  // Copies the code to `dest` (which will run at `runtime_address`, normally == dest) and
  // resolves rel32 calls/jumps to absolute addresses. `dest` must hold size() bytes.
  AsmStatus copy_to(uint8_t* dest, uint64_t runtime_address) const;

  // Keeps every jump, call and ret (with a compare fused to it) inside one 32-byte block and
  // off its last byte, padding with nops before them (align_branch). Off by default: the
  // encoder's tests check exact bytes; the JIT's assemblers turn it on.
  void set_branch_alignment(bool on) { align_branches_ = on; }

  // ---- Labels --------------------------------------------------------------------------------
  Label new_label();
  // Binds `l` to the current offset and patches every earlier reference to it.
  void bind(Label l);
  bool is_bound(Label l) const;
  // Offset of a bound label from the start of the code (e.g. an OSR entry point).
  uint32_t label_offset(Label l) const;
  // Whether a label is bound at the current offset (code may arrive here by a jump).
  bool label_bound_here() const { return last_bind_ == pos_; }

  // ---- Data movement -------------------------------------------------------------------------
  void mov(Reg64 dst, Reg64 src);
  void mov(Reg32 dst, Reg32 src);
  void mov(Reg8 dst, Reg8 src);
  void mov(Reg64 dst, const Mem64& src);
  void mov(Reg32 dst, const Mem32& src);
  void mov(Reg8 dst, const Mem8& src);
  void mov(const Mem64& dst, Reg64 src);
  void mov(const Mem32& dst, Reg32 src);
  void mov(const Mem8& dst, Reg8 src);
  // Shortest of: mov r32, imm32 (value fits 32 unsigned bits; upper half zeroed),
  // mov r/m64, simm32, mov r64, imm64.
  void mov(Reg64 dst, int64_t imm);
  void mov(Reg32 dst, int32_t imm);
  void mov(Reg8 dst, int8_t imm);
  void mov(const Mem64& dst, int32_t imm);  // sign-extended to 64 bits
  void mov(const Mem32& dst, int32_t imm);
  void mov(const Mem8& dst, int8_t imm);
  // Always the 10-byte `mov r64, imm64`, so the constant can be patched in place later.
  void mov_imm64(Reg64 dst, uint64_t imm);

  void movzx(Reg32 dst, Reg8 src);
  void movzx(Reg32 dst, const Mem8& src);
  void movzx(Reg64 dst, Reg8 src);
  void movzx(Reg64 dst, const Mem8& src);
  void movsx(Reg32 dst, Reg8 src);
  void movsx(Reg32 dst, const Mem8& src);
  void movsx(Reg64 dst, Reg8 src);
  void movsx(Reg64 dst, const Mem8& src);
  void movsxd(Reg64 dst, Reg32 src);
  void movsxd(Reg64 dst, const Mem32& src);

  void lea(Reg64 dst, const Mem& src);

  void push(Reg64 r);
  void push(int32_t imm);  // sign-extended to 64 bits
  void push(const Mem64& m);
  void pop(Reg64 r);
  void pop(const Mem64& m);

  // ---- Integer arithmetic --------------------------------------------------------------------
  // The ALU group. Forms: (r, r), (r, [m]), ([m], r), (r, imm), ([m], imm) at 64, 32 and 8 bits.
  void alu(AluOp op, Reg64 dst, Reg64 src);
  void alu(AluOp op, Reg32 dst, Reg32 src);
  void alu(AluOp op, Reg8 dst, Reg8 src);
  void alu(AluOp op, Reg64 dst, const Mem64& src);
  void alu(AluOp op, Reg32 dst, const Mem32& src);
  void alu(AluOp op, Reg8 dst, const Mem8& src);
  void alu(AluOp op, const Mem64& dst, Reg64 src);
  void alu(AluOp op, const Mem32& dst, Reg32 src);
  void alu(AluOp op, const Mem8& dst, Reg8 src);
  void alu(AluOp op, Reg64 dst, int32_t imm);
  void alu(AluOp op, Reg32 dst, int32_t imm);
  void alu(AluOp op, Reg8 dst, int8_t imm);
  void alu(AluOp op, const Mem64& dst, int32_t imm);
  void alu(AluOp op, const Mem32& dst, int32_t imm);
  void alu(AluOp op, const Mem8& dst, int8_t imm);

  // `and`, `or`, `xor` and `not` are C++ keywords, hence the trailing underscores.
  template <class D, class S>
  void add(D dst, S src) { alu(AluOp::Add, dst, src); }
  template <class D, class S>
  void or_(D dst, S src) { alu(AluOp::Or, dst, src); }
  template <class D, class S>
  void adc(D dst, S src) { alu(AluOp::Adc, dst, src); }
  template <class D, class S>
  void sbb(D dst, S src) { alu(AluOp::Sbb, dst, src); }
  template <class D, class S>
  void and_(D dst, S src) { alu(AluOp::And, dst, src); }
  template <class D, class S>
  void sub(D dst, S src) { alu(AluOp::Sub, dst, src); }
  template <class D, class S>
  void xor_(D dst, S src) { alu(AluOp::Xor, dst, src); }
  template <class D, class S>
  void cmp(D dst, S src) { alu(AluOp::Cmp, dst, src); }

  void test(Reg64 a, Reg64 b);
  void test(Reg32 a, Reg32 b);
  void test(Reg8 a, Reg8 b);
  void test(const Mem64& a, Reg64 b);
  void test(const Mem32& a, Reg32 b);
  void test(const Mem8& a, Reg8 b);
  void test(Reg64 a, int32_t imm);
  void test(Reg32 a, int32_t imm);
  void test(Reg8 a, int8_t imm);
  void test(const Mem64& a, int32_t imm);
  void test(const Mem32& a, int32_t imm);
  void test(const Mem8& a, int8_t imm);

  void imul(Reg64 dst, Reg64 src);
  void imul(Reg32 dst, Reg32 src);
  void imul(Reg64 dst, const Mem64& src);
  void imul(Reg32 dst, const Mem32& src);
  void imul(Reg64 dst, Reg64 src, int32_t imm);
  void imul(Reg32 dst, Reg32 src, int32_t imm);
  void imul(Reg64 dst, const Mem64& src, int32_t imm);
  void imul(Reg32 dst, const Mem32& src, int32_t imm);

  void cqo();  // rdx:rax = sign-extend(rax), before a 64-bit idiv
  void cdq();  // edx:eax = sign-extend(eax), before a 32-bit idiv

  // One-operand group on a register or memory operand of 64, 32 or 8 bits.
  void unary(UnaryOp op, Reg64 r);
  void unary(UnaryOp op, Reg32 r);
  void unary(UnaryOp op, Reg8 r);
  void unary(UnaryOp op, const Mem64& m);
  void unary(UnaryOp op, const Mem32& m);
  void unary(UnaryOp op, const Mem8& m);
  template <class T>
  void inc(T x) { unary(UnaryOp::Inc, x); }
  template <class T>
  void dec(T x) { unary(UnaryOp::Dec, x); }
  template <class T>
  void not_(T x) { unary(UnaryOp::Not, x); }
  template <class T>
  void neg(T x) { unary(UnaryOp::Neg, x); }
  template <class T>
  void mul(T x) { unary(UnaryOp::Mul, x); }  // rdx:rax = rax * x (unsigned)
  template <class T>
  void div(T x) { unary(UnaryOp::Div, x); }
  template <class T>
  void idiv(T x) { unary(UnaryOp::IDiv, x); }  // rax = rdx:rax / x, rdx = remainder

  // Shifts by an immediate (masked by the CPU to 6 or 5 bits) or by `cl`; any other count
  // register is InvalidOperand.
  void shift(ShiftOp op, Reg64 r, uint8_t count);
  void shift(ShiftOp op, Reg32 r, uint8_t count);
  void shift(ShiftOp op, Reg8 r, uint8_t count);
  void shift(ShiftOp op, const Mem64& m, uint8_t count);
  void shift(ShiftOp op, const Mem32& m, uint8_t count);
  void shift(ShiftOp op, const Mem8& m, uint8_t count);
  void shift(ShiftOp op, Reg64 r, Reg8 count);
  void shift(ShiftOp op, Reg32 r, Reg8 count);
  void shift(ShiftOp op, Reg8 r, Reg8 count);
  void shift(ShiftOp op, const Mem64& m, Reg8 count);
  void shift(ShiftOp op, const Mem32& m, Reg8 count);
  void shift(ShiftOp op, const Mem8& m, Reg8 count);
  template <class D, class C>
  void shl(D dst, C count) { shift(ShiftOp::Shl, dst, count); }
  template <class D, class C>
  void shr(D dst, C count) { shift(ShiftOp::Shr, dst, count); }
  template <class D, class C>
  void sar(D dst, C count) { shift(ShiftOp::Sar, dst, count); }
  // bts r64, imm8: sets bit `bit` (0-63) of r.
  void bts(Reg64 r, uint8_t bit);
  template <class D, class C>
  void rol(D dst, C count) { shift(ShiftOp::Rol, dst, count); }
  template <class D, class C>
  void ror(D dst, C count) { shift(ShiftOp::Ror, dst, count); }

  void setcc(Cond c, Reg8 dst);
  void setcc(Cond c, const Mem8& dst);
  void cmovcc(Cond c, Reg64 dst, Reg64 src);
  void cmovcc(Cond c, Reg32 dst, Reg32 src);
  void cmovcc(Cond c, Reg64 dst, const Mem64& src);
  void cmovcc(Cond c, Reg32 dst, const Mem32& src);

  // ---- Control flow --------------------------------------------------------------------------
  // To a bound label: rel8 when it reaches, else rel32. To an unbound label: rel32.
  void jmp(Label target);
  void jcc(Cond c, Label target);
  // Always rel8; binding the label more than 127 bytes ahead is ShortJumpOutOfRange.
  void jmp_short(Label target);
  void jcc_short(Cond c, Label target);
  void jmp(Reg64 target);
  void jmp(const Mem64& target);
  // Absolute target: rel32 if it reaches from anywhere in placement(), else via r11.
  void jmp(const void* target);

  void call(Label target);
  void call(Reg64 target);
  void call(const Mem64& target);
  // Absolute target: rel32 if it reaches from anywhere in placement(), else
  // `mov r11, imm; call r11` (so r11 is clobbered; it is caller-saved anyway).
  void call(const void* target);
  template <class R, class... A>
  void call(R (*fn)(A...)) { call(reinterpret_cast<const void*>(fn)); }
  template <class R, class... A>
  void call(R (*fn)(A...) noexcept) { call(reinterpret_cast<const void*>(fn)); }
  void ret();

  // ---- SSE2 scalar doubles -------------------------------------------------------------------
  void movsd(Xmm dst, Xmm src);  // merges into dst's upper half; prefer movapd for copies
  void movsd(Xmm dst, const Mem64& src);
  void movsd(const Mem64& dst, Xmm src);
  void movapd(Xmm dst, Xmm src);
  void movq(Xmm dst, Reg64 src);
  void movq(Reg64 dst, Xmm src);

  void sse(SseOp op, Xmm dst, Xmm src);
  void sse(SseOp op, Xmm dst, const Mem64& src);
  template <class S>
  void addsd(Xmm dst, S src) { sse(SseOp::Add, dst, src); }
  template <class S>
  void subsd(Xmm dst, S src) { sse(SseOp::Sub, dst, src); }
  template <class S>
  void mulsd(Xmm dst, S src) { sse(SseOp::Mul, dst, src); }
  template <class S>
  void divsd(Xmm dst, S src) { sse(SseOp::Div, dst, src); }
  template <class S>
  void sqrtsd(Xmm dst, S src) { sse(SseOp::Sqrt, dst, src); }
  template <class S>
  void minsd(Xmm dst, S src) { sse(SseOp::Min, dst, src); }
  template <class S>
  void maxsd(Xmm dst, S src) { sse(SseOp::Max, dst, src); }

  void ucomisd(Xmm a, Xmm b);
  void ucomisd(Xmm a, const Mem64& b);
  void comisd(Xmm a, Xmm b);
  void comisd(Xmm a, const Mem64& b);
  void cvtsi2sd(Xmm dst, Reg64 src);
  void cvtsi2sd(Xmm dst, Reg32 src);
  void cvtsi2sd(Xmm dst, const Mem64& src);
  void cvtsi2sd(Xmm dst, const Mem32& src);
  void cvttsd2si(Reg64 dst, Xmm src);  // truncates; 0x8000000000000000 on overflow/NaN
  void cvttsd2si(Reg32 dst, Xmm src);
  void cvttsd2si(Reg64 dst, const Mem64& src);
  void cvttsd2si(Reg32 dst, const Mem64& src);
  // Bitwise ops on the whole register; the memory operand must be 16-byte aligned.
  void xorpd(Xmm dst, Xmm src);
  void xorpd(Xmm dst, const Mem128& src);
  void andpd(Xmm dst, Xmm src);
  void andpd(Xmm dst, const Mem128& src);
  // SSE4.1 rounding of the low double; mode 1 rounds towards -inf (floor), 3 towards zero.
  void roundsd(Xmm dst, Xmm src, uint8_t mode);

  // ---- Padding, traps and data ---------------------------------------------------------------
  void nop(size_t bytes = 1);  // recommended multi-byte nops, at most 9 bytes each
  // Pads with nops to a multiple of `alignment` (a power of two, offset from the buffer start;
  // the CodeCache aligns blocks to CodeCache::kAlignment).
  void align(size_t alignment);
  void int3();
  void ud2();
  void db(uint8_t v);
  void dd(uint32_t v);
  void dq(uint64_t v);
  void embed(const void* data, size_t size);

 private:
  // A register or memory r/m operand; `reg` is a hardware register number.
  struct Rm {
    const Mem* mem = nullptr;
    uint8_t reg = 0;
  };
  static Rm rm_reg(uint8_t code) { return Rm{nullptr, code}; }
  static Rm rm_mem(const Mem& m) { return Rm{&m, 0}; }

  enum class FixupKind : uint8_t { Rel8, Rel32 };
  struct Fixup {
    uint32_t at;      // offset of the rel8/rel32 field
    uint32_t end;     // offset the displacement is relative to (end of the instruction)
    int32_t addend;   // added to the label offset (RIP-relative `label + disp`)
    FixupKind kind;
    int32_t next;     // next pending fixup of the same label, or -1
  };
  struct AbsReloc {
    uint32_t at;  // offset of a rel32 field whose target is an absolute address
    uint64_t target;
  };

  void fail(AsmStatus s) {
    if (status_ == AsmStatus::Ok) status_ = s;
  }
  // Makes room for one instruction (at most 15 bytes) so the put*() calls need no checks.
  void reserve(size_t n) {
    if (pos_ + n > buf_.size()) grow(pos_ + n);
  }
  void grow(size_t min_size);
  void put(uint8_t b) { buf_[pos_++] = b; }
  void put32(uint32_t v);
  void put64(uint64_t v);
  void put_imm(int64_t v, int bytes);

  bool valid_label(Label l) const { return l.id < label_pos_.size(); }
  // Emits a rel8/rel32 placeholder referring to `l`, resolving it now if the label is bound.
  void emit_label_ref(Label l, FixupKind kind, uint32_t end, int32_t addend);
  void patch(const Fixup& f, int64_t target);

  // The shared encoders.
  void emit_rm(const detail::Opcode& op, uint8_t reg_field, Rm rm, bool force_rex = false,
               int imm_bytes = 0);
  void emit_modrm_mem(uint8_t reg_field, const Mem& m, int imm_bytes);
  void emit_opcode_reg(bool rex_w, bool force_rex, uint8_t opcode, uint8_t reg);

  // Family helpers, keyed by operand width in bytes (1, 4 or 8).
  void alu_rm_reg(AluOp op, int width, Rm dst, uint8_t src);
  void alu_reg_rm(AluOp op, int width, uint8_t dst, Rm src);
  void alu_imm(AluOp op, int width, Rm dst, int32_t imm);
  void test_rm_reg(int width, Rm a, uint8_t b);
  void test_imm(int width, Rm a, int32_t imm);
  void alu_imm_body(AluOp op, int width, Rm dst, int32_t imm);
  void test_imm_body(int width, Rm a, int32_t imm);
  void mov_rm_imm(int width, Rm dst, int32_t imm);
  void rm_full_imm(uint8_t op8, int width, Rm rm, int32_t imm);
  void unary_rm(UnaryOp op, int width, Rm x);
  void shift_imm(ShiftOp op, int width, Rm x, uint8_t count);
  void shift_cl(ShiftOp op, int width, Rm x, Reg8 count);
  void imul_rm(bool w, uint8_t dst, Rm src);
  void imul_rm_imm(bool w, uint8_t dst, Rm src, int32_t imm);
  void sse_rm(uint8_t prefix, bool w, uint8_t opcode, uint8_t reg, Rm rm);
  void branch_abs(uint8_t rel32_opcode, uint8_t indirect_digit, const void* target);
  // Before a jump, call or ret of `len` bytes: nops so that it (with the compare or test
  // just before it, which the decoder fuses with a jcc) neither crosses a 32-byte boundary
  // nor ends on one. Intel's fix for the JCC erratum (Skylake and its successors) keeps such
  // branches out of the decoded-uop cache, and a hot loop whose back edge lands there runs
  // about a third slower; where that happens would otherwise move with unrelated code.
  void align_branch(size_t len, bool fusible);
  // The last compare/test/ALU instruction: [fusible_start_, fusible_end_), and whether it
  // holds no label reference (so it can move forward as a whole).
  void note_fusible(size_t start, size_t fixups_before, size_t relocs_before);

  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  size_t fusible_start_ = SIZE_MAX, fusible_end_ = SIZE_MAX;
  size_t last_bind_ = SIZE_MAX;  // offset of the last label bound
  std::vector<int32_t> bound_at_last_;  // the labels bound there
  std::vector<int32_t> patched_at_last_;  // the fixups (forward references) binding them patched
  bool align_branches_ = false;
  AsmStatus status_ = AsmStatus::Ok;
  CodeRange placement_;
  std::vector<int32_t> label_pos_;   // bound offset, or -1
  std::vector<int32_t> label_head_;  // first pending fixup, or -1
  std::vector<Fixup> fixups_;
  std::vector<AbsReloc> relocs_;
};

}  // namespace gene::x64
