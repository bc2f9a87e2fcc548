#pragma once
// Shared pieces of the system relations (sql/system_*.cc). Not a public API.
//
// Every relation's columns (names and types) are PostgreSQL 15's, from the
// generated table in sql/system_schema.cc; the row producers set the columns
// they know by name and the rest keep neutral defaults (false, 0, NULL), as
// a freshly created object has in PostgreSQL.

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "sql/query_internal.h"

namespace immu::sql {

struct SysColumn {
  const char* name;
  uint32_t type;
};

struct SysRelation {
  const char* schema;
  const char* name;
  uint32_t oid;   // PostgreSQL 15's OID for the relation
  char kind;      // 'r' catalog table, 'v' view
  std::vector<SysColumn> columns;
};

// Every emulated relation, in a stable order.
const std::vector<SysRelation>& SystemRelations();
const SysRelation* FindSystemRelation(std::string_view schema, std::string_view name);

// Namespaces.
inline constexpr uint32_t kPgCatalogNamespace = 11;
inline constexpr uint32_t kPgToastNamespace = 99;
inline constexpr uint32_t kPublicNamespace = 2200;
inline constexpr uint32_t kInformationSchemaNamespace = 13207;
uint32_t NamespaceOid(std::string_view schema);
// User schemas of the catalog (public always).
std::vector<std::string> UserSchemas(const Catalog& catalog);

// Roles and the database.
inline constexpr uint32_t kSuperuserOid = 10;
inline constexpr uint32_t kDatabaseOwnerRoleOid = 6171;  // pg_database_owner
inline constexpr const char* kSuperuserName = "immudb";
inline constexpr uint32_t kHeapAm = 2;
inline constexpr uint32_t kBtreeAm = 403;
inline constexpr uint32_t kDefaultCollation = 100;
uint32_t DatabaseOid(std::string_view name);

// OIDs of objects the catalog does not number itself (primary-key indexes
// and constraints, UNIQUE constraints, serial sequences, column defaults):
// derived from the owning table's OID in ranges user OIDs never reach, so
// they are stable for the table's lifetime.
uint32_t PkIndexOid(const TableDef& t);
uint32_t PkConstraintOid(const TableDef& t);
uint32_t UniqueConstraintOid(const IndexDef& index);
uint32_t SequenceOid(const TableDef& t, size_t column);
uint32_t AttrDefOid(const TableDef& t, size_t column);
std::string SequenceName(const TableDef& t, size_t column);
uint32_t CheckConstraintOid(const TableDef& t, size_t check);
uint32_t ForeignKeyOid(const TableDef& t, size_t fk);
// The pg_constraint OID of t's constraint named name (primary key, UNIQUE,
// CHECK or FOREIGN KEY); 0 when t has none of that name.
uint32_t ConstraintOidByName(const TableDef& t, const std::string& name);
// The unique index (primary key or UNIQUE) a foreign key's references use.
uint32_t ReferencedIndexOid(const Catalog& catalog, const ForeignKeyDef& fk);
// pg_get_constraintdef of CHECK and FOREIGN KEY constraints.
std::string CheckDefText(const CheckDef& c, bool pretty);
std::string ForeignKeyDefText(const Catalog& catalog, const TableDef& t, const ForeignKeyDef& fk);
// The name of a foreign-key action letter ("CASCADE", "NO ACTION", ...).
std::string FkActionName(char action);

// Every index of a table as PostgreSQL lists it: the primary key's first.
struct IndexView {
  uint32_t oid;
  std::string name;
  std::vector<int> columns;  // 0-based column indices
  bool unique;
  bool primary;
  bool constraint;      // backs a PRIMARY KEY / UNIQUE constraint
  uint32_t constraint_oid;
  std::string predicate;
  bool nulls_not_distinct = false;
  std::vector<int> include;  // INCLUDE columns (after the key columns in indkey)
  std::string access_method = "btree";
  std::vector<int16_t> options;  // pg_index.indoption per key column (empty: all 0)
  // Expression keys (IndexDef::exprs): columns[k] < 0 and exprs[k] its text.
  std::vector<std::string> exprs;
  std::vector<uint32_t> expr_types;
  bool IsExpression(size_t k) const { return k < columns.size() && columns[k] < 0; }
  // The name and type of key or INCLUDE column k (pg_attribute of the
  // index): the table column's, or for an expression its function's name
  // (else "expr") and result type.
  std::string KeyName(const TableDef& t, size_t k) const;
  uint32_t KeyType(const TableDef& t, size_t k) const;
  // How pg_get_indexdef prints key k.
  std::string KeyText(const TableDef& t, size_t k) const;
  int16_t Option(size_t k) const { return k < options.size() ? options[k] : 0; }
  // Key columns then INCLUDE columns (pg_index.indkey, pg_attribute rows).
  std::vector<int> AllColumns() const {
    std::vector<int> all = columns;
    all.insert(all.end(), include.begin(), include.end());
    return all;
  }
};
std::vector<IndexView> TableIndexes(const TableDef& t);
// pg_am's index access methods: PostgreSQL's built-in ones, and bloom's
// (its oid allocated by CREATE EXTENSION bloom) while it is installed
// (sql/extension_catalog.cc).
std::vector<std::pair<uint32_t, std::string>> IndexAccessMethods(const Catalog& cat);
// The pg_am oid of an index access method name (0 when unknown).
uint32_t AccessMethodOid(const Catalog& cat, std::string_view name);

// An object found by OID among the catalog's relations.
struct RelationRef {
  const TableDef* table = nullptr;   // the table (or the index's/sequence's table)
  char kind = 0;                     // 'r', 'i', 'S', or 0 when not found
  std::string name;
  int index = -1;                    // position in TableIndexes (kind 'i')
  int column = -1;                   // sequence's column (kind 'S')
};
RelationRef FindRelation(const Catalog& catalog, uint32_t oid);
// A relation by (optionally qualified) name; oid 0 when none.
uint32_t RelationOidByName(const Catalog& catalog, std::string_view schema, std::string_view name);
// Splits a possibly qualified name as regclass input does ("a.b",
// "\"A\".b"), folding unquoted identifiers to lower case.
std::vector<std::string> SplitQualified(std::string_view s);

// Column default as PostgreSQL prints it (pg_get_expr of adbin).
std::string DefaultExprText(const TableDef& t, size_t column);
// CREATE INDEX statement of pg_get_indexdef, and pg_get_constraintdef.
// pretty: the table unqualified when it is visible (pg_get_indexdef's pretty flag).
std::string IndexDefText(const TableDef& t, const IndexView& index, bool pretty = false);
std::string ConstraintDefText(const TableDef& t, const IndexView& index);
// An index predicate as pg_get_expr / pg_get_indexdef print it (non-pretty:
// operator expressions parenthesised).
std::string PredicateText(const std::string& predicate);
// quote_ident.
std::string QuoteIdent(std::string_view name);

// Builds a relation's scope and rows.
class RowBuilder {
 public:
  RowBuilder(const SysRelation& rel, const std::string& qualifier, Relation* out);
  // Starts a row with every column at its default.
  RowBuilder& Begin();
  RowBuilder& Set(std::string_view column, Value v);
  // Ends the row (appends it).
  void End();

