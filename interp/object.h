// Heap object layouts. Every object starts with an Obj header so the collector can walk the
// intrusive all-objects list and dispatch on `type` without virtual calls.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "interp/map_entries.h"
#include "interp/value.h"
#include "interp/value_buffer.h"

namespace gene {

struct Proto;
class VM;

enum class ObjType : uint8_t { String, Symbol, Array, Map, Closure, Cell, Builtin };

struct Obj {
  ObjType type;
  bool marked = false;
  Obj* next = nullptr;  // all-objects list, owned by Heap
  explicit Obj(ObjType t) : type(t) {}
};

struct String : Obj {
  std::string chars;
  // Taken by rvalue reference, not by value: a short string is stored inline (SSO), so every
  // extra move is a byte copy, and `str` makes many short strings.
  explicit String(std::string&& s) : Obj(ObjType::String), chars(std::move(s)) {}
  // Content hash for map keys. Strings are immutable, so it is computed once, on first use, and
  // reused by every lookup with this string and every index rebuild of a map keyed by it.
  uint64_t hash() const { return hash_ != 0 ? hash_ : compute_hash(); }
  // Only for a string nothing else can reach yet (Heap::concat_temp): strings are immutable.
  void append_unshared(const std::string& more) {
    chars += more;
    hash_ = 0;
  }

 private:
  mutable uint64_t hash_ = 0;  // 0: not computed yet (a computed 0 is stored as 1)
  uint64_t compute_hash() const;
};

// Interned: one Symbol per name for the VM's lifetime, so symbols compare by identity.
struct Symbol : Obj {
  std::string name;
  explicit Symbol(std::string n) : Obj(ObjType::Symbol), name(std::move(n)) {}
};

struct Array : Obj {
  ValueBuffer items;
  Array() : Obj(ObjType::Array) {}
};

// Insertion-ordered map. Keys are symbols (by identity), strings (by content) or ints.
// Deleted entries leave a tombstone (key = undefined) that compaction removes.
//
// Compiled code reads `entries` and `index` directly (an empty index means "scan the entries"),
// so their types and meaning are fixed. A slot of the index holds -1 (empty) or, in the bits under
// index.size() - 1 (a power of two, at least twice the entries), an entry position; the bits above
// it, up to bit 30, hold the same bits of the key's hash, so a probe skips most non-matching
// entries without loading them.
struct Map : Obj {
  using Entry = MapEntry;
  MapEntries entries;  // the first few in the map itself (map_entries.h)
  std::vector<int32_t> index;  // open-addressing slots (see above); built when large
  uint32_t live = 0;

  Map() : Obj(ObjType::Map) {}
  int32_t find(Value key) const;
  Value get(Value key) const {  // nil when missing
    int32_t i = find(key);
    return i < 0 ? Value::nil() : entries[size_t(i)].value;
  }
  void set(Value key, Value value);
  int32_t find(Value key, uint64_t& hash) const;  // ... and the hash that insert_absent needs
  // set() of a key find() did not find; hash: key_hash(key) when the map is hashed.
  void insert_absent(Value key, Value value, uint64_t hash);
  bool remove(Value key);
  template <class F>
  void for_each(F&& f) const {
    for (const Entry& e : entries)
      if (!e.key.is_undefined()) f(e.key, e.value);
  }

 private:
  int32_t find_hashed(Value key, uint64_t hash) const;
  void insert_slot(uint64_t hash, int32_t pos);
  void rebuild_index();
};

inline bool is_valid_map_key(Value key);  // defined below is_obj_type
uint64_t hash_map_key(Value key);
bool map_keys_equal(Value a, Value b);

struct Cell : Obj {
  Value value;
  explicit Cell(Value v) : Obj(ObjType::Cell), value(v) {}
};

struct Closure : Obj {
  Proto* proto;
  std::vector<Cell*> upvals;
  explicit Closure(Proto* p) : Obj(ObjType::Closure), proto(p) {}
};

// A native function. Returns false after raising an error on the VM.
using BuiltinFn = bool (*)(VM& vm, Value* args, int argc, Value& result);

struct Builtin : Obj {
  const char* name;
  BuiltinFn fn;
  Builtin(const char* n, BuiltinFn f) : Obj(ObjType::Builtin), name(n), fn(f) {}
};

inline bool is_obj_type(Value v, ObjType t) { return v.is_object() && v.as_obj()->type == t; }
inline String* as_string(Value v) { return static_cast<String*>(v.as_obj()); }
inline Symbol* as_symbol(Value v) { return static_cast<Symbol*>(v.as_obj()); }
inline Array* as_array(Value v) { return static_cast<Array*>(v.as_obj()); }
inline Map* as_map(Value v) { return static_cast<Map*>(v.as_obj()); }
inline Closure* as_closure(Value v) { return static_cast<Closure*>(v.as_obj()); }
inline Cell* as_cell(Value v) { return static_cast<Cell*>(v.as_obj()); }
inline Builtin* as_builtin(Value v) { return static_cast<Builtin*>(v.as_obj()); }

inline bool is_valid_map_key(Value key) {
  return key.is_int() || is_obj_type(key, ObjType::Symbol) || is_obj_type(key, ObjType::String);
}

// A name for the value's type, used in error messages.
const char* type_name(Value v);

}  // namespace gene
