// pg_namespace, pg_class, pg_attribute, pg_index, pg_constraint, pg_attrdef,
// pg_tables, pg_indexes, pg_sequence, pg_sequences: generated from the
// catalog's TableDefs and the emulated system relations themselves.

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/parser.h"
#include "sql/sequences.h"
#include "sql/system_internal.h"

namespace immu::sql {

namespace {

const Catalog& Cat(StmtContext& sc) { return **sc.catalog; }

uint32_t Collation(uint32_t type) {
  if (type == oid::kName) return 950;  // "C"
  return type == oid::kText || type == oid::kVarchar || type == oid::kBpchar ? kDefaultCollation : 0;
}

Value Int2Vector(const std::vector<int>& columns, int base) {
  ValueArray v;
  for (int c : columns) v.push_back(Int2V(c + base));
  return Value::Array(oid::kInt2Vector, std::move(v));
}

Value OidVector(size_t n, uint32_t x) {
  return Value::Array(oid::kOidVector, ValueArray(n, OidV(x)));
}

void PgNamespace(StmtContext& sc, RowBuilder& b) {
  const std::pair<const char*, uint32_t> fixed[] = {
      {"pg_toast", kSuperuserOid}, {"pg_catalog", kSuperuserOid}, {"information_schema", kSuperuserOid}};
  for (const auto& [name, owner] : fixed) {
    b.Begin().Set("oid", OidV(NamespaceOid(name))).Set("nspname", NameV(name)).Set("nspowner", OidV(owner)).End();
  }
  for (const auto& s : UserSchemas(Cat(sc))) {
    b.Begin()
        .Set("oid", OidV(NamespaceOid(s)))
        .Set("nspname", NameV(s))
        .Set("nspowner", OidV(s == "public" ? kDatabaseOwnerRoleOid : kSuperuserOid));
    if (s == "public") {
      // PostgreSQL 15's default: the owner has USAGE+CREATE, everyone USAGE.
      b.Set("nspacl", Value::Array(oid::kAclitemArray, {Value::Str(oid::kAclitem, "pg_database_owner=UC/pg_database_owner"),
                                                         Value::Str(oid::kAclitem, "=U/pg_database_owner")}));
    }
    b.End();
  }
}

RowBuilder& ClassRow(RowBuilder& b, uint32_t id, const std::string& name, uint32_t nsp, char kind, uint32_t am,
                     size_t natts) {
  return b.Begin()
      .Set("oid", OidV(id))
      .Set("relname", NameV(name))
      .Set("relnamespace", OidV(nsp))
      .Set("relowner", OidV(kSuperuserOid))
      .Set("relam", OidV(am))
      .Set("relfilenode", OidV(kind == 'v' ? 0 : id))
      .Set("reltuples", Value::Float(oid::kFloat4, -1))
      .Set("relpersistence", CharV('p'))
      .Set("relkind", CharV(kind))
      .Set("relnatts", Int2V(static_cast<int64_t>(natts)))
      .Set("relispopulated", BoolV(true))
      .Set("relreplident", CharV(kind == 'r' ? 'd' : 'n'));
}

void PgClass(StmtContext& sc, RowBuilder& b) {
  for (const auto& r : SystemRelations()) {
    ClassRow(b, r.oid, r.name, NamespaceOid(r.schema), r.kind, r.kind == 'r' ? kHeapAm : 0, r.columns.size()).End();
  }
  for (const auto& [id, t] : Cat(sc).tables()) {
    const uint32_t nsp = NamespaceOid(t.schema);
    const auto indexes = TableIndexes(t);
    // psql shows constraint sections only when relchecks / relhastriggers
    // say there is something (foreign keys are triggers in PostgreSQL).
    bool triggers = !t.foreign_keys.empty();
    for (const auto& [other_oid, other] : Cat(sc).tables()) {
      for (const auto& f : other.foreign_keys) triggers |= f.ref_oid == t.oid;
    }
    const Value persistence = CharV(t.schema.starts_with("pg_temp_") ? 't' : 'p');
    ClassRow(b, t.oid, t.name, nsp, t.kind, t.kind == 'r' ? kHeapAm : 0, t.columns.size())
        .Set("relpersistence", persistence)
        .Set("relfilenode", OidV(t.kind == 'v' ? 0 : t.relfilenode()))
        .Set("relhasindex", BoolV(!indexes.empty()))
        .Set("relchecks", Int2V(static_cast<int64_t>(t.checks.size())))
        .Set("relhastriggers", BoolV(triggers))
        .End();
    for (const auto& x : indexes) {
      ClassRow(b, x.oid, x.name, nsp, 'i', AccessMethodOid(Cat(sc), x.access_method), x.AllColumns().size())
          .Set("relreplident", CharV('n'))
          .Set("relpersistence", persistence)
          .End();
    }
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (!t.columns[c].serial || t.columns[c].dropped) continue;
      ClassRow(b, SequenceOid(t, c), SequenceName(t, c), nsp, 'S', 0, 3)
          .Set("relreplident", CharV('n'))
          .Set("relpersistence", persistence)
          .End();
    }
  }
  UserTypePgClassRows(sc, b);
}

void AttributeRow(RowBuilder& b, uint32_t rel, const std::string& name, uint32_t type, int32_t typmod, int attnum,
                  bool not_null, bool has_default, char identity, bool dropped, char generated = 0) {
  const TypeInfo* ti = FindType(type);
  const int16_t len = ti != nullptr ? ti->len : -1;
  bool byval = len == 1 || len == 2 || len == 4 || len == 8;
  char align = len == 8 ? 'd' : len == 2 ? 's' : len == 1 ? 'c' : 'i';
  char storage = len == -1 ? 'x' : 'p';
  for (const auto& t : PgTypes()) {
    if (t.oid != type) continue;
    byval = t.byval;
    align = t.align;
    storage = t.storage;
  }
  b.Begin()
      .Set("attrelid", OidV(rel))
      .Set("attname", NameV(name))
      .Set("atttypid", OidV(dropped ? 0 : type))
      .Set("attstattarget", Int4V(-1))
      .Set("attlen", Int2V(len))
      .Set("attnum", Int2V(attnum))
      .Set("attndims", Int4V(ArrayElementType(type) != 0 && type != oid::kInt2Vector && type != oid::kOidVector))
      .Set("attcacheoff", Int4V(-1))
      .Set("atttypmod", Int4V(typmod))
      .Set("attbyval", BoolV(byval))
      .Set("attalign", CharV(align))
      .Set("attstorage", CharV(storage))
      .Set("attcompression", Value::Str(oid::kChar, ""))
      .Set("attnotnull", BoolV(not_null))
      .Set("atthasdef", BoolV(has_default))
      .Set("atthasmissing", BoolV(false))
      .Set("attidentity", Value::Str(oid::kChar, identity ? std::string(1, identity) : ""))
      .Set("attgenerated", Value::Str(oid::kChar, generated ? std::string(1, generated) : ""))
      .Set("attisdropped", BoolV(dropped))
      .Set("attislocal", BoolV(true))
      .Set("attcollation", OidV(Collation(type)))
      .End();
}

// attnotnull of a catalog table's column, by initdb's rule (genbki): NOT
// NULL while every column so far is fixed-width (int2vector and oidvector
// count as such), and the columns the catalog headers force NOT NULL.
bool CatalogNotNull(const SysRelation& r, size_t column) {
  static constexpr std::pair<const char*, const char*> kForced[] = {
      {"pg_attrdef", "adbin"},        {"pg_database", "datcollate"},   {"pg_database", "datctype"},
      {"pg_default_acl", "defaclacl"}, {"pg_description", "description"}, {"pg_extension", "extversion"},
      {"pg_init_privs", "initprivs"},  {"pg_policy", "polroles"},       {"pg_proc", "prosrc"},
      {"pg_rewrite", "ev_qual"},       {"pg_rewrite", "ev_action"},     {"pg_seclabel", "provider"},
      {"pg_seclabel", "label"},        {"pg_shdescription", "description"}, {"pg_statistic_ext", "stxkind"},
      {"pg_subscription", "subconninfo"}, {"pg_subscription", "subsynccommit"},
      {"pg_subscription", "subpublications"}, {"pg_trigger", "tgargs"},
  };
  if (r.kind != 'r') return false;
  for (const auto& [rel, col] : kForced) {
    if (std::string_view(r.name) == rel && std::string_view(r.columns[column].name) == col) return true;
  }
  for (size_t i = 0; i <= column; i++) {
    const uint32_t type = r.columns[i].type;
    if (type == oid::kInt2Vector || type == oid::kOidVector) continue;
    const auto& types = PgTypes();
    auto t = std::find_if(types.begin(), types.end(), [type](const PgTypeRow& row) { return row.oid == type; });
    if (t == types.end() || t->len < 0) return false;
  }
  return true;
}

void PgAttribute(StmtContext& sc, RowBuilder& b) {
  for (const auto& r : SystemRelations()) {
    for (size_t i = 0; i < r.columns.size(); i++) {
      AttributeRow(b, r.oid, r.columns[i].name, r.columns[i].type, -1, static_cast<int>(i + 1), CatalogNotNull(r, i),
                   false, 0, false);
    }
  }
  for (const auto& [id, t] : Cat(sc).tables()) {
    for (size_t c = 0; c < t.columns.size(); c++) {
      const ColumnDef& col = t.columns[c];
      const std::string name =
          col.dropped ? "........pg.dropped." + std::to_string(c + 1) + "........" : col.name;
      const char identity = col.identity_always ? 'a' : col.identity ? 'd' : 0;
      // Identity columns have no pg_attrdef row; generated ones keep their
      // expression there.
      const bool has_default = !col.dropped && ((col.serial && !col.identity) || !col.default_expr.empty() ||
                                                !col.generated_expr.empty());
      AttributeRow(b, t.oid, name, col.type_oid, col.typmod, static_cast<int>(c + 1), col.not_null, has_default,
                   identity, col.dropped, col.generated_expr.empty() ? 0 : 's');
    }
    for (const auto& x : TableIndexes(t)) {
      const std::vector<int> all = x.AllColumns();
      for (size_t k = 0; k < all.size(); k++) {
        const int32_t typmod = x.IsExpression(k) ? -1 : t.columns[static_cast<size_t>(all[k])].typmod;
        AttributeRow(b, x.oid, x.KeyName(t, k), x.KeyType(t, k), typmod, static_cast<int>(k + 1), false, false, 0,
                     false);
      }
    }
  }
  int attnum = 0;
  uint32_t rel = 0;
  for (const auto& [relid, f] : CompositeAttributes(Cat(sc))) {
    attnum = relid == rel ? attnum + 1 : 1;
    rel = relid;
    AttributeRow(b, relid, f->name, f->type_oid, f->typmod, attnum, false, false, 0, false);
  }
}

// pg_index.indexprs: the expression keys' text (pg_get_expr prints it),
// NULL without any.
Value IndexExprs(const IndexView& x) {
  std::string text;
  for (size_t k = 0; k < x.columns.size(); k++) {
    if (x.IsExpression(k)) text += (text.empty() ? "" : ", ") + x.exprs[k];
  }
  return text.empty() ? Value::Null(oid::kPgNodeTree) : Value::Str(oid::kPgNodeTree, text);
}

// pg_index.indoption: one entry per key column (INCLUDE columns have none).
std::vector<int> IndOption(const IndexView& x) {
  std::vector<int> out;
  for (size_t k = 0; k < x.columns.size(); k++) out.push_back(x.Option(k));
  return out;
}

void PgIndex(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    for (const auto& x : TableIndexes(t)) {
      ValueArray collations;
      for (size_t k = 0; k < x.columns.size(); k++) collations.push_back(OidV(Collation(x.KeyType(t, k))));
      b.Begin()
          .Set("indexrelid", OidV(x.oid))
          .Set("indrelid", OidV(t.oid))
          .Set("indnatts", Int2V(static_cast<int64_t>(x.AllColumns().size())))
          .Set("indnkeyatts", Int2V(static_cast<int64_t>(x.columns.size())))
          .Set("indisunique", BoolV(x.unique))
          .Set("indnullsnotdistinct", BoolV(x.nulls_not_distinct))
          .Set("indisprimary", BoolV(x.primary))
          .Set("indimmediate", BoolV(true))
          .Set("indisvalid", BoolV(true))
          .Set("indisready", BoolV(true))
          .Set("indislive", BoolV(true))
          .Set("indkey", Int2Vector(x.AllColumns(), 1))
          .Set("indcollation", Value::Array(oid::kOidVector, std::move(collations)))
          .Set("indclass", OidVector(x.columns.size(), 0))
          .Set("indoption", Int2Vector(IndOption(x), 0))
          .Set("indexprs", IndexExprs(x))
          .Set("indpred", x.predicate.empty() ? Value::Null(oid::kPgNodeTree)
                                              : Value::Str(oid::kPgNodeTree, PredicateText(x.predicate)))
          .End();
    }
  }
}

