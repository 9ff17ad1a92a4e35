// The entries of a Map, in insertion order: laid out as std::vector is (pointers to the first
// entry, past the last, past the capacity), which compiled code reads in place
// (jit/codegen/runtime_layout.h), followed by room for the first kInline entries.
//
// A small map (an object with a few fields, the usual kind) keeps its entries in that room:
// no second allocation, and a field is one load from the map instead of two. Compiled code
// reads an entry of the room directly, without looking at the pointers, so the room keeps one
// invariant: a slot that holds no live entry of this map (past the size, or every slot once
// the entries moved to the heap) has the undefined key, which no lookup key equals.
//
// Capacities grow as libstdc++'s vector's do past the room (push_back doubles, reserve takes
// exactly what it needs); the heap counts only what lives outside the map (heap_bytes).
#pragma once
#include <cstddef>
#include <cstring>
#include <new>

#include "interp/value.h"

namespace gene {

struct MapEntry {
  Value key;
  Value value;
};

class MapEntries {
 public:
  static constexpr size_t kInline = 4;

  MapEntries() { clear_room(0); }
  ~MapEntries() {
    if (begin_ != room_) ::operator delete(begin_);
  }
  MapEntries(const MapEntries&) = delete;
  MapEntries& operator=(const MapEntries&) = delete;

  size_t size() const { return size_t(end_ - begin_); }
  size_t capacity() const { return size_t(cap_ - begin_); }
  bool empty() const { return begin_ == end_; }
  bool in_room() const { return begin_ == room_; }
  MapEntry* data() { return begin_; }
  const MapEntry* data() const { return begin_; }
  MapEntry* begin() { return begin_; }
  MapEntry* end() { return end_; }
  const MapEntry* begin() const { return begin_; }
  const MapEntry* end() const { return end_; }
  MapEntry& operator[](size_t i) { return begin_[i]; }
  const MapEntry& operator[](size_t i) const { return begin_[i]; }

  void push_back(MapEntry e) {
    if (end_ == cap_) move_out(2 * capacity());
    *end_++ = e;
  }
  void reserve(size_t n) {
    if (n > capacity()) move_out(n);
  }
  // Only shrinks (compaction): the slots given up read as empty again.
  void resize(size_t n) {
    if (in_room()) clear_room(n);
    end_ = begin_ + n;
  }

  // Bytes held outside the map, and what the next growth adds to them.
  size_t heap_bytes() const { return in_room() ? 0 : capacity() * sizeof(MapEntry); }
  size_t growth_bytes() const { return (in_room() ? 2 : 1) * capacity() * sizeof(MapEntry); }
  // What reserving n entries up front adds (a literal's map).
  static size_t reserve_bytes(size_t n) { return n > kInline ? n * sizeof(MapEntry) : 0; }

 private:
  void clear_room(size_t from) {
    for (size_t i = from; i < kInline; i++) room_[i] = MapEntry{Value::undefined(), Value::nil()};
  }
  // To a heap buffer of `capacity` entries (more than the room holds); the room is emptied.
  void move_out(size_t capacity) {
    size_t n = size();
    auto* fresh = static_cast<MapEntry*>(::operator new(capacity * sizeof(MapEntry)));
    if (n) std::memcpy(static_cast<void*>(fresh), begin_, n * sizeof(MapEntry));
    if (in_room()) clear_room(0);
    else ::operator delete(begin_);
    begin_ = fresh;
    end_ = fresh + n;
    cap_ = fresh + capacity;
  }

  MapEntry* begin_ = room_;
  MapEntry* end_ = room_;
  MapEntry* cap_ = room_ + kInline;

 public:
  MapEntry room_[kInline];  // (public: compiled code's offsets are taken from it)
};

}  // namespace gene
