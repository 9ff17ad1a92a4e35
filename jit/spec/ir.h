// The spec tier's IR: SSA values in basic blocks, built from verified bytecode by abstract
// interpretation (ir_builder.cpp), each value with a machine representation.
//
// A value is a Node; its index is its name (v12). Locals and operand-stack slots are not IR
// objects: the builder maps each slot to the node holding its value, and a FrameState records
// that map at every point where the code may leave for the interpreter (a guard's deopt, a
// helper call that can raise or collect). Phis join slots at merges and loop headers.
//
// Representations (V8 Maglev's are the model):
//   Tagged  a NaN-boxed Value (value.h)
//   Int     a 48-bit int as its payload shifted left by 16, so 64-bit add/sub/mul overflow
//           (`jo`) is exactly 48-bit overflow and compares need no unshifting
//   Float   an IEEE double in an XMM register
//   Bool    0 or 1 in a general register
//   Ptr     a checked map's or array's untagged pointer (CheckMap, CheckArray): never in a frame
//           state, and never live across a helper or a call (a collection there would not see it)
#pragma once
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "interp/proto.h"

namespace gene::jit::spec {

enum class Rep : uint8_t { Tagged, Int, Float, Bool, Ptr, None };
const char* rep_name(Rep r);

// Why a guard exits (--trace-deopt prints it; docs/architecture.md lists them).
enum class GuardKind : uint8_t {
  NotInt,       // a Tagged value speculated to be an int was not
  NotFloat,     // ... to be a float (or a number, at mixed sites)
  Overflow,     // an int result left the 48-bit range
  DivByZero,    // an int divisor (or modulus) was zero
  NotArray,     // a path site speculated on an array saw something else
  Bounds,       // an array index was out of range
  NotMap,       // a symbol-path site speculated on a map saw something else
  NotString,    // a string method site (.get, .size) saw something else
  MapShape,     // the map is hashed, or a store's key is missing (it would insert)
  Undefined,    // a global read before its definition
  WrongCallee,  // an inlined call site reached another unit (or a non-closure)
  CallDepth,    // an inlined call would pass --max-depth or the value stack's end
  InlineRoom,   // at an entry: no room for the deepest inlined call's frames (as CallDepth)
  Watched,      // a store to a global that compiled code assumes (VM::global_watch)
  Stress,       // --deopt-every / --deopt-random made it fail
  Throw,        // an inlined callee's throw: the interpreter raises it from the rebuilt frames
  HeapLimit,    // a push's growth would need a collection first (a heap limit is near)
  Collect,      // an allocation is due to collect first: the interpreter allocates (never
                // counted as a failed speculation: collections come every so often)
  MapKey,       // a map method's key is not one a map holds (the interpreter raises)
  Hoisted,      // a loop's object check, hoisted in front of the loop, failed there
  NilOrMap,     // a nil test fused with the map check after it saw neither (CheckMapOrNil)
  Unreached,    // a site without feedback: it never ran before the compile (V8's "insufficient
                // type feedback"); the interpreter runs it and records what it sees
};
const char* guard_name(GuardKind k);

//  X(name, result rep): inputs a, b as the comment says.
#define GENE_IR_OPS(X)                                                              \
  X(Const, Tagged)      /* imm: the Value bits */                                   \
  X(ConstInt, Int)      /* imm: the int */                                          \
  X(ConstFloat, Float)  /* imm: the double's bits */                                \
  X(LoadSlot, Tagged)   /* imm: frame slot (operand d is slot nslots + d) */        \
  X(Phi, None)          /* phi_inputs, one per predecessor; rep set by the builder */ \
  X(CheckInt, Int)      /* a Tagged -> Int, guard NotInt */                         \
  X(CheckFloat, Float)  /* a Tagged -> Float, guard NotFloat (an int converts) */   \
  X(CheckNumber, Float) /* a Tagged int or float -> Float, guard NotFloat (slot unchanged) */ \
  X(CheckMap, Ptr)      /* a Tagged -> its Map*, guard NotMap (a block checks each value once) */ \
  X(CheckArray, Ptr)    /* a Tagged -> its Array*, guard NotArray */                \
  X(CheckString, Ptr)   /* a Tagged -> its String*, guard NotString */              \
  X(CheckMapOrNil, Ptr) /* a Tagged, before its Branch: map -> succs[0] (its Map*), nil -> succs[1], else guard NilOrMap (M3) */ \
  X(IntToFloat, Float)  /* a Int */                                                 \
  X(BoxInt, Tagged)                                                                 \
  X(BoxFloat, Tagged)                                                               \
  X(BoxBool, Tagged)                                                                \
  X(Truthy, Bool)       /* a Tagged */                                              \
  X(NotBool, Bool)                                                                  \
  X(AddInt, Int)        /* guard Overflow */                                        \
  X(SubInt, Int)                                                                    \
  X(MulInt, Int)                                                                    \
  X(NegInt, Int)                                                                    \
  X(ModInt, Int)        /* guard DivByZero; C's truncating remainder */             \
  X(AddFloat, Float)                                                                \
  X(SubFloat, Float)                                                                \
  X(MulFloat, Float)                                                                \
  X(DivFloat, Float)                                                                \
  X(NegFloat, Float)                                                                \
  X(SqrtFloat, Float)   /* the sqrt builtin inlined (M3) */                         \
  X(AbsFloat, Float)    /* the abs builtin on a float */                            \
  X(AbsInt, Int)        /* the abs builtin on an int; guard Overflow (the minimum) */ \
  X(FloorFloat, Float)  /* the floor builtin on a float (SSE4.1 roundsd) */          \
  X(FloatToInt, Int)    /* the int builtin on a float, truncated; guard Overflow (nan, inf, range) */ \
  X(CmpInt, Bool)       /* imm: the comparison (Cmp) */                             \
  X(CmpFloat, Bool)                                                                 \
  X(CmpBits, Bool)      /* a, b Tagged: == / != as identity (one side is nil or a bool) */ \
  X(LoadGlobal, Tagged) /* imm: global slot; guard Undefined */                     \
  X(StoreGlobal, None)  /* imm: global slot; a: Tagged (define_global) */           \
  X(AssignGlobal, None) /* imm: global slot; a: Tagged (store_global); guard Undefined */ \
  X(LoadCell, Tagged)   /* a: the Tagged cell */                                    \
  X(LoadUpval, Tagged)  /* imm: upvalue index; a: the Tagged closure (-1: the frame's own) */ \
  X(StoreUpval, None)   /* imm: upvalue index, a: the Tagged value, b: closure as LoadUpval's a */ \
  X(StoreCell, None)    /* a: the Tagged cell, b: the Tagged value */               \
  X(ArrayItems, Ptr)    /* a Ptr array -> its first item's address */               \
  X(CheckBounds, None)  /* a Int index, b Int size: 0 <= index < size, guard Bounds */ \
  X(ArrayGet, Tagged)   /* a Ptr items (ArrayItems), b Int index (checked) */       \
  X(ArraySet, None)     /* a Ptr items, b Int index (checked), c Tagged value */    \
  X(ArraySize, Int)     /* a Ptr array -> its item count */                        \
  X(ArrayNext, Tagged)  /* a Ptr array, b Int index below its size (a for loop's item) */ \
  X(ArrayPush, None)    /* a Ptr array, b Tagged value: `.push` (M3); guard HeapLimit */ \
  X(NewArray, Tagged)   /* imm: the item count (<= 3), the items a, b, c (Tagged); guard Collect (M3) */ \
  X(StringSize, Int)    /* a Ptr string -> its byte count */                        \
  X(StringGet, Tagged)  /* a Ptr string, b Int index (checked): the canonical 1-byte string */ \
  X(MapSize, Int)       /* a Ptr map -> its live entry count */                     \
  X(MapMethod, Tagged)  /* a Ptr map, b Tagged key, c Tagged value (.set), imm MapMethodKind: a call (M3); guard MapKey */ \
  X(MapGet, Tagged)     /* a Ptr map, imm the symbol key; guard MapShape */         \
  X(MapSet, None)       /* a Ptr map, b Tagged value, imm the symbol key; guard MapShape */ \
  X(CheckCallee, None)  /* a Tagged callee, imm its Proto*, b the closure expected first (a Const) or -1: an inlined call's guard WrongCallee */ \
  X(CheckValue, None)   /* a Tagged callee, imm the builtin's Value bits; guard WrongCallee */ \
  X(CallCheck, None)    /* imm: inline level << 32 | value-stack words from base; guard CallDepth */ \
  X(Generic, Tagged)    /* the opcode at pc through its helper, on the flushed frame */ \
  X(Call, Tagged)       /* the call at pc on the flushed frame */                   \
  X(GenericBranch, Bool) /* jump_unless_* at pc through its helper: true = jump */  \
  X(Jump, None)         /* to succs[0] */                                           \
  X(Branch, None)       /* a Bool: succs[0] if true, else succs[1] */               \
  X(LoopCheck, None)    /* a back edge's step (--max-steps) */                      \
  X(CountOp, None)      /* imm: the opcode; coverage runs count what the tier ran */ \
  X(Return, None)       /* a Tagged */                                              \
  X(Deopt, None)        /* always exits; with a frame state: to the interpreter (guard: why) */

enum class IrOp : uint8_t {
#define GENE_IR_ENUM(name, rep) name,
  GENE_IR_OPS(GENE_IR_ENUM)
#undef GENE_IR_ENUM
};
const char* ir_op_name(IrOp op);
Rep ir_op_rep(IrOp op);
// The operations speculation buys: unboxed arithmetic and compares, inline element access.
inline bool is_speculated_op(IrOp op) {
  return (op >= IrOp::AddInt && op <= IrOp::CmpBits) || (op >= IrOp::ArrayGet && op <= IrOp::MapSet);
}

// Nodes whose code calls out of compiled code, clobbering every caller-saved register. All
// but MapMethod may also collect (so no Ptr lives across them).
inline bool calls_out(IrOp op) {
  return op == IrOp::Generic || op == IrOp::Call || op == IrOp::GenericBranch || op == IrOp::MapMethod;
}

enum class Cmp : uint8_t { Lt, Le, Gt, Ge, Eq, Ne };
// MapMethod's method: a direct call of its helper (h_map_get and co.), which never raises or
// collects (the code checked the key and, for a store, the heap limit).
enum class MapMethodKind : uint8_t { Get, Has, Set, Del };

struct Node {
  IrOp op;
  Rep rep;
  int32_t a = -1, b = -1;  // inputs (node ids)
  int64_t imm = 0;
  int32_t pc = -1;         // the bytecode instruction it comes from
  int32_t fs = -1;         // its FrameState (guards, helper calls), or -1
  int32_t block = -1;
  GuardKind guard = GuardKind::NotInt;  // for guards: the first check it makes
  std::vector<int32_t> phi_inputs;      // for phis: one per predecessor, in preds order
  bool dead = false;                    // removed by a pass
  int32_t c = -1;                       // a third input (ArraySet's value; a hoisted check's Ptr phi: its object's value)
  int32_t entry_hint = -1;              // MapGet/MapSet: the entry position the site's key was always at
  bool entry_in_room = false;           // ... in maps whose entries were all in their room (map_entries.h)
  bool fused = false;                   // ArraySize/ArrayItems: computed by its one user, the next node
  bool kept = false;                    // a check whose access may go unused (`(x .size)`): dead code stays
  bool in_bounds = false;               // ArrayNext below its loop's index check (sink_array_next): no test
  bool type_known = false;              // CheckMap/Array/String inside a loop whose hoisted copy checked it
  // MapGet/MapSet (mark_known_map_entries): `entry_strict`, the key not at entry_hint leaves
  // for the interpreter instead of looking further; `entry_known`, an earlier strict access
  // of this block found the key at entry_hint, so this one uses that entry unchecked.
  bool entry_strict = false, entry_known = false;
};

// A frame the inline tier did not push: a callee whose body is inlined (M3). Its slots follow
// its caller's stack in `values`, exactly where the interpreter's call would have put them.
struct InlinedFrame {
  const Proto* proto;
  int32_t pc;     // the instruction executing (for a caller of another inlined frame: its CALL)
  int32_t base;   // its slot 0 as an index into the state's values (its callee slot is base - 1)
  int32_t depth;  // its operands
  bool operator==(const InlinedFrame&) const = default;
};

// The interpreter's view of the frame at a bytecode pc: the node each slot (locals first,
// then the operand stack) holds, -1 for a dead local (its memory slot is left as it is).
// Inside inlined code pc and depth are the compiled unit's frame at the outermost inlined CALL
// (its operands up to that call's callee slot) and `inlined` lists the frames above it,
// innermost last; values then covers every one of them.
struct FrameState {
  int32_t pc;
  int32_t depth;                // operands above the locals
  std::vector<int32_t> values;  // nslots + depth (+ each inlined frame's slots and operands)
  std::vector<InlinedFrame> inlined;
};

struct Block {
  int32_t pc = -1;           // bytecode block it starts (-1: an entry or an edge block)
  std::vector<int32_t> nodes;  // phis first, the terminator last
  std::vector<int32_t> preds, succs;
  bool loop_header = false;
  int32_t osr_pc = -1;       // an OSR entry block: the loop header pc it enters
  int32_t edge_of = -1;      // an edge block: the block it leaves (laid out after it)
  int32_t inline_level = 0;  // > 0: a block of an inlined callee (pc is the callee's)
};

// An inlined call whose callee came from a global: the code holds that callee's body, so a
// store of anything else to the slot drops the code (the tier manager watches the slot; the
// site's CheckCallee guard stops frames already running it).
struct GlobalAssumption {
  int32_t slot;
  const Proto* callee;
  int32_t pc;  // the compiled unit's call instruction that inlined it
};

struct Graph {
  const Proto* proto = nullptr;
  std::vector<Node> nodes;
  std::vector<Block> blocks;
  std::vector<int32_t> order;  // layout: entry, code order (edge blocks after their source), OSR entries
  std::vector<FrameState> states;
  int32_t inlined_sites = 0;             // calls whose callee's body is in this graph
  std::vector<GlobalAssumption> assumptions;
  bool hoist_loop_checks = true;         // off once a hoisted check kept failing (SpecHints)
  std::vector<std::pair<int32_t, int32_t>> entry_states;  // the entry and OSR entry blocks, with their frame states
  std::vector<std::string> inline_log;   // --trace-inline: one line per call site decided
  // The inline tier's CmpBits against nil, each with the frame state in front of its compare
  // (the operands still on the stack): fuse_nil_tests may make one a CheckMapOrNil.
  std::vector<std::pair<int32_t, int32_t>> nil_tests;
  int32_t add(Node n) {
    nodes.push_back(std::move(n));
    return int32_t(nodes.size() - 1);
  }
};

// Every pass's --dump-ir listing.
std::string print_graph(const Graph& g, const char* title);

}  // namespace gene::jit::spec
