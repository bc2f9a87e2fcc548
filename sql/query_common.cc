// Helpers shared by the statement executors (query_internal.h).

#include <cctype>
#include <cstdlib>

#include "catalog/pg_error.h"
#include "sql/lock_wait.h"
#include "sql/user_types.h"
#include "sql/query_internal.h"
#include "sql/row_codec.h"

namespace immu::sql {

std::vector<std::string> SearchPath(const EvalContext& ctx, const Catalog& catalog) {
  std::string path = "\"$user\", public";
  if (ctx.settings != nullptr) {
    auto it = ctx.settings->find("search_path");
    if (it != ctx.settings->end()) path = it->second;
  }
  std::vector<std::string> out;
  bool temp_listed = false;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find(',', i);
    if (j == std::string::npos) j = path.size();
    std::string item = path.substr(i, j - i);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.front()))) item.erase(0, 1);
    while (!item.empty() && std::isspace(static_cast<unsigned char>(item.back()))) item.pop_back();
    if (item.size() >= 2 && item.front() == '"' && item.back() == '"') {
      item = item.substr(1, item.size() - 2);
    } else {
      for (char& c : item) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (item == "$user") item = ctx.user;
    if (item == "pg_temp") {
      temp_listed = true;
      if (!ctx.temp_schema.empty()) out.push_back(ctx.temp_schema);
    } else if (!item.empty() && catalog.SchemaExists(item)) {
      out.push_back(item);
    }
    i = j + 1;
  }
  if (!temp_listed && !ctx.temp_schema.empty()) out.insert(out.begin(), ctx.temp_schema);
  return out;
}

const TableDef* FindRelationInPath(StmtContext& sc, const std::string& schema, const std::string& name) {
  const Catalog& catalog = **sc.catalog;
  if (schema == "pg_temp") return catalog.Find(sc.eval->temp_schema, name);
  if (!schema.empty()) return catalog.Find(schema, name);
  for (const auto& s : SearchPath(*sc.eval, catalog)) {
    if (const TableDef* t = catalog.Find(s, name)) return t;
  }
  return nullptr;
}

const TableDef& LookupTable(StmtContext& sc, const PgQuery__RangeVar* rv) {
  const std::string schema = rv->schemaname != nullptr ? rv->schemaname : "";
  const TableDef* t = FindRelationInPath(sc, schema, rv->relname);
  if (t == nullptr) {
    PgError e(sqlstate::kUndefinedTable, "relation \"" + (schema.empty() ? "" : schema + ".") +
                                             std::string(rv->relname) + "\" does not exist");
    if (rv->location >= 0) e.set_position(rv->location + 1);
    throw e;
  }
  LockRelation(sc, *t, Database::TableLockMode::kAccessShare);
  return *t;
}

void LockRelation(StmtContext& sc, const TableDef& t, Database::TableLockMode mode, bool nowait) {
  if (sc.lock_owner == nullptr || sc.describe_only) return;
  if (sc.db->LockTable(t.oid, mode, sc.lock_owner, nowait, MakeLockWaitCheck(*sc.eval), t.name)) {
    // PostgreSQL takes a READ COMMITTED statement's snapshot after its
    // locks: what the holder committed while we waited is visible.
    if (const auto* settings = sc.eval->settings; settings != nullptr) {
      auto it = settings->find("transaction_isolation");
      if (it != settings->end() && it->second == "read committed") sc.txn->AdvanceSnapshot();
    }
  }
}

std::string CreationSchema(StmtContext& sc, const char* schemaname, int location) {
  if (schemaname != nullptr && *schemaname) {
    if (!(*sc.catalog)->SchemaExists(schemaname)) {
      Throw(sqlstate::kInvalidSchemaName, "schema \"" + std::string(schemaname) + "\" does not exist", location);
    }
    return schemaname;
  }
  for (const auto& s : SearchPath(*sc.eval, **sc.catalog)) {
    if (s != "pg_catalog" && s != "information_schema" && s != sc.eval->temp_schema) return s;
  }
  Throw(sqlstate::kInvalidSchemaName, "no schema has been selected to create in", location);
}

std::string CreationSchema(StmtContext& sc, const PgQuery__RangeVar* rv) {
  const bool temp = rv->relpersistence != nullptr && rv->relpersistence[0] == 't';
  const std::string schema = rv->schemaname != nullptr ? rv->schemaname : "";
  if (schema == "pg_temp" || (temp && schema.empty()) || (!schema.empty() && schema == sc.eval->temp_schema)) {
    if (sc.eval->temp_schema.empty()) {
      Throw(sqlstate::kFeatureNotSupported, "temporary relations need a session", rv->location);
    }
    return sc.eval->temp_schema;
  }
  if (temp || schema.starts_with("pg_temp_")) {
    Throw(sqlstate::kInvalidTableDefinition, "cannot create temporary relation in non-temporary schema",
          rv->location);
  }
  return CreationSchema(sc, rv->schemaname, rv->location);
}

