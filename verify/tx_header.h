#pragma once
// The transaction header and the accumulated hash chain (Alh).
//
//   inner(n) = SHA-256( u64be(ts) || u32be(version) || u32be(nentries) || Eh
//                      || u64be(bl_tx_id) || bl_root
//                      || u32be(len md) || md )
//   Alh(n)   = SHA-256( u64be(n) || Alh(n-1) || inner(n) ),  Alh(0) = 32 zero bytes
//
// Eh is the RFC 6962 root of the transaction's entry digests in entry order.
// The global tree is the RFC 6962 tree whose leaf i (0-based) is
// LeafHash(Alh(i+1)); bl_root is its root at size bl_tx_id, and bl_tx_id is
// always n-1: the tree over every earlier transaction is committed together
// with transaction n, so no header can point at a stale, shorter tree
// (immudb's "linear proof" weakness).

#include <cstdint>
#include <string>
#include <string_view>

#include "verify/hash.h"
#include "verify/status.h"

namespace immu {

struct TxHeader {
  static constexpr uint32_t kVersion = 1;

  uint64_t id = 0;
  int64_t ts = 0;  // commit time, microseconds since the Unix epoch (UTC)
  uint32_t version = kVersion;
  uint32_t nentries = 0;
  Hash eh{};        // root of the entries tree
  uint64_t bl_tx_id = 0;  // == id - 1
  Hash bl_root{};   // global tree root at size bl_tx_id (EmptyRoot() when 0)
  Hash prev_alh{};  // Alh(id - 1); kZeroHash for tx 1
  std::string metadata;

  Hash InnerHash() const;
  Hash Alh() const;  // uses prev_alh

  // Fixed-layout serialization used in proofs and on the wire (docs/PROOFS.md).
  std::string Encode() const;
  static Result<TxHeader> Decode(std::string_view bytes);

  bool operator==(const TxHeader&) const = default;
};

}  // namespace immu
