#pragma once
// Arena: bump allocator for the in-memory index. Memory is handed out in
// large blocks and only returned when the Arena is destroyed, which is what
// lets lock-free readers of the skiplist follow any pointer they have loaded
// without reference counting or epochs: nothing they can reach is ever freed
// while the index lives.
//
// Blocks are 2 MiB, 2 MiB-aligned, and advised as transparent huge pages:
// skiplist searches are chains of dependent random loads over the whole
// index, and with 4 KiB pages nearly every one of them is also a TLB miss.
//
// Thread-safety: Allocate is writer-only (one thread at a time).
// MemoryUsage may be called from any thread.

#include <atomic>
#include <cstddef>
#include <vector>

namespace immu {

class Arena {
 public:
  Arena() = default;
  ~Arena();
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  // Every allocation is aligned to kAlignment (enough for pointers, atomics
  // and uint64_t). Never returns nullptr (throws std::bad_alloc like new).
  static constexpr size_t kAlignment = 8;
  char* Allocate(size_t bytes) {
    bytes = (bytes + kAlignment - 1) & ~(kAlignment - 1);
    if (bytes <= remaining_) {
      char* result = ptr_;
      ptr_ += bytes;
      remaining_ -= bytes;
      return result;
    }
    return AllocateFallback(bytes);
  }

  // Bytes obtained from the system (blocks), including unused block tails.
  size_t MemoryUsage() const { return memory_usage_.load(std::memory_order_relaxed); }

 private:
  // One huge page. The first block of a small index costs 2 MiB of address
  // space, but only the pages touched become resident.
  static constexpr size_t kBlockSize = 2 << 20;

  char* AllocateFallback(size_t bytes);
  char* NewBlock(size_t bytes);

  char* ptr_ = nullptr;
  size_t remaining_ = 0;
  std::vector<char*> blocks_;  // owned, released with std::free
  std::atomic<size_t> memory_usage_{0};
};

}  // namespace immu
