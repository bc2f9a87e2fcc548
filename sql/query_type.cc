// CREATE TYPE (enums, composites), ALTER TYPE ... ADD/RENAME VALUE and
// DROP TYPE / DROP DOMAIN. Types are catalog entries like tables
// (catalog/type_def.h): versioned, provable, transactional.

#include <algorithm>
#include <cmath>
#include <set>

#include "catalog/pg_error.h"
#include "sql/query_internal.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

constexpr size_t kMaxLabelBytes = 63;  // NAMEDATALEN - 1

// (schema, name) of a possibly qualified name list; schema "" when unqualified.
std::pair<std::string, std::string> QualifiedName(PgNode* const* items, size_t n) {
  if (n == 0) throw PgError(sqlstate::kSyntaxError, "type name missing");
  std::string schema = n >= 2 ? std::string(NodeString(items[n - 2])) : "";
  return {schema, std::string(NodeString(items[n - 1]))};
}

void CheckLabel(const std::string& label) {
  if (label.empty() || label.size() > kMaxLabelBytes) {
    throw PgError(sqlstate::kInvalidParameterValue, "invalid enum label \"" + label + "\"",
                  "Labels must be 63 bytes or less.");
  }
}

// The type named (schema, name) for ALTER/DROP (42704 when missing unless missing_ok).
const TypeDef* LookupType(StmtContext& sc, const std::string& schema, const std::string& name, bool missing_ok) {
  const TypeDef* t = nullptr;
  if (!schema.empty()) {
    t = (*sc.catalog)->FindTypeDef(schema, name);
  } else {
    for (const std::string& s : SearchPath(*sc.eval, **sc.catalog)) {
      if ((t = (*sc.catalog)->FindTypeDef(s, name)) != nullptr) break;
    }
  }
  if (t == nullptr && !missing_ok) {
    throw PgError(sqlstate::kUndefinedObject, "type \"" + (schema.empty() ? name : schema + "." + name) +
                                                   "\" does not exist");
  }
  return t;
}

// 42710 when a type or relation (its row type) already has the name.
void CheckTypeNameFree(StmtContext& sc, const std::string& schema, const std::string& name) {
  if ((*sc.catalog)->FindTypeDef(schema, name) != nullptr || (*sc.catalog)->Find(schema, name) != nullptr) {
    throw PgError(sqlstate::kDuplicateObject, "type \"" + name + "\" already exists");
  }
}

}  // namespace

void SaveType(StmtContext& sc, const TypeDef& t) {
  ThrowIfError(sc.txn->Set(TypeDefKey(t.oid), t.ToJson()));
  *sc.catalog = (*sc.catalog)->WithType(t);
  sc.catalog_changed = true;
}

TypeDef NewTypeDef(StmtContext& sc, PgNode* const* names, size_t n, char kind) {
  auto [schema, name] = QualifiedName(names, n);
  TypeDef t;
  t.schema = CreationSchema(sc, schema.empty() ? nullptr : schema.c_str(), -1);
  t.name = name;
  t.kind = kind;
  t.owner = sc.eval->user;
  CheckTypeNameFree(sc, t.schema, t.name);
  return t;
}

QueryResult RunCreateEnum(const PgQuery__CreateEnumStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE TYPE";
  TypeDef t = NewTypeDef(sc, s->type_name, s->n_type_name, 'e');
  std::set<std::string> seen;
  for (size_t i = 0; i < s->n_vals; i++) {
    const std::string label(NodeString(s->vals[i]));
    CheckLabel(label);
    if (!seen.insert(label).second) {
      throw PgError(sqlstate::kDuplicateObject, "enum label \"" + label + "\" used more than once");
    }
  }
  if (sc.describe_only) return out;
  t.oid = sc.db->AllocateOid();
  t.array_oid = sc.db->AllocateOid();
  for (size_t i = 0; i < s->n_vals; i++) {
    t.labels.push_back({sc.db->AllocateOid(), static_cast<double>(i + 1), std::string(NodeString(s->vals[i]))});
  }
  SaveType(sc, t);
  return out;
}

