// The baseline compiler's state and its members, shared by the files that define them:
//   baseline_compiler.cpp  the driver loop and one emit_<OP> per opcode
//   baseline_operands.cpp  the deferred-operand model, helper calls, slow-path state
//   baseline_entries.cpp   native entry, body and OSR entries, unwinder and epilogue
//   baseline_install.cpp   compile_baseline: emit, then install in the code cache
// Value-level sequences (tag checks, boxing, equality, map scans, helper calls) come from
// jit/codegen/value_code.h, which knows nothing of this compiler.
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "interp/opcodes.h"
#include "interp/proto.h"
#include "interp/vm.h"
#include "jit/baseline/baseline_compiler.h"
#include "jit/baseline/deferred_operands.h"
#include "jit/codegen/register_roles.h"
#include "jit/native_frame.h"
#include "jit/runtime_helpers.h"
#include "jit/codegen/runtime_layout.h"
#include "jit/codegen/value_code.h"

namespace gene::jit::baseline {

// A deferred operand's value (DeferredOperand::Kind::Reg); callee-saved like the other roles.
constexpr x64::Reg64 kResult = x64::rbp;

class BaselineCompiler {
 public:
  using Reg64 = x64::Reg64;
  using Mem64 = x64::Mem64;
  using Label = x64::Label;
  using Cond = x64::Cond;

  BaselineCompiler(VM& vm, const Proto& p, x64::CodeRange range, uint32_t* path_cache, int64_t* tier_up_budget)
      : vm_(vm), p_(p), layout_(vm), a_(range, layout_), path_cache_(path_cache), tier_up_budget_(tier_up_budget),
        record_(vm.opts.type_feedback && !p.feedback_settled) {}

  bool compile(std::vector<uint32_t>& pc_offsets, std::vector<OutOfLineCode>& out_of_line_offsets);

  const ValueAssembler& assembler() const { return a_; }
  size_t body_offset() const { return body_offset_; }
  const NativeFrameLayout& frame() const { return frame_; }
  size_t main_end() const { return main_end_; }
  size_t unwinder_begin() const { return unwinder_begin_; }

 private:
  // ---- frame addressing (baseline_operands.cpp keeps the rest of the operand model)
  Mem64 slot(int i) const { return x64::qword_ptr(kBase, int32_t(i) * 8); }
  // Operand k below the top (0 = top) before the current instruction.
  Mem64 top(int k) const { return x64::qword_ptr(kBase, int32_t(p_.nslots + depth_ - 1 - k) * 8); }
  // The operand position `d` (absolute depth index).
  Mem64 operand(int d) const { return x64::qword_ptr(kBase, int32_t(p_.nslots + d) * 8); }
  // The operand stack top before the current instruction, from kBase (helpers' sp).
  int32_t sp_offset() const { return int32_t(p_.nslots + depth_) * 8; }
  Label target(int pc) const { return labels_[size_t(pc)]; }

  // ---- deferred operands (baseline_operands.cpp)
  const DeferredOperand* deferred_top(int k) const { return deferred_.at(depth_ - 1 - k); }
  void load_deferred(Reg64 r, const DeferredOperand& d);
  void load_top(Reg64 r, int k);
  bool known_int(int k) const;
  bool known_double(int k) const;
  void write_out(const DeferredOperand& d);
  void write_out_all();
  void flush_all();
  void flush_below(int pos);
  void claim_result_reg();
  void result_in_reg(int k, bool is_int = false);
  void set_result(Reg64 r, int k, bool is_int = false);
  void generic_result(int k);
  void flush_readers_of(int32_t s, int except);

  // ---- helper calls (baseline_operands.cpp): deferred values are written out first
  template <class Fn>
  void call_helper(Fn fn) {
    write_out_all();
    a_.call_helper(fn, sp_offset(), ip_);
  }
  // Helper returning bool: false -> unwinder.
  template <class Fn>
  void call_checked(Fn fn) {
    write_out_all();
    a_.call_checked(fn, sp_offset(), ip_, error_);
  }
  // The current instruction's full semantics through its C++ helper (slow paths, rare ops).
  void generic();
  // Jumps to `target` when global `slot` is watched (VM::global_watch); clobbers rax.
  void jump_if_global_watched(int32_t slot, x64::Label target);

  // ---- entries and exit (baseline_entries.cpp)
  void prologue();
  void unwinder();
  // auto's tier-up counters (jit/tier_up.h): at the body's entry and on each back-edge.
  void count_call_for_tier_up();
  void count_back_edge_for_tier_up(int32_t header_pc);

  // ---- out-of-line slow paths (baseline_operands.cpp)
  // Slow paths go after the unit's main code, so hot loops stay dense. `emit` runs later with
  // this instruction's compile state (pc, depth, deferred operands) restored, at `entry`, and
  // then jumps back to `resume`.
  struct SlowPath {
    Label entry, resume;
    int pc, depth;
    const Instr* ip;
    std::vector<DeferredOperand> deferred;
    std::function<void()> emit;
  };
  void out_of_line(Label entry, Label resume, std::function<void()> emit);
  void emit_out_of_line(std::vector<OutOfLineCode>& offsets);

  // ---- per-opcode emitters (baseline_compiler.cpp)
  void emit_instruction(const Instr& in);
#define GENE_BASELINE_DECLARE(name, ...) void emit_##name(const Instr& in);
  GENE_OPCODES(GENE_BASELINE_DECLARE)
#undef GENE_BASELINE_DECLARE

  // Shared by several emitters.
  enum class Arith { Add, Sub, Mul, Div };
  void push_imm(Value v);
  void cell_address(int slot_index);
  void upval_cell(int x);
  void arith(Arith kind);
  void shifted_int_arith(Arith kind, Label slow);
  void arith_imm(bool subtract, const Mem64& where, int k);
  bool compare_ints(Label not_int);
  Cond double_compare(Op op, Label slow);
  void compare(Op op);
  void equality(bool negate);
  void compare_jump(const Instr& in);
  void string_method(bool get, Label slow);
  bool inline_symbol_path(const Instr& in);
  void get_symbol_path(const Instr& in);
  void set_symbol_path(const Instr& in);
  bool inline_index_path(const Instr& in, int64_t& k);

  VM& vm_;
  const Proto& p_;
  Layout layout_;      // before a_, which keeps a reference to it
  ValueAssembler a_;
  std::vector<Label> labels_;
  std::vector<bool> int_slots_;  // slots that hold an int wherever read (int_slots.h)
  std::vector<int> depths_;
  DeferredOperands deferred_;
  std::vector<DeferredOperand> pushed_;  // what the current instruction pushes without code
  Label error_, epilogue_;
  size_t body_offset_ = 0;
  NativeFrameLayout frame_;
  size_t main_end_ = 0, unwinder_begin_ = 0;
  uint32_t* path_cache_ = nullptr;  // one cell per symbol-path site (CompiledCode owns them)
  int64_t* tier_up_budget_ = nullptr;  // UnitState::tier_up_budget, or null: no tier above
  // Its helpers record type feedback: a speculating tier may still read this unit's (else the
  // helpers without the record run: Proto::feedback_settled).
  const bool record_;
  OpHelper helper(Op op) const { return record_ ? op_helper(op) : op_helper_unrecorded(op); }
  size_t next_cache_cell_ = 0;
  std::vector<SlowPath> slow_paths_;
  int pc_ = 0;
  int depth_ = 0;
  const Instr* ip_ = nullptr;
};

}  // namespace gene::jit::baseline
