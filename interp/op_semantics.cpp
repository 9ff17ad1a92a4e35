#include "interp/op_semantics.h"

#include "interp/op_semantics_impl.h"

namespace gene {

const OpSemantics kOpSemantics[kOpCount] = {
#define GENE_OP_SEMANTICS(name, ...) sem::name,
    GENE_OPCODES(GENE_OP_SEMANTICS)
#undef GENE_OP_SEMANTICS
};

OpSemantics op_semantics(Op op) { return kOpSemantics[int(op)]; }

int branch_semantics(VM* vm, Value* sp, const Instr* ip) {
  sem_impl::sync(vm, sp, ip);
  record_feedback(ip, feedback_kind(sp[-2]) | feedback_kind(sp[-1]));
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
