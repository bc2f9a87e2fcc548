// CREATE [OR REPLACE] VIEW and view expansion. A view is a catalog relation
// of kind 'v' holding its SELECT as SQL text; its columns (names and types)
// are fixed when it is created, as in PostgreSQL. Reading a view runs its
// query in the reading statement's transaction.

#include <memory>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/query_internal.h"

namespace immu::sql {

namespace {

// Qualifies the unqualified relations of a view's FROM clauses with the
// schema they resolve to now, so the view keeps reading those relations
// whatever the reader's search_path (PostgreSQL binds views by OID). The
// parse tree belongs to the statement: Restore() puts it back.
class FromQualifier {
 public:
  explicit FromQualifier(StmtContext& sc) : sc_(sc) {}
  ~FromQualifier() {
    for (auto& [rv, old] : changed_) rv->schemaname = old;
  }
  const std::vector<uint32_t>& deps() const { return deps_; }
  void Select(PgQuery__SelectStmt* s, std::vector<std::string> ctes) {
    if (s == nullptr) return;
    if (s->with_clause != nullptr) {
      for (size_t i = 0; i < s->with_clause->n_ctes; i++) {
        const auto* cte = s->with_clause->ctes[i]->common_table_expr;
        ctes.emplace_back(cte->ctename);
        if (cte->ctequery != nullptr && cte->ctequery->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
          Select(cte->ctequery->select_stmt, ctes);
        }
      }
    }
    for (size_t i = 0; i < s->n_from_clause; i++) Item(s->from_clause[i], ctes);
    Select(s->larg, ctes);
    Select(s->rarg, ctes);
  }

 private:
  void Item(PgNode* n, const std::vector<std::string>& ctes) {
    switch (n->node_case) {
      case PG_QUERY__NODE__NODE_RANGE_VAR: {
        PgQuery__RangeVar* rv = n->range_var;
        if (rv->schemaname != nullptr && *rv->schemaname) {
          if (const TableDef* t = FindRelationInPath(sc_, rv->schemaname, rv->relname)) deps_.push_back(t->oid);
          return;
        }
        for (const auto& c : ctes) {
          if (c == rv->relname) return;
        }
        const TableDef* t = FindRelationInPath(sc_, "", rv->relname);
        if (t == nullptr) return;
        deps_.push_back(t->oid);
        names_.push_back(std::make_unique<std::string>(t->schema));
        changed_.emplace_back(rv, rv->schemaname);
        rv->schemaname = names_.back()->data();
        return;
      }
      case PG_QUERY__NODE__NODE_JOIN_EXPR:
        Item(n->join_expr->larg, ctes);
        Item(n->join_expr->rarg, ctes);
        return;
      case PG_QUERY__NODE__NODE_RANGE_SUBSELECT:
        if (n->range_subselect->subquery != nullptr &&
            n->range_subselect->subquery->node_case == PG_QUERY__NODE__NODE_SELECT_STMT) {
          Select(n->range_subselect->subquery->select_stmt, ctes);
        }
        return;
      default:
        return;
    }
  }

