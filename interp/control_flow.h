// The control flow of one code unit: basic blocks, their edges (fall-through, taken, handler),
// the operand depth before each instruction, and which instructions are jump / handler targets
// and loop headers. The verifier computes it (analyze_flow is its depth check) and every later
// analysis of verified code (the JIT's operand depths, branch targets, int slots) reads it
// instead of walking the bytecode itself. Plain data with an explicit status, after Zydis.
//
// forward_dataflow() runs a client's forward analysis over the blocks to a fixpoint, keeping one
// state per block entry (not per instruction) and walking each block with one scratch state.
#pragma once
#include <cstdint>
#include <vector>

#include "interp/proto.h"
#include "interp/verifier.h"

namespace gene {

enum class EdgeKind : uint8_t {
  Fall,     // to the next instruction (state after the last instruction of the block)
  Taken,    // a jump's taken edge (state before the jump, depth + taken_delta operands)
  Handler,  // an error raised at a may-throw instruction: to its innermost handler (state
            // before that instruction, cut to the handler's depth, plus the error value)
};

struct FlowEdge {
  int32_t block;  // successor's index in ControlFlow::blocks
  EdgeKind kind;
};

struct FlowBlock {
  int32_t start;  // first instruction
  int32_t end;    // one past the last
  int32_t succ_begin, succ_end;  // successors: ControlFlow::succs[succ_begin, succ_end)
};

// Per-instruction flags (ControlFlow::flags).
enum : uint8_t {
  kJumpTarget = 1,     // the x of some jump (any instruction, reachable or not)
  kHandlerTarget = 2,  // some handler's target
  kLoopHeader = 4,     // the x of some `loop` (a back edge's target: OSR entry)
};

struct ControlFlow {
  std::vector<int32_t> depth;    // operand depth before each pc; -1: unreachable
  std::vector<int32_t> handler;  // innermost handler covering each pc (index in Proto::handlers), -1 none
  std::vector<uint8_t> flags;    // kJumpTarget | kHandlerTarget | kLoopHeader
  std::vector<int32_t> block_of;  // each pc's block
  std::vector<FlowBlock> blocks;  // in pc order, covering the whole code (reachable or not)
  std::vector<FlowEdge> succs;

  bool reachable(int32_t pc) const { return depth[size_t(pc)] >= 0; }
  bool is_target(int32_t pc) const { return (flags[size_t(pc)] & (kJumpTarget | kHandlerTarget)) != 0; }
  bool is_loop_header(int32_t pc) const { return (flags[size_t(pc)] & kLoopHeader) != 0; }
  // The handler an error at pc continues at: only for may-throw instructions.
  const Handler* handler_at(const Proto& p, int32_t pc) const {
    int32_t h = handler[size_t(pc)];
    return h >= 0 && op_info(p.code[size_t(pc)].op).may_throw ? &p.handlers[size_t(h)] : nullptr;
  }
};

// Fills `out` for `p`, whose instructions must already have passed the verifier's static checks
// (known opcodes, operands and handler ranges in range). Checks the stack discipline the
// verifier promises (no underflow, within max_stack, one depth per instruction on every path,
// no falling off the end, handler depths below the stack): false with `err` set otherwise. On
// verified code it always succeeds; its cost is linear in the code size (plus handler nesting).
bool analyze_flow(const Proto& p, ControlFlow& out, VerifyError& err);

// A forward analysis over the reachable blocks of `cf`, iterated in block order until nothing
// changes. `Client` provides
//   using State = ...;       the facts before an instruction
//   bool join(State& into, bool first, const State& from, EdgeKind kind, int depth)
//                            meets `from`, as seen along an edge of `kind` arriving with `depth`
//                            operands, into a block's entry state (`first`: `into` is unset, copy);
//                            true if `into` changed
//   bool step(int pc, State& s)   the fall-through effect of instruction pc on s; false stops
// and returns false (the client records why). Facts must only ever weaken at joins (a finite
// lattice), so the iteration terminates.
template <class Client>
bool forward_dataflow(const Proto& p, const ControlFlow& cf, Client& c, const typename Client::State& entry) {
  using State = typename Client::State;
  const size_t nb = cf.blocks.size();
  std::vector<State> in(nb);
  std::vector<uint8_t> reached(nb, 0), dirty(nb, 0);
  if (nb == 0) return true;
  in[0] = entry;
  reached[0] = dirty[0] = 1;
  State cur;
  bool again = true;
  while (again) {
    again = false;
    for (size_t b = 0; b < nb; b++) {
      if (!dirty[b]) continue;
      dirty[b] = 0;
      cur = in[b];
      // A changed entry state of a block at or before b needs another sweep; later ones are
      // visited in this one.
      auto flow = [&](int32_t to_pc, EdgeKind kind, int depth) {
        size_t t = size_t(cf.block_of[size_t(to_pc)]);
        bool first = !reached[t];
        if (c.join(in[t], first, cur, kind, depth) || first) {
          reached[t] = 1;
          if (!dirty[t]) {
            dirty[t] = 1;
            if (t <= b) again = true;
          }
        }
      };
      const FlowBlock& blk = cf.blocks[b];
      for (int32_t pc = blk.start; pc < blk.end; pc++) {
        const Instr& ins = p.code[size_t(pc)];
        const OpInfo& info = op_info(ins.op);
        if (const Handler* h = cf.handler_at(p, pc)) flow(h->target, EdgeKind::Handler, h->depth + 1);
        if (info.has_jump()) flow(ins.x, EdgeKind::Taken, cf.depth[size_t(pc)] + info.taken_delta);
        if (!c.step(pc, cur)) return false;
        if (pc + 1 == blk.end && info.falls_through()) flow(pc + 1, EdgeKind::Fall, cf.depth[size_t(pc) + 1]);
      }
    }
  }
  return true;
}

}  // namespace gene
