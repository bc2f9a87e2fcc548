// CREATE TABLE and DROP TABLE. Definitions are versioned entries of the
// store written in the statement's transaction, so schema history is kept
// and DDL is transactional; dropping hides a table without erasing its rows'
// history (the oid is never reused).

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/generated_columns.h"
#include "sql/constraints.h"
#include "sql/query_explain.h"
#include "sql/extensions.h"
#include "sql/query_internal.h"
#include "sql/row_writer.h"

namespace immu::sql {

namespace {

void SetPrimaryKey(TableDef* t, PgNode* const* keys, size_t n, const char* conname, int location) {
  if (!t->pk.empty()) {
    Throw(sqlstate::kInvalidTableDefinition,
          "multiple primary keys for table \"" + t->name + "\" are not allowed", location);
  }
  for (size_t i = 0; i < n; i++) {
    const std::string name(NodeString(keys[i]));
    const int c = t->FindColumn(name);
    if (c < 0) Throw(sqlstate::kUndefinedColumn, "column \"" + name + "\" named in key does not exist", location);
    t->pk.push_back(c);
    t->columns[static_cast<size_t>(c)].not_null = true;
  }
  t->pk_name = conname != nullptr && *conname ? conname : t->name + "_pkey";
}

}  // namespace

QueryResult RunCreateTable(const PgQuery__CreateStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE TABLE";
  const std::string schema = CreationSchema(sc, s->relation);
  const std::string name = s->relation->relname;
  if ((*sc.catalog)->Find(schema, name) != nullptr) {
    if (s->if_not_exists) {
      out.tag = "CREATE TABLE";
      return out;  // PostgreSQL sends a NOTICE; the session adds it
    }
    Throw(sqlstate::kDuplicateTable, "relation \"" + name + "\" already exists", s->relation->location);
  }
  if (s->n_inh_relations > 0 || s->partspec != nullptr || s->of_typename != nullptr) {
    throw PgError(sqlstate::kFeatureNotSupported, "inheritance, partitioning and typed tables are not supported");
  }
  TableDef t;
  t.schema = schema;
  t.name = name;
  struct PendingPk {
    std::vector<PgNode*> keys;
    const char* conname;
    int location;
  };
  std::vector<PendingPk> pks;
  struct PendingUnique {
    std::vector<std::string> columns;
    const char* conname;
    bool nulls_not_distinct;
    std::vector<std::string> include;
  };
  std::vector<PendingUnique> uniques;
  // CHECK and FOREIGN KEY constraints, built once every column and the
  // primary key are known (a table may reference itself).
  struct PendingConstraint {
    const PgQuery__Constraint* con;
    std::string column;  // empty: a table constraint
    bool deferrable = false, deferred = false;
  };
  std::vector<PendingConstraint> pending;
  for (size_t i = 0; i < s->n_table_elts; i++) {
    const PgNode* elt = s->table_elts[i];
    if (elt->node_case == PG_QUERY__NODE__NODE_COLUMN_DEF) {
      const PgQuery__ColumnDef* cd = elt->column_def;
      ColumnDef col;
      col.name = cd->colname;
      if (t.FindColumn(col.name) >= 0) {
        Throw(sqlstate::kDuplicateColumn, "column \"" + col.name + "\" specified more than once", cd->location);
      }
      bool serial = false;
      ResolveTypeName(cd->type_name, &col.type_oid, &col.typmod, &serial);
      col.serial = serial;
      col.not_null = cd->is_not_null || serial;
      if (cd->raw_default != nullptr) col.default_expr = DeparseExpr(cd->raw_default);
      bool column_pk = false;
      bool column_unique = false;
      bool column_unique_nnd = false;
      const char* column_unique_name = nullptr;
      const char* column_pk_name = nullptr;
      int column_pk_location = -1;
      for (size_t k = 0; k < cd->n_constraints; k++) {
        const PgQuery__Constraint* con = cd->constraints[k]->constraint;
        switch (con->contype) {
          case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
            col.not_null = true;
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_NULL:
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
            col.default_expr = DeparseExpr(con->raw_expr);
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY:
            col.serial = true;
            col.not_null = true;
            col.identity = true;
            col.identity_always = con->generated_when != nullptr && *con->generated_when && std::string_view(con->generated_when) == "a";
            col.identity_options = IdentityOptions(sc, con->options, con->n_options, col.type_oid);
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED:
            col.generated_expr = DeparseExpr(con->raw_expr);
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE:
            column_unique = true;
            column_unique_nnd = con->nulls_not_distinct != 0;
            column_unique_name = con->conname;
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY:
            column_pk = true;
            column_pk_name = con->conname;
            column_pk_location = con->location;
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
          case PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN:
            pending.push_back({con, cd->colname, con->deferrable != 0, con->initdeferred != 0});
            break;
          case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE:
          case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE:
          case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED:
          case PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE: {
            // Attributes of the preceding REFERENCES clause.
            if (pending.empty() || pending.back().con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
              Throw(sqlstate::kSyntaxError, "misplaced DEFERRABLE clause", con->location);
            }
            auto& p = pending.back();
            if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE) p.deferrable = true;
            if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED) p.deferrable = p.deferred = true;
            if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE) p.deferrable = false;
            if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE) p.deferred = false;
            break;
          }
          default:
            throw PgError(sqlstate::kFeatureNotSupported, "this column constraint is not supported yet");
        }
      }
      const std::string col_name = col.name;
      t.columns.push_back(std::move(col));
      if (column_unique) uniques.push_back({{col_name}, column_unique_name, column_unique_nnd});
      if (column_pk) {
        if (!t.pk.empty()) {
          Throw(sqlstate::kInvalidTableDefinition,
                "multiple primary keys for table \"" + t.name + "\" are not allowed", column_pk_location);
        }
        t.pk.push_back(static_cast<int>(t.columns.size() - 1));
        t.columns.back().not_null = true;
        t.pk_name = column_pk_name != nullptr && *column_pk_name ? column_pk_name : t.name + "_pkey";
      }
    } else if (elt->node_case == PG_QUERY__NODE__NODE_CONSTRAINT) {
      const PgQuery__Constraint* con = elt->constraint;
      if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
        std::vector<std::string> cols;
        for (size_t k = 0; k < con->n_keys; k++) cols.emplace_back(NodeString(con->keys[k]));
        uniques.push_back({cols, con->conname, con->nulls_not_distinct != 0, NodeStrings(con->including, con->n_including)});
        continue;
      }
      if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK || con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
        pending.push_back({con, "", con->deferrable != 0, con->initdeferred != 0});
        continue;
      }
      if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
        throw PgError(sqlstate::kFeatureNotSupported, "this table constraint is not supported yet");
      }
      PendingPk pk;
      pk.keys.assign(con->keys, con->keys + con->n_keys);
      pk.conname = con->conname;
      pk.location = con->location;
      pks.push_back(std::move(pk));
    } else {
      throw PgError(sqlstate::kFeatureNotSupported, "this table element is not supported yet");
    }
  }
  for (const auto& pk : pks) SetPrimaryKey(&t, pk.keys.data(), pk.keys.size(), pk.conname, pk.location);
  if (sc.describe_only) return out;
  for (const auto& p : pending) {
    const std::string* column = p.column.empty() ? nullptr : &p.column;
    if (p.con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
      t.checks.push_back(MakeCheck(sc, t, p.con, column));
    } else {
      ForeignKeyDef fk = MakeForeignKey(sc, t, p.con, column);
      fk.deferrable = p.deferrable || p.deferred;
      fk.initially_deferred = p.deferred;
      t.foreign_keys.push_back(std::move(fk));
    }
  }
  for (size_t c = 0; c < t.columns.size(); c++) {
    const ColumnDef& col = t.columns[c];
    if (col.generated_expr.empty()) continue;
    if (!col.default_expr.empty() || col.serial) {
      throw PgError(sqlstate::kSyntaxError, "both default and generation expression specified for column \"" +
                                                col.name + "\" of table \"" + t.name + "\"");
    }
    (void)BindGenerated(sc, t, c);
  }
  for (const auto& c : t.columns) {
    if (!c.default_expr.empty()) {
      // Check the default binds and has a compatible type now.
      Binder binder(*sc.eval, nullptr);
      auto tree = ParseTree::Parse("SELECT " + c.default_expr);
      auto e = binder.Bind(tree->stmt(0)->select_stmt->target_list[0]->res_target->val, Scope{});
      (void)binder.Coerce(std::move(e), c.type_oid, c.typmod, false, ("column \"" + c.name + "\"").c_str());
    }
  }
  t.oid = sc.db->AllocateOid();
  for (auto& fk : t.foreign_keys) {
    if (fk.ref_oid == 0) fk.ref_oid = t.oid;  // references itself
  }
  for (const auto& u : uniques) {
    // Build key nodes for the shared helper.
    std::vector<PgQuery__String> strs(u.columns.size());
    std::vector<PgQuery__Node> nodes(u.columns.size());
    std::vector<PgNode*> ptrs;
    for (size_t k = 0; k < u.columns.size(); k++) {
      strs[k] = PG_QUERY__STRING__INIT;
      strs[k].sval = const_cast<char*>(u.columns[k].c_str());
      nodes[k] = PG_QUERY__NODE__INIT;
      nodes[k].node_case = PG_QUERY__NODE__NODE_STRING;
      nodes[k].string = &strs[k];
      ptrs.push_back(&nodes[k]);
    }
    AddUniqueConstraint(sc, &t, ptrs.data(), ptrs.size(), u.conname, false, u.nulls_not_distinct, u.include);
  }
  SaveTable(sc, t);
  return out;
}

