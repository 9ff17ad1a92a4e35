#include "interp/type_feedback.h"

#include "interp/disasm.h"
#include "interp/proto.h"

namespace gene {

std::string feedback_text(uint8_t kinds) {
  static const char* const kNames[] = {"int", "float", "string", "array", "map", "nil/bool", "other", "overflow"};
  std::string s;
  for (int bit = 0; bit < 8; bit++)
    if (kinds & (1u << bit)) {
      if (!s.empty()) s += '|';
      s += kNames[bit];
    }
  return s.empty() ? "-" : s;
}

void prepare_feedback(Program& prog) {
  for (auto& p : prog.protos) p->callees.assign(p->code.size(), nullptr);
}

namespace {

std::string callee_text(const Program& prog, const void* c) {
  if (c == kMegamorphic) return "megamorphic";
  for (const auto& p : prog.protos)
    if (p.get() == c) return "fn " + unit_name(*p) + "#" + std::to_string(p->id);
  return std::string("builtin ") + static_cast<const Builtin*>(c)->name;
}

}  // namespace

std::string dump_feedback(const VM& vm, const Program& prog) {
  std::string out;
  for (const auto& up : prog.protos) {
    const Proto& p = *up;
    std::string lines;
    for (size_t pc = 0; pc < p.code.size(); pc++) {
      const Instr& in = p.code[pc];
      const void* callee = pc < p.callees.size() ? p.callees[pc] : nullptr;
      if (!in.feedback && !callee) continue;
      lines += "  " + std::to_string(pc) + "\t" + format_instr(vm, p, in) + "\t";
      if (callee && (in.op == Op::GET_PATH || in.op == Op::SET_PATH)) {
        int32_t at = map_position_hint(p.callees, pc);
        lines += feedback_text(in.feedback) + (at >= 0 ? ", map entry " + std::to_string(at) + (map_position_in_room(p.callees, pc) ? " (in the room)" : "")
                                                     : ", map entries vary");
      } else {
        lines += callee ? "callee " + callee_text(prog, callee) : feedback_text(in.feedback);
      }
      lines += "\n";
    }
    if (!lines.empty()) out += "== feedback: " + unit_name(p) + " (unit " + std::to_string(p.id) + ")\n" + lines;
  }
  return out;
}

}  // namespace gene
