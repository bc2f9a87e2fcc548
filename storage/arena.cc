#include "storage/arena.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace immu {

Arena::~Arena() {
  for (char* block : blocks_) std::free(block);
}

char* Arena::AllocateFallback(size_t bytes) {
  if (bytes > kBlockSize / 4) {
    // A big object (a large version chunk from a checkpoint) gets its own
    // block, so the tail of the current block is not wasted.
    return NewBlock(bytes);
  }
  ptr_ = NewBlock(kBlockSize);
  char* result = ptr_;
  ptr_ += bytes;
  remaining_ = kBlockSize - bytes;
  return result;
}

char* Arena::NewBlock(size_t bytes) {
  // Whole-block sizes are multiples of the huge page size; aligned_alloc
  // needs size to be a multiple of the alignment.
  const size_t rounded = (bytes + kBlockSize - 1) & ~(kBlockSize - 1);
  void* p = std::aligned_alloc(kBlockSize, rounded);
  if (p == nullptr) throw std::bad_alloc();
  // Best effort; without THP support this is a no-op.
  (void)madvise(p, rounded, MADV_HUGEPAGE);
  blocks_.push_back(static_cast<char*>(p));
  memory_usage_.fetch_add(rounded, std::memory_order_relaxed);
  return static_cast<char*>(p);
}

}  // namespace immu
