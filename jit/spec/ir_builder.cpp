// Bytecode -> spec IR. One pass over the reachable blocks in code order (the verifier makes
// every jump but `loop` go forward, so that order visits every block after its forward
// predecessors), carrying the node each slot holds. Handler code is not compiled: an error
// leaves the spec code for the interpreter's unwinder (deopt.cpp).
//
// Speculation reads each instruction's feedback byte: an arithmetic or comparison site that saw
// only ints gets CheckInt guards on its Tagged operands and an int operation; floats likewise;
// anything else calls the opcode's helper (Generic) on the flushed frame. A checked value
// replaces the Tagged one in every slot that holds it, so it is checked once and stays unboxed.
//
// Loop-header phis take the representation their forward inputs agree on; when a back edge
// brings another one the phi's hint changes and the unit is built again (at most twice per
// phi: unset -> Int/Float -> Tagged).
#include "jit/spec/ir_builder.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <cstring>

#include "interp/control_flow.h"
#include "interp/object.h"
#include "interp/type_feedback.h"
#include "jit/spec/ir_passes.h"

namespace gene::jit::spec {

namespace {

// What inlining at one call site needs of its callee, computed once per callee.
struct CalleeFlow {
  ControlFlow cf;
  std::vector<std::vector<uint8_t>> live;
};

// Across the builder's attempts: call sites of the compiled unit (pcs) not to inline, with why
// (deopts kept failing in the inlined code, or the callee turned out to need a helper, which
// runs on a real frame).
struct InlinePlan {
  std::map<int32_t, std::string> refused;
  std::map<const Proto*, std::unique_ptr<CalleeFlow>> flows;  // null: not analysable
  std::set<const void*> units;  // the program's units (a site's callee may be a builtin)
  bool call_checks_in_place = false;  // SpecHints::call_checks_in_place
  bool fuse_nil_tests = true;         // not SpecHints::no_nil_test_fusion
};

// Thrown while walking an inlined callee that needs something only a real frame has; the
// compiled unit's site `pc` is then refused and the graph built again.
struct InlineBailout {
  int32_t pc;
  std::string why;
};

std::vector<std::vector<uint8_t>> local_liveness(const Proto& p, const ControlFlow& cf,
                                                 const std::vector<std::vector<int32_t>>& extra_reads);

// Sites whose speculation comes from their feedback and that record it on every path the
// interpreter takes through them: a zero byte there means the instruction never ran.
bool needs_feedback(Op op) {
  switch (op) {
    case Op::ADD: case Op::SUB: case Op::MUL: case Op::DIV: case Op::MOD: case Op::NEG:
    case Op::ADD_INT: case Op::SUB_INT: case Op::MOD_INT:
    case Op::LT: case Op::LE: case Op::GT: case Op::GE:
    case Op::JUMP_UNLESS_LT: case Op::JUMP_UNLESS_LE: case Op::JUMP_UNLESS_GT: case Op::JUMP_UNLESS_GE:
    case Op::GET_PATH: case Op::SET_PATH:
      return true;
    default: return false;
  }
}

struct Incoming {
  int32_t from;   // IR block
  int32_t index;  // which of its successors
  std::vector<int32_t> state;
};

class Builder {
 public:
  Builder(const VM& vm, const Proto& p, Graph& g, const ControlFlow& cf, const std::vector<std::vector<uint8_t>>& live,
          std::map<std::pair<int32_t, int32_t>, Rep>& hints, const std::vector<int32_t>& generic_pcs,
          InlinePlan* inlining)
      : vm_(vm), p_(&p), g_(g), cf_(&cf), live_(&live), hints_(hints), generic_pcs_(&generic_pcs), nslots_(p.nslots),
        plan_(inlining), unreached_exits_(live_frames(vm, p) < 2) {}

  bool retry = false;

  // Frames of unit p on the VM's frame stack.
  static int live_frames(const VM& vm, const Proto& p) {
    int n = 0;
    for (const Frame& f : vm.frames) n += f.closure->proto == &p;
    return n;
  }

  void build() {
    g_.proto = p_;
    block_ir_.assign(cf_->blocks.size(), -1);
    incoming_.assign(cf_->blocks.size(), {});
    nil_ = -1;
    // The entry: parameters from the frame, the other slots nil (the body clears them).
    cur_ = new_block();
    nil_ = emit(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::nil().bits));
    S_.assign(size_t(nslots_), nil_);
    for (int i = 0; i < p_->nparams; i++) S_[size_t(i)] = emit(IrOp::LoadSlot, Rep::Tagged, -1, -1, i);
    pc_ = 0;
    entries_.push_back({cur_, here()});
    jump_to(0);
    // One OSR entry per loop header: every live slot and operand from the interpreter frame.
    for (size_t pc = 0; pc < p_->code.size(); pc++) {
      if (!cf_->is_loop_header(int32_t(pc)) || !cf_->reachable(int32_t(pc))) continue;
      cur_ = new_block();
      pc_ = int32_t(pc);
      g_.blocks[size_t(cur_)].osr_pc = int32_t(pc);
      int32_t n = nslots_ + cf_->depth[pc];
      S_.assign(size_t(n), nil_);
      for (int32_t i = 0; i < n; i++)
        if (i >= nslots_ || (*live_)[pc][size_t(i)]) S_[size_t(i)] = emit(IrOp::LoadSlot, Rep::Tagged, -1, -1, i);
      entries_.push_back({cur_, here()});
      jump_to(int32_t(pc));
    }
    walk_blocks();
    g_.entry_states = entries_;
    if (plan_ && !plan_->call_checks_in_place) hoist_call_checks();
    // Layout: the entry, then the blocks in the order they were walked (an inlined callee's
    // blocks inside its caller's, where its code runs), each followed by its edge blocks, then
    // the OSR entries (so the entry falls through into the code instead of jumping over them).
    g_.order.clear();
    std::vector<std::vector<int32_t>> edges(g_.blocks.size());
    std::vector<int32_t> osr_entries;
    for (size_t i = 0; i < g_.blocks.size(); i++) {
      const Block& blk = g_.blocks[i];
      if (blk.edge_of >= 0) edges[size_t(blk.edge_of)].push_back(int32_t(i));
      else if (blk.osr_pc >= 0) osr_entries.push_back(int32_t(i));
      else if (blk.pc < 0) g_.order.push_back(int32_t(i));
    }
    for (int32_t b : walked_) {
      g_.order.push_back(b);
      for (int32_t e : edges[size_t(b)]) g_.order.push_back(e);
    }
    g_.order.insert(g_.order.end(), osr_entries.begin(), osr_entries.end());
  }

 private:
  const VM& vm_;
  // The unit whose bytecode is being walked: the compiled one, or an inlined callee
  // (inline_call swaps these and the per-unit state below, and restores them).
  const Proto* p_;
  Graph& g_;
  const ControlFlow* cf_;
  const std::vector<std::vector<uint8_t>>* live_;
  std::map<std::pair<int32_t, int32_t>, Rep>& hints_;
  const std::vector<int32_t>* generic_pcs_;
  int32_t nslots_;
  InlinePlan* plan_;  // null: no inlining
  // Sites that never ran become `unreached` exits, unless the unit is compiled in the middle
  // of its own recursion: the frames below would then each exit at the code after their call
  // as they return (a linear recursion 500 deep: 400 exits), so those sites take the helper.
  const bool unreached_exits_;
  std::vector<int32_t> block_ir_;
  std::vector<std::vector<Incoming>> incoming_;
  std::vector<int32_t> S_;  // slots, then the operand stack
  int32_t cur_ = -1;
  int32_t pc_ = 0;
  int32_t nil_ = -1;
  int32_t insert_block_ = -1;  // conversions on an edge: before that block's terminator
  std::vector<int32_t> walked_;  // IR blocks in the order they were started (the layout)
  std::vector<std::pair<int32_t, int32_t>> entries_;  // the entry and OSR entry blocks, with their frame states

  // The inlined calls' room checks (CallCheck) become one check for the deepest of them:
  // kFrame and kBase do not move while the unit runs, so room for that call's frames is room
  // for every one. It goes where every inlined call passes first, outside every loop: the
  // nearest common dominator of the calls on the paths from the entry, then up the dominator
  // tree out of loops, before the first node there that has a frame state (a deopt with that
  // node's state resumes the interpreter exactly there), or else at the entry; and at each
  // OSR entry, which enters below it. Without room the code leaves
  // (guard InlineRoom) and the interpreter raises stack_overflow at the very call. A loop of
  // inlined calls then checks nothing per iteration. If that check keeps failing (a recursion
  // running near --max-depth), the next version checks at each call (call_checks_in_place).
  void hoist_call_checks() {
    int64_t level = -1, words = -1;
    int32_t common = -2;  // -2: none yet
    const std::vector<int32_t> idom = immediate_dominators(g_, true);
    auto dom_depth = [&](int32_t b) {
      int32_t d = 0;
      for (; b >= 0; b = idom[size_t(b)]) d++;
      return d;
    };
    auto meet = [&](int32_t a, int32_t b) {  // nearest common dominator (-1: none)
      int32_t da = dom_depth(a), db = dom_depth(b);
      for (; da > db; da--) a = idom[size_t(a)];
      for (; db > da; db--) b = idom[size_t(b)];
      while (a != b && a >= 0 && b >= 0) a = idom[size_t(a)], b = idom[size_t(b)];
      return a == b ? a : -1;
    };
    for (Node& n : g_.nodes) {
      if (n.dead || n.op != IrOp::CallCheck) continue;
      level = std::max(level, n.imm >> 32);
      words = std::max(words, n.imm & 0xffffffff);
      common = common == -2 ? n.block : common < 0 ? -1 : meet(common, n.block);
      n.dead = true;
    }
    if (level < 0) return;
    const std::vector<int32_t> loops = block_loop_depths(g_);
    while (common >= 0 && loops[size_t(common)] > 0) common = idom[size_t(common)];
    auto add_check = [&](int32_t b, size_t at, int32_t fs) {
      Node n;
      n.op = IrOp::CallCheck;
      n.rep = Rep::None;
      n.imm = (level << 32) | words;
      n.fs = fs;
      n.pc = g_.states[size_t(fs)].pc;
      n.block = b;
      n.guard = GuardKind::InlineRoom;
      int32_t id = g_.add(std::move(n));
      auto& nodes = g_.blocks[size_t(b)].nodes;
      nodes.insert(nodes.begin() + std::ptrdiff_t(at), id);
    };
    // entries_: the entry first, then the OSR entries; each gets it before its jump.
    for (size_t e = 1; e < entries_.size(); e++)
      add_check(entries_[e].first, g_.blocks[size_t(entries_[e].first)].nodes.size() - 1, entries_[e].second);
    if (common >= 0 && common != entries_[0].first) {
      const std::vector<int32_t>& nodes = g_.blocks[size_t(common)].nodes;
      for (size_t i = 0; i < nodes.size(); i++) {
        const Node& x = node(nodes[i]);
        if (!x.dead && x.op != IrOp::Phi && x.fs >= 0) {
          add_check(common, i, x.fs);
          return;
        }
      }
    }
    add_check(entries_[0].first, g_.blocks[size_t(entries_[0].first)].nodes.size() - 1, entries_[0].second);
  }

