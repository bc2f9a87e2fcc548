// CREATE / DROP SCHEMA and COMMENT ON. Schemas and comments are catalog
// entries like tables (versioned, provable, transactional).

#include <map>

#include "catalog/pg_error.h"
#include "sql/query.h"
#include "sql/query_internal.h"
#include "sql/system_internal.h"

namespace immu::sql {

namespace {

void SaveSchema(StmtContext& sc, const SchemaDef& d) {
  ThrowIfError(sc.txn->Set(SchemaDefKey(d.oid), SchemaDefJson(d)));
  *sc.catalog = (*sc.catalog)->WithSchema(d);
  sc.catalog_changed = true;
}

std::string ObjectName(const PgNode* object, std::string* schema) {
  if (object->node_case == PG_QUERY__NODE__NODE_STRING) return std::string(NodeString(object));
  const PgQuery__List* l = object->list;
  if (l->n_items >= 2) *schema = NodeString(l->items[l->n_items - 2]);
  return std::string(NodeString(l->items[l->n_items - 1]));
}

// The relation an element creates, when it names one.
const PgQuery__RangeVar* ElementRelation(const PgNode* e) {
  switch (e->node_case) {
    case PG_QUERY__NODE__NODE_CREATE_STMT:
      return e->create_stmt->relation;
    case PG_QUERY__NODE__NODE_VIEW_STMT:
      return e->view_stmt->view;
    case PG_QUERY__NODE__NODE_CREATE_SEQ_STMT:
      return e->create_seq_stmt->sequence;
    case PG_QUERY__NODE__NODE_INDEX_STMT:
      return e->index_stmt->relation;
    default:
      return nullptr;
  }
}

// CREATE SCHEMA name element...: as in PostgreSQL, each element runs with
// the new schema at the front of search_path, so unqualified names are
// created in it and resolve to it; an element naming another schema is
// refused (42P15).
void RunSchemaElements(const PgQuery__CreateSchemaStmt* s, const std::string& name, StmtContext& sc) {
  std::map<std::string, std::string> settings;
  if (sc.eval->settings != nullptr) settings = *sc.eval->settings;
  auto it = settings.find("search_path");
  const std::string rest = it != settings.end() ? it->second : "\"$user\", public";
  settings["search_path"] = QuoteIdent(name) + (rest.empty() ? "" : ", " + rest);
  const auto* saved = sc.eval->settings;
  sc.eval->settings = &settings;
  try {
    for (size_t i = 0; i < s->n_schema_elts; i++) {
      const PgNode* e = s->schema_elts[i];
      const PgQuery__RangeVar* rv = ElementRelation(e);
      if (rv != nullptr && rv->schemaname != nullptr && *rv->schemaname && name != rv->schemaname) {
        throw PgError(sqlstate::kInvalidSchemaDefinition, "CREATE specifies a schema (" + std::string(rv->schemaname) +
                                                              ") different from the one being created (" + name + ")");
      }
      ExecuteStatement(e, sc);
    }
  } catch (...) {
    sc.eval->settings = saved;
    throw;
  }
  sc.eval->settings = saved;
}

}  // namespace

QueryResult RunCreateSchema(const PgQuery__CreateSchemaStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE SCHEMA";
  std::string name = s->schemaname != nullptr ? s->schemaname : "";
  if (name.empty() && s->authrole != nullptr && s->authrole->rolename != nullptr) name = s->authrole->rolename;
  if (name.empty()) throw PgError(sqlstate::kSyntaxError, "schema name missing");
  if ((*sc.catalog)->SchemaExists(name)) {
    if (s->if_not_exists) return out;
    throw PgError(sqlstate::kDuplicateSchema, "schema \"" + name + "\" already exists");
  }
  if (name.starts_with("pg_")) {
    throw PgError(sqlstate::kReservedName, "unacceptable schema name \"" + name + "\"",
                  "The prefix \"pg_\" is reserved for system schemas.");
  }
  if (sc.describe_only) return out;
  SchemaDef d;
  d.oid = NamespaceOid(name);
  d.name = name;
  d.owner = s->authrole != nullptr && s->authrole->rolename != nullptr ? s->authrole->rolename : sc.eval->user;
  SaveSchema(sc, d);
  if (s->n_schema_elts > 0) RunSchemaElements(s, name, sc);
  return out;
}

QueryResult RunDropSchema(const PgQuery__DropStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "DROP SCHEMA";
  const bool cascade = s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE;
  for (size_t i = 0; i < s->n_objects; i++) {
    const std::string name(NodeString(s->objects[i]));
    const SchemaDef* d = (*sc.catalog)->FindSchema(name);
    if (d == nullptr && name != "public") {
      if (s->missing_ok) continue;
      throw PgError(sqlstate::kInvalidSchemaName, "schema \"" + name + "\" does not exist");
    }
    std::vector<uint32_t> members;
    std::string detail;
    for (const auto& [oid, t] : (*sc.catalog)->tables()) {
      if (t.schema != name) continue;
      members.push_back(oid);
      const char* kind = t.kind == 'v' ? "view " : t.kind == 'S' ? "sequence " : "table ";
      detail += (detail.empty() ? "" : "\n") + (kind + name + "." + t.name) + " depends on schema " + name;
    }
    if (!members.empty() && !cascade) {
      throw PgError(sqlstate::kDependentObjectsStillExist,
                    "cannot drop schema " + name + " because other objects depend on it", detail,
                    "Use DROP ... CASCADE to drop the dependent objects too.");
    }
    if (sc.describe_only) continue;
    for (uint32_t oid : members) {
      ThrowIfError(sc.txn->Delete(TableDefKey(oid)));
      *sc.catalog = (*sc.catalog)->WithoutTable(oid);
    }
    const uint32_t id = d != nullptr ? d->oid : kPublicNamespaceOid;
    ThrowIfError(sc.txn->Delete(SchemaDefKey(id)));
    *sc.catalog = (*sc.catalog)->WithoutSchema(id);
    sc.catalog_changed = true;
  }
  return out;
}

QueryResult RunComment(const PgQuery__CommentStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "COMMENT";
  const std::string text = s->comment != nullptr ? s->comment : "";
  std::string schema;
  switch (s->objtype) {
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABLE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_VIEW:
    case PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE: {
      const std::string name = ObjectName(s->object, &schema);
      const TableDef* found = FindRelationInPath(sc, schema, name);
      if (found == nullptr) throw PgError(sqlstate::kUndefinedTable, "relation \"" + name + "\" does not exist");
      const char want = s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_VIEW       ? 'v'
                        : s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_SEQUENCE ? 'S'
                                                                                : 'r';
      if (found->kind != want) {
        throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a " +
                                                      (want == 'v' ? "view" : want == 'S' ? "sequence" : "table"));
      }
      if (sc.describe_only) return out;
      TableDef t = *found;
      t.comment = text;
      SaveTable(sc, t);
      return out;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TABCONSTRAINT: {
      // COMMENT ON CONSTRAINT name ON [schema.]table: the list is the
      // table's name parts, then the constraint's.
      const PgQuery__List* l = s->object->list;
      if (l->n_items < 2) throw PgError(sqlstate::kSyntaxError, "constraint name must be qualified");
      const std::string conname(NodeString(l->items[l->n_items - 1]));
      const std::string table(NodeString(l->items[l->n_items - 2]));
      if (l->n_items >= 3) schema = NodeString(l->items[l->n_items - 3]);
      const TableDef* found = FindRelationInPath(sc, schema, table);
      if (found == nullptr) throw PgError(sqlstate::kUndefinedTable, "relation \"" + table + "\" does not exist");
      if (ConstraintOidByName(*found, conname) == 0) {
        throw PgError(sqlstate::kUndefinedObject,
                      "constraint \"" + conname + "\" for table \"" + table + "\" does not exist");
      }
      if (sc.describe_only) return out;
      TableDef t = *found;
      if (text.empty()) {
        t.constraint_comments.erase(conname);
      } else {
        t.constraint_comments[conname] = text;
      }
      SaveTable(sc, t);
      return out;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_COLUMN: {
      const PgQuery__List* l = s->object->list;
      if (l->n_items < 2) throw PgError(sqlstate::kSyntaxError, "column name must be qualified");
      const std::string column(NodeString(l->items[l->n_items - 1]));
      const std::string table(NodeString(l->items[l->n_items - 2]));
      if (l->n_items >= 3) schema = NodeString(l->items[l->n_items - 3]);
      const TableDef* found = FindRelationInPath(sc, schema, table);
      if (found == nullptr) throw PgError(sqlstate::kUndefinedTable, "relation \"" + table + "\" does not exist");
      const int c = found->FindColumn(column);
      if (c < 0) {
        throw PgError(sqlstate::kUndefinedColumn,
                      "column \"" + column + "\" of relation \"" + table + "\" does not exist");
      }
      if (sc.describe_only) return out;
      TableDef t = *found;
      t.columns[static_cast<size_t>(c)].comment = text;
      SaveTable(sc, t);
      return out;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_TYPE:
    case PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN: {
      const PgQuery__TypeName* tn = s->object->type_name;
      if (tn == nullptr || tn->n_names == 0) throw PgError(sqlstate::kSyntaxError, "type name expected");
      uint32_t type = 0;
      int32_t typmod = -1;
      ResolveTypeName(tn, &type, &typmod);
      const TypeDef* found = (*sc.catalog)->FindTypeDefByOid(type);
      if (found == nullptr) throw PgError(sqlstate::kFeatureNotSupported, "COMMENT on a built-in type is not supported");
      if (s->objtype == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN && found->kind != 'd') {
        throw PgError(sqlstate::kWrongObjectType, "\"" + found->name + "\" is not a domain");
      }
      if (sc.describe_only) return out;
      TypeDef t = *found;
      t.comment = text;
      SaveType(sc, t);
      return out;
    }
    case PG_QUERY__OBJECT_TYPE__OBJECT_SCHEMA: {
      const std::string name(NodeString(s->object));
      if (!(*sc.catalog)->SchemaExists(name) || name == "pg_catalog" || name == "information_schema") {
        throw PgError(sqlstate::kInvalidSchemaName, "schema \"" + name + "\" does not exist");
      }
      if (sc.describe_only) return out;
      SchemaDef d;
      if (const SchemaDef* found = (*sc.catalog)->FindSchema(name)) {
        d = *found;
      } else {
        d.oid = kPublicNamespaceOid;
        d.name = name;
        d.owner = "pg_database_owner";
      }
      d.comment = text;
      SaveSchema(sc, d);
      return out;
    }
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "COMMENT on this kind of object is not supported yet");
  }
}

}  // namespace immu::sql
