// Allocation and a precise, non-moving mark-sweep collector.
//
// The heap does not know where roots are: the VM registers a root-marking callback. Every
// allocation may collect (always, under --gc-stress), so callers keep the values they still need
// on the VM stack (or another root) across any allocation.
//
// Canonical short strings: the heap creates, up front, one permanent String for "" and one for
// each 1-byte string, and new_string returns these for any content of length <= 1 (no
// allocation, nothing counted toward the limit, never collected, not in the stats). Strings are
// immutable, so this gives the invariant compiled code may rely on:
//
//   any two strings of length <= 1 are equal iff they are the same object.
//
// So `(c == "a")` with a 1-character constant can compare pointers when the other operand is a
// string of length <= 1. The table and the objects live as long as the Heap and never move.
#pragma once
#include <array>
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
  Heap();
  ~Heap();
  Heap(const Heap&) = delete;
  Heap& operator=(const Heap&) = delete;

  void set_root_marker(std::function<void(Heap&)> marker) { mark_roots_ = std::move(marker); }
  void set_stress(bool on) { stress_ = on; }
  void set_limit(size_t bytes) { limit_ = bytes; }
  size_t limit() const { return limit_; }

  // Every array starts with room for this many items (the smallest pooled buffer).
  static constexpr size_t kMinArrayCapacity = 4;

  // Returns nullptr when the heap limit (--max-heap) is exceeded even after collecting.
  String* new_string(std::string s);
  Array* new_array(size_t reserve = 0);
  // new_array where that would neither collect nor pass the limit (nor, under --gc-stress, at
  // all); else nullptr and nothing changes. For compiled code, whose registers the collector
  // cannot see: when it gets null it leaves for the interpreter, which allocates (collecting
  // first) exactly where the interpreter would have, so every collection happens as there.
  Array* new_array_if_no_collection(size_t reserve = 0);
  Map* new_map(size_t capacity = 0);  // capacity: entries reserved up front (a literal's count)
  Closure* new_closure(Proto* p);
  Cell* new_cell(Value v);
  Builtin* new_builtin(const char* name, BuiltinFn fn);
  Symbol* intern(const std::string& name);  // symbols are permanent

  // The canonical strings (see the top of this file). char_strings()[b] is the 1-byte string
  // whose byte is b (index = the byte as unsigned char); 256 entries, never null.
  String* const* char_strings() const { return char_strings_.data(); }
  String* char_string(unsigned char b) const { return char_strings_[b]; }
  String* empty_string() const { return empty_string_; }

  // Growth of an existing object's payload (array push, map insert): counts toward the limit,
  // collecting first if it would be exceeded, so the grown object must be rooted. Returns false
  // when the limit is exceeded even after collecting, or, with may_collect false (a caller
  // whose values the collector cannot see), when it would need a collection.
  bool note_growth(size_t bytes, bool may_collect = true);
  // Moves an array's items into a buffer of exactly `capacity` items (>= its size), reusing a
  // swept array's buffer when one of that capacity is pooled. Accounting is the caller's
  // (note_growth first); the capacity, and so every size the heap counts, is as with reserve().
  void regrow_items(Array* a, size_t capacity);

  void mark_value(Value v) {
    if (v.is_object()) mark_object(v.as_obj());
  }
  void mark_object(Obj* o);
  void collect();

  // The string an ADD just made as the left operand of the ADD two instructions on,
  // `concat_at` (see op_add), which may append to it in place: nothing else can reach it.
  // Every collection clears it, so a freed string's address is never mistaken for it, and so
  // does every catch, the only way on after the push between the two raised.
  String* concat_temp = nullptr;
  const void* concat_at = nullptr;

  const HeapStats& stats() const { return stats_; }

 private:
  bool reserve(size_t bytes);
  // Whether `bytes` more can be allocated with no collection (and within the limit): reserve()
  // then does nothing else, and new_array_if_no_collection allocates only then.
  bool fits_without_collecting(size_t bytes) const {
    return !stress_ && bytes_ + bytes <= next_gc_ && (!limit_ || bytes_ + bytes <= limit_);
  }
  template <class T>
  T* link(T* obj, size_t bytes);
  void trace(Obj* o);
  void sweep();
  static size_t object_size(const Obj* o);
  template <class T, class... Args>
  T* make(Args&&... args);
  static size_t array_bytes(size_t& reserve_items);  // (raises reserve_items to the minimum)
  Array* construct_array(size_t reserve_items, size_t bytes);
  void destroy(Obj* o);
  template <class T>
  void recycle(T* o);

  // Free lists of object memory by size class (sizeof / 8): a swept object's memory is reused by
  // the next object of the same size instead of going back to malloc, which is slow when a sweep
  // frees tens of thousands of small blocks at once. Pooled memory is not live data: it counts
  // neither in bytes_ nor toward the limit, like memory malloc keeps after free.
  static constexpr size_t kSizeClasses = 24;
  static constexpr size_t kMaxPooledBytes = 4 << 20;  // per size class, and per buffer capacity
  std::array<std::vector<void*>, kSizeClasses> pools_;
  // Likewise the item buffers of swept arrays whose capacity is a power of two from 4 to 64
  // (what arrays built by .push or small literals have), pooled by exact capacity so an array
  // gets the same capacity, and so the same accounting, as from std::vector::reserve.
  static constexpr size_t kMinPooledLog2 = 2, kMaxPooledLog2 = 6;
  static_assert(kMinArrayCapacity == size_t(1) << kMinPooledLog2, "new arrays take pooled buffers");
  std::array<std::vector<Value*>, kMaxPooledLog2 + 1> buffers_;
  static int buffer_pool(size_t capacity);  // its index in buffers_, or -1
  // The pool's buffer of `capacity` items, else a new one.
  Value* take_buffer(size_t capacity);
  // Pools a buffer of `capacity` items (while its pool is under kMaxPooledBytes), else frees it.
  void give_buffer(Value* buffer, size_t capacity);

  std::array<String*, 256> char_strings_{};
  String* empty_string_ = nullptr;
  Obj* objects_ = nullptr;
  std::vector<Obj*> gray_;
  std::unordered_map<std::string, Symbol*> symbols_;
  std::function<void(Heap&)> mark_roots_;
  size_t bytes_ = 0;
  // Collect when the heap doubles past its live size, at least every kMinGcBytes: a cycle's
  // garbage, reused from the pools, then stays in the L2 cache (docs/limits.md, "Why 1 MiB").
  static constexpr size_t kMinGcBytes = 1 << 20;
  size_t next_gc_ = kMinGcBytes;
  size_t limit_ = 0;  // 0: unlimited
  bool stress_ = false;
  HeapStats stats_;
};

}  // namespace gene
