// Server-side verification (immudb_verify_row / _key / _tx) and the proof
// documents (immudb_proof_row / _key / _tx) of immudb_functions.h.
//
// Verification never trusts a cached verdict: every call re-reads the
// stored bytes, recomputes the entry digests and the transaction's Eh from
// them, and checks the Merkle proofs up to the current state with verify/.

#include <optional>

#include "catalog/pg_error.h"
#include "sql/immudb_internal.h"
#include "sql/query_internal.h"
#include "sql/row_codec.h"
#include "verify/merkle.h"
#include "verify/proof_json.h"

namespace immu::sql::immudb {

namespace {

// Proof documents list every entry of a transaction; beyond this many the
// document would be tens of megabytes: verify such transactions on the
// server (immudb_verify_tx) instead.
constexpr uint32_t kMaxProofEntries = 100000;

Value OptInt8(const std::optional<uint64_t>& x) { return x ? U64V(*x) : Value::Null(oid::kInt8); }
Value Reason(const std::string& r) { return r.empty() ? Value::Null(oid::kText) : TextV(r); }

struct KeyCheck {
  bool verified = false;
  std::optional<uint64_t> tx, revision;
  std::string reason;  // empty when verified
};

// Verifies the latest live version of key against the current state. t:
// the key is a row of t (its bytes must also decode as one).
KeyCheck CheckKey(Store& store, const std::string& key, const TableDef* t) {
  KeyCheck out;
  auto ve = store.VerifiableGet(key, 0);
  if (!ve.ok()) {
    if (ve.status().IsNotFound()) {
      auto last = store.History(key, 0, 1, true);
      if (last.ok() && !last->empty()) {
        out.tx = (*last)[0].tx;
        out.revision = (*last)[0].revision;
        out.reason = "deleted at tx " + std::to_string((*last)[0].tx) + ": no live version to verify";
      } else {
        out.reason = "not found: the key was never written";
      }
      return out;
    }
    // The store refuses to hand out a proof that does not verify: the
    // message says which check failed (bad checksum, entries not matching
    // Eh, a broken tree ...). Name the version that fails when an ordinary
    // read still returns it.
    out.reason = ve.status().ToString();
    if (auto read = store.Get(key); read.ok()) {
      out.tx = read->tx;
      out.revision = read->revision;
    }
    return out;
  }
  out.tx = ve->tx.id;
  // Check again here, independently of the store's own check, with the
  // state the proof leads to.
  immu::State first_use;
  first_use.db = store.options().db_name;
  immu::State next;
  Status s = VerifyEntry(*ve, first_use, &next);
  if (!s.ok()) {
    out.reason = s.ToString();
    return out;
  }
  // The version an ordinary read returns must be the proven one.
  auto read = store.GetAt(key, ve->tx.id);
  if (!read.ok()) {
    out.reason = "read of the proven version fails: " + read.status().ToString();
    return out;
  }
  out.revision = read->revision;
  if (read->tx != ve->tx.id || read->value != ve->value) {
    out.reason = "an ordinary read returns other bytes than the proven entry of tx " + std::to_string(ve->tx.id);
    return out;
  }
  if (t != nullptr) {
    try {
      std::vector<Value> vals;
      DecodeRow(ve->value, ColumnTypes(*t), &vals);
    } catch (const PgError& e) {
      out.reason = "the proven bytes do not decode as a row of \"" + t->name + "\": " + e.message();
      return out;
    }
  }
  out.verified = true;
  return out;
}

// Splits immudb_*_row(table, key values..., [since_tx]) arguments.
struct RowArgs {
  const TableDef* table;
  std::string key;
  uint64_t since = 0;
};

RowArgs ParseRowArgs(std::span<const Value> a, EvalContext& ctx, bool allow_since, const char* fn) {
  RowArgs r;
  r.table = &TableByName(ctx, a[0].s);
  const size_t k = KeyArity(*r.table);
  const size_t given = a.size() - 1;
  if (given != k && !(allow_since && given == k + 1)) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  std::string(fn) + ": table \"" + r.table->name + "\" is addressed by " + std::to_string(k) +
                      " key value(s), got " + std::to_string(given),
                  allow_since ? "the optional last argument is since_tx" : "");
  }
  if (given == k + 1) {
    const int64_t since = IntArg(a.back(), ctx, "since_tx");
    if (since < 0) throw PgError(sqlstate::kInvalidParameterValue, "since_tx must not be negative");
    r.since = static_cast<uint64_t>(since);
  }
  r.key = RowKeyOf(*r.table, a.subspan(1, k), ctx);
  return r;
}

