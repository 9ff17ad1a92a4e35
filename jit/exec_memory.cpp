#include "jit/exec_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace gene::jit {

namespace {

constexpr uint8_t kInt3 = 0xCC;

size_t page_size() {
  static const size_t size = size_t(sysconf(_SC_PAGESIZE));
  return size;
}

size_t round_up(size_t v, size_t a) { return (v + a - 1) / a * a; }

// Reserves `bytes` of inaccessible address space. The first attempt asks for a range just
// below this library's code: JIT code calls C++ helpers linked into the same binary, and a
// cache within +-2 GiB of them lets those calls be 5-byte rel32 calls. The kernel treats the
// address as a hint only, so a clash simply yields a range elsewhere (calls then go through a
// register; correctness does not depend on placement).
uint8_t* reserve_address_range(size_t bytes) {
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
  const uintptr_t anchor = reinterpret_cast<uintptr_t>(&reserve_address_range);
  constexpr uintptr_t kGap = uintptr_t(128) << 20;  // room for the binary's own text below anchor
  constexpr uintptr_t kHintAlign = uintptr_t(2) << 20;
  if (anchor > bytes + kGap + (uintptr_t(1) << 30)) {
    void* hint = reinterpret_cast<void*>((anchor - kGap - bytes) & ~(kHintAlign - 1));
    void* p = mmap(hint, bytes, PROT_NONE, flags, -1, 0);
    if (p != MAP_FAILED) return static_cast<uint8_t*>(p);
  }
  void* p = mmap(nullptr, bytes, PROT_NONE, flags, -1, 0);
  return p == MAP_FAILED ? nullptr : static_cast<uint8_t*>(p);
}

}  // namespace

const char* to_string(CodeCacheStatus s) {
  switch (s) {
    case CodeCacheStatus::Ok:
      return "ok";
    case CodeCacheStatus::Exhausted:
      return "code cache exhausted";
    case CodeCacheStatus::OsError:
      return "code cache: mmap/mprotect failed";
    case CodeCacheStatus::InvalidArgument:
      return "code cache: invalid argument";
  }
  return "unknown";
}

CodeCache::CodeCache(size_t limit_bytes, size_t chunk_bytes) {
  if (limit_bytes == 0) return;  // a disabled cache: every allocation is Exhausted
  const size_t chunk = round_up(std::max<size_t>(chunk_bytes, 1), page_size());
  size_t slots;
  if (limit_bytes < chunk) {
    slot_bytes_ = round_up(limit_bytes, page_size());
    slots = 1;
  } else {
    slot_bytes_ = chunk;
    slots = limit_bytes / chunk;
  }
  reserved_bytes_ = slot_bytes_ * slots;
  base_ = reserve_address_range(reserved_bytes_);
  if (base_ == nullptr) {
    init_status_ = CodeCacheStatus::OsError;
    reserved_bytes_ = 0;
    slot_bytes_ = 0;
    return;
  }
  slot_owner_.assign(slots, -1);
}

CodeCache::~CodeCache() {
  if (base_ != nullptr) munmap(base_, reserved_bytes_);
}

size_t CodeCache::live_chunks() const {
  return size_t(
      std::count_if(chunks_.begin(), chunks_.end(), [](const Chunk& c) { return c.slots != 0; }));
}

bool CodeCache::take_from_chunk(Chunk& c, size_t size, size_t* offset) {
  for (size_t i = 0; i < c.free.size(); i++) {
    FreeRange& r = c.free[i];
    if (r.size < size) continue;
    *offset = r.offset;
    r.offset += size;
    r.size -= size;
    if (r.size == 0) c.free.erase(c.free.begin() + ptrdiff_t(i));
    c.live_bytes += size;
    return true;
  }
  return false;
}

