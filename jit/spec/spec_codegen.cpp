#include "jit/spec/spec_codegen.h"

#include <cassert>
#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>

#include "jit/runtime_helpers.h"
#include "jit/unit_state.h"

namespace gene::jit::spec {

using namespace gene::x64;

namespace {

// A frame slot holding node m's boxed value holds v's too when v is m, or m checked to be an
// int (the check unboxes exactly; a CheckFloat may have converted an int, so it does not count).
bool slot_holds(const Graph& g, int32_t m, int32_t v) {
  return m >= 0 && (m == v || (g.nodes[size_t(v)].op == IrOp::CheckInt && g.nodes[size_t(v)].a == m));
}

constexpr int32_t kSavedBytes = kSavedWords * 8;

class Codegen {
 public:
  Codegen(VM& vm, const Graph& g, const Allocation& ra, DeoptStress* stress, ValueAssembler& a,
          CompiledCode& code, const FrameFacts* entry)
      : vm_(vm), g_(g), p_(*g.proto), ra_(ra), stress_(stress), a_(a), code_(code), L(a.layout()), entry_(entry) {}
  const FrameFacts& exit_facts() const { return mem_out_; }

  bool run(SpecOffsets& off) {
    labels_.resize(g_.blocks.size());
    for (auto& l : labels_) l = a_.new_label();
    count_uses();
    mem_out_.assign(g_.blocks.size(), {});
    mem_done_.assign(g_.blocks.size(), 0);
    objects_out_.assign(g_.blocks.size(), {});
    records_out_.assign(g_.blocks.size(), {});
    spill_bytes_ = (ra_.spill_slots * 8 + 15) & ~15;
    epilogue_ = a_.new_label();
    error_ = a_.new_label();
    trampoline_ = a_.new_label();
    native_entry();
    a_.align(16);
    off.body = uint32_t(a_.size());
    body_entry(false);
    code_.pc_offsets.assign(p_.code.size(), 0);
    for (size_t i = 0; i < g_.order.size(); i++) {
      int32_t b = g_.order[i];
      next_block_ = i + 1 < g_.order.size() ? g_.order[i + 1] : -1;
      emit_block(b);
    }
    off.main_end = uint32_t(a_.size());
    code_.out_of_line.clear();
    for (size_t k = 0; k < out_of_line_.size(); k++) {  // (a slow path may add more: by index)
      const OutOfLine o = out_of_line_[k];
      code_.out_of_line.push_back({uint32_t(o.pc), uint32_t(a_.size())});  // (line tables)
      o.emit();
    }
    osr_dispatch();
    emit_exits();
    off.exits = uint32_t(a_.size());
    return a_.status() == AsmStatus::Ok && !unsupported_;
  }

 private:
  VM& vm_;
  const Graph& g_;
  const Proto& p_;
  const Allocation& ra_;
  DeoptStress* stress_;
  ValueAssembler& a_;
  CompiledCode& code_;
  const Layout& L;
  const FrameFacts* entry_;  // merge blocks' frame facts from a first emission, or null
  std::vector<Label> labels_;
  std::vector<int32_t> uses_;
  std::vector<int32_t> mem_;  // per frame slot: the node whose boxed value it holds (this block)
  // The key an in-room field read just compared left in rax, while only field reads and map
  // checks follow (list's `(x = x/next) (y = y/next)` loads it once).
  std::optional<uint64_t> rax_key_;
  std::vector<std::vector<int32_t>> mem_out_;  // mem_ at the end of each emitted block
  std::vector<uint8_t> mem_done_;
  int32_t spill_bytes_ = 0;
  int32_t next_block_ = -1;
  // Values known to be maps or arrays here: checked by this block's accesses so far, or by
  // every predecessor's (a value's type never changes and the collector does not move objects).
  std::vector<std::pair<int32_t, ObjType>> known_objects_;
  std::vector<std::vector<std::pair<int32_t, ObjType>>> objects_out_;  // at the end of each emitted block
  // The frame records this block's code wrote above ours (index 0: our own record's pc) and
  // that nothing has overwritten since: a call or helper overwrites every record above the
  // ones it pushes. A later call from the same inlined frames rewrites only what differs.
  struct WrittenRecord {
    int32_t closure = -1;  // the node of its callee slot's value (-1: our own record)
    int32_t base = -1;
    const Instr* pc = nullptr;
    bool operator==(const WrittenRecord&) const = default;
  };
  std::vector<WrittenRecord> records_;
  std::vector<std::vector<WrittenRecord>> records_out_;  // at the end of each emitted block
  Label epilogue_, error_, trampoline_, osr_dispatch_;
  struct Exit {
    Label label;
    uint32_t index;
  };
  std::vector<Exit> exits_;
  struct OutOfLine {
    int32_t pc;  // the unit's instruction it belongs to
    std::function<void()> emit;
  };
  std::vector<OutOfLine> out_of_line_;  // slow paths, emitted after the main code
  bool unsupported_ = false;
  std::vector<int32_t> cell_of_;  // symbol-path nodes: their cell in code_.path_cache
  std::vector<uint8_t> saved_regs_, saved_xmms_;  // the caller-saved registers the unit allocates
  bool saved_known_ = false;
  struct {
    size_t end = SIZE_MAX;  // code offset just after the store
    int32_t slot = -1;
    Reg64 reg = rax;
  } last_spill_;            // the last value finish() stored to a spill slot

  const Node& node(int32_t id) const { return g_.nodes[size_t(id)]; }
  const Loc& loc(int32_t id) const { return ra_.loc[size_t(id)]; }
  Mem64 spill(int32_t slot) const { return qword_ptr(rsp, slot * 8); }
  Mem64 frame_slot(int64_t i) const { return qword_ptr(kBase, int32_t(i * 8)); }
  // A value kept in memory, read as an operand: in a spill slot or in its own frame slot.
  static bool in_memory(const Loc& l) { return l.kind == Loc::Spill || l.kind == Loc::Frame; }
  Mem64 memory(const Loc& l) const { return l.kind == Loc::Frame ? frame_slot(l.slot) : spill(l.slot); }

  void count_uses() {
    uses_.assign(g_.nodes.size(), 0);
    cell_of_.assign(g_.nodes.size(), -1);
    int32_t cells = 0;
    for (size_t i = 0; i < g_.nodes.size(); i++)
      if (!g_.nodes[i].dead && (g_.nodes[i].op == IrOp::MapGet || g_.nodes[i].op == IrOp::MapSet)) cell_of_[i] = cells++;
    code_.path_cache.assign(size_t(cells), 0);  // sized once: the code holds the cells' addresses
    for (const Node& n : g_.nodes) {
      if (n.dead) continue;
      if (n.a >= 0) uses_[size_t(n.a)]++;
      if (n.b >= 0) uses_[size_t(n.b)]++;
      if (n.c >= 0) uses_[size_t(n.c)]++;
      for (int32_t p : n.phi_inputs)
        if (p >= 0) uses_[size_t(p)]++;
      if (n.fs >= 0)
        for (int32_t v : g_.states[size_t(n.fs)].values)
          if (v >= 0) uses_[size_t(v)]++;
    }
  }

  // ---------------------------------------------------------------- entries
  // The native entry (NativeEntry): callee-saved registers, fixed registers, then the body or
  // the OSR dispatch on start_pc (ecx). Compiled callers call the body directly.
  void native_entry() {
    a_.push(rbp);
    a_.push(rbx);
    a_.push(r12);
    a_.push(r13);
    a_.push(r14);
    a_.push(r15);
    a_.sub(rsp, 8);
    code_.frame.entry_ready = uint32_t(a_.size());
    a_.mov(kVm, rdi);
    a_.mov(kBase, rsi);
    a_.mov(kFrame, rdx);
    a_.mov_imm64(kGlobals, reinterpret_cast<uint64_t>(vm_.globals.data()));
    a_.mov_imm64(kIntTag, kIntTagBits);
    Label body = a_.new_label(), osr = a_.new_label(), out = a_.new_label();
    osr_dispatch_ = a_.new_label();
    a_.test(ecx, ecx);
    a_.jcc(Cond::NE, osr);
    a_.call(body);
    a_.jmp(out);
    a_.bind(osr);
    a_.call(osr_dispatch_);
    a_.bind(out);
    a_.add(rsp, 8);
    a_.pop(r15);
    a_.pop(r14);
    a_.pop(r13);
    a_.pop(r12);
    a_.pop(rbx);
    a_.pop(rbp);
    a_.ret();
    a_.bind(body);
  }
  // The body's frame: rbp saved (an allocatable register), the spill area below it.
  void body_entry(bool) {
    a_.push(rbp);
    if (spill_bytes_) a_.sub(rsp, spill_bytes_);
    code_.frame.body_ready = uint32_t(a_.size());
    code_.frame.body_bytes = 8 + uint32_t(spill_bytes_);
    code_.frame.body_saves_rbp = true;
    // A fresh call clears the slots after the arguments: compiled callers push frames inline,
    // and the collector must never see stale values there.
    if (p_.nslots > p_.nparams) {
      a_.load_imm(rax, Value::nil());
      for (int i = p_.nparams; i < p_.nslots; i++) a_.mov(frame_slot(i), rax);
    }
    // (The first block follows.)
  }
  // The OSR entry (a call from the native entry with start_pc in ecx): the body's frame, then
  // the loop header's block. Out of line: compiled callers enter at the body.
  void osr_dispatch() {
    a_.bind(osr_dispatch_);
    a_.push(rbp);
    if (spill_bytes_) a_.sub(rsp, spill_bytes_);
    for (int32_t b : g_.order)
      if (g_.blocks[size_t(b)].osr_pc >= 0) {
        a_.cmp(ecx, g_.blocks[size_t(b)].osr_pc);
        a_.jcc(Cond::E, labels_[size_t(b)]);
      }
    a_.ud2();
  }

