#include "storage/tx_tree.h"

#include <cstdio>
#include <algorithm>
#include <cstring>
#include <new>

#include "storage/coding.h"

namespace immu {

namespace {
constexpr size_t kNodeSize = 32;
constexpr size_t kPosSize = 8;
}  // namespace

void TxTree::CachePut(int level, uint64_t index, const Hash& h) {
  if (level < kCachedLevel) return;
  CachedLevel& c = cache_[level];
  if (!c.chunks) {
    // atomic<Hash*> of all-zero bytes is a valid nullptr (lock-free, trivial).
    void* table = std::calloc(kMaxChunks, sizeof(std::atomic<Hash*>));
    if (table == nullptr) throw std::bad_alloc();
    c.chunks.reset(static_cast<std::atomic<Hash*>*>(table));
  }
  const uint64_t chunk = index >> kChunkBits;
  if (chunk >= kMaxChunks) return;
  Hash* cells = c.chunks[chunk].load(std::memory_order_acquire);
  if (cells == nullptr) {
    cells = new Hash[size_t{1} << kChunkBits];
    c.chunks[chunk].store(cells, std::memory_order_release);
  }
  cells[index & ((size_t{1} << kChunkBits) - 1)] = h;
}

const Hash* TxTree::CacheGet(int level, uint64_t index) const {
  if (level < kCachedLevel) return nullptr;
  const CachedLevel& c = cache_[level];
  if (!c.chunks || (index >> kChunkBits) >= kMaxChunks) return nullptr;
  Hash* cells = c.chunks[index >> kChunkBits].load(std::memory_order_acquire);
  if (cells == nullptr) return nullptr;
  // Cells below the published size were written before the release store
  // of published_ that the reader acquired.
  return &cells[index & ((size_t{1} << kChunkBits) - 1)];
}

TxTree::~TxTree() {
  for (auto& c : cache_) {
    if (!c.chunks) continue;
    for (size_t i = 0; i < kMaxChunks; i++) {
      Hash* cells = c.chunks[i].load();
      delete[] cells;
    }
  }
  for (auto& l : levels_) {
    if (l.writer) (void)l.writer->Close();
    delete l.reader.load();
  }
  if (txpos_.writer) (void)txpos_.writer->Close();
  delete txpos_.reader.load();
}

std::string TxTree::LevelPath(int level) const {
  char name[16];
  snprintf(name, sizeof(name), "L%02d", level);
  return dir_ + "/" + name;
}

Status TxTree::OpenLevel(int level) {
  Level& l = level < 0 ? txpos_ : levels_[level];
  const std::string path = level < 0 ? dir_ + "/txpos" : LevelPath(level);
  IMMU_ASSIGN_OR_RETURN(l.writer, env_->NewAppendableFile(path));
  IMMU_ASSIGN_OR_RETURN(auto reader, env_->NewRandomAccessFile(path));
  delete l.reader.exchange(reader.release(), std::memory_order_acq_rel);
  return Status::Ok();
}

Result<std::unique_ptr<TxTree>> TxTree::Open(Env* env, const std::string& dir) {
  IMMU_RETURN_IF_ERROR(env->CreateDirIfMissing(dir));
  std::unique_ptr<TxTree> t(new TxTree(env, dir));
  IMMU_RETURN_IF_ERROR(t->OpenLevel(-1));
  IMMU_ASSIGN_OR_RETURN(uint64_t pos_bytes, env->FileSize(dir + "/txpos"));
  uint64_t n = pos_bytes / kPosSize;
  // The usable size is what every level agrees on: level L must hold n >> L nodes.
  for (int level = 0; level < kMaxLevels && (n >> level) > 0; level++) {
    IMMU_RETURN_IF_ERROR(t->OpenLevel(level));
    IMMU_ASSIGN_OR_RETURN(uint64_t bytes, env->FileSize(t->LevelPath(level)));
    const uint64_t have = bytes / kNodeSize;
    if (have < (n >> level)) n = have << level;
  }
  t->writer_size_ = n;
  // Cut every file to the agreed size (stale cells past it would otherwise
  // be appended after) and load the frontier.
  IMMU_RETURN_IF_ERROR(t->TruncateTo(n));
  return t;
}

Status TxTree::TruncateTo(uint64_t n) {
  if (n > writer_size_) return Status::InvalidArgument("tree truncate beyond its size");
  txpos_.writer.reset();
  IMMU_RETURN_IF_ERROR(env_->Truncate(dir_ + "/txpos", n * kPosSize));
  IMMU_RETURN_IF_ERROR(OpenLevel(-1));
  for (int level = 0; level < kMaxLevels; level++) {
    const std::string path = LevelPath(level);
    if (!env_->FileExists(path)) break;
    levels_[level].writer.reset();
    IMMU_RETURN_IF_ERROR(env_->Truncate(path, (n >> level) * kNodeSize));
    IMMU_RETURN_IF_ERROR(OpenLevel(level));
    levels_[level].pending.clear();
  }
  writer_size_ = n;
  published_.store(n, std::memory_order_release);
  for (int level = 0; level < kMaxLevels && (n >> level) > 0; level++) {
    IMMU_ASSIGN_OR_RETURN(last_[level], ReadNode(level, (n >> level) - 1));
  }
  // Fill the in-memory upper levels from the files.
  for (int level = kCachedLevel; level < kMaxLevels && (n >> level) > 0; level++) {
    RandomAccessFile* f = levels_[level].reader.load(std::memory_order_acquire);
    const uint64_t count = n >> level;
    std::string buf(count * kNodeSize, '\0');
    std::string_view got;
    IMMU_RETURN_IF_ERROR(f->Read(0, buf.size(), &got, buf.data()));
    if (got.size() != buf.size()) return Status::Corruption("tree level short");
    for (uint64_t i = 0; i < count; i++) {
      Hash h;
      memcpy(h.data(), got.data() + i * kNodeSize, kNodeSize);
      CachePut(level, i, h);
    }
  }
  return env_->SyncDir(dir_);
}

void TxTree::Append(const Hash& alh, uint64_t record_pos) {
  char buf[kPosSize];
  EncodeFixed64LE(buf, record_pos);
  txpos_.pending.append(buf, kPosSize);
  Hash node = merkle::LeafHash(alh);
  const uint64_t index = writer_size_;
  for (int level = 0;; level++) {
    levels_[level].pending.append(reinterpret_cast<const char*>(node.data()), kNodeSize);
    CachePut(level, index >> level, node);
    // Node `index >> level` is a right child when its index is odd: its
    // parent is complete now, with the previous node of this level as left.
    if (((index >> level) & 1) == 0) {
      last_[level] = node;
      break;
    }
    const Hash left = last_[level];
    last_[level] = node;
    node = merkle::NodeHash(left, node);
  }
  writer_size_++;
}

Hash TxTree::WriterRoot() const {
  const uint64_t n = writer_size_;
  if (n == 0) return merkle::EmptyRoot();
  // Fold the peaks from the smallest (rightmost) up.
  Hash acc{};
  bool have = false;
  for (int level = 0; level < kMaxLevels && (n >> level) > 0; level++) {
    if (((n >> level) & 1) == 0) continue;
    if (!have) {
      acc = last_[level];
      have = true;
    } else {
      acc = merkle::NodeHash(last_[level], acc);
    }
  }
  return acc;
}

TxTree::Pending TxTree::TakePending() {
  Pending p;
  p.txpos = std::move(txpos_.pending);
  txpos_.pending.clear();
  for (int level = 0; level < kMaxLevels; level++) {
    if (levels_[level].pending.empty()) {
      if ((writer_size_ >> level) == 0) break;
      continue;
    }
    p.levels[level] = std::move(levels_[level].pending);
    levels_[level].pending.clear();
  }
  p.size = writer_size_;
  return p;
}

Status TxTree::WritePending(Pending p) {
  if (!p.txpos.empty()) IMMU_RETURN_IF_ERROR(txpos_.writer->Append(p.txpos));
  for (int level = 0; level < kMaxLevels; level++) {
    if (p.levels[level].empty()) continue;
    if (!levels_[level].writer) IMMU_RETURN_IF_ERROR(OpenLevel(level));
    IMMU_RETURN_IF_ERROR(levels_[level].writer->Append(p.levels[level]));
  }
  if (p.size > published_.load(std::memory_order_relaxed)) {
    published_.store(p.size, std::memory_order_release);
  }
  return Status::Ok();
}

Status TxTree::Sync() {
  IMMU_RETURN_IF_ERROR(txpos_.writer->Sync());
  for (auto& l : levels_) {
    if (l.writer) IMMU_RETURN_IF_ERROR(l.writer->Sync());
  }
  return env_->SyncDir(dir_);
}

Result<Hash> TxTree::ReadNode(int level, uint64_t index) const {
  // size() first: its acquire makes the writer's cache cells visible.
  if (level >= kCachedLevel && ((index + 1) << level) <= size()) {
    if (const Hash* cached = CacheGet(level, index); cached != nullptr) return *cached;
  }
  RandomAccessFile* f = levels_[level].reader.load(std::memory_order_acquire);
  if (f == nullptr) return Status::Corruption("tree level " + std::to_string(level) + " missing");
  char scratch[kNodeSize];
  std::string_view got;
  IMMU_RETURN_IF_ERROR(f->Read(index * kNodeSize, kNodeSize, &got, scratch));
  if (got.size() != kNodeSize) {
    return Status::Corruption("tree level " + std::to_string(level) + " short at node " +
                              std::to_string(index));
  }
  Hash h;
  memcpy(h.data(), got.data(), kNodeSize);
  return h;
}

Result<Hash> TxTree::Subtree(uint64_t begin, uint64_t end) const {
  if (begin >= end || end > size()) return Status::InvalidArgument("bad subtree range");
  const uint64_t n = end - begin;
  if ((n & (n - 1)) == 0) {
    const int level = __builtin_ctzll(n);
    if ((begin & (n - 1)) == 0) return ReadNode(level, begin >> level);
  }
  // Split at the largest power of two smaller than n (RFC 9162).
  uint64_t k = uint64_t{1} << (63 - __builtin_clzll(n));
  if (k == n) k >>= 1;
  IMMU_ASSIGN_OR_RETURN(Hash left, Subtree(begin, begin + k));
  IMMU_ASSIGN_OR_RETURN(Hash right, Subtree(begin + k, end));
  return merkle::NodeHash(left, right);
}

Result<uint64_t> TxTree::RecordPos(uint64_t tx_id) const {
  if (tx_id == 0 || tx_id > size()) return Status::NotFound("tx " + std::to_string(tx_id));
  RandomAccessFile* f = txpos_.reader.load(std::memory_order_acquire);
  char scratch[kPosSize];
  std::string_view got;
  IMMU_RETURN_IF_ERROR(f->Read((tx_id - 1) * kPosSize, kPosSize, &got, scratch));
  if (got.size() != kPosSize) return Status::Corruption("txpos short for tx " + std::to_string(tx_id));
  return DecodeFixed64LE(got.data());
}

}  // namespace immu
