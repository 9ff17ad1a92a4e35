// Allocation and a precise, non-moving mark-sweep collector.
//
// The heap does not know where roots are: the VM registers a root-marking callback. Every
// allocation may collect (always, under --gc-stress), so callers keep the values they still need
// on the VM stack (or another root) across any allocation.
#pragma once
#include <cstddef>
#include <functional>
#include <string>
#include <unordered_map>
#include <vector>

#include "interp/object.h"

namespace gene {

struct HeapStats {
  size_t collections = 0;
  size_t bytes_live = 0;
  size_t peak_bytes = 0;
  size_t objects_live = 0;
};

class Heap {
 public:
  Heap() = default;
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  void set_root_marker(std::function<void(Heap&)> marker) { mark_roots_ = std::move(marker); }
  void set_stress(bool on) { stress_ = on; }
  void set_limit(size_t bytes) { limit_ = bytes; }
  size_t limit() const { return limit_; }

  // Returns nullptr when the heap limit (--max-heap) is exceeded even after collecting.
  String* new_string(std::string s);
  Array* new_array(size_t reserve = 0);
  Map* new_map();
  Closure* new_closure(Proto* p);
  Cell* new_cell(Value v);
  Builtin* new_builtin(const char* name, BuiltinFn fn);
  Symbol* intern(const std::string& name);  // symbols are permanent

  // Growth of an existing object's payload (array push, map insert): counts toward the limit,
  // collecting first if it would be exceeded, so the grown object must be rooted. Returns false
  // when the limit is exceeded even after collecting.
  bool note_growth(size_t bytes);

  void mark_value(Value v) {
    if (v.is_object()) mark_object(v.as_obj());
  }
  void mark_object(Obj* o);
  void collect();

  const HeapStats& stats() const { return stats_; }

 private:
  bool reserve(size_t bytes);
  template <class T>
  T* link(T* obj, size_t bytes);
  void trace(Obj* o);
  void sweep();
  static size_t object_size(const Obj* o);

  Obj* objects_ = nullptr;
  std::vector<Obj*> gray_;
  std::unordered_map<std::string, Symbol*> symbols_;
  std::function<void(Heap&)> mark_roots_;
  size_t bytes_ = 0;
  size_t next_gc_ = 4 << 20;
  size_t limit_ = 0;  // 0: unlimited
  bool stress_ = false;
  HeapStats stats_;
};

}  // namespace gene