  // ---------------------------------------------------------------- operands
  // The register holding v (loaded into `scratch` if it lives in memory or is a constant).
  Reg64 gpr(int32_t v, Reg64 scratch) {
    const Loc& l = loc(v);
    switch (l.kind) {
      case Loc::Gpr: return Reg64{l.reg};
      case Loc::Spill:
        if (just_spilled(l.slot)) {  // the store before: the register still holds it
          move(scratch, last_spill_.reg);
          return scratch;
        }
        a_.mov(scratch, spill(l.slot));
        return scratch;
      case Loc::Frame: a_.mov(scratch, frame_slot(l.slot)); return scratch;
      case Loc::Const: a_.mov(scratch, const_bits(v)); return scratch;
      default: a_.ud2(); return scratch;
    }
  }
  // The last instruction stored a register to spill slot `slot`, and no jump arrives after it.
  bool just_spilled(int32_t slot) const {
    return last_spill_.end == a_.size() && last_spill_.slot == slot && !a_.label_bound_here();
  }
  // Where the VM keeps constant v (nil, false or true) for a compare, or -1.
  int32_t compare_constant(int32_t v) const {
    if (loc(v).kind != Loc::Const || node(v).op != IrOp::Const) return -1;
    return vm_constant_at(uint64_t(node(v).imm));
  }
  // The VM's copy of nil, false or true (kVm-relative), or -1 for other bits.
  int32_t vm_constant_at(uint64_t bits) const {
    for (int i = 0; i < 3; i++)
      if (vm_.compare_constants[i].bits == bits) return L.vm_compare_constants + 8 * i;
    return -1;
  }
  // A constant's bits in its node's representation (Int: the shifted payload).
  int64_t const_bits(int32_t v) const {
    const Node& n = node(v);
    return n.op == IrOp::ConstInt ? int64_t(uint64_t(n.imm) << 16) : n.imm;
  }
  Xmm xmm(int32_t v, Xmm scratch) {
    const Loc& l = loc(v);
    switch (l.kind) {
      case Loc::Xmm: return Xmm{l.reg};
      case Loc::Spill: a_.movsd(scratch, spill(l.slot)); return scratch;
      case Loc::Const:
        a_.mov(r11, const_bits(v));
        a_.movq(scratch, r11);
        return scratch;
      default: a_.ud2(); return scratch;
    }
  }
  // Where to compute v: its register, or `scratch` (then finish() stores it to its spill slot).
  Reg64 out_gpr(int32_t v, Reg64 scratch) const {
    const Loc& l = loc(v);
    return l.kind == Loc::Gpr ? Reg64{l.reg} : scratch;
  }
  Xmm out_xmm(int32_t v, Xmm scratch) const {
    const Loc& l = loc(v);
    return l.kind == Loc::Xmm ? Xmm{l.reg} : scratch;
  }
  void finish(int32_t v, Reg64 r) {
    const Loc& l = loc(v);
    if (l.kind == Loc::Spill) {
      a_.mov(spill(l.slot), r);
      last_spill_ = {a_.size(), l.slot, r};
    } else if (l.kind == Loc::Gpr && l.reg != r.code) {
      a_.mov(Reg64{l.reg}, r);
    }
  }
  void finish(int32_t v, Xmm x) {
    const Loc& l = loc(v);
    if (l.kind == Loc::Spill) a_.movsd(spill(l.slot), x);
    else if (l.kind == Loc::Xmm && l.reg != x.code) a_.movapd(Xmm{l.reg}, x);
  }
  void move(Reg64 d, Reg64 s) {
    if (d != s) a_.mov(d, s);
  }
  // rax <- v boxed (a Value); clobbers rax, rcx.
  void boxed(int32_t v) { boxed_to(v, rax); }
  // dst (not rcx) <- v boxed; clobbers rcx.
  void boxed_to(int32_t v, Reg64 dst) {
    const Node& n = node(v);
    if (loc(v).kind == Loc::Const) {
      Value c = n.op == IrOp::ConstInt ? Value::integer(n.imm) : Value::from_bits(uint64_t(n.imm));
      a_.load_imm(dst, c);
      return;
    }
    switch (n.rep) {
      case Rep::Tagged: move(dst, gpr(v, dst)); break;
      case Rep::Int:
        move(dst, gpr(v, dst));
        a_.shr(dst, uint8_t(16));
        a_.or_(dst, kIntTag);
        break;
      case Rep::Float: a_.movq(dst, xmm(v, xmm0)); break;
      case Rep::Bool:
        move(dst, gpr(v, dst));
        a_.mov_imm64(rcx, Value::boolean(false).bits);
        a_.or_(dst, rcx);
        break;
      case Rep::Ptr: case Rep::None: a_.ud2(); break;
    }
  }
  // A register holding v boxed: a tagged value's own register, else rax (clobbers rax, rcx).
  Reg64 boxed_reg(int32_t v) {
    const Loc& l = loc(v);
    if (node(v).rep == Rep::Tagged && l.kind == Loc::Gpr) return Reg64{l.reg};
    boxed(v);
    return rax;
  }

  // ---------------------------------------------------------------- frame states
  // Writes every live value of state fs into the interpreter frame (boxed), before a call that
  // may collect, raise or read the frame; slots known to hold their value already are skipped.
  // Below slot `unboxed_from` only Tagged values are written (a call's lean flush, see call()).
  void flush(int32_t fs, size_t unboxed_from = 0) {
    const FrameState& s = g_.states[size_t(fs)];
    int32_t boxed_v = -1;  // a value boxed into rax for an earlier slot (a local and its copy as an operand)
    for (size_t i = 0; i < s.values.size(); i++) {
      int32_t v = s.values[i];
      if (v < 0 || (i < mem_.size() && holds(mem_[i], v)) || in_own_slot(v, i)) continue;
      if (i < unboxed_from && node(v).rep != Rep::Tagged) continue;
      Reg64 r = v == boxed_v ? rax : boxed_reg(v);
      if (r == rax) boxed_v = v;
      a_.mov(frame_slot(int64_t(i)), r);
      remember(int32_t(i), v);
    }
  }
  // A slot holding m holds v's boxed value too when v is m, or m checked to be an int (the
  // check unboxes exactly; a CheckFloat may have converted an int, so it does not count).
  bool holds(int32_t m, int32_t v) const { return slot_holds(g_, m, v); }
  // Slot i always holds v's boxed value: v (or the value v checked to be an int) is a
  // parameter nothing in the unit writes over (frame_homes.cpp).
  bool in_own_slot(int32_t v, size_t i) const {
    if (node(v).op == IrOp::CheckInt) v = node(v).a;
    return ra_.home[size_t(v)] == int32_t(i);
  }
  void remember(int32_t slot, int32_t v) {
    if (size_t(slot) >= mem_.size()) mem_.resize(size_t(slot) + 1, -1);
    mem_[size_t(slot)] = v;
  }
  void forget_from(int32_t slot) {
    if (size_t(slot) < mem_.size()) mem_.resize(size_t(slot));
  }

  // Guard Undefined of node `id` on the global value in r (uses rcx).
  void exit_if_undefined(int32_t id, Reg64 r) {
    Label exit = exit_for(id, GuardKind::Undefined);
    a_.load_imm(rcx, Value::undefined());
    a_.cmp(r, rcx);
    a_.jcc(Cond::E, exit);
  }
  bool global_defined(int64_t slot) const {
    return size_t(slot) < vm_.globals.size() && !vm_.globals[size_t(slot)].is_undefined();
  }
  // Whether no value the exit of guard node `id` reads lives in register r.
  bool free_at_exit(int32_t id, Reg64 r) const {
    for (int32_t v : g_.states[size_t(node(id).fs)].values)
      if (v >= 0 && loc(v).kind == Loc::Gpr && loc(v).reg == r.code) return false;
    return true;
  }

  // The deopt point of guard node `id` (its frame state), with an exit stub.
  // A store to a watched global (VM::global_watch) leaves to the interpreter, which stores it
  // and tells the tier manager: redefinitions are rare, and this keeps the JIT's bookkeeping
  // out of compiled code.
  void exit_if_watched(int32_t id) {
    Label exit = exit_for(id, GuardKind::Watched);
    a_.mov(rax, qword_ptr(kVm, L.vm_global_watch));
    a_.cmp(byte_ptr(rax, int32_t(node(id).imm)), int8_t(0));
    a_.jcc(Cond::NE, exit);
  }

  Label exit_for(int32_t id, GuardKind kind) {
    const Node& n = node(id);
    const FrameState& s = g_.states[size_t(n.fs)];
    DeoptPoint d;
    d.pc = s.pc;
    d.depth = s.depth;
    d.kind = kind;
    d.phi_slot = (n.op == IrOp::CheckInt || n.op == IrOp::CheckFloat) && n.imm > 0 ? int32_t(n.imm - 1) : -1;
    d.inlined = s.inlined;
    for (int32_t v : s.values) {
      DeoptValue dv;
      if (v >= 0) {
        dv.loc = loc(v);
        dv.rep = node(v).rep;
        if (dv.loc.kind == Loc::Const) {
          const Node& c = node(v);
          dv.constant = c.op == IrOp::ConstInt ? Value::integer(c.imm).bits : uint64_t(c.imm);
        }
      }
      d.values.push_back(dv);
    }
    uint32_t index = uint32_t(code_.deopts.size());
    code_.deopts.push_back(std::move(d));
    Label l = a_.new_label();
    exits_.push_back({l, index});
    if (stress_) {
      // --deopt-every: this evaluation fails when the shared countdown reaches zero.
      Label s_exit = a_.new_label();
      exits_.push_back({s_exit, index | kStressExit});
      a_.mov_imm64(r11, reinterpret_cast<uint64_t>(&stress_->countdown));
      a_.dec(qword_ptr(r11, 0));
      a_.jcc(Cond::E, s_exit);
    }
    return l;
  }

  // ---------------------------------------------------------------- blocks
  void emit_block(int32_t b) {
    const Block& blk = g_.blocks[size_t(b)];
    a_.bind(labels_[size_t(b)]);
    // What the frame holds carries over from a single predecessor already emitted (nothing
    // writes frame slots on an edge); a merge starts from what every predecessor left in the
    // first emission (merge_entry_facts), or from nothing known.
    mem_.clear();
    // Values every predecessor (all emitted already) checked as maps or arrays are so here too.
    known_objects_.clear();
    rax_key_.reset();
    if (!blk.preds.empty() && std::all_of(blk.preds.begin(), blk.preds.end(), [&](int32_t p) { return mem_done_[size_t(p)] != 0; })) {
      known_objects_ = objects_out_[size_t(blk.preds[0])];
      for (int32_t p : blk.preds)
        std::erase_if(known_objects_, [&](const auto& k) {
          const auto& o = objects_out_[size_t(p)];
          return std::find(o.begin(), o.end(), k) == o.end();
        });
    }
    records_.clear();
    if (blk.preds.size() == 1 && mem_done_[size_t(blk.preds[0])]) {
      mem_ = mem_out_[size_t(blk.preds[0])];
      records_ = records_out_[size_t(blk.preds[0])];
    }
    else if (entry_) mem_ = (*entry_)[size_t(b)];
    if (blk.pc >= 0 && blk.inline_level == 0 && size_t(blk.pc) < code_.pc_offsets.size()) code_.pc_offsets[size_t(blk.pc)] = uint32_t(a_.size());
    for (size_t i = 0; i < blk.nodes.size(); i++) {
      int32_t id = blk.nodes[i];
      // (a map check into a register of its own leaves rax alone)
      if (node(id).op != IrOp::MapGet && !(node(id).op == IrOp::CheckMap && loc(id).kind == Loc::Gpr)) rax_key_.reset();
      bool fused = false;
      if (i + 1 < blk.nodes.size()) {
        const Node& next = node(blk.nodes[i + 1]);
        const Node& n = node(id);
        fused = next.op == IrOp::Branch && next.a == id &&
                (n.op == IrOp::CmpInt || n.op == IrOp::CmpFloat || n.op == IrOp::CmpBits || n.op == IrOp::Truthy);
      }
      if (node(id).op == IrOp::CheckMapOrNil) {  // (fuse_nil_tests: its Branch follows)
        check_map_or_nil(id, b);
        i++;
        continue;
      }
      if (fused) {
        // A compare that a phi needs too (an `and`/`or`) keeps its bool, and the branch still
        // uses the flags (setcc and the moves leave them alone).
        Cond c = node(id).op == IrOp::Truthy ? truthy_flags(id) : compare(id);
        if (uses_[size_t(id)] > 1) materialize_compare(id, c);
        branch_to(b, c);
        i++;
        continue;
      }
      emit_node(b, id);
    }
    mem_out_[size_t(b)] = mem_;
    records_out_[size_t(b)] = records_;
    objects_out_[size_t(b)] = known_objects_;
    mem_done_[size_t(b)] = 1;
  }