  // Inlining state. In an inlined callee: level_ > 0, prefix_ the stack below its slots (every
  // caller's slots and operands up to its callee slot, as FrameState values) and chain_ the
  // inlined frames, the callee's own last; outer_pc_/outer_depth_ the compiled unit's CALL.
  int32_t level_ = 0;
  int32_t key_base_ = 0;  // phi-hint keys of this callee's pcs: pc + key_base_
  int32_t inlined_count_ = 0;
  int32_t inlined_instructions_ = 0;
  std::vector<int32_t> prefix_;
  std::vector<InlinedFrame> chain_;
  int32_t outer_pc_ = -1, outer_depth_ = 0;
  struct Returned {
    int32_t block, value;
  };
  std::vector<Returned> returns_;  // an inlined callee's RETURNs: block and value of each
  const std::vector<int32_t> no_generic_pcs_;

  // Every reachable block of the unit being walked, in code order.
  void walk_blocks() {
    for (size_t b = 0; b < cf_->blocks.size(); b++) {
      if (incoming_[b].empty() && block_ir_[b] < 0) continue;  // unreachable, or only through a handler
      start_block(b);
      walked_.push_back(cur_);
      const FlowBlock& blk = cf_->blocks[b];
      bool open = true;
      for (int32_t pc = blk.start; pc < blk.end && open; pc++) {
        pc_ = pc;
        if (vm_.op_counts) emit(IrOp::CountOp, Rep::None, -1, -1, int64_t(p_->code[size_t(pc)].op));
        open = step(p_->code[size_t(pc)]);
      }
      if (open) {
        pc_ = blk.end;
        jump_to(blk.end);
      }
    }
  }

  // ---------------------------------------------------------------- nodes and blocks
  int32_t new_block() {
    g_.blocks.emplace_back();
    return int32_t(g_.blocks.size() - 1);
  }
  int32_t ir_block(int32_t pc) {
    size_t b = size_t(cf_->block_of[size_t(pc)]);
    if (block_ir_[b] < 0) {
      block_ir_[b] = new_block();
      g_.blocks[size_t(block_ir_[b])].pc = cf_->blocks[b].start;
      g_.blocks[size_t(block_ir_[b])].inline_level = level_;
    }
    return block_ir_[b];
  }
  int32_t emit(IrOp op, Rep rep, int32_t a = -1, int32_t b = -1, int64_t imm = 0, int32_t fs = -1) {
    if (level_ > 0) refuse_in_callee(op);
    Node n{op, rep, a, b, imm, pc_, fs, -1, GuardKind::NotInt, {}, false};
    int32_t blk = insert_block_ >= 0 ? insert_block_ : cur_;
    n.block = blk;
    int32_t id = g_.add(std::move(n));
    auto& nodes = g_.blocks[size_t(blk)].nodes;
    if (insert_block_ >= 0) nodes.insert(nodes.end() - 1, id);
    else nodes.push_back(id);
    return id;
  }
  Node& node(int32_t id) { return g_.nodes[size_t(id)]; }
  Rep rep(int32_t id) { return g_.nodes[size_t(id)].rep; }

  // The interpreter's frame at `pc` holding `values` (dead locals left out), and in inlined
  // code every frame below it.
  int32_t state(int32_t pc, const std::vector<int32_t>& values) {
    FrameState fs{pc, int32_t(values.size()) - nslots_, values, {}};
    // A dead local of the compiled unit keeps what its frame holds; an inlined frame's memory
    // held nothing yet, so its dead locals are written as nil (the collector scans them).
    for (int32_t i = 0; i < nslots_; i++)
      if (!(*live_)[size_t(pc)][size_t(i)]) fs.values[size_t(i)] = level_ > 0 ? nil_ : -1;
    if (level_ > 0) {
      fs.inlined = chain_;
      fs.inlined.back().pc = pc;
      fs.inlined.back().depth = fs.depth;
      fs.values.insert(fs.values.begin(), prefix_.begin(), prefix_.end());
      fs.pc = outer_pc_;
      fs.depth = outer_depth_;
    }
    if (!g_.states.empty() && g_.states.back().pc == fs.pc && g_.states.back().values == fs.values &&
        g_.states.back().inlined == fs.inlined)
      return int32_t(g_.states.size() - 1);
    g_.states.push_back(std::move(fs));
    return int32_t(g_.states.size() - 1);
  }
  int32_t here() { return state(pc_, S_); }
  // Item `index` (Int) of Tagged `array` read, or, with a Tagged `value`, written: a NotArray
  // guard, then a Bounds guard (outside 0..size-1 the interpreter does what the language says).
  int32_t array_access(int32_t array, int32_t index, int32_t value) {
    int32_t ptr = object_ptr(array, ObjType::Array);
    int32_t size = emit(IrOp::ArraySize, Rep::Int, ptr);
    int32_t check = emit(IrOp::CheckBounds, Rep::None, index, size, 0, here());
    node(check).guard = GuardKind::Bounds;
    int32_t items = emit(IrOp::ArrayItems, Rep::Ptr, ptr);
    int32_t r = emit(value < 0 ? IrOp::ArrayGet : IrOp::ArraySet, value < 0 ? Rep::Tagged : Rep::None, items, index);
    node(r).c = value;
    return r;
  }
  // Tagged v's Map*, Array* or String*, behind its NotMap, NotArray or NotString guard.
  int32_t object_ptr(int32_t v, ObjType type) {
    IrOp op = type == ObjType::Map ? IrOp::CheckMap : type == ObjType::Array ? IrOp::CheckArray : IrOp::CheckString;
    int32_t r = emit(op, Rep::Ptr, v, -1, 0, here());
    node(r).guard = type == ObjType::Map ? GuardKind::NotMap : type == ObjType::Array ? GuardKind::NotArray : GuardKind::NotString;
    return r;
  }
  // Whether the call at pc recorded a callee (a unit without sized feedback: as if it had).
  bool callee_seen(size_t pc) const { return pc >= p_->callees.size() || p_->callees[pc] != nullptr; }
  // Whether a deopt taught that the site at pc_ must take its helper (SpecHints::generic_pcs).
  bool site_is_generic() const {
    return std::find(generic_pcs_->begin(), generic_pcs_->end(), pc_) != generic_pcs_->end();
  }

  // ---------------------------------------------------------------- representations
  int32_t tagged(int32_t v) {
    const Node& n = node(v);
    switch (n.rep) {
      case Rep::Tagged: return v;
      case Rep::Int:
        if (n.op == IrOp::ConstInt) return emit(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::integer(n.imm).bits));
        return emit(IrOp::BoxInt, Rep::Tagged, v);
      case Rep::Float:
        if (n.op == IrOp::ConstFloat) return emit(IrOp::Const, Rep::Tagged, -1, -1, n.imm);
        return emit(IrOp::BoxFloat, Rep::Tagged, v);
      case Rep::Bool: return emit(IrOp::BoxBool, Rep::Tagged, v);
      case Rep::Ptr: case Rep::None: break;  // (a Ptr is never a slot's value)
    }
    return v;
  }
  void replace_in_state(int32_t from, int32_t to) {
    for (int32_t& s : S_)
      if (s == from) s = to;
  }
  // v as an Int, guarded; -1 when it cannot be one (a float, a bool, a non-int constant).
  int32_t as_int(int32_t v) {
    const Node& n = node(v);
    if (n.rep == Rep::Int) return v;
    if (n.rep != Rep::Tagged) return -1;
    if (n.op == IrOp::Const) {
      Value c = Value::from_bits(uint64_t(n.imm));
      return c.is_int() ? emit(IrOp::ConstInt, Rep::Int, -1, -1, c.as_int()) : -1;
    }
    int32_t r = emit(IrOp::CheckInt, Rep::Int, v, -1, 0, here());
    node(r).guard = GuardKind::NotInt;
    replace_in_state(v, r);
    return r;
  }
  int32_t as_float(int32_t v, bool convert_int) {
    const Node& n = node(v);
    if (n.rep == Rep::Float) return v;
    if (n.rep == Rep::Int) {
      if (!convert_int) return -1;
      if (n.op == IrOp::ConstInt) {
        Value f = Value::number(double(n.imm));
        return emit(IrOp::ConstFloat, Rep::Float, -1, -1, int64_t(f.bits));
      }
      return emit(IrOp::IntToFloat, Rep::Float, v);
    }
    if (n.rep != Rep::Tagged) return -1;
    if (n.op == IrOp::Const) {
      Value c = Value::from_bits(uint64_t(n.imm));
      if (c.is_double()) return emit(IrOp::ConstFloat, Rep::Float, -1, -1, n.imm);
      if (c.is_int() && convert_int) return emit(IrOp::ConstFloat, Rep::Float, -1, -1, int64_t(Value::number(double(c.as_int())).bits));
      return -1;
    }
    if (convert_int) {
      // A mixed site: the value may be an int, which must stay one in its slot.
      int32_t r = emit(IrOp::CheckNumber, Rep::Float, v, -1, 0, here());
      node(r).guard = GuardKind::NotFloat;
      return r;
    }
    int32_t r = emit(IrOp::CheckFloat, Rep::Float, v, -1, 0, here());
    node(r).guard = GuardKind::NotFloat;
    replace_in_state(v, r);
    return r;
  }
  int32_t as_bool(int32_t v) {
    if (rep(v) == Rep::Bool) return v;
    return emit(IrOp::Truthy, Rep::Bool, tagged(v));
  }