void CheckMaterialized(size_t rows, size_t width) {
  if ((rows & 0xffff) != 0) return;
  static const uint64_t limit = [] {
    const char* env = std::getenv("IMMUDB_MAX_STATEMENT_MEMORY");
    const uint64_t v = env != nullptr ? std::strtoull(env, nullptr, 10) : 0;
    return v > 0 ? v : uint64_t{4} << 30;
  }();
  const uint64_t bytes = static_cast<uint64_t>(rows) * (width * sizeof(Value) + sizeof(Row));
  if (bytes > limit) {
    throw PgError(sqlstate::kProgramLimitExceeded,
                  "statement needs more than " + std::to_string(limit >> 20) + " MiB of intermediate rows",
                  "A join produced " + std::to_string(rows) + " rows of " + std::to_string(width) + " columns.",
                  "Narrow the join, or raise IMMUDB_MAX_STATEMENT_MEMORY.");
  }
}

std::string RowText(const Row& row, EvalContext& ctx) {
  std::string s = "(";
  for (size_t i = 0; i < row.size(); i++) {
    if (i > 0) s += ", ";
    s += row[i].null ? "null" : ToText(row[i], ctx.vc);
  }
  return s + ")";
}

std::vector<uint32_t> ColumnTypes(const TableDef& t) {
  std::vector<uint32_t> types;
  types.reserve(t.columns.size());
  for (const auto& c : t.columns) types.push_back(c.type_oid);
  return types;
}

void ScanTable(StmtContext& sc, const TableDef& t, std::vector<Row>* rows, std::vector<std::string>* keys) {
  if (sc.describe_only) return;
  ScanOptions o;
  o.prefix = RowPrefix(t.relfilenode());
  auto got = sc.txn->Scan(o);
  ThrowIfError(got.status());
  const std::vector<uint32_t> types = ColumnTypes(t);
  rows->reserve(rows->size() + got->size());
  for (auto& vv : *got) {
    CheckCancel(*sc.eval);
    Row r;
    DecodeRow(vv.value, types, &r);
    rows->push_back(std::move(r));
    if (keys != nullptr) keys->push_back(std::move(vv.key));
  }
}

std::string RowKey(const TableDef& t, const Row& row, int64_t row_id) {
  std::string key = RowPrefix(t.relfilenode());
  if (t.pk.empty()) {
    AppendKeyValue(Value::Int(oid::kInt8, row_id), &key);
  } else {
    for (int c : t.pk) AppendKeyValue(row[static_cast<size_t>(c)], &key);
  }
  return key;
}

void AddTableScope(const TableDef& t, const std::string& qualifier, Scope* scope) {
  for (size_t i = 0; i < t.columns.size(); i++) {
    const ColumnDef& c = t.columns[i];
    ScopeColumn sc;
    sc.qualifier = qualifier;
    sc.name = c.dropped ? "" : c.name;
    sc.type = BaseType(c.type_oid, &sc.typmod);  // domain columns read as their base type
    if (sc.type == c.type_oid || c.typmod >= 0) sc.typmod = c.typmod;
    sc.table_oid = t.oid;
    sc.attnum = static_cast<int16_t>(i + 1);
    scope->columns.push_back(std::move(sc));
  }
}

ResultColumn MakeResultColumn(const std::string& name, const Expr& e) {
  ResultColumn c;
  c.name = name;
  c.type_oid = e.type == oid::kUnknown ? oid::kText : e.type;
  c.type_mod = e.typmod;
  const TypeInfo* ti = FindType(c.type_oid);
  c.type_len = ti != nullptr ? ti->len : -1;
  if (c.type_len == -2) c.type_len = -1;
  return c;
}