  void emit_node(int32_t b, int32_t id) {
    const Node& n = node(id);
    switch (n.op) {
      case IrOp::Const: case IrOp::ConstInt: case IrOp::ConstFloat: case IrOp::Phi: break;
      case IrOp::LoadSlot: {
        if (loc(id).kind == Loc::Frame) {  // it stays where it is
          remember(int32_t(n.imm), id);
          break;
        }
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, frame_slot(n.imm));
        finish(id, r);
        remember(int32_t(n.imm), id);
        break;
      }
      case IrOp::CheckInt: {
        Label exit = exit_for(id, GuardKind::NotInt);
        Reg64 r = out_gpr(id, rax);
        move(r, gpr(n.a, r));
        a_.check_int_in_place(r, exit);  // (r is no value the exit reads)
        finish(id, r);
        break;
      }
      case IrOp::CheckFloat: {
        Label exit = exit_for(id, GuardKind::NotFloat);
        Reg64 v = gpr(n.a, rax);
        static_assert(kFirstTagged == kIntTagBits);  // the first tagged value is kIntTag's
        a_.cmp(v, kIntTag);
        a_.jcc(Cond::AE, exit);
        Xmm x = out_xmm(id, xmm0);
        a_.movq(x, v);
        finish(id, x);
        break;
      }
      case IrOp::CheckNumber: {
        Label exit = exit_for(id, GuardKind::NotFloat), is_int = a_.new_label(), done = a_.new_label();
        Reg64 v = gpr(n.a, rax);
        Xmm x = out_xmm(id, xmm0);
        a_.mov_imm64(rcx, kFirstTagged);
        a_.cmp(v, rcx);
        a_.jcc(Cond::AE, is_int);
        a_.movq(x, v);
        a_.jmp(done);
        a_.bind(is_int);
        a_.mov(rcx, v);
        a_.shr(rcx, uint8_t(48));
        a_.cmp(ecx, int32_t(Tag::Int));
        a_.jcc(Cond::NE, exit);
        a_.mov(rcx, v);
        a_.shl(rcx, uint8_t(16));
        a_.sar(rcx, uint8_t(16));
        a_.xorpd(x, x);
        a_.cvtsi2sd(x, rcx);
        a_.bind(done);
        finish(id, x);
        break;
      }
      case IrOp::IntToFloat: {
        Reg64 v = gpr(n.a, rax);
        move(rax, v);
        a_.sar(rax, uint8_t(16));
        Xmm x = out_xmm(id, xmm0);
        a_.xorpd(x, x);
        a_.cvtsi2sd(x, rax);
        finish(id, x);
        break;
      }
      case IrOp::BoxInt: case IrOp::BoxFloat: case IrOp::BoxBool: {
        Reg64 r = out_gpr(id, rax);
        boxed_to(n.a, r);
        finish(id, r);
        break;
      }
      case IrOp::Truthy: materialize_compare(id, truthy_flags(id)); break;
      case IrOp::NotBool: {
        Reg64 v = gpr(n.a, rax);
        Reg64 r = out_gpr(id, rcx);
        move(r, v);
        a_.xor_(r, int32_t(1));
        finish(id, r);
        break;
      }
      case IrOp::AddInt: case IrOp::SubInt: {
        bool guarded = n.fs >= 0;
        Label exit = guarded ? exit_for(id, GuardKind::Overflow) : Label{};
        const Node& bn = node(n.b);
        int64_t bits = bn.op == IrOp::ConstInt ? const_bits(n.b) : 0;
        bool imm = bn.op == IrOp::ConstInt && bits >= INT32_MIN && bits <= INT32_MAX;
        // Straight into the result's register, unless that clobbers the other operand or a
        // value the overflow exit reads (then rax, which holds no value).
        Reg64 r = out_gpr(id, rax);
        const Loc& la = loc(n.a);
        const Loc& lb = loc(n.b);
        bool b_in_r = !imm && lb.kind == Loc::Gpr && lb.reg == r.code && !(la.kind == Loc::Gpr && la.reg == r.code);
        if (r != rax && (b_in_r || (guarded && !free_at_exit(id, r)))) r = rax;
        move(r, gpr(n.a, r));
        if (imm) {
          if (n.op == IrOp::AddInt) a_.add(r, int32_t(bits));
          else a_.sub(r, int32_t(bits));
        } else if (lb.kind == Loc::Spill) {
          if (n.op == IrOp::AddInt) a_.add(r, spill(lb.slot));
          else a_.sub(r, spill(lb.slot));
        } else {
          Reg64 y = gpr(n.b, rcx);
          if (n.op == IrOp::AddInt) a_.add(r, y);
          else a_.sub(r, y);
        }
        if (guarded) a_.jcc(Cond::O, exit);
        finish(id, r);
        break;
      }
      case IrOp::MulInt: {
        Label exit = exit_for(id, GuardKind::Overflow);
        Reg64 x = gpr(n.a, rax);
        move(rax, x);
        a_.sar(rax, uint8_t(16));
        Reg64 y = gpr(n.b, rcx);
        a_.imul(rax, y);
        a_.jcc(Cond::O, exit);
        finish(id, rax);
        break;
      }
      case IrOp::NegInt: {
        Label exit = exit_for(id, GuardKind::Overflow);
        move(rax, gpr(n.a, rax));
        a_.neg(rax);
        a_.jcc(Cond::O, exit);
        finish(id, rax);
        break;
      }
      case IrOp::ModInt: {
        const Node& d = node(n.b);
        if (d.op == IrOp::ConstInt && d.imm > 0 && d.imm <= INT32_MAX) {  // no guard, no idiv
          move(rax, gpr(n.a, rax));
          a_.sar(rax, uint8_t(16));
          a_.mod_by_constant(int32_t(d.imm));
          a_.shl(rdx, uint8_t(16));
          finish(id, rdx);
          break;
        }
        Label exit = exit_for(id, GuardKind::DivByZero);
        move(rcx, gpr(n.b, rcx));
        a_.sar(rcx, uint8_t(16));
        a_.test(rcx, rcx);
        a_.jcc(Cond::E, exit);
        move(rax, gpr(n.a, rax));
        a_.sar(rax, uint8_t(16));
        a_.cqo();
        a_.idiv(rcx);  // -2^47 % -1 cannot trap: the operands are 48-bit
        a_.shl(rdx, uint8_t(16));
        finish(id, rdx);
        break;
      }
      case IrOp::AddFloat: case IrOp::SubFloat: case IrOp::MulFloat: case IrOp::DivFloat: {
        // Straight into the result's register unless that holds the other operand (no exit
        // reads anything here).
        Xmm r = out_xmm(id, xmm0);
        const Loc& la = loc(n.a);
        const Loc& lb = loc(n.b);
        if (lb.kind == Loc::Xmm && lb.reg == r.code && !(la.kind == Loc::Xmm && la.reg == r.code)) r = xmm0;
        SseOp op = n.op == IrOp::AddFloat ? SseOp::Add : n.op == IrOp::SubFloat ? SseOp::Sub
                   : n.op == IrOp::MulFloat ? SseOp::Mul : SseOp::Div;
        Xmm x = xmm(n.a, r);
        if (x != r) a_.movapd(r, x);
        if (lb.kind == Loc::Spill) a_.sse(op, r, spill(lb.slot));
        else a_.sse(op, r, xmm(n.b, xmm1));
        finish(id, r);
        break;
      }
      case IrOp::NegFloat: {
        Xmm x = xmm(n.a, xmm0);
        if (x != xmm0) a_.movapd(xmm0, x);
        a_.mov_imm64(r11, uint64_t(1) << 63);
        a_.movq(xmm1, r11);
        a_.xorpd(xmm0, xmm1);
        finish(id, xmm0);
        break;
      }
      case IrOp::CmpInt: case IrOp::CmpFloat: case IrOp::CmpBits: materialize_compare(id, compare(id)); break;
      case IrOp::LoadGlobal: {
        // A global that is defined stays defined (nothing stores undefined), so only one not
        // yet defined when the unit compiles needs the check (the interpreter raises).
        bool check = !global_defined(n.imm);
        Reg64 r = out_gpr(id, rax);
        if (check && !free_at_exit(id, r)) r = rax;
        a_.mov(r, qword_ptr(kGlobals, int32_t(n.imm * 8)));
        if (check) exit_if_undefined(id, r);
        finish(id, r);
        break;
      }
      case IrOp::SqrtFloat: {
        Xmm x = xmm(n.a, xmm0);
        a_.sqrtsd(xmm0, x);
        finish(id, xmm0);
        break;
      }
      case IrOp::AbsFloat: {
        Xmm x = xmm(n.a, xmm0);
        if (x != xmm0) a_.movapd(xmm0, x);
        a_.mov_imm64(r11, ~(uint64_t(1) << 63));
        a_.movq(xmm1, r11);
        a_.andpd(xmm0, xmm1);
        finish(id, xmm0);
        break;
      }
      case IrOp::FloorFloat: {
        Xmm x = xmm(n.a, xmm0);
        a_.roundsd(xmm0, x, 1);
        finish(id, xmm0);
        break;
      }
      case IrOp::FloatToInt: {
        // cvttsd2si truncates exactly below 2^63 and gives 0x8000000000000000 for nan, the
        // infinities and anything larger: the shifted payload round-trips iff it fits 48 bits.
        Label exit = exit_for(id, GuardKind::Overflow);
        Xmm x = xmm(n.a, xmm0);
        a_.cvttsd2si(rax, x);
        a_.mov(rcx, rax);
        a_.shl(rcx, uint8_t(16));
        a_.mov(rdx, rcx);
        a_.sar(rdx, uint8_t(16));
        a_.cmp(rdx, rax);
        a_.jcc(Cond::NE, exit);
        finish(id, rcx);
        break;
      }
      case IrOp::AbsInt: {
        // The shifted payload's negation overflows exactly for the 48-bit minimum, where the
        // builtin raises integer_overflow (the interpreter does, re-running the call).
        Label exit = exit_for(id, GuardKind::Overflow);
        move(rax, gpr(n.a, rax));
        a_.mov(rcx, rax);
        a_.neg(rcx);
        a_.jcc(Cond::O, exit);
        a_.cmovcc(Cond::S, rcx, rax);  // rcx = -x; if that is negative, x was the positive one
        finish(id, rcx);
        break;
      }
      case IrOp::CheckValue: {
        Label exit = exit_for(id, GuardKind::WrongCallee);
        move(rax, gpr(n.a, rax));
        a_.mov_imm64(rcx, uint64_t(n.imm));
        a_.cmp(rax, rcx);
        a_.jcc(Cond::NE, exit);
        break;
      }
      case IrOp::CheckCallee: {
        // An inlined call's callee: a closure of the inlined unit (every closure of it runs the
        // same code; its upvalues are read through this value; its arity was checked when
        // inlining).
        Label exit = exit_for(id, GuardKind::WrongCallee);
        move(rax, gpr(n.a, rax));
        auto full_check = [this, exit, imm = n.imm] {
          a_.check_object(rax, ObjType::Closure, exit);
          a_.mov_imm64(rcx, uint64_t(imm));
          a_.cmp(rcx, qword_ptr(rax, L.closure_proto));
          a_.jcc(Cond::NE, exit);
        };
        if (n.b < 0) {
          full_check();
          break;
        }
        // The closure the global held at compile time: one compare; another closure of the
        // unit is checked out of line. VM::jit_roots keeps it alive, so no other object can
        // take its address.
        Value expected = Value::from_bits(uint64_t(node(n.b).imm));
        if (std::find(vm_.jit_roots.begin(), vm_.jit_roots.end(), expected) == vm_.jit_roots.end()) vm_.jit_roots.push_back(expected);
        Label other = a_.new_label(), checked = a_.new_label();
        a_.mov_imm64(rcx, uint64_t(node(n.b).imm));
        a_.cmp(rax, rcx);
        a_.jcc(Cond::NE, other);
        a_.bind(checked);
        out_of_line_.push_back({g_.states[size_t(n.fs)].pc, [this, other, checked, full_check] {
                                  a_.bind(other);
                                  full_check();
                                  a_.jmp(checked);
                                }});
        break;
      }
      case IrOp::CallCheck: {
        // The interpreter's call checks for a frame it does not push: --max-depth counting the
        // inlined frames already entered, and room on the value stack.
        Label exit = exit_for(id, n.guard);  // CallDepth at a call, InlineRoom at an entry
        int32_t level = int32_t(n.imm >> 32), words = int32_t(n.imm & 0xffffffff);
        a_.lea(rax, qword_ptr(kFrame, (level + 1) * int32_t(sizeof(Frame))));  // frames_top + level records
        a_.cmp(rax, qword_ptr(kVm, L.vm_frames_limit));
        a_.jcc(Cond::AE, exit);
        a_.lea(rax, qword_ptr(kBase, words * 8));
        a_.cmp(rax, qword_ptr(kVm, L.vm_stack_end));
        a_.jcc(Cond::A, exit);
        break;
      }
      case IrOp::Generic: generic(id); break;
      case IrOp::Call: call(id); break;
      case IrOp::GenericBranch: generic_branch(id); break;
      case IrOp::LoopCheck: {
        Label exit = exit_for(id, GuardKind::Stress);
        a_.cmp(qword_ptr(kVm, L.vm_steps_left), 0);
        a_.jcc(Cond::LE, exit);  // the interpreter takes the last step and raises
        a_.dec(qword_ptr(kVm, L.vm_steps_left));
        break;
      }
      case IrOp::CountOp:  // as the baseline does: one counter per opcode, in the VM's table
        a_.mov_imm64(rax, reinterpret_cast<uint64_t>(&vm_.op_counts[n.imm]));
        a_.inc(qword_ptr(rax, 0));
        break;
      case IrOp::Jump: {
        int32_t s = g_.blocks[size_t(b)].succs[0];
        phi_moves(b, s);
        if (s != next_block_ && !test_at_back_edge(s)) a_.jmp(labels_[size_t(s)]);
        break;
      }
      case IrOp::Branch: {
        Reg64 c = gpr(n.a, rax);
        a_.test(c, c);
        branch_to(b, Cond::NE);
        break;
      }
      case IrOp::Return: {
        a_.mov(qword_ptr(kBase, -8), boxed_reg(n.a));
        a_.mov(qword_ptr(kVm, L.vm_sp), kBase);
        a_.mov(qword_ptr(kVm, L.vm_frames_top), kFrame);  // our record goes (a store, no load)
        a_.mov(eax, 1);
        body_epilogue();  // in place: no jump to the shared one on every call's way out
        break;
      }
      case IrOp::Deopt:
        if (n.fs >= 0) a_.jmp(exit_for(id, n.guard));
        else a_.ud2();
        break;
      case IrOp::AssignGlobal: {
        if (!global_defined(n.imm)) {  // the interpreter raises
          a_.mov(rax, qword_ptr(kGlobals, int32_t(n.imm * 8)));
          exit_if_undefined(id, rax);
        }
        exit_if_watched(id);
        a_.mov(qword_ptr(kGlobals, int32_t(n.imm * 8)), boxed_reg(n.a));
        break;
      }
      case IrOp::StoreGlobal:
        exit_if_watched(id);
        a_.mov(qword_ptr(kGlobals, int32_t(n.imm * 8)), boxed_reg(n.a));
        break;
      case IrOp::LoadCell: {
        move(rax, gpr(n.a, rax));
        a_.clear_tag(rax);
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, qword_ptr(rax, L.cell_value));
        finish(id, r);
        break;
      }
      case IrOp::LoadUpval: {
        upval_cell(int32_t(n.imm), n.a);
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, qword_ptr(rax, L.cell_value));
        finish(id, r);
        break;
      }
      case IrOp::StoreUpval:
        boxed(n.a);
        a_.mov(rdx, rax);
        upval_cell(int32_t(n.imm), n.b);
        a_.mov(qword_ptr(rax, L.cell_value), rdx);
        break;
      case IrOp::StoreCell:
        boxed(n.b);
        a_.mov(rdx, rax);
        move(rax, gpr(n.a, rax));
        a_.clear_tag(rax);
        a_.mov(qword_ptr(rax, L.cell_value), rdx);
        break;
      case IrOp::CheckMapOrNil: assert(false); break;  // with its Branch (emit_block)
      case IrOp::CheckMap: case IrOp::CheckArray: case IrOp::CheckString: {
        ObjType type = n.op == IrOp::CheckMap ? ObjType::Map : n.op == IrOp::CheckArray ? ObjType::Array : ObjType::String;
        Reg64 r = out_gpr(id, rax);
        move(r, gpr(n.a, r));
        if (n.type_known) a_.clear_tag(r);  // checked in front of its loop (hoist_loop_checks)
        else check_object_once(r, n.a, type, id, n.guard);
        finish(id, r);
        break;
      }
      case IrOp::StringSize: {
        if (!L.string_layout_ok) unsupported_ = true;  // std::string's layout was not as probed
        Reg64 str = gpr(n.a, rax);
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, qword_ptr(str, L.string_chars + 8));
        a_.shl(r, uint8_t(16));  // an Int
        finish(id, r);
        break;
      }
      case IrOp::StringGet: {
        // The byte, then the heap's canonical string for it (tagged).
        if (!L.string_layout_ok) unsupported_ = true;
        a_.mov(rcx, qword_ptr(gpr(n.a, rax), L.string_chars));  // the bytes
        if (loc(n.b).kind == Loc::Const) {
          a_.movzx(eax, byte_ptr(rcx, int32_t(node(n.b).imm)));
        } else {
          move(r11, gpr(n.b, r11));
          a_.sar(r11, uint8_t(16));
          a_.movzx(eax, byte_ptr(rcx, r11, Scale::x1));
        }
        a_.mov_imm64(rcx, reinterpret_cast<uint64_t>(vm_.heap.char_strings()));
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, qword_ptr(rcx, rax, Scale::x8));
        a_.mov_imm64(rcx, Value::tagged(Tag::Object, 0));
        a_.or_(r, rcx);
        finish(id, r);
        break;
      }
      case IrOp::ArrayItems: {
        if (n.fused) break;  // (its user loads it)
        Reg64 array = gpr(n.a, rax);
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, qword_ptr(array, L.array_items));
        finish(id, r);
        break;
      }
      case IrOp::ArraySize: {
        if (n.fused) break;  // (its user computes it)
        Reg64 r = array_size(id, out_gpr(id, rcx));
        finish(id, r);
        break;
      }
      case IrOp::CheckBounds: {
        // Unsigned, so a negative index fails too; outside 0..size-1 the interpreter does what
        // the language says.
        Label out_of_range = exit_for(id, GuardKind::Bounds);
        Reg64 size = node(n.b).fused ? array_size(n.b, rcx) : gpr(n.b, rcx);
        if (loc(n.a).kind == Loc::Spill) a_.cmp(spill(loc(n.a).slot), size);
        else a_.cmp(gpr(n.a, rax), size);
        a_.jcc(Cond::AE, out_of_range);
        break;
      }
      case IrOp::ArrayGet: {
        Mem64 item = array_item(n.a, n.b, rax);
        Reg64 r = out_gpr(id, rax);
        a_.mov(r, item);
        finish(id, r);
        break;
      }
      case IrOp::ArraySet: {
        a_.lea(rdx, array_item(n.a, n.b, rdx));
        a_.mov(qword_ptr(rdx, 0), boxed_reg(n.c));  // (rax, rcx only)
        break;
      }
      case IrOp::ArrayNext: array_next(id); break;
      case IrOp::ArrayPush: array_push(id); break;
      case IrOp::NewArray: new_array(id); break;
      case IrOp::MapSize: {
        Reg64 map = gpr(n.a, rax);
        Reg64 r = out_gpr(id, rax);
        a_.mov(to32(r), dword_ptr(map, L.map_live));  // (uint32: zero-extended)
        a_.shl(r, uint8_t(16));  // an Int
        finish(id, r);
        break;
      }
      case IrOp::MapMethod: map_method(id); break;
      case IrOp::MapGet: {
        Label hashed = exit_for(id, GuardKind::MapShape), missing = a_.new_label(), done = a_.new_label();
        Reg64 r = out_gpr(id, rax);
        const bool keep_key = r != rax;  // (the next field read may find its key in rax)
        map_entry(id, missing, hashed, done, [this, r](Mem64 value) { a_.mov(r, value); }, keep_key);
        a_.bind(done);
        finish(id, r);
        if (!keep_key) rax_key_.reset();
        if (!n.entry_strict && !n.entry_known)  // (else a missing key leaves or cannot be)
          out_of_line_.push_back({g_.states[size_t(n.fs)].pc, [this, missing, done, r, keep_key, key = uint64_t(n.imm)] {
                                  a_.bind(missing);
                                  a_.load_imm(r, Value::nil());  // a missing key reads as nil
                                  if (keep_key) a_.mov_imm64(rax, key);
                                  a_.jmp(done);
                                }});
        break;
      }
      case IrOp::MapSet: {
        Label shape = exit_for(id, GuardKind::MapShape), done = a_.new_label();
        // (a missing key would insert: the interpreter does that)
        map_entry(id, shape, shape, done, [this, id](Mem64 value) {
          a_.mov(value, boxed_reg(node(id).b));  // (rax, rcx only)
        });
        a_.bind(done);
        rax_key_.reset();
        break;
      }
    }
  }

  // rax <- the cell of upvalue x of the running closure (the callee slot holds it).
  // Cell x of a closure: `closure` (an inlined callee's, guarded by its CheckCallee) or, for
  // -1, the frame's own (its callee slot). Leaves the cell in rax; rdx is left alone.
  void upval_cell(int32_t x, int32_t closure) {
    if (!L.vector_layout_ok) unsupported_ = true;  // std::vector's layout was not as probed
    if (closure >= 0) move(rax, gpr(closure, rax));
    else a_.mov(rax, qword_ptr(kBase, -8));
    a_.clear_tag(rax);
    a_.mov(rax, qword_ptr(rax, L.closure_upvals));  // vector begin
    a_.mov(rax, qword_ptr(rax, x * 8));
  }

  // A for loop's item: the loop's compare decides, so an index at the end reads nil instead
  // (the value is then unused: the loop exits).
  void array_next(int32_t id) {
    if (!L.vector_layout_ok) unsupported_ = true;
    const Node& n = node(id);
    Reg64 array = gpr(n.a, rax);
    if (n.in_bounds) {  // below the loop's index check (sink_array_next)
      a_.mov(rcx, qword_ptr(array, L.array_items));
      move(r11, gpr(n.b, r11));
      a_.sar(r11, uint8_t(13));
      Reg64 r = out_gpr(id, rax);
      a_.mov(r, qword_ptr(rcx, r11, Scale::x1));
      finish(id, r);
      return;
    }
    Label past = a_.new_label(), done = a_.new_label();
    a_.mov(rcx, qword_ptr(array, L.array_items));
    a_.mov(rdx, qword_ptr(array, L.array_items + 8));
    a_.sub(rdx, rcx);
    move(r11, gpr(n.b, r11));
    a_.sar(r11, uint8_t(13));
    a_.cmp(r11, rdx);
    a_.jcc(Cond::AE, past);
    Reg64 r = out_gpr(id, rax);
    a_.mov(r, qword_ptr(rcx, r11, Scale::x1));
    a_.jmp(done);
    a_.bind(past);
    a_.load_imm(r, Value::nil());
    a_.bind(done);
    finish(id, r);
  }

  // `.push` (ArrayPush): the item stored at the end when the array has room. A full array grows
  // out of line through h_grow_for_push, which cannot collect, so the values the code keeps in
  // caller-saved registers are saved around it and nothing is flushed; when growing would need
  // a collection the code leaves (guard HeapLimit) and the interpreter pushes.
  void array_push(int32_t id) {
    if (!L.vector_layout_ok) unsupported_ = true;
    const Node& n = node(id);
    Label exit = exit_for(id, GuardKind::HeapLimit);  // (with --deopt-every: each push counts)
    Label retry = a_.new_label(), full = a_.new_label();
    a_.bind(retry);
    Reg64 value = boxed_reg(n.b);  // (rax, rcx only)
    if (value == rax) {
      a_.mov(rdx, rax);
      value = rdx;
    }
    Reg64 array = gpr(n.a, r11);
    a_.mov(rcx, qword_ptr(array, L.array_items + 8));  // end
    a_.cmp(rcx, qword_ptr(array, L.array_items + 16));  // capacity's end
    a_.jcc(Cond::AE, full);
    a_.mov(qword_ptr(rcx, 0), value);
    a_.add(rcx, 8);
    a_.mov(qword_ptr(array, L.array_items + 8), rcx);
    out_of_line_.push_back({g_.states[size_t(n.fs)].pc, [this, id, exit, retry, full] {
      a_.bind(full);
      const int32_t saved = save_caller_saved();
      const Loc& l = loc(node(id).a);
      if (l.kind == Loc::Spill) a_.mov(rsi, qword_ptr(rsp, saved + l.slot * 8));
      else if (l.kind == Loc::Frame) a_.mov(rsi, frame_slot(l.slot));
      else move(rsi, Reg64{l.reg});
      a_.mov(rdi, kVm);
      a_.call(reinterpret_cast<const void*>(&h_grow_for_push));
      restore_caller_saved(saved);
      a_.test(al, al);
      a_.jcc(Cond::E, exit);
      a_.jmp(retry);
    }});
  }
  // `[a b c]` (NewArray): h_new_array allocates unless that would collect, with the values the
  // code keeps in caller-saved registers saved around it and nothing flushed; the items are
  // then stored in line (it reserves room for them). When a collection is due, out of line:
  // where every heap value the code still needs is in the frame state (may_collect), the
  // frame is written and the interpreter's make_array runs on it, collecting first; elsewhere
  // the code leaves (guard Collect) and the interpreter allocates.
  void new_array(int32_t id) {
    if (!L.vector_layout_ok) unsupported_ = true;
    const Node& n = node(id);
    const int32_t count = int32_t(n.imm);
    const bool may_collect = ra_.may_collect[size_t(id)] != 0;
    // (With --deopt-every an allocation that may collect in place is an exit point too.)
    if (may_collect && stress_) exit_for(id, GuardKind::Collect);
    Label slow = may_collect ? a_.new_label() : exit_for(id, GuardKind::Collect), made = a_.new_label();
    const int32_t saved = save_caller_saved();
    a_.mov(rdi, kVm);
    a_.mov(to32(rsi), count);
    a_.call(reinterpret_cast<const void*>(&h_new_array));
    a_.mov(r11, rax);
    restore_caller_saved(saved);
    a_.test(r11, r11);
    a_.jcc(Cond::E, slow);
    if (count > 0) {
      const int32_t items[3] = {n.a, n.b, n.c};
      a_.mov(rdx, qword_ptr(r11, L.array_items));
      for (int32_t i = 0; i < count; i++) a_.mov(qword_ptr(rdx, 8 * i), boxed_reg(items[i]));  // (rax, rcx)
      a_.lea(rdx, qword_ptr(rdx, 8 * count));
      a_.mov(qword_ptr(r11, L.array_items + 8), rdx);
    }
    a_.bind(made);
    Reg64 r = out_gpr(id, rax);
    a_.mov_imm64(r, Value::object(nullptr).bits);
    a_.or_(r, r11);
    finish(id, r);
    if (!may_collect) return;
    // The slow path writes what its flush would and the array's slot, and may write frame
    // records: after it, those slots and records are not known to hold anything.
    const FrameState& s = g_.states[size_t(n.fs)];
    const InnerFrame f = inner_frame(g_, s);
    std::vector<int32_t> mem_here = mem_;
    std::vector<WrittenRecord> records_here = records_;
    for (size_t i = 0; i < s.values.size() && i < mem_.size(); i++)
      if (s.values[i] >= 0 && !holds(mem_[i], s.values[i])) mem_[i] = -1;
    forget_from(f.top - count);
    records_.clear();
    out_of_line_.push_back({s.pc, [this, id, slow, made, count, mem_here = std::move(mem_here),
                                   records_here = std::move(records_here)] {
      const Node& n = node(id);
      const FrameState& s = g_.states[size_t(n.fs)];
      const InnerFrame f = inner_frame(g_, s);
      const Instr* ip = &f.proto->code[size_t(f.pc)];
      std::vector<int32_t> mem_after = std::move(mem_);
      std::vector<WrittenRecord> records_after = std::move(records_);
      mem_ = mem_here;
      records_ = records_here;
      a_.bind(slow);
      flush(n.fs);
      const int32_t saved = save_caller_saved();  // (after the flush: it reads spill slots)
      Label failed = enter_inlined_frames(s);
      a_.call_helper(op_helper(Op::MAKE_ARRAY), f.top * 8, ip);
      a_.movzx(r11d, al);
      restore_caller_saved(saved);  // (before a failure's jump: the unwinder needs rsp as it was)
      a_.test(r11d, r11d);
      a_.jcc(Cond::E, failed);
      leave_inlined_frames(s, failed, rax);  // (r9 is restored already)
      a_.mov(r11, frame_slot(f.top - count));
      a_.clear_tag(r11);
      a_.jmp(made);
      mem_ = std::move(mem_after);
      records_ = std::move(records_after);
    }});
  }
  // `.get .has .set .del` on a checked map (MapMethod): the key's check and, for a store under a
  // heap limit, room in the entries (else the interpreter grows them, collecting first), then
  // a direct call of the method's helper. The allocator treats the node as a call: nothing
  // caller-saved lives across it.
  void map_method(int32_t id) {
    if (!L.vector_layout_ok) unsupported_ = true;
    const Node& n = node(id);
    MapMethodKind kind = MapMethodKind(n.imm);
    const Node& key = node(n.b);
    bool valid = key.op == IrOp::BoxInt ||
                 (key.op == IrOp::Const && is_valid_map_key(Value::from_bits(uint64_t(key.imm))));
    if (!valid) {
      Label exit = exit_for(id, GuardKind::MapKey), ok = a_.new_label();
      Reg64 k = gpr(n.b, rax);
      a_.mov(rcx, k);
      a_.shr(rcx, uint8_t(48));
      a_.cmp(ecx, int32_t(Tag::Int));
      a_.jcc(Cond::E, ok);
      a_.cmp(ecx, int32_t(Tag::Object));
      a_.jcc(Cond::NE, exit);
      a_.mov(rcx, k);
      a_.clear_tag(rcx);
      a_.cmp(byte_ptr(rcx, L.obj_type), int8_t(ObjType::String));
      a_.jcc(Cond::E, ok);
      a_.cmp(byte_ptr(rcx, L.obj_type), int8_t(ObjType::Symbol));
      a_.jcc(Cond::NE, exit);
      a_.bind(ok);
    }
    if (kind == MapMethodKind::Set && vm_.heap.limit()) {
      Label full = exit_for(id, GuardKind::HeapLimit);
      Reg64 map = gpr(n.a, rax);
      a_.mov(rcx, qword_ptr(map, L.map_entries + 8));
      a_.cmp(rcx, qword_ptr(map, L.map_entries + 16));
      a_.jcc(Cond::AE, full);
    }
    // Arguments: rdi the map, rsi the key, rdx the value, rcx the VM (scratch registers first:
    // the inputs may sit in rsi or rdi).
    if (kind == MapMethodKind::Set) boxed_to(n.c, rdx);  // (rcx)
    boxed_to(n.b, r11);                                   // (rcx)
    move(rdi, gpr(n.a, rax));
    a_.mov(rsi, r11);
    const void* helper = nullptr;
    switch (kind) {
      case MapMethodKind::Get: helper = reinterpret_cast<const void*>(&h_map_get); break;
      case MapMethodKind::Has: helper = reinterpret_cast<const void*>(&h_map_has); break;
      case MapMethodKind::Set: helper = reinterpret_cast<const void*>(&h_map_set); a_.mov(rcx, kVm); break;
      case MapMethodKind::Del: helper = reinterpret_cast<const void*>(&h_map_del); break;
    }
    a_.call(helper);
    if (n.rep == Rep::Tagged) {
      Reg64 r = out_gpr(id, rax);
      move(r, rax);
      finish(id, r);
    }
  }
  // Saves the caller-saved registers the allocator hands out (those this unit uses) below the
  // stack pointer, keeping it 16-byte aligned for a C call; returns the bytes taken. Spill
  // slots are then `saved` bytes further from rsp.
  int32_t save_caller_saved() {
    if (!saved_known_) {  // (once per unit)
      saved_known_ = true;
      for (size_t i = 0; i < g_.nodes.size(); i++) {
        const Loc& l = ra_.loc[i];
        if (g_.nodes[i].dead) continue;
        if (l.kind == Loc::Gpr && l.reg != rbp.code && std::find(saved_regs_.begin(), saved_regs_.end(), l.reg) == saved_regs_.end())
          saved_regs_.push_back(l.reg);
        if (l.kind == Loc::Xmm && std::find(saved_xmms_.begin(), saved_xmms_.end(), l.reg) == saved_xmms_.end())
          saved_xmms_.push_back(l.reg);
      }
    }
    int32_t bytes = int32_t((saved_regs_.size() + saved_xmms_.size()) * 8 + 15) & ~15;
    if (bytes) {
      a_.sub(rsp, bytes);
      a_.note_stack_adjustment(uint32_t(bytes));
    }
    int32_t at = 0;
    for (uint8_t r : saved_regs_) a_.mov(qword_ptr(rsp, 8 * at++), Reg64{r});
    for (uint8_t x : saved_xmms_) a_.movsd(qword_ptr(rsp, 8 * at++), Xmm{x});
    return bytes;
  }
  void restore_caller_saved(int32_t bytes) {  // (flags and rax are left alone)
    int32_t at = 0;
    for (uint8_t r : saved_regs_) a_.mov(Reg64{r}, qword_ptr(rsp, 8 * at++));
    for (uint8_t x : saved_xmms_) a_.movsd(Xmm{x}, qword_ptr(rsp, 8 * at++));
    if (bytes) {
      a_.lea(rsp, qword_ptr(rsp, bytes));
      a_.note_stack_adjustment(0);
    }
  }

  // Symbol-path node id: `access(value)` for the entry of its key in a checked map, `value`
  // addressing the entry's value, or a jump to `missing`. Entries are the insertion-ordered
  // storage, so a hit needs no lookup. The entry tried first is the one the site's feedback
  // always found the key at (Node::entry_hint), a constant; when that is in the map's room
  // (map_entries.h) it is read straight from the map, whose empty slots hold no key. Then the
  // one in the site's cache cell, which holds the position the code last found (the
  // baseline's scheme, for layouts the feedback did not see). A miss scans a small map and
  // updates the cell; a hashed map leaves (guard MapShape). Only the first try is in line: a
  // hit falls through, the rest runs out of line, repeating `access` and jumping to `done`,
  // which the caller binds right after. Scratch only: rax, rcx, rdx, r11 (`access` may use
  // rax and rcx).
  template <class Access>
  void map_entry(int32_t id, Label missing, Label hashed, Label done, Access access, bool keep_key = false) {
    if (!L.vector_layout_ok) unsupported_ = true;
    const Node& n = node(id);
    const int32_t entry_bytes = int32_t(sizeof(Map::Entry));
    const bool in_room = n.entry_in_room && n.entry_hint >= 0 && size_t(n.entry_hint) < MapEntries::kInline;
    auto room_entry = [&]() {  // the hinted entry in the room, with the map in a register
      Reg64 map = gpr(n.a, r11);
      return qword_ptr(map, L.map_room + n.entry_hint * entry_bytes);
    };
    if (n.entry_known) {  // a strict access of this block found the key there (mark_known_map_entries)
      if (in_room) {
        Mem64 e = room_entry();
        access(qword_ptr(e.base, e.disp + 8));
        return;
      }
      a_.mov(r11, qword_ptr(gpr(n.a, rax), L.map_entries));
      access(qword_ptr(r11, n.entry_hint * entry_bytes + 8));
      return;
    }
    uint32_t* cell = &code_.path_cache[size_t(cell_of_[size_t(id)])];
    // r11 <- the entry in the site's cache cell (rcx: the entries).
    auto cell_entry = [this, cell] {
      a_.mov_imm64(r11, reinterpret_cast<uint64_t>(cell));
      a_.mov(to32(r11), dword_ptr(r11, 0));
      a_.shl(r11, uint8_t(4));  // sizeof(Map::Entry)
      a_.add(r11, rcx);
    };
    // The entry at r11, if below `end`, holds the key: on to `yes`, else to `no`.
    auto try_entry = [this, key = uint64_t(n.imm)](auto end, Label yes, Label no, bool fall_through_on_hit) {
      a_.cmp(r11, end);
      a_.jcc(Cond::AE, no);
      a_.mov_imm64(rax, key);
      a_.cmp(qword_ptr(r11, 0), rax);
      if (fall_through_on_hit) a_.jcc(Cond::NE, no);
      else a_.jcc(Cond::E, yes);
    };
    const bool hinted = n.entry_hint >= 0;
    const bool strict = n.entry_strict && hinted;  // (anywhere else leaves: a later access relies on it)
    Label slow = a_.new_label(), hit = a_.new_label();
    if (in_room) {
      Mem64 e = room_entry();
      if (rax_key_ != uint64_t(n.imm)) a_.mov_imm64(rax, uint64_t(n.imm));
      rax_key_ = uint64_t(n.imm);
      a_.cmp(e, rax);
      a_.jcc(Cond::NE, strict ? hashed : slow);
      access(qword_ptr(e.base, e.disp + 8));
      if (strict) return;
    } else {
      rax_key_.reset();
      Reg64 map = gpr(n.a, rax);  // (rax holds until the key's compare)
      a_.mov(rcx, qword_ptr(map, L.map_entries));
      if (hinted) a_.lea(r11, qword_ptr(rcx, n.entry_hint * entry_bytes));
      else cell_entry();
      try_entry(qword_ptr(map, L.map_entries + 8), hit, strict ? hashed : slow, true);
      a_.bind(hit);
      access(qword_ptr(r11, 8));
      if (strict) return;
    }
    out_of_line_.push_back({g_.states[size_t(n.fs)].pc, [this, id, missing, hashed, slow, hit, done, cell, hinted, in_room,
                                                         cell_entry, try_entry, access, keep_key] {
      const Node& n = node(id);
      Label scan = a_.new_label(), loop = a_.new_label(), found = a_.new_label();
      Label room_hit = in_room ? a_.new_label() : hit;
      a_.bind(slow);
      Reg64 map = gpr(n.a, rax);  // (the key's compare used rax)
      if (in_room) a_.mov(rcx, qword_ptr(map, L.map_entries));
      a_.mov(rdx, qword_ptr(map, L.map_entries + 8));
      if (hinted) {
        cell_entry();
        try_entry(rdx, room_hit, scan, false);
        map = gpr(n.a, rax);
      }
      a_.bind(scan);
      a_.mov(r11, qword_ptr(map, L.map_index));
      a_.cmp(r11, qword_ptr(map, L.map_index + 8));
      a_.jcc(Cond::NE, hashed);
      a_.mov_imm64(rax, uint64_t(n.imm));
      a_.mov(r11, rcx);  // entries begin
      a_.bind(loop);
      a_.cmp(rcx, rdx);
      a_.jcc(Cond::AE, missing);
      a_.cmp(qword_ptr(rcx, 0), rax);
      a_.jcc(Cond::E, found);
      a_.add(rcx, int32_t(sizeof(Map::Entry)));
      a_.jmp(loop);
      a_.bind(found);
      a_.mov(rax, rcx);
      a_.sub(rax, r11);
      a_.shr(rax, uint8_t(4));
      a_.mov_imm64(r11, reinterpret_cast<uint64_t>(cell));
      a_.mov(dword_ptr(r11, 0), eax);
      a_.mov(r11, rcx);
      a_.jmp(room_hit);
      if (in_room) {  // (the in-line access reads the room: this one reads r11's entry)
        a_.bind(room_hit);
        access(qword_ptr(r11, 8));
        if (keep_key) a_.mov_imm64(rax, uint64_t(node(id).imm));  // (as the in-line path leaves it)
        a_.jmp(done);
      }
    }});
  }

  // Value v, in r, is an object of `type` (else node id's exit `kind`); r is left untagged.
  // Only the first access to a value checks (known_objects_).
  // CheckMapOrNil and the Branch after it, ending block b: on to succs[0] with the map's
  // pointer, or out of line to succs[1] for nil (no phi moves: edge blocks carry them), or
  // out for anything else.
  void check_map_or_nil(int32_t id, int32_t b) {
    const Node& n = node(id);
    const Block& blk = g_.blocks[size_t(b)];
    Label exit = exit_for(id, GuardKind::NilOrMap);
    Reg64 r = out_gpr(id, rax);
    move(r, gpr(n.a, r));
    if (blk.succs[1] == next_block_ && loc(id).kind == Loc::Gpr) {  // the nil side follows
      jump_if_map_else_nil(id, r, labels_[size_t(blk.succs[0])], exit);
      return;
    }
    Label other = a_.new_label();
    a_.check_object_in_place(r, ObjType::Map, other);  // (the exit reads the value, not r)
    finish(id, r);
    if (blk.succs[0] != next_block_) a_.jmp(labels_[size_t(blk.succs[0])]);
    out_of_line_.push_back({g_.states[size_t(n.fs)].pc, [this, id, b, exit, other] {
      a_.bind(other);
      a_.cmp(gpr(node(id).a, rax), qword_ptr(kVm, vm_constant_at(Value::nil().bits)));
      a_.jcc(Cond::E, labels_[size_t(g_.blocks[size_t(b)].succs[1])]);
      a_.jmp(exit);
    }});
  }

  // CheckMapOrNil id's value, already in r: a map jumps to `map_side` with its pointer in r,
  // nil falls through, anything else goes to `exit`.
  void jump_if_map_else_nil(int32_t id, Reg64 r, Label map_side, Label exit) {
    a_.jump_if_object_in_place(r, ObjType::Map, map_side);
    a_.cmp(gpr(node(id).a, rax), qword_ptr(kVm, vm_constant_at(Value::nil().bits)));
    a_.jcc(Cond::NE, exit);
  }

  void check_object_once(Reg64 r, int32_t v, ObjType type, int32_t id, GuardKind kind) {
    if (std::find(known_objects_.begin(), known_objects_.end(), std::make_pair(v, type)) != known_objects_.end()) {
      a_.clear_tag(r);
      return;
    }
    a_.check_object_in_place(r, type, exit_for(id, kind));  // (r is no value the exit reads)
    known_objects_.push_back({v, type});
  }

  // ArraySize node id into r (rcx if r is the array's register): the item count as an Int.
  Reg64 array_size(int32_t id, Reg64 r) {
    Reg64 array = gpr(node(id).a, rax);
    if (r == array) r = rcx;
    a_.mov(r, qword_ptr(array, L.array_items + 8));
    a_.sub(r, qword_ptr(array, L.array_items));
    a_.shl(r, uint8_t(13));  // bytes / 8 as an Int: << 16
    return r;
  }
  // The item at Int index `index` (checked by a CheckBounds) of the items at Ptr `items`,
  // loaded into `scratch` if spilled. Uses r11 for an index that is not a constant.
  Mem64 array_item(int32_t items, int32_t index, Reg64 scratch) {
    Reg64 base = scratch;
    if (node(items).fused) a_.mov(scratch, qword_ptr(gpr(node(items).a, scratch), L.array_items));
    else base = gpr(items, scratch);
    if (loc(index).kind == Loc::Const) {
      int64_t offset = node(index).imm * 8;
      if (offset >= INT32_MIN && offset <= INT32_MAX) return qword_ptr(base, int32_t(offset));
    }
    move(r11, gpr(index, r11));
    a_.sar(r11, uint8_t(13));  // Int (payload << 16) -> byte offset (payload * 8)
    return qword_ptr(base, r11, Scale::x1);
  }

  // Sets the flags for compare node id; returns the condition that means true.
  Cond compare(int32_t id) {
    const Node& n = node(id);
    Cmp c = Cmp(n.imm);
    if (n.op == IrOp::CmpInt || n.op == IrOp::CmpBits) {  // (CmpBits: Eq or Ne only)
      int32_t x = n.a, y = n.b;
      if (loc(x).kind == Loc::Const && loc(y).kind != Loc::Const) {  // constant on the right
        std::swap(x, y);
        c = mirrored(c);
      }
      const Loc& lx = loc(x);
      const Loc& ly = loc(y);
      int64_t k = ly.kind == Loc::Const ? const_bits(y) : 0;
      if (ly.kind == Loc::Const && k == int64_t(int32_t(k))) {
        if (in_memory(lx)) a_.cmp(memory(lx), int32_t(k));
        else a_.cmp(gpr(x, rax), int32_t(k));
      } else if (int32_t at = compare_constant(y); at >= 0) {  // nil, false, true: from the VM
        a_.cmp(gpr(x, rax), qword_ptr(kVm, at));
      } else if (in_memory(lx) && ly.kind == Loc::Gpr) {
        a_.cmp(memory(lx), Reg64{ly.reg});
      } else if (in_memory(ly)) {
        a_.cmp(gpr(x, rax), memory(ly));
      } else {
        Reg64 rx = gpr(x, rax);
        a_.cmp(rx, gpr(y, rcx));
      }
      switch (c) {
        case Cmp::Lt: return Cond::L;
        case Cmp::Le: return Cond::LE;
        case Cmp::Gt: return Cond::G;
        case Cmp::Ge: return Cond::GE;
        case Cmp::Eq: return Cond::E;
        case Cmp::Ne: return Cond::NE;
      }
    }
    // Unordered (a NaN) sets CF and ZF: A and AE are false then, as the interpreter's < is.
    Xmm x = xmm(n.a, xmm0);
    Xmm y = xmm(n.b, xmm1);
    switch (c) {
      case Cmp::Lt: a_.ucomisd(y, x); return Cond::A;
      case Cmp::Le: a_.ucomisd(y, x); return Cond::AE;
      case Cmp::Gt: a_.ucomisd(x, y); return Cond::A;
      default: a_.ucomisd(x, y); return Cond::AE;
    }
  }
  // The comparison with its operands swapped.
  static Cmp mirrored(Cmp c) {
    switch (c) {
      case Cmp::Lt: return Cmp::Gt;
      case Cmp::Le: return Cmp::Ge;
      case Cmp::Gt: return Cmp::Lt;
      case Cmp::Ge: return Cmp::Le;
      default: return c;
    }
  }
  // Sets the flags for Truthy node id; returns the condition that means truthy. nil and false
  // differ in bit 48 only, so setting it maps both (and nothing else) to false's bits.
  Cond truthy_flags(int32_t id) {
    static_assert((Value::nil().bits | (uint64_t(1) << 48)) == Value::boolean(false).bits);
    assert(vm_.compare_constants[1].bits == Value::boolean(false).bits);
    move(rcx, gpr(node(id).a, rcx));
    a_.bts(rcx, 48);
    a_.cmp(rcx, qword_ptr(kVm, L.vm_compare_constants + 8));  // false
    return Cond::NE;
  }
  // The flags are set for compare node id: its bool (0 or 1) in its place, flags kept.
  void materialize_compare(int32_t id, Cond c) {
    a_.setcc(c, al);
    Reg64 r = out_gpr(id, rax);
    a_.movzx(to32(r), al);
    finish(id, r);
  }
  // A back edge to a loop header that only tests (its phis, then a compare or a nil-or-map
  // check and the branch on it) makes the test itself, after the phi moves, and branches
  // straight to the header's successors: each iteration takes one jump instead of a jump to
  // the header and a branch there (loop rotation, done when emitting). False: nothing emitted.
  bool test_at_back_edge(int32_t h) {
    const Block& hb = g_.blocks[size_t(h)];
    if (!hb.loop_header || !mem_done_[size_t(h)] || hb.succs.size() != 2) return false;
    size_t i = 0;
    while (i < hb.nodes.size() && node(hb.nodes[i]).op == IrOp::Phi) i++;
    if (hb.nodes.size() != i + 2) return false;
    const int32_t test = hb.nodes[i];
    const Node& t = node(test);
    const Node& br = node(hb.nodes[i + 1]);
    if (br.op != IrOp::Branch || br.a != test) return false;
    const Label loop_on = labels_[size_t(hb.succs[0])];
    if (t.op == IrOp::CheckMapOrNil) {  // as check_map_or_nil with the nil side following
      if (loc(test).kind != Loc::Gpr) return false;
      Label exit = exit_for(test, GuardKind::NilOrMap);
      Reg64 r{loc(test).reg};
      move(r, gpr(t.a, r));
      jump_if_map_else_nil(test, r, loop_on, exit);
    } else if ((t.op == IrOp::CmpInt || t.op == IrOp::CmpFloat || t.op == IrOp::CmpBits) && uses_[size_t(test)] == 1) {
      a_.jcc(compare(test), loop_on);
    } else {
      return false;
    }
    if (hb.succs[1] != next_block_) a_.jmp(labels_[size_t(hb.succs[1])]);
    return true;
  }

  // Flags are set: to succs[0] if `c`, else succs[1] (edge blocks carry any phi moves).
  void branch_to(int32_t b, Cond c) {
    const Block& blk = g_.blocks[size_t(b)];
    int32_t t = blk.succs[0], f = blk.succs[1];
    if (t == next_block_) {
      a_.jcc(negate(c), labels_[size_t(f)]);
    } else {
      a_.jcc(c, labels_[size_t(t)]);
      if (f != next_block_) a_.jmp(labels_[size_t(f)]);
    }
  }
  static Cond negate(Cond c) { return Cond(uint8_t(c) ^ 1); }

  // The moves into successor s's phis at the end of b, as one parallel move.
  void phi_moves(int32_t b, int32_t s) {
    const Block& sb = g_.blocks[size_t(s)];
    size_t pi = 0;
    while (pi < sb.preds.size() && sb.preds[pi] != b) pi++;
    struct Move {
      int32_t dst, src;
    };
    std::vector<Move> moves;
    for (int32_t id : sb.nodes) {
      const Node& phi = node(id);
      if (phi.op != IrOp::Phi) break;
      if (phi.dead || pi >= phi.phi_inputs.size()) continue;
      int32_t src = phi.phi_inputs[pi];
      if (src < 0 || loc(id).kind == Loc::None) continue;
      if (same_place(loc(id), loc(src))) continue;
      if (loc(id).kind == Loc::Frame) continue;  // its slot holds every input (frame_homes.cpp)
      moves.push_back({id, src});
    }
    // Sequentialise: a move whose destination no pending move reads goes first; a cycle is
    // broken through the scratch registers (rax / xmm0), which no value lives in.
    std::vector<uint8_t> done(moves.size(), 0);
    size_t left = moves.size();
    std::vector<Loc> src_loc(moves.size());
    for (size_t i = 0; i < moves.size(); i++) src_loc[i] = loc(moves[i].src);
    while (left) {
      bool progress = false;
      for (size_t i = 0; i < moves.size(); i++) {
        if (done[i]) continue;
        bool blocked = false;
        for (size_t j = 0; j < moves.size(); j++)
          if (!done[j] && j != i && same_place(src_loc[j], loc(moves[i].dst))) blocked = true;
        if (blocked) continue;
        move_value(moves[i].dst, moves[i].src, src_loc[i]);
        done[i] = 1;
        left--;
        progress = true;
      }
      if (progress) continue;
      // A cycle: park one source in scratch.
      for (size_t i = 0; i < moves.size(); i++) {
        if (done[i]) continue;
        bool fl = node(moves[i].src).rep == Rep::Float;
        Loc scratch = fl ? Loc{Loc::Xmm, 0, 0} : Loc{Loc::Gpr, 0, 0};
        load_loc(scratch, src_loc[i], fl);
        src_loc[i] = scratch;
        break;
      }
    }
  }
  static bool same_place(const Loc& x, const Loc& y) {
    if (x.kind != y.kind) return false;
    if (x.kind == Loc::Spill || x.kind == Loc::Frame) return x.slot == y.slot;
    if (x.kind == Loc::Gpr || x.kind == Loc::Xmm) return x.reg == y.reg;
    return false;
  }
  void move_value(int32_t dst, int32_t src, const Loc& from) {
    bool fl = node(dst).rep == Rep::Float;
    if (from.kind == Loc::Const) {
      int64_t bits = const_bits(src);
      const Loc& d = loc(dst);
      if (d.kind == Loc::Gpr) a_.mov(Reg64{d.reg}, bits);
      else if (d.kind == Loc::Xmm) {
        a_.mov(r11, bits);
        a_.movq(Xmm{d.reg}, r11);
      } else {
        a_.mov(r11, bits);
        a_.mov(spill(d.slot), r11);
      }
      return;
    }
    load_loc(loc(dst), from, fl);
  }
  // dst <- the value at src (same class), through r11 / xmm15 for memory to memory.
  void load_loc(const Loc& dst, const Loc& src, bool fl) {
    if (fl) {
      if (src.kind == Loc::Spill && dst.kind == Loc::Xmm) {
        a_.movsd(Xmm{dst.reg}, spill(src.slot));
        return;
      }
      Xmm s = src.kind == Loc::Xmm ? Xmm{src.reg} : xmm15;
      if (src.kind == Loc::Spill) a_.movsd(xmm15, spill(src.slot));
      if (dst.kind == Loc::Xmm) {
        if (dst.reg != s.code) a_.movapd(Xmm{dst.reg}, s);
      } else {
        a_.movsd(spill(dst.slot), s);
      }
      return;
    }
    if (in_memory(src) && dst.kind == Loc::Gpr) {
      a_.mov(Reg64{dst.reg}, memory(src));
      return;
    }
    Reg64 s = src.kind == Loc::Gpr ? Reg64{src.reg} : r11;
    if (in_memory(src)) a_.mov(r11, memory(src));
    if (dst.kind == Loc::Gpr) move(Reg64{dst.reg}, s);
    else a_.mov(spill(dst.slot), s);
  }

  // ---------------------------------------------------------------- helper calls
  // sp for the helper: the operand stack top of the node's frame state.

  void generic(int32_t id) {
    const Node& n = node(id);
    const FrameState& s = g_.states[size_t(n.fs)];
    const InnerFrame f = inner_frame(g_, s);
    const Instr* ip = &f.proto->code[size_t(f.pc)];
    OpHelper h = op_helper(ip->op);
    if (!h) {
      a_.ud2();
      return;
    }
    Label done = a_.new_label();
    bool fast = inline_push(id, s, *f.proto, ip, done);
    std::vector<int32_t> known = mem_;  // what the fast path leaves in the frame
    const std::vector<WrittenRecord> records_fast = records_;
    flush(n.fs);
    Label failed = enter_inlined_frames(s);
    a_.call_checked(h, f.top * 8, ip, failed);
    leave_inlined_frames(s, failed);
    after_call(f, ip);
    if (n.rep == Rep::Tagged) {
      Reg64 r = out_gpr(id, rax);
      a_.mov(r, frame_slot(n.imm));
      finish(id, r);
      remember(int32_t(n.imm), id);
    }
    if (fast) {
      // The paths meet: a slot is known to hold a value only where both left it so (the slow
      // path's flush wrote slots the fast path did not), and only records both wrote stay.
      for (size_t i = 0; i < known.size(); i++)
        if (i >= mem_.size() || mem_[i] != known[i]) known[i] = -1;
      if (records_ != records_fast) records_.clear();
      a_.bind(done);
      mem_ = std::move(known);
      after_call(f, ip);
    }
  }
  // `a .push v` on an array with room, as the baseline does it (a full array, or anything
  // else, takes the helper below, which grows and accounts). The result is nil.
  bool inline_push(int32_t id, const FrameState& s, const Proto& p, const Instr* ip, Label done) {
    if (!L.vector_layout_ok || !is_array_push_site(vm_, p, *ip)) return false;
    size_t top = s.values.size();
    int32_t recv = s.values[top - 2], arg = s.values[top - 1];
    if (recv < 0 || arg < 0) return false;
    Label slow = a_.new_label();
    boxed(arg);  // (rax, rcx)
    a_.mov(r11, rax);
    move(rax, gpr(recv, rax));
    a_.check_object(rax, ObjType::Array, slow);  // (rdx)
    a_.mov(rcx, qword_ptr(rax, L.array_items + 8));
    a_.cmp(rcx, qword_ptr(rax, L.array_items + 16));
    a_.jcc(Cond::AE, slow);
    a_.mov(qword_ptr(rcx, 0), r11);
    a_.add(rcx, 8);
    a_.mov(qword_ptr(rax, L.array_items + 8), rcx);
    if (node(id).rep == Rep::Tagged) {
      Reg64 r = out_gpr(id, rax);
      a_.load_imm(r, Value::nil());
      finish(id, r);
    }
    a_.jmp(done);
    a_.bind(slow);
    return true;
  }
  // The closure a call site always reached, when the callee value comes from a global that
  // holds it now and its unit is known to the JIT with the call's arity; else null.
  const Closure* known_callee(const Node& call, int32_t argc, const CallFrame& cf) {
    int32_t v = monomorphic_global_callee(g_, call);
    if (v < 0) return nullptr;
    Value g = vm_.globals[size_t(node(v).imm)];
    if (!is_obj_type(g, ObjType::Closure)) return nullptr;
    const Closure* c = as_closure(g);
    if (static_cast<const void*>(c->proto) != cf.proto->callees[size_t(cf.pc)] || !c->proto->jit_unit) return nullptr;
    if (static_cast<const UnitState*>(c->proto->jit_unit)->nparams != argc) return nullptr;
    // Both emissions of a unit (and later versions) ask: one root per closure is enough.
    if (std::find(vm_.jit_roots.begin(), vm_.jit_roots.end(), g) == vm_.jit_roots.end()) vm_.jit_roots.push_back(g);
    return c;
  }
  // The builtin a call site always reached, when the callee value comes from a global that
  // holds it now; else null.
  const Builtin* known_builtin(const Node& call, const CallFrame& cf) {
    int32_t v = monomorphic_global_callee(g_, call);
    if (v < 0) return nullptr;
    Value g = vm_.globals[size_t(node(v).imm)];
    if (!is_obj_type(g, ObjType::Builtin) || static_cast<const void*>(g.as_obj()) != cf.proto->callees[size_t(cf.pc)]) return nullptr;
    return as_builtin(g);
  }
  // A call made from inlined code runs with the records of the inlined frames pushed above
  // ours (as deopt would write them), so the callee, its errors and --max-depth see the
  // interpreter's frame chain; kFrame is the innermost record for the call's duration.
  // Their slots are in the value stack already (the flush).
  // Before a call (`for_call`), the innermost record's pc and the frame stack's top are left to
  // the call: the compiled call sequence writes both, and its slow path publishes the top
  // (publish_frames_top) before h_call, which sets the pc.
  // Records this block wrote already (records_) are left as they are: recursive code's
  // inlined copies make several calls from one inlined frame, and all but the first then
  // write one pc at most.
  void push_inlined_frames(const FrameState& s, bool for_call) {
    const int32_t rec = int32_t(sizeof(Frame));
    std::vector<WrittenRecord> now(s.inlined.size() + 1);
    now[0].pc = &p_.code[size_t(s.pc)];
    if (records_.empty() || records_[0].pc != now[0].pc) {
      a_.mov_imm64(r9, reinterpret_cast<uint64_t>(now[0].pc));
      a_.mov(qword_ptr(kFrame, int32_t(offsetof(Frame, pc))), r9);
    }
    for (size_t j = 0; j < s.inlined.size(); j++) {
      const InlinedFrame& f = s.inlined[j];
      int32_t at = int32_t(j + 1) * rec;
      WrittenRecord& w = now[j + 1];
      w = {s.values[size_t(f.base - 1)], f.base, &f.proto->code[size_t(f.pc)]};
      const bool known = j + 1 < records_.size() && w.closure >= 0 && records_[j + 1].closure == w.closure &&
                         records_[j + 1].base == w.base;
      if (!known) {
        a_.mov(rax, frame_slot(f.base - 1));  // its closure (the inlined call's guard checked it)
        a_.clear_tag(rax);
        a_.mov(qword_ptr(kFrame, at + int32_t(offsetof(Frame, closure))), rax);
        a_.lea(r9, qword_ptr(kBase, f.base * 8));
        a_.mov(qword_ptr(kFrame, at + int32_t(offsetof(Frame, base))), r9);
        a_.mov(byte_ptr(kFrame, at + int32_t(offsetof(Frame, entry))), int8_t(0));
      }
      // (The innermost's pc before a call is the call's to write: the same instruction.)
      if ((!for_call || j + 1 < s.inlined.size()) && !(known && records_[j + 1].pc == w.pc)) {
        a_.mov_imm64(r9, reinterpret_cast<uint64_t>(w.pc));
        a_.mov(qword_ptr(kFrame, at + int32_t(offsetof(Frame, pc))), r9);
      }
    }
    records_ = std::move(now);  // the call or helper overwrites whatever was above them
    int32_t k = int32_t(s.inlined.size());
    a_.lea(kFrame, qword_ptr(kFrame, k * rec));
    if (!for_call) a_.publish_frames_top();
  }
  // Around a helper or a call in inlined code: the records pushed before (returns the label a
  // failure jumps to: error_ at level 0), popped after. On an error they stay for the unwinder,
  // which starts in the innermost of them (spec_error_exit). Before a helper the frame stack's
  // top is published (a compiled call leaves it to its callee: publish_frames_top). Uses r9 only.
  Label enter_inlined_frames(const FrameState& s, bool for_call = false) {
    if (s.inlined.empty()) {
      records_.clear();  // a call or helper of our own frame: its records (and our pc) are its
      if (!for_call) a_.publish_frames_top();
      return error_;
    }
    push_inlined_frames(s, for_call);
    return a_.new_label();
  }
  void leave_inlined_frames(const FrameState& s, Label failed, Reg64 scratch = r9) {
    const int32_t k = int32_t(s.inlined.size());
    if (k == 0) return;
    // Back in our own frame: the inlined records go (a callee has popped its own).
    const int32_t rec = int32_t(sizeof(Frame));
    a_.lea(kFrame, qword_ptr(kFrame, -k * rec));
    a_.lea(scratch, qword_ptr(kFrame, rec));
    a_.mov(qword_ptr(kVm, L.vm_frames_top), scratch);
    out_of_line_.push_back({s.pc, [this, failed, k, rec] {  // (the way out of an error)
                              a_.bind(failed);
                              a_.lea(kFrame, qword_ptr(kFrame, -k * rec));
                              a_.jmp(error_);
                            }});
  }
  void call(int32_t id) {
    const Node& n = node(id);
    const FrameState& s = g_.states[size_t(n.fs)];
    const CallFrame cf = call_frame(g_, n);
    const Instr* ip = &cf.proto->code[size_t(cf.pc)];
    int32_t argc = int32_t(n.imm);
    int32_t at = cf.at;
    // While the callee runs, nothing reads this frame's slots but the collector (its roots)
    // and the callee (its own callee slot and arguments): an error pops the frame unless one
    // of its handlers covers the call, and a later exit writes every slot from the frame
    // state. So below the callee slot only Tagged values need storing; an unboxed value stays
    // in its register or spill slot (the slot keeps an older value, which the collector may
    // keep alive a while longer). Calls from inlined code or under a handler store them all.
    bool lean = s.inlined.empty() && !find_handler(*cf.proto, cf.pc);
    flush(n.fs, lean ? size_t(at) : 0);
    Label failed = enter_inlined_frames(s, true);
    bool inlined = !s.inlined.empty();
    // A compiled callee with the right arity and room for its frame: push its frame record
    // and call its body (the calling convention of jit/codegen/register_roles.h, as the
    // baseline's call); anything else through h_call.
    Label slow = a_.new_label(), done = a_.new_label();
    const Closure* known = known_callee(n, argc, cf);
    const Builtin* builtin = known ? nullptr : known_builtin(n, cf);
    // The callee: from the register of the value the flush wrote to its slot, if it has one.
    int32_t callee_value = size_t(at) < mem_.size() ? mem_[size_t(at)] : -1;
    bool in_register = s.inlined.empty() && callee_value >= 0 && node(callee_value).rep == Rep::Tagged &&
                       loc(callee_value).kind == Loc::Gpr;  // (pushing inlined frames clobbers r9)
    // The callee identity guard against a known object: anything else takes the slow path.
    auto expect_callee = [&](Value expected) {
      a_.mov_imm64(rcx, expected.bits);
      if (in_register) a_.cmp(Reg64{loc(callee_value).reg}, rcx);
      else a_.cmp(frame_slot(at), rcx);
      a_.jcc(Cond::NE, slow);
    };
    if (known) {
      // The callee identity guard: the one closure the site has called, which the global it
      // was loaded from holds now (kept alive by VM::jit_roots, so its address is never
      // reused); its unit, arity and frame size are then constants. Another callee takes the
      // generic path (out of line).
      const auto* u = static_cast<const UnitState*>(known->proto->jit_unit);
      expect_callee(Value::object(const_cast<Closure*>(known)));
      // Its body, or the stub that interprets the frame when it has no code: no test.
      a_.mov_imm64(r8, reinterpret_cast<uint64_t>(&u->call_body));
      a_.mov(r8, qword_ptr(r8, 0));
      a_.mov_imm64(rax, reinterpret_cast<uint64_t>(known));
      a_.reserve_callee_frame((at + 1) * 8, u->frame_bytes, slow);
    } else if (builtin) {
      // The builtin the site has always called, which the global holds now (VM::builtins
      // keeps it alive): called in place, without the generic call's dispatch and recording.
      expect_callee(Value::object(const_cast<Builtin*>(builtin)));
      a_.publish_frames_top();  // (the builtin may read the frame stack)
      a_.call_checked(h_call_builtin, (at + argc + 1) * 8, ip, failed);
    } else {
      if (in_register) a_.mov(rax, Reg64{loc(callee_value).reg});
      else a_.mov(rax, frame_slot(at));
      a_.load_compiled_callee(argc, slow);
      a_.reserve_callee_frame((at + 1) * 8, -1, slow);
    }
    if (!builtin) {
      a_.enter_compiled_callee(ip, vm_.counts_steps(), slow);
      a_.test(al, al);
      a_.jcc(Cond::E, failed);
    }
    a_.bind(done);
    // Anything else calls through h_call, which reads the callee from its slot.
    out_of_line_.push_back({s.pc, [this, slow, done, failed, at, argc, ip, inlined] {
                              a_.bind(slow);
                              a_.publish_frames_top();
                              a_.call_checked(h_call, (at + argc + 1) * 8, ip, failed);
                              a_.jmp(done);
                            }});
    leave_inlined_frames(s, failed);
    forget_from(at);
    if (uses_[size_t(id)] > 0) {  // (a call statement's result is never read)
      Reg64 r = out_gpr(id, rax);
      a_.mov(r, frame_slot(at));
      finish(id, r);
    }
    remember(at, id);
  }
  void generic_branch(int32_t id) {
    const Node& n = node(id);
    const FrameState& s = g_.states[size_t(n.fs)];
    const InnerFrame f = inner_frame(g_, s);
    const Instr* ip = &f.proto->code[size_t(f.pc)];
    flush(n.fs);
    Label failed = enter_inlined_frames(s);
    if (ip->op == Op::FOR_NEXT) {
      a_.call_helper(h_for_next, f.top * 8, ip);
    } else {
      a_.call_helper(h_branch, f.top * 8, ip);
      a_.test(eax, eax);
      a_.jcc(Cond::S, failed);
    }
    leave_inlined_frames(s, failed);  // (eax is kept)
    after_call(f, ip);
    Reg64 r = out_gpr(id, rcx);
    a_.mov(to32(r), eax);
    finish(id, r);
  }
  // What the frame holds after a helper: the operands it consumed and the slot it wrote are
  // unknown again.
  void after_call(const InnerFrame& f, const Instr* ip) {
    const HelperWrites w = helper_writes(f, *ip);
    forget_from(w.stack_from);
    if (int32_t slot = w.local; slot >= 0) {
      if (size_t(slot) < mem_.size()) mem_[size_t(slot)] = -1;
      if (size_t(slot) + 1 < mem_.size()) mem_[size_t(slot) + 1] = -1;
    }
  }

  // ---------------------------------------------------------------- exits
  void emit_exits() {
    for (const Exit& e : exits_) {
      a_.bind(e.label);
      a_.mov(eax, int32_t(e.index));
      a_.jmp(trampoline_);
    }
    // The trampoline: every register into the save area, then spec_deopt(saved, index, code).
    a_.bind(trampoline_);
    a_.sub(rsp, kSavedBytes);
    a_.note_stack_adjustment(uint32_t(kSavedBytes));
    for (uint8_t r = 0; r < 16; r++)
      if (r != rsp.code) a_.mov(qword_ptr(rsp, r * 8), Reg64{r});
    for (uint8_t x = 0; x < 16; x++) a_.movsd(qword_ptr(rsp, 128 + x * 8), Xmm{x});
    a_.publish_frames_top();  // (the interpreter resumes in the frame on top)
    a_.mov(esi, eax);
    a_.mov(rdi, rsp);
    a_.mov_imm64(rdx, reinterpret_cast<uint64_t>(&code_));
    a_.call(spec_deopt);
    a_.add(rsp, kSavedBytes);
    a_.note_stack_adjustment(0);
    a_.movzx(eax, al);
    a_.jmp(epilogue_);
    // A helper raised: the interpreter's unwinder takes over the (flushed) frame.
    a_.bind(error_);
    a_.mov(rdi, kVm);
    a_.mov(rsi, kFrame);
    a_.call(spec_error_exit);
    a_.movzx(eax, al);
    a_.bind(epilogue_);
    body_epilogue();
  }
  // Undoes body_entry's frame and returns (eax: the result flag).
  void body_epilogue() {
    if (spill_bytes_) a_.add(rsp, spill_bytes_);
    a_.pop(rbp);
    a_.ret();
  }
};

}  // namespace