  // ---------------------------------------------------------------- stack
  int32_t pop() {
    int32_t v = S_.back();
    S_.pop_back();
    return v;
  }
  void push(int32_t v) { S_.push_back(v); }
  int32_t top(int k = 0) { return S_[S_.size() - 1 - size_t(k)]; }

  // ---------------------------------------------------------------- edges and phis
  // Ends the current block with a jump to `pc`.
  void jump_to(int32_t pc) {
    int32_t t = ir_block(pc);
    emit(IrOp::Jump, Rep::None);
    g_.blocks[size_t(cur_)].succs.push_back(t);
    add_edge(pc, cur_, 0, S_);
  }
  // Ends the current block with a branch on `cond`: to `t_pc` if true, else `f_pc`.
  void branch(int32_t cond, int32_t t_pc, const std::vector<int32_t>& t_state, int32_t f_pc,
              const std::vector<int32_t>& f_state) {
    emit(IrOp::Branch, Rep::None, cond);
    int32_t t = ir_block(t_pc), f = ir_block(f_pc);  // (may grow g_.blocks)
    g_.blocks[size_t(cur_)].succs = {t, f};
    add_edge(t_pc, cur_, 0, t_state);
    add_edge(f_pc, cur_, 1, f_state);
  }
  void add_edge(int32_t pc, int32_t from, int32_t index, const std::vector<int32_t>& st) {
    size_t b = size_t(cf_->block_of[size_t(pc)]);
    Block& t = g_.blocks[size_t(block_ir_[b])];
    if (!t.nodes.empty() || t.loop_header) {  // started already: a back edge into a loop header
      connect(int32_t(b), {from, index, st}, true);
      return;
    }
    incoming_[b].push_back({from, index, st});
  }
  // The block that runs only on edge (from, index): `from` itself if it has one successor,
  // else a new edge block between the two.
  int32_t edge_site(int32_t from, int32_t index) {
    Block& f = g_.blocks[size_t(from)];
    if (f.succs.size() == 1) return from;
    int32_t target = f.succs[size_t(index)];
    int32_t e = new_block();
    Block& eb = g_.blocks[size_t(e)];
    eb.edge_of = g_.blocks[size_t(from)].edge_of >= 0 ? g_.blocks[size_t(from)].edge_of : from;
    eb.preds.push_back(from);
    eb.succs.push_back(target);
    g_.blocks[size_t(from)].succs[size_t(index)] = e;
    Node j{IrOp::Jump, Rep::None, -1, -1, 0, pc_, -1, e, GuardKind::NotInt, {}, false};
    eb.nodes.push_back(g_.add(std::move(j)));
    return e;
  }
  // Adds the edge as the next predecessor of cf block b (started): each phi gets its input,
  // converted to the phi's representation on the edge. `back`: a loop's back edge.
  void connect(int32_t b, const Incoming& in, bool back) {
    int32_t tid = block_ir_[size_t(b)];
    const std::vector<int32_t>& st = in.state;
    // Phi moves (and conversions) run only on this edge: a branch gets an edge block for them.
    bool needs_site = false;
    for (int32_t id : g_.blocks[size_t(tid)].nodes)
      if (node(id).op == IrOp::Phi) needs_site = true;
    int32_t site = needs_site ? edge_site(in.from, in.index) : -1;
    g_.blocks[size_t(tid)].preds.push_back(site >= 0 ? site : in.from);
    int32_t entry_pc = cf_->blocks[size_t(b)].start;
    int32_t saved_pc = pc_;
    pc_ = entry_pc;
    insert_block_ = site;
    std::vector<int32_t> phis;
    for (int32_t id : g_.blocks[size_t(tid)].nodes)
      if (node(id).op == IrOp::Phi) phis.push_back(id);
    for (int32_t id : phis) {
      int32_t slot = int32_t(node(id).imm);
      int32_t v = st[size_t(slot)];
      Rep want = node(id).rep, have = rep(v);
      auto key = std::make_pair(entry_pc + key_base_, slot);
      if (have != want) {
        if (want == Rep::Tagged) {
          // A loop that keeps the slot unboxed: speculate on it from the start, unless the
          // value entering the loop is a constant of another kind.
          if (back && (have == Rep::Int || have == Rep::Float) && !hints_.count(key) && forward_inputs_fit(id, have)) {
            hints_[key] = have;
            retry = true;
          }
          v = tagged(v);
        } else if (have == Rep::Tagged && node(v).op == IrOp::Const) {
          Value c = Value::from_bits(uint64_t(node(v).imm));
          if (want == Rep::Int && c.is_int()) v = emit(IrOp::ConstInt, Rep::Int, -1, -1, c.as_int());
          else if (want == Rep::Float && c.is_double()) v = emit(IrOp::ConstFloat, Rep::Float, -1, -1, node(v).imm);
          else v = demote(key);
        } else if (have == Rep::Tagged && (want == Rep::Int || want == Rep::Float)) {
          bool i = want == Rep::Int;
          v = emit(i ? IrOp::CheckInt : IrOp::CheckFloat, want, v, -1, slot + 1, state(entry_pc, st));
          node(v).guard = i ? GuardKind::NotInt : GuardKind::NotFloat;
        } else {
          v = demote(key);
        }
      }
      node(id).phi_inputs.push_back(v);
    }
    insert_block_ = -1;
    pc_ = saved_pc;
  }
  // The inputs a phi already has (its forward edges) can be `r` after a check.
  bool forward_inputs_fit(int32_t phi, Rep r) {
    for (int32_t v : node(phi).phi_inputs) {
      const Node& n = node(v);
      if (n.op == IrOp::Const) {
        Value c = Value::from_bits(uint64_t(n.imm));
        if (r == Rep::Int ? !c.is_int() : !c.is_double()) return false;
      } else if (n.rep != Rep::Tagged && n.rep != r) {
        return false;
      }
    }
    return true;
  }
  // An input that cannot become the phi's representation: the phi stays Tagged next time.
  int32_t demote(std::pair<int32_t, int32_t> key) {
    hints_[key] = Rep::Tagged;
    retry = true;
    return -1;
  }
  void start_block(size_t b) {
    cur_ = block_ir_[b] >= 0 ? block_ir_[b] : ir_block(cf_->blocks[b].start);
    int32_t pc = cf_->blocks[b].start;
    pc_ = pc;
    Block& blk = g_.blocks[size_t(cur_)];
    std::vector<Incoming> ins = std::move(incoming_[b]);
    incoming_[b].clear();
    bool header = cf_->is_loop_header(pc);
    blk.loop_header = header;
    size_t n = size_t(nslots_ + cf_->depth[size_t(pc)]);
    if (!header && ins.size() == 1) {
      S_ = ins[0].state;
      blk.preds.push_back(ins[0].from);
      return;
    }
    S_.assign(n, nil_);
    for (size_t i = 0; i < n; i++) {
      bool live = i >= size_t(nslots_) || (*live_)[size_t(pc)][i];
      if (!live) continue;
      bool same = !header;
      for (const Incoming& in : ins) same = same && in.state[i] == ins[0].state[i];
      if (same) {
        S_[i] = ins[0].state[i];
        continue;
      }
      Rep r = Rep::None;
      bool agree = true;
      for (const Incoming& in : ins) {
        if (g_.blocks[size_t(in.from)].osr_pc >= 0) continue;  // OSR inputs convert to whatever it is
        Rep ri = rep(in.state[i]);
        if (r == Rep::None) r = ri;
        else if (r != ri) agree = false;
      }
      if (!agree || r == Rep::None) r = Rep::Tagged;
      auto h = hints_.find({pc + key_base_, int32_t(i)});
      if (h != hints_.end()) r = h->second;
      Node phi{IrOp::Phi, r, -1, -1, int64_t(i), pc, -1, cur_, GuardKind::NotInt, {}, false};
      int32_t id = g_.add(std::move(phi));
      g_.blocks[size_t(cur_)].nodes.push_back(id);
      S_[i] = id;
    }
    if (header) g_.blocks[size_t(cur_)].loop_header = true;
    std::vector<int32_t> entry = S_;
    for (const Incoming& in : ins) connect(int32_t(b), in, false);
    S_ = entry;
  }

