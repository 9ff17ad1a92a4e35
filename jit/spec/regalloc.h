// Linear-scan register allocation over the spec IR (Poletto and Sarkar's, on one interval
// per value: from its definition to its last use, widened over every block it is live
// through). Each value keeps one location for its whole life, which is what makes the deopt
// metadata a plain table: a register, a spill slot or a constant per frame-state entry.
//
// Values live across a call (helpers, compiled callees: every caller-saved register is
// clobbered) go to spill slots, except those given rbp, the one allocatable register every
// body and helper preserves (the most used in loops whose intervals do not overlap); so does
// a value for which no register is free at its start, or the active one that ends last.
#pragma once
#include <cstdint>
#include <vector>

#include "jit/spec/ir.h"
#include "jit/x64/registers.h"

namespace gene::jit::spec {

struct Loc {
  // Frame: a Tagged value kept in its own interpreter frame slot, which nothing writes while
  // it lives (frame_homes): a spill that needs no store.
  enum Kind : uint8_t { None, Gpr, Xmm, Spill, Const, Frame } kind = None;
  uint8_t reg = 0;      // Gpr / Xmm register number
  int32_t slot = 0;     // Spill: index of the 8-byte slot in the spill area; Frame: the frame slot
};

// Registers the allocator hands out; the code generator keeps rax, rcx, rdx, r11 and xmm0,
// xmm1, xmm15 as scratch (and rbx, r12-r15 are the fixed roles, register_roles.h).
inline constexpr x64::Reg64 kAllocGprs[] = {x64::rsi, x64::rdi, x64::r8, x64::r9, x64::r10, x64::rbp};
inline constexpr int kAllocXmmFirst = 2, kAllocXmmLast = 14;

struct Allocation {
  std::vector<Loc> loc;       // per node
  std::vector<int32_t> pos;   // per node: its position (2 * layout index)
  int32_t spill_slots = 0;
  bool uses_rbp = false;
  // Per node, for NewArray: every heap value live across it is reachable from its frame state
  // (a Tagged value in it, or a pointer checked out of one), so once that state is written to
  // the frame a collection there frees nothing the code still uses.
  std::vector<uint8_t> may_collect;
  // Per node: the frame slot that holds its value wherever it lives (frame_homes), or -1. A
  // flush skips that slot whatever the value's location.
  std::vector<int32_t> home;
};

Allocation allocate_registers(const Graph& g);

// Per node: the frame slot an entry's read of a slot (or a loop header's phi of such reads)
// may stay in instead of a spill slot, or -1 (frame_homes.cpp says when).
std::vector<int32_t> frame_homes(const Graph& g);

// The node a use of `v` reads once constants are folded in: consts have Loc::Const.
inline bool is_constant_node(const Node& n) {
  return n.op == IrOp::Const || n.op == IrOp::ConstInt || n.op == IrOp::ConstFloat;
}

}  // namespace gene::jit::spec
