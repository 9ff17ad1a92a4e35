#include "interp/heap.h"

#include <algorithm>

#include "interp/proto.h"

namespace gene {

static void destroy(Obj* o) {
  switch (o->type) {
    case ObjType::String: delete static_cast<String*>(o); break;
    case ObjType::Symbol: delete static_cast<Symbol*>(o); break;
    case ObjType::Array: delete static_cast<Array*>(o); break;
    case ObjType::Map: delete static_cast<Map*>(o); break;
    case ObjType::Closure: delete static_cast<Closure*>(o); break;
    case ObjType::Cell: delete static_cast<Cell*>(o); break;
    case ObjType::Builtin: delete static_cast<Builtin*>(o); break;
  }
}

Heap::~Heap() {
  for (Obj* o = objects_; o;) {
    Obj* next = o->next;
    destroy(o);
    o = next;
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
      return sizeof(Map) + m->entries.capacity() * sizeof(Map::Entry) +
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
  if (stress_ || bytes_ + bytes > next_gc_) collect();
  if (limit_ && bytes_ + bytes > limit_) {
    if (!stress_) collect();
    if (bytes_ + bytes > limit_) return false;
  }
  return true;
}

bool Heap::note_growth(size_t bytes) {
  if (limit_ && bytes_ + bytes > limit_) {
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
  size_t bytes = sizeof(String) + s.size();
  if (!reserve(bytes)) return nullptr;
  return link(new String(std::move(s)), bytes);
}

Array* Heap::new_array(size_t reserve_items) {
  size_t bytes = sizeof(Array) + reserve_items * sizeof(Value);
  if (!reserve(bytes)) return nullptr;
  auto* a = new Array();
  a->items.reserve(reserve_items);
  return link(a, bytes);
}

Map* Heap::new_map() {
  if (!reserve(sizeof(Map))) return nullptr;
  return link(new Map(), sizeof(Map));
}

Closure* Heap::new_closure(Proto* p) {
  size_t bytes = sizeof(Closure) + p->upvals.size() * sizeof(Cell*);
  if (!reserve(bytes)) return nullptr;
  auto* c = new Closure(p);
  c->upvals.reserve(p->upvals.size());
  return link(c, bytes);
}

Cell* Heap::new_cell(Value v) {
  if (!reserve(sizeof(Cell))) return nullptr;
  return link(new Cell(v), sizeof(Cell));
}

Builtin* Heap::new_builtin(const char* name, BuiltinFn fn) {
  return link(new Builtin(name, fn), sizeof(Builtin));
}

Symbol* Heap::intern(const std::string& name) {
  auto it = symbols_.find(name);
  if (it != symbols_.end()) return it->second;
  auto* s = link(new Symbol(name), sizeof(Symbol) + name.size());
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
  for (auto& [name, sym] : symbols_) mark_object(sym);
  if (mark_roots_) mark_roots_(*this);
  while (!gray_.empty()) {
    Obj* o = gray_.back();
    gray_.pop_back();
    trace(o);
  }
  sweep();
  next_gc_ = std::max<size_t>(4 << 20, bytes_ * 2);
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
