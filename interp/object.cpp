#include "interp/object.h"

#include <cstring>

namespace gene {

namespace {

// 64x64 -> 128-bit multiply folded to 64 bits: the mixing step of wyhash.
inline uint64_t mix(uint64_t a, uint64_t b) {
  unsigned __int128 r = static_cast<unsigned __int128>(a) * b;
  return uint64_t(r) ^ uint64_t(r >> 64);
}

inline uint64_t load64(const char* p) {
  uint64_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

inline uint64_t load32(const char* p) {
  uint32_t w;
  std::memcpy(&w, p, sizeof w);
  return w;
}

constexpr uint64_t kSeed0 = 0xa0761d6478bd642full, kSeed1 = 0xe7037ed1a0b428dbull,
                   kSeed2 = 0x8ebc6af09c88c6e3ull;

// A wyhash-style hash of a byte string: a few multiplies for the short strings map keys
// usually are, where std::hash (murmur, out of line) dominated lookups. The last 1..16 bytes are
// read with overlapping loads; together with the length these determine the bytes exactly.
uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t h = kSeed0 ^ mix(n ^ kSeed1, kSeed2);
  size_t left = n;
  for (; left > 16; p += 16, left -= 16) h = mix(load64(p) ^ kSeed1, load64(p + 8) ^ h);
  uint64_t a = 0, b = 0;
  if (left >= 8) {
    a = load64(p);
    b = load64(p + left - 8);
  } else if (left >= 4) {
    a = load32(p);
    b = load32(p + left - 4);
  } else if (left > 0) {
    auto byte = [&](size_t i) { return uint64_t(static_cast<unsigned char>(p[i])); };
    a = (byte(0) << 16) | (byte(left >> 1) << 8) | byte(left - 1);
  }
  return mix(kSeed1 ^ n, mix(a ^ kSeed1, b ^ h));
}

// Ints by value, symbols by identity: the murmur3 finalizer spreads consecutive ints and
// 16-byte-aligned pointers over both the low bits (the slot) and the high bits (the index tag).
inline uint64_t hash_bits(uint64_t h) {
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  return h;
}

inline uint64_t key_hash(Value key) {
  return is_obj_type(key, ObjType::String) ? as_string(key)->hash() : hash_bits(key.bits);
}

// Index slots: the entry position in the bits under the mask, the key's hash tag above them
// (bits 31.. are never set, so no slot equals -1, the empty mark).
constexpr uint32_t kSlotBits = 0x7fffffff;

inline uint32_t slot_tag(uint64_t hash, uint32_t mask) { return uint32_t(hash >> 32) & kSlotBits & ~mask; }

}  // namespace

uint64_t String::compute_hash() const {
  uint64_t h = hash_bytes(chars.data(), chars.size());
  hash_ = h != 0 ? h : 1;
  return hash_;
}

uint64_t hash_map_key(Value key) { return key_hash(key); }

bool map_keys_equal(Value a, Value b) {
  if (a == b) return true;
  return is_obj_type(a, ObjType::String) && is_obj_type(b, ObjType::String) &&
         as_string(a)->chars == as_string(b)->chars;
}

// Small maps are scanned linearly; past this many entries an open-addressing index is kept.
static constexpr size_t kLinearLimit = 8;

int32_t Map::find(Value key) const {
  if (!index.empty()) return find_hashed(key, key_hash(key));
  // Symbols and ints are equal exactly when their bits are; only strings compare contents.
  // Tombstones (undefined) never equal a key and are not strings.
  if (!is_obj_type(key, ObjType::String)) {
    for (size_t i = 0; i < entries.size(); i++)
      if (entries[i].key == key) return int32_t(i);
    return -1;
  }
  for (size_t i = 0; i < entries.size(); i++) {
    Value k = entries[i].key;
    if (k == key || (is_obj_type(k, ObjType::String) && as_string(k)->chars == as_string(key)->chars))
      return int32_t(i);
  }
  return -1;
}

int32_t Map::find_hashed(Value key, uint64_t hash) const {
  const uint32_t mask = uint32_t(index.size() - 1);
  const uint32_t tag = slot_tag(hash, mask);
  const int32_t* slots = index.data();
  const Entry* es = entries.data();
  // Only entries whose slot carries the key's tag are loaded and compared.
  if (!is_obj_type(key, ObjType::String)) {
    for (uint32_t s = uint32_t(hash) & mask;; s = (s + 1) & mask) {
      int32_t slot = slots[s];
      if (slot == -1) return -1;
      uint32_t e = uint32_t(slot) & mask;
      if ((uint32_t(slot) & ~mask) == tag && es[e].key == key) return int32_t(e);
    }
  }
  const String* str = as_string(key);
  for (uint32_t s = uint32_t(hash) & mask;; s = (s + 1) & mask) {
    int32_t slot = slots[s];
    if (slot == -1) return -1;
    if ((uint32_t(slot) & ~mask) != tag) continue;
    uint32_t e = uint32_t(slot) & mask;
    Value k = es[e].key;
    // The tag already matched, so this is most likely the key: compare contents, not the cached
    // hashes (which may sit on another cache line of the entry's String).
    if (k == key || (is_obj_type(k, ObjType::String) && as_string(k)->chars == str->chars)) return int32_t(e);
  }
}

void Map::insert_slot(uint64_t hash, int32_t pos) {
  const uint32_t mask = uint32_t(index.size() - 1);
  uint32_t s = uint32_t(hash) & mask;
  while (index[s] != -1) s = (s + 1) & mask;
  index[s] = int32_t(slot_tag(hash, mask) | uint32_t(pos));
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
  // At most half full, so a position (< size / 2) always fits under the slot mask.
  size_t cap = 16;
  while (cap < entries.size() * 2) cap *= 2;
  index.assign(cap, -1);
  for (size_t i = 0; i < entries.size(); i++) insert_slot(key_hash(entries[i].key), int32_t(i));
}

void Map::insert_absent(Value key, Value value, uint64_t hash) {
  const bool hashed = !index.empty();
  entries.push_back({key, value});
  live++;
  if (entries.size() > kLinearLimit && (!hashed || entries.size() * 2 > index.size())) {
    rebuild_index();
    return;
  }
  if (hashed) insert_slot(hash, int32_t(entries.size() - 1));
}

void Map::set(Value key, Value value) {
  // Hash once: the same hash finds the key and, when it is new, places its slot.
  const bool hashed = !index.empty();
  const uint64_t hash = hashed ? key_hash(key) : 0;
  int32_t i = hashed ? find_hashed(key, hash) : find(key);
  if (i >= 0) {
    entries[size_t(i)].value = value;
    return;
  }
  insert_absent(key, value, hash);
}

int32_t Map::find(Value key, uint64_t& hash) const {
  if (index.empty()) {
    hash = 0;
    return find(key);
  }
  hash = key_hash(key);
  return find_hashed(key, hash);
}

bool Map::remove(Value key) {
  int32_t i = find(key);
  if (i < 0) return false;
  entries[size_t(i)].key = Value::undefined();
  entries[size_t(i)].value = Value::nil();
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
