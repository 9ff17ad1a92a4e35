// Jumps, calls, labels, RIP-relative operands, padding and data, checked with Zydis: branch and
// RIP-relative targets are recomputed by Zydis from the decoded bytes.
#include <gtest/gtest.h>

#include <cstring>

#include "jit/x64/assembler.h"
#include "tests/jit/zydis_oracle.h"

namespace gene::x64 {
namespace {

using namespace oracle;

#define EXPECT_EMITS(emit_stmt, mnemonic, ...) \
  EXPECT_TRUE(emits([&](Assembler& a) { emit_stmt; }, mnemonic, __VA_ARGS__))

const ZydisMnemonic kJcc[16] = {
    ZYDIS_MNEMONIC_JO, ZYDIS_MNEMONIC_JNO, ZYDIS_MNEMONIC_JB,  ZYDIS_MNEMONIC_JNB,
    ZYDIS_MNEMONIC_JZ, ZYDIS_MNEMONIC_JNZ, ZYDIS_MNEMONIC_JBE, ZYDIS_MNEMONIC_JNBE,
    ZYDIS_MNEMONIC_JS, ZYDIS_MNEMONIC_JNS, ZYDIS_MNEMONIC_JP,  ZYDIS_MNEMONIC_JNP,
    ZYDIS_MNEMONIC_JL, ZYDIS_MNEMONIC_JNL, ZYDIS_MNEMONIC_JLE, ZYDIS_MNEMONIC_JNLE,
};
const Cond kConds[16] = {Cond::O, Cond::NO, Cond::B, Cond::AE, Cond::E, Cond::NE, Cond::BE, Cond::A,
                         Cond::S, Cond::NS, Cond::P, Cond::NP, Cond::L, Cond::GE, Cond::LE, Cond::G};

// The instruction at `offset` is `mnemonic`, `length` bytes long, and (per Zydis) goes to
// `target` when the code runs at `base`.
::testing::AssertionResult branch_at(std::span<const uint8_t> code, size_t offset, ZydisMnemonic mnemonic,
                                     size_t length, uint64_t target, uint64_t base = 0) {
  const Decoded d = decode_at(code, offset);
  if (!d.ok) return ::testing::AssertionFailure() << "no instruction at " << offset;
  if (d.insn.mnemonic != mnemonic || d.insn.length != length) {
    return ::testing::AssertionFailure() << "at " << offset << ": `" << to_text(code.subspan(offset, d.insn.length))
                                         << "` (" << int(d.insn.length) << " bytes), expected "
                                         << ZydisMnemonicGetString(mnemonic) << " of " << length << " bytes";
  }
  const uint64_t actual = absolute_target(d, 0, base + offset);
  if (actual != target) {
    return ::testing::AssertionFailure() << "at " << offset << ": target " << actual << ", expected " << target;
  }
  return ::testing::AssertionSuccess();
}

TEST(EncoderBranch, BackwardJumpsUseRel8WhenInRange) {
  // From the end of a 2-byte jump, rel8 reaches back 128 bytes: 126 bytes of padding plus the jump.
  for (size_t gap : {size_t(0), size_t(1), size_t(100), size_t(126), size_t(127), size_t(128), size_t(1000)}) {
    const bool short_form = gap <= 126;
    Assembler a;
    Label top = a.new_label();
    a.bind(top);
    a.nop(gap);
    size_t at = a.size();
    a.jmp(top);
    ASSERT_EQ(a.finalize(), AsmStatus::Ok);
    EXPECT_TRUE(branch_at(a.code(), at, ZYDIS_MNEMONIC_JMP, short_form ? 2 : 5, 0)) << "gap " << gap;
    for (int c = 0; c < 16; c++) {
      at = a.size();
      a.jcc(kConds[c], top);
      // Each earlier jump lengthens the distance, so recompute which form applies.
      const bool fits = at + 2 - 0 <= 128;
      EXPECT_TRUE(branch_at(a.code(), at, kJcc[c], fits ? 2 : 6, 0)) << "gap " << gap << " cond " << c;
    }
  }
}

TEST(EncoderBranch, ForwardJumpsArePatchedAtBind) {
  Assembler a;
  Label target = a.new_label();
  std::vector<std::pair<size_t, int>> sites;  // offset, condition (-1 = jmp, -2 = call)
  sites.push_back({a.size(), -1});
  a.jmp(target);
  for (int c = 0; c < 16; c++) {
    sites.push_back({a.size(), c});
    a.jcc(kConds[c], target);
  }
  sites.push_back({a.size(), -2});
  a.call(target);
  a.nop(300);
  const size_t bound_at = a.size();
  a.bind(target);
  a.ret();
  ASSERT_EQ(a.finalize(), AsmStatus::Ok);
  EXPECT_EQ(a.label_offset(target), bound_at);
  for (auto [offset, c] : sites) {
    if (c == -1) {
      EXPECT_TRUE(branch_at(a.code(), offset, ZYDIS_MNEMONIC_JMP, 5, bound_at));
    } else if (c == -2) {
      EXPECT_TRUE(branch_at(a.code(), offset, ZYDIS_MNEMONIC_CALL, 5, bound_at));
    } else {
      EXPECT_TRUE(branch_at(a.code(), offset, kJcc[c], 6, bound_at));
    }
  }
}

TEST(EncoderBranch, ExplicitShortForwardJumps) {
  for (size_t gap : {size_t(0), size_t(50), size_t(127)}) {
    Assembler a;
    Label l = a.new_label();
    a.jmp_short(l);
    a.nop(gap);
    a.bind(l);
    ASSERT_EQ(a.finalize(), AsmStatus::Ok) << gap;
    EXPECT_TRUE(branch_at(a.code(), 0, ZYDIS_MNEMONIC_JMP, 2, 2 + gap));
  }
  for (int c = 0; c < 16; c++) {
    Assembler a;
    Label l = a.new_label();
    a.jcc_short(kConds[c], l);
    a.nop(20);
    a.bind(l);
    ASSERT_EQ(a.finalize(), AsmStatus::Ok);
    EXPECT_TRUE(branch_at(a.code(), 0, kJcc[c], 2, 22));
  }
  // 128 bytes ahead is one too far.
  Assembler a;
  Label l = a.new_label();
  a.jcc_short(Cond::E, l);
  a.nop(128);
  a.bind(l);
  EXPECT_EQ(a.status(), AsmStatus::ShortJumpOutOfRange);
  // Backward, bound already: out of range is reported at once.
  Assembler b;
  Label top = b.new_label();
  b.bind(top);
  b.nop(200);
  b.jmp_short(top);
  EXPECT_EQ(b.status(), AsmStatus::ShortJumpOutOfRange);
}

TEST(EncoderLabels, Errors) {
  {
    Assembler a;
    Label l = a.new_label();
    a.bind(l);
    a.bind(l);
    EXPECT_EQ(a.status(), AsmStatus::LabelAlreadyBound);
  }
  {
    Assembler a;
    Label l = a.new_label();
    a.jmp(l);
    EXPECT_EQ(a.status(), AsmStatus::Ok);
    std::vector<uint8_t> out(a.size());
    EXPECT_EQ(a.copy_to(out.data(), 0), AsmStatus::LabelUnbound);
    EXPECT_EQ(a.finalize(), AsmStatus::LabelUnbound);
    EXPECT_FALSE(a.is_bound(l));
    EXPECT_EQ(a.label_offset(l), UINT32_MAX);
  }
  {
    Assembler a;
    a.jmp(Label{});  // never created
    EXPECT_EQ(a.status(), AsmStatus::InvalidOperand);
    EXPECT_EQ(a.size(), 5u);  // still laid out, so later offsets stay meaningful
  }
  {
    Assembler a;
    a.align(12);
    EXPECT_EQ(a.status(), AsmStatus::InvalidOperand);
  }
  EXPECT_STREQ(to_string(AsmStatus::ShortJumpOutOfRange), "short jump target out of rel8 range");
}

TEST(EncoderLabels, ManyReferencesToOneLabelAndManyLabels) {
  Assembler a;
  Label end = a.new_label();
  std::vector<Label> locals;
  std::vector<size_t> sites;
  for (int i = 0; i < 500; i++) {
    sites.push_back(a.size());
    a.jcc(kConds[i % 16], end);
    Label l = a.new_label();
    a.bind(l);
    locals.push_back(l);
  }
  a.bind(end);
  ASSERT_EQ(a.finalize(), AsmStatus::Ok);
  for (size_t i = 0; i < sites.size(); i++) {
    EXPECT_TRUE(branch_at(a.code(), sites[i], kJcc[i % 16], 6, a.label_offset(end)));
    EXPECT_EQ(a.label_offset(locals[i]), sites[i] + 6);
  }
}

TEST(EncoderBranch, IndirectCallsAndJumps) {
  for (const Reg64Pair& r : kAllReg64) {
    EXPECT_EMITS(a.call(r.ours), ZYDIS_MNEMONIC_CALL, {ereg(r.zydis)});
    EXPECT_EMITS(a.jmp(r.ours), ZYDIS_MNEMONIC_JMP, {ereg(r.zydis)});
  }
  for (const MemCase& m : memory_cases()) {
    EXPECT_EMITS(a.call(qword_ptr(m.mem)), ZYDIS_MNEMONIC_CALL, {emem(m, 64)});
    EXPECT_EMITS(a.jmp(qword_ptr(m.mem)), ZYDIS_MNEMONIC_JMP, {emem(m, 64)});
  }
}

TEST(EncoderBranch, AbsoluteTargetsInRangeUseRel32) {
  const uint64_t begin = 0x7f0000000000;
  const CodeRange range{begin, begin + (64 << 20)};
  // rel32 is used only if the target is reachable from every address in the range.
  const uint64_t near_target = begin - (uint64_t(1) << 30);
  const uint64_t far_target = range.end + (uint64_t(1) << 31);
  for (bool is_call : {true, false}) {
    Assembler a(range);
    const void* near_ptr = reinterpret_cast<const void*>(near_target);
    if (is_call) {
      a.call(near_ptr);
    } else {
      a.jmp(near_ptr);
    }
    ASSERT_EQ(a.size(), 5u);
    for (uint64_t runtime : {range.begin, range.begin + 0x1234, range.end - 5}) {
      std::vector<uint8_t> out(a.size());
      ASSERT_EQ(a.copy_to(out.data(), runtime), AsmStatus::Ok);
      EXPECT_TRUE(branch_at(out, 0, is_call ? ZYDIS_MNEMONIC_CALL : ZYDIS_MNEMONIC_JMP, 5, near_target, runtime));
    }
    // Copied somewhere the target is out of reach: reported, not silently truncated.
    std::vector<uint8_t> out(a.size());
    EXPECT_EQ(a.copy_to(out.data(), far_target + (uint64_t(1) << 32)), AsmStatus::RelocationOutOfRange);
  }
  // Out of reach of the range's far end: falls back to r11.
  Assembler a(range);
  a.call(reinterpret_cast<const void*>(far_target));
  EXPECT_GT(a.size(), 5u);
}

TEST(EncoderBranch, AbsoluteTargetsOutOfRangeGoThroughR11) {
  struct Case {
    uint64_t target;
    ZydisRegister mov_dst;  // a 32-bit-clean address loads through r11d
  };
  for (const Case& c : {Case{0x123456789ABCull, ZYDIS_REGISTER_R11}, Case{0x401000, ZYDIS_REGISTER_R11D}}) {
    for (bool is_call : {true, false}) {
      Assembler a;  // placement unknown
      if (is_call) {
        a.call(reinterpret_cast<const void*>(c.target));
      } else {
        a.jmp(reinterpret_cast<const void*>(c.target));
      }
      ASSERT_EQ(a.finalize(), AsmStatus::Ok);
      const Decoded mov = decode_at(a.code(), 0);
      ASSERT_TRUE(mov.ok);
      EXPECT_TRUE(decodes_to(a.code().subspan(0, mov.insn.length), ZYDIS_MNEMONIC_MOV,
                             {ereg(c.mov_dst), eimm(int64_t(c.target))}));
      EXPECT_TRUE(decodes_to(a.code().subspan(mov.insn.length), is_call ? ZYDIS_MNEMONIC_CALL : ZYDIS_MNEMONIC_JMP,
                             {ereg(ZYDIS_REGISTER_R11)}));
    }
  }
}

TEST(EncoderBranch, CallFunctionPointer) {
  struct F {
    static int64_t plain(int64_t x) { return x; }
    static int64_t nothrow(int64_t x) noexcept { return x; }
  };
  Assembler a;
  a.call(&F::plain);
  a.call(&F::nothrow);
  EXPECT_EQ(a.finalize(), AsmStatus::Ok);
  EXPECT_GT(a.size(), 0u);
}

// RIP-relative operands to labels: the displacement is measured from the end of the whole
// instruction, immediate included, and label + addend is honoured.
TEST(EncoderRip, LabelOperands) {
  Assembler a;
  Label data = a.new_label();
  struct Site {
    size_t offset;
    int32_t addend;
    ZydisMnemonic mnemonic;
  };
  std::vector<Site> sites;
  auto site = [&](int32_t addend, ZydisMnemonic m) { sites.push_back({a.size(), addend, m}); };
  site(0, ZYDIS_MNEMONIC_MOV), a.mov(rax, qword_ptr(rip_rel(data)));
  site(0, ZYDIS_MNEMONIC_CMP), a.cmp(qword_ptr(rip_rel(data)), 5);
  site(0, ZYDIS_MNEMONIC_CMP), a.cmp(qword_ptr(rip_rel(data)), 5000);
  site(4, ZYDIS_MNEMONIC_MOV), a.mov(dword_ptr(rip_rel(data, 4)), 7);
  site(0, ZYDIS_MNEMONIC_MOV), a.mov(byte_ptr(rip_rel(data)), int8_t(1));
  site(0, ZYDIS_MNEMONIC_MOVSD), a.movsd(xmm9, qword_ptr(rip_rel(data)));
  site(8, ZYDIS_MNEMONIC_LEA), a.lea(r12, rip_rel(data, 8));
  site(0, ZYDIS_MNEMONIC_SHL), a.shl(qword_ptr(rip_rel(data)), 3);
  site(0, ZYDIS_MNEMONIC_TEST), a.test(byte_ptr(rip_rel(data)), int8_t(1));
  site(0, ZYDIS_MNEMONIC_IMUL), a.imul(rcx, qword_ptr(rip_rel(data)), 1000);
  site(0, ZYDIS_MNEMONIC_XORPD), a.xorpd(xmm0, xmmword_ptr(rip_rel(data)));
  a.ret();
  a.align(16);
  a.bind(data);
  a.dq(0x1122334455667788);
  a.dq(0);
  site(0, ZYDIS_MNEMONIC_MOV), a.mov(rdx, qword_ptr(rip_rel(data)));  // backward
  ASSERT_EQ(a.finalize(), AsmStatus::Ok);
  const uint64_t base = 0x10000;
  for (const Site& s : sites) {
    const Decoded d = decode_at(a.code(), s.offset);
    ASSERT_TRUE(d.ok);
    EXPECT_EQ(d.insn.mnemonic, s.mnemonic) << s.offset;
    size_t mem_operand = d.ops[0].type == ZYDIS_OPERAND_TYPE_MEMORY ? 0 : 1;
    ASSERT_EQ(d.ops[mem_operand].mem.base, ZYDIS_REGISTER_RIP) << s.offset;
    EXPECT_EQ(absolute_target(d, mem_operand, base + s.offset), base + a.label_offset(data) + uint64_t(s.addend))
        << "instruction at " << s.offset << ": " << to_text(a.code().subspan(s.offset, d.insn.length));
  }
}

TEST(EncoderMisc, ReturnAndTraps) {
  EXPECT_EMITS(a.ret(), ZYDIS_MNEMONIC_RET, {});
  EXPECT_EMITS(a.int3(), ZYDIS_MNEMONIC_INT3, {});
  EXPECT_EMITS(a.ud2(), ZYDIS_MNEMONIC_UD2, {});
}

TEST(EncoderMisc, MultiByteNops) {
  for (size_t n = 0; n <= 40; n++) {
    Assembler a;
    a.nop(n);
    ASSERT_EQ(a.size(), n);
    size_t offset = 0, count = 0;
    while (offset < n) {
      const Decoded d = decode_at(a.code(), offset);
      ASSERT_TRUE(d.ok) << n;
      EXPECT_EQ(d.insn.mnemonic, ZYDIS_MNEMONIC_NOP) << "nop(" << n << ") at " << offset;
      offset += d.insn.length;
      count++;
    }
    EXPECT_EQ(offset, n);
    EXPECT_EQ(count, (n + 8) / 9) << "nop(" << n << ") should use the fewest instructions";
  }
}

TEST(EncoderMisc, Align) {
  for (size_t start = 0; start < 40; start++) {
    for (size_t alignment : {size_t(1), size_t(2), size_t(8), size_t(16), size_t(32)}) {
      Assembler a;
      a.int3();
      a.nop(start);
      const size_t before = a.size();
      a.align(alignment);
      EXPECT_EQ(a.size() % alignment, 0u);
      EXPECT_LT(a.size() - before, alignment);
      EXPECT_EQ(a.status(), AsmStatus::Ok);
    }
  }
}

// A label bound where alignment pads (a loop's head, its compare moving down with the jcc)
// marks the compare: the loop's jump back, and a forward jump to it patched before the
// padding, skip the nops.
TEST(EncoderBranch, ALabelWherePaddingGoesMarksTheInstructionAfterIt) {
  int padded = 0;
  for (size_t start = 0; start < 32; start++) {
    Assembler a;
    a.set_branch_alignment(true);
    Label head = a.new_label(), out = a.new_label();
    a.jmp(head);  // a forward reference, patched when head is bound
    a.nop(start);
    a.bind(head);
    const size_t bound_at = a.size();
    a.cmp(rax, rcx);
    a.jcc(Cond::NE, out);
    a.jmp(head);
    a.bind(out);
    a.ret();
    ASSERT_EQ(a.finalize(), AsmStatus::Ok);
    const size_t h = a.label_offset(head);
    padded += h != bound_at;
    const Decoded at_head = decode_at(a.code(), h);
    ASSERT_TRUE(at_head.ok);
    EXPECT_EQ(at_head.insn.mnemonic, ZYDIS_MNEMONIC_CMP) << "start " << start;
    const Decoded first = decode_at(a.code(), 0);
    EXPECT_EQ(absolute_target(first, 0, 0), h) << "start " << start;
  }
  EXPECT_GT(padded, 0);  // some starts put the pair across a boundary
}

// With branch alignment on, no jump, call or ret crosses a 32-byte boundary or ends on one,
// a compare just before a jcc moves down with it (so the decoder still fuses them), and every
// target is still right: decoded from the bytes, for each starting offset in a 32-byte block.
TEST(EncoderBranch, AlignmentKeepsBranchesWithinA32ByteBlock) {
  auto inside_block = [](size_t begin, size_t end) { return begin / 32 == (end - 1) / 32 && end % 32 != 0; };
  for (size_t start = 0; start < 64; start++) {
    Assembler a;
    a.set_branch_alignment(true);
    Label top = a.new_label(), ahead = a.new_label();
    a.bind(top);
    a.nop(start);
    a.cmp(rax, rcx);  // fused with the jcc after it
    const size_t cmp_at = a.size();
    a.jcc(Cond::NE, ahead);
    a.test(rdx, rdx);
    a.jcc(Cond::E, top);
    a.nop(start % 7);
    a.jmp(ahead);
    a.call(ahead);
    a.ret();
    a.bind(ahead);
    a.ret();
    ASSERT_EQ(a.finalize(), AsmStatus::Ok);
    const size_t target = a.label_offset(ahead);
    // Walk the code; remember where each compare/test began.
    size_t offset = 0, fused_from = SIZE_MAX, branches = 0;
    while (offset < a.size()) {
      const Decoded d = decode_at(a.code(), offset);
      ASSERT_TRUE(d.ok) << "start " << start << " at " << offset;
      const ZydisMnemonic m = d.insn.mnemonic;
      const size_t end = offset + d.insn.length;
      if (m == ZYDIS_MNEMONIC_CMP || m == ZYDIS_MNEMONIC_TEST) {
        fused_from = offset;
      } else if (m != ZYDIS_MNEMONIC_NOP) {
        const bool is_jcc = m == ZYDIS_MNEMONIC_JNZ || m == ZYDIS_MNEMONIC_JZ;
        if (is_jcc || m == ZYDIS_MNEMONIC_JMP || m == ZYDIS_MNEMONIC_CALL || m == ZYDIS_MNEMONIC_RET) {
          branches++;
          EXPECT_TRUE(inside_block(is_jcc ? fused_from : offset, end))
              << "start " << start << ": " << ZydisMnemonicGetString(m) << " at " << offset << ".." << end;
          if (m == ZYDIS_MNEMONIC_JNZ || m == ZYDIS_MNEMONIC_JMP || m == ZYDIS_MNEMONIC_CALL) {
            EXPECT_EQ(absolute_target(d, 0, offset), target) << "start " << start << " at " << offset;
          }
          if (m == ZYDIS_MNEMONIC_JZ) {
            EXPECT_EQ(absolute_target(d, 0, offset), 0u) << "start " << start;
          }
        }
        fused_from = SIZE_MAX;
      }
      offset = end;
    }
    EXPECT_EQ(branches, 6u) << "start " << start;
    EXPECT_GE(cmp_at, start + 3);  // the compare was not lost
  }
}

TEST(EncoderMisc, DataAndReset) {
  Assembler a;
  a.db(0xAB);
  a.dd(0x11223344);
  a.dq(0x5566778899AABBCCull);
  const char text[] = "gene";
  a.embed(text, 4);
  a.embed(nullptr, 0);
  const uint8_t expected[] = {0xAB, 0x44, 0x33, 0x22, 0x11, 0xCC, 0xBB, 0xAA, 0x99,
                              0x88, 0x77, 0x66, 0x55, 'g',  'e',  'n',  'e'};
  ASSERT_EQ(a.size(), sizeof expected);
  EXPECT_EQ(std::memcmp(a.data(), expected, sizeof expected), 0);

  a.bind(Label{7});  // an error, cleared by reset
  EXPECT_NE(a.status(), AsmStatus::Ok);
  a.reset();
  EXPECT_EQ(a.size(), 0u);
  EXPECT_EQ(a.status(), AsmStatus::Ok);
  Label l = a.new_label();
  EXPECT_EQ(l.id, 0u);
  a.bind(l);
  a.ret();
  EXPECT_EQ(a.finalize(), AsmStatus::Ok);
}

TEST(EncoderMisc, BufferGrowsAcrossManyInstructions) {
  Assembler a;
  for (int i = 0; i < 20000; i++) a.mov(r15, int64_t(0x123456789ABCDEF) + i);
  ASSERT_EQ(a.size(), 20000u * 10);
  const Decoded last = decode_at(a.code(), a.size() - 10);
  ASSERT_TRUE(last.ok);
  EXPECT_EQ(last.ops[1].imm.value.s, 0x123456789ABCDEF + 19999);
}

}  // namespace
}  // namespace gene::x64