QueryResult RunAlterEnum(const PgQuery__AlterEnumStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "ALTER TYPE";
  auto [schema, name] = QualifiedName(s->type_name, s->n_type_name);
  const TypeDef* found = LookupType(sc, schema, name, false);
  if (found->kind != 'e') throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not an enum");
  TypeDef t = *found;
  const std::string new_val = s->new_val != nullptr ? s->new_val : "";
  const std::string old_val = s->old_val != nullptr ? s->old_val : "";
  if (!old_val.empty()) {  // RENAME VALUE old TO new
    EnumLabel* l = nullptr;
    for (auto& x : t.labels) {
      if (x.label == old_val) l = &x;
    }
    if (l == nullptr) throw PgError(sqlstate::kInvalidParameterValue, "\"" + old_val + "\" is not an existing enum label");
    if (t.FindLabel(new_val) != nullptr && old_val != new_val) {
      throw PgError(sqlstate::kDuplicateObject, "enum label \"" + new_val + "\" already exists");
    }
    CheckLabel(new_val);
    if (sc.describe_only) return out;
    l->label = new_val;
    SaveType(sc, t);
    return out;
  }
  CheckLabel(new_val);
  if (t.FindLabel(new_val) != nullptr) {
    if (s->skip_if_new_val_exists) return out;  // PostgreSQL notes "already exists, skipping"
    throw PgError(sqlstate::kDuplicateObject, "enum label \"" + new_val + "\" already exists");
  }
  // Labels stay sorted; the new one goes last, or next to its neighbour
  // with a sort order between the neighbour and the label beyond it.
  size_t pos = t.labels.size();
  double order = t.labels.empty() ? 1 : t.labels.back().sort_order + 1;
  const std::string neighbor = s->new_val_neighbor != nullptr ? s->new_val_neighbor : "";
  if (!neighbor.empty()) {
    size_t k = 0;
    while (k < t.labels.size() && t.labels[k].label != neighbor) k++;
    if (k == t.labels.size()) {
      throw PgError(sqlstate::kInvalidParameterValue, "\"" + neighbor + "\" is not an existing enum label");
    }
    pos = s->new_val_is_after ? k + 1 : k;
    const double lo = pos > 0 ? t.labels[pos - 1].sort_order : t.labels[0].sort_order - 2;
    const double hi = pos < t.labels.size() ? t.labels[pos].sort_order : t.labels.back().sort_order + 2;
    order = (lo + hi) / 2;
    // Existing labels never move (index keys hold their sort order), so
    // the halving ends when doubles run out between two neighbours.
    if (!(order > lo && order < hi)) {
      throw PgError(sqlstate::kProgramLimitExceeded,
                    "too many enum values added between \"" + t.labels[pos - 1].label + "\" and \"" +
                        t.labels[pos].label + "\"");
    }
  }
  if (sc.describe_only) return out;
  t.labels.insert(t.labels.begin() + static_cast<std::ptrdiff_t>(pos), {sc.db->AllocateOid(), order, new_val});
  SaveType(sc, t);
  return out;
}

QueryResult RunCreateComposite(const PgQuery__CompositeTypeStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE TYPE";
  const PgQuery__RangeVar* rv = s->typevar;
  TypeDef t;
  t.schema = CreationSchema(sc, rv->schemaname, rv->location);
  t.name = rv->relname;
  t.kind = 'c';
  t.owner = sc.eval->user;
  CheckTypeNameFree(sc, t.schema, t.name);
  for (size_t i = 0; i < s->n_coldeflist; i++) {
    const PgQuery__ColumnDef* cd = s->coldeflist[i]->column_def;
    TypeField f;
    f.name = cd->colname;
    for (const auto& other : t.fields) {
      if (other.name == f.name) {
        throw PgError(sqlstate::kDuplicateColumn, "column \"" + f.name + "\" specified more than once");
      }
    }
    ResolveTypeName(cd->type_name, &f.type_oid, &f.typmod);
    t.fields.push_back(std::move(f));
  }
  if (sc.describe_only) return out;
  t.oid = sc.db->AllocateOid();
  t.array_oid = sc.db->AllocateOid();
  t.relid = sc.db->AllocateOid();
  SaveType(sc, t);
  return out;
}

// What depends on type `oid`: table columns, domains based on it and
// composites with a field of it (or of its array type).
struct TypeDependents {
  std::vector<std::pair<uint32_t, int>> columns;  // (table oid, column)
  std::vector<uint32_t> types;
  std::string detail;
};

TypeDependents FindTypeDependents(const Catalog& cat, const TypeDef& t) {
  TypeDependents d;
  // A range's multirange (and its array) goes with it.
  const TypeDef* multi = t.kind == 'r' ? cat.FindTypeDefByOid(t.multirange_oid) : nullptr;
  auto uses = [&](uint32_t type) {
    return type == t.oid || (t.array_oid != 0 && type == t.array_oid) ||
           (multi != nullptr && (type == multi->oid || type == multi->array_oid));
  };
  auto what = [](const TypeDef& x) { return x.kind == 'c' ? "composite type " : "type "; };
  for (const auto& [oid, other] : cat.types()) {
    bool dep = (other.kind == 'd' || other.kind == 'r') && uses(other.base_type);
    for (const auto& f : other.fields) dep = dep || uses(f.type_oid);
    if (!dep) continue;
    d.types.push_back(oid);
    d.detail += (d.detail.empty() ? "" : "\n") + (what(other) + other.name) + " depends on type " + t.name;
  }
  for (const auto& [oid, tab] : cat.tables()) {
    for (size_t c = 0; c < tab.columns.size(); c++) {
      if (tab.columns[c].dropped || !uses(tab.columns[c].type_oid)) continue;
      d.columns.push_back({oid, static_cast<int>(c)});
      d.detail += (d.detail.empty() ? "" : "\n") + ("column " + tab.columns[c].name + " of table " + tab.name) +
                  " depends on type " + t.name;
    }
  }
  return d;
}

