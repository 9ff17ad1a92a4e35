// --dump-ir: one line per node, blocks in layout order, frame states as [slot=value ...].
#include <cstdio>

#include "interp/display.h"
#include "jit/spec/ir.h"

namespace gene::jit::spec {

const char* rep_name(Rep r) {
  static const char* const kNames[] = {"tagged", "int", "float", "bool", "ptr", "-"};
  return kNames[int(r)];
}

const char* guard_name(GuardKind k) {
  static const char* const kNames[] = {"not_int", "not_float", "overflow", "div_by_zero",
                                       "not_array", "bounds", "not_map", "not_string", "map_shape",
                                       "undefined", "wrong_callee", "call_depth", "inline_room", "watched", "stress", "throw",
                                       "heap_limit", "collect", "map_key", "hoisted", "nil_or_map", "unreached"};
  return kNames[int(k)];
}

const char* ir_op_name(IrOp op) {
  static const char* const kNames[] = {
#define GENE_IR_NAME(name, rep) #name,
      GENE_IR_OPS(GENE_IR_NAME)
#undef GENE_IR_NAME
  };
  return kNames[int(op)];
}

Rep ir_op_rep(IrOp op) {
  static const Rep kReps[] = {
#define GENE_IR_REP(name, rep) Rep::rep,
      GENE_IR_OPS(GENE_IR_REP)
#undef GENE_IR_REP
  };
  return kReps[int(op)];
}

std::string print_graph(const Graph& g, const char* title) {
  std::string out = "=== ir " + unit_name(*g.proto) + " (" + title + ")\n";
  char buf[256];
  for (int32_t bi : g.order) {
    const Block& b = g.blocks[size_t(bi)];
    std::snprintf(buf, sizeof buf, "B%d", bi);
    out += buf;
    if (b.pc >= 0) out += " pc " + std::to_string(b.pc);
    if (b.osr_pc >= 0) out += " osr-entry " + std::to_string(b.osr_pc);
    if (b.edge_of >= 0) out += " edge";
    if (b.loop_header) out += " loop-header";
    if (b.inline_level > 0) out += " inlined " + std::to_string(b.inline_level);
    out += " preds [";
    for (size_t i = 0; i < b.preds.size(); i++) out += (i ? " B" : "B") + std::to_string(b.preds[i]);
    out += "]\n";
    for (int32_t id : b.nodes) {
      const Node& n = g.nodes[size_t(id)];
      std::snprintf(buf, sizeof buf, "  v%-4d %-6s %-13s", id, rep_name(n.rep), ir_op_name(n.op));
      out += buf;
      if (n.a >= 0) out += " v" + std::to_string(n.a);
      if (n.b >= 0) out += " v" + std::to_string(n.b);
      if (n.c >= 0) out += " v" + std::to_string(n.c);
      for (int32_t p : n.phi_inputs) out += p >= 0 ? " v" + std::to_string(p) : std::string(" ?");
      switch (n.op) {
        case IrOp::Const: out += " " + to_display_nested(Value::from_bits(uint64_t(n.imm))); break;
        case IrOp::ConstFloat: out += " " + to_display_nested(Value::from_bits(uint64_t(n.imm))); break;
        case IrOp::ConstInt: case IrOp::LoadSlot: case IrOp::LoadGlobal: case IrOp::StoreGlobal: case IrOp::AssignGlobal:
        case IrOp::Call: case IrOp::Generic:
        case IrOp::CmpInt: case IrOp::CmpFloat: case IrOp::CmpBits:
          out += " #" + std::to_string(n.imm);
          break;
        case IrOp::Phi: out += n.imm >= 0 ? " slot " + std::to_string(n.imm) : std::string(" field"); break;
        case IrOp::CheckCallee: out += " " + unit_name(*reinterpret_cast<const Proto*>(n.imm)); break;
        case IrOp::CallCheck: out += " level " + std::to_string(n.imm >> 32) + " words " + std::to_string(n.imm & 0xffffffff); break;
        default: break;
      }
      if (n.fused) out += " (fused into the next)";
      if (n.entry_hint >= 0) out += " entry " + std::to_string(n.entry_hint);
      if (n.entry_strict) out += " (strict)";
      if (n.entry_known) out += " (known)";
      if (n.kept) out += " (kept)";
      if (n.in_bounds) out += " (in bounds)";
      if (n.type_known) out += " (type known)";
      if (n.op == IrOp::Jump || n.op == IrOp::Branch) {
        out += " ->";
        for (int32_t s : b.succs) out += " B" + std::to_string(s);
      }
      if (n.fs >= 0) {
        const FrameState& s = g.states[size_t(n.fs)];
        out += "  @pc " + std::to_string(s.pc) + " [";
        bool first = true;
        for (size_t i = 0; i < s.values.size(); i++) {
          if (s.values[i] < 0) continue;
          if (!first) out += ' ';
          out += std::to_string(i) + "=v" + std::to_string(s.values[i]);
          first = false;
        }
        out += "]";
        for (const InlinedFrame& f : s.inlined)
          out += " < " + unit_name(*f.proto) + " @pc " + std::to_string(f.pc) + " base " + std::to_string(f.base);
      }
      out += "\n";
    }
  }
  return out;
}

}  // namespace gene::jit::spec