  // ---------------------------------------------------------------- instructions
  // One instruction; false when it ended the block.
  bool step(const Instr& in) {
    const uint8_t fb = in.feedback;
    // A call that never ran, where the callee could be inlined, is such code too: auto's
    // compile of a unit in its first loop (OSR) would otherwise call the callee forever
    // after (sieve's `benchmark`, whose loop tiers up before its call to `sieve` runs).
    const bool call_never_ran = plan_ && in.op == Op::CALL && !callee_seen(size_t(pc_));
    if ((call_never_ran || (fb == 0 && needs_feedback(in.op))) && unreached_exits_ && !site_is_generic()) {
      // Code that never ran: the code leaves for the interpreter here (which records the
      // site) instead of compiling a helper call that the baseline would beat; the next
      // version has the feedback (tier_manager.cpp, on_deopt).
      int32_t d = emit(IrOp::Deopt, Rep::None, -1, -1, 0, here());
      node(d).guard = GuardKind::Unreached;
      return false;
    }
    switch (in.op) {
      case Op::CONST: {
        Value c = p_->consts[size_t(in.x)];
        if (c.is_int()) push(emit(IrOp::ConstInt, Rep::Int, -1, -1, c.as_int()));
        else if (c.is_double()) push(emit(IrOp::ConstFloat, Rep::Float, -1, -1, int64_t(c.bits)));
        else push(emit(IrOp::Const, Rep::Tagged, -1, -1, int64_t(c.bits)));
        return true;
      }
      case Op::INT: push(emit(IrOp::ConstInt, Rep::Int, -1, -1, in.x)); return true;
      case Op::NIL: push(nil_); return true;
      case Op::TRUE: push(emit(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::boolean(true).bits))); return true;
      case Op::FALSE: push(emit(IrOp::Const, Rep::Tagged, -1, -1, int64_t(Value::boolean(false).bits))); return true;
      case Op::POP: pop(); return true;
      case Op::POPN: S_.resize(S_.size() - size_t(in.x)); return true;
      case Op::UNWIND: {
        int32_t t = pop();
        S_.resize(S_.size() - size_t(in.x));
        push(t);
        return true;
      }
      case Op::DUP: push(top()); return true;
      case Op::LOAD_LOCAL: push(S_[size_t(in.x)]); return true;
      case Op::STORE_LOCAL: S_[size_t(in.x)] = pop(); return true;
      case Op::LOAD_GLOBAL: {
        int32_t v = emit(IrOp::LoadGlobal, Rep::Tagged, -1, -1, in.x, here());
        node(v).guard = GuardKind::Undefined;
        push(v);
        return true;
      }
      case Op::DEFINE_GLOBAL: {
        int32_t v = emit(IrOp::StoreGlobal, Rep::None, tagged(top()), -1, in.x, here());
        node(v).guard = GuardKind::Watched;
        pop();
        return true;
      }
      case Op::STORE_GLOBAL: {  // an assignment: the global must have been declared
        int32_t v = emit(IrOp::AssignGlobal, Rep::None, tagged(top()), -1, in.x, here());
        node(v).guard = GuardKind::Undefined;
        pop();
        return true;
      }
      case Op::LOAD_UPVAL: push(emit(IrOp::LoadUpval, Rep::Tagged, running_closure(), -1, in.x)); return true;
      case Op::STORE_UPVAL: {
        int32_t v = tagged(pop());
        emit(IrOp::StoreUpval, Rep::None, v, running_closure(), in.x);
        return true;
      }
      case Op::LOAD_CELL: push(emit(IrOp::LoadCell, Rep::Tagged, tagged(S_[size_t(in.x)]))); return true;
      case Op::STORE_CELL: {
        int32_t v = tagged(pop());
        emit(IrOp::StoreCell, Rep::None, tagged(S_[size_t(in.x)]), v);
        return true;
      }
      case Op::ADD: case Op::SUB: case Op::MUL: {
        int32_t b = top(0), a = top(1);
        int32_t r = arith(in.op, a, b, fb);
        if (r < 0) return generic(in);
        S_.resize(S_.size() - 2);
        push(r);
        return true;
      }
      case Op::ADD_INT: case Op::SUB_INT: {
        int32_t a = top(0);
        int32_t b = emit(IrOp::ConstInt, Rep::Int, -1, -1, in.x);
        int32_t r = arith(op_info(in.op).base, a, b, fb | kSeenInt);
        if (r < 0) return generic(in);
        pop();
        push(r);
        return true;
      }
      case Op::INC_LOCAL: {
        int32_t b = emit(IrOp::ConstInt, Rep::Int, -1, -1, in.x);
        int32_t r = arith(Op::ADD, S_[in.y], b, fb | kSeenInt);
        if (r < 0) return generic(in);
        S_[in.y] = r;
        return true;
      }
      case Op::MOD: case Op::MOD_INT: {
        if (fb != kSeenInt) return generic(in);
        bool imm = in.op == Op::MOD_INT;
        int32_t a = as_int(imm ? top(0) : top(1));
        if (a < 0) return generic(in);
        int32_t b = imm ? emit(IrOp::ConstInt, Rep::Int, -1, -1, in.x) : as_int(top(0));
        if (b < 0) return generic(in);
        int32_t r = emit(IrOp::ModInt, Rep::Int, a, b, 0, here());
        node(r).guard = GuardKind::DivByZero;
        S_.resize(S_.size() - (imm ? 1 : 2));
        push(r);
        return true;
      }
      case Op::DIV: {
        if (fb == 0 || (fb & ~(kSeenInt | kSeenFloat))) return generic(in);
        int32_t b0 = top(0), a0 = top(1);
        int32_t a = numeric_float(a0), b = a >= 0 ? numeric_float(b0) : -1;
        if (a < 0 || b < 0) return generic(in);
        S_.resize(S_.size() - 2);
        push(emit(IrOp::DivFloat, Rep::Float, a, b));
        return true;
      }
      case Op::NEG: {
        int32_t a = top();
        if (fb == kSeenInt && rep(a) != Rep::Float) {
          int32_t x = as_int(a);
          if (x < 0) return generic(in);
          int32_t r = emit(IrOp::NegInt, Rep::Int, x, -1, 0, here());
          node(r).guard = GuardKind::Overflow;
          pop();
          push(r);
          return true;
        }
        if (fb == kSeenFloat) {
          int32_t x = as_float(a, false);
          if (x < 0) return generic(in);
          pop();
          push(emit(IrOp::NegFloat, Rep::Float, x));
          return true;
        }
        return generic(in);
      }
      case Op::NOT: {
        int32_t c = as_bool(pop());
        push(emit(IrOp::NotBool, Rep::Bool, c));
        return true;
      }
      case Op::LT: case Op::LE: case Op::GT: case Op::GE: case Op::EQ: case Op::NE: {
        int32_t c = compare(in.op, top(1), top(0), fb);
        if (c < 0) return generic(in);
        S_.resize(S_.size() - 2);
        push(c);
        return true;
      }
      case Op::JUMP_UNLESS_LT: case Op::JUMP_UNLESS_LE: case Op::JUMP_UNLESS_GT:
      case Op::JUMP_UNLESS_GE: case Op::JUMP_UNLESS_EQ: case Op::JUMP_UNLESS_NE: {
        int32_t c = compare(op_info(in.op).base, top(1), top(0), fb);
        if (c < 0) {
          int32_t j = emit(IrOp::GenericBranch, Rep::Bool, -1, -1, 0, here());
          S_.resize(S_.size() - 2);
          branch(j, in.x, S_, pc_ + 1, S_);
          return false;
        }
        S_.resize(S_.size() - 2);
        branch(c, pc_ + 1, S_, in.x, S_);
        return false;
      }
      case Op::JUMP: jump_to(in.x); return false;
      case Op::LOOP:
        if (vm_.counts_steps()) emit(IrOp::LoopCheck, Rep::None, -1, -1, 0, here());
        jump_to(in.x);
        return false;
      case Op::JUMP_IF_FALSE: case Op::JUMP_IF_TRUE: {
        int32_t c = as_bool(pop());
        if (in.op == Op::JUMP_IF_FALSE) branch(c, pc_ + 1, S_, in.x, S_);
        else branch(c, in.x, S_, pc_ + 1, S_);
        return false;
      }
      case Op::AND_JUMP: case Op::OR_JUMP: {
        int32_t c = as_bool(top());
        std::vector<int32_t> kept = S_, popped = S_;
        popped.pop_back();
        if (in.op == Op::AND_JUMP) branch(c, pc_ + 1, popped, in.x, kept);
        else branch(c, in.x, kept, pc_ + 1, popped);
        return false;
      }
      case Op::CALL: {
        if (plan_ && (inline_builtin(in) || inline_call(in))) return true;
        int32_t r = emit(IrOp::Call, Rep::Tagged, -1, -1, in.x, here());
        S_.resize(S_.size() - size_t(in.x) - 1);
        push(r);
        return true;
      }
      case Op::RETURN:
        if (level_ > 0) {  // an inlined callee's RETURN: its caller goes on after it (inline_call)
          int32_t v = pop();
          returns_.push_back({cur_, v});
          return false;
        }
        emit(IrOp::Return, Rep::None, tagged(pop()));
        return false;
      case Op::FOR_NEXT: return for_next(in);
      case Op::RANGE_PREP: return range_prep(in) || generic(in);
      case Op::CALL_METHOD:
        return array_method(in) || string_method(in) || (plan_ && (array_push(in) || map_method(in))) || generic(in);
      case Op::MAKE_ARRAY: return (plan_ && new_array(in)) || generic(in);
      case Op::GET_PATH: return get_path(in) || generic(in);
      case Op::SET_PATH: return set_path(in) || generic(in);
      case Op::THROW:
        if (level_ > 0) {
          // An uncommon trap: inlined code leaves for the interpreter at the throw, which
          // unwinds through every rebuilt frame (a throw that keeps running un-inlines the
          // site, as any guard that keeps failing in inlined code does).
          int32_t d = emit(IrOp::Deopt, Rep::None, -1, -1, 0, here());
          node(d).guard = GuardKind::Throw;
          return false;
        }
        generic(in);
        emit(IrOp::Deopt, Rep::None);  // not reached: throw's helper always raises
        return false;
      default: return generic(in);
    }
  }

  // ---------------------------------------------------------------- inlining (M3)
  // A Return in inlined code would leave the compiled unit's frame: never emitted there (an
  // inlined RETURN joins its caller), refused to be sure. Helpers and calls in inlined code run
  // with the inlined frames' records pushed for their duration (codegen), so they see the
  // frame the interpreter would have.
  void refuse_in_callee(IrOp op) {
    const char* why = nullptr;
    switch (op) {
      case IrOp::Return: why = "needs its frame"; break;
      default: return;
    }
    throw InlineBailout{outer_pc_, std::string("the callee ") + why + " (" + op_info(p_->code[size_t(pc_)].op).name +
                                       " at " + unit_name(*p_) + " pc " + std::to_string(pc_) + ")"};
  }
  // The closure whose upvalues LOAD_UPVAL and STORE_UPVAL reach: in inlined code the callee
  // value its call's CheckCallee guarded (the caller's operand below the arguments), at level 0
  // the frame's own closure (-1: codegen reads the frame's callee slot).
  int32_t running_closure() const { return level_ > 0 ? prefix_[size_t(chain_.back().base - 1)] : -1; }
  // Frame memory is addressed from the compiled unit's slot 0: an inlined frame's slot i is
  // slot base + i there (where the interpreter's call would have put it).
  int32_t slot_base() const { return level_ > 0 ? chain_.back().base : 0; }
  // What a helper left in slot `slot` of the frame being walked.
  int32_t load_slot(int32_t slot) { return emit(IrOp::LoadSlot, Rep::Tagged, -1, -1, slot_base() + slot); }
  int recursion(const Proto* c) const {
    int n = c == g_.proto ? 1 : 0;
    for (const InlinedFrame& f : chain_) n += f.proto == c;
    return n;
  }
  // Why the callee cannot be inlined here, or "".
  std::string inline_blocker(const Proto& c, int32_t argc) {
    if (c.nparams != argc) return "arity differs";
    if (!c.handlers.empty()) return "has try/catch";
    const int32_t max_size = site_in_loop() ? kMaxLoopInlineInstructions : kMaxInlineInstructions;
    if (int32_t(c.code.size()) > max_size)
      return "too large (" + std::to_string(c.code.size()) + " instructions > " + std::to_string(max_size) + ")";
    if (inlined_instructions_ + int32_t(c.code.size()) > kInlineBudget) return "unit's inline budget spent";
    if (level_ + 1 > kMaxInlineDepth) return "too deep";
    bool loops = false;
    for (const Instr& i : c.code) {
      if (i.op == Op::CLOSURE) return "makes closures";
      loops |= i.op == Op::LOOP;
    }
    // A recursive callee entered from another unit spends its time in its own recursion,
    // which its own code runs (inlining itself there): a copy of its entry saves one call per
    // entry and costs the compile of its whole inlined tree again (list's `benchmark` and top
    // level each copied `tail`'s: 20 KB of code, most of the compile time, for 700 calls).
    if (&c != g_.proto && recursion(&c) == 0 && calls_itself(c)) return "recursive: runs in its own code";
    int32_t max_recursion = loops ? 0 : int32_t(c.code.size()) <= kTinyRecursiveCallee ? kMaxTinyInlineRecursion : kMaxInlineRecursion;
    if (recursion(&c) > max_recursion) return loops ? "recursion limit (has a loop)" : "recursion limit";
    auto& flow = plan_->flows[&c];
    if (!flow) {
      auto f = std::make_unique<CalleeFlow>();
      VerifyError err;
      if (!analyze_flow(c, f->cf, err)) return "control flow: " + err.message;
      f->live = local_liveness(c, f->cf, std::vector<std::vector<int32_t>>(c.code.size()));
      flow = std::move(f);
    }
    return "";
  }
  // Whether unit c's feedback shows it calling itself.
  static bool calls_itself(const Proto& c) {
    for (size_t pc = 0; pc < c.code.size() && pc < c.callees.size(); pc++)
      if (c.code[pc].op == Op::CALL && c.callees[pc] == &c) return true;
    return false;
  }
  // Whether instruction pc of p runs inside one of p's loops: a back edge from after it to it
  // or before it (the verifier makes `loop` the only backward jump).
  static bool inside_loop(const Proto& p, int32_t pc) {
    for (size_t j = size_t(pc) + 1; j < p.code.size(); j++)
      if (p.code[j].op == Op::LOOP && p.code[j].x <= pc) return true;
    return false;
  }
  // The call being decided runs in a loop of its unit or of a frame it is inlined into.
  bool site_in_loop() const {
    if (inside_loop(*p_, pc_)) return true;
    if (level_ == 0) return false;
    if (inside_loop(*g_.proto, outer_pc_)) return true;
    for (size_t i = 0; i + 1 < chain_.size(); i++)  // (the last is the running callee, p_)
      if (inside_loop(*chain_[i].proto, chain_[i].pc)) return true;
    return false;
  }
  void log_inline(const Proto* c, const std::string& what) {
    std::string site = unit_name(*g_.proto) + "#" + std::to_string(g_.proto->id) + " pc " + std::to_string(level_ ? outer_pc_ : pc_);
    if (level_ > 0) site += " > " + unit_name(*p_) + "#" + std::to_string(p_->id) + " pc " + std::to_string(pc_);
    g_.inline_log.push_back(site + " -> " + (c ? unit_name(*c) + "#" + std::to_string(c->id) : std::string("?")) + ": " + what);
  }

  // `(sqrt x)`, `(abs x)`, `(floor x)`, `(int x)` and `(float x)` where the site has only
  // called that builtin and x is a number in the IR: a guard that the callee is still the
  // builtin, then the operation itself (nothing at all where it is the identity: floor or int
  // of an int, float of a float).
  bool inline_builtin(const Instr& in) {
    const void* seen = size_t(pc_) < p_->callees.size() ? p_->callees[size_t(pc_)] : nullptr;
    if (in.x != 1 || !seen || seen == kMegamorphic) return false;
    // (VM::builtins keeps every builtin alive, so an address the feedback names is still one.)
    auto it = std::find_if(vm_.builtins.begin(), vm_.builtins.end(), [&](Value v) { return v.as_obj() == seen; });
    if (it == vm_.builtins.end()) return false;
    const Builtin* b = as_builtin(*it);
    auto is = [&](const char* name) { return std::strcmp(b->name, name) == 0; };
    static const bool has_sse41 = __builtin_cpu_supports("sse4.1");
    bool sqrt = is("sqrt"), abs = is("abs"), floor = is("floor") && has_sse41, to_int = is("int"), to_float = is("float");
    if (!sqrt && !abs && !floor && !to_int && !to_float) return false;
    int32_t arg = top(0);
    Rep r = rep(arg);
    if (r == Rep::Bool || node(arg).op == IrOp::Const) return false;  // not a number: the call raises
    // A Tagged argument: the site's feedback (its first argument's kinds) says what to check.
    if (!sqrt && r == Rep::Tagged) {
      if (in.feedback == kSeenInt) r = Rep::Int;
      else if (in.feedback == kSeenFloat) r = Rep::Float;
      else return false;
    }
    int32_t fn = tagged(top(1));
    int32_t g = emit(IrOp::CheckValue, Rep::None, fn, -1, int64_t(Value::object(const_cast<Builtin*>(b)).bits), here());
    node(g).guard = GuardKind::WrongCallee;
    // A Tagged argument is checked (sqrt: a number; the others: the kind their site saw).
    int32_t x = sqrt ? numeric_float(arg) : r == Rep::Int ? as_int(arg) : as_float(arg, false);
    if (x < 0) return false;  // (the callee check above stays: harmless)
    int32_t result = x;
    if (sqrt) {
      result = emit(IrOp::SqrtFloat, Rep::Float, x);
    } else if (abs) {
      result = r == Rep::Float ? emit(IrOp::AbsFloat, Rep::Float, x) : emit(IrOp::AbsInt, Rep::Int, x, -1, 0, here());
      if (r == Rep::Int) node(result).guard = GuardKind::Overflow;
    } else if (floor && r == Rep::Float) {
      result = emit(IrOp::FloorFloat, Rep::Float, x);
    } else if (to_int && r == Rep::Float) {
      // nan, an infinity or a value outside the int range: the interpreter re-runs the call,
      // which raises integer_overflow.
      result = emit(IrOp::FloatToInt, Rep::Int, x, -1, 0, here());
      node(result).guard = GuardKind::Overflow;
    } else if (to_float && r == Rep::Int) {
      result = emit(IrOp::IntToFloat, Rep::Float, x);
    }
    // The call's step comes after every guard of this pc: a failed overflow guard resumes the
    // interpreter before the call, which takes the step itself (corpus/inline/
    // step_limit_after_builtin_deopt). With no step left the interpreter takes the last one.
    if (vm_.counts_steps()) emit(IrOp::LoopCheck, Rep::None, -1, -1, 0, here());
    g_.inline_log.push_back(unit_name(*p_) + "#" + std::to_string(p_->id) + " pc " + std::to_string(pc_) + " -> " + b->name +
                            ": builtin as IR");
    S_.resize(S_.size() - 2);
    push(result);
    return true;
  }

  // A CALL whose feedback names one callee that fits: guards (callee identity, --max-depth
  // and stack room, the call's --max-steps step), then the callee's body walked in place with
  // its arguments as its parameters; its RETURN's value replaces the callee and arguments.
  bool inline_call(const Instr& in) {
    int32_t argc = in.x;
    const void* seen = size_t(pc_) < p_->callees.size() ? p_->callees[size_t(pc_)] : nullptr;
    if (!seen || seen == kMegamorphic) {
      log_inline(nullptr, seen ? "not inlined: megamorphic" : "not inlined: no callee seen");
      return false;
    }
    if (!plan_->units.count(seen)) {
      log_inline(nullptr, "not inlined: a builtin");
      return false;
    }
    const Proto* c = static_cast<const Proto*>(seen);
    if (level_ == 0) {
      auto r = plan_->refused.find(pc_);
      if (r != plan_->refused.end()) {
        log_inline(c, "not inlined: " + r->second);
        return false;
      }
    }
    std::string why = inline_blocker(*c, argc);
    if (!why.empty()) {
      log_inline(c, "not inlined: " + why);
      return false;
    }
    const CalleeFlow& flow = *plan_->flows[c];
    int32_t ci = int32_t(S_.size()) - argc - 1;  // the callee slot
    int32_t fn = tagged(S_[size_t(ci)]);
    S_[size_t(ci)] = fn;
    int32_t base = (level_ > 0 ? chain_.back().base : 0) + ci + 1;  // the callee's slot 0
    int32_t words = base + c->nslots + c->max_stack + 1;
    // The interpreter's CALL checks in this order; a failed guard lets it run the call itself.
    // A callee from a global: the closure the global holds now is what the guard expects first
    // (one compare; any other closure of the unit passes too, out of line; codegen roots it).
    int32_t expected = -1;
    if (node(fn).op == IrOp::LoadGlobal) {
      g_.assumptions.push_back({int32_t(node(fn).imm), c, level_ > 0 ? outer_pc_ : pc_});
      Value now = vm_.globals[size_t(node(fn).imm)];
      if (is_obj_type(now, ObjType::Closure) && as_closure(now)->proto == c)
        expected = emit(IrOp::Const, Rep::Tagged, -1, -1, int64_t(now.bits));
    }
    int32_t g1 = emit(IrOp::CheckCallee, Rep::None, fn, expected, int64_t(reinterpret_cast<intptr_t>(c)), here());
    node(g1).guard = GuardKind::WrongCallee;
    int32_t g2 = emit(IrOp::CallCheck, Rep::None, -1, -1, (int64_t(level_) << 32) | words, here());
    node(g2).guard = GuardKind::CallDepth;
    if (vm_.counts_steps()) emit(IrOp::LoopCheck, Rep::None, -1, -1, 0, here());  // after the last guard
    log_inline(c, "inlined (level " + std::to_string(level_ + 1) + ", " + std::to_string(c->code.size()) + " instructions)");

    // Into the callee.
    struct Saved {
      const Proto* p;
      const ControlFlow* cf;
      const std::vector<std::vector<uint8_t>>* live;
      const std::vector<int32_t>* generic_pcs;
      int32_t nslots, pc, key_base, outer_pc, outer_depth;
      std::vector<Returned> returns;
      std::vector<int32_t> block_ir, S, prefix;
      std::vector<std::vector<Incoming>> incoming;
      std::vector<InlinedFrame> chain;
    } saved{p_, cf_, live_, generic_pcs_, nslots_, pc_, key_base_, outer_pc_, outer_depth_, std::move(returns_),
            std::move(block_ir_), S_, prefix_, std::move(incoming_), chain_};
    for (int32_t i = 0; i <= ci; i++) {
      int32_t v = S_[size_t(i)];
      if (i < nslots_ && !(*live_)[size_t(pc_)][size_t(i)]) v = level_ > 0 ? nil_ : -1;
      prefix_.push_back(v);
    }
    if (level_ == 0) {
      outer_pc_ = pc_;
      outer_depth_ = ci + 1 - nslots_;
    } else {
      chain_.back().pc = pc_;
      chain_.back().depth = ci + 1 - nslots_;
    }
    chain_.push_back({c, 0, base, 0});
    std::vector<int32_t> callee_slots(S_.begin() + ci + 1, S_.end());
    callee_slots.resize(size_t(c->nslots), nil_);
    p_ = c;
    cf_ = &flow.cf;
    live_ = &flow.live;
    generic_pcs_ = &no_generic_pcs_;
    nslots_ = c->nslots;
    key_base_ = ++inlined_count_ << 20;
    inlined_instructions_ += int32_t(c->code.size());
    returns_.clear();
    block_ir_.assign(cf_->blocks.size(), -1);
    incoming_.assign(cf_->blocks.size(), {});
    level_++;
    S_ = std::move(callee_slots);
    jump_to(0);
    walk_blocks();
    if (returns_.empty()) throw InlineBailout{outer_pc_, "the callee " + unit_name(*c) + " never returns"};
    std::vector<Returned> returned = std::move(returns_);

    // Back in the caller, in the block where the callee returned.
    level_--;
    p_ = saved.p;
    cf_ = saved.cf;
    live_ = saved.live;
    generic_pcs_ = saved.generic_pcs;
    nslots_ = saved.nslots;
    pc_ = saved.pc;
    key_base_ = saved.key_base;
    returns_ = std::move(saved.returns);
    outer_pc_ = saved.outer_pc;
    outer_depth_ = saved.outer_depth;
    block_ir_ = std::move(saved.block_ir);
    incoming_ = std::move(saved.incoming);
    prefix_ = std::move(saved.prefix);
    chain_ = std::move(saved.chain);
    S_ = std::move(saved.S);
    S_.resize(size_t(ci));
    if (returned.size() == 1) {  // the caller goes on in the block that returned
      cur_ = returned[0].block;
      push(returned[0].value);
    } else {
      join_returns(returned, ci);
    }
    g_.inlined_sites++;
    return true;
  }
  // A callee that returns in several places: each RETURN's block jumps to one new block of the
  // caller, where a phi (at the result's slot, `slot`) takes the value returned. Unboxed
  // values of different representations are boxed on their edge.
  void join_returns(const std::vector<Returned>& returned, int32_t slot) {
    Rep r = rep(returned[0].value);
    for (const Returned& x : returned)
      if (rep(x.value) != r) r = Rep::Tagged;
    int32_t join = new_block();
    g_.blocks[size_t(join)].inline_level = level_;
    g_.blocks[size_t(join)].pc = pc_;  // the call's: the caller goes on here
    walked_.push_back(join);            // laid out after every block of the callee
    std::vector<int32_t> inputs;
    for (const Returned& x : returned) {
      cur_ = x.block;
      inputs.push_back(r == Rep::Tagged ? tagged(x.value) : x.value);
      emit(IrOp::Jump, Rep::None);
      g_.blocks[size_t(x.block)].succs.push_back(join);
      g_.blocks[size_t(join)].preds.push_back(x.block);
    }
    cur_ = join;
    Node phi{IrOp::Phi, r, -1, -1, int64_t(slot), pc_, -1, join, GuardKind::NotInt, {}, false};
    phi.phi_inputs = std::move(inputs);
    int32_t id = g_.add(std::move(phi));
    g_.blocks[size_t(join)].nodes.push_back(id);
    push(id);
  }

  // Speculative int or float arithmetic; -1 to use the helper.
  int32_t arith(Op op, int32_t a, int32_t b, uint8_t fb) {
    if (fb == kSeenInt && rep(a) != Rep::Float && rep(b) != Rep::Float) {
      int32_t x = as_int(a);
      if (x < 0) return -1;
      int32_t y = as_int(b == a ? x : b);
      if (y < 0) return -1;
      IrOp iop = op == Op::ADD ? IrOp::AddInt : op == Op::SUB ? IrOp::SubInt : IrOp::MulInt;
      int32_t r = emit(iop, Rep::Int, x, y, 0, here());
      node(r).guard = GuardKind::Overflow;
      return r;
    }
    if (fb == 0 || (fb & ~(kSeenInt | kSeenFloat))) return -1;
    // Floats seen: a float operation when at least one operand is a float (an int with an
    // int stays exact: that case takes the helper).
    if (fb == kSeenFloat || rep(a) == Rep::Float || rep(b) == Rep::Float) {
      bool mixed = fb != kSeenFloat;
      int32_t x = as_float(a, mixed);
      if (x < 0) return -1;
      int32_t y = as_float(b == a ? x : b, mixed);
      if (y < 0) return -1;
      if (rep(x) != Rep::Float || rep(y) != Rep::Float) return -1;
      IrOp fop = op == Op::ADD ? IrOp::AddFloat : op == Op::SUB ? IrOp::SubFloat : IrOp::MulFloat;
      return emit(fop, Rep::Float, x, y);
    }
    return -1;
  }
  // A numeric operand as a Float: an Int converts, a Tagged one is checked to be a double.
  int32_t numeric_float(int32_t v) { return as_float(v, true); }

  int32_t compare(Op op, int32_t a, int32_t b, uint8_t fb) {
    Cmp c = op == Op::LT ? Cmp::Lt : op == Op::LE ? Cmp::Le : op == Op::GT ? Cmp::Gt : op == Op::GE ? Cmp::Ge
            : op == Op::EQ ? Cmp::Eq : Cmp::Ne;
    if (fb == kSeenInt && rep(a) != Rep::Float && rep(b) != Rep::Float) {
      int32_t x = as_int(a);
      if (x < 0) return -1;
      int32_t y = as_int(b == a ? x : b);
      if (y < 0) return -1;
      return emit(IrOp::CmpInt, Rep::Bool, x, y, int64_t(c));
    }
    if (c == Cmp::Eq || c == Cmp::Ne) {
      // Against nil or a bool, equality is identity (no conversion, no contents to compare);
      // so it is against a string of at most one byte (a constant, or a string's `.get`):
      // such strings exist once each (the heap's canonical ones, interp/heap.h), and only a
      // string of the same bytes is equal. Anything else (NaN, int vs float, longer strings,
      // collections) takes the helper.
      auto identity_equal = [&](int32_t v) {
        const Node& n = node(v);
        if (n.op == IrOp::StringGet) return true;
        if (n.op != IrOp::Const) return false;
        Value k = Value::from_bits(uint64_t(n.imm));
        return k.is_nil() || k.is_bool() || (is_obj_type(k, ObjType::String) && as_string(k)->chars.size() <= 1);
      };
      if (!identity_equal(a) && !identity_equal(b)) return -1;
      int32_t r = emit(IrOp::CmpBits, Rep::Bool, tagged(a), tagged(b), int64_t(c));
      auto is_nil = [&](int32_t v) { return node(v).op == IrOp::Const && uint64_t(node(v).imm) == Value::nil().bits; };
      if (plan_ && plan_->fuse_nil_tests && (is_nil(a) || is_nil(b))) g_.nil_tests.push_back({r, here()});
      return r;
    }
    if (fb == 0 || (fb & ~(kSeenInt | kSeenFloat))) return -1;
    int32_t x = numeric_float(a);
    if (x < 0) return -1;
    int32_t y = numeric_float(b == a ? x : b);
    if (y < 0) return -1;
    return emit(IrOp::CmpFloat, Rep::Bool, x, y, int64_t(c));
  }

  // `for x in (range a b)` where the site has seen two ints: a guard that the callee is the
  // range builtin, the ints checked, and the loop slots become them (the baseline's inline
  // path, in the IR). Anything else takes the helper.
  bool range_prep(const Instr& in) {
    if (in.feedback != kSeenInt) return false;
    if (site_is_generic()) return false;
    int32_t a = top(1), b = top(0);
    if (rep(a) == Rep::Float || rep(b) == Rep::Float || rep(a) == Rep::Bool || rep(b) == Rep::Bool) return false;
    int32_t fn = tagged(top(2));
    int32_t g = emit(IrOp::CheckValue, Rep::None, fn, -1, int64_t(vm_.range_builtin.bits), here());
    node(g).guard = GuardKind::WrongCallee;
    int32_t from = as_int(a);
    int32_t to = from >= 0 ? as_int(b) : -1;
    if (to < 0) return false;  // (the checks above stay: harmless)
    if (vm_.counts_steps()) emit(IrOp::LoopCheck, Rep::None, -1, -1, 0, here());  // the call's step
    S_.resize(S_.size() - 3);
    S_[size_t(in.x)] = from;
    S_[size_t(in.x) + 1] = to;
    return true;
  }

  // for_next: range mode on int loop slots inline (speculated when range_prep set them up),
  // arrays through the helper.
  bool for_next(const Instr& in) {
    size_t cur = in.y, end = size_t(in.y) + 1;
    // Which prep fills the pair: the one just before the loop header (what the compiler emits),
    // else any in the unit if all agree. A wrong guess only costs exits: both modes are guarded.
    bool range = false, array = false;
    const Instr* prev = pc_ > 0 ? &p_->code[size_t(pc_ - 1)] : nullptr;
    if (prev && prev->x == in.y && (prev->op == Op::RANGE_PREP || prev->op == Op::FOR_PREP)) {
      range = prev->op == Op::RANGE_PREP;
      array = !range;
    } else {
      for (const Instr& i : p_->code) {
        range = range || (i.op == Op::RANGE_PREP && i.x == in.y);
        array = array || (i.op == Op::FOR_PREP && i.x == in.y);
      }
      if (range && array) range = array = false;
    }
    if (site_is_generic()) array = false;
    if (range && rep(S_[cur]) != Rep::Float && rep(S_[end]) != Rep::Float) {
      int32_t c = as_int(S_[cur]);
      int32_t e = c >= 0 ? as_int(S_[end]) : -1;
      if (c >= 0 && e >= 0) {
        std::vector<int32_t> exit = S_;
        std::vector<int32_t> body = S_;
        // cur < end <= the int maximum on the body's path, so cur + 1 cannot overflow there: no
        // guard (the exit's path does not use it). The compare goes last, next to its branch.
        int32_t one = emit(IrOp::ConstInt, Rep::Int, -1, -1, 1);
        int32_t next = emit(IrOp::AddInt, Rep::Int, c, one);
        int32_t done = emit(IrOp::CmpInt, Rep::Bool, c, e, int64_t(Cmp::Ge));
        body[cur] = next;
        body.push_back(c);
        branch(done, in.x, exit, pc_ + 1, body);
        return false;
      }
    }
    if (array && !range) {
      // Array mode (for_prep made slot cur the array, a verified one, and cur + 1 the next
      // index): index < size gives the item, the index steps by one (it stays below the size).
      int32_t i = as_int(S_[end]);
      if (i >= 0) {
        int32_t arr = object_ptr(tagged(S_[cur]), ObjType::Array);
        int32_t n = emit(IrOp::ArraySize, Rep::Int, arr);
        std::vector<int32_t> exit = S_;
        std::vector<int32_t> body = S_;
        int32_t item = emit(IrOp::ArrayNext, Rep::Tagged, arr, i);
        int32_t one = emit(IrOp::ConstInt, Rep::Int, -1, -1, 1);
        body[end] = emit(IrOp::AddInt, Rep::Int, i, one);
        int32_t done = emit(IrOp::CmpInt, Rep::Bool, i, n, int64_t(Cmp::Ge));  // (next to its branch)
        body.push_back(item);
        branch(done, in.x, exit, pc_ + 1, body);
        return false;
      }
    }
    S_[cur] = tagged(S_[cur]);
    S_[end] = tagged(S_[end]);
    int32_t more = emit(IrOp::GenericBranch, Rep::Bool, -1, -1, 0, here());
    std::vector<int32_t> exit = S_;
    exit[cur] = load_slot(cur);
    exit[end] = load_slot(end);
    std::vector<int32_t> body = exit;
    body.push_back(load_slot(int32_t(S_.size())));
    branch(more, pc_ + 1, body, in.x, exit);
    return false;
  }

  // `a .get i`, `a .set i v` and `a .size` at a site that has only seen arrays: the element
  // access inline behind NotArray and Bounds guards (an index outside 0..size-1 leaves for the
  // interpreter, which does what the language says). false: the helper instead.
  bool array_method(const Instr& in) {
    if (in.feedback != kSeenArray) return false;
    if (site_is_generic()) return false;
    const Symbol* name = as_symbol(p_->consts[size_t(in.x)]);
    const auto& n = vm_.names;
    int argc = in.y;
    bool get = name == n.get && argc == 1, set = name == n.set && argc == 2, size = name == n.size && argc == 0;
    if (!get && !set && !size) return false;
    if (size) {
      int32_t array = object_ptr(tagged(top(0)), ObjType::Array);
      node(array).kept = true;  // (the interpreter raises on a non-array, read or not)
      int32_t r = emit(IrOp::ArraySize, Rep::Int, array);
      pop();
      push(r);
      return true;
    }
    int32_t index = as_int(top(argc - 1));
    if (index < 0) return false;
    int32_t value = set ? tagged(top(0)) : -1;
    int32_t r = array_access(tagged(top(argc)), index, value);
    S_.resize(S_.size() - size_t(argc) - 1);
    push(get ? r : nil_);
    return true;
  }

  // `s .get i` and `s .size` at a site that has only seen strings, as the baseline does them
  // inline: behind NotString (and Bounds for .get: outside 0..size-1 the interpreter raises),
  // .get reads the byte and gives the heap's canonical 1-byte string, so it never allocates.
  bool string_method(const Instr& in) {
    if (in.feedback != kSeenString) return false;
    if (site_is_generic()) return false;
    const Symbol* name = as_symbol(p_->consts[size_t(in.x)]);
    bool get = name == vm_.names.get && in.y == 1, size = name == vm_.names.size && in.y == 0;
    if (!get && !size) return false;
    int32_t index = get ? as_int(top(0)) : -1;
    if (get && index < 0) return false;
    int32_t str = object_ptr(tagged(top(in.y)), ObjType::String);
    node(str).kept = size;  // (an unread size still raises on a non-string)
    int32_t n = emit(IrOp::StringSize, Rep::Int, str);
    int32_t r = n;
    if (get) {
      int32_t check = emit(IrOp::CheckBounds, Rep::None, index, n, 0, here());
      node(check).guard = GuardKind::Bounds;
      r = emit(IrOp::StringGet, Rep::Tagged, str, index);
    }
    S_.resize(S_.size() - size_t(in.y) - 1);
    push(r);
    return true;
  }

  // `m .get k`, `.has k`, `.set k v`, `.del k` and `.size` at a site that has only seen maps,
  // in the inline tier (methods become IR in M3): the size a load, the others a direct call of
  // the method's helper behind the map's check, without the generic call's dispatch and with
  // no flush (the helpers never raise or collect: the code checks the key first, guard
  // map_key, and for a store under --max-heap that the entries have room, guard heap_limit).
  bool map_method(const Instr& in) {
    if (in.feedback != kSeenMap) return false;
    if (site_is_generic()) return false;
    const Symbol* name = as_symbol(p_->consts[size_t(in.x)]);
    const auto& n = vm_.names;
    int argc = in.y;
    MapMethodKind kind;
    if (name == n.get && argc == 1) kind = MapMethodKind::Get;
    else if (name == n.has && argc == 1) kind = MapMethodKind::Has;
    else if (name == n.set && argc == 2) kind = MapMethodKind::Set;
    else if (name == n.del && argc == 1) kind = MapMethodKind::Del;
    else if (!(name == n.size && argc == 0)) return false;
    else {
      int32_t map = object_ptr(tagged(top(0)), ObjType::Map);
      node(map).kept = true;  // (an unread size still raises on a non-map)
      int32_t r = emit(IrOp::MapSize, Rep::Int, map);
      pop();
      push(r);
      return true;
    }
    int32_t key = tagged(top(argc - 1));
    int32_t value = kind == MapMethodKind::Set ? tagged(top(0)) : -1;
    int32_t map = object_ptr(tagged(top(argc)), ObjType::Map);
    bool stores = kind == MapMethodKind::Set || kind == MapMethodKind::Del;
    int32_t r = emit(IrOp::MapMethod, stores ? Rep::None : Rep::Tagged, map, key, int64_t(kind), here());
    node(r).c = value;
    node(r).guard = GuardKind::MapKey;
    S_.resize(S_.size() - size_t(argc) - 1);
    push(stores ? nil_ : r);
    return true;
  }

  // `a .push v` at a site that has only seen arrays, in the inline tier (methods become IR in
  // M3): the value stored in line behind a NotArray guard; a full array grows through a helper
  // that cannot collect, so values stay in registers (a growth that would need a collection
  // leaves: guard HeapLimit). The spec tier calls the helper behind the baseline's fast path.
  bool array_push(const Instr& in) {
    if (!is_array_push_site(vm_, *p_, in)) return false;
    if (site_is_generic()) return false;
    int32_t value = tagged(top(0));
    int32_t array = object_ptr(tagged(top(1)), ObjType::Array);
    int32_t r = emit(IrOp::ArrayPush, Rep::None, array, value, 0, here());
    node(r).guard = GuardKind::HeapLimit;
    S_.resize(S_.size() - 2);
    push(nil_);
    return true;
  }

  // `[a b c]` with at most three items, in the inline tier (M3): allocated through a helper
  // that cannot collect, so values stay in registers; a due collection is made out of line
  // (spec_codegen's new_array: on the written frame, or by leaving, guard Collect).
  bool new_array(const Instr& in) {
    if (in.x > 3) return false;
    int32_t items[3] = {-1, -1, -1};
    for (int i = 0; i < in.x; i++) items[i] = tagged(top(in.x - 1 - i));
    int32_t r = emit(IrOp::NewArray, Rep::Tagged, items[0], items[1], in.x, here());
    node(r).c = items[2];
    node(r).guard = GuardKind::Collect;
    S_.resize(S_.size() - size_t(in.x));
    push(r);
    return true;
  }

  // The kind a path site speculates on: kSeenMap for a symbol key, kSeenArray for an int key
  // 0 <= k < 2^27 (the baseline's inline range), 0 for the helper.
  uint8_t path_kind(const Instr& in) {
    if (site_is_generic()) return 0;
    Value key = p_->consts[size_t(in.x)];
    if (is_obj_type(key, ObjType::Symbol)) return in.feedback == kSeenMap ? kSeenMap : 0;
    if (key.is_int() && key.as_int() >= 0 && key.as_int() < (1 << 27)) return in.feedback == kSeenArray ? kSeenArray : 0;
    return 0;
  }
  bool get_path(const Instr& in) {
    uint8_t kind = path_kind(in);
    if (!kind) return false;
    Value key = p_->consts[size_t(in.x)];
    int32_t c = tagged(top(0)), r;
    if (kind == kSeenMap) {
      r = emit(IrOp::MapGet, Rep::Tagged, object_ptr(c, ObjType::Map), -1, int64_t(key.bits), here());
      node(r).guard = GuardKind::MapShape;
      node(r).entry_hint = map_position_hint(p_->callees, size_t(pc_));
      node(r).entry_in_room = map_position_in_room(p_->callees, size_t(pc_));
    } else {
      int32_t k = emit(IrOp::ConstInt, Rep::Int, -1, -1, key.as_int());
      r = array_access(c, k, -1);
    }
    pop();
    push(r);
    return true;
  }
  bool set_path(const Instr& in) {
    uint8_t kind = path_kind(in);
    if (!kind) return false;
    Value key = p_->consts[size_t(in.x)];
    int32_t v0 = top(0);
    int32_t v = tagged(v0), c = tagged(top(1)), r;
    if (kind == kSeenMap) {
      r = emit(IrOp::MapSet, Rep::None, object_ptr(c, ObjType::Map), v, int64_t(key.bits), here());
      node(r).guard = GuardKind::MapShape;
      node(r).entry_hint = map_position_hint(p_->callees, size_t(pc_));
      node(r).entry_in_room = map_position_in_room(p_->callees, size_t(pc_));
    } else {
      int32_t k = emit(IrOp::ConstInt, Rep::Int, -1, -1, key.as_int());
      r = array_access(c, k, v);
    }
    S_.resize(S_.size() - 2);
    push(v0);  // a store's value is its result
    return true;
  }

  // The instruction through its helper on the flushed frame.
  bool generic(const Instr& in) {
    const OpInfo& info = op_info(in.op);
    int pops = stack_pops(in);
    int32_t at = int32_t(S_.size()) - pops;  // where the results go
    int32_t r = emit(IrOp::Generic, info.pushes ? Rep::Tagged : Rep::None, -1, -1, slot_base() + at, here());
    S_.resize(S_.size() - size_t(pops));
    if (info.pushes) {
      for (int i = 0; i < info.pushes - 1; i++) push(load_slot(at + i));
      push(r);
    }
    int32_t slot = local_operand(in);
    switch (info.slot) {
      case SlotUse::Write: case SlotUse::Update: case SlotUse::MakeCell:
        S_[size_t(slot)] = load_slot(slot);
        break;
      case SlotUse::LoopPrep: case SlotUse::LoopStep:
        S_[size_t(slot)] = load_slot(slot);
        S_[size_t(slot) + 1] = load_slot(slot + 1);
        break;
      default: break;
    }
    return true;
  }
};