uint64_t SinceArg(std::span<const Value> a, size_t i, EvalContext& ctx) {
  if (a.size() <= i) return 0;
  const int64_t since = IntArg(a[i], ctx, "since_tx");
  if (since < 0) throw PgError(sqlstate::kInvalidParameterValue, "since_tx must not be negative");
  return static_cast<uint64_t>(since);
}

// Entry proof document for key, or no row when the key has no live version.
// t: the key is a row of t, whose columns the document shows.
Rows EntryProof(Store& store, const std::string& key, uint64_t since, const TableDef* t, EvalContext& ctx,
                ProofDocument doc) {
  auto ve = store.VerifiableGet(key, since);
  if (!ve.ok() && ve.status().IsNotFound()) return {};
  ThrowIfError(ve.status());
  if (t != nullptr) doc.row_json = RowJson(*t, ve->value, ctx);
  auto read = store.GetAt(key, ve->tx.id);
  ThrowIfError(read.status());
  doc.revision = read->revision;
  doc.since_tx = since;
  doc.state = store.StateOf(ve->target);
  doc.tx = ve->tx;
  doc.target = ve->target;
  doc.entry = ProofEntry{ve->key, ve->metadata, ve->value};
  doc.entry_proof = ve->entry_proof;
  doc.tx_inclusion = ve->tx_inclusion;
  if (since > 0) doc.dual = ve->dual;
  return {{Value::Str(oid::kJson, ProofToJson(doc))}};
}

// The current state and its tx id, checking that tx n is part of it.
immu::State StateWith(Store& store, uint64_t n) {
  immu::State state = store.CurrentState();
  if (n == 0 || n > state.tx_id) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "transaction " + std::to_string(n) + " does not exist (the state is at tx " +
                      std::to_string(state.tx_id) + ")");
  }
  return state;
}

}  // namespace

Rows VerifyRow(std::span<const Value> a, EvalContext& ctx) {
  const RowArgs r = ParseRowArgs(a, ctx, false, "immudb_verify_row");
  const KeyCheck c = CheckKey(StoreOf(ctx), r.key, r.table);
  return {{Value::Bool(c.verified), TextV(r.table->name), OptInt8(c.tx), OptInt8(c.revision), TextV(HexOf(r.key)),
           Reason(c.reason)}};
}

Rows VerifyKey(std::span<const Value> a, EvalContext& ctx) {
  const std::string key = KvKey(a[0].s);
  const KeyCheck c = CheckKey(StoreOf(ctx), key, nullptr);
  return {{Value::Bool(c.verified), TextV(a[0].s), OptInt8(c.tx), OptInt8(c.revision), TextV(HexOf(key)),
           Reason(c.reason)}};
}

Rows VerifyTx(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  const uint64_t n = static_cast<uint64_t>(std::max<int64_t>(0, IntArg(a[0], ctx, "tx")));
  const immu::State state = StateWith(store, n);
  Value nentries = Value::Null(oid::kInt4), hash = Value::Null(oid::kText);
  auto fail = [&](const std::string& why) {
    return Rows{{Value::Bool(false), U64V(n), nentries, hash, U64V(state.tx_id), TextV(why)}};
  };
  auto tx = store.ReadTx(n);
  if (!tx.ok()) return fail(tx.status().ToString());
  nentries = Value::Int(oid::kInt4, tx->header.nentries);
  hash = TextV(ToHex(tx->header.Alh()));
  // Eh from the stored entries.
  std::vector<Hash> digests;
  digests.reserve(tx->entries.size());
  for (const auto& e : tx->entries) digests.push_back(EntryDigest(e.key, e.md.Encode(), e.value));
  if (digests.size() != tx->header.nentries) return fail("the record holds another number of entries than its header");
  if (merkle::RootOfLeafHashes(digests) != tx->header.eh) {
    return fail("tx " + std::to_string(n) + ": the stored entries do not hash to the header's Eh");
  }
  // The header's Alh is in the current state's tree (and the state's
  // history extends it).
  auto dual = store.ProveDual(n, state.tx_id);
  if (!dual.ok()) return fail(dual.status().ToString());
  if (!(dual->source == tx->header)) return fail("the record and the tree disagree on tx " + std::to_string(n) + "'s header");
  Status s = VerifyDualProof(*dual, n, tx->header.Alh(), state.tx_id, state.alh);
  if (!s.ok()) return fail(s.ToString());
  return {{Value::Bool(true), U64V(n), nentries, hash, U64V(state.tx_id), Value::Null(oid::kText)}};
}

