#include "interp/interpreter.h"

#include "interp/collections.h"
#include "interp/object.h"
#include "interp/operators.h"

namespace gene {

bool push_call_frame(VM& vm, Closure* c, Value* callee_slot, int argc, bool entry) {
  Proto* p = c->proto;
  if (p->nparams != argc) {
    std::string name = p->name.empty() ? "fn" : "fn " + p->name;
    return vm.raise(ErrorKind::ArityMismatch, name + " expects " + std::to_string(p->nparams) +
                                                  " argument" + (p->nparams == 1 ? "" : "s") + ", got " +
                                                  std::to_string(argc));
  }
  if (vm.frames.top >= vm.frames.call_limit)  // the top level + max_depth calls
    return vm.raise(ErrorKind::StackOverflow,
                    "call depth exceeds " + std::to_string(vm.opts.max_depth) + " (--max-depth)");
  Value* base = callee_slot + 1;
  if (base + p->nslots + p->max_stack + 1 > vm.stack_end)
    return vm.raise(ErrorKind::StackOverflow, "value stack exhausted");
  for (int i = argc; i < p->nslots; i++) base[i] = Value::nil();
  vm.sp = base + p->nslots;
  vm.frames.push_back({c, p->code.data(), base, entry});
  return true;
}

namespace {

// The dispatch loop, instantiated twice: kCount adds a per-opcode execution counter (for the
// harness's opcode coverage) without costing the normal loop anything.
template <bool kCount>
bool run_loop(VM& vm) {
  static void* const kLabels[] = {
#define GENE_OP_LABEL(name, ...) &&L_##name,
      GENE_OPCODES(GENE_OP_LABEL)
#undef GENE_OP_LABEL
  };

  Frame* f = &vm.frames.back();
  Proto* proto = f->closure->proto;
  const Instr* ip = f->pc;
  Value* base = f->base;
  Value* sp = vm.sp;
  // Constants and globals are read through proto/vm rather than cached in locals: fewer live
  // values keeps ip, sp and base in registers across the dispatch loop.
#define consts (proto->consts.data())
#define globals (vm.globals.data())

// Registers are the truth inside the loop; SYNC publishes them before anything that can
// allocate (GC scans up to vm.sp), raise (the unwinder reads f->pc) or call out.
#define SYNC() (vm.sp = sp, f->pc = ip)
#define DISPATCH()                                 \
  do {                                             \
    if constexpr (kCount) vm.op_counts[int(ip->op)]++; \
    goto* kLabels[int(ip->op)];                    \
  } while (0)
#define NEXT() \
  do {         \
    ++ip;      \
    DISPATCH(); \
  } while (0)
#define LOAD_FRAME()                    \
  do {                                  \
    f = &vm.frames.back();              \
    proto = f->closure->proto;          \
    base = f->base;                     \
  } while (0)

  DISPATCH();

L_CONST:
  *sp++ = consts[ip->x];
  NEXT();
L_INT:
  *sp++ = Value::integer(ip->x);
  NEXT();
L_NIL:
  *sp++ = Value::nil();
  NEXT();
L_TRUE:
  *sp++ = Value::boolean(true);
  NEXT();
L_FALSE:
  *sp++ = Value::boolean(false);
  NEXT();
L_POP:
  --sp;
  NEXT();
L_POPN:
  sp -= ip->x;
  NEXT();
L_UNWIND:
  sp[-1 - ip->x] = sp[-1];
  sp -= ip->x;
  NEXT();
L_DUP:
  sp[0] = sp[-1];
  ++sp;
  NEXT();
L_LOAD_LOCAL:
  *sp++ = base[ip->x];
  NEXT();
L_STORE_LOCAL:
  base[ip->x] = *--sp;
  NEXT();
L_LOAD_CELL:
  *sp++ = as_cell(base[ip->x])->value;
  NEXT();
L_STORE_CELL:
  as_cell(base[ip->x])->value = *--sp;
  NEXT();
L_MAKE_CELL: {
  SYNC();  // the value stays on the stack (rooted) while the cell is allocated
  Cell* c = vm.heap.new_cell(sp[-1]);
  if (!c) {
    vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
    goto error;
  }
  base[ip->x] = Value::object(c);
  --sp;
  NEXT();
}
L_LOAD_UPVAL:
  *sp++ = f->closure->upvals[ip->x]->value;
  NEXT();
L_STORE_UPVAL:
  f->closure->upvals[ip->x]->value = *--sp;
  NEXT();
L_LOAD_GLOBAL: {
  Value v = globals[ip->x];
  if (v.is_undefined()) {
    SYNC();
    vm.raise(ErrorKind::UndefinedVariable, "undefined variable '" + vm.global_name(ip->x) + "'");
    goto error;
  }
  *sp++ = v;
  NEXT();
}
L_STORE_GLOBAL:
  if (globals[ip->x].is_undefined()) {
    SYNC();
    vm.raise(ErrorKind::UndefinedVariable,
             "assignment to '" + vm.global_name(ip->x) + "' before its declaration ran");
    goto error;
  }
  globals[ip->x] = *--sp;
  NEXT();
L_DEFINE_GLOBAL:
  globals[ip->x] = *--sp;
  NEXT();

// Arithmetic: int and float fast paths inline, everything else through operators.cpp.
#define BINARY_SLOW(fn)                    \
  do {                                     \
    SYNC();                                \
    Value r;                               \
    if (!fn(vm, sp[-2], sp[-1], r)) goto error; \
    sp[-2] = r;                            \
    --sp;                                  \
    NEXT();                                \
  } while (0)

L_ADD: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int()) {
    int64_t r = a.as_int() + b.as_int();
    if (int_fits(r)) {
      sp[-2] = Value::integer(r);
      --sp;
      NEXT();
    }
  } else if (a.is_double() && b.is_double()) {
    sp[-2] = Value::number(a.as_double() + b.as_double());
    --sp;
    NEXT();
  }
  BINARY_SLOW(op_add);
}
L_SUB: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int()) {
    int64_t r = a.as_int() - b.as_int();
    if (int_fits(r)) {
      sp[-2] = Value::integer(r);
      --sp;
      NEXT();
    }
  } else if (a.is_double() && b.is_double()) {
    sp[-2] = Value::number(a.as_double() - b.as_double());
    --sp;
    NEXT();
  }
  BINARY_SLOW(op_sub);
}
L_MUL: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int()) {
    int64_t r;
    if (!__builtin_mul_overflow(a.as_int(), b.as_int(), &r) && int_fits(r)) {
      sp[-2] = Value::integer(r);
      --sp;
      NEXT();
    }
  } else if (a.is_double() && b.is_double()) {
    sp[-2] = Value::number(a.as_double() * b.as_double());
    --sp;
    NEXT();
  }
  BINARY_SLOW(op_mul);
}
L_DIV:
  BINARY_SLOW(op_div);
