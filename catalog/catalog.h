#pragma once
// The schema of one database, persisted as versioned entries of its store so
// schema history is kept and provable like any data.
//
// Key space of a database's store (docs/FORMAT.md, "SQL key space"):
//   0x01 't' u32be(table oid)            -> table definition (JSON)
//   0x01 'q' u32be(sequence owner oid) u16be(column)  -> sequence high-water mark
//   0x01 'o'                             -> next free oid
//   0x01 'y' u32be(type oid)             -> user-defined type (catalog/type_def.h)
//   0x01 'x' u32be(extension oid)        -> installed extension (catalog/extension_def.h)
//   0x02 u32be(table oid) key(pk)        -> row (sql/row_codec.h)
//   0x03 ...                             -> index entries (IndexDef below)
//   0x04 key                             -> immudb_set key-value entries (docs/VERIFICATION.md)
//
// A Catalog object is an immutable snapshot: DDL builds a new one. Sessions
// hold a shared_ptr to the snapshot they bind against.

#include <algorithm>
#include <cstdint>
#include <climits>
#include <functional>
#include <map>
#include <mutex>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/extension_def.h"
#include "catalog/type_def.h"
#include "storage/store.h"

namespace immu {

// A standalone sequence (CREATE SEQUENCE), or the sequence behind a serial
// or identity column when owned_by_table is set. Its last value lives under
// SequenceKey(owner oid, column) like the serial columns' counters.
struct SequenceDef {
  uint32_t type_oid = 20;  // int8
  int64_t start = 1;
  int64_t increment = 1;
  int64_t min_value = 1;
  int64_t max_value = INT64_MAX;
  int64_t cache = 1;
  bool cycle = false;
  uint32_t owned_by_table = 0;  // 0: not owned
  int16_t owned_by_column = -1;
};

struct ColumnDef {
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
  bool not_null = false;
  std::string default_expr;  // SQL text of the DEFAULT, empty for none
  bool serial = false;       // default is the column's own sequence
  bool identity = false;         // GENERATED ... AS IDENTITY (serial is set too)
  bool identity_always = false;  // GENERATED ALWAYS AS IDENTITY
  // GENERATED ... AS IDENTITY (START WITH ...): the identity sequence's
  // options when any were given (nullopt: the column type's defaults).
  std::optional<SequenceDef> identity_options;
  // GENERATED ALWAYS AS (expr) STORED: the expression's SQL text (empty:
  // an ordinary column). Computed from the row on every write.
  std::string generated_expr;
  bool dropped = false;
  std::string comment;  // COMMENT ON COLUMN
};

// A CHECK constraint: a boolean expression over the row, stored as SQL text
// and bound when a statement writes the table. A row passes unless the
// expression is false (NULL passes, as in PostgreSQL).
struct CheckDef {
  std::string name;
  std::string expr;
  bool not_valid = false;  // added NOT VALID: existing rows were not checked
};

// A FOREIGN KEY: columns of this table reference ref_columns of the table
// ref_oid (its primary key or a unique index). Actions use pg_constraint's
// letters: 'a' no action, 'r' restrict, 'c' cascade, 'n' set null,
// 'd' set default.
struct ForeignKeyDef {
  std::string name;
  std::vector<int> columns;
  uint32_t ref_oid = 0;
  std::vector<int> ref_columns;
  char on_delete = 'a';
  char on_update = 'a';
  char match = 's';  // 's' simple, 'f' full
  bool deferrable = false;
  bool initially_deferred = false;
  bool not_valid = false;
};


// A secondary index (or UNIQUE constraint) of a table. Its entries live in
// the same store, written in the same transaction as the rows:
//   0x03 u32be(storage id) key(columns...)              unique, no NULL
//   0x03 u32be(storage id) key(columns...) rowkey       otherwise
// where rowkey is the row's key after its table prefix; the value is rowkey.
struct IndexDef {
  uint32_t oid = 0;
  uint32_t storage_id = 0;
  std::string name;
  std::vector<int> columns;
  bool unique = false;
  bool constraint = false;   // created by a UNIQUE constraint (dropped with it)
  std::string predicate;     // partial index WHERE, SQL text; empty for none
  bool nulls_not_distinct = false;  // UNIQUE NULLS NOT DISTINCT: NULLs collide too
  // INCLUDE (...): stored with the index, not key columns (never part of
  // its entries' keys or its uniqueness).
  std::vector<int> include_columns;
  // CREATE INDEX ... USING: pg_am's name as the client asked for it. Every
  // index is an ordered index over the key columns underneath whatever the
  // method (gin, gist, brin, hash, bloom); an index never changes results,
  // the planner only uses it where an ordered index answers the same.
  std::string access_method = "btree";
  // Per key column, pg_index.indoption's bits as declared: 1 DESC, 2 NULLS
  // FIRST (empty: all ASC NULLS LAST). Reported by the catalog only: the
  // entries are always kept in ascending key order, which gives the same
  // results for every query (ordering is the executor's job).
  std::vector<int16_t> options;
  // Expression keys (CREATE INDEX ON t (lower(name))): columns[k] is
  // kExpressionKey and exprs[k] the expression's SQL text over the table's
  // columns, expr_types[k] its type; expr_columns lists the columns the
  // expressions read (dropping one drops the index). Empty when the index
  // has column keys only.
  static constexpr int kExpressionKey = -1;
  std::vector<std::string> exprs;
  std::vector<uint32_t> expr_types;
  std::vector<int> expr_columns;
  bool HasExpressions() const { return !exprs.empty(); }

