#include "sql/constraints.h"

#include <algorithm>
#include <set>

#include "catalog/pg_error.h"
#include "sql/row_writer.h"
#include "sql/row_codec.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

// Columns (of the input row) an expression reads, in first-use order.
void CollectColumns(const Expr& e, std::vector<int>* out) {
  if (e.kind == Expr::Kind::kColumn && e.outer_level == 0) {
    if (std::find(out->begin(), out->end(), e.index) == out->end()) out->push_back(e.index);
  }
  for (const auto& a : e.args) {
    if (a) CollectColumns(*a, out);
  }
}

// The constraint's own name (42710 when t has one by that name already),
// else PostgreSQL's ChooseConstraintName: table_middle_suffix, made unique
// with a number.
std::string ConstraintName(const TableDef& t, const PgQuery__Constraint* con, const std::string& middle,
                           const std::string& suffix) {
  if (con->conname != nullptr && *con->conname) {
    const std::string name = con->conname;
    if (ConstraintNameTaken(t, name)) {
      Throw(sqlstate::kDuplicateObject, "constraint \"" + name + "\" for relation \"" + t.name + "\" already exists",
            con->location);
    }
    return name;
  }
  const std::string base = t.name + (middle.empty() ? "" : "_" + middle) + "_" + suffix;
  std::string name = base;
  for (int n = 1; ConstraintNameTaken(t, name); n++) name = base + std::to_string(n);
  return name;
}

char ActionLetter(const char* a) { return a != nullptr && *a ? *a : 'a'; }

std::vector<int> ResolveColumns(const TableDef& t, PgNode* const* names, size_t n, int location) {
  std::vector<int> cols;
  for (size_t i = 0; i < n; i++) {
    const std::string name(NodeString(names[i]));
    const int c = t.FindColumn(name);
    if (c < 0) Throw(sqlstate::kUndefinedColumn, "column \"" + name + "\" referenced in foreign key constraint does not exist", location);
    cols.push_back(c);
  }
  return cols;
}

bool SameSet(std::vector<int> a, std::vector<int> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

}  // namespace

bool ConstraintNameTaken(const TableDef& t, const std::string& name) {
  if (!t.pk.empty() && t.pk_name == name) return true;
  for (const auto& x : t.indexes) {
    if (x.constraint && x.name == name) return true;
  }
  for (const auto& c : t.checks) {
    if (c.name == name) return true;
  }
  for (const auto& f : t.foreign_keys) {
    if (f.name == name) return true;
  }
  return false;
}

CheckDef MakeCheck(StmtContext& sc, const TableDef& t, const PgQuery__Constraint* con, const std::string* column) {
  Scope scope;
  AddTableScope(t, t.name, &scope);
  Binder binder(*sc.eval, nullptr);
  binder.no_agg_clause = "check constraints";
  auto e = binder.BindCondition(con->raw_expr, scope, "CHECK");
  CheckDef d;
  d.expr = DeparseExpr(con->raw_expr);
  d.not_valid = con->skip_validation;
  std::vector<int> cols;
  CollectColumns(*e, &cols);
  std::string middle;
  if (column != nullptr) {
    middle = *column;
  } else if (cols.size() == 1) {
    middle = t.columns[static_cast<size_t>(cols[0])].name;
  }
  d.name = ConstraintName(t, con, middle, "check");
  return d;
}

ForeignKeyDef MakeForeignKey(StmtContext& sc, const TableDef& t, const PgQuery__Constraint* con,
                             const std::string* column) {
  ForeignKeyDef fk;
  const PgQuery__RangeVar* rv = con->pktable;
  const std::string schema = rv->schemaname != nullptr ? rv->schemaname : "";
  const TableDef* parent = nullptr;
  if (rv->relname == t.name && (schema.empty() || schema == t.schema)) {
    parent = &t;
  } else {
    parent = &LookupTable(sc, rv);
  }
  if (parent->kind != 'r') {
    Throw(sqlstate::kWrongObjectType, "referenced relation \"" + parent->name + "\" is not a table", rv->location);
  }
  if (column != nullptr) {
    fk.columns.push_back(t.FindColumn(*column));
  } else {
    fk.columns = ResolveColumns(t, con->fk_attrs, con->n_fk_attrs, con->location);
  }
  if (con->n_pk_attrs > 0) {
    fk.ref_columns = ResolveColumns(*parent, con->pk_attrs, con->n_pk_attrs, con->location);
  } else {
    if (parent->pk.empty()) {
      Throw(sqlstate::kUndefinedObject, "there is no primary key for referenced table \"" + parent->name + "\"",
            con->location);
    }
    fk.ref_columns = parent->pk;
  }
  if (fk.columns.size() != fk.ref_columns.size()) {
    Throw(sqlstate::kInvalidForeignKey, "number of referencing and referenced columns for foreign key disagree",
          con->location);
  }
  bool unique = !parent->pk.empty() && SameSet(parent->pk, fk.ref_columns);
  for (const auto& x : parent->indexes) {
    unique |= x.unique && x.predicate.empty() && SameSet(x.columns, fk.ref_columns);
  }
  if (!unique) {
    Throw(sqlstate::kInvalidForeignKey,
          "there is no unique constraint matching given keys for referenced table \"" + parent->name + "\"",
          con->location);
  }
  for (size_t i = 0; i < fk.columns.size(); i++) {
    const ColumnDef& a = t.columns[static_cast<size_t>(fk.columns[i])];
    const ColumnDef& b = parent->columns[static_cast<size_t>(fk.ref_columns[i])];
    bool comparable = a.type_oid == b.type_oid;
    if (!comparable) {
      try {
        (void)CommonType(a.type_oid, b.type_oid, "foreign key");
        comparable = true;
      } catch (const PgError&) {
      }
    }
    if (!comparable) {
      Throw(sqlstate::kDatatypeMismatch,
            "foreign key constraint \"" + (con->conname != nullptr && *con->conname ? std::string(con->conname) : "?") +
                "\" cannot be implemented",
            con->location,
            "Key columns \"" + a.name + "\" and \"" + b.name + "\" are of incompatible types: " +
                FormatType(a.type_oid, a.typmod) + " and " + FormatType(b.type_oid, b.typmod) + ".");
    }
  }
  fk.ref_oid = parent->oid;  // 0 while t itself is being created; fixed by the caller
  fk.on_update = ActionLetter(con->fk_upd_action);
  fk.on_delete = ActionLetter(con->fk_del_action);
  fk.match = con->fk_matchtype != nullptr && *con->fk_matchtype == 'f' ? 'f' : 's';
  if (con->fk_matchtype != nullptr && *con->fk_matchtype == 'p') {
    throw PgError(sqlstate::kFeatureNotSupported, "MATCH PARTIAL not yet implemented");
  }
  fk.deferrable = con->deferrable;
  fk.initially_deferred = con->initdeferred;
  fk.not_valid = con->skip_validation;
  std::string middle;
  for (size_t i = 0; i < fk.columns.size(); i++) {
    middle += (i ? "_" : "") + t.columns[static_cast<size_t>(fk.columns[i])].name;
  }
  fk.name = ConstraintName(t, con, middle, "fkey");
  return fk;
}

