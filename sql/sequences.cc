#include "sql/sequences.h"

#include "catalog/pg_error.h"
#include "sql/database.h"
#include "sql/system_internal.h"

namespace immu::sql {

void SequenceBounds(uint32_t type, int64_t* min, int64_t* max) {
  if (type == oid::kInt2) {
    *min = INT16_MIN;
    *max = INT16_MAX;
  } else if (type == oid::kInt4) {
    *min = INT32_MIN;
    *max = INT32_MAX;
  } else {
    *min = INT64_MIN;
    *max = INT64_MAX;
  }
}

SequenceRef SerialSequence(const TableDef& t, size_t c) {
  SequenceRef r;
  r.owner = t.oid;
  r.column = static_cast<uint16_t>(c);
  r.def.type_oid = t.columns[c].type_oid;
  int64_t min = 0;
  SequenceBounds(r.def.type_oid, &min, &r.def.max_value);
  r.def.min_value = 1;
  if (t.columns[c].identity && t.columns[c].identity_options) r.def = *t.columns[c].identity_options;
  r.def.owned_by_table = t.oid;
  r.def.owned_by_column = static_cast<int16_t>(c);
  r.name = SequenceName(t, c);
  r.schema = t.schema;
  r.oid = SequenceOid(t, c);
  return r;
}

SequenceRef StandaloneSequence(const TableDef& t) {
  SequenceRef r;
  r.owner = t.oid;
  r.column = 0;
  r.def = t.sequence;
  r.name = t.name;
  r.schema = t.schema;
  r.oid = t.oid;
  return r;
}

std::vector<SequenceRef> CatalogSequences(const Catalog& catalog) {
  std::vector<SequenceRef> out;
  for (const auto& [id, t] : catalog.tables()) {
    if (t.kind == 'S') out.push_back(StandaloneSequence(t));
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (t.columns[c].serial && !t.columns[c].dropped) out.push_back(SerialSequence(t, c));
    }
  }
  return out;
}

std::optional<SequenceRef> FindSequence(const Catalog& catalog, uint32_t oid) {
  if (const TableDef* t = catalog.FindByOid(oid)) {
    if (t->kind != 'S') return std::nullopt;
    return StandaloneSequence(*t);
  }
  const RelationRef rel = FindRelation(catalog, oid);
  if (rel.kind == 'S' && rel.table != nullptr) return SerialSequence(*rel.table, static_cast<size_t>(rel.column));
  return std::nullopt;
}

int64_t SessionSequences::Next(const SequenceRef& s) {
  const int64_t v = db_->NextSequenceValue(s.owner, s.column, s.def, s.name);
  curr_[s.oid] = v;
  last_ = v;
  return v;
}

int64_t SessionSequences::Curr(const SequenceRef& s) const {
  auto it = curr_.find(s.oid);
  if (it == curr_.end()) {
    throw PgError(sqlstate::kObjectNotInPrerequisiteState,
                  "currval of sequence \"" + s.name + "\" is not yet defined in this session");
  }
  return it->second;
}

int64_t SessionSequences::Last() const {
  if (!last_) throw PgError(sqlstate::kObjectNotInPrerequisiteState, "lastval is not yet defined in this session");
  return *last_;
}

int64_t SessionSequences::Set(const SequenceRef& s, int64_t v, bool is_called) {
  if (v < s.def.min_value || v > s.def.max_value) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "setval: value " + std::to_string(v) +
                                                         " is out of bounds for sequence \"" + s.name + "\" (" +
                                                         std::to_string(s.def.min_value) + ".." +
                                                         std::to_string(s.def.max_value) + ")");
  }
  int64_t next = v;
  if (is_called && __builtin_add_overflow(v, s.def.increment, &next)) {
    next = s.def.increment > 0 ? INT64_MAX : INT64_MIN;
  }
  db_->SetSequenceNext(s.owner, s.column, next);
  if (is_called) {
    curr_[s.oid] = v;
    last_ = v;
  }
  return v;
}

int64_t NextSerialValue(Database* db, EvalContext& ctx, const TableDef& t, size_t c) {
  const SequenceRef s = SerialSequence(t, c);
  if (ctx.sequences != nullptr) return ctx.sequences->Next(s);
  return db->NextSequenceValue(s.owner, s.column, s.def, s.name);
}

namespace {

SequenceRef Resolve(const Value& rel, EvalContext& ctx) {
  if (ctx.catalog == nullptr || ctx.sequences == nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "sequence functions need a session");
  }
  auto s = FindSequence(**ctx.catalog, static_cast<uint32_t>(rel.i));
  if (!s) {
    throw PgError(sqlstate::kWrongObjectType, "\"" + std::to_string(rel.i) + "\" is not a sequence");
  }
  return *s;
}

}  // namespace

Value NextvalFn(std::span<const Value> a, EvalContext& ctx) {
  return Value::Int(oid::kInt8, ctx.sequences == nullptr ? 0 : ctx.sequences->Next(Resolve(a[0], ctx)));
}

Value CurrvalFn(std::span<const Value> a, EvalContext& ctx) {
  const SequenceRef s = Resolve(a[0], ctx);
  return Value::Int(oid::kInt8, ctx.sequences->Curr(s));
}

Value SetvalFn(std::span<const Value> a, EvalContext& ctx) {
  const SequenceRef s = Resolve(a[0], ctx);
  const bool is_called = a.size() < 3 || a[2].boolean();
  return Value::Int(oid::kInt8, ctx.sequences->Set(s, a[1].i, is_called));
}

Value LastvalFn(std::span<const Value>, EvalContext& ctx) {
  if (ctx.sequences == nullptr) throw PgError(sqlstate::kObjectNotInPrerequisiteState, "lastval is not yet defined in this session");
  return Value::Int(oid::kInt8, ctx.sequences->Last());
}

}  // namespace immu::sql
