// System relations: dispatch by name, and the helpers every producer shares
// (synthetic OIDs, index views, the deparsed definitions of
// pg_get_indexdef / pg_get_constraintdef / pg_get_expr).

#include "sql/system_tables.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <set>

#include "catalog/pg_error.h"
#include "sql/parser.h"
#include "sql/system_internal.h"

namespace immu::sql {

namespace {

// Synthetic OIDs: 0x80000000 + (table oid - 16384) * 4096 + slot, slots
// 0 (pk index), 1 (pk constraint), 1024 + column (default), 2048 + column
// (sequence). UNIQUE constraints: 0x40000000 + the index's OID.
uint32_t Synthetic(const TableDef& t, uint32_t slot) {
  return 0x80000000u + ((t.oid - kFirstUserOid) << 12) + slot;
}

Value DefaultFor(uint32_t type) {
  switch (type) {
    case oid::kBool:
      return Value::Bool(false);
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
    case oid::kXid:
    case oid::kRegproc:
    case oid::kRegclass:
    case oid::kRegtype:
      return Value::Int(type, 0);
    case oid::kFloat4:
    case oid::kFloat8:
      return Value::Float(type, 0);
    default:
      return Value::Null(type);
  }
}

}  // namespace

uint32_t NamespaceOid(std::string_view schema) {
  if (schema == "pg_catalog") return kPgCatalogNamespace;
  if (schema == "public") return kPublicNamespace;
  if (schema == "information_schema") return kInformationSchemaNamespace;
  if (schema == "pg_toast") return kPgToastNamespace;
  // Other schemas: a stable hash in a range of their own.
  uint32_t h = 2166136261u;
  for (char c : schema) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return 0x20000000u + (h & 0x0fffffffu);
}

std::vector<std::string> UserSchemas(const Catalog& catalog) {
  std::set<std::string> s = {"public"};
  for (const auto& [id, t] : catalog.tables()) s.insert(t.schema);
  for (const auto& [id, d] : catalog.schemas()) s.insert(d.name);
  return {s.begin(), s.end()};
}

uint32_t DatabaseOid(std::string_view name) {
  if (name == "defaultdb") return 16384;
  uint32_t h = 2166136261u;
  for (char c : name) h = (h ^ static_cast<unsigned char>(c)) * 16777619u;
  return 16385 + (h % 1000000u);
}

uint32_t PkIndexOid(const TableDef& t) { return Synthetic(t, 0); }
uint32_t PkConstraintOid(const TableDef& t) { return Synthetic(t, 1); }
uint32_t UniqueConstraintOid(const IndexDef& index) { return 0x40000000u + index.oid; }
uint32_t AttrDefOid(const TableDef& t, size_t column) { return Synthetic(t, 1024 + static_cast<uint32_t>(column)); }
uint32_t SequenceOid(const TableDef& t, size_t column) { return Synthetic(t, 2048 + static_cast<uint32_t>(column)); }
std::string SequenceName(const TableDef& t, size_t column) { return t.name + "_" + t.columns[column].name + "_seq"; }
uint32_t CheckConstraintOid(const TableDef& t, size_t check) { return Synthetic(t, 3072 + static_cast<uint32_t>(check)); }
uint32_t ForeignKeyOid(const TableDef& t, size_t fk) { return Synthetic(t, 3584 + static_cast<uint32_t>(fk)); }

uint32_t ConstraintOidByName(const TableDef& t, const std::string& name) {
  for (const auto& x : TableIndexes(t)) {
    if (x.constraint && x.name == name) return x.constraint_oid;
  }
  for (size_t i = 0; i < t.checks.size(); i++) {
    if (t.checks[i].name == name) return CheckConstraintOid(t, i);
  }
  for (size_t i = 0; i < t.foreign_keys.size(); i++) {
    if (t.foreign_keys[i].name == name) return ForeignKeyOid(t, i);
  }
  return 0;
}

uint32_t ReferencedIndexOid(const Catalog& catalog, const ForeignKeyDef& fk) {
  const TableDef* parent = catalog.FindByOid(fk.ref_oid);
  if (parent == nullptr) return 0;
  auto same = [](std::vector<int> a, std::vector<int> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
  };
  for (const auto& x : TableIndexes(*parent)) {
    if (x.unique && x.predicate.empty() && same(x.columns, fk.ref_columns)) return x.oid;
  }
  return 0;
}

std::string CheckDefText(const CheckDef& c, bool pretty) {
  // PostgreSQL parenthesises the expression once more unless pretty.
  return (pretty ? "CHECK (" + c.expr + ")" : "CHECK ((" + c.expr + "))") + (c.not_valid ? " NOT VALID" : "");
}

std::string FkActionName(char action) {
  switch (action) {
    case 'c':
      return "CASCADE";
    case 'n':
      return "SET NULL";
    case 'd':
      return "SET DEFAULT";
    case 'r':
      return "RESTRICT";
    default:
      return "NO ACTION";
  }
}

std::string ForeignKeyDefText(const Catalog& catalog, const TableDef& t, const ForeignKeyDef& fk) {
  const TableDef* parent = catalog.FindByOid(fk.ref_oid);
  std::string s = "FOREIGN KEY (";
  for (size_t i = 0; i < fk.columns.size(); i++) {
    s += (i ? ", " : "") + QuoteIdent(t.columns[static_cast<size_t>(fk.columns[i])].name);
  }
  s += ") REFERENCES ";
  if (parent != nullptr) {
    if (parent->schema != "public") s += QuoteIdent(parent->schema) + ".";
    s += QuoteIdent(parent->name) + "(";
    for (size_t i = 0; i < fk.ref_columns.size(); i++) {
      s += (i ? ", " : "") + QuoteIdent(parent->columns[static_cast<size_t>(fk.ref_columns[i])].name);
    }
    s += ")";
  }
  if (fk.match == 'f') s += " MATCH FULL";
  if (fk.on_update != 'a') s += " ON UPDATE " + FkActionName(fk.on_update);
  if (fk.on_delete != 'a') s += " ON DELETE " + FkActionName(fk.on_delete);
  if (fk.deferrable) s += " DEFERRABLE";
  if (fk.initially_deferred) s += " INITIALLY DEFERRED";
  if (fk.not_valid) s += " NOT VALID";
  return s;
}

std::string IndexView::KeyName(const TableDef& t, size_t k) const {
  const std::vector<int> all = AllColumns();
  if (!IsExpression(k)) return t.columns[static_cast<size_t>(all[k])].name;
  const std::string& e = exprs[k];
  size_t n = 0;
  while (n < e.size() && (std::isalnum(static_cast<unsigned char>(e[n])) || e[n] == '_')) n++;
  return n > 0 && n < e.size() && e[n] == '(' ? e.substr(0, n) : "expr";
}

uint32_t IndexView::KeyType(const TableDef& t, size_t k) const {
  const std::vector<int> all = AllColumns();
  return IsExpression(k) ? expr_types[k] : t.columns[static_cast<size_t>(all[k])].type_oid;
}

std::string IndexView::KeyText(const TableDef& t, size_t k) const {
  if (!IsExpression(k)) return QuoteIdent(t.columns[static_cast<size_t>(columns[k])].name);
  // PostgreSQL prints a function call as is; other expressions (deparsed
  // with their own parentheses, as operator expressions are) in parentheses.
  if (KeyName(t, k) != "expr" && exprs[k].back() == ')') return exprs[k];
  return "((" + exprs[k] + "))";
}

std::vector<IndexView> TableIndexes(const TableDef& t) {
  std::vector<IndexView> out;
  if (!t.pk.empty()) {
    out.push_back({PkIndexOid(t), t.pk_name, t.pk, true, true, true, PkConstraintOid(t), ""});
  }
  for (const auto& x : t.indexes) {
    out.push_back({x.oid, x.name, x.columns, x.unique, false, x.constraint,
                   x.constraint ? UniqueConstraintOid(x) : 0, x.predicate, x.nulls_not_distinct, x.include_columns,
                   x.access_method, x.options, x.exprs, x.expr_types});
  }
  return out;
}

RelationRef FindRelation(const Catalog& catalog, uint32_t id) {
  RelationRef r;
  if (const TableDef* t = catalog.FindByOid(id)) {
    r.table = t;
    r.kind = t->kind;
    r.name = t->name;
    return r;
  }
  if (id < kFirstUserOid) return r;
  for (const auto& [toid, t] : catalog.tables()) {
    const auto idx = TableIndexes(t);
    for (size_t i = 0; i < idx.size(); i++) {
      if (idx[i].oid == id) {
        r.table = &t;
        r.kind = 'i';
        r.name = idx[i].name;
        r.index = static_cast<int>(i);
        return r;
      }
    }
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (t.columns[c].serial && !t.columns[c].dropped && SequenceOid(t, c) == id) {
        r.table = &t;
        r.kind = 'S';
        r.name = SequenceName(t, c);
        r.column = static_cast<int>(c);
        return r;
      }
    }
  }
  return r;
}