// Commits a run of free slots large enough for `size` bytes as a new chunk. The pages stay
// PROT_NONE until a block in them is written; returns the chunk index or -1 if no run is free.
int CodeCache::new_chunk(size_t size) {
  const size_t need = (size + slot_bytes_ - 1) / slot_bytes_;
  size_t run = 0;
  for (size_t s = 0; s < slot_owner_.size(); s++) {
    run = slot_owner_[s] < 0 ? run + 1 : 0;
    if (run < need) continue;
    const size_t first = s + 1 - need;
    size_t index = 0;
    while (index < chunks_.size() && chunks_[index].slots != 0) index++;
    if (index == chunks_.size()) chunks_.emplace_back();
    Chunk& c = chunks_[index];
    c.first_slot = first;
    c.slots = need;
    c.live_bytes = 0;
    c.free.clear();
    c.free.push_back(FreeRange{0, need * slot_bytes_});
    for (size_t k = first; k <= s; k++) slot_owner_[k] = int32_t(index);
    committed_bytes_ += need * slot_bytes_;
    return int(index);
  }
  return -1;
}

void CodeCache::give_back(Chunk& c, size_t offset, size_t size) {
  auto it = std::lower_bound(c.free.begin(), c.free.end(), offset,
                             [](const FreeRange& r, size_t off) { return r.offset < off; });
  it = c.free.insert(it, FreeRange{offset, size});
  // Coalesce with the following, then the preceding range.
  if (it + 1 != c.free.end() && it->offset + it->size == (it + 1)->offset) {
    it->size += (it + 1)->size;
    c.free.erase(it + 1);
  }
  if (it != c.free.begin() && (it - 1)->offset + (it - 1)->size == it->offset) {
    (it - 1)->size += it->size;
    c.free.erase(it);
  }
  c.live_bytes -= size;
}

// Replaces the chunk's pages with fresh inaccessible ones, returning the memory to the kernel.
void CodeCache::decommit(Chunk& c) {
  const size_t bytes = c.slots * slot_bytes_;
  void* p = mmap(chunk_start(c), bytes, PROT_NONE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_FIXED, -1, 0);
  if (p == MAP_FAILED) {
    // The memory is not returned, but the pages are made inaccessible like fresh ones; a later
    // allocation sets protections page by page anyway, so the slots can be reused.
    mprotect(chunk_start(c), bytes, PROT_NONE);
  }
  for (size_t k = c.first_slot; k < c.first_slot + c.slots; k++) slot_owner_[k] = -1;
  committed_bytes_ -= bytes;
  c.slots = 0;
  c.free.clear();
  c.free.shrink_to_fit();
}

int CodeCache::chunk_of(const CodeBlock& b) const {
  if (base_ == nullptr || b.start < base_ || b.start >= base_ + reserved_bytes_) return -1;
  const size_t slot = size_t(b.start - base_) / slot_bytes_;
  const int index = slot_owner_[slot];
  if (index < 0) return -1;
  const Chunk& c = chunks_[size_t(index)];
  if (b.start + b.size > chunk_start(c) + c.slots * slot_bytes_) return -1;
  return index;
}

// Protections apply to whole pages, so the range is widened to page boundaries; neighbours on
// the same pages are affected too (see the header for why that is safe).
bool CodeCache::set_protection(const CodeBlock& b, int prot) {
  const uintptr_t page = page_size();
  const uintptr_t lo = b.address() & ~(page - 1);
  const uintptr_t hi = round_up(b.address() + b.size, page);
  return mprotect(reinterpret_cast<void*>(lo), hi - lo, prot) == 0;
}

