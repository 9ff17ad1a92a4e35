#include "interp/interpreter.h"

#include "interp/collections.h"
#include "interp/object.h"
#include "interp/op_semantics_impl.h"
#include "interp/operators.h"
#include "interp/type_feedback.h"

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

// A symbol-path site on a map: where the key is (the lookup again, but only while recording).
void record_path_entry(Proto* proto, const Instr* ip, Value receiver, Value key) {
  if (!is_obj_type(receiver, ObjType::Map) || !is_obj_type(key, ObjType::Symbol)) return;
  const Map* m = as_map(receiver);
  record_map_position(proto->callees, size_t(ip - proto->code.data()), m->find(key), m->entries.in_room());
}

// Whether the loop records type feedback (type_feedback.h) for the speculating tiers. Off: no
// JIT tier or --dump-feedback asked for it (the interpreter alone pays nothing). On: the
// running frame's unit is within its recording window (Proto::feedback_window). Paused: it is
// not; a call or return into a unit that records (or a back edge that ends the window) leaves
// the loop for the other one (LoopExit::Switch), so neither tests per instruction.
enum class Recording : uint8_t { Off, On, Paused };
enum class LoopExit : uint8_t { Failed, Returned, Switch };

// The dispatch loop, instantiated seven times: kRec above; kCount adds a per-opcode execution
// counter (for the harness's opcode coverage) without costing the normal loop anything; kSteps
// takes the --max-steps steps at LOOP and CALL, so a run without the option pays nothing for
// them either.
template <bool kCount, Recording kRec, bool kSteps>
LoopExit run_loop(VM& vm) {
  constexpr bool kFeedback = kRec == Recording::On;
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
#define FEEDBACK(kinds)                              \
  do {                                               \
    if constexpr (kFeedback) record_feedback(ip, kinds); \
  } while (0)
// The opcode's full semantics (op_semantics.h), which reads and writes the operands in place.
#define SLOW_PATH(op)                                                 \
  do {                                                                \
    if constexpr (kRec != Recording::On) {                            \
      if (!sem_unrecorded::op(&vm, sp, ip)) goto error;               \
    } else {                                                          \
      if (!sem::op(&vm, sp, ip)) goto error;                          \
    }                                                                 \
  } while (0)
#define LOAD_FRAME()                    \
  do {                                  \
    f = &vm.frames.back();              \
    proto = f->closure->proto;          \
    base = f->base;                     \
  } while (0)
// After a call or return made another frame the running one: a unit that records (or does not)
// runs in the other loop, from the pc just set.
#define SWITCH_LOOP_IF_NEEDED()                                              \
  do {                                                                       \
    if constexpr (kRec != Recording::Off && !kCount) {                       \
      if ((proto->feedback_window != 0) != (kRec == Recording::On)) {        \
        SYNC();                                                              \
        return LoopExit::Switch;                                             \
      }                                                                      \
    }                                                                        \
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
L_MAKE_CELL:
  SLOW_PATH(MAKE_CELL);
  --sp;
  NEXT();
L_LOAD_UPVAL:
  *sp++ = f->closure->upvals[ip->x]->value;
  NEXT();
L_STORE_UPVAL:
  f->closure->upvals[ip->x]->value = *--sp;
  NEXT();
L_LOAD_GLOBAL: {
  Value v = globals[ip->x];
  if (v.is_undefined()) SLOW_PATH(LOAD_GLOBAL);  // raises
  *sp++ = v;
  NEXT();
}
L_STORE_GLOBAL:
  // Undefined: raises. Watched: stores and tells the JIT.
  if (globals[ip->x].is_undefined() || vm.global_watch[ip->x]) SLOW_PATH(STORE_GLOBAL);
  else globals[ip->x] = sp[-1];
  --sp;
  NEXT();
L_DEFINE_GLOBAL:
  if (vm.global_watch[ip->x]) SLOW_PATH(DEFINE_GLOBAL);
  else globals[ip->x] = sp[-1];
  --sp;
  NEXT();

// Arithmetic: int and float fast paths inline, everything else through the opcode's semantics.
#define BINARY_SLOW(op) \
  do {                  \
    SLOW_PATH(op);      \
    --sp;               \
    NEXT();             \
  } while (0)

L_ADD: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int()) {
    FEEDBACK(kSeenInt);
    int64_t r = a.as_int() + b.as_int();
    if (int_fits(r)) {
      sp[-2] = Value::integer(r);
      --sp;
      NEXT();
    }
  } else if (a.is_double() && b.is_double()) {
    FEEDBACK(kSeenFloat);
    sp[-2] = Value::number(a.as_double() + b.as_double());
    --sp;
    NEXT();
  }
  BINARY_SLOW(ADD);
}
L_SUB: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int()) {
    FEEDBACK(kSeenInt);
    int64_t r = a.as_int() - b.as_int();
    if (int_fits(r)) {
      sp[-2] = Value::integer(r);
      --sp;
      NEXT();
    }
  } else if (a.is_double() && b.is_double()) {
    FEEDBACK(kSeenFloat);
    sp[-2] = Value::number(a.as_double() - b.as_double());
    --sp;
    NEXT();
  }
  BINARY_SLOW(SUB);
}
L_MUL: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int()) {
    FEEDBACK(kSeenInt);
    int64_t r;
    if (!__builtin_mul_overflow(a.as_int(), b.as_int(), &r) && int_fits(r)) {
      sp[-2] = Value::integer(r);
      --sp;
      NEXT();
    }
  } else if (a.is_double() && b.is_double()) {
    FEEDBACK(kSeenFloat);
    sp[-2] = Value::number(a.as_double() * b.as_double());
    --sp;
    NEXT();
  }
  BINARY_SLOW(MUL);
}
L_DIV:
  BINARY_SLOW(DIV);
