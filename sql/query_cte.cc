// WITH queries: see query_cte.h.

#include "sql/query_cte.h"

#include <unordered_set>

#include "catalog/pg_error.h"
#include "sql/plan.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {

std::string RowIdentity(const Row& row) {
  std::string k;
  for (const auto& v : row) AppendKeyValue(v, &k);
  return k;
}

// Output columns of a CTE: its body's, renamed by the alias list.
std::vector<ResultColumn> CteColumns(const CteEntry& e, std::vector<ResultColumn> cols) {
  const auto* cte = e.cte;
  if (cte->n_aliascolnames > cols.size()) {
    Throw(sqlstate::kInvalidColumnReference,
          "WITH query \"" + e.name + "\" has " + std::to_string(cols.size()) +
              " columns available but " + std::to_string(cte->n_aliascolnames) +
              " columns specified",
          cte->location);
  }
  for (size_t i = 0; i < cte->n_aliascolnames; i++)
    cols[i].name = NodeString(cte->aliascolnames[i]);
  for (auto& c : cols) {
    // A CTE's columns are not columns of a base table.
    c.table_oid = 0;
    c.column_attnum = 0;
  }
  return cols;
}

QueryResult RunCteBody(const PgNode* body, StmtContext& sc, const Scope* outer) {
  switch (body->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT:
      return RunSelect(body->select_stmt, sc, outer);
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      return RunInsert(body->insert_stmt, sc);
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      return RunUpdate(body->update_stmt, sc);
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      return RunDelete(body->delete_stmt, sc);
    default:
      throw PgError(sqlstate::kFeatureNotSupported,
                    "this kind of statement is not supported in WITH");
  }
}

bool IsRecursiveUnion(const CteScope& scope, const PgNode* body) {
  return scope.recursive && body->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
         body->select_stmt->op == PG_QUERY__SET_OPERATION__SETOP_UNION;
}

// WITH RECURSIVE name AS (non-recursive UNION [ALL] recursive): the
// non-recursive term's rows seed a working table; the recursive term is
// re-run over the rows the previous iteration added until it adds none.
// With UNION, rows already produced are dropped, so cycles terminate.
void RunRecursive(CteEntry& e, StmtContext& sc, const Scope* outer) {
  const PgQuery__SelectStmt* body = e.cte->ctequery->select_stmt;
  if (body->n_sort_clause > 0) {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "ORDER BY in a recursive query is not implemented");
  }
  if (body->limit_count != nullptr || body->limit_offset != nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "OFFSET/LIMIT in a recursive query is not implemented");
  }
  PlanScope plan(sc.plan, body, "Recursive Union", !sc.describe_only);
  e.state = CteEntry::State::kNonRecursive;
  QueryResult seed = RunSelect(body->larg, sc, outer);
  e.columns = CteColumns(e, seed.columns);
  e.described = true;
  if (sc.describe_only) return;
  const bool all = body->all;
  std::unordered_set<std::string> seen;
  std::vector<Row> fresh;
  for (auto& row : seed.rows) {
    if (all || seen.insert(RowIdentity(row)).second) fresh.push_back(std::move(row));
  }
  e.rows = fresh;
  e.state = CteEntry::State::kRecursing;
  while (!fresh.empty()) {
    CheckCancel(*sc.eval);
    e.working = std::move(fresh);
    e.working_read = false;
    fresh.clear();
    QueryResult step = RunSelect(body->rarg, sc, outer);
    if (step.columns.size() != e.columns.size()) {
      throw PgError(sqlstate::kSyntaxError,
                    "each UNION query must have the same number of columns");
    }
    for (size_t c = 0; c < e.columns.size(); c++) {
      if (step.columns[c].type_oid != e.columns[c].type_oid) {
        Throw(sqlstate::kDatatypeMismatch,
              "recursive query \"" + e.name + "\" column " + std::to_string(c + 1) + " has type " +
                  FormatType(e.columns[c].type_oid, e.columns[c].type_mod) +
                  " in non-recursive term but type " + FormatType(step.columns[c].type_oid, -1) +
                  " overall",
              e.cte->location, "");
      }
    }
    for (auto& row : step.rows) {
      if (all || seen.insert(RowIdentity(row)).second) {
        e.rows.push_back(row);
        fresh.push_back(std::move(row));
        CheckMaterialized(e.rows.size(), step.columns.size());
      }
    }
    // A recursive term that never read the working table yields the same
    // rows every time: once is the whole answer.
    if (!e.working_read) break;
  }
  e.working.clear();
  plan.Rows(e.rows.size());
}

