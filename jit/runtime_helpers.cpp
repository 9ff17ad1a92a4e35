#include "jit/runtime_helpers.h"

#include "interp/collections.h"
#include "interp/interpreter.h"
#include "interp/object.h"
#include "interp/operators.h"

namespace gene::jit {

namespace {

inline void sync(VM* vm, Value* sp, const Instr* ip) {
  vm->sp = sp;
  vm->frames.back().pc = ip;
}

bool oom(VM* vm) { return vm->raise(ErrorKind::OutOfMemory, "heap limit exceeded"); }

using BinaryFn = bool (*)(VM&, Value, Value, Value&);

bool binary(VM* vm, Value* sp, BinaryFn fn) {
  Value r;
  if (!fn(*vm, sp[-2], sp[-1], r)) return false;
  sp[-2] = r;
  return true;
}

bool binary_imm(VM* vm, Value* sp, BinaryFn fn, int32_t imm) {
  Value r;
  if (!fn(*vm, sp[-1], Value::integer(imm), r)) return false;
  sp[-1] = r;
  return true;
}

}  // namespace

bool h_call(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  int argc = ip->x;
  Value* slot = sp - argc - 1;
  Value callee = *slot;
  if (is_obj_type(callee, ObjType::Closure)) {
    Closure* c = as_closure(callee);
    auto code = reinterpret_cast<NativeEntry>(c->proto->jit_entry);
    if (!code && vm->hooks.on_call) code = vm->hooks.on_call(*vm, c->proto);
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

// One small helper per instruction, so each call does only its own work.
namespace ops {

#define BINARY_HELPER(name, fn) \
  bool name(VM* vm, Value* sp, const Instr* ip) { \
    sync(vm, sp, ip);                          \
    return binary(vm, sp, fn);                 \
  }
BINARY_HELPER(add, op_add)
BINARY_HELPER(sub, op_sub)
BINARY_HELPER(mul, op_mul)
BINARY_HELPER(div, op_div)
BINARY_HELPER(mod, op_mod)
BINARY_HELPER(lt, op_lt)
BINARY_HELPER(le, op_le)
BINARY_HELPER(gt, op_gt)
BINARY_HELPER(ge, op_ge)
#undef BINARY_HELPER

#define BINARY_IMM_HELPER(name, fn) \
  bool name(VM* vm, Value* sp, const Instr* ip) { \
    sync(vm, sp, ip);                          \
    return binary_imm(vm, sp, fn, ip->x);      \
  }
BINARY_IMM_HELPER(add_int, op_add)
BINARY_IMM_HELPER(sub_int, op_sub)
BINARY_IMM_HELPER(mod_int, op_mod)
#undef BINARY_IMM_HELPER

bool eq(VM*, Value* sp, const Instr*) {
  sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1]));
  return true;
}
bool ne(VM*, Value* sp, const Instr*) {
  sp[-2] = Value::boolean(!values_equal(sp[-2], sp[-1]));
  return true;
}
bool neg(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value r;
  if (!op_neg(*vm, sp[-1], r)) return false;
  sp[-1] = r;
  return true;
}
bool pos(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value r;
  if (!op_pos(*vm, sp[-1], r)) return false;
  sp[-1] = r;
  return true;
}
bool inc_local(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value* slot = vm->frames.back().base + ip->y;
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
  sync(vm, sp, ip);
  Cell* c = vm->heap.new_cell(sp[-1]);
  if (!c) return oom(vm);
  vm->frames.back().base[ip->x] = Value::object(c);
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
bool call_method(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value* recv = sp - ip->y - 1;
  Value r;
  Proto* proto = vm->frames.back().closure->proto;
  if (!gene::call_method(*vm, as_symbol(proto->consts[size_t(ip->x)]), recv, ip->y, r)) return false;
  *recv = r;
  return true;
}
bool closure(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Frame& f = vm->frames.back();
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
  sync(vm, sp, ip);
  Value r;
  if (!path_get(*vm, sp[-1], vm->frames.back().closure->proto->consts[size_t(ip->x)], r)) return false;
  sp[-1] = r;
  return true;
}
bool set_path(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (!path_set(*vm, sp[-2], vm->frames.back().closure->proto->consts[size_t(ip->x)], sp[-1])) return false;
  sp[-2] = sp[-1];
  return true;
}
bool for_prep(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  if (!check_sequence(*vm, sp[-1])) return false;
  Value* base = vm->frames.back().base;
  base[ip->x] = sp[-1];
  base[ip->x + 1] = Value::integer(0);
  return true;
}
bool range_prep(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Value callee = sp[-3], a = sp[-2], b = sp[-1];
  Value* base = vm->frames.back().base;
  if (callee == vm->range_builtin) {
    if (!a.is_int() || !b.is_int()) return vm->raise(ErrorKind::TypeError, "range expects two ints");
    base[ip->x] = a;
    base[ip->x + 1] = b;
    return true;
  }
  Value seq;
  if (!call_value(*vm, callee, sp - 2, 2, seq)) return false;
  if (!check_sequence(*vm, seq)) return false;
  base[ip->x] = seq;
  base[ip->x + 1] = Value::integer(0);
  return true;
}
bool throw_value(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  return vm->raise_throw(sp[-1]);
}

}  // namespace ops

OpHelper op_helper(Op op) {
  switch (op) {
    case Op::ADD: return ops::add;
    case Op::SUB: return ops::sub;
    case Op::MUL: return ops::mul;
    case Op::DIV: return ops::div;
    case Op::MOD: return ops::mod;
    case Op::LT: return ops::lt;
    case Op::LE: return ops::le;
    case Op::GT: return ops::gt;
    case Op::GE: return ops::ge;
    case Op::EQ: return ops::eq;
    case Op::NE: return ops::ne;
    case Op::ADD_INT: return ops::add_int;
    case Op::SUB_INT: return ops::sub_int;
    case Op::MOD_INT: return ops::mod_int;
    case Op::NEG: return ops::neg;
    case Op::POS: return ops::pos;
    case Op::INC_LOCAL: return ops::inc_local;
    case Op::LOAD_GLOBAL: return ops::load_global;
    case Op::STORE_GLOBAL: return ops::store_global;
    case Op::MAKE_CELL: return ops::make_cell;
    case Op::LOAD_UPVAL: return ops::load_upval;
    case Op::STORE_UPVAL: return ops::store_upval;
    case Op::CALL: return h_call;
    case Op::CALL_METHOD: return ops::call_method;
    case Op::CLOSURE: return ops::closure;
    case Op::MAKE_ARRAY: return ops::make_array;
    case Op::MAKE_MAP: return ops::make_map;
    case Op::GET_PATH: return ops::get_path;
    case Op::SET_PATH: return ops::set_path;
    case Op::FOR_PREP: return ops::for_prep;
    case Op::RANGE_PREP: return ops::range_prep;
    case Op::THROW: return ops::throw_value;
    default: return nullptr;  // handled entirely inline
  }
}

int h_branch(VM* vm, Value* sp, const Instr* ip) {
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

int h_for_next(VM* vm, Value* sp, const Instr* ip) {
  Value* slots = vm->frames.back().base + ip->y;
  if (slots[0].is_int()) {
    int64_t cur = slots[0].as_int();
    if (cur >= slots[1].as_int()) return 0;
    sp[0] = slots[0];
    slots[0] = Value::integer(cur + 1);
    return 1;
  }
  Array* a = as_array(slots[0]);
  int64_t i = slots[1].as_int();
  if (size_t(i) >= a->items.size()) return 0;
  sp[0] = a->items[size_t(i)];
  slots[1] = Value::integer(i + 1);
  return 1;
}

int h_unwind(VM* vm) {
  Frame& f = vm->frames.back();
  Proto* proto = f.closure->proto;
  int32_t at = int32_t(f.pc - proto->code.data());
  if (vm->error.line == 0) vm->error.line = proto->lines[size_t(at)];
  if (const Handler* h = find_handler(*proto, at)) {
    Value* sp = f.base + proto->nslots + h->depth;
    vm->sp = sp;
    sp[0] = vm->take_error_value();
    vm->sp = sp + 1;
    return h->target;
  }
  vm->sp = f.base - 1;
  vm->frames.pop_back();
  return -1;
}

}  // namespace gene::jit
