#include "storage/key_index.h"

#include <algorithm>
#include <limits>

#include "storage/key_index_impl.h"
#include "storage/skiplist.h"
#include "storage/version_chain.h"

namespace immu {

namespace {

const IndexNode* AsNode(const void* p) { return static_cast<const IndexNode*>(p); }

}  // namespace

KeyIndex::KeyIndex() : impl_(std::make_unique<Impl>()) {}
KeyIndex::~KeyIndex() = default;

void KeyIndex::Insert(std::string_view key, const IndexVersion& v) {
  SkipList::Splice splice;  // fresh: a full search from the head
  const bool created = impl_->list.Add(key, v, &splice);
  if (created) impl_->key_count.fetch_add(1, std::memory_order_relaxed);
  impl_->version_count.fetch_add(1, std::memory_order_relaxed);
}

void KeyIndex::InsertSorted(const std::vector<KeyedVersion>& items) {
  // Sorted keys let the list search for the whole batch at once
  // (out-of-order items still work, one at a time).
  const uint64_t created = impl_->list.AddSorted(items.data(), items.size());
  impl_->key_count.fetch_add(created, std::memory_order_relaxed);
  impl_->version_count.fetch_add(items.size(), std::memory_order_relaxed);
}

bool KeyIndex::Get(std::string_view key, uint64_t snapshot, IndexVersion* out,
                   uint64_t* revision) const {
  const IndexNode* node = impl_->list.Find(key);
  if (node == nullptr) return false;
  return FindVersionAt(node->Versions(), snapshot, out, revision);
}

uint64_t KeyIndex::LatestTx(std::string_view key) const {
  const IndexNode* node = impl_->list.Find(key);
  return node == nullptr ? 0 : NewestTx(node->Versions());
}

uint64_t KeyIndex::VersionCount(std::string_view key, uint64_t snapshot) const {
  const IndexNode* node = impl_->list.Find(key);
  if (node == nullptr) return 0;
  uint64_t revision = 0;
  return FindVersionAt(node->Versions(), snapshot, nullptr, &revision) ? revision : 0;
}

std::vector<KeyIndex::RevisionedVersion> KeyIndex::History(std::string_view key,
                                                           uint64_t snapshot, uint64_t offset,
                                                           uint64_t limit, bool desc) const {
  std::vector<RevisionedVersion> out;
  const IndexNode* node = impl_->list.Find(key);
  if (node == nullptr) return out;
  const VersionChunk* head = node->Versions();
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (!desc) {
    // Revisions offset+1 .. offset+limit.
    if (offset == kMax) return out;
    const uint64_t first = offset + 1;
    const uint64_t last = (limit == 0 || limit > kMax - offset) ? kMax : offset + limit;
    CollectVersions(head, snapshot, first, last, &out);
    return out;
  }
  // Newest first: the revision range depends on how many versions the
  // snapshot sees. Revisions never change once assigned, so if the writer
  // appends between the two calls the result is still exactly what the
  // first call's view would have produced.
  const uint64_t visible = CollectVersions(head, snapshot, 0, 0, nullptr);
  if (offset >= visible) return out;
  const uint64_t last = visible - offset;
  const uint64_t first = (limit == 0 || limit >= last) ? 1 : last - limit + 1;
  CollectVersions(head, snapshot, first, last, &out);
  std::reverse(out.begin(), out.end());
  return out;
}

KeyIndex::Iterator::Iterator(const KeyIndex* index) : index_(index), node_(nullptr) {}

bool KeyIndex::Iterator::Valid() const { return node_ != nullptr; }

void KeyIndex::Iterator::SeekToFirst() { node_ = index_->impl_->list.First(); }

void KeyIndex::Iterator::Seek(std::string_view target) {
  node_ = index_->impl_->list.Seek(target);
}

void KeyIndex::Iterator::Next() { node_ = AsNode(node_)->Next(0); }

std::string_view KeyIndex::Iterator::key() const { return AsNode(node_)->key(); }

bool KeyIndex::Iterator::VersionAt(uint64_t snapshot, IndexVersion* out,
                                   uint64_t* revision) const {
  return FindVersionAt(AsNode(node_)->Versions(), snapshot, out, revision);
}

uint64_t KeyIndex::key_count() const {
  return impl_->key_count.load(std::memory_order_relaxed);
}

uint64_t KeyIndex::version_count() const {
  return impl_->version_count.load(std::memory_order_relaxed);
}

size_t KeyIndex::ApproximateMemoryUsage() const { return impl_->arena.MemoryUsage(); }

}  // namespace immu
