#include "sql/row_writer.h"

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/domain_check.h"
#include "sql/generated_columns.h"
#include "sql/row_codec.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

std::vector<Value> Pick(const Row& row, const std::vector<int>& columns) {
  std::vector<Value> v;
  for (int c : columns) v.push_back(row[static_cast<size_t>(c)]);
  return v;
}

bool AnyNull(const std::vector<Value>& v) {
  return std::any_of(v.begin(), v.end(), [](const Value& x) { return x.null; });
}

std::string EncodeKey(const std::vector<Value>& v) {
  std::string k;
  for (const auto& x : v) AppendKeyValue(x, &k);
  return k;
}

// values cast to the types of t's columns.
std::vector<Value> CastTo(StmtContext& sc, const TableDef& t, const std::vector<int>& columns,
                          const std::vector<Value>& values) {
  std::vector<Value> out;
  for (size_t i = 0; i < columns.size(); i++) {
    const ColumnDef& col = t.columns[static_cast<size_t>(columns[i])];
    Value v = values[i].type == col.type_oid ? values[i] : CastValue(values[i], col.type_oid, -1, sc.eval->vc, false);
    v.type = col.type_oid;
    out.push_back(std::move(v));
  }
  return out;
}

// The position of each of want's columns among the first want.size()
// entries of have, or empty when they are not a permutation of them.
std::vector<size_t> LeadingPermutation(const std::vector<int>& have, const std::vector<int>& want) {
  if (have.size() < want.size()) return {};
  std::vector<size_t> order;
  for (size_t i = 0; i < want.size(); i++) {
    auto it = std::find(want.begin(), want.end(), have[i]);
    if (it == want.end()) return {};
    order.push_back(static_cast<size_t>(it - want.begin()));
  }
  return order;
}

std::string ColumnList(const TableDef& t, const std::vector<int>& columns) {
  std::string s;
  for (size_t i = 0; i < columns.size(); i++) s += (i ? ", " : "") + t.columns[static_cast<size_t>(columns[i])].name;
  return s;
}

std::string ValueList(const std::vector<Value>& values, EvalContext& ctx) {
  std::string s;
  for (size_t i = 0; i < values.size(); i++) {
    s += (i ? ", " : "") + (values[i].null ? std::string("null") : ToText(values[i], ctx.vc));
  }
  return s;
}

[[noreturn]] void StillReferenced(StmtContext& sc, const TableDef& parent, const TableDef& child,
                                  const ForeignKeyDef& fk, const std::vector<Value>& values) {
  PgError e(sqlstate::kForeignKeyViolation,
            "update or delete on table \"" + parent.name + "\" violates foreign key constraint \"" + fk.name +
                "\" on table \"" + child.name + "\"",
            "Key (" + ColumnList(parent, fk.ref_columns) + ")=(" + ValueList(values, *sc.eval) +
                ") is still referenced from table \"" + child.name + "\".");
  e.table_name = child.name;
  e.schema_name = child.schema;
  e.constraint_name = fk.name;
  throw e;
}

bool Referenced(StmtContext& sc, const TableDef& child, const ForeignKeyDef& fk, const std::vector<Value>& values) {
  std::vector<Row> rows;
  FindChildRows(sc, child, fk.columns, values, &rows, nullptr);
  return !rows.empty();
}

}  // namespace

[[noreturn]] void MissingParent(StmtContext& sc, const TableDef& child, const ForeignKeyDef& fk,
                                const std::vector<Value>& values) {
  const TableDef* parent = (*sc.catalog)->FindByOid(fk.ref_oid);
  const std::string parent_name = parent != nullptr ? parent->name : "?";
  PgError e(sqlstate::kForeignKeyViolation,
            "insert or update on table \"" + child.name + "\" violates foreign key constraint \"" + fk.name + "\"",
            "Key (" + ColumnList(child, fk.columns) + ")=(" + ValueList(values, *sc.eval) +
                ") is not present in table \"" + parent_name + "\".");
  e.table_name = child.name;
  e.schema_name = child.schema;
  e.constraint_name = fk.name;
  throw e;
}