L_MOD: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int() && b.as_int() > 0) {
    sp[-2] = Value::integer(a.as_int() % b.as_int());
    --sp;
    NEXT();
  }
  BINARY_SLOW(op_mod);
}
L_NEG: {
  SYNC();
  Value r;
  if (!op_neg(vm, sp[-1], r)) goto error;
  sp[-1] = r;
  NEXT();
}
L_POS: {
  SYNC();
  Value r;
  if (!op_pos(vm, sp[-1], r)) goto error;
  sp[-1] = r;
  NEXT();
}
L_NOT:
  sp[-1] = Value::boolean(!sp[-1].truthy());
  NEXT();

#define COMPARE(cmp, fn)                                         \
  do {                                                           \
    Value a = sp[-2], b = sp[-1];                                \
    if (a.is_int() && b.is_int()) {                              \
      sp[-2] = Value::boolean(a.as_int() cmp b.as_int());        \
      --sp;                                                      \
      NEXT();                                                    \
    }                                                            \
    BINARY_SLOW(fn);                                             \
  } while (0)

L_LT:
  COMPARE(<, op_lt);
L_LE:
  COMPARE(<=, op_le);
L_GT:
  COMPARE(>, op_gt);
L_GE:
  COMPARE(>=, op_ge);
L_EQ:
  sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1]));
  --sp;
  NEXT();
L_NE:
  sp[-2] = Value::boolean(!values_equal(sp[-2], sp[-1]));
  --sp;
  NEXT();

// Peephole forms: the same semantics as their two-instruction expansions.
#define BINARY_INT_SLOW(fn)                                     \
  do {                                                          \
    SYNC();                                                     \
    Value r;                                                    \
    if (!fn(vm, sp[-1], Value::integer(ip->x), r)) goto error;  \
    sp[-1] = r;                                                 \
    NEXT();                                                     \
  } while (0)
