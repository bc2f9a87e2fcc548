// Time travel over tables. A table's logical history is read from the
// store: its definition's versions (0x01 't' oid) say which storage id held
// its rows when (TRUNCATE and rewrites move them to a fresh id), and every
// row key under each storage id keeps all its versions. Rows are matched
// across storage ids by their key after the table prefix (the primary key
// or hidden row id); moving to a new storage id ends every row still live
// under the old one (a synthetic delete at that tx), unless the same key is
// written under the new id in that tx (a rewrite: the row lives on).

#include <algorithm>
#include <map>
#include <unordered_map>

#include "catalog/pg_error.h"
#include "sql/query_history.h"
#include "sql/row_codec.h"
#include "sql/system_tables.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

// PostgreSQL epoch (2000-01-01) minus the Unix epoch, in microseconds:
// tx headers carry Unix microseconds.
constexpr int64_t kPgEpochUnixMicros = 946684800LL * 1000000;

// The largest tx id <= snap whose timestamp is < t (strict) or <= t; 0 when
// none. Tx timestamps never decrease (the sequencer assigns max(now, last)),
// though consecutive txs may share one, so a binary search is exact.
uint64_t LastTxBefore(Store* store, int64_t unix_us, bool strict, uint64_t snap) {
  uint64_t lo = 0, hi = snap;  // invariant: answer in [lo, hi]
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo + 1) / 2;
    auto h = store->ReadTxHeader(mid);
    ThrowIfError(h.status());
    if (strict ? h->ts < unix_us : h->ts <= unix_us) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  return lo;
}

// Which row keys to read, as key suffixes after the 5-byte table prefix
// (so one range serves every storage id the table had): [start, end), or
// one key when point. Empty start/end: unbounded.
struct KeySpan {
  bool point = false;
  bool none = false;  // matches nothing (pk = NULL)
  std::string start, end;
};

// Scan options over storage id `storage` restricted to span.
ScanOptions SpanScan(uint32_t storage, const KeySpan& span) {
  ScanOptions o;
  o.prefix = RowPrefix(storage);
  if (!span.start.empty()) o.start = o.prefix + span.start;
  if (span.point) {
    o.end = o.start + '\0';  // the one key: the next string after it
  } else if (!span.end.empty()) {
    o.end = o.prefix + span.end;
  }
  return o;
}

// One version of one logical row, in the current definition's layout.
struct Version {
  uint64_t tx = 0;
  bool deleted = false;
  bool synthetic = false;  // ended by a move to another storage id
  Row row;
};
using KeyHistory = std::vector<Version>;

// Decodes rows stored under definition `was` into the current layout of
// `now`: columns added since decode as NULL, dropped ones stay NULL, a
// column whose type changed (its rows were rewritten under a new storage
// id) is cast to the current type.
class RowDecoder {
 public:
  RowDecoder(const TableDef& was, const TableDef& now, StmtContext& sc) : now_(now), sc_(sc) {
    for (const auto& c : was.columns) types_.push_back(c.type_oid);
    same_ = was.columns.size() == now.columns.size();
    for (size_t i = 0; same_ && i < now.columns.size(); i++) {
      same_ = types_[i] == now.columns[i].type_oid && !now.columns[i].dropped;
    }
  }
  Row Decode(std::string_view value) const {
    Row r;
    DecodeRow(value, types_, &r);
    if (same_) return r;
    Row out;
    out.reserve(now_.columns.size());
    for (size_t i = 0; i < now_.columns.size(); i++) {
      const ColumnDef& c = now_.columns[i];
      if (i >= r.size() || c.dropped) {
        out.push_back(Value::Null(c.type_oid));
      } else if (r[i].type != c.type_oid && !r[i].null) {
        out.push_back(CastValue(r[i], c.type_oid, c.typmod, sc_.eval->vc, true));
      } else {
        r[i].type = c.type_oid;
        out.push_back(std::move(r[i]));
      }
    }
    return out;
  }

 private:
  const TableDef& now_;
  StmtContext& sc_;
  std::vector<uint32_t> types_;
  bool same_ = true;  // was and now have the same column types: no mapping
};

// A span of transactions during which the table's rows lived under one
// storage id.
struct Segment {
  uint32_t storage_id = 0;
  uint64_t end_tx = 0;  // tx that moved the rows away (or dropped); 0: still current
  TableDef def;         // the last definition using this storage id
};

