#pragma once
// Proofs a server hands out and a client checks with verify/ alone.
//
// Entry proof: entry digest -> Eh of its transaction (RFC 9162 inclusion in
// the entries tree of width nentries).
//
// Dual proof between a trusted state A and a newer state B (A.id <= B.id):
//   - source header hashes to Alh(A), target header hashes to Alh(B);
//   - if A.id < B.id: LeafHash(Alh(A)) is leaf A.id-1 of the global tree of
//     size B.id-1 whose root is target.bl_root (inclusion proof), and the
//     tree of size A.id-1 (source.bl_root) is a prefix of it (consistency).
// Together: B's history extends A's without rewriting anything.
//
// All Verify* functions return Status (ok or why not); they never throw.

#include <cstdint>
#include <string>
#include <vector>

#include "verify/entry.h"
#include "verify/hash.h"
#include "verify/merkle.h"
#include "verify/state.h"
#include "verify/status.h"
#include "verify/tx_header.h"

namespace immu {

struct EntryProof {
  uint64_t leaf = 0;   // entry index inside the transaction
  uint64_t width = 0;  // nentries
  std::vector<Hash> terms;
  bool operator==(const EntryProof&) const = default;
};

struct DualProof {
  TxHeader source;
  TxHeader target;
  std::vector<Hash> inclusion;    // Alh(source) in tree(target.id - 1); empty if same tx
  std::vector<Hash> consistency;  // tree(source.id - 1) -> tree(target.id - 1)
  bool operator==(const DualProof&) const = default;
};

// Everything a client needs to accept one entry read against a trusted state.
struct VerifiableEntry {
  std::string key;
  std::string metadata;  // EntryMetadata::Encode()
  std::string value;
  TxHeader tx;            // the transaction that wrote the entry
  EntryProof entry_proof;  // entry digest -> tx.eh
  TxHeader target;        // the server's current state at answer time
  std::vector<Hash> tx_inclusion;  // Alh(tx) in tree(target.id-1); empty when tx.id == target.id
  DualProof dual;         // trusted -> target; ignored when the trusted tx id is 0
};

Status VerifyEntryProof(std::string_view key, std::string_view encoded_md,
                        std::string_view value, const EntryProof& proof, const Hash& eh);

Status VerifyDualProof(const DualProof& proof, uint64_t source_tx, const Hash& source_alh,
                       uint64_t target_tx, const Hash& target_alh);

// Checks ve against the trusted state (tx_id 0 means "trust on first use").
// On success *new_state becomes the target state (db copied from trusted).
Status VerifyEntry(const VerifiableEntry& ve, const State& trusted, State* new_state);

// Serialization of proofs for the wire and immuclient (docs/PROOFS.md).
std::string EncodeDualProof(const DualProof& p);
Result<DualProof> DecodeDualProof(std::string_view bytes);
std::string EncodeVerifiableEntry(const VerifiableEntry& ve);
Result<VerifiableEntry> DecodeVerifiableEntry(std::string_view bytes);

}  // namespace immu