// Locals live before each instruction (read before written on some path, handler edges
// included: the interpreter's handler code reads the frame the unwinder leaves).
std::vector<std::vector<uint8_t>> local_liveness(const Proto& p, const ControlFlow& cf,
                                                 const std::vector<std::vector<int32_t>>& extra_reads) {
  size_t n = p.code.size(), ns = size_t(p.nslots);
  std::vector<std::vector<uint8_t>> live(n + 1, std::vector<uint8_t>(ns, 0));
  bool changed = true;
  std::vector<uint8_t> out(ns);
  while (changed) {
    changed = false;
    for (size_t k = n; k-- > 0;) {
      if (!cf.reachable(int32_t(k))) continue;
      const Instr& in = p.code[k];
      const OpInfo& info = op_info(in.op);
      std::fill(out.begin(), out.end(), 0);
      auto merge = [&](size_t t) {
        for (size_t i = 0; i < ns; i++) out[i] |= live[t][i];
      };
      if (info.falls_through()) merge(k + 1);
      if (info.has_jump()) merge(size_t(in.x));
      if (const Handler* h = cf.handler_at(p, int32_t(k))) merge(size_t(h->target));
      int32_t s = local_operand(in);
      switch (info.slot) {
        case SlotUse::Write: case SlotUse::MakeCell: out[size_t(s)] = 0; break;
        case SlotUse::LoopPrep: out[size_t(s)] = out[size_t(s) + 1] = 0; break;
        case SlotUse::Read: case SlotUse::Update: case SlotUse::Cell: out[size_t(s)] = 1; break;
        case SlotUse::LoopStep: out[size_t(s)] = out[size_t(s) + 1] = 1; break;
        case SlotUse::None: break;
      }
      for (int32_t r : extra_reads[k]) out[size_t(r)] = 1;
      if (out != live[k]) {
        live[k] = out;
        changed = true;
      }
    }
  }
  return live;
}

}  // namespace