std::vector<Segment> Segments(StmtContext& sc, uint32_t table_oid, uint64_t max_tx) {
  std::vector<Segment> out;
  auto defs = sc.db->store()->History(TableDefKey(table_oid), 0, 0, false);
  if (!defs.ok()) {
    if (defs.status().code() == StatusCode::kNotFound) return out;  // created by this transaction
    ThrowIfError(defs.status());
  }
  for (const auto& v : *defs) {
    if (v.tx > max_tx) break;
    if (!out.empty() && out.back().end_tx == 0 && v.md.deleted()) {
      out.back().end_tx = v.tx;
      continue;
    }
    if (v.md.deleted()) continue;
    auto def = TableDef::FromJson(v.value);
    if (!def) throw PgError(sqlstate::kDataCorrupted, "catalog entry for a table does not parse");
    if (!out.empty() && out.back().end_tx == 0 && out.back().storage_id == def->relfilenode()) {
      out.back().def = std::move(*def);
      continue;
    }
    if (!out.empty() && out.back().end_tx == 0) out.back().end_tx = v.tx;
    Segment s;
    s.storage_id = def->relfilenode();
    s.def = std::move(*def);
    out.push_back(std::move(s));
  }
  return out;
}

// Every version with tx <= max_tx of every row of t, by logical key.
std::map<std::string, KeyHistory> LoadHistory(StmtContext& sc, const TableDef& t, uint64_t max_tx,
                                              const KeySpan& span) {
  std::map<std::string, KeyHistory> out;
  Store* store = sc.db->store();
  for (const Segment& seg : Segments(sc, t.oid, max_tx)) {
    ScanOptions o = SpanScan(seg.storage_id, span);
    o.snapshot = max_tx;
    o.include_deleted = true;
    auto keys = store->Scan(o);
    ThrowIfError(keys.status());
    const RowDecoder decoder(seg.def, t, sc);
    for (const auto& k : *keys) {
      CheckCancel(*sc.eval);
      auto versions = store->History(k.key, 0, 0, false);
      ThrowIfError(versions.status());
      KeyHistory& h = out[k.key.substr(o.prefix.size())];
      for (const auto& v : *versions) {
        if (v.tx > max_tx || (seg.end_tx != 0 && v.tx >= seg.end_tx)) break;
        Version ver;
        ver.tx = v.tx;
        ver.deleted = v.md.deleted();
        if (ver.deleted) {
          // A tombstone carries no values: it shows the row it deleted.
          ver.row = !h.empty() ? h.back().row : Row();
          if (ver.row.empty()) {
            for (const auto& c : t.columns) ver.row.push_back(Value::Null(c.type_oid));
          }
        } else {
          ver.row = decoder.Decode(v.value);
        }
        if (!h.empty() && h.back().synthetic && h.back().tx == ver.tx) {
          h.back() = std::move(ver);  // rewritten under the new id in the same tx
        } else {
          h.push_back(std::move(ver));
        }
      }
      if (seg.end_tx != 0 && seg.end_tx <= max_tx && !h.empty() && !h.back().deleted) {
        Version end;
        end.tx = seg.end_tx;
        end.deleted = true;
        end.synthetic = true;
        end.row = h.back().row;
        h.push_back(std::move(end));
      }
    }
  }
  return out;
}

// The table as of tx hi: the definition live then says where its rows were.
void ScanAsOf(StmtContext& sc, const TableDef& t, uint64_t hi, const KeySpan& span, std::vector<Row>* rows) {
  Store* store = sc.db->store();
  auto def_v = store->GetAt(TableDefKey(t.oid), hi);
  if (!def_v.ok()) {
    if (def_v.status().code() == StatusCode::kNotFound) return;  // no such table then
    ThrowIfError(def_v.status());
  }
  auto def = TableDef::FromJson(def_v->value);
  if (!def) throw PgError(sqlstate::kDataCorrupted, "catalog entry for a table does not parse");
  ScanOptions o = SpanScan(def->relfilenode(), span);
  o.snapshot = hi;
  auto got = store->Scan(o);
  ThrowIfError(got.status());
  rows->reserve(got->size());
  const RowDecoder decoder(*def, t, sc);
  for (const auto& vv : *got) {
    CheckCancel(*sc.eval);
    rows->push_back(decoder.Decode(vv.value));
  }
}