bool ParentExists(StmtContext& sc, const TableDef& parent, const std::vector<int>& ref_columns,
                  const std::vector<Value>& values) {
  const std::vector<Value> vals = CastTo(sc, parent, ref_columns, values);
  if (!parent.pk.empty() && parent.pk.size() == ref_columns.size()) {
    const auto order = LeadingPermutation(parent.pk, ref_columns);
    if (!order.empty()) {
      Row row(parent.columns.size());
      for (size_t i = 0; i < ref_columns.size(); i++) row[static_cast<size_t>(ref_columns[i])] = vals[i];
      return KeyExists(sc, RowKey(parent, row, 0));
    }
  }
  for (const auto& x : parent.indexes) {
    if (!x.unique || !x.predicate.empty() || x.columns.size() != ref_columns.size()) continue;
    const auto order = LeadingPermutation(x.columns, ref_columns);
    if (order.empty()) continue;
    std::vector<Value> leading;
    for (size_t i : order) leading.push_back(vals[i]);
    return KeyExists(sc, IndexKeyPrefix(x, leading));
  }
  std::vector<Row> rows;
  FindChildRows(sc, parent, ref_columns, values, &rows, nullptr);
  return !rows.empty();
}

void FindChildRows(StmtContext& sc, const TableDef& child, const std::vector<int>& columns,
                   const std::vector<Value>& values, std::vector<Row>* rows, std::vector<std::string>* keys) {
  const std::vector<Value> vals = CastTo(sc, child, columns, values);
  std::optional<KeyRange> range;
  for (const auto& x : child.indexes) {
    if (!x.predicate.empty()) continue;
    const auto order = LeadingPermutation(x.columns, columns);
    if (order.empty()) continue;
    std::vector<Value> leading;
    for (size_t i : order) leading.push_back(vals[i]);
    range.emplace();
    range->index = &x;
    range->index_prefix = IndexKeyPrefix(x, leading);
    break;
  }
  if (!range && !child.pk.empty()) {
    const auto order = LeadingPermutation(child.pk, columns);
    if (!order.empty()) {
      range.emplace();
      range->start = RowPrefix(child.relfilenode());
      for (size_t i : order) AppendKeyValue(vals[i], &range->start);
      range->point = columns.size() == child.pk.size();
      if (!range->point) range->end = range->start + '\xff';
    }
  }
  std::vector<Row> found;
  std::vector<std::string> found_keys;
  ScanTableRange(sc, child, range, &found, &found_keys);
  const std::string want = EncodeKey(vals);
  for (size_t r = 0; r < found.size(); r++) {
    if (EncodeKey(Pick(found[r], columns)) != want) continue;
    if (keys != nullptr) keys->push_back(found_keys[r]);
    rows->push_back(std::move(found[r]));
  }
}

RowWriter::RowWriter(StmtContext& sc, const TableDef& t) : sc_(sc), t_(t), indexes_(sc, t) {
  LockRelation(sc, t, Database::TableLockMode::kRowExclusive);
  for (const auto& c : t.checks) {
    Scope scope;
    AddTableScope(t, t.name, &scope);
    Binder binder(*sc.eval, nullptr);
    auto tree = ParseTree::Parse("SELECT 1 WHERE " + c.expr);
    checks_.push_back(binder.BindCondition(tree->stmt(0)->select_stmt->where_clause, scope, "CHECK"));
  }
  for (const auto& col : t.columns) {
    if (!col.dropped && !col.generated_expr.empty()) {
      generated_ = std::make_unique<GeneratedColumns>(sc, t);
      break;
    }
  }
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (!t.columns[c].dropped && IsDomainType(t.columns[c].type_oid)) {
      domains_.push_back({c, std::make_unique<DomainChecker>(*sc.eval, t.columns[c].type_oid)});
    }
  }
  for (const auto& [oid, other] : (*sc.catalog)->tables()) {
    for (size_t f = 0; f < other.foreign_keys.size(); f++) {
      if (other.foreign_keys[f].ref_oid == t.oid) referencing_.push_back({&other, f});
    }
  }
}

RowWriter::~RowWriter() = default;

void RowWriter::CheckRow(const Row& row) {
  for (const auto& [c, checker] : domains_) checker->Check(row[c], *sc_.eval);
  for (size_t i = 0; i < checks_.size(); i++) {
    const Value v = Eval(*checks_[i], row, *sc_.eval);
    if (v.null || v.boolean()) continue;
    PgError e(sqlstate::kCheckViolation,
              "new row for relation \"" + t_.name + "\" violates check constraint \"" + t_.checks[i].name + "\"",
              "Failing row contains " + RowText(row, *sc_.eval) + ".");
    e.table_name = t_.name;
    e.schema_name = t_.schema;
    e.constraint_name = t_.checks[i].name;
    throw e;
  }
}

