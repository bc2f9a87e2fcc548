#pragma once
// Sequences: standalone ones (CREATE SEQUENCE, a catalog relation of kind
// 'S') and the implicit ones behind serial and identity columns, with
// nextval/currval/setval/lastval. Values come from Database (shared by all
// sessions, non-transactional as in PostgreSQL); currval and lastval are
// per session.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "sql/expr.h"

namespace immu::sql {

class Database;

// Where a sequence's state lives and its options.
struct SequenceRef {
  uint32_t owner = 0;   // the sequence's oid, or the serial column's table oid
  uint16_t column = 0;  // 0 for standalone sequences, the column otherwise
  SequenceDef def;
  std::string name;
  std::string schema;
  uint32_t oid = 0;     // the sequence's relation oid (pg_class)
};

// The sequence with relation oid (standalone or serial); nullopt if none.
std::optional<SequenceRef> FindSequence(const Catalog& catalog, uint32_t oid);
// The implicit sequence of serial/identity column c of t.
SequenceRef SerialSequence(const TableDef& t, size_t c);
// A standalone sequence (t.kind == 'S').
SequenceRef StandaloneSequence(const TableDef& t);
// Every sequence of the catalog, standalone and serial, in table order (the
// catalog views list them from here).
std::vector<SequenceRef> CatalogSequences(const Catalog& catalog);
// The bounds of a sequence of integer type (int2, int4, int8).
void SequenceBounds(uint32_t type, int64_t* min, int64_t* max);

// A session's view of sequences: nextval through Database, remembering
// currval per sequence and lastval.
class SessionSequences {
 public:
  explicit SessionSequences(Database* db) : db_(db) {}
  int64_t Next(const SequenceRef& s);
  int64_t Curr(const SequenceRef& s) const;
  int64_t Last() const;
  // setval: returns v.
  int64_t Set(const SequenceRef& s, int64_t v, bool is_called);

 private:
  Database* db_;
  std::map<uint32_t, int64_t> curr_;  // by relation oid
  std::optional<int64_t> last_;
};

// The next value of serial column c of t for a row being written, through
// the session when there is one (so currval/lastval see it).
int64_t NextSerialValue(Database* db, EvalContext& ctx, const TableDef& t, size_t c);

// nextval(regclass), currval(regclass), setval(regclass, bigint[, bool]),
// lastval(): the SQL functions.
Value NextvalFn(std::span<const Value> args, EvalContext& ctx);
Value CurrvalFn(std::span<const Value> args, EvalContext& ctx);
Value SetvalFn(std::span<const Value> args, EvalContext& ctx);
Value LastvalFn(std::span<const Value> args, EvalContext& ctx);

}  // namespace immu::sql
