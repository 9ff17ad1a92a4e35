#include "interp/disasm.h"

#include <cstdio>

#include "interp/display.h"
#include "interp/object.h"
#include "interp/vm.h"

namespace gene {

namespace {

std::string quoted(const std::string& s) {
  std::string out;
  append_quoted(out, s, true);
  return out;
}

std::string const_text(Value v) {
  if (v.is_int()) return "int " + std::to_string(v.as_int());
  if (v.is_double()) {
    std::string s = "float ";
    append_float(s, v.as_double());
    return s;
  }
  if (is_obj_type(v, ObjType::String)) return "string " + quoted(as_string(v)->chars);
  if (is_obj_type(v, ObjType::Symbol)) return "symbol " + as_symbol(v)->name;
  return "?";
}

std::string operand_text(const VM& vm, const Proto& p, Operand kind, int32_t v) {
  switch (kind) {
    case Operand::None: return "";
    case Operand::Global: return vm.global_name(v);
    default: return std::to_string(v);
  }
}

}  // namespace

std::string format_instr(const VM& vm, const Proto& p, const Instr& in) {
  const OpInfo& info = op_info(in.op);
  std::string s = info.name;
  // (appended piecewise: g++ 12 warns -Wrestrict on " " + std::string&&)
  if (info.x != Operand::None) s.append(" ").append(operand_text(vm, p, info.x, in.x));
  if (info.y != Operand::None) s.append(" ").append(operand_text(vm, p, info.y, in.y));
  if (info.x == Operand::Const && size_t(in.x) < p.consts.size()) s += "    ; " + const_text(p.consts[in.x]);
  return s;
}

std::string disassemble_program(const VM& vm, const Program& prog) {
  std::string out = "; gene bytecode v1\n";
  for (auto& up : prog.protos) {
    const Proto& p = *up;
    out += "\n.unit " + std::to_string(p.id) + " " + quoted(p.name) + " params=" + std::to_string(p.nparams) +
           " slots=" + std::to_string(p.nslots) + " stack=" + std::to_string(p.max_stack) + "\n";
    for (size_t i = 0; i < p.consts.size(); i++)
      out += "  .const " + std::to_string(i) + " " + const_text(p.consts[i]) + "\n";
    for (auto& u : p.upvals)
      out += std::string("  .upval ") + (u.from_local ? "local " : "upval ") + std::to_string(u.index) + "\n";
    for (int32_t c : p.children) out += "  .child " + std::to_string(c) + "\n";
    for (auto& h : p.handlers)
      out += "  .handler " + std::to_string(h.start) + " " + std::to_string(h.end) + " " + std::to_string(h.target) +
             " " + std::to_string(h.depth) + "\n";
    for (size_t i = 0; i < p.code.size(); i++) {
      char head[32];
      std::snprintf(head, sizeof head, "  %4zu  @%-4d ", i, p.lines[i]);
      std::string text = format_instr(vm, p, p.code[i]);
      size_t semi = text.find("    ;");  // constants are listed above; keep instruction lines exact
      if (semi != std::string::npos) text.resize(semi);
      out += head + text + "\n";
    }
    out += ".end\n";
  }
  return out;
}

}  // namespace gene