size_t InsertResultRows(StmtContext& sc, const TableDef& t, std::vector<Row>* rows) {
  RowWriter writer(sc, t);
  size_t n = 0;
  for (Row& row : *rows) {
    CheckCancel(*sc.eval);
    row.resize(t.columns.size());
    for (size_t c = 0; c < row.size(); c++) {
      if (!row[c].null && row[c].type != t.columns[c].type_oid) {
        row[c] = CastValue(row[c], t.columns[c].type_oid, t.columns[c].typmod, sc.eval->vc, false);
      }
    }
    writer.Insert(row);
    n++;
  }
  writer.Finish();
  return n;
}

// CREATE TABLE AS and CREATE MATERIALIZED VIEW. A materialized view is a
// table of kind 'm' holding its query's rows as of the last refresh
// (versioned and provable like any rows) plus the query's text.
QueryResult RunCreateTableAs(const PgQuery__CreateTableAsStmt* s, StmtContext& sc) {
  const bool matview = s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW;
  if (s->query == nullptr || s->query->node_case != PG_QUERY__NODE__NODE_SELECT_STMT) {
    throw PgError(sqlstate::kFeatureNotSupported, "CREATE TABLE AS needs a SELECT");
  }
  const PgQuery__RangeVar* rv = s->into->rel;
  if (matview && rv->relpersistence != nullptr && std::string_view(rv->relpersistence) == "u") {
    Throw(sqlstate::kFeatureNotSupported, "materialized views cannot be unlogged", rv->location);
  }
  const std::string schema = CreationSchema(sc, rv);
  QueryResult out;
  out.tag = "SELECT 0";
  if ((*sc.catalog)->Find(schema, rv->relname) != nullptr) {
    if (s->if_not_exists) return out;
    Throw(sqlstate::kDuplicateTable, "relation \"" + std::string(rv->relname) + "\" already exists", rv->location);
  }
  QueryResult q;
  if (matview && s->into->skip_data) {
    StmtContext d = sc;
    d.describe_only = true;
    q = RunSelect(s->query->select_stmt, d, nullptr);
  } else {
    q = RunSelect(s->query->select_stmt, sc, nullptr);
  }
  if (s->into->n_col_names > q.columns.size()) {
    throw PgError(sqlstate::kSyntaxError, "too many column names were specified");
  }
  TableDef t;
  t.schema = schema;
  t.name = rv->relname;
  for (size_t i = 0; i < q.columns.size(); i++) {
    ColumnDef c;
    c.name = i < s->into->n_col_names ? std::string(NodeString(s->into->col_names[i])) : q.columns[i].name;
    if (t.FindColumn(c.name) >= 0) {
      throw PgError(sqlstate::kDuplicateColumn, "column \"" + c.name + "\" specified more than once");
    }
    c.type_oid = q.columns[i].type_oid == oid::kUnknown ? oid::kText : q.columns[i].type_oid;
    c.typmod = q.columns[i].type_mod;
    t.columns.push_back(std::move(c));
  }
  if (matview) {
    t.kind = 'm';
    t.populated = !s->into->skip_data;
    QualifiedViewQuery(sc, s->query, &t.view_query, &t.view_deps);
  }
  if (sc.describe_only) return out;
  t.oid = sc.db->AllocateOid();
  SaveTable(sc, t);
  const TableDef& saved = *(*sc.catalog)->FindByOid(t.oid);
  const size_t n = s->into->skip_data ? 0 : InsertResultRows(sc, saved, &q.rows);
  out.tag = "SELECT " + std::to_string(n);
  return out;
}

