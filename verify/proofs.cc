// Verification of entry, transaction and dual proofs, and their wire format
// (docs/PROOFS.md). Every failure names the check that failed.

#include "verify/proofs.h"

#include "verify/byte_order.h"

namespace immu {
namespace {

using merkle::LeafHash;

std::string Num(uint64_t v) { return std::to_string(v); }

Status Fail(const std::string& what) { return Status::VerificationFailed(what); }

// Prefixes a failed merkle check with the proof it belongs to.
Status Context(const std::string& where, const Status& s) {
  if (s.ok()) return s;
  return Status(s.code(), where + ": " + s.message());
}

// The links every header must have regardless of the proof: bl_tx_id is
// id - 1 (the header commits to the whole history before it), and tx 1 has
// the empty tree and the zero Alh behind it.
Status CheckHeaderLinks(const TxHeader& h, const std::string& role) {
  if (h.id == 0) return Fail(role + " header: tx id 0 does not exist");
  if (h.bl_tx_id != h.id - 1) {
    return Fail(role + " header: bl_tx_id " + Num(h.bl_tx_id) + " is not id - 1 (id " +
                Num(h.id) + ")");
  }
  if (h.id == 1 && h.bl_root != merkle::EmptyRoot()) {
    return Fail(role + " header: tx 1 must have the empty tree root as bl_root");
  }
  if (h.id == 1 && h.prev_alh != kZeroHash) {
    return Fail(role + " header: tx 1 must have the zero hash as prev_alh");
  }
  return Status::Ok();
}

// ---- wire format helpers ----

void PutBytes(std::string* out, std::string_view b) {
  AppendU32Be(out, static_cast<uint32_t>(b.size()));
  out->append(b);
}

void PutHashes(std::string* out, const std::vector<Hash>& hs) {
  AppendU32Be(out, static_cast<uint32_t>(hs.size()));
  for (const Hash& h : hs) AppendHash(out, h);
}

bool GetBytes(ByteReader* r, std::string_view* out) {
  uint32_t n = 0;
  return r->ReadU32(&n) && r->ReadBytes(n, out);
}

bool GetHashes(ByteReader* r, std::vector<Hash>* out) {
  uint32_t n = 0;
  if (!r->ReadU32(&n)) return false;
  // Check the count against the bytes left before allocating anything.
  if (n > r->remaining() / sizeof(Hash)) return false;
  out->resize(n);
  for (Hash& h : *out) r->ReadHash(&h);
  return true;
}

Status GetHeader(ByteReader* r, const char* field, TxHeader* out) {
  std::string_view b;
  if (!GetBytes(r, &b)) return Status::Corruption(std::string(field) + ": truncated");
  Result<TxHeader> h = TxHeader::Decode(b);
  if (!h.ok()) return Status(h.status().code(), std::string(field) + ": " + h.status().message());
  *out = std::move(h).value();
  return Status::Ok();
}

Status Truncated(const char* what, const char* field) {
  return Status::Corruption(std::string(what) + ": " + field + ": truncated");
}

Status DecodeDualFrom(ByteReader* r, DualProof* p) {
  IMMU_RETURN_IF_ERROR(GetHeader(r, "dual proof: source", &p->source));
  IMMU_RETURN_IF_ERROR(GetHeader(r, "dual proof: target", &p->target));
  if (!GetHashes(r, &p->inclusion)) return Truncated("dual proof", "inclusion");
  if (!GetHashes(r, &p->consistency)) return Truncated("dual proof", "consistency");
  return Status::Ok();
}

}  // namespace

Status VerifyEntryProof(std::string_view key, std::string_view encoded_md,
                        std::string_view value, const EntryProof& proof, const Hash& eh) {
  const Hash digest = EntryDigest(key, encoded_md, value);
  return Context("entry proof (entry " + Num(proof.leaf) + " of " + Num(proof.width) + ")",
                 merkle::VerifyInclusion(digest, proof.leaf, proof.width, proof.terms, eh));
}

Status VerifyDualProof(const DualProof& proof, uint64_t source_tx, const Hash& source_alh,
                       uint64_t target_tx, const Hash& target_alh) {
  const TxHeader& src = proof.source;
  const TxHeader& dst = proof.target;
  if (source_tx == 0) return Fail("dual proof: source tx 0 has nothing to prove");
  if (source_tx > target_tx) {
    return Fail("dual proof: source tx " + Num(source_tx) + " is after target tx " +
                Num(target_tx));
  }
  if (src.id != source_tx) {
    return Fail("dual proof: source header is tx " + Num(src.id) + ", expected " +
                Num(source_tx));
  }
  if (dst.id != target_tx) {
    return Fail("dual proof: target header is tx " + Num(dst.id) + ", expected " +
                Num(target_tx));
  }
  IMMU_RETURN_IF_ERROR(CheckHeaderLinks(src, "dual proof: source"));
  IMMU_RETURN_IF_ERROR(CheckHeaderLinks(dst, "dual proof: target"));
  if (src.Alh() != source_alh) return Fail("dual proof: source header does not hash to its Alh");
  if (dst.Alh() != target_alh) return Fail("dual proof: target header does not hash to its Alh");
  if (source_tx == target_tx) {
    if (!(src == dst)) return Fail("dual proof: same tx but different headers");
    if (!proof.inclusion.empty() || !proof.consistency.empty()) {
      return Fail("dual proof: same tx but non-empty proofs");
    }
    return Status::Ok();
  }
  IMMU_RETURN_IF_ERROR(Context(
      "dual proof: source Alh in target tree",
      merkle::VerifyInclusion(LeafHash(source_alh), source_tx - 1, target_tx - 1,
                              proof.inclusion, dst.bl_root)));
  IMMU_RETURN_IF_ERROR(Context(
      "dual proof: source tree to target tree",
      merkle::VerifyConsistency(source_tx - 1, target_tx - 1, src.bl_root, dst.bl_root,
                                proof.consistency)));
  return Status::Ok();
}

Status VerifyEntry(const VerifiableEntry& ve, const State& trusted, State* new_state) {
  const TxHeader& tx = ve.tx;
  const TxHeader& target = ve.target;
  IMMU_RETURN_IF_ERROR(CheckHeaderLinks(tx, "entry tx"));
  IMMU_RETURN_IF_ERROR(CheckHeaderLinks(target, "target"));
  // The width must be the transaction's, or a proof for a shorter tree of
  // the same shape could pass.
  if (ve.entry_proof.width != tx.nentries) {
    return Fail("entry proof: width " + Num(ve.entry_proof.width) + " but tx " + Num(tx.id) +
                " has " + Num(tx.nentries) + " entries");
  }
  IMMU_RETURN_IF_ERROR(VerifyEntryProof(ve.key, ve.metadata, ve.value, ve.entry_proof, tx.eh));

  const Hash target_alh = target.Alh();
  if (tx.id > target.id) {
    return Fail("entry tx " + Num(tx.id) + " is after the target tx " + Num(target.id));
  }
  if (tx.id < target.id) {
    IMMU_RETURN_IF_ERROR(Context(
        "tx inclusion: tx " + Num(tx.id) + " in target tx " + Num(target.id),
        merkle::VerifyInclusion(LeafHash(tx.Alh()), tx.id - 1, target.id - 1, ve.tx_inclusion,
                                target.bl_root)));
  } else {
    if (!(tx == target)) return Fail("tx inclusion: entry tx and target share an id, not a header");
    if (!ve.tx_inclusion.empty()) return Fail("tx inclusion: expected no proof for the target tx");
  }

  if (trusted.tx_id > target.id) {
    return Fail("trusted tx " + Num(trusted.tx_id) + " is newer than the target tx " +
                Num(target.id));
  }
  if (trusted.tx_id > 0) {
    IMMU_RETURN_IF_ERROR(
        VerifyDualProof(ve.dual, trusted.tx_id, trusted.alh, target.id, target_alh));
  }
  if (new_state != nullptr) {
    State next;
    next.db = trusted.db;
    next.tx_id = target.id;
    next.alh = target_alh;
    *new_state = std::move(next);
  }
  return Status::Ok();
}

std::string EncodeDualProof(const DualProof& p) {
  std::string out;
  PutBytes(&out, p.source.Encode());
  PutBytes(&out, p.target.Encode());
  PutHashes(&out, p.inclusion);
  PutHashes(&out, p.consistency);
  return out;
}

Result<DualProof> DecodeDualProof(std::string_view bytes) {
  ByteReader r(bytes);
  DualProof p;
  IMMU_RETURN_IF_ERROR(DecodeDualFrom(&r, &p));
  if (!r.empty()) return Status::Corruption("dual proof: trailing bytes");
  return p;
}

std::string EncodeVerifiableEntry(const VerifiableEntry& ve) {
  std::string out;
  PutBytes(&out, ve.key);
  PutBytes(&out, ve.metadata);
  PutBytes(&out, ve.value);
  PutBytes(&out, ve.tx.Encode());
  AppendU64Be(&out, ve.entry_proof.leaf);
  AppendU64Be(&out, ve.entry_proof.width);
  PutHashes(&out, ve.entry_proof.terms);
  PutBytes(&out, ve.target.Encode());
  PutHashes(&out, ve.tx_inclusion);
  PutBytes(&out, EncodeDualProof(ve.dual));
  return out;
}

Result<VerifiableEntry> DecodeVerifiableEntry(std::string_view bytes) {
  constexpr const char* kWhat = "verifiable entry";
  ByteReader r(bytes);
  VerifiableEntry ve;
  std::string_view b;
  if (!GetBytes(&r, &b)) return Truncated(kWhat, "key");
  ve.key.assign(b);
  if (!GetBytes(&r, &b)) return Truncated(kWhat, "metadata");
  ve.metadata.assign(b);
  if (!GetBytes(&r, &b)) return Truncated(kWhat, "value");
  ve.value.assign(b);
  IMMU_RETURN_IF_ERROR(GetHeader(&r, "verifiable entry: tx", &ve.tx));
  if (!r.ReadU64(&ve.entry_proof.leaf)) return Truncated(kWhat, "entry proof leaf");
  if (!r.ReadU64(&ve.entry_proof.width)) return Truncated(kWhat, "entry proof width");
  if (!GetHashes(&r, &ve.entry_proof.terms)) return Truncated(kWhat, "entry proof terms");
  IMMU_RETURN_IF_ERROR(GetHeader(&r, "verifiable entry: target", &ve.target));
  if (!GetHashes(&r, &ve.tx_inclusion)) return Truncated(kWhat, "tx inclusion");
  if (!GetBytes(&r, &b)) return Truncated(kWhat, "dual proof");
  ByteReader dual(b);
  IMMU_RETURN_IF_ERROR(DecodeDualFrom(&dual, &ve.dual));
  if (!dual.empty()) return Status::Corruption("verifiable entry: dual proof: trailing bytes");
  if (!r.empty()) return Status::Corruption("verifiable entry: trailing bytes");
  return ve;
}

}  // namespace immu
