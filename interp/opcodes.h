// The single opcode table: every per-opcode fact that more than one component needs (the
// compiler, disassembler, .gbc loader, verifier, interpreter, control-flow analysis and the JIT
// tiers) is a column here, and the other tables are generated from it or checked against it.
//
// Adding an opcode requires:
//   1. one X(...) row below (its position is its number: .gbc files and docs use the mnemonic,
//      but keep fused ops next to their family); the static_asserts at the end check that the
//      columns agree with each other;
//   2. its semantics: a handler `L_NAME` in interp/interpreter.cpp and an entry in
//      interp/op_semantics.cpp (both are generated from this list, so a missing one does not
//      compile);
//   3. an `emit_NAME` in jit/baseline/baseline_compiler.cpp (likewise generated), and its entry
//      in jit/baseline/bytecode_facts.cpp's reads_deferred() if the emitter reads deferred
//      operands;
//   4. a row in docs/bytecode.md (tests/interp/opcode_doc_test.cpp compares the two);
//   5. verifier work only if the opcode needs a check the columns cannot express (an operand
//      constraint beyond OperandCheck, or a new slot discipline beyond SlotUse).
// The verifier, control-flow driver (control_flow.h) and int-slot analysis need no change for an
// opcode the columns describe.
//
// Each instruction has up to two operands: `x` (int32, the main one) and `y` (uint16). The operand
// kinds tell the verifier what to range-check and the disassembler how to print.
//
// Columns of X(NAME, mnemonic, x, y, pops, pushes, may_throw, flow, taken, result, slot, base,
// check):
//   pops, pushes  stack effect on the fall-through edge; a negative `pops` is one of the kPops*
//                 rules below (operand-dependent; stack_pops() resolves it)
//   may_throw     can raise a runtime error (an edge to the covering handler)
//   flow          OpFlow: how control leaves the instruction
//   taken         depth change on the taken edge relative to the depth before the instruction
//                 (jump ops only; 0 for the rest): jump_edge_delta()
//   result        OpResult: what is statically known about the value pushed last
//   slot          SlotUse: what the instruction does to the frame slot its Local operand names
//   base          the plain opcode whose semantics a superinstruction has (itself when plain)
//   check         OperandCheck: a constraint on the operands beyond their kinds' range checks
#pragma once
#include <cstdint>

