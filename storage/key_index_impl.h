#pragma once
// Private state of KeyIndex, shared by key_index.cc and
// key_index_checkpoint.cc. Not part of the public API.

#include <atomic>
#include <cstdint>

#include "storage/arena.h"
#include "storage/key_index.h"
#include "storage/skiplist.h"

namespace immu {

struct KeyIndex::Impl {
  Arena arena;
  SkipList list{&arena};
  // Written by the writer (relaxed increments), read by anyone. They are
  // statistics: a reader may see them lag the list by a few items.
  std::atomic<uint64_t> key_count{0};
  std::atomic<uint64_t> version_count{0};
};

}  // namespace immu