// Evaluates (or, when describing, only types) CTE `index` of `scope`, with
// the scope it was defined in as the innermost one.
void Materialize(CteScope& scope, size_t index, StmtContext& sc) {
  CteEntry& e = scope.entries[index];
  if (e.state == CteEntry::State::kDone || (sc.describe_only && e.described)) return;
  CteScope* saved_scope = sc.ctes;
  const size_t saved_visible = scope.visible;
  const CteEntry::State saved_state = e.state;
  sc.ctes = &scope;
  if (!scope.recursive) scope.visible = index;
  // A reference from a nested subquery has more outer rows pushed than the
  // WITH's own query level: the body sees the rows of its level only.
  std::vector<const Row*> saved_outer;
  if (sc.eval->outer.size() > scope.outer_depth) {
    saved_outer.assign(sc.eval->outer.begin() + static_cast<long>(scope.outer_depth),
                       sc.eval->outer.end());
    sc.eval->outer.resize(scope.outer_depth);
  }
  auto restore = [&] {
    sc.ctes = saved_scope;
    scope.visible = saved_visible;
    sc.eval->outer.insert(sc.eval->outer.end(), saved_outer.begin(), saved_outer.end());
  };
  try {
    if (IsRecursiveUnion(scope, e.cte->ctequery)) {
      RunRecursive(e, sc, scope.outer);
    } else {
      e.state = CteEntry::State::kRunning;
      QueryResult r = RunCteBody(e.cte->ctequery, sc, scope.outer);
      if (!r.returns_rows) {
        Throw(sqlstate::kFeatureNotSupported,
              "WITH query \"" + e.name + "\" does not have a RETURNING clause", e.cte->location);
      }
      e.columns = CteColumns(e, std::move(r.columns));
      e.described = true;
      e.rows = std::move(r.rows);
    }
  } catch (...) {
    restore();
    e.state = saved_state;
    throw;
  }
  restore();
  e.state = sc.describe_only ? saved_state : CteEntry::State::kDone;
}

bool IsDataModifying(const PgNode* body) {
  return body->node_case == PG_QUERY__NODE__NODE_INSERT_STMT ||
         body->node_case == PG_QUERY__NODE__NODE_UPDATE_STMT ||
         body->node_case == PG_QUERY__NODE__NODE_DELETE_STMT;
}

// Runs data-modifying CTE i of scope once (no-op for other CTEs): with the
// defining scope innermost, seeing only earlier CTEs unless RECURSIVE.
void RunDataModifying(CteScope& scope, size_t i, StmtContext& sc) {
  CteEntry& e = scope.entries[i];
  if (!IsDataModifying(e.cte->ctequery) || e.ran || sc.describe_only) return;
  e.ran = true;
  CteScope* saved_scope = sc.ctes;
  const size_t saved_visible = scope.visible;
  sc.ctes = &scope;
  if (!scope.recursive) scope.visible = i;
  e.state = CteEntry::State::kRunning;
  QueryResult r;
  try {
    r = RunCteBody(e.cte->ctequery, sc, nullptr);
  } catch (...) {
    sc.ctes = saved_scope;
    scope.visible = saved_visible;
    throw;
  }
  sc.ctes = saved_scope;
  scope.visible = saved_visible;
  // Without RETURNING it stays pending: a reference reports that.
  if (r.returns_rows) e.columns = CteColumns(e, std::move(r.columns));
  e.described = r.returns_rows;
  e.rows = std::move(r.rows);
  e.state = r.returns_rows ? CteEntry::State::kDone : CteEntry::State::kPending;
}

}  // namespace

