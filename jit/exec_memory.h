// Executable memory for JIT code: a bounded, pooled code cache with a strict W^X policy.
//
// * The whole limit is reserved up front as one PROT_NONE address range (placed near this
//   binary's code when the kernel allows, so rel32 calls from JIT code reach our C++ helpers).
//   The range is carved into chunks that are committed on demand and handed back to the kernel
//   when they become empty; blocks inside a chunk come from a first-fit free list.
// * Code is written while its pages are read+write and then flipped to read+execute with
//   mprotect. No page is ever writable and executable at the same time. Pages shared with
//   code already installed are briefly non-executable while a new block is written: the VM is
//   single-threaded and never runs JIT code while it installs code, so that is safe.
// * When the limit is reached, allocation returns CodeCacheStatus::Exhausted and the VM keeps
//   running the function in a lower tier. Nothing here aborts or throws.
//
// Not thread-safe.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace gene::jit {

enum class CodeCacheStatus : uint8_t {
  Ok,
  Exhausted,        // no room within the limit (or the limit is 0): stay in a lower tier
  OsError,          // mmap/mprotect failed: treat like Exhausted
  InvalidArgument,  // size 0, a foreign block, or an operation while another block is open
};
const char* to_string(CodeCacheStatus s);

// A block of code memory. `start` is writable between allocate() and commit(), and executable
// afterwards. `size` is the reserved size (the requested size plus kTrailingTrapBytes, rounded
// up to CodeCache::kAlignment).
struct CodeBlock {
  uint8_t* start = nullptr;
  size_t size = 0;

  bool valid() const { return start != nullptr; }
  uintptr_t address() const { return reinterpret_cast<uintptr_t>(start); }
  // The block's first byte as a function pointer: `block.entry<int64_t (*)(int64_t)>()`.
  template <class Fn>
  Fn entry(size_t offset = 0) const {
    return reinterpret_cast<Fn>(start + offset);
  }
};

class CodeCache {
 public:
  static constexpr size_t kDefaultLimitBytes = size_t(64) << 20;  // --code-cache-mb default
  static constexpr size_t kDefaultChunkBytes = size_t(256) << 10;
  // Block start alignment; Assembler::align(n) is preserved for n <= kAlignment.
  static constexpr size_t kAlignment = 64;  // a cache line: loop headers can be aligned to it
  static constexpr size_t kTrailingTrapBytes = 16;  // int3 bytes always after a block's code

  // `limit_bytes` is rounded down to whole chunks (a limit below one chunk gives one chunk of
  // that size, rounded up to a page). A limit of 0 gives a cache that is always exhausted.
  explicit CodeCache(size_t limit_bytes = kDefaultLimitBytes,
                     size_t chunk_bytes = kDefaultChunkBytes);
  ~CodeCache();
  CodeCache(const CodeCache&) = delete;
  CodeCache& operator=(const CodeCache&) = delete;

  // Ok, or OsError if the address range could not be reserved (every allocation then fails).
  CodeCacheStatus init_status() const { return init_status_; }

  // Two-phase install, for code that needs its final address while being written
  // (Assembler::copy_to resolves rel32 calls against it): allocate() returns a writable,
  // non-executable block; commit() makes it executable. Between the two no other block may be
  // allocated or released (InvalidArgument). A block that cannot be completed is released.
  CodeCacheStatus allocate(size_t size, CodeBlock* out);
  CodeCacheStatus commit(const CodeBlock& block);
  // allocate + copy + commit.
  CodeCacheStatus install(std::span<const uint8_t> code, CodeBlock* out);
  // Returns a block's memory to the pool. Its bytes are overwritten with int3, so a stale jump
  // into freed code traps instead of running whatever is installed there next.
  CodeCacheStatus release(const CodeBlock& block);

  // The reserved address range: every block lies inside it (Assembler placement).
  uintptr_t range_begin() const { return reinterpret_cast<uintptr_t>(base_); }
  uintptr_t range_end() const { return range_begin() + slot_bytes_ * slot_owner_.size(); }
  size_t limit_bytes() const { return slot_bytes_ * slot_owner_.size(); }
  size_t chunk_bytes() const { return slot_bytes_; }
  size_t committed_bytes() const { return committed_bytes_; }  // chunks currently in use
  size_t allocated_bytes() const { return allocated_bytes_; }  // live blocks
  size_t live_chunks() const;

 private:
  struct FreeRange {
    size_t offset;  // from the chunk start
    size_t size;
  };
  // A run of `slots` consecutive slots of the reservation, committed as one unit. Blocks larger
  // than one slot get a multi-slot chunk of their own.
  struct Chunk {
    size_t first_slot = 0;
    size_t slots = 0;  // 0: dead entry, reusable
    size_t live_bytes = 0;
    std::vector<FreeRange> free;  // sorted by offset, coalesced
  };

  uint8_t* chunk_start(const Chunk& c) const { return base_ + c.first_slot * slot_bytes_; }
  bool take_from_chunk(Chunk& c, size_t size, size_t* offset);
  int new_chunk(size_t size);
  void give_back(Chunk& c, size_t offset, size_t size);
  void decommit(Chunk& c);
  int chunk_of(const CodeBlock& b) const;
  bool set_protection(const CodeBlock& b, int prot);

  uint8_t* base_ = nullptr;
  size_t reserved_bytes_ = 0;
  size_t slot_bytes_ = 0;
  std::vector<int32_t> slot_owner_;  // chunk index per slot, or -1
  std::vector<Chunk> chunks_;
  size_t committed_bytes_ = 0;
  size_t allocated_bytes_ = 0;
  uint8_t* open_block_ = nullptr;  // allocated but not yet committed
  CodeCacheStatus init_status_ = CodeCacheStatus::Ok;
};

}  // namespace gene::jit
