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

bool h_generic(VM* vm, Value* sp, const Instr* ip) {
  sync(vm, sp, ip);
  Frame& f = vm->frames.back();
  Value* base = f.base;
  Proto* proto = f.closure->proto;
  switch (ip->op) {
    case Op::ADD: return binary(vm, sp, op_add);
    case Op::SUB: return binary(vm, sp, op_sub);
    case Op::MUL: return binary(vm, sp, op_mul);
    case Op::DIV: return binary(vm, sp, op_div);
    case Op::MOD: return binary(vm, sp, op_mod);
    case Op::LT: return binary(vm, sp, op_lt);
    case Op::LE: return binary(vm, sp, op_le);
    case Op::GT: return binary(vm, sp, op_gt);
    case Op::GE: return binary(vm, sp, op_ge);
    case Op::EQ: sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1])); return true;
    case Op::NE: sp[-2] = Value::boolean(!values_equal(sp[-2], sp[-1])); return true;
    case Op::ADD_INT: return binary_imm(vm, sp, op_add, ip->x);
    case Op::SUB_INT: return binary_imm(vm, sp, op_sub, ip->x);
    case Op::MOD_INT: return binary_imm(vm, sp, op_mod, ip->x);
    case Op::NEG: {
      Value r;
      if (!op_neg(*vm, sp[-1], r)) return false;
      sp[-1] = r;
      return true;
    }
    case Op::POS: {
      Value r;
      if (!op_pos(*vm, sp[-1], r)) return false;
      sp[-1] = r;
      return true;
    }
    case Op::INC_LOCAL: {
      Value r;
      if (!op_add(*vm, base[ip->y], Value::integer(ip->x), r)) return false;
      base[ip->y] = r;
      return true;
    }
    case Op::LOAD_GLOBAL:
      if (vm->globals[size_t(ip->x)].is_undefined())
        return vm->raise(ErrorKind::UndefinedVariable, "undefined variable '" + vm->global_name(ip->x) + "'");
      sp[0] = vm->globals[size_t(ip->x)];
      return true;
    case Op::STORE_GLOBAL:
      if (vm->globals[size_t(ip->x)].is_undefined())
        return vm->raise(ErrorKind::UndefinedVariable,
                         "assignment to '" + vm->global_name(ip->x) + "' before its declaration ran");
      vm->globals[size_t(ip->x)] = sp[-1];
      return true;
    case Op::MAKE_CELL: {
      Cell* c = vm->heap.new_cell(sp[-1]);
      if (!c) return oom(vm);
      base[ip->x] = Value::object(c);
      return true;
    }
    case Op::LOAD_UPVAL: sp[0] = f.closure->upvals[size_t(ip->x)]->value; return true;
    case Op::STORE_UPVAL: f.closure->upvals[size_t(ip->x)]->value = sp[-1]; return true;
    case Op::CALL_METHOD: {
      Value* recv = sp - ip->y - 1;
      Value r;
      if (!call_method(*vm, as_symbol(proto->consts[size_t(ip->x)]), recv, ip->y, r)) return false;
      *recv = r;
      return true;
    }
    case Op::CLOSURE: {
      Proto* child = vm->program->protos[size_t(proto->children[size_t(ip->x)])].get();
      Closure* c = vm->heap.new_closure(child);
      if (!c) return oom(vm);
      for (const UpvalDesc& u : child->upvals)
        c->upvals.push_back(u.from_local ? as_cell(base[u.index]) : f.closure->upvals[u.index]);
      sp[0] = Value::object(c);
      return true;
    }
    case Op::MAKE_ARRAY: {
      int n = ip->x;
      Array* a = vm->heap.new_array(size_t(n));
      if (!a) return oom(vm);
      a->items.assign(sp - n, sp);
      sp[-n] = Value::object(a);
      return true;
    }
    case Op::MAKE_MAP: {
      int n = ip->x;
      Map* m = vm->heap.new_map();
      if (!m || !vm->heap.note_growth(size_t(n) * sizeof(Map::Entry))) return oom(vm);
      Value* kv = sp - 2 * n;
      for (int i = 0; i < n; i++) m->set(kv[2 * i], kv[2 * i + 1]);
      kv[0] = Value::object(m);
      return true;
    }
    case Op::GET_PATH: {
      Value r;
      if (!path_get(*vm, sp[-1], proto->consts[size_t(ip->x)], r)) return false;
      sp[-1] = r;
      return true;
    }
    case Op::SET_PATH:
      if (!path_set(*vm, sp[-2], proto->consts[size_t(ip->x)], sp[-1])) return false;
      sp[-2] = sp[-1];
      return true;
    case Op::FOR_PREP:
      if (!check_sequence(*vm, sp[-1])) return false;
      base[ip->x] = sp[-1];
      base[ip->x + 1] = Value::integer(0);
      return true;
    case Op::RANGE_PREP: {
      Value callee = sp[-3], a = sp[-2], b = sp[-1];
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
    case Op::THROW: return vm->raise_throw(sp[-1]);
    default: return vm->raise(ErrorKind::TypeError, std::string("internal: no generic helper for ") + op_info(ip->op).name);
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

void h_return(VM* vm, Value* base, uint64_t result_bits) {
  base[-1] = Value::from_bits(result_bits);
  vm->sp = base;
  vm->frames.pop_back();
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
