// The C++ entry points compiled code calls for everything it does not do inline. They are the
// interpreter's own opcode semantics (interp/op_semantics.h), under the names and integer return
// conventions the emitted code expects: no opcode is implemented twice.
#pragma once
#include "interp/op_semantics.h"
#include "interp/vm.h"

namespace gene::jit {

// `sp` is the operand stack top before the instruction at `ip`; results are written where the
// interpreter would leave them. Return false after raising (the caller jumps to its unwinder).
using OpHelper = OpSemantics;
bool h_call(VM* vm, Value* sp, const Instr* ip);
// The helper with the full semantics of a non-branching instruction (nullptr: always inline).
inline OpHelper op_helper(Op op) { return op_semantics(op); }
// A call whose callee the code has checked to be a builtin.
bool h_call_builtin(VM* vm, Value* sp, const Instr* ip);
int h_branch(VM* vm, Value* sp, const Instr* ip);    // jump_unless_*: 1 jump, 0 fall through, -1 error
// The same three without recording type feedback: for code whose unit's feedback nothing
// will read (the JIT settled it below the spec tier, or no speculating tier runs).
bool h_call_unrecorded(VM* vm, Value* sp, const Instr* ip);
inline OpHelper op_helper_unrecorded(Op op) { return op_semantics_unrecorded(op); }
int h_branch_unrecorded(VM* vm, Value* sp, const Instr* ip);
int h_for_next(VM* vm, Value* sp, const Instr* ip);  // 1 element pushed, 0 sequence done
// Room for one more item in the full array `a`, without collecting (grow_for_push): false
// when the heap limit would need a collection first. Called with the caller's registers live.
bool h_grow_for_push(VM* vm, Array* a);
// A new empty array with room for `capacity` items, or null when allocating would collect
// (Heap::new_array_if_no_collection). Called with the caller's registers live.
Array* h_new_array(VM* vm, int64_t capacity);
// A map's .get .has .set .del, called directly (the inline tier's MapMethod) for a checked map
// and a valid key: they never raise or collect (a store's growth: the code has checked that no
// heap limit is set, or that the entries have room).
Value h_map_get(Map* m, Value key);
Value h_map_has(Map* m, Value key);
void h_map_set(Map* m, Value key, Value value, VM* vm);
void h_map_del(Map* m, Value key);
// Finds the handler for the pending error in the top frame: returns its target instruction with
// the error value pushed, or -1 after popping the frame (the error propagates to the caller).
int h_unwind(VM* vm);

}  // namespace gene::jit