WithScope::WithScope(const PgQuery__WithClause* with, StmtContext& sc, const Scope* outer,
                     bool defer_data_modifying, bool top)
    : sc_(sc), saved_(sc.ctes) {
  if (with == nullptr) return;
  scope_ = std::make_unique<CteScope>();
  scope_->outer = outer;
  scope_->outer_depth = sc.eval->outer.size();
  scope_->recursive = with->recursive;
  scope_->parent = sc.ctes;
  scope_->entries.resize(with->n_ctes);
  for (size_t i = 0; i < with->n_ctes; i++) {
    const auto* cte = with->ctes[i]->common_table_expr;
    for (size_t j = 0; j < i; j++) {
      if (scope_->entries[j].name == cte->ctename) {
        Throw(sqlstate::kDuplicateAlias,
              "WITH query name \"" + std::string(cte->ctename) + "\" specified more than once",
              cte->location);
      }
    }
    if (cte->search_clause != nullptr || cte->cycle_clause != nullptr) {
      Throw(sqlstate::kFeatureNotSupported,
            "SEARCH and CYCLE clauses of WITH queries are not supported", cte->location);
    }
    if (!top && IsDataModifying(cte->ctequery)) {
      Throw(sqlstate::kFeatureNotSupported,
            "WITH clause containing a data-modifying statement must be at the top level", cte->location);
    }
    scope_->entries[i].cte = cte;
    scope_->entries[i].name = cte->ctename;
  }
  scope_->visible = scope_->entries.size();
  sc.ctes = scope_.get();
  if (sc.describe_only || defer_data_modifying) return;
  try {
    Finish();
  } catch (...) {
    sc.ctes = saved_;
    throw;
  }
}

void WithScope::Finish() {
  if (scope_ == nullptr || sc_.describe_only) return;
  for (size_t i = 0; i < scope_->entries.size(); i++) RunDataModifying(*scope_, i, sc_);
}

WithScope::~WithScope() { sc_.ctes = saved_; }

std::optional<Relation> FromCte(const PgQuery__RangeVar* rv, StmtContext& sc) {
  if (rv->schemaname != nullptr && *rv->schemaname) return std::nullopt;
  const std::string_view name = rv->relname;
  for (CteScope* scope = sc.ctes; scope != nullptr; scope = scope->parent) {
    for (size_t i = 0; i < scope->visible; i++) {
      CteEntry& e = scope->entries[i];
      if (e.name != name) continue;
      const std::vector<Row>* rows = &e.rows;
      PlanScope plan(
          sc.plan, rv,
          (e.state == CteEntry::State::kRecursing ? "WorkTable Scan on " : "CTE Scan on ") +
              e.name + (rv->alias != nullptr ? std::string(" ") + rv->alias->aliasname : ""),
          !sc.describe_only);
      switch (e.state) {
        case CteEntry::State::kNonRecursive:
          Throw(sqlstate::kInvalidRecursion,
                "recursive reference to query \"" + e.name +
                    "\" must not appear within its non-recursive term",
                rv->location);
        case CteEntry::State::kRunning:
          Throw(sqlstate::kInvalidRecursion,
                "recursive query \"" + e.name +
                    "\" does not have the form non-recursive-term UNION [ALL] recursive-term",
                e.cte->location);
        case CteEntry::State::kRecursing:
          rows = &e.working;
          e.working_read = true;
          break;
        default:
          RunDataModifying(*scope, i, sc);
          if (IsDataModifying(e.cte->ctequery) && !e.described && !sc.describe_only) {
            Throw(sqlstate::kFeatureNotSupported,
                  "WITH query \"" + e.name + "\" does not have a RETURNING clause", rv->location);
          }
          if (plan.node() != nullptr && e.state != CteEntry::State::kDone &&
              !(sc.describe_only && e.described)) {
            // EXPLAIN: the body's plan, under the scan that materialises it.
            PlanScope body(sc.plan, e.cte, "CTE " + e.name, !sc.describe_only);
            if (body.node() != nullptr) body.node()->subplan = true;
            Materialize(*scope, i, sc);
          } else {
            Materialize(*scope, i, sc);
          }
      }
      Relation r;
      const std::string qualifier =
          rv->alias != nullptr && rv->alias->aliasname != nullptr && *rv->alias->aliasname
              ? rv->alias->aliasname
              : e.name;
      for (size_t c = 0; c < e.columns.size(); c++) {
        ScopeColumn col;
        col.qualifier = qualifier;
        col.name = rv->alias != nullptr && c < rv->alias->n_colnames
                       ? std::string(NodeString(rv->alias->colnames[c]))
                       : e.columns[c].name;
        col.type = e.columns[c].type_oid;
        col.typmod = e.columns[c].type_mod;
        r.scope.columns.push_back(std::move(col));
      }
      if (!sc.describe_only) r.rows = *rows;
      plan.Rows(r.rows.size());
      return r;
    }
  }
  return std::nullopt;
}

}  // namespace immu::sql