L_ADD_INT: {
  Value a = sp[-1];
  if (a.is_int()) {
    int64_t r = a.as_int() + ip->x;
    if (int_fits(r)) {
      sp[-1] = Value::integer(r);
      NEXT();
    }
  }
  BINARY_INT_SLOW(op_add);
}
L_SUB_INT: {
  Value a = sp[-1];
  if (a.is_int()) {
    int64_t r = a.as_int() - ip->x;
    if (int_fits(r)) {
      sp[-1] = Value::integer(r);
      NEXT();
    }
  }
  BINARY_INT_SLOW(op_sub);
}
L_MOD_INT: {
  Value a = sp[-1];
  if (a.is_int()) {  // the compiler only fuses positive divisors
    int64_t n = a.as_int();
    // A 32-bit divide is several times cheaper than a 64-bit one and exact when n fits.
    sp[-1] = Value::integer(n == int32_t(n) ? int64_t(int32_t(n) % ip->x) : n % ip->x);
    NEXT();
  }
  BINARY_INT_SLOW(op_mod);
}

L_INC_LOCAL: {
  Value* slot = base + ip->y;
  if (slot->is_int()) {
    int64_t r = slot->as_int() + ip->x;
    if (int_fits(r)) {
      *slot = Value::integer(r);
      NEXT();
    }
  }
  SYNC();
  Value r;
  if (!op_add(vm, *slot, Value::integer(ip->x), r)) goto error;
  *slot = r;
  NEXT();
}

#define COMPARE_JUMP(cmp, fn)                                    \
  do {                                                           \
    Value a = sp[-2], b = sp[-1];                                \
    bool taken;                                                  \
    if (a.is_int() && b.is_int()) {                              \
      taken = !(a.as_int() cmp b.as_int());                      \
    } else {                                                     \
      SYNC();                                                    \
      Value r;                                                   \
      if (!fn(vm, a, b, r)) goto error;                          \
      taken = !r.truthy();                                       \
    }                                                            \
    sp -= 2;                                                     \
    if (taken) {                                                 \
      ip = proto->code.data() + ip->x;                           \
      DISPATCH();                                                \
    }                                                            \
    NEXT();                                                      \
  } while (0)
L_JUMP_UNLESS_LT:
  COMPARE_JUMP(<, op_lt);
L_JUMP_UNLESS_LE:
  COMPARE_JUMP(<=, op_le);
L_JUMP_UNLESS_GT:
  COMPARE_JUMP(>, op_gt);
L_JUMP_UNLESS_GE:
  COMPARE_JUMP(>=, op_ge);
L_JUMP_UNLESS_EQ: {
  bool eq = values_equal(sp[-2], sp[-1]);
  sp -= 2;
  if (!eq) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  NEXT();
}
L_JUMP_UNLESS_NE: {
  bool eq = values_equal(sp[-2], sp[-1]);
  sp -= 2;
  if (eq) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  NEXT();
}

L_JUMP:
  ip = proto->code.data() + ip->x;
  DISPATCH();
L_LOOP:
  ip = proto->code.data() + ip->x;
  if (vm.hooks.on_loop) {
    SYNC();
    if (NativeEntry code = vm.hooks.on_loop(vm, proto, int32_t(ip - proto->code.data()))) {
      // On-stack replacement: compiled code takes over this frame at the loop header and runs
      // it to completion; then carry on as if the frame had returned or unwound here.
      bool entry = f->entry;
      bool ok = code(&vm, base, f, int32_t(ip - proto->code.data()));
      if (entry) return ok;
      LOAD_FRAME();
      ip = f->pc;
      if (!ok) goto error;
      sp = vm.sp;
      NEXT();
    }
  }
  DISPATCH();
L_JUMP_IF_FALSE:
  if (!(*--sp).truthy()) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  NEXT();
L_JUMP_IF_TRUE:
  if ((*--sp).truthy()) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  NEXT();
L_AND_JUMP:
  if (!sp[-1].truthy()) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  --sp;
  NEXT();
L_OR_JUMP:
  if (sp[-1].truthy()) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  --sp;
  NEXT();

