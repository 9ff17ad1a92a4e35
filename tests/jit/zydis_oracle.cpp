#include "tests/jit/zydis_oracle.h"

#include <cstdio>
#include <cstring>

namespace gene::x64::oracle {

const Reg64Pair kAllReg64[16] = {
    {rax, ZYDIS_REGISTER_RAX}, {rcx, ZYDIS_REGISTER_RCX}, {rdx, ZYDIS_REGISTER_RDX},
    {rbx, ZYDIS_REGISTER_RBX}, {rsp, ZYDIS_REGISTER_RSP}, {rbp, ZYDIS_REGISTER_RBP},
    {rsi, ZYDIS_REGISTER_RSI}, {rdi, ZYDIS_REGISTER_RDI}, {r8, ZYDIS_REGISTER_R8},
    {r9, ZYDIS_REGISTER_R9},   {r10, ZYDIS_REGISTER_R10}, {r11, ZYDIS_REGISTER_R11},
    {r12, ZYDIS_REGISTER_R12}, {r13, ZYDIS_REGISTER_R13}, {r14, ZYDIS_REGISTER_R14},
    {r15, ZYDIS_REGISTER_R15},
};
const Reg32Pair kAllReg32[16] = {
    {eax, ZYDIS_REGISTER_EAX},   {ecx, ZYDIS_REGISTER_ECX},   {edx, ZYDIS_REGISTER_EDX},
    {ebx, ZYDIS_REGISTER_EBX},   {esp, ZYDIS_REGISTER_ESP},   {ebp, ZYDIS_REGISTER_EBP},
    {esi, ZYDIS_REGISTER_ESI},   {edi, ZYDIS_REGISTER_EDI},   {r8d, ZYDIS_REGISTER_R8D},
    {r9d, ZYDIS_REGISTER_R9D},   {r10d, ZYDIS_REGISTER_R10D}, {r11d, ZYDIS_REGISTER_R11D},
    {r12d, ZYDIS_REGISTER_R12D}, {r13d, ZYDIS_REGISTER_R13D}, {r14d, ZYDIS_REGISTER_R14D},
    {r15d, ZYDIS_REGISTER_R15D},
};
const Reg8Pair kAllReg8[16] = {
    {al, ZYDIS_REGISTER_AL},     {cl, ZYDIS_REGISTER_CL},     {dl, ZYDIS_REGISTER_DL},
    {bl, ZYDIS_REGISTER_BL},     {spl, ZYDIS_REGISTER_SPL},   {bpl, ZYDIS_REGISTER_BPL},
    {sil, ZYDIS_REGISTER_SIL},   {dil, ZYDIS_REGISTER_DIL},   {r8b, ZYDIS_REGISTER_R8B},
    {r9b, ZYDIS_REGISTER_R9B},   {r10b, ZYDIS_REGISTER_R10B}, {r11b, ZYDIS_REGISTER_R11B},
    {r12b, ZYDIS_REGISTER_R12B}, {r13b, ZYDIS_REGISTER_R13B}, {r14b, ZYDIS_REGISTER_R14B},
    {r15b, ZYDIS_REGISTER_R15B},
};
const XmmPair kAllXmm[16] = {
    {xmm0, ZYDIS_REGISTER_XMM0},   {xmm1, ZYDIS_REGISTER_XMM1},   {xmm2, ZYDIS_REGISTER_XMM2},
    {xmm3, ZYDIS_REGISTER_XMM3},   {xmm4, ZYDIS_REGISTER_XMM4},   {xmm5, ZYDIS_REGISTER_XMM5},
    {xmm6, ZYDIS_REGISTER_XMM6},   {xmm7, ZYDIS_REGISTER_XMM7},   {xmm8, ZYDIS_REGISTER_XMM8},
    {xmm9, ZYDIS_REGISTER_XMM9},   {xmm10, ZYDIS_REGISTER_XMM10}, {xmm11, ZYDIS_REGISTER_XMM11},
    {xmm12, ZYDIS_REGISTER_XMM12}, {xmm13, ZYDIS_REGISTER_XMM13}, {xmm14, ZYDIS_REGISTER_XMM14},
    {xmm15, ZYDIS_REGISTER_XMM15},
};

template <class Table, class R>
static ZydisRegister lookup(const Table& table, R r) {
  for (const auto& p : table) {
    if (p.ours == r) return p.zydis;
  }
  return ZYDIS_REGISTER_NONE;
}
ZydisRegister zreg(Reg64 r) { return lookup(kAllReg64, r); }
ZydisRegister zreg(Reg32 r) { return lookup(kAllReg32, r); }
ZydisRegister zreg(Reg8 r) { return lookup(kAllReg8, r); }
ZydisRegister zreg(Xmm r) { return lookup(kAllXmm, r); }

Expected emem(const MemCase& c, uint16_t bits) {
  Expected e = c.expected;
  e.bits = bits;
  return e;
}

static MemCase make_case(Mem m, ZydisRegister base, ZydisRegister index, uint8_t scale, int64_t disp) {
  MemCase c;
  c.mem = m;
  c.expected.kind = Expected::Kind::Mem;
  c.expected.base = base;
  c.expected.index = index;
  c.expected.scale = scale;
  c.expected.disp = disp;
  char buf[96];
  if (index == ZYDIS_REGISTER_NONE) {
    std::snprintf(buf, sizeof buf, "[%s%+lld]", ZydisRegisterGetString(base), static_cast<long long>(disp));
  } else {
    std::snprintf(buf, sizeof buf, "[%s+%s*%d%+lld]", ZydisRegisterGetString(base),
                  ZydisRegisterGetString(index), scale, static_cast<long long>(disp));
  }
  c.label = buf;
  return c;
}

static const Scale kScales[4] = {Scale::x1, Scale::x2, Scale::x4, Scale::x8};
static const uint8_t kScaleValues[4] = {1, 2, 4, 8};

const std::vector<MemCase>& memory_cases() {
  static const std::vector<MemCase> cases = [] {
    std::vector<MemCase> v;
    // Every base with no displacement, both ends of disp8 and the first values needing disp32.
    const int32_t disps[] = {0, 1, -1, 127, -128, 128, -129, 0x12345678, INT32_MIN};
    for (const Reg64Pair& b : kAllReg64) {
      for (int32_t d : disps) v.push_back(make_case(mem(b.ours, d), b.zydis, ZYDIS_REGISTER_NONE, 0, d));
    }
    // Every index register (rsp cannot be one), every scale, with rotating bases and the
    // special bases rsp/rbp/r12/r13 as partners.
    const Reg64 special_bases[] = {rsp, rbp, r12, r13, rax, r8};
    int n = 0;
    for (const Reg64Pair& i : kAllReg64) {
      if (i.ours == rsp) continue;
      for (int s = 0; s < 4; s++, n++) {
        const Reg64 base = special_bases[size_t(n) % 6];
        const int32_t d = (n % 3 == 0) ? 0 : (n % 3 == 1) ? -8 : 0x400;
        v.push_back(make_case(mem(base, i.ours, kScales[s], d), zreg(base), i.zydis, kScaleValues[s], d));
      }
    }
    // RIP-relative, displacement relative to the next instruction.
    for (int32_t d : {0, -16, 0x1000}) v.push_back(make_case(rip_rel(d), ZYDIS_REGISTER_RIP, ZYDIS_REGISTER_NONE, 0, d));
    return v;
  }();
  return cases;
}

std::vector<MemCase> exhaustive_memory_cases() {
  std::vector<MemCase> v = memory_cases();
  for (const Reg64Pair& b : kAllReg64) {
    for (const Reg64Pair& i : kAllReg64) {
      if (i.ours == rsp) continue;
      for (int s = 0; s < 4; s++) {
        for (int32_t d : {0, -128, 127, 128, -0x10000}) {
          v.push_back(make_case(mem(b.ours, i.ours, kScales[s], d), b.zydis, i.zydis, kScaleValues[s], d));
        }
      }
    }
  }
  return v;
}

const std::vector<int32_t>& imm32_cases() {
  static const std::vector<int32_t> v = {0, 1, -1, 127, -128, 128, -129, 255, 0x12345, INT32_MAX, INT32_MIN};
  return v;
}

const std::vector<int8_t>& imm8_cases() {
  static const std::vector<int8_t> v = {0, 1, -1, 127, -128, 0x5A};
  return v;
}

namespace {

struct Zydis {
  ZydisDecoder decoder;
  ZydisFormatter formatter;
  Zydis() {
    ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64);
    ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL);
  }
};
const Zydis& zydis() {
  static const Zydis z;
  return z;
}

