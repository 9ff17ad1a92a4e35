// The code cache: W^X as seen by the kernel (/proc/self/maps), limits, pooling and release.
#include <gtest/gtest.h>

#include <sys/mman.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "jit/exec_memory.h"
#include "jit/x64/assembler.h"
#include "jit/x64/code_install.h"

namespace gene::jit {
namespace {

struct Mapping {
  uintptr_t lo = 0, hi = 0;
  std::string perms;  // "r-xp"
};

std::vector<Mapping> read_maps() {
  std::vector<Mapping> maps;
  std::ifstream in("/proc/self/maps");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string range;
    Mapping m;
    fields >> range >> m.perms;
    const size_t dash = range.find('-');
    m.lo = std::stoull(range.substr(0, dash), nullptr, 16);
    m.hi = std::stoull(range.substr(dash + 1), nullptr, 16);
    maps.push_back(m);
  }
  return maps;
}

// Fails the current test if any mapping of the process is writable and executable at once.
::testing::AssertionResult no_writable_executable_mapping() {
  const std::vector<Mapping> maps = read_maps();
  if (maps.empty()) return ::testing::AssertionFailure() << "/proc/self/maps is empty";
  for (const Mapping& m : maps) {
    if (m.perms.size() >= 3 && m.perms[1] == 'w' && m.perms[2] == 'x') {
      return ::testing::AssertionFailure() << std::hex << m.lo << "-" << m.hi << " is " << m.perms;
    }
  }
  return ::testing::AssertionSuccess();
}

std::string perms_at(const void* p) {
  const auto a = reinterpret_cast<uintptr_t>(p);
  for (const Mapping& m : read_maps()) {
    if (a >= m.lo && a < m.hi) return m.perms.substr(0, 3);
  }
  return "unmapped";
}

// `mov eax, value; ret`, padded with nops to `size` bytes.
std::vector<uint8_t> return_constant(int32_t value, size_t size = 6) {
  x64::Assembler a;
  a.mov(x64::eax, value);
  a.ret();
  if (size > a.size()) a.nop(size - a.size());
  return {a.code().begin(), a.code().end()};
}

using IntFn = int32_t (*)();

TEST(CodeCache, InstallAndRun) {
  CodeCache cache;
  ASSERT_EQ(cache.init_status(), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.limit_bytes(), CodeCache::kDefaultLimitBytes);
  CodeBlock block;
  ASSERT_EQ(cache.install(return_constant(42), &block), CodeCacheStatus::Ok);
  EXPECT_EQ(block.entry<IntFn>()(), 42);
  EXPECT_EQ(perms_at(block.start), "r-x");
  EXPECT_EQ(block.address() % CodeCache::kAlignment, 0u);
  EXPECT_GE(block.address(), cache.range_begin());
  EXPECT_LE(block.address() + block.size, cache.range_end());
}

// W^X over a whole install cycle: while a block is being written its pages are rw-, once
// committed r-x, and no mapping of the process is ever both writable and executable.
TEST(CodeCache, NeverWritableAndExecutable) {
  CodeCache cache(1 << 20, 64 << 10);
  ASSERT_TRUE(no_writable_executable_mapping());
  std::mt19937 rng(7);
  std::vector<std::pair<CodeBlock, int32_t>> live;
  for (int32_t i = 0; i < 60; i++) {
    const std::vector<uint8_t> code = return_constant(i, 6 + rng() % 5000);
    CodeBlock block;
    ASSERT_EQ(cache.allocate(code.size(), &block), CodeCacheStatus::Ok);
    EXPECT_EQ(perms_at(block.start), "rw-");
    EXPECT_TRUE(no_writable_executable_mapping()) << "while writing block " << i;
    std::memcpy(block.start, code.data(), code.size());
    ASSERT_EQ(cache.commit(block), CodeCacheStatus::Ok);
    EXPECT_EQ(perms_at(block.start), "r-x");
    EXPECT_TRUE(no_writable_executable_mapping()) << "after committing block " << i;
    live.push_back({block, i});
    // Writing a neighbour on the same page must leave earlier code runnable afterwards.
    for (auto& [b, v] : live) ASSERT_EQ(b.entry<IntFn>()(), v);
  }
  for (size_t i = 0; i < live.size(); i += 2) ASSERT_EQ(cache.release(live[i].first), CodeCacheStatus::Ok);
  EXPECT_TRUE(no_writable_executable_mapping()) << "after releases";
  for (size_t i = 1; i < live.size(); i += 2) EXPECT_EQ(live[i].first.entry<IntFn>()(), live[i].second);
}

TEST(CodeCache, ExhaustionReturnsStatusAndRecovers) {
  CodeCache cache(64 << 10, 16 << 10);
  EXPECT_EQ(cache.limit_bytes(), 64u << 10);
  std::vector<CodeBlock> blocks;
  CodeCacheStatus s = CodeCacheStatus::Ok;
  for (int i = 0; i < 1000 && s == CodeCacheStatus::Ok; i++) {
    CodeBlock b;
    s = cache.install(return_constant(i, 1000), &b);
    if (s == CodeCacheStatus::Ok) blocks.push_back(b);
  }
  EXPECT_EQ(s, CodeCacheStatus::Exhausted);
  // 16 blocks of 1024 bytes (1000 + trailing traps, aligned) fit a 16 KiB chunk; four chunks make the limit.
  EXPECT_EQ(blocks.size(), 4u * 16);
  EXPECT_LE(cache.committed_bytes(), cache.limit_bytes());
  for (size_t i = 0; i < blocks.size(); i++) EXPECT_EQ(blocks[i].entry<IntFn>()(), int32_t(i));
  // Still exhausted on a retry, without side effects.
  CodeBlock b;
  EXPECT_EQ(cache.install(return_constant(0, 1000), &b), CodeCacheStatus::Exhausted);
  EXPECT_FALSE(b.valid());
  // Freeing code makes room again.
  ASSERT_EQ(cache.release(blocks[5]), CodeCacheStatus::Ok);
  ASSERT_EQ(cache.install(return_constant(77, 1000), &b), CodeCacheStatus::Ok);
  EXPECT_EQ(b.entry<IntFn>()(), 77);
  EXPECT_STREQ(to_string(CodeCacheStatus::Exhausted), "code cache exhausted");
}

TEST(CodeCache, ZeroLimitIsAlwaysExhausted) {
  CodeCache cache(0);
  EXPECT_EQ(cache.init_status(), CodeCacheStatus::Ok);
  CodeBlock b;
  EXPECT_EQ(cache.install(return_constant(1), &b), CodeCacheStatus::Exhausted);
  EXPECT_EQ(cache.limit_bytes(), 0u);
}

TEST(CodeCache, LargeBlocksGetTheirOwnChunk) {
  CodeCache cache(256 << 10, 16 << 10);
  CodeBlock big;
  ASSERT_EQ(cache.install(return_constant(5, 40000), &big), CodeCacheStatus::Ok);
  EXPECT_EQ(big.entry<IntFn>()(), 5);
  EXPECT_EQ(cache.committed_bytes(), 48u << 10);  // three 16 KiB slots
  CodeBlock too_big;
  EXPECT_EQ(cache.install(return_constant(5, 300000), &too_big), CodeCacheStatus::Exhausted);
  // A block larger than what is left contiguous is exhausted too, while small ones still fit.
  CodeBlock rest;
  EXPECT_EQ(cache.install(return_constant(6, 220000), &rest), CodeCacheStatus::Exhausted);
  EXPECT_EQ(cache.install(return_constant(6, 100), &rest), CodeCacheStatus::Ok);
}

TEST(CodeCache, ReleaseTrapsStaleCodeAndReturnsEmptyChunks) {
  CodeCache cache(1 << 20, 64 << 10);
  CodeBlock a, b;
  ASSERT_EQ(cache.install(return_constant(1, 48), &a), CodeCacheStatus::Ok);
  ASSERT_EQ(cache.install(return_constant(2, 48), &b), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.live_chunks(), 1u);
  EXPECT_EQ(cache.allocated_bytes(), 128u);
  ASSERT_EQ(cache.release(a), CodeCacheStatus::Ok);
  // The freed bytes are int3 (still readable: the page holds b and is r-x).
  EXPECT_TRUE(std::all_of(a.start, a.start + a.size, [](uint8_t byte) { return byte == 0xCC; }));
  EXPECT_EQ(b.entry<IntFn>()(), 2);
  // The freed space is reused first.
  CodeBlock c;
  ASSERT_EQ(cache.install(return_constant(3, 48), &c), CodeCacheStatus::Ok);
  EXPECT_EQ(c.start, a.start);
  ASSERT_EQ(cache.release(b), CodeCacheStatus::Ok);
  ASSERT_EQ(cache.release(c), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.live_chunks(), 0u);
  EXPECT_EQ(cache.committed_bytes(), 0u);
  EXPECT_EQ(cache.allocated_bytes(), 0u);
  EXPECT_EQ(perms_at(a.start), "---");  // handed back to the kernel
}

// Adjacent freed blocks merge (in either release order), so a block as big as both fits there.
TEST(CodeCache, FreedNeighboursCoalesce) {
  for (bool forward : {true, false}) {
    CodeCache cache(1 << 20, 64 << 10);
    CodeBlock a, b, keep, merged;
    ASSERT_EQ(cache.install(return_constant(1, 240), &a), CodeCacheStatus::Ok);
    ASSERT_EQ(cache.install(return_constant(2, 240), &b), CodeCacheStatus::Ok);
    ASSERT_EQ(cache.install(return_constant(3, 240), &keep), CodeCacheStatus::Ok);
    ASSERT_EQ(b.start, a.start + 256);
    ASSERT_EQ(cache.release(forward ? a : b), CodeCacheStatus::Ok);
    ASSERT_EQ(cache.release(forward ? b : a), CodeCacheStatus::Ok);
    ASSERT_EQ(cache.install(return_constant(4, 496), &merged), CodeCacheStatus::Ok);
    EXPECT_EQ(merged.start, a.start) << (forward ? "released in address order" : "released in reverse");
    EXPECT_EQ(merged.entry<IntFn>()(), 4);
    EXPECT_EQ(keep.entry<IntFn>()(), 3);
  }
}

TEST(CodeCache, OpenBlockAndForeignBlockRules) {
  CodeCache cache(1 << 20);
  CodeBlock open, other;
  ASSERT_EQ(cache.allocate(32, &open), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.allocate(32, &other), CodeCacheStatus::InvalidArgument);
  EXPECT_EQ(cache.allocate(0, &other), CodeCacheStatus::InvalidArgument);
  uint8_t stack_bytes[32];
  EXPECT_EQ(cache.release(CodeBlock{stack_bytes, 32}), CodeCacheStatus::InvalidArgument);
  EXPECT_EQ(cache.commit(CodeBlock{stack_bytes, 32}), CodeCacheStatus::InvalidArgument);
  std::memcpy(open.start, return_constant(9).data(), 6);
  ASSERT_EQ(cache.commit(open), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.commit(open), CodeCacheStatus::InvalidArgument);
  EXPECT_EQ(open.entry<IntFn>()(), 9);
  ASSERT_EQ(cache.allocate(32, &other), CodeCacheStatus::Ok);
  ASSERT_EQ(cache.release(other), CodeCacheStatus::Ok);  // abandoning an open block is allowed
  ASSERT_EQ(cache.release(open), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.release(open), CodeCacheStatus::InvalidArgument);  // double release
}

// Random allocate/release against a model: blocks never overlap, stay in range and aligned,
// accounting matches, and everything returns to the kernel at the end.
TEST(CodeCache, AllocatorStress) {
  CodeCache cache(2 << 20, 64 << 10);
  std::mt19937 rng(12345);
  std::vector<CodeBlock> live;
  size_t expected_bytes = 0;
  for (int step = 0; step < 4000; step++) {
    if (live.empty() || rng() % 3 != 0) {
      const size_t size = 1 + rng() % (rng() % 10 == 0 ? 100000 : 2000);
      CodeBlock b;
      const CodeCacheStatus s = cache.allocate(size, &b);
      if (s == CodeCacheStatus::Exhausted) continue;
      ASSERT_EQ(s, CodeCacheStatus::Ok);
      std::memset(b.start, 0xC3, size);  // writable now
      ASSERT_EQ(cache.commit(b), CodeCacheStatus::Ok);
      ASSERT_EQ(b.address() % CodeCache::kAlignment, 0u);
      ASSERT_GE(b.address(), cache.range_begin());
      ASSERT_LE(b.address() + b.size, cache.range_end());
      for (const CodeBlock& o : live) {
        ASSERT_TRUE(b.start + b.size <= o.start || o.start + o.size <= b.start) << "overlap at step " << step;
      }
      live.push_back(b);
      expected_bytes += b.size;
    } else {
      const size_t i = rng() % live.size();
      ASSERT_EQ(cache.release(live[i]), CodeCacheStatus::Ok);
      expected_bytes -= live[i].size;
      live.erase(live.begin() + ptrdiff_t(i));
    }
    ASSERT_EQ(cache.allocated_bytes(), expected_bytes);
    ASSERT_LE(cache.committed_bytes(), cache.limit_bytes());
  }
  EXPECT_TRUE(no_writable_executable_mapping());
  for (const CodeBlock& b : live) ASSERT_EQ(cache.release(b), CodeCacheStatus::Ok);
  EXPECT_EQ(cache.committed_bytes(), 0u);
  EXPECT_EQ(cache.live_chunks(), 0u);
}

// Teardown unmaps everything: many caches with code in them leave no mapping behind.
TEST(CodeCache, TeardownUnmapsEverything) {
  // Each cache's reserved range must be gone after teardown. (Counting all mappings is not
  // reliable: sanitizer runtimes and the allocator map memory of their own meanwhile.)
  std::vector<std::pair<uintptr_t, uintptr_t>> ranges;
  for (int i = 0; i < 20; i++) {
    CodeCache cache(4 << 20);
    CodeBlock b;
    ASSERT_EQ(cache.install(return_constant(i), &b), CodeCacheStatus::Ok);
    ASSERT_EQ(b.entry<IntFn>()(), i);
    ranges.emplace_back(cache.range_begin(), cache.range_end());
  }
  for (const Mapping& m : read_maps()) {
    for (const auto& [lo, hi] : ranges) {
      bool overlaps = m.lo < hi && lo < m.hi;
      // Another allocation may legitimately reuse the address range later, but not as code.
      EXPECT_FALSE(overlaps && m.perms.size() >= 3 && m.perms[2] == 'x')
          << std::hex << m.lo << "-" << m.hi << " " << m.perms << " overlaps a torn-down cache " << lo << "-" << hi;
    }
  }
  EXPECT_EQ(perms_at(reinterpret_cast<void*>(ranges.back().first)), "unmapped");
}

TEST(CodeCache, InstallCodeFromAssembler) {
  CodeCache cache;
  x64::Assembler a(code_range(cache));
  a.mov(x64::eax, 1234);
  a.ret();
  ASSERT_EQ(a.finalize(), x64::AsmStatus::Ok);
  CodeBlock b;
  ASSERT_EQ(install_code(cache, a, &b), CodeCacheStatus::Ok);
  EXPECT_EQ(b.entry<IntFn>()(), 1234);
  // An assembler in error installs nothing.
  x64::Assembler bad;
  bad.jmp(x64::Label{});
  EXPECT_EQ(install_code(cache, bad, &b), CodeCacheStatus::InvalidArgument);
  EXPECT_FALSE(b.valid());
  EXPECT_EQ(cache.allocated_bytes(), CodeCache::kAlignment);  // 6 bytes, rounded up
}

}  // namespace
// Code that fills its aligned size exactly still has int3 bytes after it, so a decoder reading
// ahead of a block's last instruction (valgrind does) never runs into the next page.
TEST(CodeCache, BlocksEndInTrapBytes) {
  CodeCache cache(1 << 20, 64 << 10);
  CodeBlock b;
  ASSERT_EQ(cache.install(return_constant(9, CodeCache::kAlignment), &b), CodeCacheStatus::Ok);
  ASSERT_GE(b.size, CodeCache::kAlignment + CodeCache::kTrailingTrapBytes);
  EXPECT_TRUE(std::all_of(b.start + CodeCache::kAlignment, b.start + b.size,
                          [](uint8_t byte) { return byte == 0xCC; }));
  EXPECT_EQ(b.entry<IntFn>()(), 9);
}

}  // namespace gene::jit