L_MOD: {
  Value a = sp[-2], b = sp[-1];
  if (a.is_int() && b.is_int() && b.as_int() > 0) {
    FEEDBACK(kSeenInt);
    sp[-2] = Value::integer(a.as_int() % b.as_int());
    --sp;
    NEXT();
  }
  BINARY_SLOW(MOD);
}
L_NEG:
  SLOW_PATH(NEG);
  NEXT();
L_POS:
  SLOW_PATH(POS);
  NEXT();
L_NOT:
  sp[-1] = Value::boolean(!sp[-1].truthy());
  NEXT();

#define COMPARE(cmp, op)                                         \
  do {                                                           \
    Value a = sp[-2], b = sp[-1];                                \
    if (a.is_int() && b.is_int()) {                              \
      FEEDBACK(kSeenInt);                              \
      sp[-2] = Value::boolean(a.as_int() cmp b.as_int());        \
      --sp;                                                      \
      NEXT();                                                    \
    }                                                            \
    BINARY_SLOW(op);                                             \
  } while (0)

L_LT:
  COMPARE(<, LT);
L_LE:
  COMPARE(<=, LE);
L_GT:
  COMPARE(>, GT);
L_GE:
  COMPARE(>=, GE);
L_EQ:
  FEEDBACK(feedback_kinds(sp[-2], sp[-1]));
  sp[-2] = Value::boolean(values_equal(sp[-2], sp[-1]));
  --sp;
  NEXT();
L_NE:
  FEEDBACK(feedback_kinds(sp[-2], sp[-1]));
  sp[-2] = Value::boolean(!values_equal(sp[-2], sp[-1]));
  --sp;
  NEXT();

// Peephole forms: the same semantics as their two-instruction expansions.
#define BINARY_INT_SLOW(op) \
  do {                      \
    SLOW_PATH(op);          \
    NEXT();                 \
  } while (0)
L_ADD_INT: {
  Value a = sp[-1];
  if (a.is_int()) {
    FEEDBACK(kSeenInt);
    int64_t r = a.as_int() + ip->x;
    if (int_fits(r)) {
      sp[-1] = Value::integer(r);
      NEXT();
    }
  }
  BINARY_INT_SLOW(ADD_INT);
}
L_SUB_INT: {
  Value a = sp[-1];
  if (a.is_int()) {
    FEEDBACK(kSeenInt);
    int64_t r = a.as_int() - ip->x;
    if (int_fits(r)) {
      sp[-1] = Value::integer(r);
      NEXT();
    }
  }
  BINARY_INT_SLOW(SUB_INT);
}
L_MOD_INT: {
  Value a = sp[-1];
  if (a.is_int()) {  // the compiler only fuses positive divisors
    FEEDBACK(kSeenInt);
    int64_t n = a.as_int();
    // A 32-bit divide is several times cheaper than a 64-bit one and exact when n fits.
    sp[-1] = Value::integer(n == int32_t(n) ? int64_t(int32_t(n) % ip->x) : n % ip->x);
    NEXT();
  }
  BINARY_INT_SLOW(MOD_INT);
}

