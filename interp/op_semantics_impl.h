// The definitions behind op_semantics.h, inline so that the interpreter's slow paths compile
// to direct (inlinable) calls of the very functions the JIT's helper table points at. Only
// interp/op_semantics.cpp and interp/interpreter.cpp include this.
#pragma once
#include "interp/collections.h"
#include "interp/interpreter.h"
#include "interp/op_semantics.h"
#include "interp/operators.h"
#include "interp/type_feedback.h"

namespace gene {

// Feedback is recorded only when a speculating tier (or --dump-feedback) will read it: not for
// a unit that settled at baseline (measured: call_method_op spent a third more on maps.gene).
inline bool feedback_on(const VM* vm) {
  return vm->opts.type_feedback && !vm->frames.back().closure->proto->feedback_settled;
}
// The slow paths' record, behind `if (feedback_enabled(vm))` so the kinds are computed only
// when a speculating tier may read them. The byte is written only when it changes, and only
// then is the unit's settled flag read (a chain of four loads): a site soon sees all its
// kinds, so that is rare (measured: loop_float's division slow path spent 18 more
// instructions per call recording, 6 now).
inline bool feedback_enabled(const VM* vm) { return vm->opts.type_feedback; }
inline void record_site_feedback(const VM* vm, const Instr* ip, uint8_t kinds) {
  if ((ip->feedback & kinds) != kinds && !vm->frames.back().closure->proto->feedback_settled)
    const_cast<Instr*>(ip)->feedback |= kinds;
}

// A call site's callee feedback (type_feedback.h); the frame on top is the caller's. At a
// builtin's site also its first argument's kind (the inline tier compiles `sqrt`/`abs` of a
// number it knows as IR).
inline void record_call_feedback(VM* vm, const Instr* ip, Value callee, const Value* callee_slot) {
  if (!feedback_enabled(vm)) return;
  if (ip->x >= 1 && is_obj_type(callee, ObjType::Builtin)) record_site_feedback(vm, ip, feedback_kind(callee_slot[1]));
  const void* who = is_obj_type(callee, ObjType::Closure) ? static_cast<const void*>(as_closure(callee)->proto)
                                                          : static_cast<const void*>(callee.as_obj());
  if (!is_obj_type(callee, ObjType::Closure) && !is_obj_type(callee, ObjType::Builtin)) {
    record_site_feedback(vm, ip, feedback_kind(callee));  // not callable: its kind, no callee
    return;
  }
  Proto* site = vm->frames.back().closure->proto;
  if (!site->feedback_settled) record_callee(site->callees, size_t(ip - site->code.data()), who);
}

namespace sem_impl {

inline Frame& sync(VM* vm, Value* sp, const Instr* ip) {
  vm->sp = sp;
  Frame& f = vm->frames.back();
  f.pc = ip;
  return f;
}

// One step of --max-steps; false (step_limit raised) once the budget is spent. The caller has
// published sp and pc.
inline bool count_step(VM* vm) {
  if (__builtin_expect(--vm->steps_left >= 0, 1)) return true;
  return vm->raise_step_limit();
}

inline bool oom(VM* vm) { return vm->raise(ErrorKind::OutOfMemory, "heap limit exceeded"); }

using BinaryFn = bool (*)(VM&, Value, Value, Value&);

// Feedback of an arithmetic site that failed: an int result out of range is worth knowing
// (a speculating tier then keeps the overflow check's slow path instead of deoptimizing).
inline bool note_failure(VM* vm, const Instr* ip) {
  if (feedback_on(vm) && vm->error.kind == ErrorKind::IntegerOverflow) record_feedback(ip, kSeenOverflow);
  return false;
}

// kRecord false: the interpreter's loop for units whose recording window is closed
// (interpreter.cpp) calls these without the record.
template <BinaryFn fn, bool kRecord = true>
inline bool binary(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kinds(sp[-2], sp[-1]));
  Value r;
  if (!fn(*vm, sp[-2], sp[-1], r)) return note_failure(vm, ip);
  sp[-2] = r;
  return true;
}

// Fused `int x; OP`: the same function on the top operand and the immediate.
template <BinaryFn fn, bool kRecord = true>
inline bool binary_imm(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(sp[-1]));
  Value r;
  if (!fn(*vm, sp[-1], Value::integer(ip->x), r)) return note_failure(vm, ip);
  sp[-1] = r;
  return true;
}