QueryResult RunRefreshMatView(const PgQuery__RefreshMatViewStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "REFRESH MATERIALIZED VIEW";
  TableDef t = LookupTable(sc, s->relation);
  if (t.kind != 'm') {
    Throw(sqlstate::kFeatureNotSupported, "\"" + t.name + "\" is not a materialized view", s->relation->location);
  }
  if (s->concurrent) {
    if (s->skip_data) {
      throw PgError(sqlstate::kSyntaxError, "REFRESH options CONCURRENTLY and WITH NO DATA cannot be used together");
    }
    if (!t.populated) {
      throw PgError(sqlstate::kFeatureNotSupported,
                    "CONCURRENTLY cannot be used when the materialized view is not populated");
    }
    const bool keyed = std::any_of(t.indexes.begin(), t.indexes.end(),
                                   [](const IndexDef& x) { return x.unique && x.predicate.empty(); });
    if (!keyed) {
      throw PgError(sqlstate::kObjectNotInPrerequisiteState,
                    "cannot refresh materialized view \"" + t.schema + "." + t.name + "\" concurrently", "",
                    "Create a unique index with no WHERE clause on one or more columns of the materialized view.");
    }
  }
  if (sc.describe_only) return out;
  LockRelation(sc, t, s->concurrent ? Database::TableLockMode::kExclusive : Database::TableLockMode::kAccessExclusive);
  std::vector<Row> rows;
  if (!s->skip_data) {
    auto tree = ParseTree::Parse(t.view_query);
    rows = RunSelect(tree->stmt(0)->select_stmt, sc, nullptr).rows;
  }
  // Fresh storage, as TRUNCATE: the previous contents stay as history.
  t.storage_id = sc.db->AllocateOid();
  for (auto& x : t.indexes) x.storage_id = sc.db->AllocateOid();
  t.populated = !s->skip_data;
  SaveTable(sc, t);
  InsertResultRows(sc, *(*sc.catalog)->FindByOid(t.oid), &rows);
  return out;
}

