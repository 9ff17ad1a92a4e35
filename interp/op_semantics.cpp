#include "interp/op_semantics.h"

#include "interp/collections.h"
#include "interp/interpreter.h"
#include "interp/operators.h"

namespace gene {

namespace {

inline Frame& sync(VM* vm, Value* sp, const Instr* ip) {
  vm->sp = sp;
  Frame& f = vm->frames.back();
  f.pc = ip;
  return f;
}

bool oom(VM* vm) { return vm->raise(ErrorKind::OutOfMemory, "heap limit exceeded"); }

using BinaryFn = bool (*)(VM&, Value, Value, Value&);

template <BinaryFn fn>
bool binary(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value r;
  if (!fn(*vm, sp[-2], sp[-1], r)) return false;
  sp[-2] = r;
  return true;
}

// Fused `int x; OP`: the same function on the top operand and the immediate.
template <BinaryFn fn>
bool binary_imm(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value r;
  if (!fn(*vm, sp[-1], Value::integer(ip->x), r)) return false;
  sp[-1] = r;
  return true;
}

template <bool (*fn)(VM&, Value, Value&)>
bool unary(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value r;
  if (!fn(*vm, sp[-1], r)) return false;
  sp[-1] = r;
  return true;
}

template <bool kNegate>
bool equality(VM*, Value* sp, const Instr*) {
  sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1]) != kNegate);
  return true;
}

bool inc_local(VM* vm, Value* sp, const Instr* ip) {
  Value* slot = sync(vm, sp, ip).base + ip->y;
  Value r;
  if (!op_add(*vm, *slot, Value::integer(ip->x), r)) return false;
  *slot = r;
  return true;
}

bool load_global(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value v = vm->globals[size_t(ip->x)];
  if (v.is_undefined())
    return vm->raise(ErrorKind::UndefinedVariable, "undefined variable '" + vm->global_name(ip->x) + "'");
  sp[0] = v;
  return true;
}

bool store_global(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (vm->globals[size_t(ip->x)].is_undefined())
    return vm->raise(ErrorKind::UndefinedVariable,
                     "assignment to '" + vm->global_name(ip->x) + "' before its declaration ran");
  vm->globals[size_t(ip->x)] = sp[-1];
  return true;
}

bool make_cell(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);  // the value stays on the stack (rooted) while the cell is allocated
  Cell* c = vm->heap.new_cell(sp[-1]);
  if (!c) return oom(vm);
  f.base[ip->x] = Value::object(c);
  return true;
}

bool load_upval(VM* vm, Value* sp, const Instr* ip) {
  sp[0] = vm->frames.back().closure->upvals[size_t(ip->x)]->value;
  return true;
}

bool store_upval(VM* vm, Value* sp, const Instr* ip) {
  vm->frames.back().closure->upvals[size_t(ip->x)]->value = sp[-1];
  return true;
}

// Any callee: a closure runs to completion in a new entry frame (compiled code if the tier
// hooks have some), a builtin runs in place. The result replaces the callee slot.
bool call(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  int argc = ip->x;
  Value* slot = sp - argc - 1;
  Value callee = *slot;
  if (is_obj_type(callee, ObjType::Closure)) {
    Closure* c = as_closure(callee);
    NativeEntry code = vm->hooks.on_call ? vm->hooks.on_call(*vm, c->proto) : nullptr;
    if (!push_call_frame(*vm, c, slot, argc, true)) return false;
    Frame* f = &vm->frames.back();
    return code ? code(vm, f->base, f, 0) : interpret(*vm);
  }
  if (is_obj_type(callee, ObjType::Builtin)) {
    Value r;
    if (!as_builtin(callee)->fn(*vm, slot + 1, argc, r)) return false;
    *slot = r;
    vm->sp = slot + 1;
    return true;
  }
  return vm->raise(ErrorKind::NotCallable, std::string("cannot call a value of type ") + type_name(callee));
}

bool call_method_op(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  Value* recv = sp - ip->y - 1;
  Value r;
  if (!call_method(*vm, as_symbol(f.closure->proto->consts[size_t(ip->x)]), recv, ip->y, r)) return false;
  *recv = r;
  return true;
}

bool closure(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  Proto* child = vm->program->protos[size_t(f.closure->proto->children[size_t(ip->x)])].get();
  Closure* c = vm->heap.new_closure(child);
  if (!c) return oom(vm);
  for (const UpvalDesc& u : child->upvals)
    c->upvals.push_back(u.from_local ? as_cell(f.base[u.index]) : f.closure->upvals[u.index]);
  sp[0] = Value::object(c);
  return true;
}

bool make_array(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  int n = ip->x;
  Array* a = vm->heap.new_array(size_t(n));
  if (!a) return oom(vm);
  a->items.assign(sp - n, sp);
  sp[-n] = Value::object(a);
  return true;
}

bool make_map(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  int n = ip->x;
  // Account the entries first: note_growth may collect, and the new map is not rooted yet.
  Map* m = vm->heap.note_growth(size_t(n) * sizeof(Map::Entry)) ? vm->heap.new_map() : nullptr;
  if (!m) return oom(vm);
  Value* kv = sp - 2 * n;
  for (int i = 0; i < n; i++) m->set(kv[2 * i], kv[2 * i + 1]);
  kv[0] = Value::object(m);
  return true;
}

bool get_path(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  Value r;
  if (!path_get(*vm, sp[-1], f.closure->proto->consts[size_t(ip->x)], r)) return false;
  sp[-1] = r;
  return true;
}

