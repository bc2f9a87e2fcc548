// Store: reads and proofs. Nothing here takes the commit locks; every read
// works at a snapshot no newer than the published committed tx.

#include <algorithm>
#include <cstring>

#include "storage/log_format.h"
#include "storage/store.h"
#include "verify/merkle.h"

namespace immu {

namespace {
std::string TxName(uint64_t id) { return "tx " + std::to_string(id); }
}  // namespace

Result<std::string> Store::ReadEntryBytes(const IndexVersion& v) const {
  std::string buf(v.len, '\0');
  std::string_view got;
  IMMU_RETURN_IF_ERROR(log_->Read(v.pos, v.len, &got, buf.data()));
  if (got.data() != buf.data()) memcpy(buf.data(), got.data(), v.len);
  return buf;
}

Result<ValueVersion> Store::ReadVersion(std::string_view key, const IndexVersion& v,
                                        uint64_t revision) const {
  auto bytes = ReadEntryBytes(v);
  if (!bytes.ok()) return Status(bytes.status().code(), TxName(v.tx) + ": " + bytes.status().message());
  logfmt::EntryView e;
  size_t used;
  Status s = logfmt::ParseEntry(*bytes, &e, &used);
  if (s.ok() && e.key != key) s = Status::Corruption("entry key does not match the index");
  EntryMetadata md;
  if (s.ok()) {
    auto m = EntryMetadata::Decode(e.md);
    if (m.ok()) {
      md = *m;
    } else {
      s = Status::Corruption("entry metadata: " + m.status().message());
    }
  }
  if (!s.ok()) return Status::Corruption(TxName(v.tx) + ": " + s.message());
  ValueVersion out;
  out.key = std::string(key);
  out.value = std::string(e.value);
  out.md = md;
  out.tx = v.tx;
  out.revision = revision;
  return out;
}

Result<ValueVersion> Store::Get(std::string_view key) const { return GetAt(key, committed_tx()); }

uint64_t Store::LatestTx(std::string_view key) const { return index_->LatestTx(key); }

Result<ValueVersion> Store::GetAt(std::string_view key, uint64_t tx) const {
  IMMU_RETURN_IF_ERROR(ValidateKey(key));
  const uint64_t snap = std::min(tx, committed_tx());
  IndexVersion v;
  uint64_t rev;
  if (!index_->Get(key, snap, &v, &rev) || v.deleted()) return Status::NotFound("key not found");
  return ReadVersion(key, v, rev);
}

Result<std::vector<ValueVersion>> Store::History(std::string_view key, uint64_t offset,
                                                 uint64_t limit, bool desc) const {
  IMMU_RETURN_IF_ERROR(ValidateKey(key));
  auto versions = index_->History(key, committed_tx(), offset, limit, desc);
  if (versions.empty() && index_->VersionCount(key, committed_tx()) == 0) {
    return Status::NotFound("key not found");
  }
  std::vector<ValueVersion> out;
  out.reserve(versions.size());
  for (const auto& rv : versions) {
    IMMU_ASSIGN_OR_RETURN(auto v, ReadVersion(key, rv.version, rv.revision));
    out.push_back(std::move(v));
  }
  return out;
}

Result<std::vector<ValueVersion>> Store::Scan(const ScanOptions& o) const {
  const uint64_t snap = o.snapshot == 0 ? committed_tx() : std::min(o.snapshot, committed_tx());
  std::vector<ValueVersion> out;
  KeyIndex::Iterator it(index_.get());
  it.Seek(std::max(o.start, o.prefix));
  for (; it.Valid(); it.Next()) {
    const std::string_view k = it.key();
    if (k.substr(0, o.prefix.size()) != o.prefix) break;
    if (!o.end.empty() && k >= std::string_view(o.end)) break;
    IndexVersion v;
    uint64_t rev;
    if (!it.VersionAt(snap, &v, &rev)) continue;
    if (v.deleted() && !o.include_deleted) continue;
    IMMU_ASSIGN_OR_RETURN(auto vv, ReadVersion(k, v, rev));
    out.push_back(std::move(vv));
    if (o.limit > 0 && out.size() >= o.limit) break;
  }
  return out;
}

Result<TxHeader> Store::ReadTxHeader(uint64_t id) const {
  if (id == 0 || id > committed_tx()) return Status::NotFound(TxName(id) + " does not exist");
  IMMU_ASSIGN_OR_RETURN(uint64_t pos, tree_->RecordPos(id));
  auto rec = log_->ReadRecordHead(pos);
  if (!rec.ok()) return Status::Corruption(TxName(id) + ": " + rec.status().message());
  logfmt::RecordView view;
  Status s = logfmt::ParseRecordHead(*rec, &view);
  if (s.ok() && view.header.id != id) s = Status::Corruption("record holds another tx");
  if (!s.ok()) return Status::Corruption(TxName(id) + ": " + s.message());
  return view.header;
}

Result<TxEntries> Store::ReadTx(uint64_t id) const {
  if (id == 0 || id > committed_tx()) return Status::NotFound(TxName(id) + " does not exist");
  IMMU_ASSIGN_OR_RETURN(uint64_t pos, tree_->RecordPos(id));
  auto rec = log_->ReadRecord(pos);
  if (!rec.ok()) return Status::Corruption(TxName(id) + ": " + rec.status().message());
  logfmt::RecordView view;
  Status s = logfmt::ParseRecord(*rec, &view);
  if (s.ok() && view.header.id != id) s = Status::Corruption("record holds another tx");
  TxEntries out;
  out.header = view.header;
  std::string_view rest = view.entries;
  for (uint32_t i = 0; s.ok() && i < view.header.nentries; i++) {
    logfmt::EntryView e;
    size_t used;
    s = logfmt::ParseEntry(rest, &e, &used);
    if (!s.ok()) break;
    auto md = EntryMetadata::Decode(e.md);
    if (!md.ok()) {
      s = Status::Corruption("entry metadata");
      break;
    }
    out.entries.push_back(Entry{std::string(e.key), *md, std::string(e.value)});
    rest.remove_prefix(used);
  }
  if (s.ok() && !rest.empty()) s = Status::Corruption("bytes after the last entry");
  if (!s.ok()) return Status::Corruption(TxName(id) + ": " + s.message());
  return out;
}

Result<DualProof> Store::ProveDual(uint64_t source_tx, uint64_t target_tx) const {
  if (source_tx == 0 || source_tx > target_tx) {
    return Status::InvalidArgument("dual proof needs 0 < source <= target");
  }
  DualProof p;
  IMMU_ASSIGN_OR_RETURN(p.source, ReadTxHeader(source_tx));
  const TxHeader committed = CommittedHeader();
  if (committed.id == target_tx) {
    p.target = committed;  // the usual case: proving up to the current state
  } else {
    IMMU_ASSIGN_OR_RETURN(p.target, ReadTxHeader(target_tx));
  }
  if (source_tx < target_tx) {
    IMMU_ASSIGN_OR_RETURN(p.inclusion, merkle::InclusionProof(*tree_, source_tx - 1, target_tx - 1));
    if (source_tx > 1) {
      IMMU_ASSIGN_OR_RETURN(p.consistency,
                            merkle::ConsistencyProof(*tree_, source_tx - 1, target_tx - 1));
    }
  }
  return p;
}

// Entries-tree subtrees for a proof of one entry: inside the entry's hint run
// from the run's recomputed leaves, above it from the run roots.
class Store::EntryTreeSource : public merkle::SubtreeSource {
 public:
  EntryTreeSource(uint64_t n, uint64_t run_begin, std::vector<Hash> run_leaves, const merkle::TreeLevels& run_roots)
      : n_(n), run_begin_(run_begin), run_(std::move(run_leaves)), roots_(run_roots) {}
  uint64_t size() const override { return n_; }
  Result<Hash> Subtree(uint64_t begin, uint64_t end) const override {
    constexpr uint64_t kRun = logfmt::kHintChunk;
    if (begin >= run_begin_ && end <= run_begin_ + run_.size()) {
      return run_.Subtree(begin - run_begin_, end - run_begin_);
    }
    if (begin % kRun == 0 && (end % kRun == 0 || end == n_)) {
      return roots_.Subtree(begin / kRun, (end + kRun - 1) / kRun);
    }
    return Status::InvalidArgument("entries subtree outside the loaded run");
  }