 private:
  const SysRelation& rel_;
  Relation* out_;
  Row row_;
  bool open_ = false;
};

// Value shorthands.
inline Value OidV(uint32_t x) { return Value::Int(oid::kOid, x); }
inline Value NameV(std::string s) { return Value::Str(oid::kName, std::move(s)); }
inline Value TextV(std::string s) { return Value::Str(oid::kText, std::move(s)); }
inline Value CharV(char c) { return Value::Str(oid::kChar, std::string(1, c)); }
inline Value BoolV(bool b) { return Value::Bool(b); }
inline Value Int2V(int64_t x) { return Value::Int(oid::kInt2, x); }
inline Value Int4V(int64_t x) { return Value::Int(oid::kInt4, x); }
inline Value Int8V(int64_t x) { return Value::Int(oid::kInt8, x); }

// Producers, one family per file.
using Producer = void (*)(StmtContext& sc, RowBuilder& b);
// sql/system_pg_class.cc: pg_namespace, pg_class, pg_attribute, pg_index,
// pg_constraint, pg_attrdef, pg_tables, pg_indexes, pg_sequence(s).
Producer ClassProducer(std::string_view name);
// sql/system_pg_misc.cc: pg_type, pg_proc, pg_am, pg_database, roles,
// settings and the rest.
Producer MiscProducer(std::string_view name);
// sql/system_pg_depend.cc: pg_depend.
Producer DependProducer(std::string_view name);
// sql/system_info_schema.cc: information_schema views.
Producer InfoSchemaProducer(std::string_view name);
// sql/extension_catalog.cc: pg_extension, pg_available_extensions,
// pg_available_extension_versions, and the extensions' pg_description rows.
Producer ExtensionProducer(std::string_view name);
void ExtensionDescriptionRows(StmtContext& sc, RowBuilder& b);

// User-defined types (sql/system_user_types.cc): pg_enum and
// information_schema.domains, and their rows in pg_type, pg_constraint
// (domain CHECKs), pg_class (composites).
Producer UserTypeProducer(std::string_view name);
void UserTypePgTypeRows(StmtContext& sc, RowBuilder& b);
// sql/system_ranges.cc: pg_range.
Producer RangeProducer(std::string_view name);
void UserTypePgConstraintRows(StmtContext& sc, RowBuilder& b);
void UserTypePgClassRows(StmtContext& sc, RowBuilder& b);
// (pg_class oid, field) of every composite's attributes.
std::vector<std::pair<uint32_t, const TypeField*>> CompositeAttributes(const Catalog& cat);
// pg_get_constraintdef of a domain CHECK; nullopt when the oid is not one.
std::optional<std::string> DomainConstraintDef(const Catalog& cat, uint32_t constraint_oid, bool pretty);

// Built-in types (sql/system_schema.cc), PostgreSQL 15's pg_type rows.
struct PgTypeRow {
  uint32_t oid;
  const char* name;
  int16_t len;
  bool byval;
  char type;
  char category;
  bool preferred;
  uint32_t elem;
  uint32_t array;
  uint32_t input, output, receive, send;
  char align;
  char storage;
  uint32_t collation;
};
const std::vector<PgTypeRow>& PgTypes();
// Their I/O functions (pg_proc rows, regproc names).
struct PgProcRow {
  uint32_t oid;
  const char* name;
};
const std::vector<PgProcRow>& PgProcs();

}  // namespace immu::sql
