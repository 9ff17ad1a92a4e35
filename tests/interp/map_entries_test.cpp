// A map's entries (MapEntries): the first few live in the map's room, and every slot of the
// room that holds no live entry has the undefined key, since compiled code reads a room slot
// without looking at the size (jit/spec/spec_codegen.cpp, map_entry). Also the bytes the heap
// counts for them.
#include "interp/map_entries.h"

#include <gtest/gtest.h>

#include "interp/object.h"

namespace gene {
namespace {

constexpr size_t kRoom = MapEntries::kInline;

Value key(int i) { return Value::integer(i); }

// Every room slot past `live` slots is empty.
void expect_room_empty_from(const MapEntries& e, size_t live) {
  for (size_t i = live; i < kRoom; i++) EXPECT_TRUE(e.room_[i].key.is_undefined()) << "room slot " << i;
}

TEST(MapEntries, AFewEntriesStayInTheRoomWithNothingOnTheHeap) {
  MapEntries e;
  expect_room_empty_from(e, 0);
  for (size_t i = 0; i < kRoom; i++) e.push_back({key(int(i)), Value::nil()});
  EXPECT_TRUE(e.in_room());
  EXPECT_EQ(e.data(), e.room_);
  EXPECT_EQ(e.heap_bytes(), 0u);
  EXPECT_EQ(MapEntries::reserve_bytes(kRoom), 0u);
}

TEST(MapEntries, LeavingTheRoomEmptiesItAndCountsTheHeapBuffer) {
  MapEntries e;
  for (size_t i = 0; i < kRoom; i++) e.push_back({key(int(i)), Value::integer(7)});
  size_t growth = e.growth_bytes();
  e.push_back({key(int(kRoom)), Value::nil()});
  EXPECT_FALSE(e.in_room());
  EXPECT_EQ(e.heap_bytes(), growth);  // what was counted before the push is what it holds
  expect_room_empty_from(e, 0);
  for (size_t i = 0; i <= kRoom; i++) EXPECT_EQ(e[i].key, key(int(i)));
  EXPECT_EQ(e[0].value.as_int(), 7);
  // Past the room, capacities double as a vector's do, and each growth is counted first.
  while (e.size() < e.capacity()) e.push_back({key(int(e.size())), Value::nil()});
  growth = e.growth_bytes();
  size_t before = e.heap_bytes();
  e.push_back({key(99), Value::nil()});
  EXPECT_EQ(e.heap_bytes(), before + growth);
  EXPECT_EQ(MapEntries::reserve_bytes(kRoom + 3), (kRoom + 3) * sizeof(MapEntry));
}

TEST(MapEntries, ShrinkingInTheRoomEmptiesTheSlotsGivenUp) {
  MapEntries e;
  for (size_t i = 0; i < 3; i++) e.push_back({key(int(i)), Value::nil()});
  e.resize(1);
  EXPECT_EQ(e.size(), 1u);
  expect_room_empty_from(e, 1);
}

TEST(MapEntries, AMapCompactedAfterDeletesLeavesNoStaleKeyInItsRoom) {
  // Deletes leave tombstones; compaction moves the live entries down: a key read from its old
  // room slot must not be found there any more.
  Map m;
  Value a = key(1), b = key(2), c = key(3);
  m.set(a, Value::integer(10));
  m.set(b, Value::integer(20));
  m.set(c, Value::integer(30));
  EXPECT_TRUE(m.remove(a));
  EXPECT_TRUE(m.remove(b));  // live * 2 < size: compacted, c moves to slot 0
  EXPECT_EQ(m.entries.size(), 1u);
  EXPECT_EQ(m.entries.room_[0].key, c);
  expect_room_empty_from(m.entries, 1);
  EXPECT_EQ(m.get(c).as_int(), 30);
}

TEST(MapEntries, ADeleteInAFullRoomShiftsTheLaterKeysDown) {
  Map m;
  for (int i = 0; i < 4; i++) m.set(key(i), Value::integer(i));
  EXPECT_TRUE(m.remove(key(1)));  // a small map compacts at once
  EXPECT_EQ(m.entries.size(), 3u);
  EXPECT_EQ(m.entries.room_[1].key, key(2));
  EXPECT_EQ(m.entries.room_[2].key, key(3));
  expect_room_empty_from(m.entries, 3);
}

}  // namespace
}  // namespace gene