std::string DefaultColumnName(const PgNode* n) {
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_COLUMN_REF: {
      const auto* r = n->column_ref;
      const PgNode* last = r->fields[r->n_fields - 1];
      return last->node_case == PG_QUERY__NODE__NODE_STRING ? std::string(NodeString(last)) : "?column?";
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
      return std::string(NodeString(n->func_call->funcname[n->func_call->n_funcname - 1]));
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      // As PostgreSQL's FigureColname: a name from inside wins, but not an
      // inner cast's type name ('a'::"char"::text is named text).
      const PgNode* arg = n->type_cast->arg;
      while (arg->node_case == PG_QUERY__NODE__NODE_TYPE_CAST) arg = arg->type_cast->arg;
      const std::string inner = DefaultColumnName(arg);
      if (inner != "?column?") return inner;
      const auto* tn = n->type_cast->type_name;
      std::string name(NodeString(tn->names[tn->n_names - 1]));
      return name;
    }
    case PG_QUERY__NODE__NODE_ROW_EXPR:
      return "row";
    case PG_QUERY__NODE__NODE_A_INDIRECTION: {  // (composite).field is named after the field
      const auto* ind = n->a_indirection;
      const PgNode* last = ind->n_indirection > 0 ? ind->indirection[ind->n_indirection - 1] : nullptr;
      if (last != nullptr && last->node_case == PG_QUERY__NODE__NODE_STRING) return std::string(NodeString(last));
      return DefaultColumnName(ind->arg);
    }
    case PG_QUERY__NODE__NODE_CASE_EXPR:
      return "case";
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
      return "coalesce";
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR:
      return n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST ? "greatest" : "least";
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION:
      switch (n->sqlvalue_function->op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE: return "current_date";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N: return "current_timestamp";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N: return "localtimestamp";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N: return "current_time";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N: return "localtime";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER: return "session_user";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG: return "current_catalog";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA: return "current_schema";
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_USER: return "current_user";
        default: return "current_user";
      }
    case PG_QUERY__NODE__NODE_SUB_LINK: {
      // As FigureColname: EXISTS, ARRAY(...), and a scalar subquery takes
      // its single output column's name.
      const PgQuery__SubLink* l = n->sub_link;
      if (l->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK) return "exists";
      if (l->sub_link_type == PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK) return "array";
      if (l->sub_link_type == PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK && l->subselect != nullptr &&
          l->subselect->node_case == PG_QUERY__NODE__NODE_SELECT_STMT &&
          l->subselect->select_stmt->n_target_list > 0) {
        const PgQuery__ResTarget* rt = l->subselect->select_stmt->target_list[0]->res_target;
        if (rt->name != nullptr && *rt->name) return rt->name;
        if (rt->val != nullptr) return DefaultColumnName(rt->val);
      }
      return "?column?";
    }
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
      return "array";
    default:
      return "?column?";
  }
}

void BindTargetList(PgNode* const* targets, size_t n, const Scope& scope, Binder& binder, Projection* out,
                    bool has_from) {
  for (size_t i = 0; i < n; i++) {
    const PgQuery__ResTarget* rt = targets[i]->res_target;
    const PgNode* val = rt->val;
    // * and t.*
    if (val->node_case == PG_QUERY__NODE__NODE_COLUMN_REF) {
      const auto* cr = val->column_ref;
      if (cr->fields[cr->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
        const std::string qualifier = cr->n_fields >= 2 ? std::string(NodeString(cr->fields[cr->n_fields - 2])) : "";
        bool any = false;
        for (size_t c = 0; c < scope.columns.size(); c++) {
          const ScopeColumn& col = scope.columns[c];
          if (col.name.empty() || (!qualifier.empty() && col.qualifier != qualifier)) continue;
          if (qualifier.empty() && col.using_duplicate) continue;
          any = true;
          auto e = std::make_unique<Expr>();
          e->kind = Expr::Kind::kColumn;
          e->index = static_cast<int>(c);
          e->type = col.type;
          e->typmod = col.typmod;
          ResultColumn rc = MakeResultColumn(col.name, *e);
          rc.table_oid = col.table_oid;
          rc.column_attnum = col.attnum;
          out->columns.push_back(rc);
          out->exprs.push_back(std::move(e));
        }
        if (!qualifier.empty() && !any) {
          PgError e(sqlstate::kUndefinedTable, "missing FROM-clause entry for table \"" + qualifier + "\"");
          e.set_position(cr->location + 1);
          throw e;
        }
        if (qualifier.empty() && !has_from) {
          PgError e(sqlstate::kSyntaxError, "SELECT * with no tables specified is not valid");
          e.set_position(cr->location + 1);
          throw e;
        }
        continue;
      }
    }
    const std::string name = rt->name != nullptr && *rt->name ? std::string(rt->name) : DefaultColumnName(val);
    auto e = binder.Bind(val, scope);
    if (e->type == oid::kUnknown) e = binder.Coerce(std::move(e), oid::kText, -1, false);
    ResultColumn rc = MakeResultColumn(name, *e);
    if (e->kind == Expr::Kind::kColumn && e->outer_level == 0) {
      const ScopeColumn& col = scope.columns[static_cast<size_t>(e->index)];
      rc.table_oid = col.table_oid;
      rc.column_attnum = col.attnum;
    }
    out->columns.push_back(rc);
    out->exprs.push_back(std::move(e));
  }
}

}  // namespace immu::sql