L_CALL: {
  int argc = ip->x;
  Value* callee_slot = sp - argc - 1;
  Value callee = *callee_slot;
  SYNC();
  if (is_obj_type(callee, ObjType::Closure)) {
    if (vm.hooks.on_call) {
      if (NativeEntry code = vm.hooks.on_call(vm, as_closure(callee)->proto)) {
        if (!push_call_frame(vm, as_closure(callee), callee_slot, argc, true)) goto error;
        Frame* callee_frame = &vm.frames.back();
        if (!code(&vm, callee_frame->base, callee_frame, 0)) goto error;
        sp = vm.sp;
        NEXT();
      }
    }
    if (!push_call_frame(vm, as_closure(callee), callee_slot, argc, false)) goto error;
    LOAD_FRAME();
    ip = proto->code.data();
    sp = vm.sp;
    DISPATCH();
  }
  if (is_obj_type(callee, ObjType::Builtin)) {
    Value r;
    if (!as_builtin(callee)->fn(vm, callee_slot + 1, argc, r)) goto error;
    sp = callee_slot;
    *sp++ = r;
    NEXT();
  }
  vm.raise(ErrorKind::NotCallable, std::string("cannot call a value of type ") + type_name(callee));
  goto error;
}
L_CALL_METHOD: {
  int argc = ip->y;
  Value* recv = sp - argc - 1;
  SYNC();
  Value r;
  if (!call_method(vm, as_symbol(consts[ip->x]), recv, argc, r)) goto error;
  sp = recv;
  *sp++ = r;
  NEXT();
}
L_RETURN: {
  Value r = sp[-1];
  bool entry = f->entry;
  sp = base - 1;  // drop the frame and its callee slot
  *sp++ = r;
  vm.frames.pop_back();
  if (entry) {
    vm.sp = sp;
    return true;
  }
  LOAD_FRAME();
  ip = f->pc + 1;
  DISPATCH();
}
L_CLOSURE: {
  SYNC();
  Proto* child = vm.program->protos[proto->children[ip->x]].get();
  Closure* c = vm.heap.new_closure(child);
  if (!c) {
    vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
    goto error;
  }
  for (const UpvalDesc& u : child->upvals)
    c->upvals.push_back(u.from_local ? as_cell(base[u.index]) : f->closure->upvals[u.index]);
  *sp++ = Value::object(c);
  NEXT();
}
L_MAKE_ARRAY: {
  SYNC();
  int n = ip->x;
  Array* a = vm.heap.new_array(size_t(n));
  if (!a) {
    vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
    goto error;
  }
  a->items.assign(sp - n, sp);
  sp -= n;
  *sp++ = Value::object(a);
  NEXT();
}
L_MAKE_MAP: {
  SYNC();
  int n = ip->x;
  // Account the entries first: note_growth may collect, and the new map is not rooted yet.
  Map* m = vm.heap.note_growth(size_t(n) * sizeof(Map::Entry)) ? vm.heap.new_map() : nullptr;
  if (!m) {
    vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
    goto error;
  }
  Value* kv = sp - 2 * n;
  for (int i = 0; i < n; i++) m->set(kv[2 * i], kv[2 * i + 1]);
  sp = kv;
  *sp++ = Value::object(m);
  NEXT();
}
L_GET_PATH: {
  SYNC();
  Value r;
  if (!path_get(vm, sp[-1], consts[ip->x], r)) goto error;
  sp[-1] = r;
  NEXT();
}
L_SET_PATH: {
  SYNC();
  if (!path_set(vm, sp[-2], consts[ip->x], sp[-1])) goto error;
  sp[-2] = sp[-1];
  --sp;
  NEXT();
}
L_FOR_PREP: {
  SYNC();
  if (!check_sequence(vm, sp[-1])) goto error;
  base[ip->x] = sp[-1];
  base[ip->x + 1] = Value::integer(0);
  --sp;
  NEXT();
}
L_RANGE_PREP: {
  Value callee = sp[-3], a = sp[-2], b = sp[-1];
  SYNC();
  if (callee == vm.range_builtin) {
    if (!a.is_int() || !b.is_int()) {
      vm.raise(ErrorKind::TypeError, "range expects two ints");
      goto error;
    }
    // Range mode: slot x holds the next int, slot x+1 the end.
    base[ip->x] = a;
    base[ip->x + 1] = b;
    sp -= 3;
    NEXT();
  }
  Value seq;
  if (!call_value(vm, callee, sp - 2, 2, seq)) goto error;
  sp = vm.sp;
  if (!check_sequence(vm, seq)) goto error;
  base[ip->x] = seq;
  base[ip->x + 1] = Value::integer(0);
  sp -= 3;
  NEXT();
}
L_FOR_NEXT: {
  Value* slots = base + ip->y;
  if (slots[0].is_int()) {
    int64_t cur = slots[0].as_int();
    if (cur < slots[1].as_int()) {
      *sp++ = slots[0];
      slots[0] = Value::integer(cur + 1);
      NEXT();
    }
  } else {
    Array* a = as_array(slots[0]);
    int64_t i = slots[1].as_int();
    if (size_t(i) < a->items.size()) {
      *sp++ = a->items[size_t(i)];
      slots[1] = Value::integer(i + 1);
      NEXT();
    }
  }
  ip = proto->code.data() + ip->x;
  DISPATCH();
}
L_THROW:
  SYNC();
  vm.raise_throw(sp[-1]);
  goto error;

