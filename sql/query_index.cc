// CREATE [UNIQUE] INDEX, DROP INDEX and UNIQUE constraints.

#include <algorithm>
#include <functional>
#include <set>

#include "catalog/pg_error.h"
#include "sql/index_writer.h"
#include "sql/system_internal.h"
#include "sql/query_internal.h"

namespace immu::sql {

namespace {

bool NameTaken(const Catalog& cat, const std::string& schema, const std::string& name) {
  return cat.Find(schema, name) != nullptr || cat.FindIndexTable(schema, name) != nullptr;
}

// PostgreSQL's default index names: table_col1_col2_key / _idx, made unique
// with a number.
// expr_names[k]: the name PostgreSQL derives for expression key k (the
// function's name, else "expr").
std::string DefaultIndexName(const Catalog& cat, const TableDef& t, const std::vector<int>& cols, const char* suffix,
                             const std::vector<std::string>& expr_names = {}) {
  std::string base = t.name;
  for (size_t k = 0; k < cols.size(); k++) {
    base += "_" + (cols[k] >= 0 ? t.columns[static_cast<size_t>(cols[k])].name
                                : k < expr_names.size() ? expr_names[k] : std::string("expr"));
  }
  base += std::string("_") + suffix;
  std::string name = base;
  for (int n = 1; NameTaken(cat, t.schema, name); n++) {
    name = base.substr(0, base.size() - std::string(suffix).size()) + suffix + std::to_string(n);
  }
  return name;
}

// Key k of a CREATE INDEX given as an expression: bound over the table (to
// check it and learn its type), kept as SQL text with the columns it reads.
void AddKeyExpression(StmtContext& sc, const TableDef& t, PgNode* expr, IndexDef* x, std::string* name) {
  Scope scope;
  AddTableScope(t, t.name, &scope);
  Binder binder(*sc.eval, nullptr);
  std::unique_ptr<Expr> bound = binder.Bind(expr, scope);
  std::vector<int> read;
  std::function<void(const Expr&)> collect = [&](const Expr& e) {
    if (e.kind == Expr::Kind::kSubquery || e.kind == Expr::Kind::kAggRef) {
      throw PgError(sqlstate::kFeatureNotSupported, "cannot use subquery or aggregate in index expression");
    }
    if (e.kind == Expr::Kind::kColumn && e.outer_level == 0) read.push_back(e.index);
    // Index keys must not change between evaluations of the same row.
    static const std::set<std::string> kNotImmutable = {
        "random", "setseed", "now", "clock_timestamp", "statement_timestamp", "transaction_timestamp",
        "timeofday", "current_timestamp", "current_date", "current_time", "localtime", "localtimestamp",
        "nextval", "currval", "setval", "lastval", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc",
        "uuid_generate_v4", "gen_random_bytes", "txid_current", "pg_backend_pid", "current_user", "session_user",
        "current_setting", "current_schema", "current_database", "to_char", "age"};
    if (e.kind == Expr::Kind::kFunc && kNotImmutable.contains(e.name)) {
      throw PgError(sqlstate::kInvalidObjectDefinition, "functions in index expression must be marked IMMUTABLE");
    }
    for (const auto& a : e.args) {
      if (a) collect(*a);
    }
  };
  collect(*bound);
  // Keys before this one were plain columns: give them empty slots.
  x->exprs.resize(x->columns.size());
  x->expr_types.resize(x->columns.size(), 0);
  x->columns.push_back(IndexDef::kExpressionKey);
  x->exprs.push_back(DeparseExpr(expr));
  x->expr_types.push_back(bound->type == oid::kUnknown ? oid::kText : bound->type);
  for (int c : read) {
    if (std::find(x->expr_columns.begin(), x->expr_columns.end(), c) == x->expr_columns.end()) x->expr_columns.push_back(c);
  }
  *name = expr->node_case == PG_QUERY__NODE__NODE_FUNC_CALL
              ? std::string(NodeString(expr->func_call->funcname[expr->func_call->n_funcname - 1]))
              : "expr";
}

}  // namespace

std::vector<std::string> NodeStrings(PgNode* const* nodes, size_t n) {
  std::vector<std::string> out;
  for (size_t i = 0; i < n; i++) out.emplace_back(NodeString(nodes[i]));
  return out;
}

IndexDef AddUniqueConstraint(StmtContext& sc, TableDef* t, PgNode* const* keys, size_t n, const char* conname,
                             bool build, bool nulls_not_distinct, const std::vector<std::string>& include) {
  IndexDef x;
  x.unique = true;
  x.nulls_not_distinct = nulls_not_distinct;
  x.constraint = true;
  for (size_t i = 0; i < n; i++) {
    const std::string col(NodeString(keys[i]));
    const int c = t->FindColumn(col);
    if (c < 0) throw PgError(sqlstate::kUndefinedColumn, "column \"" + col + "\" named in key does not exist");
    x.columns.push_back(c);
  }
  for (const std::string& col : include) {
    const int c = t->FindColumn(col);
    if (c < 0) throw PgError(sqlstate::kUndefinedColumn, "column \"" + col + "\" named in key does not exist");
    x.include_columns.push_back(c);
  }
  x.name = conname != nullptr && *conname ? conname : DefaultIndexName(**sc.catalog, *t, x.columns, "key");
  for (const auto& other : t->indexes) {
    if (other.name == x.name) throw PgError(sqlstate::kDuplicateTable, "relation \"" + x.name + "\" already exists");
  }
  x.oid = sc.db->AllocateOid();
  x.storage_id = sc.db->AllocateOid();
  t->indexes.push_back(x);
  if (build) {
    IndexWriter w(sc, *t);
    w.Build(x);
  }
  return x;
}

QueryResult RunCreateIndex(const PgQuery__IndexStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE INDEX";
  TableDef t = LookupTable(sc, s->relation);
  LockRelation(sc, t, Database::TableLockMode::kShare);
  if (s->n_exclude_op_names > 0) {
    throw PgError(sqlstate::kFeatureNotSupported, "exclusion constraints are not supported yet");
  }
  IndexDef x;
  x.unique = s->unique;
  // USING: recorded for pg_am/pg_get_indexdef. The entries are those of an
  // ordered index over the key columns whatever the method, so the index
  // stays exact; the planner uses it only for what an ordered index answers
  // (equality and ranges), never for the method's own operators (@>, %, ...),
  // which are then evaluated on every row.
  if (s->access_method != nullptr && *s->access_method) x.access_method = s->access_method;
  if (AccessMethodOid(**sc.catalog, x.access_method) == 0) {
    throw PgError(sqlstate::kUndefinedObject, "access method \"" + x.access_method + "\" does not exist");
  }
  if (x.unique && x.access_method != "btree") {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "access method \"" + x.access_method + "\" does not support unique indexes");
  }
  if (s->n_index_including_params > 0 && x.access_method != "btree" && x.access_method != "gist" &&
      x.access_method != "spgist") {
    throw PgError(sqlstate::kFeatureNotSupported,
                  "access method \"" + x.access_method + "\" does not support included columns");
  }
  for (size_t i = 0; i < s->n_index_including_params; i++) {
    const PgQuery__IndexElem* e = s->index_including_params[i]->index_elem;
    if (e == nullptr || e->name == nullptr || !*e->name) {
      throw PgError(sqlstate::kFeatureNotSupported, "expressions are not supported in included columns");
    }
    const int c = t.FindColumn(e->name);
    if (c < 0) throw PgError(sqlstate::kUndefinedColumn, "column \"" + std::string(e->name) + "\" does not exist");
    x.include_columns.push_back(c);
  }
  x.nulls_not_distinct = s->nulls_not_distinct != 0;
  std::vector<std::string> expr_names;
  for (size_t i = 0; i < s->n_index_params; i++) {
    const PgQuery__IndexElem* e = s->index_params[i]->index_elem;
    expr_names.emplace_back();
    if (e->name == nullptr || !*e->name) {
      if (e->expr == nullptr) throw PgError(sqlstate::kSyntaxError, "index key has neither a column nor an expression");
      AddKeyExpression(sc, t, e->expr, &x, &expr_names.back());
    } else {
      const int c = t.FindColumn(e->name);
      if (c < 0) throw PgError(sqlstate::kUndefinedColumn, "column \"" + std::string(e->name) + "\" does not exist");
      x.columns.push_back(c);
      if (x.HasExpressions()) {
        x.exprs.emplace_back();
        x.expr_types.push_back(0);
      }
    }
    // DESC defaults to NULLS FIRST, ASC to NULLS LAST (pg_index.indoption).
    const bool desc = e->ordering == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
    const bool nulls_first = e->nulls_ordering == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_DEFAULT
                                 ? desc
                                 : e->nulls_ordering == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST;
    x.options.push_back(static_cast<int16_t>((desc ? 1 : 0) | (nulls_first ? 2 : 0)));
  }
  if (std::all_of(x.options.begin(), x.options.end(), [](int16_t o) { return o == 0; })) x.options.clear();
  const std::string name = s->idxname != nullptr && *s->idxname ? s->idxname
                                                                   : DefaultIndexName(**sc.catalog, t, x.columns, "idx", expr_names);
  if (NameTaken(**sc.catalog, t.schema, name)) {
    if (s->if_not_exists) {
      return out;
    }
    throw PgError(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists");
  }
  x.name = name;
  if (s->where_clause != nullptr) {
    // Check it binds over the table, then keep its text.
    Scope scope;
    AddTableScope(t, t.name, &scope);
    Binder binder(*sc.eval, nullptr);
    (void)binder.BindCondition(s->where_clause, scope, "WHERE");
    x.predicate = DeparseExpr(s->where_clause);
  }
  if (sc.describe_only) return out;
  x.oid = sc.db->AllocateOid();
  x.storage_id = sc.db->AllocateOid();
  t.indexes.push_back(x);
  IndexWriter w(sc, t);
  w.Build(x);
  SaveTable(sc, t);
  return out;
}

QueryResult RunDropIndex(const PgQuery__DropStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "DROP INDEX";
  for (size_t i = 0; i < s->n_objects; i++) {
    const PgQuery__List* names = s->objects[i]->list;
    const std::string name(NodeString(names->items[names->n_items - 1]));
    const std::string schema = names->n_items > 1 ? std::string(NodeString(names->items[names->n_items - 2])) : "";
    const TableDef* owner = (*sc.catalog)->FindIndexTable(schema, name);
    if (owner == nullptr) {
      if (s->missing_ok) continue;
      throw PgError(sqlstate::kUndefinedObject, "index \"" + name + "\" does not exist");
    }
    TableDef t = *owner;
    auto it = std::find_if(t.indexes.begin(), t.indexes.end(), [&](const IndexDef& x) { return x.name == name; });
    if (it->constraint) {
      throw PgError(sqlstate::kDependentObjectsStillExist,
                    "cannot drop index " + name + " because constraint " + name + " on table " + t.name + " requires it",
                    "", "You can drop constraint " + name + " on table " + t.name + " instead.");
    }
    t.indexes.erase(it);
    if (!sc.describe_only) SaveTable(sc, t);
  }
  return out;
}

}  // namespace immu::sql
