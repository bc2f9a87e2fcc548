#include "sql/on_conflict.h"

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {

bool SameColumns(std::vector<int> a, std::vector<int> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

OnConflict::OnConflict(const PgQuery__OnConflictClause* clause, const TableDef& t, const Scope& target_scope,
                       Binder& binder, StmtContext& sc)
    : sc_(sc), t_(t) {
  update_ = clause->action == PG_QUERY__ON_CONFLICT_ACTION__ONCONFLICT_UPDATE;
  const PgQuery__InferClause* infer = clause->infer;
  if (infer == nullptr) {
    if (update_) {
      Throw(sqlstate::kSyntaxError, "ON CONFLICT DO UPDATE requires inference specification or constraint name",
            clause->location, "For example, ON CONFLICT (column_name).");
    }
  } else if (infer->conname != nullptr && *infer->conname) {
    const std::string name = infer->conname;
    if (name == t.pk_name && !t.pk.empty()) {
      pk_only_ = true;
    } else {
      for (const auto& x : t.indexes) {
        if (x.unique && x.constraint && x.name == name) arbiter_ = &x;
      }
      if (arbiter_ == nullptr) {
        Throw(sqlstate::kUndefinedObject, "constraint \"" + name + "\" for table \"" + t.name + "\" does not exist",
              infer->location);
      }
    }
  } else {
    std::vector<int> columns;
    for (size_t i = 0; i < infer->n_index_elems; i++) {
      const auto* elem = infer->index_elems[i]->index_elem;
      if (elem->name == nullptr || *elem->name == '\0') {
        throw PgError(sqlstate::kFeatureNotSupported, "ON CONFLICT on an expression index is not supported yet");
      }
      const int c = t.FindColumn(elem->name);
      if (c < 0) {
        Throw(sqlstate::kUndefinedColumn, "column \"" + std::string(elem->name) + "\" does not exist",
              infer->location);
      }
      columns.push_back(c);
    }
    if (!t.pk.empty() && SameColumns(columns, t.pk)) {
      pk_only_ = true;
    } else {
      for (const auto& x : t.indexes) {
        if (!x.unique || !SameColumns(columns, x.columns)) continue;
        // A partial unique index is an arbiter only when the statement names
        // its predicate (compared as text, as a conservative stand-in for
        // PostgreSQL's implication proof).
        if (!x.predicate.empty() &&
            (infer->where_clause == nullptr || DeparseExpr(infer->where_clause) != x.predicate)) {
          continue;
        }
        arbiter_ = &x;
        break;
      }
      if (!pk_only_ && arbiter_ == nullptr) {
        Throw(sqlstate::kInvalidColumnReference,
              "there is no unique or exclusion constraint matching the ON CONFLICT specification");
      }
    }
  }
  if (!update_) return;
  Scope scope = target_scope;
  AddTableScope(t, "excluded", &scope);
  BindAssignments(clause->target_list, clause->n_target_list, t, scope, binder, &sets_);
  if (clause->where_clause != nullptr) where_ = binder.BindCondition(clause->where_clause, scope, "WHERE");
}

OnConflict::Outcome OnConflict::Apply(RowWriter& writer, const Row& proposed, Row* result) {
  // Without a target, DO NOTHING arbitrates on every unique constraint.
  auto key = writer.FindConflict(proposed, arbiter_, pk_only_);
  if (!key) return Outcome::kNoConflict;
  if (!update_) return Outcome::kSkipped;
  if (touched_.count(*key) > 0) {
    throw PgError(sqlstate::kCardinalityViolation, "ON CONFLICT DO UPDATE command cannot affect row a second time",
                  "", "Ensure that no rows proposed for insertion within the same command have duplicate constrained values.");
  }
  auto got = sc_.txn->Get(*key);
  ThrowIfError(got.status());
  Row existing;
  DecodeRow(got->value, ColumnTypes(t_), &existing);
  if (!LockLatest(sc_, t_, *key, nullptr, &existing)) return Outcome::kNoConflict;
  Row joined = existing;
  joined.insert(joined.end(), proposed.begin(), proposed.end());
  if (where_ && !EvalPredicate(*where_, joined, *sc_.eval)) return Outcome::kSkipped;
  Row updated = existing;
  for (const auto& [c, e] : sets_) updated[c] = Eval(*e, joined, *sc_.eval);
  touched_.insert(writer.Update(existing, *key, updated));
  *result = std::move(updated);
  return Outcome::kUpdated;
}

}  // namespace immu::sql