void RowWriter::QueueParentChecks(const Row& row, const Row* old_row) {
  if (t_.fk_triggers_disabled) return;  // DISABLE TRIGGER ALL on this table
  for (size_t f = 0; f < t_.foreign_keys.size(); f++) {
    const ForeignKeyDef& fk = t_.foreign_keys[f];
    std::vector<Value> values = Pick(row, fk.columns);
    if (fk.match == 'f') {
      const bool all_null = std::all_of(values.begin(), values.end(), [](const Value& v) { return v.null; });
      if (all_null) continue;
      if (AnyNull(values)) {
        PgError e(sqlstate::kForeignKeyViolation,
                  "insert or update on table \"" + t_.name + "\" violates foreign key constraint \"" + fk.name + "\"",
                  "MATCH FULL does not allow mixing of null and nonnull key values.");
        e.constraint_name = fk.name;
        throw e;
      }
    } else if (AnyNull(values)) {
      continue;
    }
    if (old_row != nullptr && EncodeKey(Pick(*old_row, fk.columns)) == EncodeKey(values)) continue;
    if (fk.initially_deferred && sc_.deferred != nullptr) {
      sc_.deferred->push_back({t_.oid, fk.name, false, std::move(values)});
    } else {
      pending_.emplace_back(f, std::move(values));
    }
  }
}

RowWriter& RowWriter::WriterFor(const TableDef& child) {
  if (child.oid == t_.oid) return *this;
  auto& w = children_[child.oid];
  if (!w) w = std::make_unique<RowWriter>(sc_, child);
  return *w;
}

void RowWriter::OnParentChange(const Row& old_row, const Row* new_row) {
  if (t_.fk_triggers_disabled) return;  // DISABLE TRIGGER ALL on the referenced table
  for (size_t r = 0; r < referencing_.size(); r++) {
    const TableDef& child = *referencing_[r].child;
    const ForeignKeyDef& fk = child.foreign_keys[referencing_[r].fk];
    std::vector<Value> old_values = Pick(old_row, fk.ref_columns);
    if (AnyNull(old_values)) continue;
    std::vector<Value> new_values;
    if (new_row != nullptr) {
      new_values = Pick(*new_row, fk.ref_columns);
      if (EncodeKey(new_values) == EncodeKey(old_values)) continue;
    }
    const char action = new_row != nullptr ? fk.on_update : fk.on_delete;
    if (action == 'a') {
      if (fk.initially_deferred && sc_.deferred != nullptr) {
        sc_.deferred->push_back({child.oid, fk.name, true, std::move(old_values)});
      } else {
        pending_parent_.emplace_back(r, std::move(old_values));
      }
      continue;
    }
    std::vector<Row> rows;
    std::vector<std::string> keys;
    FindChildRows(sc_, child, fk.columns, old_values, &rows, &keys);
    if (rows.empty()) continue;
    if (action == 'r') StillReferenced(sc_, t_, child, fk, old_values);
    RowWriter& w = WriterFor(child);
    for (size_t i = 0; i < rows.size(); i++) {
      if (!LockLatest(sc_, child, keys[i], nullptr, &rows[i])) continue;
      if (action == 'c' && new_row == nullptr) {
        w.Delete(rows[i], keys[i]);
        continue;
      }
      Row changed = rows[i];
      for (size_t k = 0; k < fk.columns.size(); k++) {
        const size_t c = static_cast<size_t>(fk.columns[k]);
        const ColumnDef& col = child.columns[c];
        if (action == 'c') {
          changed[c] = CastValue(new_values[k], col.type_oid, col.typmod, sc_.eval->vc, false);
        } else if (action == 'n') {
          changed[c] = Value::Null(col.type_oid);
        } else {  // 'd'
          Binder binder(*sc_.eval, nullptr);
          changed[c] = Eval(*BindDefault(child, c, binder), Row{}, *sc_.eval);
        }
        changed[c].type = col.type_oid;
      }
      w.Update(rows[i], keys[i], changed);
    }
  }
}

std::string RowWriter::Insert(Row& row) {
  for (size_t c = 0; c < t_.columns.size(); c++) {
    if (t_.columns[c].dropped) row[c] = Value::Null(t_.columns[c].type_oid);
    row[c].type = t_.columns[c].type_oid;
  }
  if (generated_) generated_->Compute(&row, *sc_.eval);
  CheckNotNull(t_, row, *sc_.eval);
  CheckRow(row);
  QueueParentChecks(row, nullptr);
  int64_t row_id = 0;
  if (t_.pk.empty()) row_id = sc_.db->NextSequenceValue(t_.oid, Database::kRowIdColumn);
  const std::string key = RowKey(t_, row, row_id);
  if (!t_.pk.empty() && ReadKeyForWrite(sc_, key, wait_for_writers_)) DuplicateKey(t_, row, *sc_.eval);
  std::string value;
  AppendRowValues(row, &value);
  ThrowIfError(sc_.txn->Set(key, value));
  indexes_.Insert(row, key);
  return key;
}

