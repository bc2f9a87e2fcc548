#pragma once
// The schema of one database, persisted as versioned entries of its store so
// schema history is kept and provable like any data.
//
// Key space of a database's store (docs/FORMAT.md, "SQL key space"):
//   0x01 't' u32be(table oid)            -> table definition (JSON)
//   0x01 'q' u32be(sequence owner oid) u16be(column)  -> sequence high-water mark
//   0x01 'o'                             -> next free oid
//   0x02 u32be(table oid) key(pk)        -> row (sql/row_codec.h)
//
// A Catalog object is an immutable snapshot: DDL builds a new one. Sessions
// hold a shared_ptr to the snapshot they bind against.

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/store.h"

namespace immu {

struct ColumnDef {
  std::string name;
  uint32_t type_oid = 0;
  int32_t typmod = -1;
  bool not_null = false;
  std::string default_expr;  // SQL text of the DEFAULT, empty for none
  bool serial = false;       // default is the column's own sequence
  bool identity_always = false;
  bool dropped = false;
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

  int FindColumn(std::string_view column) const;  // -1 when missing
  std::string ToJson() const;
  static std::optional<TableDef> FromJson(std::string_view json);
};

// Keys.
std::string TableDefKey(uint32_t oid);
std::string TableDefPrefix();
std::string RowPrefix(uint32_t table_oid);
std::string SequenceKey(uint32_t table_oid, uint16_t column);
std::string IndexPrefix(uint32_t index_storage_id);
inline constexpr uint32_t kFirstUserOid = 16384;

class Catalog {
 public:
  // Reads every table definition visible at the store's latest state.
  static std::shared_ptr<const Catalog> Load(Store* store);
  // A copy with one table added, replaced (same oid) or removed.
  std::shared_ptr<const Catalog> WithTable(const TableDef& t) const;
  std::shared_ptr<const Catalog> WithoutTable(uint32_t oid) const;

  const TableDef* Find(std::string_view schema, std::string_view name) const;
  const TableDef* FindByOid(uint32_t oid) const;
  // The table owning the named index (any schema when schema is empty).
  const TableDef* FindIndexTable(std::string_view schema, std::string_view index_name) const;
  const std::map<uint32_t, TableDef>& tables() const { return tables_; }
  uint32_t next_oid() const { return next_oid_; }

 private:
  std::map<uint32_t, TableDef> tables_;
  uint32_t next_oid_ = kFirstUserOid;
};

}  // namespace immu