// True when e reads no column of the current row at or past ncols (the
// extra columns of HISTORY OF / DIFF OF in the analysis scope).
bool ReadsTableOnly(const Expr& e, size_t ncols) {
  if (e.kind == Expr::Kind::kColumn && e.outer_level == 0 && static_cast<size_t>(e.index) >= ncols) return false;
  for (const auto& a : e.args) {
    if (!ReadsTableOnly(*a, ncols)) return false;
  }
  return true;
}

ScopeColumn Extra(const std::string& qualifier, const char* name, uint32_t type) {
  ScopeColumn c;
  c.qualifier = qualifier;
  c.name = name;
  c.type = type;
  return c;
}

}  // namespace

TxRange ResolvePeriod(const Period& period, StmtContext& sc) {
  TxRange r;
  Binder binder(*sc.eval, sc.param_types);
  InstallSubqueryBinder(binder, sc);
  const uint64_t snap = sc.txn->snapshot();
  for (const PeriodBound* b : {&period.start, &period.end}) {
    if (!b->present) continue;
    const bool start = b == &period.start;
    Scope none;
    auto e = binder.Coerce(binder.Bind(b->expr, none), b->tx ? oid::kInt8 : oid::kTimestampTz, -1, false,
                           "time travel period");
    if (sc.describe_only) continue;
    const Value v = Eval(*e, Row{}, *sc.eval);
    if (v.null) Throw(sqlstate::kNullValueNotAllowed, "a time travel period bound must not be NULL", b->location);
    uint64_t tx;
    if (b->tx) {
      if (v.i <= 0) {
        Throw(sqlstate::kInvalidParameterValue,
              "invalid transaction id " + std::to_string(v.i) + " in period: it must be positive", b->location);
      }
      const auto n = static_cast<uint64_t>(v.i);
      tx = b->inclusive ? n : start ? n + 1 : n - 1;
    } else {
      const int64_t unix_us = v.i + kPgEpochUnixMicros;
      // SINCE t: first tx with ts >= t; AFTER t: first with ts > t;
      // UNTIL t: last with ts <= t; BEFORE t: last with ts < t.
      tx = start ? LastTxBefore(sc.db->store(), unix_us, b->inclusive, snap) + 1
                 : LastTxBefore(sc.db->store(), unix_us, !b->inclusive, snap);
    }
    if (start) {
      r.lo = std::max(r.lo, tx);
    } else {
      r.hi = std::min(r.hi, tx);
    }
  }
  return r;
}