namespace gene {

enum class Operand : uint8_t {
  None,
  Const,   // index into the unit's constant table
  Int,     // immediate integer
  Count,   // element / argument / value count
  Local,   // frame slot
  Upval,   // closure upvalue index
  Global,  // global slot
  Jump,    // absolute instruction index in the same unit
  Proto,   // index of a child unit
};

// How control leaves an instruction. falls_through / is_terminator / has_jump derive from it.
enum class OpFlow : uint8_t {
  Next,    // continues at pc + 1
  Branch,  // continues at pc + 1 or jumps to x
  Jump,    // always jumps to x (forward)
  Loop,    // always jumps to x, a loop header at or before it: the back edge (counter, OSR)
  Return,  // leaves the unit
  Throw,   // raises; continues only at a covering handler
};

// What is known about the value an instruction pushes (the last one, if it pushes several).
enum class OpResult : uint8_t {
  None,       // pushes nothing on the fall-through edge
  Any,        // nothing is known
  Int,        // an int
  Float,      // a float (or the instruction raises)
  Bool,       // true or false (or the instruction raises)
  Const,      // consts[x]: the constant table tells its kind
  Slot,       // the value of slot x
  Top,        // the top operand unchanged: every value pushed is a copy of it
  IntIfInts,  // an int whenever every popped operand is an int (int arithmetic: else anything)
};

// What an instruction does to the slot named by its Local operand (x or y; at most one).
enum class SlotUse : uint8_t {
  None,      // no Local operand
  Read,      // reads the slot's value
  Write,     // overwrites the slot with a plain value
  Update,    // reads and overwrites it (slot = slot op immediate)
  Cell,      // reads or writes the value of the cell the slot holds: needs a cell there
  MakeCell,  // overwrites the slot with a new cell
  LoopPrep,  // overwrites the slot and the next one with a for loop's state
  LoopStep,  // advances the loop state in the slot and the next one: needs LoopPrep's state
};

// Operand constraints the verifier checks beyond the operand kinds' ranges.
enum class OperandCheck : uint8_t {
  None,
  PathKeyConst,  // consts[x] is an int or a symbol
  SymbolConst,   // consts[x] is a symbol
  LoopSlotPair,  // the Local operand + 1 is a slot too
  PositiveDivisor,  // x > 0 (x is the immediate divisor)
};

// Operand-dependent pop counts (negative `pops` in the table).
constexpr int kPopsX = -1;   // x values
constexpr int kPopsX1 = -2;  // x + 1 values (call: the callee too; unwind: the kept top too)
constexpr int kPopsY1 = -3;  // y + 1 values (call_method: the receiver too)
constexpr int kPops2X = -4;  // 2x values (x key/value pairs)

//  X(NAME, mnemonic, x, y, pops, pushes, may_throw, flow, taken, result, slot, base, check): see above
#define GENE_OPCODES(X) \
  X(CONST,          "const",          Const,  None,  0,       1, false, Next,   0,  Const,     None,     CONST,         None)                                \
  X(INT,            "int",            Int,    None,  0,       1, false, Next,   0,  Int,       None,     INT,           None)                                \
  X(NIL,            "nil",            None,   None,  0,       1, false, Next,   0,  Any,       None,     NIL,           None)                                \
  X(TRUE,           "true",           None,   None,  0,       1, false, Next,   0,  Bool,      None,     TRUE,          None)                                \
  X(FALSE,          "false",          None,   None,  0,       1, false, Next,   0,  Bool,      None,     FALSE,         None)                                \
  X(POP,            "pop",            None,   None,  1,       0, false, Next,   0,  None,      None,     POP,           None)                                \
  X(POPN,           "popn",           Count,  None,  kPopsX,  0, false, Next,   0,  None,      None,     POPN,          None)                                \
  X(UNWIND,         "unwind",         Count,  None,  kPopsX1, 1, false, Next,   0,  Top,       None,     UNWIND,        None) /* drop x values under top */  \
  X(DUP,            "dup",            None,   None,  1,       2, false, Next,   0,  Top,       None,     DUP,           None)                                \
  X(LOAD_LOCAL,     "load_local",     Local,  None,  0,       1, false, Next,   0,  Slot,      Read,     LOAD_LOCAL,    None)                                \
  X(STORE_LOCAL,    "store_local",    Local,  None,  1,       0, false, Next,   0,  None,      Write,    STORE_LOCAL,   None)                                \
  X(LOAD_CELL,      "load_cell",      Local,  None,  0,       1, false, Next,   0,  Any,       Cell,     LOAD_CELL,     None)                                \
  X(STORE_CELL,     "store_cell",     Local,  None,  1,       0, false, Next,   0,  None,      Cell,     STORE_CELL,    None)                                \
  X(MAKE_CELL,      "make_cell",      Local,  None,  1,       0, true,  Next,   0,  None,      MakeCell, MAKE_CELL,     None)                                \
  X(LOAD_UPVAL,     "load_upval",     Upval,  None,  0,       1, false, Next,   0,  Any,       None,     LOAD_UPVAL,    None)                                \
  X(STORE_UPVAL,    "store_upval",    Upval,  None,  1,       0, false, Next,   0,  None,      None,     STORE_UPVAL,   None)                                \
  X(LOAD_GLOBAL,    "load_global",    Global, None,  0,       1, true,  Next,   0,  Any,       None,     LOAD_GLOBAL,   None)                                \
  X(STORE_GLOBAL,   "store_global",   Global, None,  1,       0, true,  Next,   0,  None,      None,     STORE_GLOBAL,  None)                                \
  X(DEFINE_GLOBAL,  "define_global",  Global, None,  1,       0, false, Next,   0,  None,      None,     DEFINE_GLOBAL, None)                                \
  X(ADD,            "add",            None,   None,  2,       1, true,  Next,   0,  IntIfInts, None,     ADD,           None)                                \
  X(SUB,            "sub",            None,   None,  2,       1, true,  Next,   0,  IntIfInts, None,     SUB,           None)                                \
  X(MUL,            "mul",            None,   None,  2,       1, true,  Next,   0,  IntIfInts, None,     MUL,           None)                                \
  X(DIV,            "div",            None,   None,  2,       1, true,  Next,   0,  Float,     None,     DIV,           None)                                \
  X(MOD,            "mod",            None,   None,  2,       1, true,  Next,   0,  IntIfInts, None,     MOD,           None)                                \
  X(NEG,            "neg",            None,   None,  1,       1, true,  Next,   0,  IntIfInts, None,     NEG,           None)                                \
  X(POS,            "pos",            None,   None,  1,       1, true,  Next,   0,  IntIfInts, None,     POS,           None)                                \
  X(NOT,            "not",            None,   None,  1,       1, false, Next,   0,  Bool,      None,     NOT,           None)                                \
  X(LT,             "lt",             None,   None,  2,       1, true,  Next,   0,  Bool,      None,     LT,            None)                                \
  X(LE,             "le",             None,   None,  2,       1, true,  Next,   0,  Bool,      None,     LE,            None)                                \
  X(GT,             "gt",             None,   None,  2,       1, true,  Next,   0,  Bool,      None,     GT,            None)                                \
  X(GE,             "ge",             None,   None,  2,       1, true,  Next,   0,  Bool,      None,     GE,            None)                                \
  X(EQ,             "eq",             None,   None,  2,       1, false, Next,   0,  Bool,      None,     EQ,            None)                                \
  X(NE,             "ne",             None,   None,  2,       1, false, Next,   0,  Bool,      None,     NE,            None)                                \
  X(ADD_INT,        "add_int",        Int,    None,  1,       1, true,  Next,   0,  IntIfInts, None,     ADD,           None) /* int x; add */               \
  X(SUB_INT,        "sub_int",        Int,    None,  1,       1, true,  Next,   0,  IntIfInts, None,     SUB,           None) /* int x; sub */               \
  X(MOD_INT,        "mod_int",        Int,    None,  1,       1, true,  Next,   0,  IntIfInts, None,     MOD,           PositiveDivisor) /* int x; mod */    \
  X(INC_LOCAL,      "inc_local",      Int,    Local, 0,       0, true,  Next,   0,  None,      Update,   ADD,           None) /* slot y += x */              \
  X(JUMP_UNLESS_LT, "jump_unless_lt", Jump,   None,  2,       0, true,  Branch, -2, None,      None,     LT,            None) /* lt; jump_if_false */        \
  X(JUMP_UNLESS_LE, "jump_unless_le", Jump,   None,  2,       0, true,  Branch, -2, None,      None,     LE,            None)                                \
  X(JUMP_UNLESS_GT, "jump_unless_gt", Jump,   None,  2,       0, true,  Branch, -2, None,      None,     GT,            None)                                \
  X(JUMP_UNLESS_GE, "jump_unless_ge", Jump,   None,  2,       0, true,  Branch, -2, None,      None,     GE,            None)                                \
  X(JUMP_UNLESS_EQ, "jump_unless_eq", Jump,   None,  2,       0, false, Branch, -2, None,      None,     EQ,            None)                                \
  X(JUMP_UNLESS_NE, "jump_unless_ne", Jump,   None,  2,       0, false, Branch, -2, None,      None,     NE,            None)                                \
  X(JUMP,           "jump",           Jump,   None,  0,       0, false, Jump,   0,  None,      None,     JUMP,          None)                                \
  X(LOOP,           "loop",           Jump,   None,  0,       0, false, Loop,   0,  None,      None,     LOOP,          None) /* back edge */                \
  X(JUMP_IF_FALSE,  "jump_if_false",  Jump,   None,  1,       0, false, Branch, -1, None,      None,     JUMP_IF_FALSE, None)                                \
  X(JUMP_IF_TRUE,   "jump_if_true",   Jump,   None,  1,       0, false, Branch, -1, None,      None,     NOT,           None) /* not; jump_if_false */       \
  X(AND_JUMP,       "and_jump",       Jump,   None,  1,       0, false, Branch, 0,  None,      None,     AND_JUMP,      None) /* falsy: keep, jump */        \
  X(OR_JUMP,        "or_jump",        Jump,   None,  1,       0, false, Branch, 0,  None,      None,     OR_JUMP,       None) /* truthy: keep, jump */       \
  X(CALL,           "call",           Count,  None,  kPopsX1, 1, true,  Next,   0,  Any,       None,     CALL,          None)                                \
  X(CALL_METHOD,    "call_method",    Const,  Count, kPopsY1, 1, true,  Next,   0,  Any,       None,     CALL_METHOD,   SymbolConst)                         \
  X(RETURN,         "return",         None,   None,  1,       0, false, Return, 0,  None,      None,     RETURN,        None)                                \
  X(CLOSURE,        "closure",        Proto,  None,  0,       1, true,  Next,   0,  Any,       None,     CLOSURE,       None)                                \
  X(MAKE_ARRAY,     "make_array",     Count,  None,  kPopsX,  1, true,  Next,   0,  Any,       None,     MAKE_ARRAY,    None)                                \
  X(MAKE_MAP,       "make_map",       Count,  None,  kPops2X, 1, true,  Next,   0,  Any,       None,     MAKE_MAP,      None)                                \
  X(GET_PATH,       "get_path",       Const,  None,  1,       1, true,  Next,   0,  Any,       None,     GET_PATH,      PathKeyConst)                        \
  X(SET_PATH,       "set_path",       Const,  None,  2,       1, true,  Next,   0,  Top,       None,     SET_PATH,      PathKeyConst) /* pushes the value */ \
  X(FOR_PREP,       "for_prep",       Local,  None,  1,       0, true,  Next,   0,  None,      LoopPrep, FOR_PREP,      LoopSlotPair) /* slots x, x+1 */     \
  X(RANGE_PREP,     "range_prep",     Local,  None,  3,       0, true,  Next,   0,  None,      LoopPrep, RANGE_PREP,    LoopSlotPair) /* (range a b) */      \
  X(FOR_NEXT,       "for_next",       Jump,   Local, 0,       1, false, Branch, 0,  Any,       LoopStep, FOR_NEXT,      LoopSlotPair) /* slots y, y+1 */     \
  X(THROW,          "throw",          None,   None,  1,       0, true,  Throw,  0,  None,      None,     THROW,         None)

enum class Op : uint8_t {
#define GENE_OP_ENUM(name, ...) name,
  GENE_OPCODES(GENE_OP_ENUM)
#undef GENE_OP_ENUM
};

constexpr int kOpCount = 0
#define GENE_OP_COUNT(...) +1
    GENE_OPCODES(GENE_OP_COUNT)
#undef GENE_OP_COUNT
    ;

struct OpInfo {
  const char* name;
  Operand x;
  Operand y;
  int pops;  // < 0: a kPops* rule, see stack_pops()
  int pushes;
  bool may_throw;
  OpFlow flow;
  int taken_delta;  // jump_edge_delta()
  OpResult result;
  SlotUse slot;
  Op base;
  OperandCheck check;