namespace {

// DROP FUNCTION / PROCEDURE / ROUTINE / AGGREGATE / TRIGGER / RULE / POLICY:
// none of these can be created here (CREATE FUNCTION, CREATE TRIGGER ... are
// not supported), so the object never exists: IF EXISTS succeeds (schema
// scripts and ORMs drop them defensively), otherwise PostgreSQL's
// "does not exist" error.
bool RunDropAbsentObject(const PgQuery__DropStmt* s, QueryResult* out) {
  const char* tag = nullptr;
  const char* noun = nullptr;
  bool routine = false;
  switch (s->remove_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_FUNCTION: tag = "DROP FUNCTION"; noun = "function"; routine = true; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_PROCEDURE: tag = "DROP PROCEDURE"; noun = "procedure"; routine = true; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_ROUTINE: tag = "DROP ROUTINE"; noun = "routine"; routine = true; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_AGGREGATE: tag = "DROP AGGREGATE"; noun = "aggregate"; routine = true; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TRIGGER: tag = "DROP TRIGGER"; noun = "trigger"; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_RULE: tag = "DROP RULE"; noun = "rule"; break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_POLICY: tag = "DROP POLICY"; noun = "policy"; break;
    default: return false;
  }
  out->tag = tag;
  if (s->missing_ok || s->n_objects == 0) return true;
  const PgNode* obj = s->objects[0];
  std::string what;
  if (routine && obj->node_case == PG_QUERY__NODE__NODE_OBJECT_WITH_ARGS) {
    const PgQuery__ObjectWithArgs* f = obj->object_with_args;
    what = f->n_objname > 0 ? std::string(NodeString(f->objname[f->n_objname - 1])) : "";
    std::string args;
    for (size_t i = 0; i < f->n_objargs; i++) {
      const PgQuery__TypeName* tn = f->objargs[i]->type_name;
      uint32_t type = 0;
      int32_t typmod = -1;
      ResolveTypeName(tn, &type, &typmod);
      args += (i ? ", " : "") + FormatType(type, -1);
    }
    if (!f->args_unspecified) what += "(" + args + ")";
    throw PgError(sqlstate::kUndefinedFunction, std::string(noun) + " " + what + " does not exist");
  }
  // TRIGGER / RULE / POLICY name ON table: a list (schema.)table.name.
  if (obj->node_case == PG_QUERY__NODE__NODE_LIST && obj->list->n_items >= 2) {
    const PgQuery__List* l = obj->list;
    throw PgError(sqlstate::kUndefinedObject, std::string(noun) + " \"" + std::string(NodeString(l->items[l->n_items - 1])) +
                                                  "\" for table \"" + std::string(NodeString(l->items[l->n_items - 2])) +
                                                  "\" does not exist");
  }
  throw PgError(sqlstate::kUndefinedObject, std::string(noun) + " does not exist");
}

}  // namespace

