#include "interp/object.h"

#include <functional>

namespace gene {

bool is_valid_map_key(Value key) {
  return key.is_int() || is_obj_type(key, ObjType::Symbol) || is_obj_type(key, ObjType::String);
}

uint64_t hash_map_key(Value key) {
  if (is_obj_type(key, ObjType::String))
    return std::hash<std::string>{}(as_string(key)->chars) ^ 0x9e3779b97f4a7c15ull;
  uint64_t h = key.bits;  // ints by value, symbols by identity
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

bool map_keys_equal(Value a, Value b) {
  if (a == b) return true;
  return is_obj_type(a, ObjType::String) && is_obj_type(b, ObjType::String) &&
         as_string(a)->chars == as_string(b)->chars;
}

// Small maps are scanned linearly; past this many entries an open-addressing index is kept.
static constexpr size_t kLinearLimit = 8;

int32_t Map::find(Value key) const {
  if (index.empty()) {
    // Symbols and ints are equal exactly when their bits are; only strings compare contents.
    if (!is_obj_type(key, ObjType::String)) {
      for (size_t i = 0; i < entries.size(); i++)
        if (entries[i].key == key) return int32_t(i);
      return -1;
    }
    for (size_t i = 0; i < entries.size(); i++)
      if (!entries[i].key.is_undefined() && map_keys_equal(entries[i].key, key)) return int32_t(i);
    return -1;
  }
  size_t mask = index.size() - 1;
  for (size_t s = hash_map_key(key) & mask;; s = (s + 1) & mask) {
    int32_t e = index[s];
    if (e == -1) return -1;
    if (!entries[e].key.is_undefined() && map_keys_equal(entries[e].key, key)) return e;
  }
}

Value Map::get(Value key) const {
  int32_t i = find(key);
  return i < 0 ? Value::nil() : entries[i].value;
}

void Map::rebuild_index() {
  // Drop tombstones first so positions stay dense.
  if (live != entries.size()) {
    size_t w = 0;
    for (size_t r = 0; r < entries.size(); r++)
      if (!entries[r].key.is_undefined()) entries[w++] = entries[r];
    entries.resize(w);
  }
  index.clear();
  if (entries.size() <= kLinearLimit) return;
  size_t cap = 16;
  while (cap < entries.size() * 2) cap *= 2;
  index.assign(cap, -1);
  size_t mask = cap - 1;
  for (size_t i = 0; i < entries.size(); i++) {
    size_t s = hash_map_key(entries[i].key) & mask;
    while (index[s] != -1) s = (s + 1) & mask;
    index[s] = int32_t(i);
  }
}

void Map::set(Value key, Value value) {
  int32_t i = find(key);
  if (i >= 0) {
    entries[i].value = value;
    return;
  }
  entries.push_back({key, value});
  live++;
  if (entries.size() > kLinearLimit && (index.empty() || entries.size() * 2 > index.size())) {
    rebuild_index();
    return;
  }
  if (!index.empty()) {
    size_t mask = index.size() - 1;
    size_t s = hash_map_key(key) & mask;
    while (index[s] != -1) s = (s + 1) & mask;
    index[s] = int32_t(entries.size() - 1);
  }
}

bool Map::remove(Value key) {
  int32_t i = find(key);
  if (i < 0) return false;
  entries[i].key = Value::undefined();
  entries[i].value = Value::nil();
  live--;
  // Compact when tombstones dominate, so iteration and probing stay proportional to size.
  if (live * 2 < entries.size() || index.empty()) rebuild_index();
  return true;
}

const char* type_name(Value v) {
  if (v.is_int()) return "int";
  if (v.is_double()) return "float";
  if (v.is_nil()) return "nil";
  if (v.is_bool()) return "bool";
  if (!v.is_object()) return "undefined";
  switch (v.as_obj()->type) {
    case ObjType::String: return "string";
    case ObjType::Symbol: return "symbol";
    case ObjType::Array: return "array";
    case ObjType::Map: return "map";
    case ObjType::Closure:
    case ObjType::Builtin: return "fn";
    case ObjType::Cell: return "cell";
  }
  return "?";
}

}  // namespace gene