bool emit_spec(VM& vm, const Graph& g, const Allocation& ra, DeoptStress* stress, ValueAssembler& a,
               CompiledCode& code, SpecOffsets& off, const FrameFacts* entry, FrameFacts* exit) {
  Codegen c(vm, g, ra, stress, a, code, entry);
  bool ok = c.run(off);
  if (exit) *exit = c.exit_facts();
  return ok;
}

FrameFacts merge_entry_facts(const Graph& g, const FrameFacts& exit) {
  FrameFacts in(g.blocks.size());
  for (size_t b = 0; b < g.blocks.size(); b++) {
    const Block& blk = g.blocks[b];
    if (blk.preds.empty()) continue;  // an entry: the frame is whatever the caller left
    std::vector<int32_t> common = exit[size_t(blk.preds[0])];
    for (int32_t p : blk.preds) {
      const std::vector<int32_t>& o = exit[size_t(p)];
      if (common.size() > o.size()) common.resize(o.size());
      for (size_t i = 0; i < common.size(); i++)
        if (common[i] != o[i]) common[i] = -1;
    }
    // A phi's slot holds the phi when every predecessor left the phi's input there.
    for (int32_t id : blk.nodes) {
      const Node& n = g.nodes[size_t(id)];
      if (n.op != IrOp::Phi || n.dead || n.phi_inputs.size() != blk.preds.size()) continue;
      size_t slot = size_t(n.imm);
      bool all = true;
      for (size_t k = 0; k < blk.preds.size() && all; k++) {
        const std::vector<int32_t>& o = exit[size_t(blk.preds[k])];
        all = slot < o.size() && n.phi_inputs[k] >= 0 && slot_holds(g, o[slot], n.phi_inputs[k]);
      }
      if (!all) continue;
      if (common.size() <= slot) common.resize(slot + 1, -1);
      common[slot] = id;
    }
    in[b] = std::move(common);
  }
  return in;
}

}  // namespace gene::jit::spec