bool build_graph(const VM& vm, const Proto& p, const SpecHints& hints, bool inline_calls, Graph& g, std::string& why) {
  if (!within_spec_budget(p)) {
    why = "beyond the spec tier's budget (" + std::to_string(p.code.size()) + " instructions, " +
          std::to_string(p.nslots) + " slots)";
    return false;
  }
  ControlFlow cf;
  VerifyError err;
  if (!analyze_flow(p, cf, err)) {
    why = "control flow: " + err.message;
    return false;
  }
  // A closure reads the cells in the slots its upvalues name.
  std::vector<std::vector<int32_t>> closure_reads(p.code.size());
  for (size_t k = 0; k < p.code.size(); k++) {
    if (p.code[k].op != Op::CLOSURE) continue;
    if (!vm.program) {
      why = "closure outside a program";
      return false;
    }
    const Proto& child = *vm.program->protos[size_t(p.children[size_t(p.code[k].x)])];
    for (const UpvalDesc& u : child.upvals)
      if (u.from_local) closure_reads[k].push_back(u.index);
  }
  std::vector<std::vector<uint8_t>> live = local_liveness(p, cf, closure_reads);
  std::map<std::pair<int32_t, int32_t>, Rep> h;
  for (auto [pc, slot] : hints.tagged_phis) h[{pc, slot}] = Rep::Tagged;
  InlinePlan plan;
  for (int32_t pc : hints.no_inline_pcs) plan.refused[pc] = "its inlined code deoptimized too often";
  plan.call_checks_in_place = hints.call_checks_in_place;
  plan.fuse_nil_tests = !hints.no_nil_test_fusion;
  if (inline_calls && vm.program)
    for (const auto& u : vm.program->protos) plan.units.insert(u.get());
  // Phi settling takes a few attempts; each inlined site refused later takes one more.
  int attempts = 64 + int(std::count_if(p.code.begin(), p.code.end(), [](const Instr& i) { return i.op == Op::CALL; }));
  for (int attempt = 0; attempt < attempts; attempt++) {
    g = Graph{};
    Builder b(vm, p, g, cf, live, h, hints.generic_pcs, inline_calls && vm.program ? &plan : nullptr);
    try {
      b.build();
    } catch (const InlineBailout& bail) {
      plan.refused[bail.pc] = bail.why;  // and again without inlining that site
      continue;
    }
    if (!b.retry) {
      g.hoist_loop_checks = !hints.no_loop_hoisting;
      return true;
    }
  }
  why = "loop phi representations did not settle";
  return false;
}