  // Whether column is one of its key or INCLUDE columns (dropping the
  // column drops the index, as in PostgreSQL).
  bool Uses(int column) const {
    return std::find(columns.begin(), columns.end(), column) != columns.end() ||
           std::find(include_columns.begin(), include_columns.end(), column) != include_columns.end() ||
           std::find(expr_columns.begin(), expr_columns.end(), column) != expr_columns.end();
  }
};

struct TableDef {
  uint32_t oid = 0;
  std::string schema = "public";
  std::string name;
  std::vector<ColumnDef> columns;
  std::vector<int> pk;  // column indices; empty: rows keyed by a hidden row id
  std::string pk_name;  // constraint name, e.g. "t_pkey"
  // Where the rows live (RowPrefix). TRUNCATE and rewrites (ADD PRIMARY KEY,
  // column type changes) move the table to a fresh id, leaving the old rows'
  // history in place under the old one; 0 means the oid.
  uint32_t storage_id = 0;
  uint32_t relfilenode() const { return storage_id != 0 ? storage_id : oid; }
  std::vector<IndexDef> indexes;
  std::vector<CheckDef> checks;
  std::vector<ForeignKeyDef> foreign_keys;
  // Relation kind as pg_class.relkind: 'r' table, 'v' view, 'S' sequence.
  // Views and sequences share the relation namespace with tables.
  char kind = 'r';
  std::string view_query;  // 'v': the SELECT, as SQL text
  std::vector<uint32_t> view_deps;  // 'v': relations its FROM clauses read (DROP checks them)
  SequenceDef sequence;     // 'S'
  std::string comment;      // COMMENT ON TABLE/VIEW/SEQUENCE
  // COMMENT ON CONSTRAINT name ON table, by constraint name.
  std::map<std::string, std::string> constraint_comments;
  // ALTER TABLE ... DISABLE TRIGGER ALL: the table's internal foreign-key
  // triggers are off, as in PostgreSQL: rows written to this table are not
  // checked against their referenced rows, and changes to this table's
  // referenced keys neither cascade nor are refused. (There are no user
  // triggers, so DISABLE TRIGGER USER changes nothing.)
  bool fk_triggers_disabled = false;
  // 'm' (materialized view): false after WITH NO DATA until a REFRESH;
  // reading it then fails (55000).
  bool populated = true;

  int FindColumn(std::string_view column) const;  // -1 when missing
  std::string ToJson() const;
  static std::optional<TableDef> FromJson(std::string_view json);
};

// A schema (CREATE SCHEMA). public, pg_catalog and information_schema
// always exist and are not stored.
struct SchemaDef {
  uint32_t oid = 0;  // chosen by the SQL layer (a stable hash of the name)
  std::string name;
  std::string owner = "immudb";
  std::string comment;
};
inline constexpr uint32_t kPublicNamespaceOid = 2200;
inline constexpr uint32_t kPgCatalogNamespaceOid = 11;
inline constexpr uint32_t kInformationSchemaNamespaceOid = 13207;

// Keys.
std::string TableDefKey(uint32_t oid);
std::string SchemaDefKey(uint32_t oid);
std::string SchemaDefJson(const SchemaDef& s);
std::string TableDefPrefix();
std::string RowPrefix(uint32_t table_oid);
std::string SequenceKey(uint32_t table_oid, uint16_t column);
std::string IndexPrefix(uint32_t index_storage_id);
inline constexpr uint32_t kFirstUserOid = 16384;

class Catalog {
 public:
  // Reads every table definition visible at the store's latest state.
  // previous (optional): an earlier snapshot loaded from the same store;
  // table definitions whose stored version (tx) is unchanged are copied
  // from it instead of parsed again (DDL commits reload the catalog).
  static std::shared_ptr<const Catalog> Load(Store* store, const Catalog* previous = nullptr);
  // A copy with one table added, replaced (same oid) or removed.
  std::shared_ptr<const Catalog> WithTable(const TableDef& t) const;
  std::shared_ptr<const Catalog> WithoutTable(uint32_t oid) const;