 private:
  uint64_t n_, run_begin_;
  merkle::TreeLevels run_;
  const merkle::TreeLevels& roots_;
};

struct Store::ProofHead {
  uint64_t tx = 0;
  TxHeader header;
  uint64_t entries_pos = 0;  // global log position of the entries part
  uint64_t entries_len = 0;
  std::vector<uint32_t> offsets;  // hint run offsets; empty: no hints
  merkle::TreeLevels roots{{}};   // over the hint run roots; Root() == header.eh
  size_t bytes() const { return sizeof(*this) + offsets.size() * 4 + 2 * offsets.size() * sizeof(Hash); }
};

namespace {
constexpr size_t kProofCacheBytes = 32 << 20;
}  // namespace

Result<std::shared_ptr<const Store::ProofHead>> Store::LoadProofHead(uint64_t tx, uint64_t rec_pos) const {
  {
    std::lock_guard lock(proof_cache_mu_);
    for (auto it = proof_cache_.begin(); it != proof_cache_.end(); ++it) {
      if ((*it)->tx != tx) continue;
      proof_cache_.splice(proof_cache_.begin(), proof_cache_, it);
      return proof_cache_.front();
    }
  }
  auto head = log_->ReadRecordHead(rec_pos);
  if (!head.ok()) return Status::Corruption(TxName(tx) + ": " + head.status().message());
  logfmt::RecordView view;
  Status s = logfmt::ParseRecordHead(*head, &view);
  if (s.ok() && view.header.id != tx) s = Status::Corruption("record holds another tx");
  logfmt::Hints hints;
  if (s.ok()) s = logfmt::ParseHints(view.hints, view.header.nentries, view.entries_len, &hints);
  if (!s.ok()) return Status::Corruption(TxName(tx) + ": " + s.message());
  auto ph = std::make_shared<ProofHead>();
  ph->tx = tx;
  ph->header = view.header;
  ph->entries_pos = rec_pos + view.entries_offset;
  ph->entries_len = view.entries_len;
  if (hints.offsets.empty()) return std::shared_ptr<const ProofHead>(std::move(ph));
  ph->offsets = std::move(hints.offsets);
  ph->roots = merkle::TreeLevels(std::move(hints.roots));
  // Hints are derived data: trusted only once they hash to Eh.
  if (ph->roots.Root() != view.header.eh) return Status::Corruption(TxName(tx) + ": entries do not match Eh");
  std::lock_guard lock(proof_cache_mu_);
  proof_cache_.push_front(ph);
  proof_cache_bytes_ += ph->bytes();
  while (proof_cache_bytes_ > kProofCacheBytes && proof_cache_.size() > 1) {
    proof_cache_bytes_ -= proof_cache_.back()->bytes();
    proof_cache_.pop_back();
  }
  return std::shared_ptr<const ProofHead>(std::move(ph));
}

// Fills ve's entry, its tx header and its proof inside the tx, reading the
// record head (or its cached copy) and the entry's hint run (at most
// kHintChunk entries), whose leaves are always recomputed from the log.
Status Store::ProveEntry(std::string_view key, const IndexVersion& v, VerifiableEntry* ve) const {
  IMMU_ASSIGN_OR_RETURN(const uint64_t rec_pos, tree_->RecordPos(v.tx));
  IMMU_ASSIGN_OR_RETURN(std::shared_ptr<const ProofHead> head, LoadProofHead(v.tx, rec_pos));
  const uint64_t entries_pos = head->entries_pos;
  if (v.pos < entries_pos || v.pos - entries_pos >= head->entries_len) {
    return Status::Corruption(TxName(v.tx) + ": indexed entry outside its record");
  }
  const uint64_t rel = v.pos - entries_pos;
  const uint32_t n = head->header.nentries;
  // The run holding the entry: [run * kHintChunk, ...) at [run_off, run_end).
  size_t run = 0;
  uint64_t run_off = 0, run_end = head->entries_len;
  const auto& offsets = head->offsets;
  if (!offsets.empty()) {
    run = std::upper_bound(offsets.begin(), offsets.end(), rel) - offsets.begin() - 1;
    run_off = offsets[run];
    if (run + 1 < offsets.size()) run_end = offsets[run + 1];
  }
  const uint64_t run_begin = uint64_t{run} * logfmt::kHintChunk;
  const uint64_t run_len = std::min<uint64_t>(logfmt::kHintChunk, n - run_begin);
  std::string bytes(run_end - run_off, '\0');
  std::string_view got;
  IMMU_RETURN_IF_ERROR(log_->Read(entries_pos + run_off, bytes.size(), &got, bytes.data()));
  std::vector<Hash> leaves;
  leaves.reserve(run_len);
  int64_t index = -1;
  uint64_t off = run_off;
  for (uint64_t i = 0; i < run_len; i++) {
    logfmt::EntryView e;
    size_t used;
    Status s = logfmt::ParseEntry(got, &e, &used);
    if (!s.ok()) return Status::Corruption(TxName(v.tx) + ": " + s.message());
    leaves.push_back(EntryDigest(e.key, e.md, e.value));
    if (off == rel) {
      if (e.key != key) return Status::Corruption(TxName(v.tx) + ": entry key does not match the index");
      index = static_cast<int64_t>(run_begin + i);
      ve->key = e.key;
      ve->metadata = e.md;
      ve->value = e.value;
    }
    got.remove_prefix(used);
    off += used;
  }
  if (index < 0 || !got.empty()) return Status::Corruption(TxName(v.tx) + ": entry run does not parse");
  const Hash run_root = merkle::RootOfLeafHashes(leaves);
  merkle::TreeLevels single({});
  const merkle::TreeLevels* roots = &head->roots;
  if (offsets.empty()) {
    // No hints: the run is the whole transaction.
    if (run_root != head->header.eh) return Status::Corruption(TxName(v.tx) + ": entries do not match Eh");
    single = merkle::TreeLevels({run_root});
    roots = &single;
  } else if (roots->Subtree(run, run + 1).value() != run_root) {
    // The hint roots hash to Eh (checked when loaded): these entries are not
    // the ones the transaction committed.
    return Status::Corruption(TxName(v.tx) + ": entries do not match Eh");
  }
  EntryTreeSource src(n, run_begin, std::move(leaves), *roots);
  ve->tx = head->header;
  ve->entry_proof.leaf = static_cast<uint64_t>(index);
  ve->entry_proof.width = n;
  IMMU_ASSIGN_OR_RETURN(ve->entry_proof.terms, merkle::InclusionProof(src, ve->entry_proof.leaf, n));
  return Status::Ok();
}

Result<VerifiableEntry> Store::VerifiableGet(std::string_view key, uint64_t trusted_tx,
                                             uint64_t at_tx) const {
  IMMU_RETURN_IF_ERROR(ValidateKey(key));
  const TxHeader target = CommittedHeader();
  if (trusted_tx > target.id) {
    return Status::InvalidArgument("trusted tx " + std::to_string(trusted_tx) +
                                   " is newer than the server's state (tx " +
                                   std::to_string(target.id) + ")");
  }
  const uint64_t snap = at_tx == 0 ? target.id : std::min(at_tx, target.id);
  IndexVersion v;
  if (!index_->Get(key, snap, &v) || v.deleted()) return Status::NotFound("key not found");

  VerifiableEntry ve;
  IMMU_RETURN_IF_ERROR(ProveEntry(key, v, &ve));
  ve.target = target;
  if (ve.tx.id < target.id) {
    IMMU_ASSIGN_OR_RETURN(ve.tx_inclusion, merkle::InclusionProof(*tree_, ve.tx.id - 1, target.id - 1));
  }
  State trusted;
  trusted.db = options_.db_name;
  if (trusted_tx > 0) {
    IMMU_ASSIGN_OR_RETURN(ve.dual, ProveDual(trusted_tx, target.id));
    trusted.tx_id = trusted_tx;
    trusted.alh = ve.dual.source.Alh();
  }
  // Never hand out a proof that does not verify: that would be corruption
  // of our own files (tree or log), reported as such.
  State checked;
  Status s = VerifyEntry(ve, trusted, &checked);
  if (!s.ok()) return Status::Corruption("proof for " + TxName(ve.tx.id) + " fails: " + s.message());
  return ve;
}

Result<VerifiableEntry> Store::VerifiableSet(std::string_view key, std::string_view value,
                                             uint64_t trusted_tx) {
  IMMU_ASSIGN_OR_RETURN(TxHeader h, Set(key, value));
  return VerifiableGet(key, trusted_tx, h.id);
}

Status Store::VerifyTx(uint64_t id) const {
  const TxHeader target = CommittedHeader();
  if (id == 0 || id > target.id) return Status::NotFound(TxName(id) + " does not exist");
  IMMU_ASSIGN_OR_RETURN(TxEntries tx, ReadTx(id));
  std::vector<Hash> digests;
  for (const auto& e : tx.entries) digests.push_back(EntryDigest(e.key, e.md.Encode(), e.value));
  if (merkle::RootOfLeafHashes(digests) != tx.header.eh) {
    return Status::Corruption(TxName(id) + ": entries do not match Eh");
  }
  const Hash alh = tx.header.Alh();
  if (id == target.id) {
    if (alh != target.Alh()) return Status::Corruption(TxName(id) + ": Alh differs from state");
    return Status::Ok();
  }
  IMMU_ASSIGN_OR_RETURN(auto proof, merkle::InclusionProof(*tree_, id - 1, target.id - 1));
  Status s = merkle::VerifyInclusion(merkle::LeafHash(alh), id - 1, target.id - 1, proof,
                                     target.bl_root);
  if (!s.ok()) return Status::Corruption(TxName(id) + ": not included in the state: " + s.message());
  if (id > 1) {
    IMMU_ASSIGN_OR_RETURN(TxHeader prev, ReadTxHeader(id - 1));
    if (prev.Alh() != tx.header.prev_alh) {
      return Status::Corruption(TxName(id) + ": prev_alh does not match tx " + std::to_string(id - 1));
    }
  }
  return Status::Ok();
}

}  // namespace immu