// conkey of a CHECK: the columns its expression reads, in order of first
// appearance (as PostgreSQL's StoreRelCheck collects them).
Value CheckKey(const TableDef& t, const CheckDef& c) {
  std::vector<int> attnums;
  try {
    const auto tree = ParseTree::Parse("SELECT " + c.expr);
    VisitColumnRefs(&tree->stmt(0)->base, [&](const PgQuery__ColumnRef* ref) {
      if (ref->n_fields == 0 || ref->fields[ref->n_fields - 1]->node_case != PG_QUERY__NODE__NODE_STRING) return;
      const std::string_view name = NodeString(ref->fields[ref->n_fields - 1]);
      for (size_t i = 0; i < t.columns.size(); i++) {
        const int attnum = static_cast<int>(i) + 1;
        if (!t.columns[i].dropped && t.columns[i].name == name &&
            std::find(attnums.begin(), attnums.end(), attnum) == attnums.end()) {
          attnums.push_back(attnum);
        }
      }
    });
  } catch (const PgError&) {
    // A stored expression always parses; if not, the key stays empty.
  }
  ValueArray key;
  for (int a : attnums) key.push_back(Int2V(a));
  return Value::Array(oid::kInt2Array, std::move(key));
}

void PgConstraint(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    for (const auto& x : TableIndexes(t)) {
      if (!x.constraint) continue;
      ValueArray key;
      for (int c : x.columns) key.push_back(Int2V(c + 1));
      b.Begin()
          .Set("oid", OidV(x.constraint_oid))
          .Set("conname", NameV(x.name))
          .Set("connamespace", OidV(NamespaceOid(t.schema)))
          .Set("contype", CharV(x.primary ? 'p' : 'u'))
          .Set("convalidated", BoolV(true))
          .Set("conrelid", OidV(t.oid))
          .Set("conindid", OidV(x.oid))
          .Set("confupdtype", CharV(' '))
          .Set("confdeltype", CharV(' '))
          .Set("confmatchtype", CharV(' '))
          .Set("conislocal", BoolV(true))
          .Set("connoinherit", BoolV(true))
          .Set("conkey", Value::Array(oid::kInt2Array, std::move(key)))
          .End();
    }
    for (size_t i = 0; i < t.checks.size(); i++) {
      const CheckDef& c = t.checks[i];
      b.Begin()
          .Set("oid", OidV(CheckConstraintOid(t, i)))
          .Set("conname", NameV(c.name))
          .Set("connamespace", OidV(NamespaceOid(t.schema)))
          .Set("contype", CharV('c'))
          .Set("convalidated", BoolV(!c.not_valid))
          .Set("conrelid", OidV(t.oid))
          .Set("confupdtype", CharV(' '))
          .Set("confdeltype", CharV(' '))
          .Set("confmatchtype", CharV(' '))
          .Set("conislocal", BoolV(true))
          .Set("conkey", CheckKey(t, c))
          .Set("conbin", Value::Str(oid::kPgNodeTree, c.expr))
          .End();
    }
    for (size_t i = 0; i < t.foreign_keys.size(); i++) {
      const ForeignKeyDef& f = t.foreign_keys[i];
      ValueArray key, fkey;
      for (int c : f.columns) key.push_back(Int2V(c + 1));
      for (int c : f.ref_columns) fkey.push_back(Int2V(c + 1));
      b.Begin()
          .Set("oid", OidV(ForeignKeyOid(t, i)))
          .Set("conname", NameV(f.name))
          .Set("connamespace", OidV(NamespaceOid(t.schema)))
          .Set("contype", CharV('f'))
          .Set("condeferrable", BoolV(f.deferrable))
          .Set("condeferred", BoolV(f.initially_deferred))
          .Set("convalidated", BoolV(!f.not_valid))
          .Set("conrelid", OidV(t.oid))
          .Set("conindid", OidV(ReferencedIndexOid(Cat(sc), f)))
          .Set("confrelid", OidV(f.ref_oid))
          .Set("confupdtype", CharV(f.on_update))
          .Set("confdeltype", CharV(f.on_delete))
          .Set("confmatchtype", CharV(f.match))
          .Set("conislocal", BoolV(true))
          .Set("connoinherit", BoolV(true))
          .Set("conkey", Value::Array(oid::kInt2Array, std::move(key)))
          .Set("confkey", Value::Array(oid::kInt2Array, std::move(fkey)))
          .End();
    }
  }
  UserTypePgConstraintRows(sc, b);
}