  StmtContext& sc_;
  std::vector<uint32_t> deps_;
  std::vector<std::unique_ptr<std::string>> names_;
  std::vector<std::pair<PgQuery__RangeVar*, char*>> changed_;
};

}  // namespace

QueryResult RunCreateView(const PgQuery__ViewStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE VIEW";
  if (s->query == nullptr || s->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
    throw PgError(sqlstate::kFeatureNotSupported, "views must be defined by a SELECT");
  }
  if (s->with_check_option != PG_QUERY__VIEW_CHECK_OPTION__NO_CHECK_OPTION &&
      s->with_check_option != PG_QUERY__VIEW_CHECK_OPTION__VIEW_CHECK_OPTION_UNDEFINED) {
    throw PgError(sqlstate::kFeatureNotSupported, "WITH CHECK OPTION is not supported yet");
  }
  const std::string schema = CreationSchema(sc, s->view);
  const std::string name = s->view->relname;
  const TableDef* existing = (*sc.catalog)->Find(schema, name);
  if (existing != nullptr && (!s->replace || existing->kind != 'v')) {
    if (existing->kind != 'v' && s->replace) {
      Throw(sqlstate::kWrongObjectType, "\"" + name + "\" is not a view", s->view->location);
    }
    Throw(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists", s->view->location);
  }
  // The query's shape: bind it without reading data.
  StmtContext d = sc;
  d.describe_only = true;
  const QueryResult shape = RunSelect(s->query->select_stmt, d, nullptr);
  if (s->n_aliases > shape.columns.size()) {
    throw PgError(sqlstate::kSyntaxError, "CREATE VIEW specifies more column names than columns");
  }
  TableDef t;
  t.schema = schema;
  t.name = name;
  t.kind = 'v';
  QualifiedViewQuery(sc, s->query, &t.view_query, &t.view_deps);
  for (size_t i = 0; i < shape.columns.size(); i++) {
    ColumnDef c;
    c.name = i < s->n_aliases ? std::string(NodeString(s->aliases[i])) : shape.columns[i].name;
    for (const auto& prev : t.columns) {
      if (prev.name == c.name) {
        throw PgError(sqlstate::kDuplicateColumn, "column \"" + c.name + "\" specified more than once");
      }
    }
    c.type_oid = shape.columns[i].type_oid == oid::kUnknown ? oid::kText : shape.columns[i].type_oid;
    c.typmod = shape.columns[i].type_mod;
    t.columns.push_back(std::move(c));
  }
  if (existing != nullptr) {
    // CREATE OR REPLACE may add columns at the end, not change existing ones.
    for (size_t i = 0; i < existing->columns.size(); i++) {
      if (i >= t.columns.size()) throw PgError(sqlstate::kInvalidTableDefinition, "cannot drop columns from view");
      if (t.columns[i].name != existing->columns[i].name) {
        throw PgError(sqlstate::kInvalidTableDefinition, "cannot change name of view column \"" +
                                                             existing->columns[i].name + "\" to \"" +
                                                             t.columns[i].name + "\"");
      }
      if (t.columns[i].type_oid != existing->columns[i].type_oid) {
        throw PgError(sqlstate::kInvalidTableDefinition,
                      "cannot change data type of view column \"" + t.columns[i].name + "\" from " +
                          FormatType(existing->columns[i].type_oid, existing->columns[i].typmod) + " to " +
                          FormatType(t.columns[i].type_oid, t.columns[i].typmod));
      }
    }
    t.oid = existing->oid;
    t.comment = existing->comment;
  }
  if (sc.describe_only) return out;
  if (t.oid == 0) t.oid = sc.db->AllocateOid();
  SaveTable(sc, t);
  return out;
}

void QualifiedViewQuery(StmtContext& sc, PgNode* query, std::string* text, std::vector<uint32_t>* deps) {
  FromQualifier q(sc);
  q.Select(query->select_stmt, {});
  *text = DeparseStatement(query);
  *deps = q.deps();
}

Relation ExpandView(StmtContext& sc, const TableDef& view, const PgQuery__RangeVar* rv) {
  auto tree = ParseTree::Parse(view.view_query);
  QueryResult q = RunSelect(tree->stmt(0)->select_stmt, sc, nullptr);
  Relation r;
  const std::string qualifier = rv->alias != nullptr ? rv->alias->aliasname : view.name;
  AddTableScope(view, qualifier, &r.scope);
  if (rv->alias != nullptr) {
    for (size_t i = 0; i < rv->alias->n_colnames && i < r.scope.columns.size(); i++) {
      r.scope.columns[i].name = NodeString(rv->alias->colnames[i]);
    }
  }
  // Rows keep the view's declared column types (the query may now yield
  // more columns if a table gained some through *: drop the extras).
  for (Row& row : q.rows) {
    row.resize(view.columns.size());
    r.rows.push_back(std::move(row));
  }
  return r;
}

}  // namespace immu::sql
