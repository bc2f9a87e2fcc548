// Store: opening, crash recovery and checkpoints.
//
// On-disk state (docs/FORMAT.md):
//   log/*.seg     the transaction log: the only source of truth
//   tree/*        global tree and tx positions, rebuilt from the log past
//                 the checkpoint
//   index.ckpt    KeyIndex snapshot at the checkpoint tx
//   CHECKPOINT    "IMMUCKP1" | u64le tx | u64le log position after tx | u32le masked crc32c
//
// Open loads the checkpoint (when it and the files it names are intact and
// agree), then replays every log record after it, checking each frame CRC,
// entry CRC, Eh and the hash chain (id, prev_alh, bl_tx_id, bl_root). A bad
// record at the very end of the log is a torn write from a crash before the
// commit was acknowledged: it is cut off and reported. A bad record followed
// by a valid one is corruption of committed data: Open fails naming the tx.

#include <algorithm>
#include <chrono>
#include <cstring>

#include "storage/coding.h"
#include "storage/crc32c.h"
#include "storage/log_format.h"
#include "storage/store.h"
#include "verify/merkle.h"

namespace immu {

namespace {
constexpr char kMetaMagic[] = "IMMUCKP1";
constexpr size_t kMetaSize = 8 + 8 + 8 + 4;
// A damaged tail longer than this is not treated as a torn write.
constexpr uint64_t kMaxTornTail = 64ull << 20;

// Checks every entry of a record against its header; fills the index items
// (positions relative to the entries part).
Status CheckEntries(const logfmt::RecordView& rec, std::vector<Hash>* digests,
                    std::vector<KeyIndex::KeyedVersion>* items, uint64_t entries_pos) {
  std::string_view rest = rec.entries;
  digests->clear();
  items->clear();
  uint64_t off = 0;
  for (uint32_t i = 0; i < rec.header.nentries; i++) {
    logfmt::EntryView e;
    size_t used;
    IMMU_RETURN_IF_ERROR(logfmt::ParseEntry(rest, &e, &used));
    auto md = EntryMetadata::Decode(e.md);
    if (!md.ok()) return Status::Corruption("entry metadata: " + md.status().message());
    digests->push_back(EntryDigest(e.key, e.md, e.value));
    items->push_back({e.key, IndexVersion{rec.header.id, entries_pos + off,
                                          static_cast<uint32_t>(used), md->flags}});
    rest.remove_prefix(used);
    off += used;
  }
  if (!rest.empty()) return Status::Corruption("bytes after the last entry");
  if (merkle::RootOfLeafHashes(*digests) != rec.header.eh) {
    return Status::Corruption("entries do not match Eh");
  }
  // Hints are checked here once, so proofs never meet wrong ones silently.
  logfmt::Hints hints;
  IMMU_RETURN_IF_ERROR(logfmt::ParseHints(rec.hints, rec.header.nentries, rec.entries.size(), &hints));
  for (size_t j = 0; j < hints.roots.size(); j++) {
    const size_t b = j * logfmt::kHintChunk;
    const size_t len = std::min<size_t>(logfmt::kHintChunk, digests->size() - b);
    if (hints.roots[j] != merkle::RootOfLeafHashes(std::span<const Hash>(*digests).subspan(b, len)) ||
        hints.offsets[j] != (*items)[b].version.pos - entries_pos) {
      return Status::Corruption("hints do not match the entries");
    }
  }
  std::sort(items->begin(), items->end(),
            [](const auto& a, const auto& b) { return a.key < b.key; });
  return Status::Ok();
}
}  // namespace

Result<TxHeader> Store::LoadCheckpointState(uint64_t* pos) {
  const std::string meta_path = dir_ + "/CHECKPOINT";
  if (!env_->FileExists(meta_path)) return Status::NotFound("no checkpoint");
  IMMU_ASSIGN_OR_RETURN(std::string meta, env_->ReadFileToString(meta_path));
  if (meta.size() != kMetaSize || meta.compare(0, 8, kMetaMagic) != 0 ||
      crc32c::Unmask(DecodeFixed32LE(meta.data() + 24)) != crc32c::Value(meta.data(), 24)) {
    return Status::Corruption("CHECKPOINT file damaged");
  }
  const uint64_t tx = DecodeFixed64LE(meta.data() + 8);
  const uint64_t end = DecodeFixed64LE(meta.data() + 16);
  if (tx == 0) return Status::Corruption("CHECKPOINT names tx 0");
  durable_floor_ = end;
  if (tree_->stored_size() < tx || end > log_->end()) {
    return Status::Corruption("checkpoint is ahead of the log or tree");
  }
  IMMU_ASSIGN_OR_RETURN(uint64_t upto, index_->LoadCheckpoint(env_, dir_ + "/index.ckpt"));
  if (upto != tx) return Status::Corruption("index checkpoint does not match CHECKPOINT");
  IMMU_RETURN_IF_ERROR(tree_->TruncateTo(tx));
  IMMU_ASSIGN_OR_RETURN(uint64_t rec_pos, tree_->RecordPos(tx));
  IMMU_ASSIGN_OR_RETURN(std::string rec, log_->ReadRecord(rec_pos));
  logfmt::RecordView view;
  IMMU_RETURN_IF_ERROR(logfmt::ParseRecord(rec, &view));
  if (view.header.id != tx || rec_pos + rec.size() != end) {
    return Status::Corruption("checkpoint tx record not where the tree says");
  }
  // The tree must agree with the log at the checkpoint: its last leaf is
  // this tx's Alh and its root before this tx is the header's bl_root.
  IMMU_ASSIGN_OR_RETURN(Hash leaf, tree_->Subtree(tx - 1, tx));
  if (leaf != merkle::LeafHash(view.header.Alh())) {
    return Status::Corruption("tree leaf does not match the checkpoint tx");
  }
  if (tx > 1) {
    IMMU_ASSIGN_OR_RETURN(Hash root, tree_->Subtree(0, tx - 1));
    if (root != view.header.bl_root) return Status::Corruption("tree root mismatch at checkpoint");
  }
  *pos = end;
  return view.header;
}

Status Store::Recover() {
  index_ = std::make_unique<KeyIndex>();
  uint64_t pos = 0;
  TxHeader last;
  auto ckpt = LoadCheckpointState(&pos);
  if (ckpt.ok()) {
    last = ckpt.value();
  } else {
    if (!ckpt.status().IsNotFound()) {
      Info("checkpoint unusable (" + ckpt.status().ToString() + "); replaying the whole log");
    }
    index_ = std::make_unique<KeyIndex>();
    IMMU_RETURN_IF_ERROR(tree_->TruncateTo(0));
    pos = 0;
  }
  checkpoint_tx_ = last.id;
  checkpoint_pos_ = pos;
  last_seq_tx_ = last.id;
  last_seq_alh_ = last.id == 0 ? kZeroHash : last.Alh();
  last_ts_ = last.ts;
  next_pos_ = pos;
  committed_header_ = last;
  IMMU_RETURN_IF_ERROR(ReplayFrom(pos));
  IMMU_RETURN_IF_ERROR(tree_->Flush());
  committed_tx_.store(last_seq_tx_, std::memory_order_release);
  durable_tx_.store(last_seq_tx_, std::memory_order_release);
  return Status::Ok();
}

Status Store::HandleBadRecord(uint64_t pos, const Status& why) {
  const uint64_t end = log_->end();
  const uint64_t expected = last_seq_tx_ + 1;
  const std::string where = "tx " + std::to_string(expected) + " at log position " +
                            std::to_string(pos) + ": " + why.message();
  if (pos < durable_floor_) return Status::Corruption(where + " (below the checkpoint)");
  if (end - pos > kMaxTornTail) return Status::Corruption(where);
  // A torn write leaves garbage only at the end. If a valid record header
  // for a later tx follows the damage, committed data was damaged instead.
  std::string tail(end - pos, '\0');
  std::string_view got;
  // Segment boundaries: read segment by segment.
  for (uint64_t p = pos; p < end;) {
    auto starts = log_->SegmentStarts();
    uint64_t seg_end = end;
    for (uint64_t s : starts) {
      if (s > p) {
        seg_end = s;
        break;
      }
    }
    IMMU_RETURN_IF_ERROR(log_->Read(p, seg_end - p, &got, tail.data() + (p - pos)));
    if (got.data() != tail.data() + (p - pos)) memcpy(tail.data() + (p - pos), got.data(), got.size());
    p = seg_end;
  }
  for (size_t off = 1; off + logfmt::kFrameSize + 5 <= tail.size(); off++) {
    if (static_cast<uint8_t>(tail[off + logfmt::kFrameSize]) != logfmt::kTxRecord) continue;
    logfmt::RecordView view;
    std::string_view rest(tail.data() + off, tail.size() - off);
    if (logfmt::RecordSizeFromFrame(rest) > rest.size()) continue;
    if (logfmt::ParseRecord(rest, &view).ok() && view.header.id >= expected) {
      return Status::Corruption(where);
    }
  }
  Info("torn write at the end of the log: cut " + std::to_string(end - pos) +
       " bytes at position " + std::to_string(pos) + " (" + why.message() + ")");
  return log_->TruncateTo(pos);
}

Status Store::ReplayFrom(uint64_t pos) {
  std::vector<Hash> digests;
  std::vector<KeyIndex::KeyedVersion> items;
  uint64_t replayed = 0;
  while (pos < log_->end()) {
    const uint64_t end = log_->end();
    if (end - pos < logfmt::kFrameSize) return HandleBadRecord(pos, Status::Corruption("frame truncated"));
    char frame[logfmt::kFrameSize];
    std::string_view got;
    IMMU_RETURN_IF_ERROR(log_->Read(pos, sizeof(frame), &got, frame));
    const uint64_t size = logfmt::RecordSizeFromFrame(got);
    if (size > end - pos) return HandleBadRecord(pos, Status::Corruption("record truncated"));
    auto rec = log_->ReadRecord(pos);
    if (!rec.ok()) return HandleBadRecord(pos, rec.status());
    logfmt::RecordView view;
    Status s = logfmt::ParseRecord(*rec, &view);
    const TxHeader& h = view.header;
    if (s.ok() && h.id != last_seq_tx_ + 1) s = Status::Corruption("unexpected tx id " + std::to_string(h.id));
    if (s.ok() && (h.prev_alh != last_seq_alh_ || h.bl_tx_id != h.id - 1)) {
      s = Status::Corruption("hash chain broken (prev_alh or bl_tx_id)");
    }
    if (s.ok() && h.bl_root != tree_->WriterRoot()) s = Status::Corruption("bl_root mismatch");
    const uint64_t entries_pos = pos + (rec->size() - view.entries.size());
    if (s.ok()) s = CheckEntries(view, &digests, &items, entries_pos);
    if (!s.ok()) return HandleBadRecord(pos, s);
    const Hash alh = h.Alh();
    tree_->Append(alh, pos);
    index_->InsertSorted(items);
    last_seq_tx_ = h.id;
    last_seq_alh_ = alh;
    last_ts_ = h.ts;
    committed_header_ = h;
    pos += size;
    next_pos_ = pos;
    if (++replayed % 65536 == 0) IMMU_RETURN_IF_ERROR(tree_->Flush());
  }
  recovered_txs_ = replayed;
  if (replayed > 0) Info("replayed " + std::to_string(replayed) + " transactions from the log");
  return Status::Ok();
}

void Store::MaybeScheduleCheckpoint() {
  const uint64_t committed = committed_tx();
  std::lock_guard lock(ckpt_mu_);
  const bool by_txs = options_.checkpoint_every_txs > 0 &&
                      committed - checkpoint_tx_ >= options_.checkpoint_every_txs;
  const bool by_bytes = options_.checkpoint_every_bytes > 0 &&
                        log_->end() - checkpoint_pos_ >= options_.checkpoint_every_bytes;
  if ((by_txs || by_bytes) && !ckpt_requested_) {
    ckpt_requested_ = true;
    ckpt_cv_.notify_all();
  }
}

void Store::CheckpointLoop() {
  std::unique_lock lock(ckpt_mu_);
  while (true) {
    ckpt_cv_.wait(lock, [&] { return stopping_ || ckpt_requested_; });
    if (stopping_) return;
    lock.unlock();
    Status s = WriteCheckpoint();
    if (!s.ok()) Info("checkpoint failed: " + s.ToString());
    lock.lock();
    ckpt_requested_ = false;
  }
}

Status Store::WriteCheckpoint() {
  uint64_t tx, end;
  {
    // Under sync_mu_ no leader is writing: the log ends exactly after the
    // last durable tx and the tree files hold every node up to it.
    std::lock_guard sync(sync_mu_);
    tx = durable_tx_.load(std::memory_order_acquire);
    end = log_->end();
    if (tx == 0) return Status::Ok();
    IMMU_RETURN_IF_ERROR(log_->Sync());
    IMMU_RETURN_IF_ERROR(tree_->Sync());
  }
  {
    std::lock_guard lock(ckpt_mu_);
    if (tx == checkpoint_tx_) return Status::Ok();
  }
  IMMU_RETURN_IF_ERROR(index_->WriteCheckpoint(env_, dir_ + "/index.ckpt", tx));
  std::string meta(kMetaMagic, 8);
  PutFixed64LE(&meta, tx);
  PutFixed64LE(&meta, end);
  PutFixed32LE(&meta, crc32c::Mask(crc32c::Value(meta.data(), meta.size())));
  IMMU_RETURN_IF_ERROR(env_->WriteFileAtomic(dir_ + "/CHECKPOINT", meta));
  std::lock_guard lock(ckpt_mu_);
  checkpoint_tx_ = tx;
  checkpoint_pos_ = end;
  return Status::Ok();
}

}  // namespace immu