template <bool (*fn)(VM&, Value, Value&), bool kRecord = true>
inline bool unary(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(sp[-1]));
  Value r;
  if (!fn(*vm, sp[-1], r)) return note_failure(vm, ip);
  sp[-1] = r;
  return true;
}

template <bool kNegate, bool kRecord = true>
bool equality(VM* vm, Value* sp, const Instr* ip) {
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kinds(sp[-2], sp[-1]));
  sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1]) != kNegate);
  return true;
}

// Compare-and-branch (jump_unless_*): 1 to take the jump, 0 to fall through, -1 after raising.
template <BinaryFn fn, bool kRecord = true>
[[gnu::always_inline]] inline int compare_branch(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kinds(sp[-2], sp[-1]));
  Value r;
  if (!fn(*vm, sp[-2], sp[-1], r)) return -1;
  return r.truthy() ? 0 : 1;
}

template <bool kUnlessNe, bool kRecord = true>
int equality_branch(VM* vm, Value* sp, const Instr* ip) {
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kinds(sp[-2], sp[-1]));
  return values_equal(sp[-2], sp[-1]) == kUnlessNe ? 1 : 0;
}

template <bool kRecord = true>
inline bool inc_local(VM* vm, Value* sp, const Instr* ip) {
  Value* slot = sync(vm, sp, ip).base + ip->y;
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(*slot));
  Value r;
  if (!op_add(*vm, *slot, Value::integer(ip->x), r)) return note_failure(vm, ip);
  *slot = r;
  return true;
}

inline bool load_global(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value v = vm->globals[size_t(ip->x)];
  if (v.is_undefined())
    return vm->raise(ErrorKind::UndefinedVariable, "undefined variable '" + vm->global_name(ip->x) + "'");
  sp[0] = v;
  return true;
}

inline bool store_global(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (vm->globals[size_t(ip->x)].is_undefined())
    return vm->raise(ErrorKind::UndefinedVariable,
                     "assignment to '" + vm->global_name(ip->x) + "' before its declaration ran");
  Value old = vm->globals[size_t(ip->x)];
  vm->globals[size_t(ip->x)] = sp[-1];
  if (vm->global_watch[ip->x]) vm->global_stored(ip->x, old);
  return true;
}

// The engines store inline unless the slot is watched (VM::global_watch): then here.
inline bool define_global(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value old = vm->globals[size_t(ip->x)];
  vm->globals[size_t(ip->x)] = sp[-1];
  if (vm->global_watch[ip->x]) vm->global_stored(ip->x, old);
  return true;
}

inline bool make_cell(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);  // the value stays on the stack (rooted) while the cell is allocated
  Cell* c = vm->heap.new_cell(sp[-1]);
  if (!c) return oom(vm);
  f.base[ip->x] = Value::object(c);
  return true;
}

inline bool load_upval(VM* vm, Value* sp, const Instr* ip) {
  sp[0] = vm->frames.back().closure->upvals[size_t(ip->x)]->value;
  return true;
}

inline bool store_upval(VM* vm, Value* sp, const Instr* ip) {
  vm->frames.back().closure->upvals[size_t(ip->x)]->value = sp[-1];
  return true;
}

// Any callee: a closure runs to completion in a new entry frame (compiled code if the tier
// hooks have some), a builtin runs in place. The result replaces the callee slot.
// A callee that is not a closure: a builtin runs in place (its result replaces the callee
// slot, vm.sp just above), anything else is not callable.
[[gnu::always_inline]] inline bool call_non_closure(VM* vm, Value* slot, int argc) {
  Value callee = *slot;
  if (is_obj_type(callee, ObjType::Builtin)) {
    Value r;
    if (!as_builtin(callee)->fn(*vm, slot + 1, argc, r)) return false;
    *slot = r;
    vm->sp = slot + 1;
    return true;
  }
  return raise_not_callable(vm, callee);
}

// The CALL opcode's full semantics, its step included: the interpreter's CALL handler and
// compiled code's inline call sequence count their own step and never come here after it.
template <bool kRecord = true>
inline bool call(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (!count_step(vm)) return false;
  int argc = ip->x;
  Value* slot = sp - argc - 1;
  Value callee = *slot;
  if constexpr (kRecord) record_call_feedback(vm, ip, callee, slot);
  if (is_obj_type(callee, ObjType::Closure)) {
    Closure* c = as_closure(callee);
    NativeEntry code = vm->hooks.on_call ? vm->hooks.on_call(*vm, c->proto) : nullptr;
    if (!push_call_frame(*vm, c, slot, argc, true)) return false;
    Frame* f = &vm->frames.back();
    return code ? code(vm, f->base, f, 0) : interpret(*vm);
  }
  return call_non_closure(vm, slot, argc);
}

