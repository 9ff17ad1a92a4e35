// Heap and collector (interp/heap.h) and the insertion-ordered map (interp/object.h).
#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "interp/heap.h"
#include "interp/object.h"
#include "interp/proto.h"
#include "test_util.h"

namespace gene {
namespace {

class HeapTest : public test::RootedHeapTest {
 protected:
  Proto proto;  // closures need a unit (the heap never reads it back)

  size_t live_after_collect() {
    heap.collect();
    return heap.stats().objects_live;
  }
  Value str(const std::string& s) { return Value::object(heap.new_string(s)); }
};

TEST_F(HeapTest, CollectFreesUnreachableObjects) {
  for (int i = 0; i < 100; i++) {
    heap.new_string("garbage " + std::to_string(i));
    Array* a = heap.new_array(4);
    a->items.push_back(Value::integer(i));
    heap.new_map();
    heap.new_cell(Value::nil());
    heap.new_closure(&proto);
  }
  EXPECT_EQ(live_after_collect(), 0u);
  EXPECT_EQ(heap.stats().bytes_live, 0u);
  EXPECT_GE(heap.stats().collections, 1u);
  EXPECT_GT(heap.stats().peak_bytes, 0u);
}

TEST_F(HeapTest, RootsKeepObjectsAndEverythingTheyReach) {
  Array* root = heap.new_array();
  roots.push_back(Value::object(root));
  Map* m = heap.new_map();
  Array* inner = heap.new_array();
  inner->items.push_back(str("deep"));
  m->set(str("key"), Value::object(inner));  // string key and array value both traced
  root->items.push_back(Value::object(m));
  Cell* cell = heap.new_cell(str("in a cell"));
  Closure* c = heap.new_closure(&proto);
  c->upvals.push_back(cell);
  root->items.push_back(Value::object(c));
  for (int i = 0; i < 50; i++) heap.new_string("garbage");
  // root, m, inner, "deep", "key", cell, "in a cell", closure
  EXPECT_EQ(live_after_collect(), 8u);
  EXPECT_EQ(as_string(as_array(m->get(Value::object(heap.new_string("key"))))->items[0])->chars, "deep");
  EXPECT_EQ(as_string(cell->value)->chars, "in a cell");
  roots.clear();
  EXPECT_EQ(live_after_collect(), 0u);
}

TEST_F(HeapTest, CyclesAreCollected) {
  {
    Array* a = heap.new_array();
    Array* b = heap.new_array();
    a->items.push_back(Value::object(b));
    b->items.push_back(Value::object(a));
    Map* m = heap.new_map();
    m->set(Value::integer(1), Value::object(m));
    // closure -> cell -> closure
    Closure* c = heap.new_closure(&proto);
    Cell* cell = heap.new_cell(Value::object(c));
    c->upvals.push_back(cell);
  }
  EXPECT_EQ(live_after_collect(), 0u);
}

TEST_F(HeapTest, RootedCyclesSurviveRepeatedCollections) {
  Array* a = heap.new_array();
  Array* b = heap.new_array();
  a->items.push_back(Value::object(b));
  b->items.push_back(Value::object(a));
  roots.push_back(Value::object(b));
  for (int i = 0; i < 3; i++) EXPECT_EQ(live_after_collect(), 2u);
  EXPECT_EQ(as_array(a->items[0]), b);
}

TEST_F(HeapTest, SymbolsAreInternedAndPermanent) {
  Symbol* s1 = heap.intern("name");
  Symbol* s2 = heap.intern("name");
  Symbol* s3 = heap.intern("other");
  EXPECT_EQ(s1, s2);
  EXPECT_NE(s1, s3);
  EXPECT_EQ(live_after_collect(), 2u);
  EXPECT_EQ(heap.intern("name"), s1);
}

TEST_F(HeapTest, DeepStructuresAreTracedWithoutNativeRecursion) {
  Value head = Value::nil();
  for (int i = 0; i < 300000; i++) {
    roots.assign(1, head);  // keep the chain alive while allocating the next link
    Array* a = heap.new_array(1);
    a->items.push_back(head);
    head = Value::object(a);
  }
  roots.assign(1, head);
  EXPECT_EQ(live_after_collect(), 300000u);
  roots.clear();
  EXPECT_EQ(live_after_collect(), 0u);
}

TEST_F(HeapTest, StressCollectsAtEveryAllocation) {
  heap.set_stress(true);
  size_t before = heap.stats().collections;
  Array* kept = heap.new_array();
  roots.push_back(Value::object(kept));
  for (int i = 0; i < 20; i++) {
    Value s = str("s" + std::to_string(i));
    kept->items.push_back(s);
  }
  EXPECT_EQ(heap.stats().collections - before, 21u);
  ASSERT_EQ(kept->items.size(), 20u);
  for (int i = 0; i < 20; i++) EXPECT_EQ(as_string(kept->items[size_t(i)])->chars, "s" + std::to_string(i));
}

TEST_F(HeapTest, LimitMakesAllocationFail) {
  heap.set_limit(4096);
  EXPECT_EQ(heap.new_string(std::string(8192, 'x')), nullptr);
  EXPECT_EQ(heap.new_array(100000), nullptr);
  EXPECT_NE(heap.new_string("small"), nullptr);
  EXPECT_FALSE(heap.note_growth(1 << 20));
  EXPECT_TRUE(heap.note_growth(16));
}

TEST_F(HeapTest, LimitCollectsGarbageBeforeGivingUp) {
  heap.set_limit(64 << 10);
  for (int i = 0; i < 2000; i++) ASSERT_NE(heap.new_string(std::string(1000, 'g')), nullptr) << i;
  EXPECT_GT(heap.stats().collections, 0u);
  // Live data does not fit: allocation eventually fails.
  Array* keep = heap.new_array();
  roots.push_back(Value::object(keep));
  bool failed = false;
  for (int i = 0; i < 1000 && !failed; i++) {
    String* s = heap.new_string(std::string(1000, 'k'));
    if (!s) failed = true;
    else keep->items.push_back(Value::object(s));
  }
  EXPECT_TRUE(failed);
  EXPECT_LE(keep->items.size(), 64u);
}

TEST_F(HeapTest, AnArrayThatWouldCollectIsRefusedWithoutCollectingAndTheNextAllocationCollects) {
  // Compiled code allocates through new_array_if_no_collection: null exactly where new_array
  // would collect, so the collection happens at the same allocation on every tier.
  size_t made = 0, before = heap.stats().collections;
  while (heap.new_array_if_no_collection(4) != nullptr) ASSERT_LT(++made, size_t(1) << 20);
  EXPECT_GT(made, 0u);
  EXPECT_EQ(heap.stats().collections, before);  // refused, not collected
  Array* a = heap.new_array(4);  // the interpreter's allocation: collects first
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(heap.stats().collections, before + 1);
  roots.push_back(Value::object(a));
  Array* b = heap.new_array_if_no_collection(2);
  ASSERT_NE(b, nullptr);
  EXPECT_GE(b->items.capacity(), Heap::kMinArrayCapacity);
  EXPECT_EQ(b->items.size(), 0u);
}

TEST_F(HeapTest, UnderStressOrAtTheLimitAnArrayIsRefusedWithoutCollecting) {
  heap.set_stress(true);
  size_t before = heap.stats().collections;
  EXPECT_EQ(heap.new_array_if_no_collection(), nullptr);
  EXPECT_EQ(heap.stats().collections, before);
  heap.set_stress(false);
  heap.set_limit(4096);
  EXPECT_EQ(heap.new_array_if_no_collection(1000), nullptr);
  EXPECT_EQ(heap.stats().collections, before);
  EXPECT_NE(heap.new_array_if_no_collection(3), nullptr);
}

TEST_F(HeapTest, ShortStringsAreCanonicalAndPermanent) {
  String* const* table = heap.char_strings();
  EXPECT_EQ(heap.new_string(""), heap.empty_string());
  EXPECT_EQ(heap.empty_string()->chars, "");
  for (int b = 0; b < 256; b++) {
    std::string one(1, char(b));
    ASSERT_NE(table[b], nullptr);
    EXPECT_EQ(table[b]->chars, one);
    EXPECT_EQ(heap.new_string(one), table[b]) << b;
    EXPECT_EQ(heap.char_string(static_cast<unsigned char>(b)), table[b]);
  }
  EXPECT_NE(heap.new_string("ab"), heap.new_string("ab"));  // longer strings are fresh objects
  // Never collected, and outside the accounting and the stats.
  EXPECT_EQ(live_after_collect(), 0u);
  EXPECT_EQ(heap.stats().bytes_live, 0u);
  EXPECT_EQ(table['a']->chars, "a");
  EXPECT_EQ(heap.char_strings(), table);  // the table does not move
  // No allocation: no collection under stress, no failure at the limit.
  heap.set_stress(true);
  size_t before = heap.stats().collections;
  EXPECT_EQ(heap.new_string("q"), table['q']);
  EXPECT_EQ(heap.stats().collections, before);
  heap.set_stress(false);
  heap.set_limit(1);
  EXPECT_EQ(heap.new_string("ab"), nullptr);
  EXPECT_EQ(heap.new_string("z"), table['z']);
  EXPECT_EQ(heap.new_string(""), heap.empty_string());
}

TEST_F(HeapTest, CanonicalStringsAreMarkedWithoutBeingTraced) {
  Array* root = heap.new_array();
  roots.push_back(Value::object(root));
  root->items.push_back(str("x"));
  root->items.push_back(str(""));
  root->items.push_back(str("long enough"));
  for (int i = 0; i < 3; i++) EXPECT_EQ(live_after_collect(), 2u);  // root and "long enough"
  EXPECT_EQ(as_string(root->items[0])->chars, "x");
  EXPECT_EQ(as_string(root->items[2])->chars, "long enough");
}

// Swept objects' memory and swept arrays' buffers are reused; contents and accounting must be
// exactly as with fresh allocations.
TEST_F(HeapTest, ReusedMemoryStartsFreshAndIsAccountedAsBefore) {
  for (int round = 0; round < 3; round++) {
    for (int i = 0; i < 200; i++) {
      Array* a = heap.new_array();
      heap.regrow_items(a, 4);
      for (int k = 0; k < 4; k++) a->items.push_back(Value::integer(k));
      heap.regrow_items(a, 8);
      heap.new_string("garbage string " + std::to_string(i));
      heap.new_map()->set(Value::integer(i), Value::nil());
      heap.new_cell(Value::integer(i));
    }
    EXPECT_EQ(live_after_collect(), 0u);
    EXPECT_EQ(heap.stats().bytes_live, 0u);
  }
  Array* kept = heap.new_array(8);  // takes a pooled 8-item buffer
  roots.push_back(Value::object(kept));
  EXPECT_TRUE(kept->items.empty());
  EXPECT_EQ(kept->items.capacity(), 8u);
  Array* grown = heap.new_array();
  roots.push_back(Value::object(grown));
  for (int k = 0; k < 3; k++) grown->items.push_back(Value::integer(k));
  heap.regrow_items(grown, 16);
  ASSERT_EQ(grown->items.size(), 3u);
  EXPECT_EQ(grown->items.capacity(), 16u);
  for (int k = 0; k < 3; k++) EXPECT_EQ(grown->items[size_t(k)].as_int(), k);
  Map* m = heap.new_map();
  roots.push_back(Value::object(m));
  EXPECT_EQ(m->live, 0u);
  EXPECT_TRUE(m->entries.empty());
  Cell* c = heap.new_cell(Value::integer(7));
  roots.push_back(Value::object(c));
  String* s = heap.new_string("fresh");
  roots.push_back(Value::object(s));
  EXPECT_FALSE(s->marked);
  EXPECT_EQ(live_after_collect(), 5u);
  EXPECT_EQ(heap.stats().bytes_live, sizeof(Array) + 8 * sizeof(Value) + sizeof(Array) + 16 * sizeof(Value) +
                                         sizeof(Map) + sizeof(Cell) + sizeof(String) + s->chars.capacity());
  EXPECT_EQ(c->value.as_int(), 7);
  EXPECT_EQ(s->chars, "fresh");
}

// ---------------------------------------------------------------------------------------------
// Map: insertion order, overwrite, delete, tombstones, hashed index.
class MapTest : public HeapTest {
 protected:
  Value sym(const std::string& s) { return Value::object(heap.intern(s)); }
  static std::vector<Value> keys(const Map& m) {
    std::vector<Value> out;
    m.for_each([&](Value k, Value) { out.push_back(k); });
    return out;
  }
};

TEST_F(MapTest, KeepsInsertionOrder) {
  Map* m = heap.new_map();
  m->set(sym("c"), Value::integer(1));
  m->set(sym("a"), Value::integer(2));
  m->set(sym("b"), Value::integer(3));
  EXPECT_EQ(keys(*m), (std::vector<Value>{sym("c"), sym("a"), sym("b")}));
  EXPECT_EQ(m->live, 3u);
  EXPECT_EQ(m->get(sym("a")).as_int(), 2);
  EXPECT_TRUE(m->get(sym("zz")).is_nil());
  EXPECT_EQ(m->find(sym("zz")), -1);
}

TEST_F(MapTest, OverwriteKeepsPosition) {
  Map* m = heap.new_map();
  m->set(sym("a"), Value::integer(1));
  m->set(sym("b"), Value::integer(2));
  m->set(sym("a"), Value::integer(9));
  EXPECT_EQ(keys(*m), (std::vector<Value>{sym("a"), sym("b")}));
  EXPECT_EQ(m->get(sym("a")).as_int(), 9);
  EXPECT_EQ(m->live, 2u);
}

TEST_F(MapTest, DeleteAndReinsertGoesToTheEnd) {
  Map* m = heap.new_map();
  for (const char* k : {"a", "b", "c"}) m->set(sym(k), Value::boolean(true));
  EXPECT_TRUE(m->remove(sym("a")));
  EXPECT_FALSE(m->remove(sym("a")));
  EXPECT_FALSE(m->remove(sym("never")));
  EXPECT_EQ(m->live, 2u);
  EXPECT_TRUE(m->get(sym("a")).is_nil());
  m->set(sym("a"), Value::integer(1));
  EXPECT_EQ(keys(*m), (std::vector<Value>{sym("b"), sym("c"), sym("a")}));
}

TEST_F(MapTest, StringSymbolAndIntKeysAreDistinct) {
  Map* m = heap.new_map();
  m->set(sym("a"), Value::integer(1));
  m->set(str("a"), Value::integer(2));
  m->set(Value::integer(1), Value::integer(3));
  m->set(str("1"), Value::integer(4));
  EXPECT_EQ(m->live, 4u);
  EXPECT_EQ(m->get(sym("a")).as_int(), 1);
  EXPECT_EQ(m->get(str("a")).as_int(), 2);  // a different String object with the same content
  EXPECT_EQ(m->get(Value::integer(1)).as_int(), 3);
  EXPECT_EQ(m->get(str("1")).as_int(), 4);
  m->set(str("a"), Value::integer(5));
  EXPECT_EQ(m->live, 4u);
  EXPECT_EQ(m->get(sym("a")).as_int(), 1);
  EXPECT_TRUE(map_keys_equal(str("k"), str("k")));
  EXPECT_FALSE(map_keys_equal(str("k"), sym("k")));
  EXPECT_EQ(hash_map_key(str("same")), hash_map_key(str("same")));
}

TEST_F(MapTest, OnlySymbolsStringsAndIntsAreKeys) {
  EXPECT_TRUE(is_valid_map_key(sym("a")));
  EXPECT_TRUE(is_valid_map_key(str("a")));
  EXPECT_TRUE(is_valid_map_key(Value::integer(-3)));
  EXPECT_FALSE(is_valid_map_key(Value::number(1.0)));
  EXPECT_FALSE(is_valid_map_key(Value::nil()));
  EXPECT_FALSE(is_valid_map_key(Value::boolean(true)));
  EXPECT_FALSE(is_valid_map_key(Value::object(heap.new_array())));
  EXPECT_FALSE(is_valid_map_key(Value::object(heap.new_map())));
}

TEST_F(MapTest, MoreThanEightKeysUseAHashedIndex) {
  Map* m = heap.new_map();
  for (int i = 0; i < 8; i++) m->set(Value::integer(i), Value::integer(i * 10));
  EXPECT_TRUE(m->index.empty()) << "small maps are scanned linearly";
  m->set(Value::integer(8), Value::integer(80));
  EXPECT_FALSE(m->index.empty());
  for (int i = 9; i < 1000; i++) m->set(Value::integer(i), Value::integer(i * 10));
  for (int i = 0; i < 1000; i++) ASSERT_EQ(m->get(Value::integer(i)).as_int(), i * 10) << i;
  EXPECT_TRUE(m->get(Value::integer(1000)).is_nil());
  std::vector<Value> k = keys(*m);
  ASSERT_EQ(k.size(), 1000u);
  for (int i = 0; i < 1000; i++) EXPECT_EQ(k[size_t(i)].as_int(), i);
}

TEST_F(MapTest, TombstonesAreCompacted) {
  Map* m = heap.new_map();
  for (int i = 0; i < 100; i++) m->set(Value::integer(i), Value::integer(i));
  for (int i = 0; i < 100; i += 2) m->remove(Value::integer(i));
  EXPECT_EQ(m->live, 50u);
  for (int i = 1; i < 30; i += 2) m->remove(Value::integer(i));
  EXPECT_EQ(m->live, 35u);
  EXPECT_LT(m->entries.size(), 70u) << "compaction once tombstones dominate";
  std::vector<Value> k = keys(*m);
  ASSERT_EQ(k.size(), 35u);
  for (size_t j = 0; j < k.size(); j++) EXPECT_EQ(k[j].as_int(), int64_t(31 + 2 * j));
  for (int i = 0; i < 100; i++) EXPECT_EQ(m->find(Value::integer(i)) >= 0, i >= 31 && i % 2 == 1) << i;
  // Small again after deleting almost everything.
  for (int i = 31; i < 95; i += 2) m->remove(Value::integer(i));
  EXPECT_EQ(m->live, 3u);
  EXPECT_EQ(keys(*m), (std::vector<Value>{Value::integer(95), Value::integer(97), Value::integer(99)}));
}

TEST_F(MapTest, RandomOperationsAgreeWithAModel) {
  roots.clear();
  Map* m = heap.new_map();
  std::vector<std::pair<std::string, int64_t>> model;  // insertion-ordered
  std::vector<Value> key_pool;
  for (int i = 0; i < 60; i++) {
    key_pool.push_back(sym("s" + std::to_string(i)));
    key_pool.push_back(str("s" + std::to_string(i)));
    key_pool.push_back(Value::integer(i));
  }
  auto name = [&](Value k) {
    if (k.is_int()) return "i" + std::to_string(k.as_int());
    if (is_obj_type(k, ObjType::Symbol)) return ":" + as_symbol(k)->name;
    return "\"" + as_string(k)->chars;
  };
  std::mt19937 rng(7);
  for (int step = 0; step < 20000; step++) {
    Value k = key_pool[rng() % key_pool.size()];
    std::string kn = name(k);
    auto it = std::find_if(model.begin(), model.end(), [&](auto& e) { return e.first == kn; });
    switch (rng() % 3) {
      case 0:
      case 1:
        m->set(k, Value::integer(step));
        if (it == model.end()) model.push_back({kn, step});
        else it->second = step;
        break;
      case 2:
        EXPECT_EQ(m->remove(k), it != model.end());
        if (it != model.end()) model.erase(it);
        break;
    }
    ASSERT_EQ(m->live, model.size()) << step;
    if (step % 500 == 0) {
      std::vector<std::pair<std::string, int64_t>> got;
      m->for_each([&](Value key, Value v) { got.push_back({name(key), v.as_int()}); });
      ASSERT_EQ(got, model) << step;
    }
  }
  for (auto& [kn, v] : model) {
    Value k = kn[0] == 'i' ? Value::integer(std::stoll(kn.substr(1)))
              : kn[0] == ':' ? sym(kn.substr(1))
                             : str(kn.substr(1));
    EXPECT_EQ(m->get(k).as_int(), v) << kn;
  }
}

// ---------------------------------------------------------------------------------------------
// The collector under real programs.
TEST(HeapPrograms, LongAllocatingRunsStayBounded) {
  RunOutcome o = test::run("(var i 0) (var keep nil) (while (i < 300000) (keep = [i (str i) {^k i}]) (i += 1)) keep/0");
  ASSERT_EQ(o.exit_status, kExitOk) << o.error_message;
  EXPECT_EQ(o.result, "299999");
  EXPECT_GT(o.heap.collections, 0u);
  EXPECT_LT(o.heap.peak_bytes, size_t(16) << 20) << "garbage must be reclaimed";
}

TEST(HeapPrograms, GrowingLiveDataHitsMaxHeap) {
  VMOptions vm;
  vm.max_heap = 2 << 20;
  RunOutcome o = test::run("(var a [])\n(loop\n  (a .push [1 2 3 4]))", vm);
  EXPECT_EQ(o.exit_status, kExitRuntimeError);
  EXPECT_EQ(o.error_kind, "out_of_memory");
  EXPECT_EQ(o.error_line, 3);
  o = test::run("(var s \"x\")\n(loop (s = (s + s)))", vm);
  EXPECT_EQ(o.error_kind, "out_of_memory");
  EXPECT_EQ(o.error_line, 2);
  o = test::run("(var m {}) (var i 0) (loop (m .set i i) (i += 1))", vm);
  EXPECT_EQ(o.error_kind, "out_of_memory");
  o = test::run("(range 0 100000000)", vm);
  EXPECT_EQ(o.error_kind, "out_of_memory");
}

TEST(HeapPrograms, HugeRangeIsOutOfMemoryNotACrash) {
  RunOutcome o = test::run("(range 0 140737488355327)");
  EXPECT_EQ(o.exit_status, kExitRuntimeError);
  EXPECT_EQ(o.error_kind, "out_of_memory");
}

TEST(HeapPrograms, GarbageOfFreshObjectsDoesNotCountAgainstMaxHeap) {
  VMOptions vm;
  vm.max_heap = 2 << 20;
  RunOutcome o = test::run("(var i 0) (while (i < 100000) (var a [i i i i i i i i]) (i += 1)) i", vm);
  EXPECT_EQ(o.exit_status, kExitOk) << o.error_kind << ": " << o.error_message;
  EXPECT_EQ(o.result, "100000");
}

// Live data stays below 64 KiB, yet the arrays grown by .push (and maps by .set) are garbage
// after each iteration: the limit applies to live data, so this must run to completion.
TEST(HeapPrograms, GarbageGrownByPushDoesNotCountAgainstMaxHeap) {
  VMOptions vm;
  vm.max_heap = 2 << 20;
  RunOutcome o = test::run(
      "(var i 0) (while (i < 2000) (var a []) (for j in (range 0 1000) (a .push j)) (i += 1)) i", vm);
  EXPECT_EQ(o.exit_status, kExitOk) << o.error_kind << ": " << o.error_message;
  EXPECT_EQ(o.result, "2000");
  o = test::run("(var i 0) (while (i < 2000) (var m {}) (for j in (range 0 100) (m .set j j)) (i += 1)) i", vm);
  EXPECT_EQ(o.exit_status, kExitOk) << o.error_kind << ": " << o.error_message;
  EXPECT_EQ(o.result, "2000");
}

// SPEC §3: runtime errors are caught as {^kind ... ^message ...}; out_of_memory is one of them.
TEST(HeapPrograms, CaughtOutOfMemoryIsAnErrorMap) {
  VMOptions vm;
  vm.max_heap = 2 << 20;
  RunOutcome o = test::run("(var a []) (var e2 (try (loop (a .push [1 2 3 4])) catch e e)) (a = nil) e2", vm);
  ASSERT_EQ(o.exit_status, kExitOk) << o.error_kind << ": " << o.error_message;
  EXPECT_EQ(o.result, "{^kind out_of_memory ^message \"heap limit exceeded\"}");
}

}  // namespace
}  // namespace gene
