// compile_spec: build the IR, run the passes, allocate registers, emit and install.
#include "jit/spec/spec_compiler.h"

#include <chrono>
#include <cstdio>

#include "interp/type_feedback.h"
#include "jit/asm_disasm.h"
#include "jit/spec/ir_passes.h"
#include "jit/spec/regalloc.h"
#include "jit/spec/spec_codegen.h"
#include "jit/x64/code_install.h"

namespace gene::jit {

using namespace spec;

namespace {

// A call costs spec code more than baseline code when its callee is unknown: the live values
// are flushed before it and reloaded after it, and the generic sequence checks the callee.
// A call through a global that always held one function gets the identity-checked sequence,
// as fast as the baseline's (measured on permute, whose loop calls two such functions).
int call_weight(const Graph& g, const Node& n) { return monomorphic_global_callee(g, n) >= 0 ? 0 : 2; }

// Whether the baseline runs this method site inline (BaselineCompiler::call_method: arrays'
// .get .set .size .push, strings' .get .size), when its receivers were arrays or strings.
bool baseline_inlines_method(const VM& vm, const Proto& p, const Instr& in) {
  const Symbol* name = as_symbol(p.consts[size_t(in.x)]);
  const auto& n = vm.names;
  bool inlined_name = name == n.get || name == n.set || name == n.size || name == n.push;
  return inlined_name && (in.feedback & (kSeenArray | kSeenString)) != 0;
}

}  // namespace

CompileStatus compile_spec(VM& vm, const Proto& p, const SpecHints& hints, const SpecOptions& opts, CodeCache& cache,
                           CompiledCode& out, std::string& why) {
  auto t0 = std::chrono::steady_clock::now();
  Graph g;
  if (!build_graph(vm, p, hints, opts.inline_calls, g, why)) return CompileStatus::Unsupported;
  if (opts.trace_inline && !g.inline_log.empty()) {
    vm.flush();
    for (const std::string& line : g.inline_log) std::fprintf(stderr, "inline: %s\n", line.c_str());
  }
  out.inlined_sites = uint32_t(g.inlined_sites);
  out.assumptions = g.assumptions;
  // Methods and paths the IR does not have reach the spec tier only as helper calls on a
  // flushed frame, which the baseline beats with its inline fast paths: such units stay at
  // baseline (measured on corpus/bench). `.push` on arrays has an inline fast path in front of
  // its helper, as in the baseline. A method the baseline has no fast path for (`.substr`,
  // a map's methods) is a helper call in both tiers: the weighing below decides.
  for (const Node& n : g.nodes) {
    if (n.dead || (n.op != IrOp::Generic && n.op != IrOp::GenericBranch)) continue;
    const InnerFrame f = inner_frame(g, g.states[size_t(n.fs)]);  // (inlined code: the callee's)
    const Instr& in = f.proto->code[size_t(f.pc)];
    if (is_array_push_site(vm, *f.proto, in)) continue;
    if (in.op == Op::CALL_METHOD && !baseline_inlines_method(vm, *f.proto, in)) continue;
    if (in.op == Op::CALL_METHOD || in.op == Op::GET_PATH || in.op == Op::SET_PATH || in.op == Op::FOR_NEXT) {
      why = std::string("its ") + op_info(in.op).name + " sites run faster in baseline code";
      return CompileStatus::Unsupported;
    }
  }
  // A unit that is mostly helper calls gains nothing from speculation and loses to the
  // baseline, which keeps every value in the frame where the helpers want it (a spec helper
  // call flushes the live values first): measured on corpus/bench, list's top level ran 30%
  // slower in spec code. It stays at baseline. Each node counts 8x per loop around it, so a
  // hot numeric loop next to a helper-heavy one (closures' top level) still gets spec code.
  const std::vector<int32_t> depths = block_loop_depths(g);
  int64_t helpers = 0, speculated = 0;
  for (const Node& n : g.nodes) {
    if (n.dead) continue;
    const int64_t weight = int64_t(1) << (3 * std::min(depths[size_t(n.block)], 4));
    if (n.op == IrOp::Generic || n.op == IrOp::GenericBranch) helpers += weight;
    else if (n.op == IrOp::Call) helpers += call_weight(g, n) * weight;
    else if (is_speculated_op(n.op)) speculated += weight;
  }
  if (helpers > speculated) {
    why = "mostly helper calls (" + std::to_string(helpers) + " helpers, " + std::to_string(speculated) +
          " specialised operations, each weighted 8x per enclosing loop)";
    return CompileStatus::Unsupported;
  }
  std::string dump;
  if (opts.dump_ir) dump += print_graph(g, "built");
  int trivial = remove_trivial_phis(g);
  if (opts.dump_ir) dump += print_graph(g, ("trivial phis: " + std::to_string(trivial) + " removed").c_str());
  int folded = fold_constants(g);
  if (opts.dump_ir) dump += print_graph(g, ("constant folding: " + std::to_string(folded) + " folded").c_str());
  int threaded = thread_constant_branches(g);
  if (threaded) remove_trivial_phis(g);
  if (opts.dump_ir) dump += print_graph(g, ("threaded branches: " + std::to_string(threaded)).c_str());
  int globals = eliminate_redundant_global_loads(g);
  if (opts.dump_ir) dump += print_graph(g, ("redundant global loads: " + std::to_string(globals) + " removed").c_str());
  int loads = eliminate_redundant_map_loads(g);
  if (opts.dump_ir) dump += print_graph(g, ("redundant map loads: " + std::to_string(loads) + " removed").c_str());
  int checks = eliminate_redundant_checks(g);
  if (opts.dump_ir) dump += print_graph(g, ("redundant checks: " + std::to_string(checks) + " removed").c_str());
  int callee_checks = elide_entry_proven_callee_checks(g);
  if (opts.dump_ir) dump += print_graph(g, ("callee checks the entry proves: " + std::to_string(callee_checks) + " removed").c_str());
  int unboxed = unbox_phis(g);
  if (opts.dump_ir) dump += print_graph(g, ("unboxed phis: " + std::to_string(unboxed) + " checks replaced").c_str());
  int hoisted = hoist_loop_checks(g);
  if (opts.dump_ir) dump += print_graph(g, ("hoisted loop checks: " + std::to_string(hoisted)).c_str());
  int nil_tests = fuse_nil_tests(g);
  if (opts.dump_ir) dump += print_graph(g, ("fused nil tests: " + std::to_string(nil_tests)).c_str());
  int dead = eliminate_dead_code(g);
  if (opts.dump_ir) dump += print_graph(g, ("dead code: " + std::to_string(dead) + " removed").c_str());
  int sunk = sink_array_next(g);
  if (opts.dump_ir) dump += print_graph(g, ("sunk item reads: " + std::to_string(sunk)).c_str());
  int fused = fuse_array_operands(g);
  if (opts.dump_ir) dump += print_graph(g, ("fused array operands: " + std::to_string(fused)).c_str());
  int known = mark_known_map_entries(g);
  if (opts.dump_ir) dump += print_graph(g, ("known map entries: " + std::to_string(known)).c_str());
  Allocation ra = allocate_registers(g);
  if (opts.dump_ir) {
    dump += "=== registers " + unit_name(p) + ": " + std::to_string(ra.spill_slots) + " spill slots\n";
    for (size_t i = 0; i < g.nodes.size(); i++) {
      const Loc& l = ra.loc[i];
      if (l.kind == Loc::Gpr) dump += "  v" + std::to_string(i) + " " + x64::name(x64::Reg64{l.reg}) + "\n";
      else if (l.kind == Loc::Xmm) dump += "  v" + std::to_string(i) + " " + x64::name(x64::Xmm{l.reg}) + "\n";
      else if (l.kind == Loc::Spill) dump += "  v" + std::to_string(i) + " [spill " + std::to_string(l.slot) + "]\n";
      else if (l.kind == Loc::Frame) dump += "  v" + std::to_string(i) + " [frame slot " + std::to_string(l.slot) + "]\n";
    }
    vm.flush();
    std::fputs(dump.c_str(), stderr);
  }
  Layout layout(vm);
  // Two emissions: the first only learns what each block leaves in the interpreter frame, so
  // the second can skip flushing slots that already hold their value at loop headers and
  // joins (measured on closures.gene: the loop in map_array re-stored every live local on
  // every iteration before its call).
  FrameFacts exits;
  {
    ValueAssembler scratch(code_range(cache), layout);
    CompiledCode scratch_code;
    SpecOffsets scratch_off;
    if (!emit_spec(vm, g, ra, opts.stress, scratch, scratch_code, scratch_off, nullptr, &exits))
      return CompileStatus::EncoderError;
  }
  FrameFacts entry = merge_entry_facts(g, exits);
  ValueAssembler a(code_range(cache), layout);
  SpecOffsets off;
  if (!emit_spec(vm, g, ra, opts.stress, a, out, off, &entry, nullptr)) return CompileStatus::EncoderError;
  CodeBlock block;
  CodeCacheStatus st = install_code(cache, a, &block);
  if (st == CodeCacheStatus::InvalidArgument) return CompileStatus::EncoderError;
  if (st != CodeCacheStatus::Ok) return CompileStatus::CodeCacheFull;
  out.block = block;
  out.entry = block.entry<NativeEntry>();
  out.body_offset = off.body;
  out.frame.adjustments = a.stack_adjustments();
  out.main_end = off.main_end;
  out.unwinder_begin = off.exits;
  out.compile_ns = uint64_t(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
  return CompileStatus::Ok;
}

std::string dump_spec(const VM& vm, const Proto& p, const CompiledCode& code) {
  (void)vm;
  std::string out = "=== spec " + unit_name(p) + " (" + std::to_string(code.block.size) + " bytes, " +
                    std::to_string(code.deopts.size()) + " deopt points)\n";
  out += format_disassembly({code.block.start, code.block.size}, code.block.address());
  return out;
}

}  // namespace gene::jit
