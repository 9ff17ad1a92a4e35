// NaN-boxing (interp/value.h): 48-bit ints, doubles stored as themselves, tags, truthiness.
// Also values as map keys (interp/object.h): string hashes and the tagged open-addressing index.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "interp/heap.h"
#include "interp/object.h"
#include "interp/value.h"
#include "test_util.h"

namespace gene {
namespace {

TEST(ValueInt, BoundsAreTwoToThe47) {
  EXPECT_EQ(kIntMax, 140737488355327);
  EXPECT_EQ(kIntMin, -140737488355328);
  EXPECT_TRUE(int_fits(kIntMax));
  EXPECT_TRUE(int_fits(kIntMin));
  EXPECT_FALSE(int_fits(kIntMax + 1));
  EXPECT_FALSE(int_fits(kIntMin - 1));
  EXPECT_FALSE(int_fits(std::numeric_limits<int64_t>::max()));
  EXPECT_FALSE(int_fits(std::numeric_limits<int64_t>::min()));
}

TEST(ValueInt, RoundTripsAcrossTheWholeRange) {
  const int64_t samples[] = {0,          1,           -1,          2,          -2,
                             255,        -256,        1 << 20,     -(1 << 20), int64_t(1) << 40,
                             kIntMax,    kIntMin,     kIntMax - 1, kIntMin + 1, int64_t(1) << 46,
                             -(int64_t(1) << 46), 4294967296, -4294967297};
  for (int64_t i : samples) {
    Value v = Value::integer(i);
    EXPECT_TRUE(v.is_int()) << i;
    EXPECT_TRUE(v.is_number()) << i;
    EXPECT_FALSE(v.is_double()) << i;
    EXPECT_FALSE(v.is_object()) << i;
    EXPECT_EQ(v.tag(), Tag::Int) << i;
    EXPECT_EQ(v.as_int(), i);
    EXPECT_EQ(v.to_double(), double(i));
  }
  std::mt19937_64 rng(47);
  std::uniform_int_distribution<int64_t> dist(kIntMin, kIntMax);
  for (int k = 0; k < 100000; k++) {
    int64_t i = dist(rng);
    ASSERT_EQ(Value::integer(i).as_int(), i);
  }
}

TEST(ValueInt, SignExtendsFromBit47) {
  // The payload keeps 48 bits; the sign comes back from bit 47.
  EXPECT_EQ(Value::integer(-1).bits, 0xFFF9FFFFFFFFFFFFull);
  EXPECT_EQ(Value::integer(kIntMin).bits, 0xFFF9800000000000ull);
  EXPECT_EQ(Value::integer(kIntMax).bits, 0xFFF97FFFFFFFFFFFull);
  EXPECT_EQ(Value::integer(0).bits, 0xFFF9000000000000ull);
}

TEST(ValueDouble, StoredAsItsOwnBits) {
  const double samples[] = {0.0,
                            -0.0,
                            1.5,
                            -2.5,
                            3.14,
                            1e300,
                            -1e-300,
                            std::numeric_limits<double>::max(),
                            std::numeric_limits<double>::lowest(),
                            std::numeric_limits<double>::denorm_min(),
                            std::numeric_limits<double>::infinity(),
                            -std::numeric_limits<double>::infinity(),
                            140737488355328.0};
  for (double d : samples) {
    Value v = Value::number(d);
    EXPECT_TRUE(v.is_double()) << d;
    EXPECT_TRUE(v.is_number()) << d;
    EXPECT_FALSE(v.is_int()) << d;
    EXPECT_FALSE(v.is_nil() || v.is_bool() || v.is_object() || v.is_undefined()) << d;
    uint64_t raw;
    std::memcpy(&raw, &d, sizeof d);
    EXPECT_EQ(v.bits, raw) << d;
    EXPECT_EQ(v.to_double(), d);
  }
  EXPECT_TRUE(std::signbit(Value::number(-0.0).as_double()));
}

// Keeps the compiler from folding the NaN-producing operations at compile time.
double opaque(double d) {
  volatile double v = d;
  return v;
}

TEST(ValueDouble, HardwareNansStayDoubles) {
  double zero_by_zero = opaque(0.0) / opaque(0.0);
  double sqrt_neg = std::sqrt(opaque(-1.0));
  double inf_minus_inf = opaque(INFINITY) - opaque(INFINITY);
  double quiet = std::numeric_limits<double>::quiet_NaN();
  for (double d : {zero_by_zero, sqrt_neg, inf_minus_inf, quiet, -zero_by_zero, -quiet}) {
    ASSERT_TRUE(std::isnan(d));
    Value v = Value::number(d);
    EXPECT_TRUE(v.is_double()) << std::hex << v.bits;
    EXPECT_FALSE(v.is_int()) << std::hex << v.bits;
    EXPECT_FALSE(v.is_nil()) << std::hex << v.bits;
    EXPECT_FALSE(v.is_bool()) << std::hex << v.bits;
    EXPECT_FALSE(v.is_object()) << std::hex << v.bits;
    EXPECT_FALSE(v.is_undefined()) << std::hex << v.bits;
    EXPECT_TRUE(v.truthy());
    EXPECT_TRUE(std::isnan(v.as_double()));
    // Every NaN the hardware produces is 0x7FF8.. or 0xFFF8.., below the first tag.
    EXPECT_LT(v.bits, kFirstTagged);
  }
}

TEST(ValueTags, AreDistinctAndPredicatesAgree) {
  Value nil = Value::nil(), t = Value::boolean(true), f = Value::boolean(false), u = Value::undefined();
  EXPECT_EQ(nil.tag(), Tag::Nil);
  EXPECT_EQ(t.tag(), Tag::Bool);
  EXPECT_EQ(f.tag(), Tag::Bool);
  EXPECT_EQ(u.tag(), Tag::Undefined);
  EXPECT_TRUE(nil.is_nil());
  EXPECT_FALSE(nil.is_bool());
  EXPECT_TRUE(t.is_bool());
  EXPECT_TRUE(t.as_bool());
  EXPECT_TRUE(f.is_bool());
  EXPECT_FALSE(f.as_bool());
  EXPECT_TRUE(u.is_undefined());
  EXPECT_FALSE(u.is_nil());
  EXPECT_NE(nil, f);
  EXPECT_NE(t, f);
  EXPECT_NE(nil, u);
  EXPECT_NE(Value::integer(0), nil);
  EXPECT_NE(Value::integer(0), f);
  EXPECT_NE(Value::integer(0), Value::number(0.0));
  for (Value v : {nil, t, f, u, Value::integer(0)}) {
    EXPECT_FALSE(v.is_double());
    EXPECT_GE(v.bits, kFirstTagged);
  }
  EXPECT_EQ(uint16_t(Tag::Int), 0xFFF9);
  EXPECT_EQ(uint16_t(Tag::Object), 0xFFFC);
  EXPECT_EQ(sizeof(Value), 8u);
}

TEST(ValueTags, ObjectPointersRoundTrip) {
  Heap heap;
  String* s = heap.new_string("hello");
  Array* a = heap.new_array();
  for (Obj* o : {static_cast<Obj*>(s), static_cast<Obj*>(a)}) {
    Value v = Value::object(o);
    EXPECT_TRUE(v.is_object());
    EXPECT_EQ(v.tag(), Tag::Object);
    EXPECT_FALSE(v.is_double());
    EXPECT_FALSE(v.is_int());
    EXPECT_EQ(v.as_obj(), o);
  }
  EXPECT_TRUE(is_obj_type(Value::object(s), ObjType::String));
  EXPECT_FALSE(is_obj_type(Value::object(s), ObjType::Array));
  EXPECT_FALSE(is_obj_type(Value::integer(1), ObjType::String));
  EXPECT_STREQ(type_name(Value::object(s)), "string");
  EXPECT_STREQ(type_name(Value::object(a)), "array");
  EXPECT_STREQ(type_name(Value::integer(1)), "int");
  EXPECT_STREQ(type_name(Value::number(1)), "float");
  EXPECT_STREQ(type_name(Value::nil()), "nil");
  EXPECT_STREQ(type_name(Value::boolean(true)), "bool");
}

TEST(ValueTruthiness, OnlyNilAndFalseAreFalsy) {
  Heap heap;
  EXPECT_FALSE(Value::nil().truthy());
  EXPECT_FALSE(Value::boolean(false).truthy());
  EXPECT_TRUE(Value::boolean(true).truthy());
  EXPECT_TRUE(Value::integer(0).truthy());
  EXPECT_TRUE(Value::integer(-1).truthy());
  EXPECT_TRUE(Value::number(0.0).truthy());
  EXPECT_TRUE(Value::number(-0.0).truthy());
  EXPECT_TRUE(Value::number(std::nan("")).truthy());
  EXPECT_TRUE(Value::object(heap.new_string("")).truthy());
  EXPECT_TRUE(Value::object(heap.new_array()).truthy());
  EXPECT_TRUE(Value::object(heap.new_map()).truthy());
}

// Everything these tests allocate stays rooted, so a collection never frees a key in use.
class MapKeys : public test::RootedHeapTest {
 protected:
  Value str(const std::string& s) { return roots.emplace_back(Value::object(heap.new_string(s))); }
  Map* new_map() {
    Map* m = heap.new_map();
    roots.push_back(Value::object(m));
    return m;
  }
};

// A string's hash is computed once and cached; equal contents hash alike whatever the object.
TEST_F(MapKeys, StringHashIsByContentAndCached) {
  std::vector<std::string> texts = {"", "a", "ab", "abc", "abcd", "k123", "hello w", "12345678", "123456789",
                                    "0123456789abcdef", "0123456789abcdefg", std::string(100, 'x')};
  for (const std::string& t : texts) {
    String* a = as_string(str(t));
    String* b = as_string(str(t));
    uint64_t h = a->hash();
    EXPECT_NE(h, 0u) << "0 marks a hash not computed yet";
    EXPECT_EQ(a->hash(), h);
    EXPECT_EQ(b->hash(), h) << t;
    EXPECT_EQ(hash_map_key(Value::object(b)), h);
  }
  // Strings differing in one byte, anywhere, hash differently (with overwhelming likelihood).
  std::vector<uint64_t> seen;
  for (size_t len = 1; len <= 40; len++)
    for (size_t at = 0; at < len; at++) {
      std::string t(len, 'a');
      t[at] = 'b';
      seen.push_back(as_string(str(t))->hash());
    }
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());
}

// Thousands of int and string keys through growth, deletes, compaction and re-insertion: every
// lookup (with fresh String objects, so by content) agrees with a plain model, order included.
TEST_F(MapKeys, HashedIndexSurvivesGrowthDeletesAndRebuilds) {
  Map* m = new_map();
  const int n = 3000;
  auto skey = [&](int i) { return str(std::string("k").append(std::to_string(i))); };
  for (int i = 0; i < n; i++) {
    m->set(Value::integer(i), Value::integer(3 * i));
    m->set(skey(i), Value::integer(i));
    if (i == 3) {
      EXPECT_TRUE(m->index.empty()) << "8 entries: still scanned linearly";
    }
  }
  EXPECT_FALSE(m->index.empty());
  EXPECT_EQ(m->live, uint32_t(2 * n));
  for (int i = 0; i < 2 * n; i++) {
    bool present = i < n;
    EXPECT_EQ(m->find(Value::integer(i)) >= 0, present) << i;
    EXPECT_EQ(m->find(skey(i)) >= 0, present) << i;
    if (present) {
      EXPECT_EQ(m->get(Value::integer(i)).as_int(), 3 * i);
      EXPECT_EQ(m->get(skey(i)).as_int(), i);
    }
  }
  // Delete three quarters of the keys: tombstones first, then compaction rebuilds the index.
  for (int i = 0; i < n; i++) {
    if (i % 4 != 0) {
      EXPECT_TRUE(m->remove(skey(i)));
    }
    if (i % 4 != 1) {
      EXPECT_TRUE(m->remove(Value::integer(i)));
    }
  }
  EXPECT_EQ(m->live, uint32_t(n / 2));
  for (int i = 0; i < n; i++) {
    EXPECT_EQ(m->get(skey(i)).is_nil(), i % 4 != 0) << i;
    EXPECT_EQ(m->get(Value::integer(i)).is_nil(), i % 4 != 1) << i;
  }
  // Re-inserted keys go to the end; updates keep their place.
  m->set(skey(2), Value::integer(-2));
  m->set(skey(0), Value::integer(-1));
  std::vector<Value> keys;
  m->for_each([&](Value k, Value) { keys.push_back(k); });
  ASSERT_EQ(keys.size(), size_t(n / 2 + 1));
  EXPECT_TRUE(map_keys_equal(keys[0], skey(0)));
  EXPECT_EQ(keys[1], Value::integer(1));
  EXPECT_TRUE(map_keys_equal(keys.back(), skey(2)));
  EXPECT_EQ(m->get(skey(0)).as_int(), -1);
  // Back down to a few entries: the index is dropped and lookups scan again.
  for (Value k : keys)
    if (!map_keys_equal(k, skey(2))) m->remove(k);
  EXPECT_TRUE(m->index.empty());
  EXPECT_EQ(m->live, 1u);
  EXPECT_EQ(m->get(skey(2)).as_int(), -2);
}

}  // namespace
}  // namespace gene