std::string RowWriter::Update(const Row& old_row, const std::string& old_key, Row& new_row) {
  for (size_t c = 0; c < t_.columns.size(); c++) new_row[c].type = t_.columns[c].type_oid;
  if (generated_) generated_->Compute(&new_row, *sc_.eval);
  CheckNotNull(t_, new_row, *sc_.eval);
  CheckRow(new_row);
  QueueParentChecks(new_row, &old_row);
  std::string key = old_key;
  if (!t_.pk.empty()) {
    const std::string new_key = RowKey(t_, new_row, 0);
    if (new_key != key) {
      if (ReadKeyForWrite(sc_, new_key, wait_for_writers_)) DuplicateKey(t_, new_row, *sc_.eval);
      ThrowIfError(sc_.txn->Delete(key));
      key = new_key;
    }
  }
  std::string value;
  AppendRowValues(new_row, &value);
  ThrowIfError(sc_.txn->Set(key, value));
  indexes_.Update(old_row, old_key, new_row, key);
  if (!referencing_.empty()) OnParentChange(old_row, &new_row);
  return key;
}

void RowWriter::Delete(const Row& row, const std::string& key) {
  ThrowIfError(sc_.txn->Delete(key));
  indexes_.Remove(row, key);
  if (!referencing_.empty()) OnParentChange(row, nullptr);
}

std::optional<std::string> RowWriter::FindConflict(const Row& row, const IndexDef* arbiter, bool pk_only) {
  if (arbiter == nullptr && !t_.pk.empty()) {
    const std::string key = RowKey(t_, row, 0);
    if (ReadKeyForWrite(sc_, key, wait_for_writers_)) return key;
  }
  if (pk_only) return std::nullopt;
  for (size_t i = 0; i < t_.indexes.size(); i++) {
    const IndexDef& x = t_.indexes[i];
    if (!x.unique || (arbiter != nullptr && arbiter != &x)) continue;
    auto suffix = indexes_.FindUnique(i, row);
    if (suffix) return RowPrefix(t_.relfilenode()) + *suffix;
  }
  return std::nullopt;
}

void RowWriter::Finish() {
  for (auto& [oid, w] : children_) w->Finish();
  for (const auto& [f, values] : pending_) {
    const ForeignKeyDef& fk = t_.foreign_keys[f];
    const TableDef* parent = (*sc_.catalog)->FindByOid(fk.ref_oid);
    if (parent == nullptr || !ParentExists(sc_, *parent, fk.ref_columns, values)) {
      MissingParent(sc_, t_, fk, values);
    }
  }
  pending_.clear();
  for (const auto& [r, values] : pending_parent_) {
    const TableDef& child = *referencing_[r].child;
    const ForeignKeyDef& fk = child.foreign_keys[referencing_[r].fk];
    // NO ACTION: fine when a row with the old key exists again.
    if (ParentExists(sc_, t_, fk.ref_columns, values)) continue;
    if (Referenced(sc_, child, fk, values)) StillReferenced(sc_, t_, child, fk, values);
  }
  pending_parent_.clear();
}

void RowWriter::RunDeferred(StmtContext& sc, const DeferredFkCheck& check) {
  const TableDef* child = (*sc.catalog)->FindByOid(check.table_oid);
  if (child == nullptr) return;  // dropped since
  for (const auto& fk : child->foreign_keys) {
    if (fk.name != check.constraint) continue;
    const TableDef* parent = (*sc.catalog)->FindByOid(fk.ref_oid);
    if (parent == nullptr) return;
    if (!check.parent_side) {
      // The referencing row may have gone or changed since: only live
      // references count.
      if (!Referenced(sc, *child, fk, check.values)) return;
      if (!ParentExists(sc, *parent, fk.ref_columns, check.values)) MissingParent(sc, *child, fk, check.values);
      return;
    }
    if (ParentExists(sc, *parent, fk.ref_columns, check.values)) return;
    if (Referenced(sc, *child, fk, check.values)) StillReferenced(sc, *parent, *child, fk, check.values);
    return;
  }
}

}  // namespace immu::sql
