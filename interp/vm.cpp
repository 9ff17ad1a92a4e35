#include "interp/vm.h"

#include <sys/mman.h>

#include <new>

#include "interp/display.h"

namespace gene {

const char* error_kind_name(ErrorKind k) {
  switch (k) {
#define GENE_ERROR_NAME(e, s) \
  case ErrorKind::e: return s;
    GENE_ERROR_KINDS(GENE_ERROR_NAME)
#undef GENE_ERROR_NAME
  }
  return "?";
}

// 8M values (64 MiB of address space, touched only as deep as programs go): far more than
// --max-depth frames of any realistic size; a frame that would not fit is a stack_overflow.
static constexpr size_t kStackValues = size_t(8) << 20;

VM::VM(VMOptions o) : opts(o) {
  stack_bytes_ = kStackValues * sizeof(Value);
  void* mem = mmap(nullptr, stack_bytes_, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  stack = static_cast<Value*>(mem);
  stack_end = stack + kStackValues;
  sp = stack;
  // The top level plus max_depth calls; headroom beyond it is never used.
  frames.reserve(size_t(opts.max_depth) + 8, size_t(opts.max_depth) + 1);

  if (counts_steps()) steps_left = opts.max_steps;
  heap.set_stress(opts.gc_stress);
  heap.set_limit(opts.max_heap);
  heap.set_root_marker([this](Heap& h) { mark_roots(h); });

  names.size = heap.intern("size");
  names.get = heap.intern("get");
  names.set = heap.intern("set");
  names.push = heap.intern("push");
  names.pop = heap.intern("pop");
  names.has = heap.intern("has");
  names.keys = heap.intern("keys");
  names.del = heap.intern("del");
  names.substr = heap.intern("substr");
  names.kind = heap.intern("kind");
  names.message = heap.intern("message");
  install_builtins(*this);
}

VM::~VM() {
  flush();
  munmap(stack, stack_bytes_);
}

int VM::global_slot(const std::string& name) {
  auto it = global_index_.find(name);
  if (it != global_index_.end()) return it->second;
  int slot = int(globals.size());
  globals.push_back(Value::undefined());
  global_watch_flags_.push_back(0);
  global_watch = global_watch_flags_.data();
  global_names_.push_back(name);
  global_index_.emplace(name, slot);
  return slot;
}

int VM::find_global(const std::string& name) const {
  auto it = global_index_.find(name);
  return it == global_index_.end() ? -1 : it->second;
}

bool VM::raise(ErrorKind kind, std::string message) {
  error.active = true;
  error.kind = kind;
  error.message = std::move(message);
  error.payload = Value::nil();
  error.line = 0;
  return false;
}

bool VM::raise_throw(Value payload) {
  error.active = true;
  error.kind = ErrorKind::UncaughtThrow;
  error.message = to_display_nested(payload);
  error.payload = payload;
  error.line = 0;
  return false;
}

bool VM::raise_step_limit() {
  return raise(ErrorKind::StepLimit, "more than " + std::to_string(opts.max_steps) +
                                         " steps (backward jumps plus calls, --max-steps)");
}

Value VM::error_value() {
  if (error.kind == ErrorKind::UncaughtThrow) return error.payload;
  // The map is built on demand; `error` stays rooted (payload) while allocating. The heap limit
  // is lifted for these two small objects: catching out_of_memory must still give a map.
  size_t limit = heap.limit();
  heap.set_limit(0);
  Map* m = heap.new_map();
  error.payload = Value::object(m);
  m->set(Value::object(names.kind), Value::object(heap.intern(error_kind_name(error.kind))));
  m->set(Value::object(names.message), Value::object(heap.new_string(error.message)));
  heap.set_limit(limit);
  return Value::object(m);
}

void VM::write(const std::string& s) {
  if (s.empty()) return;
  out += s;
  wrote_anything = true;
  last_char = s.back();
  if (out_file && out.size() > (64 << 10)) flush();
}

void VM::flush() {
  if (!out_file || out.empty()) return;
  fwrite(out.data(), 1, out.size(), out_file);
  fflush(out_file);
  out.clear();
}

void VM::mark_roots(Heap& h) {
  for (Value* v = stack; v < sp; v++) h.mark_value(*v);
  for (Value v : globals) h.mark_value(v);
  for (const Frame& f : frames)
    if (f.closure) h.mark_object(f.closure);
  if (program)
    for (auto& p : program->protos)
      for (Value v : p->consts) h.mark_value(v);
  h.mark_value(error.payload);
  for (Value v : builtins) h.mark_value(v);
  for (Value v : jit_roots) h.mark_value(v);
}

}  // namespace gene
