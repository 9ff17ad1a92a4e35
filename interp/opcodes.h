// The single opcode table. The compiler, disassembler, .gbc loader, verifier, interpreter and every
// JIT tier draw from it: adding an opcode is one line here plus one handler per engine.
//
// Stack effects in the table are those of the fall-through edge; jump_edge_delta() gives the
// taken edge.
//
// Each instruction has up to two operands: `x` (int32, the main one) and `y` (uint16). The operand
// kinds tell the verifier what to range-check and the disassembler how to print. Stack effect is
// (pops, pushes); pops == kVarPops means the count depends on the operands (see stack_pops()).
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

constexpr int kVarPops = -1;

//  X(NAME, mnemonic, x operand, y operand, pops, pushes, may_throw)
#define GENE_OPCODES(X)                                                              \
  X(CONST, "const", Const, None, 0, 1, false)                                        \
  X(INT, "int", Int, None, 0, 1, false)                                              \
  X(NIL, "nil", None, None, 0, 1, false)                                             \
  X(TRUE, "true", None, None, 0, 1, false)                                           \
  X(FALSE, "false", None, None, 0, 1, false)                                         \
  X(POP, "pop", None, None, 1, 0, false)                                             \
  X(POPN, "popn", Count, None, kVarPops, 0, false)                                   \
  X(UNWIND, "unwind", Count, None, kVarPops, 1, false) /* drop x values under top */ \
  X(DUP, "dup", None, None, 1, 2, false)                                             \
  X(LOAD_LOCAL, "load_local", Local, None, 0, 1, false)                              \
  X(STORE_LOCAL, "store_local", Local, None, 1, 0, false)                            \
  X(LOAD_CELL, "load_cell", Local, None, 0, 1, false)                                \
  X(STORE_CELL, "store_cell", Local, None, 1, 0, false)                              \
  X(MAKE_CELL, "make_cell", Local, None, 1, 0, true)                                 \
  X(LOAD_UPVAL, "load_upval", Upval, None, 0, 1, false)                              \
  X(STORE_UPVAL, "store_upval", Upval, None, 1, 0, false)                            \
  X(LOAD_GLOBAL, "load_global", Global, None, 0, 1, true)                            \
  X(STORE_GLOBAL, "store_global", Global, None, 1, 0, true)                          \
  X(DEFINE_GLOBAL, "define_global", Global, None, 1, 0, false)                       \
  X(ADD, "add", None, None, 2, 1, true)                                              \
  X(SUB, "sub", None, None, 2, 1, true)                                              \
  X(MUL, "mul", None, None, 2, 1, true)                                              \
  X(DIV, "div", None, None, 2, 1, true)                                              \
  X(MOD, "mod", None, None, 2, 1, true)                                              \
  X(NEG, "neg", None, None, 1, 1, true)                                              \
  X(POS, "pos", None, None, 1, 1, true)                                              \
  X(NOT, "not", None, None, 1, 1, false)                                             \
  X(LT, "lt", None, None, 2, 1, true)                                                \
  X(LE, "le", None, None, 2, 1, true)                                                \
  X(GT, "gt", None, None, 2, 1, true)                                                \
  X(GE, "ge", None, None, 2, 1, true)                                                \
  X(EQ, "eq", None, None, 2, 1, false)                                               \
  X(NE, "ne", None, None, 2, 1, false)                                               \
  X(ADD_INT, "add_int", Int, None, 1, 1, true)  /* peephole: int x; add */           \
  X(SUB_INT, "sub_int", Int, None, 1, 1, true)                                       \
  X(MOD_INT, "mod_int", Int, None, 1, 1, true)                                       \
  X(INC_LOCAL, "inc_local", Int, Local, 0, 0, true) /* slot y += x (int x) */        \
  X(JUMP_UNLESS_LT, "jump_unless_lt", Jump, None, 2, 0, true) /* lt; jump_if_false */ \
  X(JUMP_UNLESS_LE, "jump_unless_le", Jump, None, 2, 0, true)                        \
  X(JUMP_UNLESS_GT, "jump_unless_gt", Jump, None, 2, 0, true)                        \
  X(JUMP_UNLESS_GE, "jump_unless_ge", Jump, None, 2, 0, true)                        \
  X(JUMP_UNLESS_EQ, "jump_unless_eq", Jump, None, 2, 0, false)                       \
  X(JUMP_UNLESS_NE, "jump_unless_ne", Jump, None, 2, 0, false)                       \
  X(JUMP, "jump", Jump, None, 0, 0, false)                                           \
  X(LOOP, "loop", Jump, None, 0, 0, false) /* backward jump: back-edge counter */    \
  X(JUMP_IF_FALSE, "jump_if_false", Jump, None, 1, 0, false)                         \
  X(JUMP_IF_TRUE, "jump_if_true", Jump, None, 1, 0, false)                           \
  X(AND_JUMP, "and_jump", Jump, None, 1, 0, false) /* falsy: keep and jump */        \
  X(OR_JUMP, "or_jump", Jump, None, 1, 0, false)   /* truthy: keep and jump */       \
  X(CALL, "call", Count, None, kVarPops, 1, true)                                    \
  X(CALL_METHOD, "call_method", Const, Count, kVarPops, 1, true)                     \
  X(RETURN, "return", None, None, 1, 0, false)                                       \
  X(CLOSURE, "closure", Proto, None, 0, 1, true)                                     \
  X(MAKE_ARRAY, "make_array", Count, None, kVarPops, 1, true)                        \
  X(MAKE_MAP, "make_map", Count, None, kVarPops, 1, true)                            \
  X(GET_PATH, "get_path", Const, None, 1, 1, true)                                   \
  X(SET_PATH, "set_path", Const, None, 2, 1, true)                                   \
  X(FOR_PREP, "for_prep", Local, None, 1, 0, true)   /* array in slot x, index x+1 */ \
  X(RANGE_PREP, "range_prep", Local, None, 3, 0, true) /* (range a b) without array */ \
  X(FOR_NEXT, "for_next", Jump, Local, 0, 1, false)  /* next element or jump x */    \
  X(THROW, "throw", None, None, 1, 0, true)

