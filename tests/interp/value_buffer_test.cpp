// An array's items (ValueBuffer): the capacities std::vector<Value> would have (the heap counts
// capacity, so accounting depends on it), the layout compiled code reads, and the raw-buffer
// hand-over the heap's pools use.
#include "interp/value_buffer.h"

#include <gtest/gtest.h>

#include <vector>

namespace gene {
namespace {

TEST(ValueBuffer, GrowsToTheCapacitiesAVectorWouldHave) {
  ValueBuffer b;
  std::vector<Value> v;
  for (int i = 0; i < 100; i++) {
    b.push_back(Value::integer(i));
    v.push_back(Value::integer(i));
    ASSERT_EQ(b.capacity(), v.capacity()) << "after " << i + 1 << " pushes";
  }
  b.reserve(300);
  v.reserve(300);
  EXPECT_EQ(b.capacity(), v.capacity());
  b.reserve(10);  // never shrinks
  EXPECT_EQ(b.capacity(), 300u);
  for (int i = 0; i < 100; i++) EXPECT_EQ(b[size_t(i)].as_int(), i);
}

TEST(ValueBuffer, AssignKeepsAFittingBufferAndTakesExactlyWhatALargerOneNeeds) {
  ValueBuffer b;
  b.reserve(8);
  Value* first = b.data();
  Value three[] = {Value::integer(1), Value::integer(2), Value::integer(3)};
  b.assign(three, three + 3);
  EXPECT_EQ(b.data(), first);
  EXPECT_EQ(b.size(), 3u);
  std::vector<Value> many(11, Value::nil());
  b.assign(many.data(), many.data() + many.size());
  EXPECT_EQ(b.size(), 11u);
  EXPECT_EQ(b.capacity(), 11u);
  b.assign({});
  EXPECT_TRUE(b.empty());
}

TEST(ValueBuffer, IsLaidOutAsBeginEndCapacityPointers) {
  ValueBuffer b;
  b.reserve(7);
  for (int i = 0; i < 3; i++) b.push_back(Value::integer(i));
  auto words = reinterpret_cast<Value* const*>(&b);
  static_assert(sizeof(ValueBuffer) == 3 * sizeof(void*));
  EXPECT_EQ(words[0], b.data());
  EXPECT_EQ(words[1], b.data() + 3);
  EXPECT_EQ(words[2], b.data() + 7);
}

TEST(ValueBuffer, ReplaceMovesTheItemsIntoTheGivenBufferAndHandsBackTheOld) {
  ValueBuffer b;
  Value* none = b.replace(ValueBuffer::allocate(4), 4);
  EXPECT_EQ(none, nullptr);
  for (int i = 0; i < 4; i++) b.push_back(Value::integer(i * 10));
  Value* old = b.data();
  Value* bigger = ValueBuffer::allocate(8);
  EXPECT_EQ(b.replace(bigger, 8), old);
  ValueBuffer::free_buffer(old);
  EXPECT_EQ(b.data(), bigger);
  EXPECT_EQ(b.capacity(), 8u);
  ASSERT_EQ(b.size(), 4u);
  for (int i = 0; i < 4; i++) EXPECT_EQ(b[size_t(i)].as_int(), i * 10);
  Value* given = b.release();
  EXPECT_EQ(given, bigger);
  EXPECT_EQ(b.capacity(), 0u);
  EXPECT_TRUE(b.empty());
  ValueBuffer::free_buffer(given);
}

}  // namespace
}  // namespace gene