uint32_t RelationOidByName(const Catalog& catalog, std::string_view schema, std::string_view name) {
  if (schema.empty() || schema != "pg_catalog") {
    for (const auto& [toid, t] : catalog.tables()) {
      if (!schema.empty() && t.schema != schema) continue;
      if (t.name == name) return t.oid;
      for (const auto& x : TableIndexes(t)) {
        if (x.name == name) return x.oid;
      }
      for (size_t c = 0; c < t.columns.size(); c++) {
        if (t.columns[c].serial && !t.columns[c].dropped && SequenceName(t, c) == name) return SequenceOid(t, c);
      }
    }
  }
  if (const SysRelation* s = FindSystemRelation(schema, name)) return s->oid;
  return 0;
}

std::string QuoteIdent(std::string_view name) {
  bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name) {
    plain = plain && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
                      c == '_');
  }
  // A few reserved words clients are likely to use as names.
  static const std::set<std::string_view> kReserved = {
      "all", "and", "any", "array", "as", "asc", "between", "case", "check", "collate", "column", "constraint",
      "create", "default", "desc", "distinct", "do", "else", "end", "except", "false", "for", "foreign", "from",
      "grant", "group", "having", "in", "into", "is", "join", "limit", "not", "null", "offset", "on", "or",
      "order", "primary", "references", "select", "table", "then", "to", "true", "union", "unique", "user",
      "using", "when", "where", "with"};
  if (plain && !kReserved.contains(name)) return std::string(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

std::string DefaultExprText(const TableDef& t, size_t column) {
  const ColumnDef& c = t.columns[column];
  // pg_attrdef holds the generation expression, parenthesised as PostgreSQL prints it.
  if (!c.generated_expr.empty()) return "(" + c.generated_expr + ")";
  // The sequence's name is qualified when its schema is not public (an
  // approximation of PostgreSQL's "not visible on the search path").
  if (c.serial) {
    const std::string seq = (t.schema == "public" ? "" : QuoteIdent(t.schema) + ".") + QuoteIdent(SequenceName(t, column));
    return "nextval('" + seq + "'::regclass)";
  }
  // PostgreSQL stores a string literal default coerced to the column's type
  // and prints it with the cast: 'x'::character varying.
  const std::string& e = c.default_expr;
  bool literal = e.size() >= 2 && e.front() == '\'' && e.back() == '\'';
  for (size_t i = 1; literal && i + 1 < e.size(); i++) {
    if (e[i] != '\'') continue;
    if (i + 2 < e.size() && e[i + 1] == '\'') {
      i++;
    } else {
      literal = false;
    }
  }
  if (literal) return e + "::" + FormatType(c.type_oid, -1);
  // A negative number is a constant of its own type (integer, bigint or
  // numeric, by magnitude and form), which PostgreSQL prints quoted with its
  // type so that the sign cannot read as an operator: '-1'::integer (the
  // coercion to the column's type is implicit and not printed).
  if (e.size() >= 2 && e[0] == '-') {
    bool digits = true, dot = false;
    for (size_t i = 1; i < e.size(); i++) {
      if (e[i] == '.' && !dot) {
        dot = true;
      } else if (e[i] < '0' || e[i] > '9') {
        digits = false;
      }
    }
    if (digits && e[1] != '.') {
      const char* type = "numeric";
      if (!dot && e.size() <= 20) {
        errno = 0;
        const long long v = std::strtoll(e.c_str(), nullptr, 10);
        if (errno == 0) type = v >= INT32_MIN ? "integer" : "bigint";
      }
      return "'" + e + "'::" + type;
    }
  }
  return e;
}

namespace {

// " INCLUDE (b, c)" of an index with INCLUDE columns, else "".
std::string IncludeText(const TableDef& t, const IndexView& index) {
  if (index.include.empty()) return "";
  std::string s = " INCLUDE (";
  for (size_t i = 0; i < index.include.size(); i++) {
    s += (i ? ", " : "") + QuoteIdent(t.columns[static_cast<size_t>(index.include[i])].name);
  }
  return s + ")";
}

}  // namespace

std::string PredicateText(const std::string& predicate) {
  // PostgreSQL's non-pretty deparse parenthesises operator, boolean and
  // NULL-test expressions, and not a bare column, constant or call.
  try {
    const auto tree = ParseTree::Parse("SELECT 1 WHERE " + predicate);
    switch (tree->stmt(0)->select_stmt->where_clause->node_case) {
      case PG_QUERY__NODE__NODE_A_EXPR:
      case PG_QUERY__NODE__NODE_BOOL_EXPR:
      case PG_QUERY__NODE__NODE_NULL_TEST:
      case PG_QUERY__NODE__NODE_BOOLEAN_TEST:
        return "(" + predicate + ")";
      default:
        return predicate;
    }
  } catch (const PgError&) {
    return "(" + predicate + ")";  // stored predicates parse; keep the common form otherwise
  }
}

std::string IndexDefText(const TableDef& t, const IndexView& index, bool pretty) {
  const std::string table =
      pretty && t.schema == "public" ? QuoteIdent(t.name) : QuoteIdent(t.schema) + "." + QuoteIdent(t.name);
  std::string s = std::string("CREATE ") + (index.unique ? "UNIQUE " : "") + "INDEX " + QuoteIdent(index.name) +
                  " ON " + table + " USING " + index.access_method + " (";
  for (size_t i = 0; i < index.columns.size(); i++) {
    s += (i ? ", " : "") + index.KeyText(t, i);
    const int16_t o = index.Option(i);
    if (o & 1) s += (o & 2) ? " DESC" : " DESC NULLS LAST";
    if (!(o & 1) && (o & 2)) s += " NULLS FIRST";
  }
  s += ")";
  s += IncludeText(t, index);
  if (index.nulls_not_distinct) s += " NULLS NOT DISTINCT";
  if (!index.predicate.empty()) s += " WHERE " + PredicateText(index.predicate);
  return s;
}

std::string ConstraintDefText(const TableDef& t, const IndexView& index) {
  std::string s = index.primary ? "PRIMARY KEY (" : index.nulls_not_distinct ? "UNIQUE NULLS NOT DISTINCT (" : "UNIQUE (";
  for (size_t i = 0; i < index.columns.size(); i++) {
    s += (i ? ", " : "") + QuoteIdent(t.columns[static_cast<size_t>(index.columns[i])].name);
  }
  s += ")";
  s += IncludeText(t, index);
  return s;
}

RowBuilder::RowBuilder(const SysRelation& rel, const std::string& qualifier, Relation* out)
    : rel_(rel), out_(out) {
  for (size_t i = 0; i < rel.columns.size(); i++) {
    ScopeColumn c;
    c.qualifier = qualifier;
    c.name = rel.columns[i].name;
    c.type = rel.columns[i].type;
    c.table_oid = rel.oid;
    c.attnum = static_cast<int16_t>(i + 1);
    out->scope.columns.push_back(std::move(c));
  }
}

RowBuilder& RowBuilder::Begin() {
  row_.clear();
  // Views compute their columns: what a producer leaves unset is NULL.
  for (const auto& c : rel_.columns) row_.push_back(rel_.kind == 'v' ? Value::Null(c.type) : DefaultFor(c.type));
  open_ = true;
  return *this;
}

RowBuilder& RowBuilder::Set(std::string_view column, Value v) {
  for (size_t i = 0; i < rel_.columns.size(); i++) {
    if (column != rel_.columns[i].name) continue;
    const uint32_t type = rel_.columns[i].type;
    if (!v.null && v.type != type) {
      // Producers use the natural type; the generated column type wins
      // (e.g. information_schema's cardinal_number as integer).
      v = CastValue(v, type, -1, ValueContext{}, true);
    }
    v.type = type;
    row_[i] = std::move(v);
    return *this;
  }
  return *this;  // a column this PostgreSQL version lacks: ignore
}

void RowBuilder::End() {
  if (open_) out_->rows.push_back(std::move(row_));
  open_ = false;
}

namespace {

// Relations whose rows depend on nothing but the catalog snapshot (and the
// database name, part of the cache key): no storage reads (pg_sequences'
// last_value), no session or server state (pg_settings, pg_roles,
// pg_stat_activity, pg_database, pg_locks ...).
bool SnapshotOnly(std::string_view schema, std::string_view name) {
  if (schema == "information_schema") return true;
  static const std::set<std::string_view> kNames = {
      "pg_namespace", "pg_class",   "pg_attribute", "pg_index",       "pg_constraint", "pg_attrdef",
      "pg_tables",    "pg_indexes", "pg_sequence",  "pg_views",       "pg_matviews",       "pg_type",       "pg_proc",
      "pg_am",        "pg_description", "pg_collation", "pg_language", "pg_enum",      "pg_range",
      "pg_depend"};
  return kNames.contains(name);
}

}  // namespace

bool BuildSystemRelation(std::string_view schema, std::string_view name, const std::string& qualifier,
                         StmtContext& sc, Relation* out, const FilterMaker& make_filter) {
  const SysRelation* rel = FindSystemRelation(schema, name);
  if (rel == nullptr) return false;
  RowBuilder b(*rel, qualifier, out);
  if (sc.describe_only) return true;
  Producer p = std::string_view(rel->schema) == "information_schema" ? InfoSchemaProducer(name) : ClassProducer(name);
  if (p == nullptr) p = MiscProducer(name);
  if (p == nullptr) p = ExtensionProducer(name);
  if (p == nullptr) p = UserTypeProducer(name);
  if (p == nullptr) p = RangeProducer(name);
  if (p == nullptr) p = DependProducer(name);
  if (p == nullptr) return true;  // present and empty
  std::unique_ptr<Expr> filter = make_filter ? make_filter(out->scope) : nullptr;
  if (!SnapshotOnly(rel->schema, name) || sc.catalog == nullptr || *sc.catalog == nullptr) {
    p(sc, b);
    if (filter) std::erase_if(out->rows, [&](const Row& row) { return !EvalPredicate(*filter, row, *sc.eval); });
    return true;
  }
  const std::string key = "sys:" + std::string(rel->schema) + "." + std::string(name) + ":" + sc.eval->database;
  auto rows = std::static_pointer_cast<const std::vector<Row>>((*sc.catalog)->Derived(key, [&] {
    Relation all;
    RowBuilder all_b(*rel, qualifier, &all);
    p(sc, all_b);
    return std::static_pointer_cast<const void>(std::make_shared<const std::vector<Row>>(std::move(all.rows)));
  }));
  if (!filter) {
    out->rows = *rows;
    return true;
  }
  for (const Row& row : *rows) {
    if (EvalPredicate(*filter, row, *sc.eval)) out->rows.push_back(row);
  }
  return true;
}

}  // namespace immu::sql
