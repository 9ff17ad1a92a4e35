// The items of an Array: a growable run of Values, laid out as std::vector<Value> is (pointers
// to the first item, past the last item, past the capacity), which compiled code reads and
// writes in place (jit/codegen/runtime_layout.h). Unlike std::vector, its memory can be handed
// over as a raw buffer, so the heap pools swept arrays' buffers by pointer: taking one or giving
// one back is a pointer move, not a move of a vector object and the destruction of another.
//
// Capacities grow as libstdc++'s vector's do (push_back doubles, reserve and assign take exactly
// what they need), so the heap's byte accounting, which counts capacity, is unchanged.
#pragma once
#include <cstddef>
#include <cstring>
#include <initializer_list>
#include <new>

#include "interp/value.h"

namespace gene {

class ValueBuffer {
 public:
  ValueBuffer() = default;
  ~ValueBuffer() {
    if (begin_) free_buffer(begin_);
  }
  ValueBuffer(const ValueBuffer&) = delete;
  ValueBuffer& operator=(const ValueBuffer&) = delete;

  size_t size() const { return size_t(end_ - begin_); }
  size_t capacity() const { return size_t(cap_ - begin_); }
  bool empty() const { return begin_ == end_; }
  Value* data() { return begin_; }
  Value* begin() { return begin_; }
  Value* end() { return end_; }
  const Value* begin() const { return begin_; }
  const Value* end() const { return end_; }
  Value& operator[](size_t i) { return begin_[i]; }
  const Value& operator[](size_t i) const { return begin_[i]; }
  Value& back() { return end_[-1]; }

  void push_back(Value v) {
    if (end_ == cap_) reallocate(size() + (empty() ? 1 : size()));
    *end_++ = v;
  }
  void pop_back() { --end_; }
  void clear() { end_ = begin_; }
  void reserve(size_t n) {
    if (n > capacity()) reallocate(n);
  }
  void assign(const Value* first, const Value* last) {
    size_t n = size_t(last - first);
    if (n > capacity()) {
      Value* fresh = allocate(n);
      if (begin_) free_buffer(begin_);
      begin_ = fresh;
      cap_ = begin_ + n;
    }
    if (n) std::memcpy(static_cast<void*>(begin_), first, n * sizeof(Value));
    end_ = begin_ + n;
  }
  void assign(std::initializer_list<Value> items) { assign(items.begin(), items.end()); }

  // The raw-buffer hand-over the heap's pools use. A buffer comes from allocate() and goes back
  // through free_buffer() (or into another ValueBuffer by replace()).
  static Value* allocate(size_t capacity) { return static_cast<Value*>(::operator new(capacity * sizeof(Value))); }
  static void free_buffer(Value* buffer) { ::operator delete(buffer); }
  // Gives up the buffer (its items are dropped); the buffer is left empty with none.
  Value* release() {
    Value* b = begin_;
    begin_ = end_ = cap_ = nullptr;
    return b;
  }
  // Takes `buffer` of `capacity` items, keeping the current items (which must fit), and returns
  // the buffer it had (nullptr if none) for the caller to pool or free.
  Value* replace(Value* buffer, size_t capacity) {
    size_t n = size();
    if (n) std::memcpy(static_cast<void*>(buffer), begin_, n * sizeof(Value));
    Value* old = begin_;
    begin_ = buffer;
    end_ = buffer + n;
    cap_ = buffer + capacity;
    return old;
  }

 private:
  void reallocate(size_t capacity) {
    if (Value* old = replace(allocate(capacity), capacity)) free_buffer(old);
  }

  Value* begin_ = nullptr;
  Value* end_ = nullptr;
  Value* cap_ = nullptr;
};

}  // namespace gene
