// Core of the assembler: buffer, labels, relocations and the shared ModRM/SIB/REX encoders.
// The instruction emitters built on them are in instructions.cpp.
#include "jit/x64/assembler.h"

#include <algorithm>
#include <cstring>

namespace gene::x64 {

const char* to_string(AsmStatus s) {
  switch (s) {
    case AsmStatus::Ok: return "ok";
    case AsmStatus::InvalidOperand: return "invalid operand";
    case AsmStatus::LabelAlreadyBound: return "label bound twice";
    case AsmStatus::LabelUnbound: return "label referenced but never bound";
    case AsmStatus::ShortJumpOutOfRange: return "short jump target out of rel8 range";
    case AsmStatus::RelocationOutOfRange: return "rel32 target out of range";
  }
  return "unknown";
}

Assembler::Assembler(CodeRange placement) : placement_(placement) { buf_.resize(256); }

void Assembler::reset(CodeRange placement) {
  pos_ = 0;
  status_ = AsmStatus::Ok;
  placement_ = placement;
  label_pos_.clear();
  label_head_.clear();
  fixups_.clear();
  relocs_.clear();
  bound_at_last_.clear();
  patched_at_last_.clear();
  fusible_start_ = fusible_end_ = last_bind_ = SIZE_MAX;
}

void Assembler::grow(size_t min_size) { buf_.resize(std::max(min_size, buf_.size() * 2)); }

void Assembler::put32(uint32_t v) {
  std::memcpy(&buf_[pos_], &v, 4);  // x86-64 is little-endian, as is the encoding
  pos_ += 4;
}

void Assembler::put64(uint64_t v) {
  std::memcpy(&buf_[pos_], &v, 8);
  pos_ += 8;
}

void Assembler::put_imm(int64_t v, int bytes) {
  if (bytes == 1) {
    put(uint8_t(v));
  } else if (bytes == 4) {
    put32(uint32_t(v));
  } else {
    put64(uint64_t(v));
  }
}

// ---- Labels ------------------------------------------------------------------------------------

Label Assembler::new_label() {
  label_pos_.push_back(-1);
  label_head_.push_back(-1);
  return Label{uint32_t(label_pos_.size() - 1)};
}

bool Assembler::is_bound(Label l) const { return valid_label(l) && label_pos_[l.id] >= 0; }

uint32_t Assembler::label_offset(Label l) const {
  return is_bound(l) ? uint32_t(label_pos_[l.id]) : UINT32_MAX;
}

void Assembler::bind(Label l) {
  if (!valid_label(l)) return fail(AsmStatus::InvalidOperand);
  if (label_pos_[l.id] >= 0) return fail(AsmStatus::LabelAlreadyBound);
  label_pos_[l.id] = int32_t(pos_);
  if (last_bind_ != pos_) bound_at_last_.clear(), patched_at_last_.clear();
  bound_at_last_.push_back(l.id);
  last_bind_ = pos_;
  for (int32_t i = label_head_[l.id]; i >= 0; i = fixups_[i].next) {
    patch(fixups_[i], int64_t(pos_));
    patched_at_last_.push_back(i);
  }
  label_head_[l.id] = -1;
}

void Assembler::emit_label_ref(Label l, FixupKind kind, uint32_t end, int32_t addend) {
  Fixup f{uint32_t(pos_), end, addend, kind, -1};
  put_imm(0, kind == FixupKind::Rel8 ? 1 : 4);
  if (!valid_label(l)) return fail(AsmStatus::InvalidOperand);
  if (label_pos_[l.id] >= 0) return patch(f, label_pos_[l.id]);
  f.next = label_head_[l.id];
  label_head_[l.id] = int32_t(fixups_.size());
  fixups_.push_back(f);
}

void Assembler::patch(const Fixup& f, int64_t target) {
  int64_t rel = target + f.addend - int64_t(f.end);
  if (f.kind == FixupKind::Rel8) {
    if (rel < -128 || rel > 127) return fail(AsmStatus::ShortJumpOutOfRange);
    buf_[f.at] = uint8_t(rel);
  } else {
    uint32_t v = uint32_t(int32_t(rel));
    std::memcpy(&buf_[f.at], &v, 4);
  }
}

AsmStatus Assembler::finalize() {
  for (int32_t head : label_head_) {
    if (head >= 0) fail(AsmStatus::LabelUnbound);
  }
  return status_;
}

AsmStatus Assembler::copy_to(uint8_t* dest, uint64_t runtime_address) const {
  if (status_ != AsmStatus::Ok) return status_;
  for (int32_t head : label_head_) {
    if (head >= 0) return AsmStatus::LabelUnbound;
  }
  std::memcpy(dest, buf_.data(), pos_);
  for (const AbsReloc& r : relocs_) {
    int64_t rel = int64_t(r.target - (runtime_address + r.at + 4));
    if (rel < INT32_MIN || rel > INT32_MAX) return AsmStatus::RelocationOutOfRange;
    uint32_t v = uint32_t(int32_t(rel));
    std::memcpy(dest + r.at, &v, 4);
  }
  return AsmStatus::Ok;
}

// ---- Shared encoders ---------------------------------------------------------------------------

// [prefix] [REX] opcode ModRM [SIB] [disp]. The immediate, if any, is appended by the caller;
// `imm_bytes` is needed here only because a RIP-relative displacement is measured from the end of
// the whole instruction.
void Assembler::emit_rm(const detail::Opcode& op, uint8_t reg_field, Rm rm, bool force_rex,
                        int imm_bytes) {
  reserve(16);  // the longest instruction is 15 bytes, immediate included
  uint8_t rex = (op.rex_w ? 8 : 0) | ((reg_field & 8) ? 4 : 0);
  if (rm.mem) {
    const Mem& m = *rm.mem;
    if (m.kind == Mem::Kind::Base) {
      if (m.has_index) rex |= (m.index.code & 8) ? 2 : 0;
      rex |= (m.base.code & 8) ? 1 : 0;
    }
  } else {
    rex |= (rm.reg & 8) ? 1 : 0;
  }
  if (op.prefix) put(op.prefix);
  if (rex || force_rex) put(0x40 | rex);
  for (uint8_t i = 0; i < op.len; i++) put(op.bytes[i]);
  if (rm.mem) {
    emit_modrm_mem(reg_field, *rm.mem, imm_bytes);
  } else {
    put(uint8_t(0xC0 | (reg_field & 7) << 3 | (rm.reg & 7)));
  }
}

void Assembler::emit_modrm_mem(uint8_t reg_field, const Mem& m, int imm_bytes) {
  const uint8_t reg = uint8_t((reg_field & 7) << 3);
  if (m.kind == Mem::Kind::Rip) {
    put(reg | 0x05);  // mod=00 rm=101: [rip + disp32]
    if (m.label.valid()) {
      emit_label_ref(m.label, FixupKind::Rel32, uint32_t(pos_ + 4 + imm_bytes), m.disp);
    } else {
      put32(uint32_t(m.disp));
    }
    return;
  }
  const uint8_t base = m.base.code & 7;
  // rm=100 selects a SIB byte, so rsp/r12 as base need one; mod=00 with base 101 means
  // "no base, disp32", so rbp/r13 need an explicit (zero) disp8.
  const bool need_sib = m.has_index || base == 4;
  uint8_t mod;
  if (m.disp == 0 && base != 5) {
    mod = 0;
  } else if (m.disp >= -128 && m.disp <= 127) {
    mod = 1;
  } else {
    mod = 2;
  }
  if (need_sib) {
    uint8_t index = 4;  // "no index"
    if (m.has_index) {
      // Index 100 without REX.X is the "no index" encoding: rsp cannot be scaled.
      if (m.index.code == 4) fail(AsmStatus::InvalidOperand);
      index = m.index.code & 7;
    }
    put(uint8_t(mod << 6 | reg | 4));
    put(uint8_t(uint8_t(m.scale) << 6 | index << 3 | base));
  } else {
    put(uint8_t(mod << 6 | reg | base));
  }
  if (mod == 1) {
    put(uint8_t(int8_t(m.disp)));
  } else if (mod == 2) {
    put32(uint32_t(m.disp));
  }
}

void Assembler::emit_opcode_reg(bool rex_w, bool force_rex, uint8_t opcode, uint8_t reg) {
  reserve(16);
  uint8_t rex = (rex_w ? 8 : 0) | ((reg & 8) ? 1 : 0);
  if (rex || force_rex) put(0x40 | rex);
  put(uint8_t(opcode + (reg & 7)));
}

}  // namespace gene::x64