void PgAttrdef(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    for (size_t c = 0; c < t.columns.size(); c++) {
      const ColumnDef& col = t.columns[c];
      if (col.dropped || ((!col.serial || col.identity) && col.default_expr.empty() && col.generated_expr.empty())) {
        continue;
      }
      b.Begin()
          .Set("oid", OidV(AttrDefOid(t, c)))
          .Set("adrelid", OidV(t.oid))
          .Set("adnum", Int2V(static_cast<int64_t>(c + 1)))
          .Set("adbin", Value::Str(oid::kPgNodeTree, DefaultExprText(t, c)))
          .End();
    }
  }
}

void PgTables(StmtContext& sc, RowBuilder& b) {
  for (const auto& r : SystemRelations()) {
    if (r.kind != 'r') continue;
    b.Begin()
        .Set("schemaname", NameV(r.schema))
        .Set("tablename", NameV(r.name))
        .Set("tableowner", NameV(kSuperuserName))
        .Set("hasindexes", BoolV(true))
        .End();
  }
  for (const auto& [id, t] : Cat(sc).tables()) {
    if (t.kind != 'r') continue;
    b.Begin()
        .Set("schemaname", NameV(t.schema))
        .Set("tablename", NameV(t.name))
        .Set("tableowner", NameV(kSuperuserName))
        .Set("hasindexes", BoolV(!TableIndexes(t).empty()))
        .End();
  }
}

