#pragma once
// Proof documents: the JSON that immudb_proof_row / immudb_proof_key /
// immudb_proof_tx return, and that immuclient (and any other client, see
// compat-tests/verify_proof.py) checks offline. docs/VERIFICATION.md
// defines every field; binary fields are lower-case hex.
//
// A document proves, against the server state it carries:
//   kind "row" / "kv": one entry (key, metadata, value) of transaction `tx`
//     (entry proof to tx.eh), tx's inclusion in the state's tree;
//   kind "tx": every entry of transaction `tx` (their tree root is tx.eh),
//     tx's inclusion in the state's tree;
//   kind "state": nothing but the state itself (its header);
// and, when since_tx > 0, that the state extends the state at since_tx (the
// dual proof), so a client holding a trusted state for since_tx learns that
// nothing before it was rewritten.
//
// Thread-safety: plain functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "verify/proofs.h"
#include "verify/state.h"
#include "verify/status.h"
#include "verify/tx_header.h"

namespace immu {

struct ProofEntry {
  std::string key;
  std::string metadata;  // EntryMetadata::Encode()
  std::string value;
  bool operator==(const ProofEntry&) const = default;
};

struct ProofDocument {
  static constexpr std::string_view kFormat = "immudb-cpp/proof/v1";

  std::string kind;   // "row", "kv", "tx" or "state"
  std::string table;  // kind "row": the table's name (informational)
  // kind "row": the decoded columns as a JSON object, informational: only
  // entry.value is proven, and a client that knows the schema decodes it.
  // Kept as its source text by ProofFromJson.
  std::string row_json;
  uint64_t revision = 0;  // row, kv: 1-based version number of the key
  uint64_t since_tx = 0;  // 0: no dual proof
  State state;            // the server's state the proof leads to (db, id, Alh, signature)
  TxHeader tx;            // the transaction holding the entry / the proven tx (not for "state")
  TxHeader target;        // the header of state.tx_id
  ProofEntry entry;       // row, kv
  EntryProof entry_proof; // row, kv
  std::vector<ProofEntry> entries;  // tx: every entry, in order
  std::vector<Hash> tx_inclusion;   // LeafHash(Alh(tx)) in tree(target.id - 1)
  std::vector<Hash> tx_consistency; // tx: tree(tx.id - 1) -> tree(target.id - 1)
  DualProof dual;                   // since_tx > 0: since_tx -> target

  bool operator==(const ProofDocument&) const = default;
};

std::string ProofToJson(const ProofDocument& doc);
// Parses and checks the shape (every field present with its type, hashes of
// 32 bytes); does not verify. Unknown members are ignored.
Result<ProofDocument> ProofFromJson(std::string_view json);

// Verifies every proof of doc against the trusted state (trusted.tx_id == 0:
// first use, nothing to be consistent with). When pinned_public_key is not
// empty the state must carry a valid signature by that key. On success
// *next is the state to trust from now on (doc.state, with its signature).
Status VerifyProofDocument(const ProofDocument& doc, const State& trusted,
                           std::string_view pinned_public_key, State* next);

}  // namespace immu
