// TRUNCATE, ALTER TABLE and ALTER ... RENAME. Schema changes are new
// versions of the table definition; rewrites copy the rows under a fresh
// storage id, so the old rows stay in the store as history.

#include <algorithm>
#include <functional>
#include <set>

#include "catalog/pg_error.h"
#include "sql/domain_check.h"
#include "sql/generated_columns.h"
#include "sql/user_types.h"
#include "sql/index_writer.h"
#include "sql/constraints.h"
#include "sql/query_internal.h"
#include "sql/sequences.h"
#include "sql/user_directory.h"
#include "sql/row_codec.h"

namespace immu::sql {

namespace {


// Copies every visible row of `from` to a fresh storage id with `to`'s key
// layout (to.pk), checking NOT NULL and uniqueness of the new keys.
void Rewrite(StmtContext& sc, const TableDef& from, TableDef* to,
             const std::function<void(Row*)>& transform = nullptr) {
  std::vector<Row> rows;
  ScanTable(sc, from, &rows, nullptr);
  to->storage_id = sc.db->AllocateOid();
  std::set<std::string> seen;
  for (auto& row : rows) {
    CheckCancel(*sc.eval);
    row.resize(to->columns.size());
    for (size_t c = 0; c < to->columns.size(); c++) {
      if (c >= from.columns.size()) row[c] = Value::Null(to->columns[c].type_oid);
    }
    if (transform) transform(&row);
    for (int c : to->pk) {
      if (row[static_cast<size_t>(c)].null) {
        Throw(sqlstate::kNotNullViolation, "column \"" + to->columns[static_cast<size_t>(c)].name + "\" of relation \"" +
                                               to->name + "\" contains null values");
      }
    }
    const int64_t row_id = to->pk.empty() ? sc.db->NextSequenceValue(to->oid, Database::kRowIdColumn) : 0;
    const std::string key = RowKey(*to, row, row_id);
    if (!to->pk.empty() && !seen.insert(key).second) {
      std::string cols, vals;
      for (size_t i = 0; i < to->pk.size(); i++) {
        const size_t c = static_cast<size_t>(to->pk[i]);
        cols += (i ? ", " : "") + to->columns[c].name;
        vals += (i ? ", " : "") + ToText(row[c], sc.eval->vc);
      }
      PgError e(sqlstate::kUniqueViolation, "could not create unique index \"" + to->pk_name + "\"",
                "Key (" + cols + ")=(" + vals + ") is duplicated.");
      throw e;
    }
    std::string value;
    AppendRowValues(row, &value);
    ThrowIfError(sc.txn->Set(key, value));
  }
  // Indexes move to fresh storage too and are rebuilt from the copied rows.
  for (auto& x : to->indexes) x.storage_id = sc.db->AllocateOid();
  IndexWriter writer(sc, *to);
  for (const auto& x : to->indexes) writer.Build(x);
}

TableDef& MutableCopy(StmtContext& sc, const PgQuery__RangeVar* rv, TableDef* out) {
  *out = LookupTable(sc, rv);
  LockRelation(sc, *out, Database::TableLockMode::kAccessExclusive);
  return *out;
}

}  // namespace

void SaveTable(StmtContext& sc, const TableDef& t) {
  ThrowIfError(sc.txn->Set(TableDefKey(t.oid), t.ToJson()));
  *sc.catalog = (*sc.catalog)->WithTable(t);
  sc.catalog_changed = true;
}

QueryResult RunTruncate(const PgQuery__TruncateStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "TRUNCATE TABLE";
  std::vector<TableDef> tables;
  for (size_t i = 0; i < s->n_relations; i++) tables.push_back(LookupTable(sc, s->relations[i]->range_var));
  const bool cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (size_t i = 0; i < tables.size(); i++) {
    for (const TableDef* child : ReferencingTables(**sc.catalog, tables[i])) {
      const bool listed = std::any_of(tables.begin(), tables.end(), [&](const TableDef& x) { return x.oid == child->oid; });
      if (listed) continue;
      if (!cascade) {
        throw PgError(sqlstate::kFeatureNotSupported, "cannot truncate a table referenced in a foreign key constraint",
                      "Table \"" + child->name + "\" references \"" + tables[i].name + "\".",
                      "Truncate table \"" + child->name + "\" at the same time, or use TRUNCATE ... CASCADE.");
      }
      tables.push_back(*child);
    }
  }
  if (sc.describe_only) return out;
  for (const auto& t : tables) LockRelation(sc, t, Database::TableLockMode::kAccessExclusive);
  for (auto& t : tables) {
    // A fresh storage id empties the table in O(1); the old rows remain,
    // provable, under the old id.
    t.storage_id = sc.db->AllocateOid();
    for (auto& x : t.indexes) x.storage_id = sc.db->AllocateOid();
    SaveTable(sc, t);
  }
  return out;
}

QueryResult RunAlterTable(const PgQuery__AlterTableStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "ALTER TABLE";
  if (s->objtype != PG_QUERY__OBJECT_TYPE__OBJECT_TABLE) {
    throw PgError(sqlstate::kFeatureNotSupported, "only ALTER TABLE is supported yet");
  }
  const std::string schema = s->relation->schemaname != nullptr ? s->relation->schemaname : "";  // "" = any
  if (FindRelationInPath(sc, schema, s->relation->relname) == nullptr && s->missing_ok) return out;
  TableDef t;
  MutableCopy(sc, s->relation, &t);
  if (sc.describe_only) return out;
  for (size_t i = 0; i < s->n_cmds; i++) {
    const PgQuery__AlterTableCmd* cmd = s->cmds[i]->alter_table_cmd;
    const std::string name = cmd->name != nullptr ? cmd->name : "";
    auto column = [&]() -> ColumnDef& {
      const int c = t.FindColumn(name);
      if (c < 0) Throw(sqlstate::kUndefinedColumn, "column \"" + name + "\" of relation \"" + t.name + "\" does not exist");
      return t.columns[static_cast<size_t>(c)];
    };
    switch (cmd->subtype) {
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddColumn: {
        const PgQuery__ColumnDef* cd = cmd->def->column_def;
        if (t.FindColumn(cd->colname) >= 0) {
          if (cmd->missing_ok) break;
          Throw(sqlstate::kDuplicateColumn, "column \"" + std::string(cd->colname) + "\" of relation \"" + t.name +
                                                "\" already exists");
        }
        ColumnDef col;
        col.name = cd->colname;
        std::vector<const PgQuery__Constraint*> column_constraints, unique_constraints;
        std::vector<PgQuery__ConstrType> deferral;
        bool serial = false;
        ResolveTypeName(cd->type_name, &col.type_oid, &col.typmod, &serial);
        col.serial = serial;
        col.not_null = cd->is_not_null || serial;
        if (cd->raw_default != nullptr) col.default_expr = DeparseExpr(cd->raw_default);
        for (size_t k = 0; k < cd->n_constraints; k++) {
          const auto* con = cd->constraints[k]->constraint;
          if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) col.not_null = true;
          else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT) col.default_expr = DeparseExpr(con->raw_expr);
          else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_GENERATED) col.generated_expr = DeparseExpr(con->raw_expr);
          else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_IDENTITY) {
            col.serial = col.not_null = col.identity = true;
            col.identity_always = con->generated_when != nullptr && std::string_view(con->generated_when) == "a";
          } else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK ||
                   con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
            column_constraints.push_back(con);
          } else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE ||
                     con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED ||
                     con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_NOT_DEFERRABLE ||
                     con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_IMMEDIATE) {
            deferral.push_back(con->contype);
          } else if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE ||
                     con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
            unique_constraints.push_back(con);
          } else if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_NULL) {
            throw PgError(sqlstate::kFeatureNotSupported, "this column constraint is not supported in ADD COLUMN yet");
          }
        }
        const TableDef before = t;
        t.columns.push_back(col);
        // Existing rows get the generated value, and a domain's constraints
        // hold for them (its default or NULL).
        std::unique_ptr<Expr> generated;
        if (!col.generated_expr.empty()) {
          if (!col.default_expr.empty() || col.serial) {
            throw PgError(sqlstate::kSyntaxError, "both default and generation expression specified for column \"" +
                                                      col.name + "\" of table \"" + t.name + "\"");
          }
          generated = BindGenerated(sc, t, t.columns.size() - 1);
        }
        std::unique_ptr<DomainChecker> domain;
        if (IsDomainType(col.type_oid)) domain = std::make_unique<DomainChecker>(*sc.eval, col.type_oid);
        if (!col.default_expr.empty() || col.serial || col.not_null || generated || domain) {
          // Existing rows get the default (evaluated per row, like PostgreSQL's rewrite).
          Binder binder(*sc.eval, nullptr);
          std::unique_ptr<Expr> def;
          // The column's default, else its domain's (BindDefault).
          if (!col.default_expr.empty() || domain) def = BindDefault(t, t.columns.size() - 1, binder);
          const size_t idx = t.columns.size() - 1;
          Rewrite(sc, before, &t, [&](Row* row) {
            if (col.serial) {
              (*row)[idx] = CastValue(Value::Int(oid::kInt8, NextSerialValue(sc.db, *sc.eval, t, idx)),
                                      col.type_oid, col.typmod, sc.eval->vc, false);
            } else if (def) {
              (*row)[idx] = Eval(*def, Row{}, *sc.eval);
            } else if (generated) {
              (*row)[idx] = Eval(*generated, *row, *sc.eval);
            }
            if (domain) domain->Check((*row)[idx], *sc.eval);
            if (col.not_null && (*row)[idx].null) {
              Throw(sqlstate::kNotNullViolation, "column \"" + col.name + "\" of relation \"" + t.name + "\" contains null values");
            }
          });
        }
        for (const auto* con : column_constraints) {
          if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
            CheckDef check = MakeCheck(sc, t, con, &col.name);
            ValidateCheck(sc, t, check);
            t.checks.push_back(std::move(check));
            continue;
          }
          ForeignKeyDef fk = MakeForeignKey(sc, t, con, &col.name);
          for (auto d : deferral) {
            if (d == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRABLE) fk.deferrable = true;
            if (d == PG_QUERY__CONSTR_TYPE__CONSTR_ATTR_DEFERRED) fk.deferrable = fk.initially_deferred = true;
          }
          ValidateForeignKey(sc, t, fk);
          t.foreign_keys.push_back(std::move(fk));
        }
        for (const auto* con : unique_constraints) {
          PgQuery__String str = PG_QUERY__STRING__INIT;
          str.sval = const_cast<char*>(col.name.c_str());
          PgQuery__Node node = PG_QUERY__NODE__INIT;
          node.node_case = PG_QUERY__NODE__NODE_STRING;
          node.string = &str;
          PgNode* keys[] = {&node};
          if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
            AddUniqueConstraint(sc, &t, keys, 1, con->conname, true, con->nulls_not_distinct != 0);
          } else {
            if (!t.pk.empty()) {
              Throw(sqlstate::kInvalidTableDefinition, "multiple primary keys for table \"" + t.name + "\" are not allowed");
            }
            const TableDef before = t;
            t.pk.push_back(static_cast<int>(t.columns.size() - 1));
            t.columns.back().not_null = true;
            t.pk_name = con->conname != nullptr && *con->conname ? con->conname : t.name + "_pkey";
            Rewrite(sc, before, &t);
          }
        }
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropColumn: {
        const int c = t.FindColumn(name);
        if (c < 0) {
          if (cmd->missing_ok) break;
          Throw(sqlstate::kUndefinedColumn, "column \"" + name + "\" of relation \"" + t.name + "\" does not exist");
        }
        for (int k : t.pk) {
          if (k == c) throw PgError(sqlstate::kDependentObjectsStillExist, "cannot drop column " + name + " of table " + t.name +
                                                                              " because other objects depend on it");
        }
        // Indexes over the column go with it (their entries stay as history).
        std::erase_if(t.indexes, [c](const IndexDef& x) { return x.Uses(c); });
        t.columns[static_cast<size_t>(c)].dropped = true;
        t.columns[static_cast<size_t>(c)].name = "........pg.dropped." + std::to_string(c + 1) + "........";
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_ColumnDefault: {
        ColumnDef& col = column();
        col.default_expr = cmd->def != nullptr ? DeparseExpr(cmd->def) : "";
        if (cmd->def == nullptr) col.serial = false;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropNotNull: {
        ColumnDef& col = column();
        for (int k : t.pk) {
          if (&t.columns[static_cast<size_t>(k)] == &col) {
            Throw(sqlstate::kInvalidTableDefinition, "column \"" + name + "\" is in a primary key");
          }
        }
        col.not_null = false;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_SetNotNull: {
        ColumnDef& col = column();
        const size_t idx = static_cast<size_t>(&col - t.columns.data());
        std::vector<Row> rows;
        ScanTable(sc, t, &rows, nullptr);
        for (const auto& r : rows) {
          if (r[idx].null) {
            Throw(sqlstate::kNotNullViolation, "column \"" + name + "\" of relation \"" + t.name + "\" contains null values");
          }
        }
        col.not_null = true;
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddConstraint: {
        const PgQuery__Constraint* con = cmd->def->constraint;
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_UNIQUE) {
          AddUniqueConstraint(sc, &t, con->keys, con->n_keys, con->conname, true, con->nulls_not_distinct != 0,
                              NodeStrings(con->including, con->n_including));
          break;
        }
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
          CheckDef check = MakeCheck(sc, t, con, nullptr);
          if (!check.not_valid) ValidateCheck(sc, t, check);
          t.checks.push_back(std::move(check));
          break;
        }
        if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_FOREIGN) {
          ForeignKeyDef fk = MakeForeignKey(sc, t, con, nullptr);
          if (!fk.not_valid) ValidateForeignKey(sc, t, fk);
          t.foreign_keys.push_back(std::move(fk));
          break;
        }
        if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_PRIMARY) {
          throw PgError(sqlstate::kFeatureNotSupported, "this kind of ADD CONSTRAINT is not supported yet");
        }
        if (!t.pk.empty()) {
          Throw(sqlstate::kInvalidTableDefinition, "multiple primary keys for table \"" + t.name + "\" are not allowed");
        }
        const TableDef before = t;
        for (size_t k = 0; k < con->n_keys; k++) {
          const std::string col(NodeString(con->keys[k]));
          const int c = t.FindColumn(col);
          if (c < 0) Throw(sqlstate::kUndefinedColumn, "column \"" + col + "\" of relation \"" + t.name + "\" does not exist");
          t.pk.push_back(c);
          t.columns[static_cast<size_t>(c)].not_null = true;
        }
        t.pk_name = con->conname != nullptr && *con->conname ? con->conname : t.name + "_pkey";
        Rewrite(sc, before, &t);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropConstraint: {
        {
          auto it = std::find_if(t.indexes.begin(), t.indexes.end(),
                                 [&](const IndexDef& x) { return x.constraint && x.name == name; });
          if (it != t.indexes.end()) {
            t.indexes.erase(it);
            break;
          }
        }
        if (DropCheckOrForeignKey(&t, name)) break;
        if (name == t.pk_name && !t.pk.empty()) {
          DropReferencingKeys(sc, t, cmd->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE,
                              "constraint " + name + " on table " + t.name, "index " + name);
          const TableDef before = t;
          t.pk.clear();
          t.pk_name.clear();
          Rewrite(sc, before, &t);
          break;
        }
        if (cmd->missing_ok) break;
        Throw(sqlstate::kUndefinedObject, "constraint \"" + name + "\" of relation \"" + t.name + "\" does not exist");
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AlterColumnType: {
        ColumnDef& col = column();
        const size_t idx = static_cast<size_t>(&col - t.columns.data());
        uint32_t type;
        int32_t typmod;
        ResolveTypeName(cmd->def->column_def->type_name, &type, &typmod);
        const TableDef before = t;
        // USING expr: computed from the old row, then assigned to the new type.
        std::unique_ptr<Expr> using_expr;
        if (cmd->def->column_def->raw_default != nullptr) {
          Scope scope;
          AddTableScope(before, before.name, &scope);
          Binder binder(*sc.eval, nullptr);
          using_expr = binder.Coerce(binder.Bind(cmd->def->column_def->raw_default, scope), type, typmod, false,
                                     ("column \"" + col.name + "\"").c_str());
        }
        col.type_oid = type;
        col.typmod = typmod;
        Rewrite(sc, before, &t, [&](Row* row) {
          (*row)[idx] = using_expr ? Eval(*using_expr, *row, *sc.eval)
                                   : CastValue((*row)[idx], type, typmod, sc.eval->vc, false);
        });
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_AddIdentity: {
        ColumnDef& col = column();
        const PgQuery__Constraint* con = cmd->def->constraint;
        auto refuse = [&](const std::string& why) {
          throw PgError(sqlstate::kObjectNotInPrerequisiteState,
                        "column \"" + col.name + "\" of relation \"" + t.name + "\" " + why);
        };
        if (col.type_oid != oid::kInt2 && col.type_oid != oid::kInt4 && col.type_oid != oid::kInt8) {
          throw PgError(sqlstate::kInvalidParameterValue, "identity column type must be smallint, integer, or bigint");
        }
        if (!col.not_null) refuse("must be declared NOT NULL before identity can be added");
        if (col.identity) refuse("is already an identity column");
        if (col.serial || !col.default_expr.empty()) refuse("already has a default value");
        col.serial = col.identity = true;
        col.identity_always = con->generated_when != nullptr && std::string_view(con->generated_when) == "a";
        col.identity_options = IdentityOptions(sc, con->options, con->n_options, col.type_oid);
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DropIdentity: {
        ColumnDef& col = column();
        if (!col.identity) {
          if (cmd->missing_ok) break;
          throw PgError(sqlstate::kObjectNotInPrerequisiteState,
                        "column \"" + col.name + "\" of relation \"" + t.name + "\" is not an identity column");
        }
        col.serial = col.identity = col.identity_always = false;
        col.identity_options.reset();
        break;
      }
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigAll:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll:
        // System triggers (foreign keys) may only be switched by a superuser.
        if (sc.eval->users != nullptr && !sc.eval->users->IsSuperuser(sc.eval->user)) {
          Throw(sqlstate::kInsufficientPrivilege,
                "permission denied: \"RI_ConstraintTrigger\" is a system trigger");
        }
        t.fk_triggers_disabled = cmd->subtype == PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigAll;
        break;
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrigUser:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrigUser:
        break;  // no user triggers exist (CREATE TRIGGER is not supported)
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableAlwaysTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_EnableReplicaTrig:
      case PG_QUERY__ALTER_TABLE_TYPE__AT_DisableTrig:
        Throw(sqlstate::kUndefinedObject,
              "trigger \"" + name + "\" for table \"" + t.name + "\" does not exist");
      default:
        throw PgError(sqlstate::kFeatureNotSupported, "this ALTER TABLE command is not supported yet");
    }
  }
  SaveTable(sc, t);
  return out;
}

QueryResult RunRename(const PgQuery__RenameStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "ALTER TABLE";
  if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_TYPE || s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN) {
    return RunRenameType(s, sc);
  }
  if (s->relation == nullptr) throw PgError(sqlstate::kFeatureNotSupported, "this kind of RENAME is not supported yet");
  const std::string newname = s->newname;
  TableDef t;
  if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_INDEX) {
    // ALTER INDEX ... RENAME: the index (and the constraint it backs).
    out.tag = "ALTER INDEX";
    const std::string schema = s->relation->schemaname != nullptr ? s->relation->schemaname : "";
    const TableDef* owner = (*sc.catalog)->FindIndexTable(schema, s->relation->relname);
    if (owner == nullptr) {
      const TableDef* pk_owner = nullptr;
      for (const auto& [oid, x] : (*sc.catalog)->tables()) {
        if (!x.pk.empty() && x.pk_name == s->relation->relname && (schema.empty() || x.schema == schema)) pk_owner = &x;
      }
      if (pk_owner == nullptr) {
        if (s->missing_ok) return out;
        Throw(sqlstate::kUndefinedTable, "relation \"" + std::string(s->relation->relname) + "\" does not exist",
              s->relation->location);
      }
      t = *pk_owner;
      t.pk_name = newname;
    } else {
      t = *owner;
      for (auto& x : t.indexes) {
        if (x.name == s->relation->relname) x.name = newname;
      }
    }
    if (FindRelationInPath(sc, t.schema, newname) != nullptr || (*sc.catalog)->FindIndexTable(t.schema, newname) != nullptr) {
      Throw(sqlstate::kDuplicateTable, "relation \"" + newname + "\" already exists");
    }
    if (sc.describe_only) return out;
    SaveTable(sc, t);
    return out;
  }
  if (s->missing_ok && FindRelationInPath(sc, s->relation->schemaname ? s->relation->schemaname : "",
                                          s->relation->relname) == nullptr) {
    return out;
  }
  MutableCopy(sc, s->relation, &t);
  switch (s->rename_type) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW:
      if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW) out.tag = "ALTER VIEW";
      if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_MATVIEW) out.tag = "ALTER MATERIALIZED VIEW";
      if (s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE) out.tag = "ALTER SEQUENCE";
      if ((*sc.catalog)->Find(t.schema, newname) != nullptr) {
        Throw(sqlstate::kDuplicateTable, "relation \"" + newname + "\" already exists");
      }
      t.name = newname;
      break;
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      const std::string old_name = s->subname;
      if (ConstraintNameTaken(t, newname)) {
        Throw(sqlstate::kDuplicateObject,
              "constraint \"" + newname + "\" for relation \"" + t.name + "\" already exists");
      }
      bool found = false;
      if (!t.pk.empty() && t.pk_name == old_name) {
        t.pk_name = newname;
        found = true;
      }
      for (auto& x : t.indexes) {
        if (x.constraint && x.name == old_name) {
          x.name = newname;
          found = true;
        }
      }
      for (auto& c : t.checks) {
        if (c.name == old_name) {
          c.name = newname;
          found = true;
        }
      }
      for (auto& f : t.foreign_keys) {
        if (f.name == old_name) {
          f.name = newname;
          found = true;
        }
      }
      if (!found) {
        Throw(sqlstate::kUndefinedObject, "constraint \"" + old_name + "\" for table \"" + t.name + "\" does not exist");
      }
      break;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
      const int c = t.FindColumn(s->subname);
      if (c < 0) {
        Throw(sqlstate::kUndefinedColumn, "column \"" + std::string(s->subname) + "\" does not exist");
      }
      if (t.FindColumn(newname) >= 0) {
        Throw(sqlstate::kDuplicateColumn, "column \"" + newname + "\" of relation \"" + t.name + "\" already exists");
      }
      t.columns[static_cast<size_t>(c)].name = newname;
      break;
    }
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "this kind of RENAME is not supported yet");
  }
  if (sc.describe_only) return out;
  SaveTable(sc, t);
  return out;
}

}  // namespace immu::sql