  constexpr bool falls_through() const { return flow == OpFlow::Next || flow == OpFlow::Branch; }
  // Nothing follows on the fall-through edge: jump, loop, return, throw.
  constexpr bool is_terminator() const { return !falls_through(); }
  // x is a jump target (taken edge).
  constexpr bool has_jump() const { return flow == OpFlow::Branch || flow == OpFlow::Jump || flow == OpFlow::Loop; }
  constexpr bool has_local() const { return x == Operand::Local || y == Operand::Local; }
};

inline constexpr OpInfo kOpInfo[kOpCount] = {
#define GENE_OP_INFO(name, text, xk, yk, pops, pushes, throws, flow, taken, result, slot, base, check) \
  {text, Operand::xk, Operand::yk, pops, pushes, throws, OpFlow::flow, taken, OpResult::result,          \
   SlotUse::slot, Op::base, OperandCheck::check},
    GENE_OPCODES(GENE_OP_INFO)
#undef GENE_OP_INFO
};

constexpr const OpInfo& op_info(Op op) { return kOpInfo[int(op)]; }

// A superinstruction: the compiler's peephole emits it for a sequence ending in `base`.
constexpr bool is_fused(Op op) { return op_info(op).base != op; }

// The superinstruction for `int k; base` (its x is the immediate), or `base` if there is none.
constexpr Op fused_immediate(Op base) {
  for (int i = 0; i < kOpCount; i++)
    if (Op(i) != base && kOpInfo[i].base == base && kOpInfo[i].x == Operand::Int && kOpInfo[i].y == Operand::None)
      return Op(i);
  return base;
}

// The superinstruction for `base; jump_if_false L`, or `base` if there is none.
constexpr Op fused_branch(Op base) {
  for (int i = 0; i < kOpCount; i++)
    if (Op(i) != base && kOpInfo[i].base == base && kOpInfo[i].flow == OpFlow::Branch) return Op(i);
  return base;
}

// Looks an opcode up by mnemonic (for the .gbc loader); returns false if unknown.
bool op_from_name(const char* name, Op& out);

struct Instr {
  Op op;
  uint8_t feedback = 0;  // kinds this site has seen (type_feedback.h); not part of the code
  uint16_t y = 0;
  int32_t x = 0;
};
static_assert(sizeof(Instr) == 8);

// Stack depth change along the taken edge of a jump, where it differs from the fall-through
// effect in the table: and/or jumps keep their operand, for_next pushes nothing when done.
constexpr int jump_edge_delta(const Instr& in) { return op_info(in.op).taken_delta; }

// Number of values the instruction pops, resolving the operand-dependent cases.
constexpr int stack_pops(const Instr& in) {
  switch (int n = op_info(in.op).pops) {
    case kPopsX: return in.x;
    case kPopsX1: return in.x + 1;
    case kPopsY1: return in.y + 1;
    case kPops2X: return 2 * in.x;
    default: return n;
  }
}

// The slot the instruction's Local operand names (-1: it has none).
constexpr int32_t local_operand(const Instr& in) {
  const OpInfo& i = op_info(in.op);
  return i.x == Operand::Local ? in.x : i.y == Operand::Local ? int32_t(in.y) : -1;
}

// ------------------------------------------------------------------ table consistency
// The columns are redundant in places on purpose (each consumer reads the one it needs); these
// keep them agreeing. On a failure the compiler prints the first bad row's opcode number
// ("the comparison reduces to (N < 0)"); tests/interp/opcode_table_test.cpp names it.
namespace opcode_rules {

// A fused op has the operand shape of its base: `int k; base` (the immediate replaces the top
// operand), `base; jump_if_false` (the condition base pushes is consumed by the branch) or
// `load_local s; int k; base; store_local s` (the slot is both operands' source and the target).
constexpr bool fused_shape_ok(const OpInfo& f, const OpInfo& b) {
  if (b.base != f.base || b.may_throw != f.may_throw || b.pops < 0) return false;  // base is plain, same errors
  if (f.x == Operand::Int && f.y == Operand::None)  // immediate form
    return b.x == Operand::None && f.pops == b.pops - 1 && f.pushes == b.pushes && f.result == b.result &&
           f.flow == OpFlow::Next;
  if (f.flow == OpFlow::Branch)  // compare-and-branch form
    return b.flow == OpFlow::Next && b.result == OpResult::Bool && b.pushes == 1 && f.pops == b.pops &&
           f.pushes == 0 && f.taken_delta == -f.pops;
  if (f.slot == SlotUse::Update)  // in-place update form
    return f.x == Operand::Int && b.pops == 2 && b.pushes == 1 && b.result == OpResult::IntIfInts && f.pops == 0 &&
           f.pushes == 0;
  return false;
}

constexpr bool row_ok(const OpInfo& i) {
  // Jump operands are exactly the x of instructions with a taken edge; all of those have fixed
  // pops and a taken edge that pops at most what the instruction pops.
  if ((i.x == Operand::Jump) != i.has_jump() || i.y == Operand::Jump) return false;
  if (i.has_jump() ? (i.pops < 0 || i.taken_delta > 0 || i.taken_delta < -i.pops) : i.taken_delta != 0) return false;
  // At most one Local operand, and a slot use exactly when there is one.
  if (i.x == Operand::Local && i.y == Operand::Local) return false;
  if ((i.slot != SlotUse::None) != i.has_local()) return false;
  // Result facts name operands of the right kind; pushing nothing has no result.
  if ((i.result == OpResult::None) != (i.pushes == 0)) return false;
  if (i.result == OpResult::Const && i.x != Operand::Const) return false;
  if (i.result == OpResult::Slot && (i.x != Operand::Local || i.slot != SlotUse::Read)) return false;
  if (i.result == OpResult::Top && i.pops == 0) return false;
  if (i.pushes > 1 && i.result != OpResult::Top) return false;  // several pushes: copies (dup)
  // Constraints name operands of the right kind.
  switch (i.check) {
    case OperandCheck::None: break;
    case OperandCheck::PathKeyConst:
    case OperandCheck::SymbolConst:
      if (i.x != Operand::Const) return false;
      break;
    case OperandCheck::LoopSlotPair:
      if (i.slot != SlotUse::LoopPrep && i.slot != SlotUse::LoopStep) return false;
      break;
    case OperandCheck::PositiveDivisor:
      if (i.x != Operand::Int) return false;
      break;
  }
  if ((i.slot == SlotUse::LoopPrep || i.slot == SlotUse::LoopStep) != (i.check == OperandCheck::LoopSlotPair))
    return false;
  // A throw raises (its only way out is the handler edge may_throw adds).
  if (i.flow == OpFlow::Throw && !i.may_throw) return false;
  return true;
}

constexpr bool op_ok(int k) {
  const OpInfo& i = kOpInfo[k];
  return row_ok(i) && (i.base == Op(k) || fused_shape_ok(i, op_info(i.base)));
}

// The first row breaking a rule, or -1.
constexpr int first_bad_row() {
  for (int k = 0; k < kOpCount; k++)
    if (!op_ok(k)) return k;
  return -1;
}

}  // namespace opcode_rules

static_assert(opcode_rules::first_bad_row() < 0, "interp/opcodes.h: the columns of a GENE_OPCODES row disagree");
// The compiler's peephole (compiler.cpp fuse()) reads these relations from the table.
static_assert(fused_immediate(Op::ADD) == Op::ADD_INT && fused_immediate(Op::SUB) == Op::SUB_INT &&
              fused_immediate(Op::MOD) == Op::MOD_INT && fused_immediate(Op::MUL) == Op::MUL);
static_assert(fused_branch(Op::LT) == Op::JUMP_UNLESS_LT && fused_branch(Op::NE) == Op::JUMP_UNLESS_NE &&
              fused_branch(Op::NOT) == Op::JUMP_IF_TRUE && fused_branch(Op::ADD) == Op::ADD);
// inc_local is the one fused op the peephole builds by hand (a three-instruction pattern).
static_assert(op_info(Op::INC_LOCAL).base == Op::ADD && op_info(Op::INC_LOCAL).slot == SlotUse::Update);

}  // namespace gene