Rows ProofRow(std::span<const Value> a, EvalContext& ctx) {
  const RowArgs r = ParseRowArgs(a, ctx, true, "immudb_proof_row");
  Store& store = StoreOf(ctx);
  ProofDocument doc;
  doc.kind = "row";
  doc.table = r.table->name;
  return EntryProof(store, r.key, r.since, r.table, ctx, doc);
}

Rows ProofKey(std::span<const Value> a, EvalContext& ctx) {
  ProofDocument doc;
  doc.kind = "kv";
  return EntryProof(StoreOf(ctx), KvKey(a[0].s), SinceArg(a, 1, ctx), nullptr, ctx, doc);
}

Rows ProofTx(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  const uint64_t n = static_cast<uint64_t>(std::max<int64_t>(0, IntArg(a[0], ctx, "tx")));
  const uint64_t since = SinceArg(a, 1, ctx);
  const immu::State state = StateWith(store, n);
  if (since > state.tx_id) {
    throw PgError(sqlstate::kInvalidParameterValue, "since_tx " + std::to_string(since) +
                                                        " is newer than the state (tx " + std::to_string(state.tx_id) + ")");
  }
  auto tx = store.ReadTx(n);
  ThrowIfError(tx.status());
  if (tx->header.nentries > kMaxProofEntries) {
    throw PgError(sqlstate::kProgramLimitExceeded,
                  "transaction " + std::to_string(n) + " has " + std::to_string(tx->header.nentries) +
                      " entries, more than a proof document lists (" + std::to_string(kMaxProofEntries) + ")",
                  "", "verify it on the server with immudb_verify_tx, or prove single rows with immudb_proof_row");
  }
  auto txdual = store.ProveDual(n, state.tx_id);
  ThrowIfError(txdual.status());
  ProofDocument doc;
  doc.kind = "tx";
  doc.since_tx = since;
  doc.tx = tx->header;
  doc.target = txdual->target;
  doc.state = store.StateOf(txdual->target);
  for (auto& e : tx->entries) doc.entries.push_back(ProofEntry{std::move(e.key), e.md.Encode(), std::move(e.value)});
  doc.tx_inclusion = std::move(txdual->inclusion);
  doc.tx_consistency = std::move(txdual->consistency);
  if (since > 0) {
    auto dual = store.ProveDual(since, state.tx_id);
    ThrowIfError(dual.status());
    doc.dual = std::move(dual).value();
  }
  return {{Value::Str(oid::kJson, ProofToJson(doc))}};
}

Rows ProofState(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  const uint64_t since = SinceArg(a, 0, ctx);
  ProofDocument doc;
  doc.kind = "state";
  doc.since_tx = since;
  doc.state = store.CurrentState();
  if (doc.state.tx_id == 0) throw PgError(sqlstate::kObjectNotInPrerequisiteState, "the database has no transaction yet");
  if (since > doc.state.tx_id) {
    throw PgError(sqlstate::kInvalidParameterValue, "since_tx " + std::to_string(since) +
                                                        " is newer than the state (tx " +
                                                        std::to_string(doc.state.tx_id) + ")");
  }
  auto target = store.ReadTxHeader(doc.state.tx_id);
  ThrowIfError(target.status());
  doc.target = std::move(target).value();
  if (since > 0) {
    auto dual = store.ProveDual(since, doc.target.id);
    ThrowIfError(dual.status());
    doc.dual = std::move(dual).value();
  }
  return {{Value::Str(oid::kJson, ProofToJson(doc))}};
}

}  // namespace immu::sql::immudb
