#include "interp/collections.h"

#include <algorithm>

#include "interp/display.h"
#include "interp/object.h"
#include "interp/vm.h"

namespace gene {

namespace {

// The checks below run on every method call: the passing test is inline, the error message is
// built out of line so it does not weigh on the hot path.
[[gnu::noinline, gnu::cold]] bool index_error(VM& vm, Value idx, size_t size) {
  if (!idx.is_int()) return vm.raise(ErrorKind::TypeError, std::string("index must be an int, got ") + type_name(idx));
  return vm.raise(ErrorKind::IndexOutOfRange,
                  "index " + std::to_string(idx.as_int()) + " out of range for size " + std::to_string(size));
}

inline bool check_index(VM& vm, Value idx, size_t size, size_t& out) {
  if (!idx.is_int() || idx.as_int() < 0 || uint64_t(idx.as_int()) >= size) return index_error(vm, idx, size);
  out = size_t(idx.as_int());
  return true;
}

[[gnu::noinline, gnu::cold]] bool key_error(VM& vm, Value key) {
  return vm.raise(ErrorKind::TypeError, std::string("map keys must be symbols, strings or ints, got ") + type_name(key));
}

// (The error's message is built out of line: every .get/.set/.has/.del checks its key.)
inline bool check_key(VM& vm, Value key) { return is_valid_map_key(key) || key_error(vm, key); }

bool oom(VM& vm) { return vm.raise(ErrorKind::OutOfMemory, "heap limit exceeded"); }

[[gnu::noinline, gnu::cold]] bool arity_error(VM& vm, const char* type, Symbol* name, int argc, int lo, int hi) {
  std::string want = lo == hi ? std::to_string(lo) : std::to_string(lo) + " or " + std::to_string(hi);
  return vm.raise(ErrorKind::ArityMismatch, std::string(type) + " ." + name->name + " expects " + want +
                                                " argument" + (hi == 1 ? "" : "s") + ", got " + std::to_string(argc));
}

// m[key] = value, accounting the entry storage it allocates: only a new key in a full entries
// vector grows it (doubling), and that is accounted first, since it may collect. Overwrites
// allocate nothing, so they must not count: the heap's peak and its collection budget would
// otherwise grow with every store. A full vector (a literal's map is one) finds the key once.
// false: out of memory (nothing raised; with may_collect false, before any collection).
[[gnu::always_inline]] inline bool store_in_map(VM& vm, Map* m, Value key, Value value, bool may_collect) {
  size_t cap = m->entries.capacity();
  if (m->entries.size() < cap) {
    m->set(key, value);
    return true;
  }
  uint64_t hash = 0;
  int32_t i = m->index.empty() ? m->find(key) : m->find(key, hash);
  if (i >= 0) {
    m->entries[size_t(i)].value = value;
    return true;
  }
  if (!vm.heap.note_growth(m->entries.growth_bytes(), may_collect)) return false;
  m->insert_absent(key, value, hash);  // (a collection changes no map)
  return true;
}
inline bool map_store(VM& vm, Map* m, Value key, Value value) {
  return store_in_map(vm, m, key, value, true) || oom(vm);
}

inline bool arity(VM& vm, const char* type, Symbol* name, int argc, int lo, int hi) {
  return (argc >= lo && argc <= hi) || arity_error(vm, type, name, argc, lo, hi);
}

bool no_method(VM& vm, Value recv, Symbol* name) {
  return vm.raise(ErrorKind::TypeError, std::string(type_name(recv)) + " has no method ." + name->name);
}

bool array_method(VM& vm, Array* a, Symbol* m, Value* args, int argc, Value& out) {
  auto& n = vm.names;
  auto& items = a->items;
  size_t i = 0;  // set by check_index when it passes
  if (m == n.size) {
    if (!arity(vm, "array", m, argc, 0, 0)) return false;
    out = Value::integer(int64_t(items.size()));
    return true;
  }
  if (m == n.get) {
    if (!arity(vm, "array", m, argc, 1, 1) || !check_index(vm, args[0], items.size(), i)) return false;
    out = items[i];
    return true;
  }
  if (m == n.set) {
    if (!arity(vm, "array", m, argc, 2, 2) || !check_index(vm, args[0], items.size(), i)) return false;
    items[i] = args[1];
    out = Value::nil();
    return true;
  }
  if (m == n.push) {
    if (!arity(vm, "array", m, argc, 1, 1)) return false;
    if (items.size() == items.capacity() && !grow_for_push(vm, a, true)) return oom(vm);
    items.push_back(args[0]);
    out = Value::nil();
    return true;
  }
  if (m == n.pop) {
    if (!arity(vm, "array", m, argc, 0, 0)) return false;
    if (items.empty()) return vm.raise(ErrorKind::IndexOutOfRange, "pop from an empty array");
    out = items.back();
    items.pop_back();
    return true;
  }
  return no_method(vm, Value::object(a), m);
}

bool map_method(VM& vm, Map* map, Symbol* m, Value* args, int argc, Value& out) {
  auto& n = vm.names;
  if (m == n.size) {
    if (!arity(vm, "map", m, argc, 0, 0)) return false;
    out = Value::integer(map->live);
    return true;
  }
  if (m == n.get) {
    if (!arity(vm, "map", m, argc, 1, 1) || !check_key(vm, args[0])) return false;
    out = map->get(args[0]);
    return true;
  }
  if (m == n.set) {
    if (!arity(vm, "map", m, argc, 2, 2) || !check_key(vm, args[0])) return false;
    if (!map_store(vm, map, args[0], args[1])) return false;
    out = Value::nil();
    return true;
  }
  if (m == n.has) {
    if (!arity(vm, "map", m, argc, 1, 1) || !check_key(vm, args[0])) return false;
    out = Value::boolean(map->find(args[0]) >= 0);
    return true;
  }
  if (m == n.keys) {
    if (!arity(vm, "map", m, argc, 0, 0)) return false;
    Array* keys = vm.heap.new_array(map->live);
    if (!keys) return oom(vm);
    map->for_each([&](Value k, Value) { keys->items.push_back(k); });
    out = Value::object(keys);
    return true;
  }
  if (m == n.del) {
    if (!arity(vm, "map", m, argc, 1, 1) || !check_key(vm, args[0])) return false;
    map->remove(args[0]);
    out = Value::nil();
    return true;
  }
  return no_method(vm, Value::object(map), m);
}

bool string_method(VM& vm, Value recv, Symbol* m, Value* args, int argc, Value& out) {
  auto& n = vm.names;
  const std::string& s = as_string(recv)->chars;
  if (m == n.size) {
    if (!arity(vm, "string", m, argc, 0, 0)) return false;
    out = Value::integer(int64_t(s.size()));
    return true;
  }
  if (m == n.get) {
    size_t i = 0;
    if (!arity(vm, "string", m, argc, 1, 1) || !check_index(vm, args[0], s.size(), i)) return false;
    // The canonical 1-byte string: no allocation, so nothing to fail (see interp/heap.h).
    out = Value::object(vm.heap.char_string(static_cast<unsigned char>(s[i])));
    return true;
  }
  if (m == n.substr) {
    if (!arity(vm, "string", m, argc, 1, 2)) return false;
    // Types first, then ranges.
    for (int k = 0; k < argc; k++)
      if (!args[k].is_int())
        return vm.raise(ErrorKind::TypeError, std::string("substr bounds must be ints, got ") + type_name(args[k]));
    int64_t size = int64_t(s.size());
    int64_t a = args[0].as_int();
    int64_t b = argc == 2 ? args[1].as_int() : size;
    if (a < 0 || a > size || b < 0 || b > size || b < a)
      return vm.raise(ErrorKind::IndexOutOfRange, "substr range [" + std::to_string(a) + ", " + std::to_string(b) +
                                                      ") out of bounds for size " + std::to_string(size));
    String* r = vm.heap.new_string(as_string(recv)->chars.substr(size_t(a), size_t(b - a)));
    if (!r) return oom(vm);
    out = Value::object(r);
    return true;
  }
  return no_method(vm, recv, m);
}

}  // namespace

bool path_get(VM& vm, Value container, Value key, Value& out) {
  if (key.is_int()) {
    if (!is_obj_type(container, ObjType::Array))
      return vm.raise(ErrorKind::TypeError, std::string("cannot index ") + type_name(container) + " with an int path step");
    size_t i = 0;
    if (!check_index(vm, key, as_array(container)->items.size(), i)) return false;
    out = as_array(container)->items[i];
    return true;
  }
  if (!is_obj_type(container, ObjType::Map))
    return vm.raise(ErrorKind::TypeError, std::string("cannot read key ") + to_display_nested(key) + " of " +
                                              type_name(container));
  out = as_map(container)->get(key);
  return true;
}

bool path_set(VM& vm, Value container, Value key, Value value) {
  if (key.is_int()) {
    if (!is_obj_type(container, ObjType::Array))
      return vm.raise(ErrorKind::TypeError, std::string("cannot index ") + type_name(container) + " with an int path step");
    size_t i = 0;
    if (!check_index(vm, key, as_array(container)->items.size(), i)) return false;
    as_array(container)->items[i] = value;
    return true;
  }
  if (!is_obj_type(container, ObjType::Map))
    return vm.raise(ErrorKind::TypeError, std::string("cannot set key ") + to_display_nested(key) + " of " +
                                              type_name(container));
  return map_store(vm, as_map(container), key, value);
}

bool call_method(VM& vm, Symbol* name, Value* recv_and_args, int argc, Value& out) {
  Value recv = recv_and_args[0];
  Value* args = recv_and_args + 1;
  if (recv.is_object()) {
    switch (recv.as_obj()->type) {
      case ObjType::Array: return array_method(vm, as_array(recv), name, args, argc, out);
      case ObjType::Map: return map_method(vm, as_map(recv), name, args, argc, out);
      case ObjType::String: return string_method(vm, recv, name, args, argc, out);
      default: break;
    }
  }
  return no_method(vm, recv, name);
}

bool grow_for_push(VM& vm, Array* a, bool may_collect) {
  size_t capacity = a->items.capacity();
  size_t grown = std::max(Heap::kMinArrayCapacity, 2 * capacity);
  if (!vm.heap.note_growth((grown - capacity) * sizeof(Value), may_collect)) return false;
  vm.heap.regrow_items(a, grown);
  return true;
}

bool map_set(VM& vm, Map* m, Value key, Value value, bool may_collect) {
  return store_in_map(vm, m, key, value, may_collect);
}

bool check_sequence(VM& vm, Value seq) {
  if (is_obj_type(seq, ObjType::Array)) return true;
  return vm.raise(ErrorKind::TypeError, std::string("for needs an array, got ") + type_name(seq));
}

}  // namespace gene
