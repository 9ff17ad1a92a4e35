#include "interp/control_flow.h"

#include <string>

namespace gene {

namespace {

// The operand depth of every reachable instruction. Each instruction is visited once: its depth
// is fixed on first arrival and every other edge into it must agree, so this is linear. The
// visiting order (handler, taken, fall-through; last pushed first) is the verifier's historic
// one, so the first error reported for bad code is the same.
class DepthWalk {
 public:
  DepthWalk(const Proto& p, ControlFlow& cf, VerifyError& err) : p_(p), cf_(cf), err_(err) {}

  bool run() {
    cf_.depth[0] = 0;
    work_.push_back(0);
    while (!work_.empty()) {
      int32_t pc = work_.back();
      work_.pop_back();
      if (!step(pc)) return false;
    }
    return true;
  }

 private:
  bool fail(int32_t pc, std::string msg) {
    err_ = {p_.id, pc, std::move(msg)};
    return false;
  }

  bool reach(int32_t from, int32_t to, int32_t d) {
    int32_t& t = cf_.depth[size_t(to)];
    if (t < 0) {
      t = d;
      work_.push_back(to);
      return true;
    }
    if (t != d)
      return fail(from, "stack depth " + std::to_string(d) + " differs from " + std::to_string(t) +
                            " at the merge point " + std::to_string(to));
    return true;
  }

  bool step(int32_t pc) {
    const Instr& in = p_.code[size_t(pc)];
    const OpInfo& info = op_info(in.op);
    const int32_t d = cf_.depth[size_t(pc)];
    const int pops = stack_pops(in);
    if (d < pops)
      return fail(pc, std::string(info.name) + " pops " + std::to_string(pops) + " values but the stack holds " +
                          std::to_string(d));
    // An error here unwinds to the innermost handler covering pc: its depth plus the error value.
    if (const Handler* h = cf_.handler_at(p_, pc)) {
      if (h->depth > d) return fail(pc, "handler depth is above the stack at a throwing instruction");
      if (!reach(pc, h->target, h->depth + 1)) return false;
    }
    const int32_t after = d - pops + info.pushes;
    if (after > p_.max_stack)
      return fail(pc, "stack depth " + std::to_string(after) + " exceeds the declared maximum " +
                          std::to_string(p_.max_stack));
    if (info.has_jump()) {
      int32_t taken = d + info.taken_delta;
      if (taken < 0) return fail(pc, "jump pops more than the stack holds");
      if (!reach(pc, in.x, taken)) return false;
    }
    if (info.falls_through()) {
      if (pc + 1 >= int32_t(p_.code.size())) return fail(pc, "execution falls off the end of the unit");
      if (!reach(pc, pc + 1, after)) return false;
    }
    return true;
  }

  const Proto& p_;
  ControlFlow& cf_;
  VerifyError& err_;
  std::vector<int32_t> work_;
};

void add_succ(ControlFlow& cf, FlowBlock& b, int32_t to_pc, EdgeKind kind) {
  int32_t to = cf.block_of[size_t(to_pc)];
  for (int32_t i = b.succ_begin; i < int32_t(cf.succs.size()); i++)
    if (cf.succs[size_t(i)].block == to && cf.succs[size_t(i)].kind == kind) return;
  cf.succs.push_back({to, kind});
}

}  // namespace

bool analyze_flow(const Proto& p, ControlFlow& cf, VerifyError& err) {
  const size_t n = p.code.size();
  cf.depth.assign(n, -1);
  cf.handler.assign(n, -1);
  cf.flags.assign(n, 0);
  cf.block_of.assign(n, 0);
  cf.blocks.clear();
  cf.succs.clear();
  if (n == 0) {
    err = {p.id, -1, "empty unit"};
    return false;
  }

  // Innermost handler per pc: the table lists inner regions first, so writing it backwards
  // leaves the first covering entry (find_handler's rule) in place.
  for (size_t i = p.handlers.size(); i-- > 0;) {
    const Handler& h = p.handlers[i];
    for (int32_t pc = h.start; pc < h.end; pc++) cf.handler[size_t(pc)] = int32_t(i);
    cf.flags[size_t(h.target)] |= kHandlerTarget;
  }
  for (const Instr& in : p.code) {
    const OpInfo& info = op_info(in.op);
    if (!info.has_jump()) continue;
    cf.flags[size_t(in.x)] |= kJumpTarget;
    if (info.flow == OpFlow::Loop) cf.flags[size_t(in.x)] |= kLoopHeader;
  }

  if (!DepthWalk(p, cf, err).run()) return false;

  // Blocks: a new one starts at every target and after every instruction that does not simply
  // continue (a jump, branch, return or throw). Handler edges leave from inside blocks.
  for (size_t pc = 0; pc < n; pc++) {
    bool leader = pc == 0 || cf.flags[pc] != 0 || op_info(p.code[pc - 1].op).flow != OpFlow::Next;
    if (leader) cf.blocks.push_back({int32_t(pc), int32_t(pc), 0, 0});
    cf.blocks.back().end = int32_t(pc) + 1;
    cf.block_of[pc] = int32_t(cf.blocks.size()) - 1;
  }
  for (FlowBlock& b : cf.blocks) {
    b.succ_begin = int32_t(cf.succs.size());
    const Instr& last = p.code[size_t(b.end) - 1];
    const OpInfo& info = op_info(last.op);
    if (info.has_jump()) add_succ(cf, b, last.x, EdgeKind::Taken);
    if (info.falls_through() && size_t(b.end) < n) add_succ(cf, b, b.end, EdgeKind::Fall);
    for (int32_t pc = b.start; pc < b.end; pc++)
      if (const Handler* h = cf.handler_at(p, pc)) add_succ(cf, b, h->target, EdgeKind::Handler);
    b.succ_end = int32_t(cf.succs.size());
  }
  return true;
}

}  // namespace gene