  const TableDef* Find(std::string_view schema, std::string_view name) const;
  const TableDef* FindByOid(uint32_t oid) const;
  // The table owning the named index (any schema when schema is empty).
  const TableDef* FindIndexTable(std::string_view schema, std::string_view index_name) const;
  const std::map<uint32_t, TableDef>& tables() const { return tables_; }

  // Schemas created by CREATE SCHEMA. public is implicit; it appears here
  // only once it has a stored definition (e.g. COMMENT ON SCHEMA public).
  std::shared_ptr<const Catalog> WithSchema(const SchemaDef& s) const;
  std::shared_ptr<const Catalog> WithoutSchema(uint32_t oid) const;
  const SchemaDef* FindSchema(std::string_view name) const;
  bool SchemaExists(std::string_view name) const;  // also public, pg_catalog, information_schema
  // The namespace oid of a schema name (0 when unknown).
  uint32_t SchemaOid(std::string_view name) const;
  const std::map<uint32_t, SchemaDef>& schemas() const { return schemas_; }

  // User-defined types (enums, domains, composites); array types are
  // found through their element's array_oid.
  std::shared_ptr<const Catalog> WithType(const TypeDef& t) const;
  std::shared_ptr<const Catalog> WithoutType(uint32_t oid) const;
  // Any schema when schema is empty.
  const TypeDef* FindTypeDef(std::string_view schema, std::string_view name) const;
  const TypeDef* FindTypeDefByOid(uint32_t oid) const;
  // The type whose array type is array_oid (nullptr when none).
  const TypeDef* FindTypeDefByArray(uint32_t array_oid) const;
  const std::map<uint32_t, TypeDef>& types() const { return types_; }

  // Installed extensions (catalog/extension_def.h).
  std::shared_ptr<const Catalog> WithExtension(const ExtensionDef& e) const;
  std::shared_ptr<const Catalog> WithoutExtension(uint32_t oid) const;
  const ExtensionDef* FindExtension(std::string_view name) const;
  const std::map<uint32_t, ExtensionDef>& extensions() const { return extensions_; }

  uint32_t next_oid() const { return next_oid_; }

 // A value derived from this snapshot alone (the rows of pg_attribute, say),
  // computed by make on first use and kept with the snapshot, so catalog
  // queries do not rebuild it per statement. Snapshots never change, so the
  // value never goes stale; copies made by With*/Without* start empty.
  // Thread-safe; make runs outside the lock (two racing callers may both
  // compute, the first stored result wins) and must not throw to leave
  // nothing cached (a throw propagates and caches nothing).
  std::shared_ptr<const void> Derived(const std::string& key,
                                      const std::function<std::shared_ptr<const void>()>& make) const;

 private:
  struct DerivedCache {
    DerivedCache() = default;
    DerivedCache(const DerivedCache&) {}
    DerivedCache& operator=(const DerivedCache&) { return *this; }
    std::mutex mu;
    std::map<std::string, std::shared_ptr<const void>> values;
  };
  mutable DerivedCache derived_;
  std::map<uint32_t, TableDef> tables_;
  // The tx of the stored definition each table was loaded from (Load); a
  // table changed in this snapshot (WithTable/WithoutTable) has none.
  std::map<uint32_t, uint64_t> loaded_tx_;
  std::map<uint32_t, SchemaDef> schemas_;
  std::map<uint32_t, TypeDef> types_;
  std::map<uint32_t, ExtensionDef> extensions_;
  uint32_t next_oid_ = kFirstUserOid;
};

}  // namespace immu