// The *_with forms take the unit's constants from a caller that has them at hand (the
// interpreter keeps them in a register), has already published sp and pc, and records the
// site's feedback itself (the interpreter only when feedback is on).
inline bool call_method_with(VM* vm, Value* sp, const Instr* ip, const Value* consts) {
  Value* recv = sp - ip->y - 1;
  Value r;
  if (!call_method(*vm, as_symbol(consts[ip->x]), recv, ip->y, r)) return false;
  *recv = r;
  return true;
}

template <bool kRecord = true>
inline bool call_method_op(VM* vm, Value* sp, const Instr* ip) {
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(sp[-1 - ip->y]));
  return call_method_with(vm, sp, ip, sync(vm, sp, ip).closure->proto->consts.data());
}

inline bool closure(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  Proto* child = vm->program->protos[size_t(f.closure->proto->children[size_t(ip->x)])].get();
  Closure* c = vm->heap.new_closure(child);
  if (!c) return oom(vm);
  for (const UpvalDesc& u : child->upvals)
    c->upvals.push_back(u.from_local ? as_cell(f.base[u.index]) : f.closure->upvals[u.index]);
  sp[0] = Value::object(c);
  return true;
}

inline bool make_array(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  int n = ip->x;
  Array* a = vm->heap.new_array(size_t(n));
  if (!a) return oom(vm);
  a->items.assign(sp - n, sp);
  sp[-n] = Value::object(a);
  return true;
}

inline bool make_map(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  int n = ip->x;
  // Account the entries first: note_growth may collect, and the new map is not rooted yet.
  Map* m = vm->heap.note_growth(MapEntries::reserve_bytes(size_t(n))) ? vm->heap.new_map(size_t(n)) : nullptr;
  if (!m) return oom(vm);
  Value* kv = sp - 2 * n;
  for (int i = 0; i < n; i++) m->set(kv[2 * i], kv[2 * i + 1]);
  kv[0] = Value::object(m);
  return true;
}

inline bool get_path_with(VM* vm, Value* sp, const Instr* ip, const Value* consts) {
  Value r;
  if (!path_get(*vm, sp[-1], consts[ip->x], r)) return false;
  sp[-1] = r;
  return true;
}

template <bool kRecord = true>
inline bool get_path(VM* vm, Value* sp, const Instr* ip) {
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(sp[-1]));
  return get_path_with(vm, sp, ip, sync(vm, sp, ip).closure->proto->consts.data());
}

inline bool set_path_with(VM* vm, Value* sp, const Instr* ip, const Value* consts) {
  if (!path_set(*vm, sp[-2], consts[ip->x], sp[-1])) return false;
  sp[-2] = sp[-1];
  return true;
}

template <bool kRecord = true>
inline bool set_path(VM* vm, Value* sp, const Instr* ip) {
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(sp[-2]));
  return set_path_with(vm, sp, ip, sync(vm, sp, ip).closure->proto->consts.data());
}

template <bool kRecord = true>
inline bool for_prep(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kind(sp[-1]));
  if (!check_sequence(*vm, sp[-1])) return false;
  f.base[ip->x] = sp[-1];
  f.base[ip->x + 1] = Value::integer(0);
  return true;
}

// (range a b) as a for sequence: with the range builtin, slot x holds the next int and x+1 the
// end (no array is built); any other callee is called and must return an array. It stands for
// the call `(range a b)`, so it takes one step whatever `range` is (call_value counts none).
template <bool kRecord = true>
inline bool range_prep(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  if (!count_step(vm)) return false;
  Value callee = sp[-3], a = sp[-2], b = sp[-1];
  if (kRecord && feedback_enabled(vm)) record_site_feedback(vm, ip, feedback_kinds(a, b));
  if (callee == vm->range_builtin) {
    if (!a.is_int() || !b.is_int()) return vm->raise(ErrorKind::TypeError, "range expects two ints");
    f.base[ip->x] = a;
    f.base[ip->x + 1] = b;
    return true;
  }
  Value seq;
  if (!call_value(*vm, callee, sp - 2, 2, seq)) return false;
  if (!check_sequence(*vm, seq)) return false;
  f.base[ip->x] = seq;
  f.base[ip->x + 1] = Value::integer(0);
  return true;
}

inline bool throw_value(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  return vm->raise_throw(sp[-1]);
}

}  // namespace sem_impl