error:
  // Unwind: the innermost handler covering the failing instruction in this frame or a caller.
  for (;;) {
    if (vm.error.line == 0) vm.error.line = proto->lines[size_t(ip - proto->code.data())];
    if (const Handler* h = find_handler(*proto, int32_t(ip - proto->code.data()))) {
      sp = base + proto->nslots + h->depth;
      vm.sp = sp;
      *sp++ = vm.take_error_value();
      ip = proto->code.data() + h->target;
      DISPATCH();
    }
    bool entry = f->entry;
    vm.sp = base - 1;
    vm.frames.pop_back();
    if (entry) return false;
    LOAD_FRAME();
    ip = f->pc;
  }
#undef SYNC
#undef DISPATCH
#undef NEXT
#undef LOAD_FRAME
#undef BINARY_SLOW
#undef COMPARE
#undef COMPARE_JUMP
#undef consts
#undef globals
#undef BINARY_INT_SLOW
}

}  // namespace

bool interpret(VM& vm) { return vm.op_counts ? run_loop<true>(vm) : run_loop<false>(vm); }

bool call_value(VM& vm, Value callee, const Value* args, int argc, Value& result) {
  if (is_obj_type(callee, ObjType::Builtin)) {
    // Copy to the stack so the arguments stay rooted even if `args` points elsewhere.
    Value* slot = vm.sp;
    if (slot + argc + 1 > vm.stack_end) return vm.raise(ErrorKind::StackOverflow, "value stack exhausted");
    slot[0] = callee;
    for (int i = 0; i < argc; i++) slot[1 + i] = args[i];
    vm.sp = slot + 1 + argc;
    bool ok = as_builtin(callee)->fn(vm, slot + 1, argc, result);
    vm.sp = slot;
    return ok;
  }
  if (!is_obj_type(callee, ObjType::Closure))
    return vm.raise(ErrorKind::NotCallable, std::string("cannot call a value of type ") + type_name(callee));
  Value* slot = vm.sp;
  if (slot + argc + 1 > vm.stack_end) return vm.raise(ErrorKind::StackOverflow, "value stack exhausted");
  slot[0] = callee;
  for (int i = 0; i < argc; i++) slot[1 + i] = args[i];
  vm.sp = slot + 1 + argc;
  if (!push_call_frame(vm, as_closure(callee), slot, argc, true)) {
    vm.sp = slot;
    return false;
  }
  if (!interpret(vm)) return false;
  result = vm.sp[-1];
  vm.sp = slot;
  return true;
}

bool run_program(VM& vm, Program& prog, Value& result) {
  vm.program = &prog;
  Closure* top = vm.heap.new_closure(prog.top());
  if (!top) return vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded");
  vm.sp = vm.stack;
  *vm.sp++ = Value::object(top);
  Proto* p = prog.top();
  Value* base = vm.sp;
  for (int i = 0; i < p->nslots; i++) base[i] = Value::nil();
  vm.sp = base + p->nslots;
  vm.frames.clear();
  vm.frames.push_back({top, p->code.data(), base, true});
  NativeEntry code = vm.hooks.on_call ? vm.hooks.on_call(vm, p) : nullptr;
  if (!(code ? code(&vm, base, &vm.frames.back(), 0) : interpret(vm))) return false;
  result = vm.sp[-1];
  return true;
}

}  // namespace gene
