#include "jit/asm_disasm.h"

#include <Zydis/Zydis.h>

#include <cstdio>

namespace gene::jit {

namespace {

struct Zydis {
  ZydisDecoder decoder;
  ZydisFormatter formatter;
  bool ok = false;

  Zydis() {
    ok = ZYAN_SUCCESS(
             ZydisDecoderInit(&decoder, ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64)) &&
         ZYAN_SUCCESS(ZydisFormatterInit(&formatter, ZYDIS_FORMATTER_STYLE_INTEL)) &&
         // "jmp 0x40" rather than "jmp 0x0000000000000040": listings are read by people.
         ZYAN_SUCCESS(ZydisFormatterSetProperty(
             &formatter, ZYDIS_FORMATTER_PROP_ADDR_PADDING_ABSOLUTE, ZYDIS_PADDING_DISABLED));
  }
};

const Zydis& zydis() {
  static const Zydis z;
  return z;
}

std::string hex_bytes(const uint8_t* p, size_t n) {
  std::string out;
  char buf[4];
  for (size_t i = 0; i < n; i++) {
    std::snprintf(buf, sizeof buf, i == 0 ? "%02x" : " %02x", p[i]);
    out += buf;
  }
  return out;
}

}  // namespace

std::vector<DisasmLine> disassemble(std::span<const uint8_t> code, uint64_t runtime_address) {
  const Zydis& z = zydis();
  std::vector<DisasmLine> lines;
  size_t offset = 0;
  while (offset < code.size()) {
    ZydisDecodedInstruction insn;
    ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
    DisasmLine line;
    line.offset = offset;
    char text[256];
    if (z.ok &&
        ZYAN_SUCCESS(ZydisDecoderDecodeFull(&z.decoder, code.data() + offset, code.size() - offset,
                                            &insn, operands)) &&
        ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&z.formatter, &insn, operands,
                                                     insn.operand_count_visible, text, sizeof text,
                                                     runtime_address + offset, nullptr))) {
      line.length = insn.length;
      line.text = text;
    } else {
      line.length = 1;
      line.text = "(bad)";
    }
    line.hex = hex_bytes(code.data() + offset, line.length);
    offset += line.length;
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string format_disassembly(std::span<const uint8_t> code, uint64_t runtime_address) {
  std::string out;
  char prefix[96];
  for (const DisasmLine& l : disassemble(code, runtime_address)) {
    std::snprintf(prefix, sizeof prefix, "  0x%04llx  %-24s ",
                  static_cast<unsigned long long>(l.offset), l.hex.c_str());
    out += prefix;
    out += l.text;
    out += '\n';
  }
  return out;
}

}  // namespace gene::jit