CodeCacheStatus CodeCache::allocate(size_t size, CodeBlock* out) {
  *out = CodeBlock{};
  if (size == 0 || open_block_ != nullptr) return CodeCacheStatus::InvalidArgument;
  if (base_ == nullptr)
    return init_status_ == CodeCacheStatus::Ok ? CodeCacheStatus::Exhausted : init_status_;
  if (size > reserved_bytes_) return CodeCacheStatus::Exhausted;
  // At least kTrailingTrapBytes of int3 follow the code: decoders that read ahead of the
  // instruction they decode (valgrind's looks 16 bytes ahead for its client-request preamble)
  // must never touch the next, possibly inaccessible, page after a block's final `ret`.
  const size_t need = round_up(size + kTrailingTrapBytes, kAlignment);

  int index = -1;
  size_t offset = 0;
  for (size_t i = 0; i < chunks_.size() && index < 0; i++) {
    if (chunks_[i].slots != 0 && take_from_chunk(chunks_[i], need, &offset)) index = int(i);
  }
  if (index < 0) {
    index = new_chunk(need);
    if (index < 0) return CodeCacheStatus::Exhausted;
    take_from_chunk(chunks_[size_t(index)], need, &offset);
  }
  Chunk& c = chunks_[size_t(index)];
  CodeBlock block{chunk_start(c) + offset, need};
  if (!set_protection(block, PROT_READ | PROT_WRITE)) {
    give_back(c, offset, need);
    if (c.live_bytes == 0) decommit(c);
    return CodeCacheStatus::OsError;
  }
  std::memset(block.start + size, kInt3, need - size);  // trailing padding traps
  allocated_bytes_ += need;
  open_block_ = block.start;
  *out = block;
  return CodeCacheStatus::Ok;
}

CodeCacheStatus CodeCache::commit(const CodeBlock& block) {
  if (block.start == nullptr || block.start != open_block_) return CodeCacheStatus::InvalidArgument;
  // x86 keeps instruction fetch coherent with data writes to the same address, so no explicit
  // instruction-cache flush is needed; the mprotect is the serialising step.
  if (!set_protection(block, PROT_READ | PROT_EXEC)) return CodeCacheStatus::OsError;
  open_block_ = nullptr;
  return CodeCacheStatus::Ok;
}

CodeCacheStatus CodeCache::install(std::span<const uint8_t> code, CodeBlock* out) {
  CodeBlock block;
  CodeCacheStatus s = allocate(code.size(), &block);
  if (s != CodeCacheStatus::Ok) {
    *out = CodeBlock{};
    return s;
  }
  std::memcpy(block.start, code.data(), code.size());
  s = commit(block);
  if (s != CodeCacheStatus::Ok) {
    release(block);
    *out = CodeBlock{};
    return s;
  }
  *out = block;
  return CodeCacheStatus::Ok;
}

CodeCacheStatus CodeCache::release(const CodeBlock& block) {
  const int index = chunk_of(block);
  if (index < 0 || block.size == 0) return CodeCacheStatus::InvalidArgument;
  const bool is_open = block.start == open_block_;
  if (open_block_ != nullptr && !is_open) return CodeCacheStatus::InvalidArgument;
  Chunk& c = chunks_[size_t(index)];
  const size_t offset = size_t(block.start - chunk_start(c));
  if (offset % kAlignment != 0 || block.size % kAlignment != 0)
    return CodeCacheStatus::InvalidArgument;
  // A block overlapping free space was never allocated or is released twice.
  for (const FreeRange& r : c.free) {
    if (r.offset < offset + block.size && offset < r.offset + r.size)
      return CodeCacheStatus::InvalidArgument;
  }
  if (is_open) open_block_ = nullptr;
  give_back(c, offset, block.size);
  allocated_bytes_ -= block.size;
  if (c.live_bytes == 0) {
    decommit(c);
    return CodeCacheStatus::Ok;
  }
  // Neighbours share these pages, so they end up executable again even if the write fails.
  bool ok = set_protection(block, PROT_READ | PROT_WRITE);
  if (ok) std::memset(block.start, kInt3, block.size);
  ok = set_protection(block, PROT_READ | PROT_EXEC) && ok;
  return ok ? CodeCacheStatus::Ok : CodeCacheStatus::OsError;
}

}  // namespace gene::jit