bool set_path(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  if (!path_set(*vm, sp[-2], f.closure->proto->consts[size_t(ip->x)], sp[-1])) return false;
  sp[-2] = sp[-1];
  return true;
}

bool for_prep(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  if (!check_sequence(*vm, sp[-1])) return false;
  f.base[ip->x] = sp[-1];
  f.base[ip->x + 1] = Value::integer(0);
  return true;
}

// (range a b) as a for sequence: with the range builtin, slot x holds the next int and x+1 the
// end (no array is built); any other callee is called and must return an array.
bool range_prep(VM* vm, Value* sp, const Instr* ip) {
  Frame& f = sync(vm, sp, ip);
  Value callee = sp[-3], a = sp[-2], b = sp[-1];
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

bool throw_value(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  return vm->raise_throw(sp[-1]);
}

}  // namespace

// One entry per opcode, named after it: the table below is built from the opcode list, so a
// missing entry is a compile error. nullptr: no semantics beyond what every engine does inline.
namespace sem {
constexpr OpSemantics CONST = nullptr, INT = nullptr, NIL = nullptr, TRUE = nullptr, FALSE = nullptr;
constexpr OpSemantics POP = nullptr, POPN = nullptr, UNWIND = nullptr, DUP = nullptr;
constexpr OpSemantics LOAD_LOCAL = nullptr, STORE_LOCAL = nullptr, LOAD_CELL = nullptr, STORE_CELL = nullptr;
constexpr OpSemantics MAKE_CELL = make_cell, LOAD_UPVAL = load_upval, STORE_UPVAL = store_upval;
constexpr OpSemantics LOAD_GLOBAL = load_global, STORE_GLOBAL = store_global, DEFINE_GLOBAL = nullptr;
constexpr OpSemantics ADD = binary<op_add>, SUB = binary<op_sub>, MUL = binary<op_mul>, DIV = binary<op_div>,
                      MOD = binary<op_mod>;
constexpr OpSemantics NEG = unary<op_neg>, POS = unary<op_pos>, NOT = nullptr;
constexpr OpSemantics LT = binary<op_lt>, LE = binary<op_le>, GT = binary<op_gt>, GE = binary<op_ge>;
constexpr OpSemantics EQ = equality<false>, NE = equality<true>;
constexpr OpSemantics ADD_INT = binary_imm<op_add>, SUB_INT = binary_imm<op_sub>, MOD_INT = binary_imm<op_mod>;
constexpr OpSemantics INC_LOCAL = inc_local;
// Compare-and-branch ops decide a jump: branch_semantics.
constexpr OpSemantics JUMP_UNLESS_LT = nullptr, JUMP_UNLESS_LE = nullptr, JUMP_UNLESS_GT = nullptr,
                      JUMP_UNLESS_GE = nullptr, JUMP_UNLESS_EQ = nullptr, JUMP_UNLESS_NE = nullptr;
constexpr OpSemantics JUMP = nullptr, LOOP = nullptr, JUMP_IF_FALSE = nullptr, JUMP_IF_TRUE = nullptr;
constexpr OpSemantics AND_JUMP = nullptr, OR_JUMP = nullptr;
constexpr OpSemantics CALL = call, CALL_METHOD = call_method_op, RETURN = nullptr, CLOSURE = closure;
constexpr OpSemantics MAKE_ARRAY = make_array, MAKE_MAP = make_map, GET_PATH = get_path, SET_PATH = set_path;
constexpr OpSemantics FOR_PREP = for_prep, RANGE_PREP = range_prep;
constexpr OpSemantics FOR_NEXT = nullptr;  // for_next_step
constexpr OpSemantics THROW = throw_value;
}  // namespace sem

const OpSemantics kOpSemantics[kOpCount] = {
#define GENE_OP_SEMANTICS(name, ...) sem::name,
    GENE_OPCODES(GENE_OP_SEMANTICS)
#undef GENE_OP_SEMANTICS
};

OpSemantics op_semantics(Op op) { return kOpSemantics[int(op)]; }

int branch_semantics(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value r;
  bool ok;
  switch (ip->op) {
    case Op::JUMP_UNLESS_LT: ok = op_lt(*vm, sp[-2], sp[-1], r); break;
    case Op::JUMP_UNLESS_LE: ok = op_le(*vm, sp[-2], sp[-1], r); break;
    case Op::JUMP_UNLESS_GT: ok = op_gt(*vm, sp[-2], sp[-1], r); break;
    case Op::JUMP_UNLESS_GE: ok = op_ge(*vm, sp[-2], sp[-1], r); break;
    case Op::JUMP_UNLESS_EQ: return values_equal(sp[-2], sp[-1]) ? 0 : 1;
    case Op::JUMP_UNLESS_NE: return values_equal(sp[-2], sp[-1]) ? 1 : 0;
    default: return -1;
  }
  if (!ok) return -1;
  return r.truthy() ? 0 : 1;
}

int32_t unwind_frame(VM& vm, bool* was_entry) {
  Frame& f = vm.frames.back();
  Proto* proto = f.closure->proto;
  int32_t at = int32_t(f.pc - proto->code.data());
  if (vm.error.line == 0) vm.error.line = proto->lines[size_t(at)];
  if (const Handler* h = find_handler(*proto, at)) {
    Value* sp = f.base + proto->nslots + h->depth;
    vm.sp = sp;  // the caught value is built with the live operands below it rooted
    sp[0] = vm.take_error_value();
    vm.sp = sp + 1;
    return h->target;
  }
  *was_entry = f.entry;
  vm.sp = f.base - 1;
  vm.frames.pop_back();
  return -1;
}

}  // namespace gene
