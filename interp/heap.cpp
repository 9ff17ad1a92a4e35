#include "interp/heap.h"

#include <malloc.h>

#include <algorithm>
#include <bit>
#include <new>
#include <utility>

#include "interp/proto.h"

// Pooled object memory and pooled item buffers are poisoned under ASan, so a use of a swept
// object or of its items still reports.
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/asan_interface.h>
#define POOL_POISON(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define POOL_UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define POOL_POISON(p, n) ((void)(p), (void)(n))
#define POOL_UNPOISON(p, n) ((void)(p), (void)(n))
#endif

namespace gene {

namespace {

// glibc returns freed memory at the top of its heap to the kernel once 128 KiB are free, so a
// program that frees and reallocates a large buffer every round (a sieve's array, a string
// grown by concatenation) pays page faults for the same memory again and again. Keeping a
// 16 MiB pad when the heap grows or shrinks stops that; it is set once per process.
void keep_allocator_pad() {
#if defined(__GLIBC__)
  static const bool done = [] { return mallopt(M_TOP_PAD, 16 << 20) == 1; }();
  (void)done;
#endif
}

}  // namespace

Heap::Heap() {
  keep_allocator_pad();
  // Canonical short strings: permanent, so they are kept off the all-objects list (never swept)
  // and born marked (mark_object stops at them without touching the gray stack).
  empty_string_ = new String(std::string());
  empty_string_->marked = true;
  for (size_t b = 0; b < char_strings_.size(); b++) {
    char_strings_[b] = new String(std::string(1, char(b)));
    char_strings_[b]->marked = true;
  }
}

Heap::~Heap() {
  for (Obj* o = objects_; o;) {
    Obj* next = o->next;
    destroy(o);
    o = next;
  }
  for (size_t c = 0; c < pools_.size(); c++)
    for (void* mem : pools_[c]) {
      POOL_UNPOISON(mem, c * 8);
      ::operator delete(mem);
    }
  for (size_t log2 = 0; log2 < buffers_.size(); log2++)
    for (Value* b : buffers_[log2]) {
      POOL_UNPOISON(b, (size_t(1) << log2) * sizeof(Value));
      ValueBuffer::free_buffer(b);
    }
  delete empty_string_;
  for (String* s : char_strings_) delete s;
}

template <class T, class... Args>
T* Heap::make(Args&&... args) {
  static_assert(sizeof(T) % 8 == 0 && sizeof(T) / 8 < kSizeClasses);
  auto& pool = pools_[sizeof(T) / 8];
  void* mem;
  if (pool.empty()) {
    mem = ::operator new(sizeof(T));
  } else {
    mem = pool.back();
    pool.pop_back();
    POOL_UNPOISON(mem, sizeof(T));
  }
  return new (mem) T(std::forward<Args>(args)...);
}

// The pool of item buffers of `capacity` items (a power of two from 4 to 64), or -1. Taking
// and giving buffers happens on every array allocation, growth and sweep, so these stay inline.
int Heap::buffer_pool(size_t capacity) {
  if (capacity < (size_t(1) << kMinPooledLog2) || capacity > (size_t(1) << kMaxPooledLog2) ||
      (capacity & (capacity - 1)))
    return -1;
  return std::countr_zero(capacity);
}

inline Value* Heap::take_buffer(size_t capacity) {
  int k = buffer_pool(capacity);
  if (k < 0 || buffers_[size_t(k)].empty()) return ValueBuffer::allocate(capacity);
  auto& pool = buffers_[size_t(k)];
  Value* b = pool.back();
  pool.pop_back();
  POOL_UNPOISON(b, capacity * sizeof(Value));
  return b;
}

inline void Heap::give_buffer(Value* buffer, size_t capacity) {
  int k = buffer_pool(capacity);
  // At most kMaxPooledBytes of buffers per capacity: capacity << 3 bytes each.
  if (k >= 0 && buffer && buffers_[size_t(k)].size() < (kMaxPooledBytes / sizeof(Value)) >> k) {
    POOL_POISON(buffer, capacity * sizeof(Value));
    buffers_[size_t(k)].push_back(buffer);
    return;
  }
  if (buffer) ValueBuffer::free_buffer(buffer);
}

// An object's memory back to its size class's pool (at most kMaxPooledBytes of it), else to
// malloc. Per type, so the size and the pool's limit are constants.
template <class T>
void Heap::recycle(T* o) {
  o->~T();
  auto& pool = pools_[sizeof(T) / 8];
  if (pool.size() >= kMaxPooledBytes / sizeof(T)) {
    ::operator delete(o);
    return;
  }
  POOL_POISON(o, sizeof(T));
  pool.push_back(o);
}

void Heap::destroy(Obj* o) {
  switch (o->type) {
    case ObjType::String: return recycle(static_cast<String*>(o));
    case ObjType::Symbol: return recycle(static_cast<Symbol*>(o));
    case ObjType::Array: {
      auto& items = static_cast<Array*>(o)->items;
      size_t capacity = items.capacity();
      give_buffer(items.release(), capacity);
      return recycle(static_cast<Array*>(o));
    }
    case ObjType::Map: return recycle(static_cast<Map*>(o));
    case ObjType::Closure: return recycle(static_cast<Closure*>(o));
    case ObjType::Cell: return recycle(static_cast<Cell*>(o));
    case ObjType::Builtin: return recycle(static_cast<Builtin*>(o));
  }
}

size_t Heap::object_size(const Obj* o) {
  switch (o->type) {
    case ObjType::String: return sizeof(String) + static_cast<const String*>(o)->chars.capacity();
    case ObjType::Symbol: return sizeof(Symbol) + static_cast<const Symbol*>(o)->name.capacity();
    case ObjType::Array:
      return sizeof(Array) + static_cast<const Array*>(o)->items.capacity() * sizeof(Value);
    case ObjType::Map: {
      auto* m = static_cast<const Map*>(o);
      return sizeof(Map) + m->entries.heap_bytes() +
             m->index.capacity() * sizeof(int32_t);
    }
    case ObjType::Closure:
      return sizeof(Closure) + static_cast<const Closure*>(o)->upvals.capacity() * sizeof(Cell*);
    case ObjType::Cell: return sizeof(Cell);
    case ObjType::Builtin: return sizeof(Builtin);
  }
  return sizeof(Obj);
}

bool Heap::reserve(size_t bytes) {
  if (fits_without_collecting(bytes)) return true;
  if (stress_ || bytes_ + bytes > next_gc_) collect();
  if (limit_ && bytes_ + bytes > limit_) {
    if (!stress_) collect();
    if (bytes_ + bytes > limit_) return false;
  }
  return true;
}

bool Heap::note_growth(size_t bytes, bool may_collect) {
  if (limit_ && bytes_ + bytes > limit_) {
    if (!may_collect) return false;
    collect();  // the object growing is reachable (its caller keeps it on the VM stack)
    if (bytes_ + bytes > limit_) return false;
  }
  bytes_ += bytes;
  stats_.peak_bytes = std::max(stats_.peak_bytes, bytes_);
  return true;
}

template <class T>
T* Heap::link(T* obj, size_t bytes) {
  obj->next = objects_;
  objects_ = obj;
  bytes_ += bytes;
  stats_.peak_bytes = std::max(stats_.peak_bytes, bytes_);
  return obj;
}

String* Heap::new_string(std::string s) {
  if (s.size() <= 1) return s.empty() ? empty_string_ : char_strings_[static_cast<unsigned char>(s[0])];
  size_t bytes = sizeof(String) + s.size();
  if (!reserve(bytes)) return nullptr;
  return link(make<String>(std::move(s)), bytes);
}

// Every array starts with room for 4 items (a pooled buffer): arrays built by pushing from
// `[]` take their first pushes on compiled code's inline path instead of a growth call.
size_t Heap::array_bytes(size_t& reserve_items) {
  reserve_items = std::max(reserve_items, kMinArrayCapacity);
  return sizeof(Array) + reserve_items * sizeof(Value);
}

Array* Heap::construct_array(size_t reserve_items, size_t bytes) {
  auto* a = make<Array>();
  a->items.replace(take_buffer(reserve_items), reserve_items);  // a new array has no buffer
  return link(a, bytes);
}

Array* Heap::new_array(size_t reserve_items) {
  size_t bytes = array_bytes(reserve_items);
  if (!reserve(bytes)) return nullptr;
  return construct_array(reserve_items, bytes);
}

Array* Heap::new_array_if_no_collection(size_t reserve_items) {
  size_t bytes = array_bytes(reserve_items);
  if (!fits_without_collecting(bytes)) return nullptr;
  return construct_array(reserve_items, bytes);
}

void Heap::regrow_items(Array* a, size_t capacity) {
  if (capacity <= a->items.capacity()) return;
  size_t old_capacity = a->items.capacity();
  give_buffer(a->items.replace(take_buffer(capacity), capacity), old_capacity);
}

Map* Heap::new_map(size_t capacity) {
  if (!reserve(sizeof(Map))) return nullptr;
  Map* m = make<Map>();
  m->entries.reserve(capacity);  // a literal's entries: one allocation, not one per doubling
  return link(m, sizeof(Map));
}

Closure* Heap::new_closure(Proto* p) {
  size_t bytes = sizeof(Closure) + p->upvals.size() * sizeof(Cell*);
  if (!reserve(bytes)) return nullptr;
  auto* c = make<Closure>(p);
  c->upvals.reserve(p->upvals.size());
  return link(c, bytes);
}

Cell* Heap::new_cell(Value v) {
  if (!reserve(sizeof(Cell))) return nullptr;
  return link(make<Cell>(v), sizeof(Cell));
}

Builtin* Heap::new_builtin(const char* name, BuiltinFn fn) {
  return link(make<Builtin>(name, fn), sizeof(Builtin));
}

Symbol* Heap::intern(const std::string& name) {
  auto it = symbols_.find(name);
  if (it != symbols_.end()) return it->second;
  auto* s = link(make<Symbol>(name), sizeof(Symbol) + name.size());
  symbols_.emplace(name, s);
  return s;
}

void Heap::mark_object(Obj* o) {
  if (o->marked) return;
  o->marked = true;
  gray_.push_back(o);
}

// Children are pushed on an explicit gray stack, so deeply nested data never recurses natively.
void Heap::trace(Obj* o) {
  switch (o->type) {
    case ObjType::Array:
      for (Value v : static_cast<Array*>(o)->items) mark_value(v);
      break;
    case ObjType::Map:
      static_cast<Map*>(o)->for_each([this](Value k, Value v) {
        mark_value(k);
        mark_value(v);
      });
      break;
    case ObjType::Closure:
      for (Cell* c : static_cast<Closure*>(o)->upvals) mark_object(c);
      break;
    case ObjType::Cell: mark_value(static_cast<Cell*>(o)->value); break;
    case ObjType::String:
    case ObjType::Symbol:
    case ObjType::Builtin: break;
  }
}

void Heap::collect() {
  stats_.collections++;
  concat_temp = nullptr;
  for (auto& [name, sym] : symbols_) mark_object(sym);
  if (mark_roots_) mark_roots_(*this);
  while (!gray_.empty()) {
    Obj* o = gray_.back();
    gray_.pop_back();
    trace(o);
  }
  sweep();
  next_gc_ = std::max(kMinGcBytes, bytes_ * 2);
}

void Heap::sweep() {
  Obj** link_ptr = &objects_;
  size_t live_bytes = 0, live_objects = 0;
  while (Obj* o = *link_ptr) {
    if (o->marked) {
      o->marked = false;
      live_bytes += object_size(o);
      live_objects++;
      link_ptr = &o->next;
      continue;
    }
    *link_ptr = o->next;
    destroy(o);
  }
  bytes_ = live_bytes;
  stats_.bytes_live = live_bytes;
  stats_.objects_live = live_objects;
}

}  // namespace gene