enum class Op : uint8_t {
#define GENE_OP_ENUM(name, text, xk, yk, pops, pushes, throws) name,
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
  int pops;  // kVarPops: see stack_pops()
  int pushes;
  bool may_throw;
};

extern const OpInfo kOpInfo[kOpCount];

inline const OpInfo& op_info(Op op) { return kOpInfo[int(op)]; }

// Looks an opcode up by mnemonic (for the .gbc loader); returns false if unknown.
bool op_from_name(const char* name, Op& out);

struct Instr {
  Op op;
  uint8_t pad = 0;
  uint16_t y = 0;
  int32_t x = 0;
};
static_assert(sizeof(Instr) == 8);

// Stack depth change along the taken edge of a jump, where it differs from the fall-through
// effect in the table: and/or jumps keep their operand, for_next pushes nothing when done.
inline int jump_edge_delta(const Instr& in) {
  switch (in.op) {
    case Op::AND_JUMP:
    case Op::OR_JUMP:
    case Op::FOR_NEXT:
    case Op::JUMP:
    case Op::LOOP: return 0;
    case Op::JUMP_UNLESS_LT:
    case Op::JUMP_UNLESS_LE:
    case Op::JUMP_UNLESS_GT:
    case Op::JUMP_UNLESS_GE:
    case Op::JUMP_UNLESS_EQ:
    case Op::JUMP_UNLESS_NE: return -2;
    default: return -1;  // jump_if_false / jump_if_true pop their condition on both edges
  }
}

// Number of values the instruction pops, resolving the operand-dependent cases.
inline int stack_pops(const Instr& in) {
  switch (in.op) {
    case Op::POPN: return in.x;
    case Op::UNWIND: return in.x + 1;
    case Op::CALL: return in.x + 1;
    case Op::CALL_METHOD: return in.y + 1;
    case Op::MAKE_ARRAY: return in.x;
    case Op::MAKE_MAP: return 2 * in.x;
    default: return op_info(in.op).pops;
  }
}

}  // namespace gene
