#include "jit/runtime_helpers.h"

#include "interp/collections.h"

namespace gene::jit {

bool h_call(VM* vm, Value* sp, const Instr* ip) { return kOpSemantics[int(Op::CALL)](vm, sp, ip); }

bool h_call_builtin(VM* vm, Value* sp, const Instr* ip) { return call_builtin_semantics(vm, sp, ip); }

int h_branch(VM* vm, Value* sp, const Instr* ip) { return branch_semantics(vm, sp, ip); }

bool h_call_unrecorded(VM* vm, Value* sp, const Instr* ip) {
  return kOpSemanticsUnrecorded[int(Op::CALL)](vm, sp, ip);
}

int h_branch_unrecorded(VM* vm, Value* sp, const Instr* ip) { return branch_semantics_unrecorded(vm, sp, ip); }

int h_for_next(VM* vm, Value* sp, const Instr* ip) {
  return for_next_step(vm->frames.back().base + ip->y, sp) ? 1 : 0;
}

bool h_grow_for_push(VM* vm, Array* a) { return grow_for_push(*vm, a, false); }

Array* h_new_array(VM* vm, int64_t capacity) { return vm->heap.new_array_if_no_collection(size_t(capacity)); }

Value h_map_get(Map* m, Value key) { return m->get(key); }
Value h_map_has(Map* m, Value key) { return Value::boolean(m->find(key) >= 0); }
void h_map_set(Map* m, Value key, Value value, VM* vm) { map_set(*vm, m, key, value, false); }
void h_map_del(Map* m, Value key) { m->remove(key); }

int h_unwind(VM* vm) {
  bool entry = false;  // compiled frames are always entry frames: -1 returns to the caller
  return unwind_frame(*vm, &entry);
}

}  // namespace gene::jit