bool TimeTravelFrom(const PgQuery__RangeVar* rv, StmtContext& sc, const PgNode* where, Binder* binder,
                    const Scope* outer, Relation* out) {
  const TravelRef* ref = sc.tree != nullptr ? sc.tree->Travel(rv->location) : nullptr;
  const std::string schema = rv->schemaname != nullptr ? rv->schemaname : "";
  const TableDef* t = (*sc.catalog)->Find(schema, rv->relname);
  if (ref == nullptr && (sc.session_period == nullptr || t == nullptr)) return false;
  if (t == nullptr) {
    StmtContext d = sc;
    d.describe_only = true;
    Relation sys;
    if (BuildSystemRelation(schema, rv->relname, rv->relname, d, &sys)) {
      Throw(sqlstate::kFeatureNotSupported, "time travel is only supported on user tables", rv->location);
    }
    LookupTable(sc, rv);  // throws 42P01
  }
  const TravelSource source = ref != nullptr ? ref->source : TravelSource::kTable;
  TxRange range;
  if (ref != nullptr && !ref->period.empty()) {
    range = ResolvePeriod(ref->period, sc);
  } else if (sc.session_period != nullptr) {
    range = *sc.session_period;
  }
  range.hi = std::min(range.hi, sc.txn->snapshot());

  const std::string qualifier = rv->alias != nullptr ? rv->alias->aliasname : t->name;
  size_t extra = 0;
  if (source == TravelSource::kHistory) {
    out->scope.columns.push_back(Extra(qualifier, "_rev", oid::kInt8));
    out->scope.columns.push_back(Extra(qualifier, "_tx_id", oid::kInt8));
    out->scope.columns.push_back(Extra(qualifier, "_ts", oid::kTimestampTz));
    out->scope.columns.push_back(Extra(qualifier, "_deleted", oid::kBool));
    extra = 4;
  } else if (source == TravelSource::kDiff) {
    out->scope.columns.push_back(Extra(qualifier, "_diff_action", oid::kText));
    extra = 1;
  }
  AddTableScope(*t, qualifier, &out->scope);
  if (rv->alias != nullptr) {
    for (size_t i = 0; i < rv->alias->n_colnames && extra + i < out->scope.columns.size(); i++) {
      out->scope.columns[extra + i].name = NodeString(rv->alias->colnames[i]);
    }
  }
  if (sc.describe_only || range.empty()) return true;

  // The WHERE of a single-table query may pin primary-key values (every
  // version of a row has the same key): bound over the table's columns
  // first, as PrimaryKeyRange expects, then the extra ones.
  KeySpan span;
  if (where != nullptr && binder != nullptr) {
    Scope scope;
    scope.columns.assign(out->scope.columns.begin() + static_cast<long>(extra), out->scope.columns.end());
    scope.columns.insert(scope.columns.end(), out->scope.columns.begin(),
                         out->scope.columns.begin() + static_cast<long>(extra));
    scope.parent = outer;
    auto cond = binder->BindCondition(where, scope, "WHERE");
    // PrimaryKeyRange knows the table's columns only: keep the conjuncts
    // that read nothing else.
    const size_t ncols = t->columns.size();
    if (cond->kind == Expr::Kind::kAnd) {
      std::vector<std::unique_ptr<Expr>> keep;
      for (auto& a : cond->args) {
        if (ReadsTableOnly(*a, ncols)) keep.push_back(std::move(a));
      }
      cond->args = std::move(keep);
    } else if (!ReadsTableOnly(*cond, ncols)) {
      cond.reset();
    }
    const size_t prefix = RowPrefix(t->relfilenode()).size();
    if (auto kr = PrimaryKeyRange(*t, cond.get(), *sc.eval); kr && kr->index == nullptr) {
      span.point = kr->point;
      span.none = kr->point && kr->start.empty();
      span.start = kr->start.size() > prefix ? kr->start.substr(prefix) : "";
      span.end = kr->end.size() > prefix ? kr->end.substr(prefix) : "";
    }
  }
  if (span.none) return true;
  if (source == TravelSource::kTable && range.lo <= 1) {
    ScanAsOf(sc, *t, range.hi, span, &out->rows);
    return true;
  }
  const auto history = LoadHistory(sc, *t, range.hi, span);
  std::unordered_map<uint64_t, int64_t> ts_cache;
  for (const auto& [key, versions] : history) {
    CheckCancel(*sc.eval);
    switch (source) {
      case TravelSource::kTable: {
        // The newest version written within the period, unless a delete.
        for (auto it = versions.rbegin(); it != versions.rend(); ++it) {
          if (it->tx < range.lo) break;
          if (!it->deleted) out->rows.push_back(it->row);
          break;
        }
        break;
      }
      case TravelSource::kHistory: {
        for (size_t i = 0; i < versions.size(); i++) {
          const Version& v = versions[i];
          if (v.tx < range.lo) continue;
          auto [it, fresh] = ts_cache.try_emplace(v.tx, 0);
          if (fresh) {
            auto h = sc.db->store()->ReadTxHeader(v.tx);
            ThrowIfError(h.status());
            it->second = h->ts - kPgEpochUnixMicros;
          }
          Row r;
          r.reserve(extra + v.row.size());
          r.push_back(Value::Int(oid::kInt8, static_cast<int64_t>(i + 1)));
          r.push_back(Value::Int(oid::kInt8, static_cast<int64_t>(v.tx)));
          r.push_back(Value::Int(oid::kTimestampTz, it->second));
          r.push_back(Value::Bool(v.deleted));
          r.insert(r.end(), v.row.begin(), v.row.end());
          out->rows.push_back(std::move(r));
        }
        break;
      }
      case TravelSource::kDiff: {
        // Net change between the state before lo and the state at hi.
        const Version* before = nullptr;
        const Version* after = nullptr;
        bool changed = false;
        for (const Version& v : versions) {
          if (v.tx < range.lo) before = &v;
          after = &v;
          changed |= v.tx >= range.lo;
        }
        if (!changed) break;
        const bool was = before != nullptr && !before->deleted;
        const bool is = !after->deleted;
        if (!was && !is) break;  // born and gone within the period
        Row r;
        r.push_back(Value::Str(oid::kText, !was ? "INSERT" : !is ? "DELETE" : "UPDATE"));
        const Row& values = is ? after->row : before->row;
        r.insert(r.end(), values.begin(), values.end());
        out->rows.push_back(std::move(r));
        break;
      }
      case TravelSource::kUseSnapshot:
        break;
    }
  }
  return true;
}

}  // namespace immu::sql