// Zydis reports immediates sign-extended to 64 bits; an instruction only sees the low
// `operand_width` bits, so that is what must agree (mov eax, 0xFFFFFFFF == mov eax, -1). For
// 64-bit operations this still catches an imm8 that sign-extends to the wrong value.
bool same_imm(int64_t decoded, int64_t expected, unsigned width) {
  if (width >= 64 || width == 0) return decoded == expected;
  const uint64_t mask = (uint64_t(1) << width) - 1;
  return (uint64_t(decoded) & mask) == (uint64_t(expected) & mask);
}

std::string describe(const Expected& e) {
  char buf[128];
  switch (e.kind) {
    case Expected::Kind::Reg: return ZydisRegisterGetString(e.reg);
    case Expected::Kind::Imm:
      std::snprintf(buf, sizeof buf, "imm %lld", static_cast<long long>(e.imm));
      return buf;
    case Expected::Kind::Mem:
      std::snprintf(buf, sizeof buf, "m%u [%s + %s*%u + %lld]", e.bits, ZydisRegisterGetString(e.base),
                    ZydisRegisterGetString(e.index), e.scale, static_cast<long long>(e.disp));
      return buf;
  }
  return "?";
}

// The length of Zydis' own encoding of the expected instruction (0 if it cannot encode it).
// `imm_bits` re-expresses immediates as sign-extended values of that width: Zydis' encoder
// wants 0xFFFFFFFF for a 32-bit operand written as -1.
size_t zydis_length(ZydisMnemonic mnemonic, const std::vector<Expected>& operands, int imm_bits) {
  ZydisEncoderRequest req;
  std::memset(&req, 0, sizeof req);
  req.machine_mode = ZYDIS_MACHINE_MODE_LONG_64;
  req.mnemonic = mnemonic;
  req.operand_count = ZyanU8(operands.size());
  for (size_t i = 0; i < operands.size(); i++) {
    const Expected& e = operands[i];
    ZydisEncoderOperand& o = req.operands[i];
    switch (e.kind) {
      case Expected::Kind::Reg:
        o.type = ZYDIS_OPERAND_TYPE_REGISTER;
        o.reg.value = e.reg;
        break;
      case Expected::Kind::Imm:
        o.type = ZYDIS_OPERAND_TYPE_IMMEDIATE;
        o.imm.s = imm_bits == 32 ? int64_t(int32_t(e.imm)) : imm_bits == 8 ? int64_t(int8_t(e.imm)) : e.imm;
        break;
      case Expected::Kind::Mem:
        o.type = ZYDIS_OPERAND_TYPE_MEMORY;
        o.mem.base = e.base;
        o.mem.index = e.index;
        o.mem.scale = e.index == ZYDIS_REGISTER_NONE ? 0 : e.scale;
        o.mem.displacement = e.disp;
        o.mem.size = ZyanU16(e.bits / 8);
        break;
    }
  }
  uint8_t buf[ZYDIS_MAX_INSTRUCTION_LENGTH];
  ZyanUSize len = sizeof buf;
  if (!ZYAN_SUCCESS(ZydisEncoderEncodeInstruction(&req, buf, &len))) return 0;
  return len;
}

