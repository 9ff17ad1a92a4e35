#include "interp/op_semantics.h"

#include "interp/op_semantics_impl.h"

namespace gene {

const OpSemantics kOpSemantics[kOpCount] = {
#define GENE_OP_SEMANTICS(name, ...) sem::name,
    GENE_OPCODES(GENE_OP_SEMANTICS)
#undef GENE_OP_SEMANTICS
};

const OpSemantics kOpSemanticsUnrecorded[kOpCount] = {
#define GENE_OP_SEMANTICS(name, ...) sem_unrecorded::name,
    GENE_OPCODES(GENE_OP_SEMANTICS)
#undef GENE_OP_SEMANTICS
};

OpSemantics op_semantics(Op op) { return kOpSemantics[int(op)]; }
OpSemantics op_semantics_unrecorded(Op op) { return kOpSemanticsUnrecorded[int(op)]; }

namespace {

template <bool kRecord>
int branch(VM* vm, Value* sp, const Instr* ip) {
  switch (ip->op) {
    case Op::JUMP_UNLESS_LT: return sem_impl::compare_branch<op_lt, kRecord>(vm, sp, ip);
    case Op::JUMP_UNLESS_LE: return sem_impl::compare_branch<op_le, kRecord>(vm, sp, ip);
    case Op::JUMP_UNLESS_GT: return sem_impl::compare_branch<op_gt, kRecord>(vm, sp, ip);
    case Op::JUMP_UNLESS_GE: return sem_impl::compare_branch<op_ge, kRecord>(vm, sp, ip);
    case Op::JUMP_UNLESS_EQ: return sem_impl::equality_branch<false, kRecord>(vm, sp, ip);
    case Op::JUMP_UNLESS_NE: return sem_impl::equality_branch<true, kRecord>(vm, sp, ip);
    default: return -1;
  }
}

}  // namespace

int branch_semantics(VM* vm, Value* sp, const Instr* ip) { return branch<true>(vm, sp, ip); }
int branch_semantics_unrecorded(VM* vm, Value* sp, const Instr* ip) { return branch<false>(vm, sp, ip); }

[[gnu::cold, gnu::noinline]] bool raise_not_callable(VM* vm, Value callee) {
  return vm->raise(ErrorKind::NotCallable, std::string("cannot call a value of type ") + type_name(callee));
}

bool call_builtin_semantics(VM* vm, Value* sp, const Instr* ip) {
  sem_impl::sync(vm, sp, ip);
  return sem_impl::count_step(vm) && sem_impl::call_non_closure(vm, sp - ip->x - 1, ip->x);
}

bool raise_step_limit(VM* vm, Value* sp, const Instr* ip) {
  sem_impl::sync(vm, sp, ip);
  return vm->raise_step_limit();
}

int32_t unwind_frame(VM& vm, bool* was_entry) {
  Frame& f = vm.frames.back();
  Proto* proto = f.closure->proto;
  int32_t at = int32_t(f.pc - proto->code.data());
  if (vm.error.line == 0) vm.error.line = proto->lines[size_t(at)];
  // step_limit is not catchable: it must end the run wherever it happens, or a program could
  // loop forever around a try.
  const Handler* h = vm.error.kind == ErrorKind::StepLimit ? nullptr : find_handler(*proto, at);
  if (h) {
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