void PgIndexes(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    for (const auto& x : TableIndexes(t)) {
      b.Begin()
          .Set("schemaname", NameV(t.schema))
          .Set("tablename", NameV(t.name))
          .Set("indexname", NameV(x.name))
          .Set("indexdef", TextV(IndexDefText(t, x)))
          .End();
    }
  }
}

void PgSequence(StmtContext& sc, RowBuilder& b) {
  for (const SequenceRef& s : CatalogSequences(Cat(sc))) {
    const SequenceDef& q = s.def;
    b.Begin()
        .Set("seqrelid", OidV(s.oid))
        .Set("seqtypid", OidV(q.type_oid))
        .Set("seqstart", Int8V(q.start))
        .Set("seqincrement", Int8V(q.increment))
        .Set("seqmax", Int8V(q.max_value))
        .Set("seqmin", Int8V(q.min_value))
        .Set("seqcache", Int8V(q.cache))
        .Set("seqcycle", BoolV(q.cycle))
        .End();
  }
}

void PgSequences(StmtContext& sc, RowBuilder& b) {
  for (const SequenceRef& s : CatalogSequences(Cat(sc))) {
    const SequenceDef& q = s.def;
    b.Begin()
        .Set("schemaname", NameV(s.schema))
        .Set("sequencename", NameV(s.name))
        .Set("sequenceowner", NameV(kSuperuserName))
        .Set("data_type", Value::Int(oid::kRegtype, q.type_oid))
        .Set("start_value", Int8V(q.start))
        .Set("min_value", Int8V(q.min_value))
        .Set("max_value", Int8V(q.max_value))
        .Set("increment_by", Int8V(q.increment))
        .Set("cycle", BoolV(q.cycle))
        .Set("cache_size", Int8V(q.cache))
        .End();
  }
}