size_t zydis_length(ZydisMnemonic mnemonic, const std::vector<Expected>& operands) {
  for (int bits : {64, 32, 8}) {
    if (size_t len = zydis_length(mnemonic, operands, bits)) return len;
  }
  return 0;
}

}  // namespace

std::string hex(std::span<const uint8_t> bytes) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < bytes.size(); i++) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%02x" : " %02x", bytes[i]);
    out += buf;
  }
  return out;
}

Decoded decode_at(std::span<const uint8_t> code, size_t offset) {
  Decoded d;
  if (offset < code.size()) {
    d.ok = ZYAN_SUCCESS(ZydisDecoderDecodeFull(&zydis().decoder, code.data() + offset,
                                               code.size() - offset, &d.insn, d.ops));
  }
  return d;
}

uint64_t absolute_target(const Decoded& d, size_t operand, uint64_t instruction_address) {
  ZyanU64 target = 0;
  if (!ZYAN_SUCCESS(ZydisCalcAbsoluteAddress(&d.insn, &d.ops[operand], instruction_address, &target))) {
    return UINT64_MAX;
  }
  return target;
}

std::string to_text(std::span<const uint8_t> bytes) {
  Decoded d = decode_at(bytes, 0);
  if (!d.ok) return "(undecodable)";
  char text[256];
  ZydisFormatterFormatInstruction(&zydis().formatter, &d.insn, d.ops, d.insn.operand_count_visible,
                                  text, sizeof text, ZYDIS_RUNTIME_ADDRESS_NONE, nullptr);
  return text;
}

