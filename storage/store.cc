#include "storage/store.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "storage/log_format.h"
#include "storage/transaction.h"
#include "verify/merkle.h"

namespace immu {

// Records sequenced but not yet written; swapped out whole by the leader.
struct Store::Batch {
  std::string bytes;
  std::vector<uint64_t> record_sizes;
  uint64_t last_tx = 0;
  TxHeader last_header;
};

Store::Store(std::string dir, const Options& options)
    : dir_(std::move(dir)),
      options_(options),
      env_(options.env != nullptr ? options.env : Env::Default()),
      batch_(std::make_unique<Batch>()) {}

Store::~Store() { (void)Close(); }

void Store::Info(const std::string& msg) const {
  if (options_.info_log) {
    options_.info_log(msg);
  } else {
    fprintf(stderr, "immu storage: %s\n", msg.c_str());
  }
}

Status Store::ValidateKey(std::string_view key) const {
  if (key.empty()) return Status::InvalidArgument("empty key");
  if (key.size() > options_.max_key_len) {
    return Status::InvalidArgument("key of " + std::to_string(key.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(options_.max_key_len));
  }
  return Status::Ok();
}

Result<std::unique_ptr<Store>> Store::Open(const std::string& dir, const Options& options) {
  std::unique_ptr<Store> store(new Store(dir, options));
  Env* env = store->env_;
  if (!env->FileExists(dir)) {
    if (!options.create_if_missing) return Status::NotFound("no store at " + dir);
  }
  IMMU_RETURN_IF_ERROR(env->CreateDirIfMissing(dir));
  IMMU_ASSIGN_OR_RETURN(store->log_, SegmentedLog::Open(env, dir + "/log", options.segment_size));
  IMMU_ASSIGN_OR_RETURN(store->tree_, TxTree::Open(env, dir + "/tree"));
  IMMU_RETURN_IF_ERROR(store->Recover());
  store->opened_ = true;
  store->ckpt_thread_ = std::thread([s = store.get()] { s->CheckpointLoop(); });
  return store;
}

Status Store::Close() {
  {
    std::lock_guard lock(ckpt_mu_);
    if (closed_) return Status::Ok();
    closed_ = true;
    stopping_ = true;
  }
  ckpt_cv_.notify_all();
  if (ckpt_thread_.joinable()) ckpt_thread_.join();
  // No new transaction is sequenced from here on; those already sequenced
  // are written by their own leader or by the SyncBatches below.
  uint64_t last;
  {
    std::lock_guard seq(seq_mu_);
    accepting_ = false;
    last = last_seq_tx_;
  }
  // A store whose Open failed has nothing acknowledged to flush, and its
  // half-recovered state must not be written anywhere.
  if (!opened_) return Status::Ok();
  Status s = SyncBatches(last);
  if (s.ok()) {
    std::lock_guard sync(sync_mu_);
    s = log_->Sync();
  }
  if (s.ok() && committed_tx() > 0 && options_.checkpoint_on_close) s = WriteCheckpoint();
  return s;
}

Result<Store::Prepared> Store::Prepare(const std::vector<Entry>& entries) const {
  if (entries.empty()) return Status::InvalidArgument("a transaction needs at least one entry");
  if (entries.size() > options_.max_tx_entries) {
    return Status::InvalidArgument("too many entries in one transaction");
  }
  Prepared p;
  size_t total = 0;
  for (const auto& e : entries) {
    IMMU_RETURN_IF_ERROR(ValidateKey(e.key));
    if (e.value.size() > options_.max_value_len) {
      return Status::InvalidArgument("value of " + std::to_string(e.value.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(options_.max_value_len));
    }
    total += logfmt::EntrySize(e.key.size(), 1, e.value.size());
  }
  if (total > logfmt::kMaxPayload - 4096) {
    return Status::InvalidArgument("transaction too large");
  }
  const size_t n = entries.size();
  p.entries_part.reserve(total);
  p.offsets.resize(n);
  p.sizes.resize(n);
  p.flags.resize(n);
  std::vector<Hash> digests(n);
  for (size_t i = 0; i < n; i++) {
    const Entry& e = entries[i];
    const std::string md = e.md.Encode();
    p.offsets[i] = static_cast<uint32_t>(p.entries_part.size());
    logfmt::AppendEntry(&p.entries_part, e.key, md, e.value);
    p.sizes[i] = static_cast<uint32_t>(p.entries_part.size() - p.offsets[i]);
    p.flags[i] = e.md.flags;
    digests[i] = EntryDigest(e.key, md, e.value);
  }
  p.keys.resize(n);
  for (size_t i = 0; i < n; i++) {
    // Key bytes sit after u32 len | u32 crc | u8 md_len | md | u32 key_len.
    const size_t md_len = static_cast<uint8_t>(p.entries_part[p.offsets[i] + 8]);
    p.keys[i] = std::string_view(p.entries_part.data() + p.offsets[i] + 8 + 1 + md_len + 4,
                                 entries[i].key.size());
  }
  p.order.resize(n);
  for (uint32_t i = 0; i < n; i++) p.order[i] = i;
  std::sort(p.order.begin(), p.order.end(),
            [&](uint32_t a, uint32_t b) { return p.keys[a] < p.keys[b]; });
  for (size_t i = 1; i < n; i++) {
    if (p.keys[p.order[i]] == p.keys[p.order[i - 1]]) {
      return Status::InvalidArgument("duplicate key in one transaction");
    }
  }
  const uint32_t nchunks = logfmt::HintChunks(static_cast<uint32_t>(n));
  if (nchunks == 0) {
    p.eh = merkle::RootOfLeafHashes(digests);
    p.hints = logfmt::EncodeHints({}, {});
  } else {
    // Runs of kHintChunk leaves are aligned subtrees, so Eh is the root of
    // the tree over the run roots.
    std::vector<Hash> roots(nchunks);
    std::vector<uint32_t> offs(nchunks);
    for (uint32_t j = 0; j < nchunks; j++) {
      const size_t b = size_t{j} * logfmt::kHintChunk;
      const size_t len = std::min<size_t>(logfmt::kHintChunk, n - b);
      roots[j] = merkle::RootOfLeafHashes(std::span<const Hash>(digests).subspan(b, len));
      offs[j] = p.offsets[b];
    }
    p.eh = merkle::RootOfLeafHashes(roots);
    p.hints = logfmt::EncodeHints(roots, offs);
  }
  return p;
}

Status Store::Sequence(Prepared* p, uint64_t snapshot, const Transaction* txn,
                       TxHeader* header) {
  std::lock_guard lock(seq_mu_);
  IMMU_RETURN_IF_ERROR(failed_);
  if (!accepting_) return Status::Closed("store closed");
  if (txn != nullptr) {
    IMMU_RETURN_IF_ERROR(txn->CheckConflicts(*index_));
  } else if (snapshot > 0) {
    for (auto k : p->keys) {
      if (index_->LatestTx(k) > snapshot) return Status::Conflict("key changed since snapshot");
    }
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  TxHeader& h = *header;
  h.id = last_seq_tx_ + 1;
  h.ts = std::max(now, last_ts_);
  h.nentries = static_cast<uint32_t>(p->keys.size());
  h.eh = p->eh;
  h.bl_tx_id = h.id - 1;
  h.bl_root = tree_->WriterRoot();
  h.prev_alh = last_seq_alh_;
  const Hash alh = h.Alh();

  Batch& b = *batch_;
  const uint64_t pos = next_pos_;
  const size_t before = b.bytes.size();
  const size_t head = logfmt::AppendRecordHead(&b.bytes, h, p->hints, p->entries_part.size());
  b.bytes.append(p->entries_part);
  const uint64_t rec_size = b.bytes.size() - before;
  b.record_sizes.push_back(rec_size);
  b.last_tx = h.id;
  b.last_header = h;

  tree_->Append(alh, pos);
  std::vector<KeyIndex::KeyedVersion> items(p->keys.size());
  for (size_t i = 0; i < items.size(); i++) {
    const uint32_t e = p->order[i];
    items[i].key = p->keys[e];
    items[i].version = IndexVersion{h.id, pos + head + p->offsets[e], p->sizes[e], p->flags[e]};
  }
  index_->InsertSorted(items);

  last_seq_tx_ = h.id;
  last_seq_alh_ = alh;
  last_ts_ = h.ts;
  next_pos_ += rec_size;
  return Status::Ok();
}

Status Store::SyncBatches(uint64_t id) {
  std::unique_lock lock(group_mu_);
  while (durable_tx_.load(std::memory_order_acquire) < id) {
    if (leader_active_) {
      group_cv_.wait(lock);
      continue;
    }
    leader_active_ = true;
    lock.unlock();
    Status s;
    const uint64_t before = durable_tx_.load(std::memory_order_acquire);
    {
      std::lock_guard sync(sync_mu_);
      s = WriteBatch();
    }
    const bool progressed = durable_tx_.load(std::memory_order_acquire) > before;
    lock.lock();
    leader_active_ = false;
    group_cv_.notify_all();
    if (!s.ok()) return s;
    if (!progressed && durable_tx_.load(std::memory_order_acquire) < id) {
      return Status::Closed("tx " + std::to_string(id) + " was never sequenced");
    }
  }
  return Status::Ok();
}

Status Store::WriteBatch() {
  std::unique_ptr<Batch> batch;
  TxTree::Pending tree_pending;
  {
    std::lock_guard seq(seq_mu_);
    IMMU_RETURN_IF_ERROR(failed_);
    batch = std::exchange(batch_, std::make_unique<Batch>());
    tree_pending = tree_->TakePending();
  }
  if (batch->record_sizes.empty()) return Status::Ok();
  Status s = log_->AppendRecords(batch->bytes, batch->record_sizes);
  if (s.ok() && options_.synced) s = log_->Sync();
  if (s.ok()) s = tree_->WritePending(std::move(tree_pending));
  if (!s.ok()) {
    std::lock_guard seq(seq_mu_);
    failed_ = Status(s.code(), "commit failed, store is read-only until reopened: " + s.message());
    return failed_;
  }
  {
    std::lock_guard st(state_mu_);
    committed_header_ = batch->last_header;
  }
  committed_tx_.store(batch->last_tx, std::memory_order_release);
  durable_tx_.store(batch->last_tx, std::memory_order_release);
  MaybeScheduleCheckpoint();
  return Status::Ok();
}

Result<TxHeader> Store::Commit(Prepared prepared, uint64_t snapshot, const Transaction* txn) {
  TxHeader header;
  IMMU_RETURN_IF_ERROR(Sequence(&prepared, snapshot, txn, &header));
  IMMU_RETURN_IF_ERROR(SyncBatches(header.id));
  return header;
}

std::unique_ptr<Transaction> Store::Begin(const TxOptions& options) {
  const uint64_t snap = options.snapshot != 0 ? options.snapshot : committed_tx();
  return std::unique_ptr<Transaction>(new Transaction(this, snap, options.serializable));
}

Result<TxHeader> Store::Set(std::string_view key, std::string_view value) {
  std::vector<Entry> entries(1);
  entries[0].key = std::string(key);
  entries[0].value = std::string(value);
  return CommitBatch(entries);
}

Result<TxHeader> Store::Delete(std::string_view key) {
  auto txn = Begin();
  auto cur = txn->Get(key);
  if (!cur.ok()) return cur.status();
  IMMU_RETURN_IF_ERROR(txn->Delete(key));
  return txn->Commit();
}

Result<TxHeader> Store::CommitBatch(const std::vector<Entry>& entries) {
  IMMU_ASSIGN_OR_RETURN(auto prepared, Prepare(entries));
  return Commit(std::move(prepared), 0, nullptr);
}

TxHeader Store::CommittedHeader() const {
  std::lock_guard lock(state_mu_);
  return committed_header_;
}

State Store::CurrentState() const {
  std::lock_guard lock(state_mu_);
  State s;
  s.db = options_.db_name;
  s.tx_id = committed_header_.id;
  s.alh = committed_header_.id == 0 ? kZeroHash : committed_header_.Alh();
  if (signer_ != nullptr) (void)signer_->SignState(&s);
  return s;
}

State Store::StateOf(const TxHeader& header) const {
  State s;
  s.db = options_.db_name;
  s.tx_id = header.id;
  s.alh = header.id == 0 ? kZeroHash : header.Alh();
  std::lock_guard lock(state_mu_);
  if (signer_ != nullptr) (void)signer_->SignState(&s);
  return s;
}

void Store::SetSigner(std::unique_ptr<Signer> signer) {
  std::lock_guard lock(state_mu_);
  signer_ = std::move(signer);
}

StoreStats Store::Stats() const {
  StoreStats s;
  s.committed_tx = committed_tx();
  s.keys = index_->key_count();
  s.versions = index_->version_count();
  s.index_memory_bytes = index_->ApproximateMemoryUsage();
  s.recovered_txs = recovered_txs_;
  {
    std::lock_guard lock(seq_mu_);
    s.log_bytes = next_pos_;
  }
  std::lock_guard lock(ckpt_mu_);
  s.checkpoint_tx = checkpoint_tx_;
  return s;
}

}  // namespace immu