std::string TypeDependentsDetail(const Catalog& cat, const TypeDef& t) { return FindTypeDependents(cat, t).detail; }

// Drops type oid and (cascade) what depends on it; 2BP01 otherwise.
void DropTypeAndDependents(StmtContext& sc, uint32_t oid, bool cascade, int depth) {
  const TypeDef* found = (*sc.catalog)->FindTypeDefByOid(oid);
  if (found == nullptr || depth > 32) return;
  const TypeDef t = *found;
  const TypeDependents d = FindTypeDependents(**sc.catalog, t);
  if ((!d.columns.empty() || !d.types.empty()) && !cascade) {
    throw PgError(sqlstate::kDependentObjectsStillExist,
                  "cannot drop type " + t.name + " because other objects depend on it", d.detail,
                  "Use DROP ... CASCADE to drop the dependent objects too.");
  }
  for (uint32_t dep : d.types) DropTypeAndDependents(sc, dep, cascade, depth + 1);
  for (const auto& [table_oid, c] : d.columns) {
    TableDef tab = *(*sc.catalog)->FindByOid(table_oid);
    if (std::find(tab.pk.begin(), tab.pk.end(), c) != tab.pk.end()) {
      throw PgError(sqlstate::kFeatureNotSupported, "DROP TYPE ... CASCADE of a primary key column is not supported");
    }
    std::erase_if(tab.indexes, [c](const IndexDef& x) { return x.Uses(c); });
    tab.columns[static_cast<size_t>(c)].dropped = true;
    SaveTable(sc, tab);
  }
  ThrowIfError(sc.txn->Delete(TypeDefKey(t.oid)));
  *sc.catalog = (*sc.catalog)->WithoutType(t.oid);
  if (t.kind == 'r' && (*sc.catalog)->FindTypeDefByOid(t.multirange_oid) != nullptr) {
    ThrowIfError(sc.txn->Delete(TypeDefKey(t.multirange_oid)));
    *sc.catalog = (*sc.catalog)->WithoutType(t.multirange_oid);
  }
  sc.catalog_changed = true;
}

QueryResult RunRenameType(const PgQuery__RenameStmt* s, StmtContext& sc) {
  QueryResult out;
  const bool domain = s->rename_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN;
  out.tag = domain ? "ALTER DOMAIN" : "ALTER TYPE";
  if (s->object == nullptr || s->object->node_case != PG_QUERY__NODE__NODE_LIST) {
    throw PgError(sqlstate::kFeatureNotSupported, "this kind of RENAME is not supported yet");
  }
  const PgQuery__List* l = s->object->list;
  auto [schema, name] = QualifiedName(l->items, l->n_items);
  const TypeDef* found = LookupType(sc, schema, name, false);
  if (domain && found->kind != 'd') throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a domain");
  TypeDef t = *found;
  const std::string newname = s->newname != nullptr ? s->newname : "";
  CheckTypeNameFree(sc, t.schema, newname);
  if (sc.describe_only) return out;
  t.name = newname;
  SaveType(sc, t);
  return out;
}

QueryResult RunDropType(const PgQuery__DropStmt* s, StmtContext& sc) {
  QueryResult out;
  const bool domain = s->remove_type == PG_QUERY__OBJECT_TYPE__OBJECT_DOMAIN;
  out.tag = domain ? "DROP DOMAIN" : "DROP TYPE";
  std::vector<uint32_t> victims;
  for (size_t i = 0; i < s->n_objects; i++) {
    const PgQuery__TypeName* tn = s->objects[i]->type_name;
    if (tn == nullptr) throw PgError(sqlstate::kSyntaxError, "type name expected");
    std::vector<PgNode*> parts;
    for (size_t k = 0; k < tn->n_names; k++) parts.push_back(tn->names[k]);
    auto [schema, name] = QualifiedName(parts.data(), parts.size());
    const TypeDef* t = LookupType(sc, schema, name, s->missing_ok);
    if (t == nullptr) continue;  // IF EXISTS: PostgreSQL notes "does not exist, skipping"
    if (domain && t->kind != 'd') throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a domain");
    if (t->kind == 'm') {  // dropped with its range type only
      const TypeDef* range = (*sc.catalog)->FindTypeDefByOid(t->base_type);
      const std::string owner = range != nullptr ? range->name : "?";
      throw PgError(sqlstate::kDependentObjectsStillExist,
                    "cannot drop type " + t->name + " because type " + owner + " requires it", "",
                    "You can drop type " + owner + " instead.");
    }
    if (t->kind == 'b') {
      throw PgError(sqlstate::kDependentObjectsStillExist, "cannot drop type " + t->name + " because extension " +
                                                               t->extension + " requires it",
                    "", "You can drop extension " + t->extension + " instead.");
    }
    victims.push_back(t->oid);
  }
  if (sc.describe_only) return out;
  for (uint32_t oid : victims) {
    DropTypeAndDependents(sc, oid, s->behavior == PG_QUERY__DROP_BEHAVIOR__DROP_CASCADE, 0);
  }
  return out;
}

}  // namespace immu::sql