// One entry per opcode, named after it: the table below is built from the opcode list, so a
// missing entry is a compile error. nullptr: no semantics beyond what every engine does inline.
namespace sem {
using namespace sem_impl;
inline constexpr OpSemantics CONST = nullptr, INT = nullptr, NIL = nullptr, TRUE = nullptr, FALSE = nullptr;
inline constexpr OpSemantics POP = nullptr, POPN = nullptr, UNWIND = nullptr, DUP = nullptr;
inline constexpr OpSemantics LOAD_LOCAL = nullptr, STORE_LOCAL = nullptr, LOAD_CELL = nullptr, STORE_CELL = nullptr;
inline constexpr OpSemantics MAKE_CELL = make_cell, LOAD_UPVAL = load_upval, STORE_UPVAL = store_upval;
inline constexpr OpSemantics LOAD_GLOBAL = load_global, STORE_GLOBAL = store_global, DEFINE_GLOBAL = define_global;
inline constexpr OpSemantics ADD = binary<op_add>, SUB = binary<op_sub>, MUL = binary<op_mul>, DIV = binary<op_div>,
                      MOD = binary<op_mod>;
inline constexpr OpSemantics NEG = unary<op_neg>, POS = unary<op_pos>, NOT = nullptr;
inline constexpr OpSemantics LT = binary<op_lt>, LE = binary<op_le>, GT = binary<op_gt>, GE = binary<op_ge>;
inline constexpr OpSemantics EQ = equality<false>, NE = equality<true>;
inline constexpr OpSemantics ADD_INT = binary_imm<op_add>, SUB_INT = binary_imm<op_sub>, MOD_INT = binary_imm<op_mod>;
inline constexpr OpSemantics INC_LOCAL = inc_local<>;
// Compare-and-branch ops decide a jump: branch_semantics.
inline constexpr OpSemantics JUMP_UNLESS_LT = nullptr, JUMP_UNLESS_LE = nullptr, JUMP_UNLESS_GT = nullptr,
                      JUMP_UNLESS_GE = nullptr, JUMP_UNLESS_EQ = nullptr, JUMP_UNLESS_NE = nullptr;
inline constexpr OpSemantics JUMP = nullptr, LOOP = nullptr, JUMP_IF_FALSE = nullptr, JUMP_IF_TRUE = nullptr;
inline constexpr OpSemantics AND_JUMP = nullptr, OR_JUMP = nullptr;
inline constexpr OpSemantics CALL = call<>, CALL_METHOD = call_method_op<>, RETURN = nullptr, CLOSURE = closure;
inline constexpr OpSemantics MAKE_ARRAY = make_array, MAKE_MAP = make_map, GET_PATH = get_path<>, SET_PATH = set_path<>;
inline constexpr OpSemantics FOR_PREP = for_prep<>, RANGE_PREP = range_prep<>;
inline constexpr OpSemantics FOR_NEXT = nullptr;  // for_next_step
inline constexpr OpSemantics THROW = throw_value;
}  // namespace sem

// The same without the feedback record, where sem's functions record: for the interpreter's
// loops that do not record, and for baseline code of units whose feedback no tier will read.
namespace sem_unrecorded {
using namespace sem;
inline constexpr OpSemantics ADD = binary<op_add, false>, SUB = binary<op_sub, false>, MUL = binary<op_mul, false>,
                      DIV = binary<op_div, false>, MOD = binary<op_mod, false>;
inline constexpr OpSemantics NEG = unary<op_neg, false>, POS = unary<op_pos, false>;
inline constexpr OpSemantics LT = binary<op_lt, false>, LE = binary<op_le, false>, GT = binary<op_gt, false>,
                      GE = binary<op_ge, false>;
inline constexpr OpSemantics ADD_INT = binary_imm<op_add, false>, SUB_INT = binary_imm<op_sub, false>,
                      MOD_INT = binary_imm<op_mod, false>;
inline constexpr OpSemantics INC_LOCAL = inc_local<false>;
inline constexpr OpSemantics FOR_PREP = for_prep<false>, RANGE_PREP = range_prep<false>;
inline constexpr OpSemantics EQ = equality<false, false>, NE = equality<true, false>;
inline constexpr OpSemantics CALL = call<false>, CALL_METHOD = call_method_op<false>;
inline constexpr OpSemantics GET_PATH = get_path<false>, SET_PATH = set_path<false>;
}  // namespace sem_unrecorded


}  // namespace gene