void PgViews(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    if (t.kind != 'v') continue;
    b.Begin()
        .Set("schemaname", NameV(t.schema))
        .Set("viewname", NameV(t.name))
        .Set("viewowner", NameV(kSuperuserName))
        .Set("definition", TextV(" " + t.view_query + ";"))
        .End();
  }
}

void PgMatviews(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    if (t.kind != 'm') continue;
    b.Begin()
        .Set("schemaname", NameV(t.schema))
        .Set("matviewname", NameV(t.name))
        .Set("matviewowner", NameV(kSuperuserName))
        .Set("hasindexes", BoolV(!t.indexes.empty()))
        .Set("ispopulated", BoolV(t.populated))
        .Set("definition", TextV(" " + t.view_query + ";"))
        .End();
  }
}

}  // namespace

Producer ClassProducer(std::string_view name) {
  static const std::pair<std::string_view, Producer> kProducers[] = {
      {"pg_views", PgViews},          {"pg_matviews", PgMatviews},
      {"pg_namespace", PgNamespace}, {"pg_class", PgClass},         {"pg_attribute", PgAttribute},
      {"pg_index", PgIndex},         {"pg_constraint", PgConstraint}, {"pg_attrdef", PgAttrdef},
      {"pg_tables", PgTables},       {"pg_indexes", PgIndexes},     {"pg_sequence", PgSequence},
      {"pg_sequences", PgSequences},
  };
  for (const auto& [n, p] : kProducers) {
    if (n == name) return p;
  }
  return nullptr;
}

}  // namespace immu::sql