L_INC_LOCAL: {
  Value* slot = base + ip->y;
  if (slot->is_int()) {
    FEEDBACK(kSeenInt);
    int64_t r = slot->as_int() + ip->x;
    if (int_fits(r)) {
      *slot = Value::integer(r);
      NEXT();
    }
  }
  SLOW_PATH(INC_LOCAL);
  NEXT();
}

#define COMPARE_JUMP(cmp, fn)                                      \
  do {                                                           \
    Value a = sp[-2], b = sp[-1];                                \
    bool taken;                                                  \
    if (a.is_int() && b.is_int()) {                              \
      FEEDBACK(kSeenInt);                              \
      taken = !(a.as_int() cmp b.as_int());                      \
    } else {                                                     \
      int t = sem_impl::compare_branch<fn, kRec == Recording::On>(&vm, sp, ip); \
      if (t < 0) goto error;                                     \
      taken = t != 0;                                            \
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
  FEEDBACK(feedback_kinds(sp[-2], sp[-1]));
  bool eq = values_equal(sp[-2], sp[-1]);
  sp -= 2;
  if (!eq) {
    ip = proto->code.data() + ip->x;
    DISPATCH();
  }
  NEXT();
}
L_JUMP_UNLESS_NE: {
  FEEDBACK(feedback_kinds(sp[-2], sp[-1]));
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
  // One step of --max-steps per back edge; raised here, before jumping, so the line is the
  // loop's.
  if constexpr (kSteps) {
    if (__builtin_expect(--vm.steps_left < 0, 0)) {
      raise_step_limit(&vm, sp, ip);
      goto error;
    }
  }
  ip = proto->code.data() + ip->x;
  if (vm.hooks.on_loop) {
    SYNC();
    if (NativeEntry code = vm.hooks.on_loop(vm, proto, int32_t(ip - proto->code.data()))) {
      // On-stack replacement: compiled code takes over this frame at the loop header and runs
      // it to completion; then carry on as if the frame had returned or unwound here.
      bool entry = f->entry;
      bool ok = code(&vm, base, f, int32_t(ip - proto->code.data()));
      if (entry) return ok ? LoopExit::Returned : LoopExit::Failed;
      LOAD_FRAME();
      ip = f->pc;
      if (!ok) goto error;
      sp = vm.sp;
      NEXT();
    }
  }
  if constexpr (kRec == Recording::On && !kCount) {
    // A back edge is one event of the unit's recording window; the last one pauses it.
    if (proto->feedback_window > 1) {
      proto->feedback_window--;
    } else {
      proto->feedback_window = 0;
      SYNC();
      return LoopExit::Switch;
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
  // The call's step, before any of its checks (as in sem_impl::call, which compiled code's
  // slow path uses): compiled callees entered from here do not count it again.
  if constexpr (kSteps) {
    if (__builtin_expect(--vm.steps_left < 0, 0)) {
      vm.raise_step_limit();
      goto error;
    }
  }
  if (is_obj_type(callee, ObjType::Closure)) {
    if constexpr (kFeedback) record_callee(proto->callees, size_t(ip - proto->code.data()), as_closure(callee)->proto);
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
    if constexpr (kRec != Recording::Off && !kCount) {
      // A call is one event of the callee's window, whichever loop makes it (so a unit only
      // ever called from paused code still closes its window).
      uint32_t window = proto->feedback_window;
      if (window != 0) proto->feedback_window = --window;
      if ((window != 0) != (kRec == Recording::On)) {
        SYNC();
        return LoopExit::Switch;
      }
    }
    DISPATCH();
  }
  if constexpr (kFeedback) record_call_feedback(&vm, ip, callee, callee_slot);
  if (!sem_impl::call_non_closure(&vm, callee_slot, argc)) goto error;
  sp = callee_slot + 1;
  NEXT();
}
L_CALL_METHOD:
  FEEDBACK(feedback_kind(sp[-1 - ip->y]));
  SYNC();
  if (!sem_impl::call_method_with(&vm, sp, ip, consts)) goto error;
  sp -= ip->y;
  NEXT();
L_RETURN: {
  Value r = sp[-1];
  bool entry = f->entry;
  sp = base - 1;  // drop the frame and its callee slot
  *sp++ = r;
  vm.frames.pop_back();
  if (entry) {
    vm.sp = sp;
    return LoopExit::Returned;
  }
  LOAD_FRAME();
  ip = f->pc + 1;
  SWITCH_LOOP_IF_NEEDED();
  DISPATCH();
}
L_CLOSURE:
  SLOW_PATH(CLOSURE);
  ++sp;
  NEXT();
L_MAKE_ARRAY:
  SLOW_PATH(MAKE_ARRAY);
  sp -= ip->x - 1;
  NEXT();
L_MAKE_MAP:
  SLOW_PATH(MAKE_MAP);
  sp -= 2 * ip->x - 1;
  NEXT();
L_GET_PATH: {
  FEEDBACK(feedback_kind(sp[-1]));
  const Value receiver = sp[-1];
  SYNC();
  if (!sem_impl::get_path_with(&vm, sp, ip, consts)) goto error;
  if constexpr (kFeedback) record_path_entry(proto, ip, receiver, consts[ip->x]);
  NEXT();
}
L_SET_PATH: {
  FEEDBACK(feedback_kind(sp[-2]));
  const Value receiver = sp[-2];
  SYNC();
  if (!sem_impl::set_path_with(&vm, sp, ip, consts)) goto error;
  if constexpr (kFeedback) record_path_entry(proto, ip, receiver, consts[ip->x]);
  --sp;
  NEXT();
}
L_FOR_PREP:
  SLOW_PATH(FOR_PREP);
  --sp;
  NEXT();
L_RANGE_PREP:
  SLOW_PATH(RANGE_PREP);
  sp -= 3;
  NEXT();
L_FOR_NEXT:
  if (for_next_step(base + ip->y, sp)) {
    ++sp;
    NEXT();
  }
  ip = proto->code.data() + ip->x;
  DISPATCH();
L_THROW:
  SLOW_PATH(THROW);  // always raises

error:
  // Unwind: the innermost handler covering the failing instruction in this frame or a caller.
  f->pc = ip;
  for (;;) {
    bool entry = false;
    int32_t target = unwind_frame(vm, &entry);
    if (target >= 0) {
      sp = vm.sp;
      ip = proto->code.data() + target;
      DISPATCH();
    }
    if (entry) return LoopExit::Failed;
    LOAD_FRAME();
    ip = f->pc;
  }
#undef SYNC
#undef DISPATCH
#undef NEXT
#undef LOAD_FRAME
#undef SWITCH_LOOP_IF_NEEDED
#undef BINARY_SLOW
#undef COMPARE
#undef COMPARE_JUMP
#undef consts
#undef globals
#undef BINARY_INT_SLOW
#undef SLOW_PATH
#undef FEEDBACK
}

// Runs the loop that records or the one that does not, as the running unit's window says, and
// moves between them at the calls and returns that change it.
template <bool kSteps>
bool run_recording(VM& vm) {
  bool on = vm.frames.back().closure->proto->feedback_window != 0;
  for (;;) {
    LoopExit e = on ? run_loop<false, Recording::On, kSteps>(vm) : run_loop<false, Recording::Paused, kSteps>(vm);
    if (e != LoopExit::Switch) return e == LoopExit::Returned;
    on = !on;
  }
}

}  // namespace

bool interpret(VM& vm) {
  // Coverage runs record throughout (steps_left is harmless off).
  if (vm.op_counts) return run_loop<true, Recording::On, true>(vm) == LoopExit::Returned;
  if (vm.opts.type_feedback) return vm.counts_steps() ? run_recording<true>(vm) : run_recording<false>(vm);
  return (vm.counts_steps() ? run_loop<false, Recording::Off, true>(vm) : run_loop<false, Recording::Off, false>(vm)) ==
         LoopExit::Returned;
}

// Takes no --max-steps step: its one caller, RANGE_PREP, has taken the call's step already.
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
    return raise_not_callable(&vm, callee);
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