bool is_array_push_site(const VM& vm, const Proto& p, const Instr& in) {
  return in.op == Op::CALL_METHOD && in.y == 1 && in.feedback == kSeenArray &&
         as_symbol(p.consts[size_t(in.x)]) == vm.names.push;
}

InnerFrame inner_frame(const Graph& g, const FrameState& s) {
  if (s.inlined.empty()) return {g.proto, s.pc, 0, g.proto->nslots + s.depth};
  const InlinedFrame& f = s.inlined.back();
  return {f.proto, f.pc, f.base, f.base + f.proto->nslots + f.depth};
}

HelperWrites helper_writes(const InnerFrame& f, const Instr& in) {
  int32_t local = local_operand(in);
  return {local >= 0 ? f.base + local : -1, f.top - stack_pops(in)};
}

CallFrame call_frame(const Graph& g, const Node& call) {
  InnerFrame f = inner_frame(g, g.states[size_t(call.fs)]);
  return {f.proto, f.pc, f.base, f.top - int32_t(call.imm) - 1};
}

int32_t monomorphic_global_callee(const Graph& g, const Node& call) {
  const FrameState& s = g.states[size_t(call.fs)];
  CallFrame cf = call_frame(g, call);
  int32_t v = cf.at >= 0 && size_t(cf.at) < s.values.size() ? s.values[size_t(cf.at)] : -1;
  if (v < 0 || g.nodes[size_t(v)].op != IrOp::LoadGlobal) return -1;
  size_t pc = size_t(cf.pc);
  const Proto& p = *cf.proto;
  bool mono = pc < p.callees.size() && p.callees[pc] && p.callees[pc] != kMegamorphic;
  return mono ? v : -1;
}

}  // namespace gene::jit::spec