::testing::AssertionResult decodes_to(std::span<const uint8_t> bytes, ZydisMnemonic mnemonic,
                                      const std::vector<Expected>& operands, bool check_shortest) {
  const Decoded d = decode_at(bytes, 0);
  auto failure = [&]() {
    return ::testing::AssertionFailure() << "bytes [" << hex(bytes) << "] = `" << to_text(bytes) << "`: ";
  };
  if (!d.ok) return failure() << "does not decode";
  if (d.insn.length != bytes.size()) {
    return failure() << "decodes to " << int(d.insn.length) << " bytes, emitted " << bytes.size();
  }
  if (d.insn.mnemonic != mnemonic) {
    return failure() << "mnemonic " << ZydisMnemonicGetString(d.insn.mnemonic) << ", expected "
                     << ZydisMnemonicGetString(mnemonic);
  }
  if (d.insn.operand_count_visible != operands.size()) {
    return failure() << int(d.insn.operand_count_visible) << " operands, expected " << operands.size();
  }
  for (size_t i = 0; i < operands.size(); i++) {
    const Expected& e = operands[i];
    const ZydisDecodedOperand& o = d.ops[i];
    bool ok = false;
    switch (e.kind) {
      case Expected::Kind::Reg:
        ok = o.type == ZYDIS_OPERAND_TYPE_REGISTER && o.reg.value == e.reg;
        break;
      case Expected::Kind::Imm:
        ok = o.type == ZYDIS_OPERAND_TYPE_IMMEDIATE && same_imm(o.imm.value.s, e.imm, d.insn.operand_width);
        break;
      case Expected::Kind::Mem:
        ok = o.type == ZYDIS_OPERAND_TYPE_MEMORY && o.mem.base == e.base && o.mem.index == e.index &&
             (e.index == ZYDIS_REGISTER_NONE || o.mem.scale == e.scale) && o.mem.disp.value == e.disp &&
             (e.bits == 0 || o.size == e.bits);
        break;
    }
    if (!ok) return failure() << "operand " << i << " is not " << describe(e);
  }
  if (check_shortest) {
    const size_t best = zydis_length(mnemonic, operands);
    if (best == 0) return failure() << "Zydis' encoder cannot encode the expectation";
    if (bytes.size() != best) {
      return failure() << "length " << bytes.size() << ", shortest encoding is " << best;
    }
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult emits(const std::function<void(Assembler&)>& emit, ZydisMnemonic mnemonic,
                                 const std::vector<Expected>& operands, bool check_shortest) {
  Assembler a;
  emit(a);
  if (a.status() != AsmStatus::Ok) {
    return ::testing::AssertionFailure() << "assembler status: " << to_string(a.status());
  }
  return decodes_to(a.code(), mnemonic, operands, check_shortest);
}

}  // namespace gene::x64::oracle
