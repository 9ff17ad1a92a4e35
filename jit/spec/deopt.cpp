// The runtime side of leaving spec code: rebuilding the interpreter frame from a DeoptPoint
// and resuming the interpreter (see deopt.h).
#include "jit/spec/deopt.h"

#include <cstring>

#include "interp/interpreter.h"
#include "interp/op_semantics.h"
#include "jit/compiled_code.h"
#include "jit/codegen/register_roles.h"
#include "jit/tier_manager.h"

namespace gene::jit::spec {

void DeoptStress::rearm() {
  if (random_state) {
    // xorshift64: a countdown in [1, 2 * every], so on average every `every` evaluations.
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    countdown = 1 + int64_t(random_state % uint64_t(2 * every));
  } else {
    countdown = every;
  }
}

namespace {

Value rebox(const DeoptValue& d, const uint64_t* saved, const uint64_t* spill, const Value* base) {
  uint64_t raw = 0;
  switch (d.loc.kind) {
    case Loc::Gpr: raw = saved[d.loc.reg]; break;
    case Loc::Xmm: raw = saved[16 + d.loc.reg]; break;
    case Loc::Spill: raw = spill[d.loc.slot]; break;
    case Loc::Frame: return base[d.loc.slot];  // (no value is written over it, frame_homes.cpp)
    case Loc::Const: return Value::from_bits(d.constant);
    case Loc::None: return Value::nil();
  }
  switch (d.rep) {
    case Rep::Int: return Value::integer(int64_t(raw) >> 16);
    case Rep::Bool: return Value::boolean((raw & 1) != 0);
    default: return Value::from_bits(raw);  // Tagged, and a Float's bits are its Value
  }
}

}  // namespace

extern "C" bool spec_deopt(uint64_t* saved, uint32_t index, CompiledCode* code) {
  VM* vm = reinterpret_cast<VM*>(saved[kVm.code]);
  Value* base = reinterpret_cast<Value*>(saved[kBase.code]);
  Frame* frame = reinterpret_cast<Frame*>(saved[kFrame.code]);
  const uint64_t* spill = saved + kSavedWords;
  bool stress = (index & kStressExit) != 0;
  DeoptPoint& d = code->deopts[index & ~kStressExit];
  const Proto& p = *frame->closure->proto;
  // Every value first, then the frame: no allocation happens here, so nothing can collect.
  for (size_t i = 0; i < d.values.size(); i++)
    if (d.values[i].loc.kind != Loc::None) base[i] = rebox(d.values[i], saved, spill, base);
  frame->pc = p.code.data() + d.pc;
  vm->sp = base + p.nslots + d.depth;
  // Inlined code: the frames its calls did not push, each from the closure in its callee slot
  // (checked by the inlined call's guard); the interpreter resumes in the innermost, and each
  // RETURN continues its caller after its CALL, as if every call had been made.
  for (const InlinedFrame& f : d.inlined) {
    Closure* c = as_closure(base[f.base - 1]);
    vm->frames.push_back({c, c->proto->code.data() + f.pc, base + f.base, false});
    vm->sp = base + f.base + f.proto->nslots + f.depth;
  }
  auto* manager = static_cast<TierManager*>(vm->hooks.ctx);
  manager->on_deopt(*vm, *frame, *code, d, stress);
  return manager->resume_in_interpreter(*vm, *frame, code);
}

extern "C" bool spec_error_exit(VM* vm, Frame* frame) {
  // Frames above ours are the records of inlined frames that a call from inlined code pushed:
  // the error passes through them (an inlined callee has no handlers) as through real frames.
  for (;;) {
    Frame& f = vm->frames.back();
    bool entry = false;
    int32_t target = unwind_frame(*vm, &entry);
    if (target >= 0) {
      f.pc = f.closure->proto->code.data() + target;
      return static_cast<TierManager*>(vm->hooks.ctx)->resume_in_interpreter(*vm, *frame, nullptr);
    }
    if (&f == frame) return false;  // popped: the error goes to our caller
  }
}

}  // namespace gene::jit::spec