void ValidateCheck(StmtContext& sc, const TableDef& t, const CheckDef& check) {
  Scope scope;
  AddTableScope(t, t.name, &scope);
  Binder binder(*sc.eval, nullptr);
  auto tree = ParseTree::Parse("SELECT 1 WHERE " + check.expr);
  auto e = binder.BindCondition(tree->stmt(0)->select_stmt->where_clause, scope, "CHECK");
  std::vector<Row> rows;
  ScanTable(sc, t, &rows, nullptr);
  for (const Row& r : rows) {
    const Value v = Eval(*e, r, *sc.eval);
    if (!v.null && !v.boolean()) {
      PgError err(sqlstate::kCheckViolation,
                  "check constraint \"" + check.name + "\" of relation \"" + t.name + "\" is violated by some row");
      err.table_name = t.name;
      err.constraint_name = check.name;
      throw err;
    }
  }
}

void ValidateForeignKey(StmtContext& sc, const TableDef& t, const ForeignKeyDef& fk) {
  const TableDef* parent = fk.ref_oid == t.oid ? &t : (*sc.catalog)->FindByOid(fk.ref_oid);
  if (parent == nullptr) return;
  std::vector<Row> rows;
  ScanTable(sc, t, &rows, nullptr);
  std::set<std::string> seen;
  for (const Row& r : rows) {
    CheckCancel(*sc.eval);
    std::vector<Value> values;
    bool any_null = false, all_null = true;
    for (int c : fk.columns) {
      values.push_back(r[static_cast<size_t>(c)]);
      any_null |= values.back().null;
      all_null &= values.back().null;
    }
    if (fk.match == 'f' ? all_null : any_null) continue;
    std::string k;
    for (const auto& v : values) AppendKeyValue(v, &k);
    if (!seen.insert(k).second) continue;
    if (any_null || !ParentExists(sc, *parent, fk.ref_columns, values)) MissingParent(sc, t, fk, values);
  }
}

bool DropCheckOrForeignKey(TableDef* t, const std::string& name) {
  const size_t before = t->checks.size() + t->foreign_keys.size();
  std::erase_if(t->checks, [&](const CheckDef& c) { return c.name == name; });
  std::erase_if(t->foreign_keys, [&](const ForeignKeyDef& f) { return f.name == name; });
  return t->checks.size() + t->foreign_keys.size() != before;
}

std::vector<const TableDef*> ReferencingTables(const Catalog& catalog, const TableDef& t) {
  std::vector<const TableDef*> out;
  for (const auto& [oid, other] : catalog.tables()) {
    if (oid == t.oid) continue;
    for (const auto& f : other.foreign_keys) {
      if (f.ref_oid == t.oid) {
        out.push_back(&other);
        break;
      }
    }
  }
  return out;
}

void DropReferencingKeys(StmtContext& sc, const TableDef& t, bool cascade, const std::string& what,
                         const std::string& depended_on) {
  const auto children = ReferencingTables(**sc.catalog, t);
  if (children.empty()) return;
  if (!cascade) {
    std::string detail;
    for (const TableDef* child : children) {
      for (const auto& f : child->foreign_keys) {
        if (f.ref_oid != t.oid) continue;
        detail += (detail.empty() ? "" : "\n") + ("constraint " + f.name + " on table " + child->name + " depends on " +
                                                   depended_on);
      }
    }
    throw PgError(sqlstate::kDependentObjectsStillExist,
                  "cannot drop " + what + " because other objects depend on it", detail,
                  "Use DROP ... CASCADE to drop the dependent objects too.");
  }
  std::vector<TableDef> changed;
  for (const TableDef* child : children) {
    TableDef c = *child;
    std::erase_if(c.foreign_keys, [&](const ForeignKeyDef& f) { return f.ref_oid == t.oid; });
    changed.push_back(std::move(c));
  }
  for (const auto& c : changed) SaveTable(sc, c);
}

}  // namespace immu::sql
