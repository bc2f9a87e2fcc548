// immudb_state, immudb_tx, history (immudb_history, immudb_row_history) and
// the key-value space (immudb_set / _get / _scan) of immudb_functions.h.

#include "catalog/pg_error.h"
#include "sql/immudb_internal.h"
#include "storage/transaction.h"

namespace immu::sql::immudb {

namespace {

// History pages: (limit, offset) arguments; limit NULL or absent: all.
struct Page {
  uint64_t limit = 0;  // 0: unlimited (the store's convention)
  uint64_t offset = 0;
};

Page PageArgs(std::span<const Value> a, size_t first, EvalContext& ctx) {
  Page p;
  if (a.size() > first) {
    const int64_t limit = IntArg(a[first], ctx, "limit");
    if (limit < 0) throw PgError(sqlstate::kInvalidParameterValue, "LIMIT must not be negative");
    if (limit == 0) p.limit = UINT64_MAX;  // LIMIT 0: nothing, handled by the caller
    else p.limit = static_cast<uint64_t>(limit);
  }
  if (a.size() > first + 1) {
    const int64_t offset = IntArg(a[first + 1], ctx, "offset");
    if (offset < 0) throw PgError(sqlstate::kInvalidParameterValue, "OFFSET must not be negative");
    p.offset = static_cast<uint64_t>(offset);
  }
  return p;
}

// Every version of key in tx order, one page of it; no key: no versions.
std::vector<ValueVersion> Versions(Store& store, const std::string& key, const Page& p) {
  if (p.limit == UINT64_MAX) return {};
  auto h = store.History(key, p.offset, p.limit, false);
  if (!h.ok() && h.status().IsNotFound()) return {};
  ThrowIfError(h.status());
  return std::move(h).value();
}

Value TxTime(Store& store, uint64_t tx) {
  auto h = store.ReadTxHeader(tx);
  ThrowIfError(h.status());
  return TxTimestamp(h->ts);
}

Transaction& TxnOf(EvalContext& ctx) {
  if (ctx.txn == nullptr) throw PgError(sqlstate::kFeatureNotSupported, "immudb functions need a transaction");
  return *ctx.txn;
}

}  // namespace

Rows State(std::span<const Value>, EvalContext& ctx) {
  const immu::State s = StoreOf(ctx).CurrentState();
  // Commits are acknowledged only once durable, so the precommitted tx (the
  // last one sequenced and written) is the committed one: no tx is ever
  // visible before it is durable.
  return {{TextV(s.db), U64V(s.tx_id), TextV(ToHex(s.alh)), U64V(s.tx_id),
           s.signature.empty() ? Value::Null(oid::kText) : TextV(HexOf(s.signature)),
           s.public_key.empty() ? Value::Null(oid::kText) : TextV(s.public_key)}};
}

Rows Tx(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  const int64_t n = IntArg(a[0], ctx, "tx");
  if (n <= 0 || static_cast<uint64_t>(n) > store.committed_tx()) return {};
  auto h = store.ReadTxHeader(static_cast<uint64_t>(n));
  ThrowIfError(h.status());
  return {{U64V(h->id), TxTimestamp(h->ts), Value::Int(oid::kInt4, h->version), Value::Int(oid::kInt4, h->nentries),
           TextV(ToHex(h->eh)), U64V(h->bl_tx_id), TextV(ToHex(h->bl_root)), TextV(ToHex(h->prev_alh)),
           TextV(ToHex(h->Alh())), TextV(HexOf(h->metadata))}};
}

Rows History(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  Rows rows;
  for (const auto& v : Versions(store, KvKey(a[0].s), PageArgs(a, 1, ctx))) {
    CheckCancel(ctx);
    rows.push_back({TextV(a[0].s), v.md.deleted() ? Value::Null(oid::kText) : TextV(v.value), U64V(v.tx),
                    U64V(v.revision), TxTime(store, v.tx), Value::Bool(v.md.deleted())});
  }
  return rows;
}

Rows RowHistory(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  const TableDef& t = TableByName(ctx, a[0].s);
  const size_t k = KeyArity(t);
  if (a.size() - 1 < k || a.size() - 1 > k + 2) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "immudb_row_history: table \"" + t.name + "\" is addressed by " + std::to_string(k) +
                      " key value(s), got " + std::to_string(a.size() - 1),
                  "", "the optional arguments after the key are limit and offset");
  }
  const std::string key = RowKeyOf(t, a.subspan(1, k), ctx);
  Rows rows;
  for (const auto& v : Versions(store, key, PageArgs(a, 1 + k, ctx))) {
    CheckCancel(ctx);
    rows.push_back({U64V(v.tx), U64V(v.revision), TxTime(store, v.tx), Value::Bool(v.md.deleted()), TextV(HexOf(key)),
                    v.md.deleted() ? Value::Null(oid::kJson) : Value::Str(oid::kJson, RowJson(t, v.value, ctx))});
  }
  return rows;
}

Rows Set(std::span<const Value> a, EvalContext& ctx) {
  Store& store = StoreOf(ctx);
  const std::string key = KvKey(a[0].s);
  Transaction& txn = TxnOf(ctx);
  ThrowIfError(txn.Set(key, a[1].s));
  // The revision this write becomes once committed (the transaction is
  // first-committer-wins on the key, so no other write can slip in between).
  uint64_t revision = 1;
  auto last = store.History(key, 0, 1, true);
  if (last.ok() && !last->empty()) revision = (*last)[0].revision + 1;
  return {{TextV(a[0].s), U64V(revision)}};
}

Rows Get(std::span<const Value> a, EvalContext& ctx) {
  const std::string key = KvKey(a[0].s);
  Result<ValueVersion> v = Status::NotFound("");
  if (a.size() > 1) {
    const int64_t at = IntArg(a[1], ctx, "at_tx");
    if (at <= 0) throw PgError(sqlstate::kInvalidParameterValue, "at_tx must be positive");
    v = StoreOf(ctx).GetAt(key, static_cast<uint64_t>(at));
  } else {
    v = TxnOf(ctx).Get(key);
  }
  if (!v.ok() && v.status().IsNotFound()) return {};
  ThrowIfError(v.status());
  // A write of this transaction not yet committed has no tx id yet.
  return {{TextV(a[0].s), TextV(v->value), v->tx == 0 ? Value::Null(oid::kInt8) : U64V(v->tx),
           v->tx == 0 ? Value::Null(oid::kInt8) : U64V(v->revision)}};
}

Rows Scan(std::span<const Value> a, EvalContext& ctx) {
  ScanOptions o;
  o.prefix = KvKey(a[0].s);
  if (a.size() > 1) {
    const int64_t limit = IntArg(a[1], ctx, "limit");
    if (limit < 0) throw PgError(sqlstate::kInvalidParameterValue, "LIMIT must not be negative");
    if (limit == 0) return {};
    o.limit = static_cast<uint64_t>(limit);
  }
  auto vs = TxnOf(ctx).Scan(o);
  ThrowIfError(vs.status());
  Rows rows;
  for (const auto& v : *vs) {
    rows.push_back({TextV(v.key.substr(1)), TextV(v.value), v.tx == 0 ? Value::Null(oid::kInt8) : U64V(v.tx),
                    v.tx == 0 ? Value::Null(oid::kInt8) : U64V(v.revision)});
  }
  return rows;
}

}  // namespace immu::sql::immudb