QueryResult RunDrop(const PgQuery__DropStmt* s, StmtContext& sc) {
  QueryResult out;
  if (RunDropAbsentObject(s, &out)) return out;
  if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) return RunDropIndex(s, sc);
  if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA) return RunDropSchema(s, sc);
  if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_EXTENSION) return RunDropExtension(s, sc);
  if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE || s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) {
    return RunDropType(s, sc);
  }
  char kind = 'r';
  const char* noun = "table";
  if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) {
    kind = 'v';
    noun = "view";
  } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) {
    kind = 'S';
    noun = "sequence";
  } else if (s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) {
    kind = 'm';
    noun = "materialized view";
  } else if (s->remove_type != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    throw PgError(sqlstate::kFeatureNotSupported, "DROP of this kind of object is not supported yet");
  }
  out.tag = kind == 'v' ? "DROP VIEW" : kind == 'S' ? "DROP SEQUENCE" : kind == 'm' ? "DROP MATERIALIZED VIEW" : "DROP TABLE";
  std::vector<const TableDef*> victims;
  for (size_t i = 0; i < s->n_objects; i++) {
    const PgQuery__List* names = s->objects[i]->list;
    std::string schema, name;
    if (names->n_items == 1) {
      name = NodeString(names->items[0]);
    } else {
      schema = NodeString(names->items[names->n_items - 2]);
      name = NodeString(names->items[names->n_items - 1]);
    }
    const TableDef* t = FindRelationInPath(sc, schema, name);
    if (t == nullptr) {
      if (s->missing_ok) continue;
      Throw(sqlstate::kUndefinedTable, std::string(noun) + " \"" + name + "\" does not exist");
    }
    if (t->kind != kind) {
      const char* hint = t->kind == 'v'   ? "Use DROP VIEW to remove a view."
                         : t->kind == 'S' ? "Use DROP SEQUENCE to remove a sequence."
                         : t->kind == 'm' ? "Use DROP MATERIALIZED VIEW to remove a materialized view."
                                          : "Use DROP TABLE to remove a table.";
      throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a " + noun, "", hint);
    }
    victims.push_back(t);
  }
  if (sc.describe_only) return out;
  for (const TableDef* t : victims) LockRelation(sc, *t, Database::TableLockMode::kAccessExclusive);
  std::vector<uint32_t> oids;
  for (const TableDef* t : victims) oids.push_back(t->oid);
  // Views reading a dropped relation go with CASCADE, else stop the drop.
  for (size_t i = 0; i < oids.size(); i++) {
    for (const auto& [oid, v] : (*sc.catalog)->tables()) {
      if ((v.kind != 'v' && v.kind != 'm') || std::find(oids.begin(), oids.end(), oid) != oids.end()) continue;
      if (std::find(v.view_deps.begin(), v.view_deps.end(), oids[i]) == v.view_deps.end()) continue;
      const TableDef* dropped = (*sc.catalog)->FindByOid(oids[i]);
      if (s->behavior != PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE) {
        const char* what = dropped->kind == 'v'   ? "view "
                           : dropped->kind == 'S' ? "sequence "
                           : dropped->kind == 'm' ? "materialized view "
                                                  : "table ";
        throw PgError(sqlstate::kDependentObjectsStillExist,
                      "cannot drop " + std::string(what) + dropped->name + " because other objects depend on it",
                      std::string(v.kind == 'm' ? "materialized view " : "view ") + v.name + " depends on " + what +
                          dropped->name,
                      "Use DROP ... CASCADE to drop the dependent objects too.");
      }
      oids.push_back(oid);
    }
  }
  for (uint32_t oid : oids) {
    // References from tables dropped by the same statement do not count.
    // (SaveTable replaces the catalog: look the table up afresh each time.)
    const TableDef t = *(*sc.catalog)->FindByOid(oid);
    bool outside = false;
    for (const TableDef* child : ReferencingTables(**sc.catalog, t)) {
      outside |= std::find(oids.begin(), oids.end(), child->oid) == oids.end();
    }
    if (outside) {
      DropReferencingKeys(sc, t, s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE, "table " + t.name,
                          "table " + t.name);
    }
  }
  for (uint32_t oid : oids) {
    ThrowIfError(sc.txn->Delete(TableDefKey(oid)));
    *sc.catalog = (*sc.catalog)->WithoutTable(oid);
  }
  sc.catalog_changed = !oids.empty() || sc.catalog_changed;
  return out;
}

