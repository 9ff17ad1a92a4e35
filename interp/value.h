// NaN-boxed 64-bit values.
//
// A double is stored as its own bits. Everything else lives in the negative quiet-NaN space whose
// top 16 bits are 0xFFF9..0xFFFF; the low 48 bits are the payload. 0xFFF8 (the x86 "default NaN"
// that 0/0 and sqrt(-1) produce) stays a double, so arithmetic results never need canonicalising:
// hardware only ever produces 0x7FF8.. or 0xFFF8.. NaNs from our inputs.
//
// The JIT relies on this exact layout (tag checks are `v >> 48 == tag`), so keep it in one place.
#pragma once
#include <cstdint>
#include <cstring>

namespace gene {

struct Obj;

constexpr int kIntBits = 48;
constexpr int64_t kIntMax = (int64_t(1) << 47) - 1;
constexpr int64_t kIntMin = -(int64_t(1) << 47);

enum class Tag : uint16_t {
  Int = 0xFFF9,
  Nil = 0xFFFA,
  Bool = 0xFFFB,
  Object = 0xFFFC,
  Undefined = 0xFFFD,  // marks a global whose declaration has not run; never user-visible
};

constexpr uint64_t kPayloadMask = (uint64_t(1) << 48) - 1;
constexpr uint64_t kFirstTagged = uint64_t(0xFFF9) << 48;

struct Value {
  uint64_t bits;

  static constexpr uint64_t tagged(Tag t, uint64_t payload) {
    return (uint64_t(t) << 48) | (payload & kPayloadMask);
  }
  static constexpr Value from_bits(uint64_t b) { return Value{b}; }
  static constexpr Value nil() { return Value{tagged(Tag::Nil, 0)}; }
  static constexpr Value undefined() { return Value{tagged(Tag::Undefined, 0)}; }
  static constexpr Value boolean(bool b) { return Value{tagged(Tag::Bool, b ? 1 : 0)}; }
  // Caller guarantees kIntMin <= i <= kIntMax.
  static constexpr Value integer(int64_t i) { return Value{tagged(Tag::Int, uint64_t(i))}; }
  static Value number(double d) {
    Value v;
    std::memcpy(&v.bits, &d, sizeof d);
    return v;
  }
  static Value object(const Obj* o) {
    return Value{tagged(Tag::Object, reinterpret_cast<uintptr_t>(o))};
  }

  constexpr Tag tag() const { return Tag(bits >> 48); }
  constexpr bool is_double() const { return bits < kFirstTagged; }
  constexpr bool is_int() const { return tag() == Tag::Int; }
  constexpr bool is_nil() const { return bits == nil().bits; }
  constexpr bool is_bool() const { return tag() == Tag::Bool; }
  constexpr bool is_object() const { return tag() == Tag::Object; }
  constexpr bool is_undefined() const { return bits == undefined().bits; }
  constexpr bool is_number() const { return is_double() || is_int(); }
  constexpr bool truthy() const {
    return bits != nil().bits && bits != boolean(false).bits;
  }

  constexpr int64_t as_int() const { return int64_t(bits << 16) >> 16; }
  constexpr bool as_bool() const { return (bits & 1) != 0; }
  double as_double() const {
    double d;
    std::memcpy(&d, &bits, sizeof d);
    return d;
  }
  double to_double() const { return is_int() ? double(as_int()) : as_double(); }
  Obj* as_obj() const { return reinterpret_cast<Obj*>(bits & kPayloadMask); }

  constexpr bool operator==(const Value& o) const { return bits == o.bits; }
  constexpr bool operator!=(const Value& o) const { return bits != o.bits; }
};

static_assert(sizeof(Value) == 8);

constexpr bool int_fits(int64_t i) { return i >= kIntMin && i <= kIntMax; }

}  // namespace gene
