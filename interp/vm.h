// VM state shared by the interpreter and every JIT tier: one value stack holding every frame's
// slots and operands, the frame records, globals, the heap, output and the pending error.
//
// Frame layout on the value stack: [callee][arg0 .. argN-1][other slots][operands...]
//                                            ^ base          ^ base + nslots
#pragma once
#include <cstdint>
#include <cstdio>
#include <limits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "interp/errors.h"
#include "interp/heap.h"
#include "interp/proto.h"

namespace gene {

struct VMOptions {
  int max_depth = 10000;
  bool gc_stress = false;
  size_t max_heap = 0;  // bytes, 0 = unlimited
  bool type_feedback = false;  // the interpreter records type feedback (JIT tiers, --dump-feedback)
  bool dump_feedback = false;  // --dump-feedback: every unit keeps recording, settled or not
  // --max-steps: how many steps (LOOP back edges, CALLs, RANGE_PREPs: docs/limits.md) a run may
  // take; the one beyond is step_limit. Negative: off (the default).
  int64_t max_steps = -1;
};

struct Frame {
  Closure* closure;
  const Instr* pc;  // the instruction executing (for callers: their CALL)
  Value* base;
  bool entry;       // an engine entered here from native code: return to it on RETURN
};

// The frame records, one per active call. Capacity is fixed when the VM starts, so frame
// pointers stay valid for a frame's lifetime; the layout is plain so compiled code can push and
// pop frames inline. `call_limit` is where --max-depth stops new calls.
class FrameStack {
 public:
  void reserve(size_t capacity, size_t max_frames) {
    storage_.reset(new Frame[capacity]);
    data = top = storage_.get();
    call_limit = data + max_frames;
  }
  Frame& back() { return top[-1]; }
  const Frame& back() const { return top[-1]; }
  void push_back(const Frame& f) { *top++ = f; }
  void pop_back() { --top; }
  size_t size() const { return size_t(top - data); }
  bool empty() const { return top == data; }
  void clear() { top = data; }
  const Frame* begin() const { return data; }
  const Frame* end() const { return top; }

  Frame* data = nullptr;
  Frame* top = nullptr;
  Frame* call_limit = nullptr;

 private:
  std::unique_ptr<Frame[]> storage_;
};

// Compiled code for a unit. Runs the frame on top of vm.frames (pushed by push_call_frame) from
// bytecode index start_pc (0, or a loop header for on-stack replacement) until it returns, with
// exactly interpret()'s contract for an entry frame: true -> frame popped, result in its callee
// slot, vm.sp just above it; false -> error pending with its line set, frame popped.
using NativeEntry = bool (*)(VM* vm, Value* base, Frame* frame, int32_t start_pc);

// Hooks a JIT tier installs; the interpreter calls them without knowing what is behind them.
struct TierHooks {
  // On each call of a Gene function: counts it, compiles when hot; returns code or nullptr.
  NativeEntry (*on_call)(VM& vm, Proto* p) = nullptr;
  // On each loop back-edge taken in the interpreter: returns code to continue the frame in at
  // header_pc (OSR), or nullptr to keep interpreting.
  NativeEntry (*on_loop)(VM& vm, Proto* p, int32_t header_pc) = nullptr;
  // After a store to a watched global (VM::watch_global) changed it; `old_value` is what it
  // held. The JIT drops code that assumed the old value.
  void (*on_global_store)(VM& vm, int32_t slot, Value old_value) = nullptr;
  void* ctx = nullptr;
};

class VM {
 public:
  explicit VM(VMOptions opts = {});
  ~VM();
  VM(const VM&) = delete;
  VM& operator=(const VM&) = delete;