QueryResult ExecuteStatement(const PgNode* stmt, StmtContext& sc) {
  if (sc.eval != nullptr) {
    sc.eval->db = sc.db;
    sc.eval->txn = sc.txn;
  }
  switch (stmt->node_case) {
    case PG_QUERY__NODE__NODE_SELECT_STMT: {
      QueryResult r = RunSelect(stmt->select_stmt, sc, nullptr);
      r.tag = "SELECT " + std::to_string(r.rows.size());
      return r;
    }
    case PG_QUERY__NODE__NODE_INSERT_STMT:
      return RunInsert(stmt->insert_stmt, sc);
    case PG_QUERY__NODE__NODE_UPDATE_STMT:
      return RunUpdate(stmt->update_stmt, sc);
    case PG_QUERY__NODE__NODE_DELETE_STMT:
      return RunDelete(stmt->delete_stmt, sc);
    case PG_QUERY__NODE__NODE_EXPLAIN_STMT:
      return RunExplain(stmt->explain_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      return RunCreateTable(stmt->create_stmt, sc);
    case PG_QUERY__NODE__NODE_DROP_STMT:
      return RunDrop(stmt->drop_stmt, sc);
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return RunCreateIndex(stmt->index_stmt, sc);
    case PG_QUERY__NODE__NODE_TRUNCATE_STMT:
      return RunTruncate(stmt->truncate_stmt, sc);
    case PG_QUERY__NODE__NODE_ALTER_TABLE_STMT:
      return RunAlterTable(stmt->alter_table_stmt, sc);
    case PG_QUERY__NODE__NODE_RENAME_STMT:
      return RunRename(stmt->rename_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_TABLE_AS_STMT:
      return RunCreateTableAs(stmt->create_table_as_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      return RunCreateSequence(stmt->create_seq_stmt, sc);
    case PG_QUERY__NODE__NODE_ALTER_SEQ_STMT:
      return RunAlterSequence(stmt->alter_seq_stmt, sc);
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      return RunCreateView(stmt->view_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_SCHEMA_STMT:
      return RunCreateSchema(stmt->create_schema_stmt, sc);
    case PG_QUERY__NODE__NODE_COMMENT_STMT:
      return RunComment(stmt->comment_stmt, sc);
    case PG_QUERY__NODE__NODE_REFRESH_MAT_VIEW_STMT:
      return RunRefreshMatView(stmt->refresh_mat_view_stmt, sc);
    case PG_QUERY__NODE__NODE_LOCK_STMT: {
      // LOCK [TABLE] name [, ...] [IN mode MODE] [NOWAIT]; the session
      // refuses it outside a transaction block (25P01).
      const auto* l = stmt->lock_stmt;
      if (l->mode < 1 || l->mode > 8) throw PgError(sqlstate::kSyntaxError, "unrecognized lock mode");
      for (size_t i = 0; i < l->n_relations; i++) {
        const TableDef& t = LookupTable(sc, l->relations[i]->range_var);
        LockRelation(sc, t, static_cast<Database::TableLockMode>(l->mode), l->nowait);
      }
      QueryResult r;
      r.tag = "LOCK TABLE";
      return r;
    }
    case PG_QUERY__NODE__NODE_CREATE_EXTENSION_STMT:
      return RunCreateExtension(stmt->create_extension_stmt, sc);
    case PG_QUERY__NODE__NODE_ALTER_EXTENSION_STMT:
      return RunAlterExtension(stmt->alter_extension_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_ENUM_STMT:
      return RunCreateEnum(stmt->create_enum_stmt, sc);
    case PG_QUERY__NODE__NODE_ALTER_ENUM_STMT:
      return RunAlterEnum(stmt->alter_enum_stmt, sc);
    case PG_QUERY__NODE__NODE_COMPOSITE_TYPE_STMT:
      return RunCreateComposite(stmt->composite_type_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_RANGE_STMT:
      return RunCreateRange(stmt->create_range_stmt, sc);
    case PG_QUERY__NODE__NODE_CREATE_DOMAIN_STMT:
      return RunCreateDomain(stmt->create_domain_stmt, sc);
    case PG_QUERY__NODE__NODE_ALTER_DOMAIN_STMT:
      return RunAlterDomain(stmt->alter_domain_stmt, sc);
    case PG_QUERY__NODE__NODE_VACUUM_STMT: {
      // Nothing to reclaim: versions are the history. Accepted as a no-op.
      QueryResult r;
      r.tag = stmt->vacuum_stmt->is_vacuumcmd ? "VACUUM" : "ANALYZE";
      return r;
    }
    case PG_QUERY__NODE__NODE_CHECK_POINT_STMT: {
      QueryResult r;
      r.tag = "CHECKPOINT";
      return r;
    }
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "this statement is not supported yet");
  }
}

}  // namespace immu::sql
