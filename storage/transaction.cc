#include "storage/transaction.h"

#include <algorithm>

namespace immu {

Status Transaction::CheckOpen() const {
  if (done_) return Status::InvalidArgument("transaction already finished");
  return Status::Ok();
}

Status Transaction::Set(std::string_view key, std::string_view value) {
  IMMU_RETURN_IF_ERROR(CheckOpen());
  IMMU_RETURN_IF_ERROR(store_->ValidateKey(key));
  if (value.size() > store_->options_.max_value_len) {
    return Status::InvalidArgument("value of " + std::to_string(value.size()) +
                                   " bytes exceeds the limit of " +
                                   std::to_string(store_->options_.max_value_len));
  }
  if (writes_.size() >= store_->options_.max_tx_entries && !writes_.contains(key)) {
    return Status::InvalidArgument("too many entries in one transaction");
  }
  LogUndo(key);
  writes_.insert_or_assign(std::string(key), std::string(value));
  NoteWriteSnapshot(key);
  return Status::Ok();
}

Status Transaction::Delete(std::string_view key) {
  IMMU_RETURN_IF_ERROR(CheckOpen());
  IMMU_RETURN_IF_ERROR(store_->ValidateKey(key));
  LogUndo(key);
  writes_.insert_or_assign(std::string(key), std::nullopt);
  NoteWriteSnapshot(key);
  return Status::Ok();
}

Result<ValueVersion> Transaction::Get(std::string_view key) {
  IMMU_RETURN_IF_ERROR(CheckOpen());
  auto it = writes_.find(key);
  if (it != writes_.end()) {
    if (!it->second) return Status::NotFound("key deleted in this transaction");
    ValueVersion v;
    v.key = std::string(key);
    v.value = *it->second;
    return v;  // tx 0: not committed yet
  }
  if (serializable_) read_keys_.emplace_back(key);
  return store_->GetAt(key, snapshot_);
}

Result<ValueVersion> Transaction::GetLatest(std::string_view key) {
  IMMU_RETURN_IF_ERROR(CheckOpen());
  auto it = writes_.find(key);
  if (it != writes_.end()) {
    if (!it->second) return Status::NotFound("key deleted in this transaction");
    ValueVersion v;
    v.key = std::string(key);
    v.value = *it->second;
    return v;
  }
  return store_->Get(key);
}

void Transaction::SetBase(std::string_view key, uint64_t base_tx) {
  if (base_tx <= snapshot_) return;  // the snapshot already covers it
  LogUndo(key);
  bases_.insert_or_assign(std::string(key), base_tx);
}

Result<std::vector<ValueVersion>> Transaction::Scan(const ScanOptions& options) {
  IMMU_RETURN_IF_ERROR(CheckOpen());
  ScanOptions o = options;
  o.snapshot = snapshot_;
  o.limit = 0;  // own writes may hide or add keys: limit after merging
  IMMU_ASSIGN_OR_RETURN(auto base, store_->Scan(o));
  if (serializable_) {
    std::string start = std::max(options.start, options.prefix);
    std::string end = options.end;
    if (!options.prefix.empty()) {
      // Smallest key greater than every key with the prefix.
      std::string succ = options.prefix;
      while (!succ.empty() && static_cast<uint8_t>(succ.back()) == 0xff) succ.pop_back();
      if (!succ.empty()) {
        succ.back() = static_cast<char>(static_cast<uint8_t>(succ.back()) + 1);
        if (end.empty() || succ < end) end = succ;
      }
    }
    read_ranges_.emplace_back(std::move(start), std::move(end));
  }
  auto in_range = [&](const std::string& k) {
    if (k.compare(0, options.prefix.size(), options.prefix) != 0) return false;
    if (!options.start.empty() && k < options.start) return false;
    if (!options.end.empty() && k >= options.end) return false;
    return true;
  };
  std::vector<ValueVersion> out;
  auto w = writes_.begin();
  auto flush_writes_before = [&](const std::string* bound) {
    for (; w != writes_.end() && (bound == nullptr || w->first < *bound); ++w) {
      if (!in_range(w->first) || !w->second) continue;
      ValueVersion v;
      v.key = w->first;
      v.value = *w->second;
      out.push_back(std::move(v));
    }
  };
  for (auto& v : base) {
    flush_writes_before(&v.key);
    if (w != writes_.end() && w->first == v.key) {
      if (w->second) {
        ValueVersion own;
        own.key = w->first;
        own.value = *w->second;
        out.push_back(std::move(own));
      }
      ++w;
      continue;
    }
    if (v.md.deleted() && !options.include_deleted) continue;
    out.push_back(std::move(v));
  }
  flush_writes_before(nullptr);
  if (options.limit > 0 && out.size() > options.limit) out.resize(options.limit);
  return out;
}

void Transaction::AdvanceSnapshot() {
  if (serializable_ || done_) return;
  snapshot_ = std::max(snapshot_, store_->committed_tx());
}

void Transaction::NoteWriteSnapshot(std::string_view key) {
  if (snapshot_ == first_snapshot_) return;
  auto [it, inserted] = bases_.try_emplace(std::string(key), snapshot_);
  if (!inserted) it->second = std::max(it->second, snapshot_);
}

Status Transaction::CheckConflicts(const KeyIndex& index) const {
  for (const auto& [key, value] : writes_) {
    uint64_t seen = first_snapshot_;
    if (auto b = bases_.find(key); b != bases_.end()) seen = std::max(seen, b->second);
    if (index.LatestTx(key) > seen) {
      return Status::Conflict("key written by a concurrent transaction after snapshot " +
                              std::to_string(snapshot_));
    }
  }
  if (!serializable_) return Status::Ok();
  for (const auto& key : read_keys_) {
    if (index.LatestTx(key) > snapshot_) {
      return Status::Conflict("a key read by this transaction changed after its snapshot");
    }
  }
  for (const auto& [start, end] : read_ranges_) {
    KeyIndex::Iterator it(&index);
    for (it.Seek(start); it.Valid(); it.Next()) {
      if (!end.empty() && it.key() >= std::string_view(end)) break;
      if (index.LatestTx(it.key()) > snapshot_) {
        return Status::Conflict("a range read by this transaction changed after its snapshot");
      }
    }
  }
  return Status::Ok();
}

Result<TxHeader> Transaction::Commit() {
  IMMU_RETURN_IF_ERROR(CheckOpen());
  done_ = true;
  if (writes_.empty()) return TxHeader{};
  std::vector<Entry> entries;
  entries.reserve(writes_.size());
  for (auto& [key, value] : writes_) {
    Entry e;
    e.key = key;
    if (value) {
      e.value = std::move(*value);
    } else {
      e.md.flags = EntryMetadata::kDeleted;
    }
    entries.push_back(std::move(e));
  }
  // writes_ keeps its keys (values moved out) for CheckConflicts.
  IMMU_ASSIGN_OR_RETURN(auto prepared, store_->Prepare(entries));
  auto result = store_->Commit(std::move(prepared), snapshot_, this);
  writes_.clear();
  return result;
}

void Transaction::Rollback() {
  done_ = true;
  writes_.clear();
  undo_.clear();
  markers_.clear();
}

void Transaction::LogUndo(std::string_view key) {
  if (markers_.empty()) return;
  Undo u;
  u.key = std::string(key);
  if (auto it = writes_.find(key); it != writes_.end()) {
    u.had_write = true;
    u.write = it->second;
  }
  if (auto it = bases_.find(key); it != bases_.end()) {
    u.had_base = true;
    u.base = it->second;
  }
  undo_.push_back(std::move(u));
}

size_t Transaction::Mark() {
  markers_.push_back(undo_.size());
  return markers_.size() - 1;
}

void Transaction::RollbackTo(size_t marker) {
  if (marker >= markers_.size()) return;
  const size_t keep = markers_[marker];
  while (undo_.size() > keep) {
    Undo& u = undo_.back();
    if (u.had_write) {
      writes_.insert_or_assign(u.key, std::move(u.write));
    } else {
      writes_.erase(u.key);
    }
    if (u.had_base) {
      bases_.insert_or_assign(u.key, u.base);
    } else {
      bases_.erase(u.key);
    }
    undo_.pop_back();
  }
  markers_.resize(marker + 1);
}

void Transaction::Release(size_t marker) {
  if (marker >= markers_.size()) return;
  markers_.resize(marker);
  if (markers_.empty()) undo_.clear();
}

}  // namespace immu