  // --- globals --------------------------------------------------------------------------
  int global_slot(const std::string& name);  // creates an undefined slot if new
  int find_global(const std::string& name) const;
  const std::string& global_name(int slot) const { return global_names_[slot]; }
  std::vector<Value> globals;
  // One flag per global slot: non-zero while compiled code assumes the slot's value (an inlined
  // callee). Every engine's store checks it and, when set, stores through its slow path, which
  // calls global_stored. Compiled code reads the array through this pointer.
  uint8_t* global_watch = nullptr;
  void watch_global(int slot, bool on) { global_watch[slot] = on ? 1 : 0; }
  void global_stored(int slot, Value old_value) {
    if (hooks.on_global_store && globals[size_t(slot)].bits != old_value.bits) hooks.on_global_store(*this, slot, old_value);
  }

  // --- errors ---------------------------------------------------------------------------
  // Raise helpers return false so natives can `return vm.raise(...)`.
  bool raise(ErrorKind kind, std::string message);
  bool raise_throw(Value payload);
  // step_limit (--max-steps exhausted); returns false like raise.
  bool raise_step_limit();
  PendingError error;
  // The value a catch binds: the thrown value, or {^kind :k ^message "..."} for runtime errors.
  Value error_value();
  // error_value(), then clears the error: what a catch receives. vm.sp must cover live values.
  Value take_error_value() {
    heap.concat_temp = nullptr;  // (see Heap::concat_temp)
    Value v = error_value();
    error.active = false;
    error.payload = Value::nil();
    return v;
  }

  // --- output ---------------------------------------------------------------------------
  void write(const std::string& s);
  void flush();
  FILE* out_file = stdout;  // nullptr: keep everything in `out` (in-process runs)
  std::string out;
  bool wrote_anything = false;
  char last_char = '\n';

  // --- stack and frames -----------------------------------------------------------------
  Value* stack = nullptr;
  Value* stack_end = nullptr;
  Value* sp = nullptr;
  FrameStack frames;
  int depth() const { return int(frames.size()) - 1; }  // the top level is not a call level
  void push(Value v) { *sp++ = v; }

  Heap heap;
  VMOptions opts;
  // Steps left before step_limit: every engine decrements it at each LOOP, CALL and RANGE_PREP
  // and raises when it goes negative. Off, the interpreter runs a dispatch loop without the
  // check and compiled code omits it; the shared call/range_prep semantics still decrement, from
  // a start so high (2^63-1) that it never runs out.
  int64_t steps_left = std::numeric_limits<int64_t>::max();
  bool counts_steps() const { return opts.max_steps >= 0; }
  // When set (kOpCount entries), every engine counts each instruction it executes.
  uint64_t* op_counts = nullptr;
  Program* program = nullptr;
  TierHooks hooks;

  // Interned method names, compared by identity in CALL_METHOD.
  struct MethodNames {
    Symbol *size, *get, *set, *push, *pop, *has, *keys, *del, *substr, *kind, *message;
  } names{};
  Value range_builtin = Value::nil();  // for RANGE_PREP's fast path
  // Every builtin object, a GC root for the VM's lifetime even after its global is redefined:
  // call-site feedback names builtins by address, and the JIT reads and guards on them.
  std::vector<Value> builtins;
  // Objects compiled code compares against by address (a call site's known callee): GC roots
  // for the VM's lifetime, so no other object is ever allocated at such an address.
  std::vector<Value> jit_roots;
  // nil, false and true in memory: compiled code compares with them as a memory operand, one
  // instruction instead of loading a 64-bit immediate first.
  const Value compare_constants[3] = {Value::nil(), Value::boolean(false), Value::boolean(true)};
  // An object's tag bits and the first value above every untagged pointer: spec code checks
  // and untags an object in place (subtract the one, compare with the other).
  const uint64_t object_tag_bits = uint64_t(Tag::Object) << 48;
  const uint64_t untagged_limit = uint64_t(1) << 48;

 private:
  void mark_roots(Heap& h);
  std::vector<std::string> global_names_;
  std::vector<uint8_t> global_watch_flags_;
  std::unordered_map<std::string, int> global_index_;
  size_t stack_bytes_ = 0;
};

void install_builtins(VM& vm);

}  // namespace gene
