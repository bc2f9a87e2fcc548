#pragma once
// Shared by the immudb_* function files (immudb_functions.cc: registration
// and dispatch; immudb_verify.cc: verification and proofs; immudb_history.cc:
// state, headers, history and the key-value space). Not a public API.

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog.h"
#include "sql/expr.h"
#include "sql/system_internal.h"
#include "storage/store.h"

namespace immu::sql::immudb {

using Rows = std::vector<Row>;

// Prefix of the key-value space of immudb_set/get/scan/history: a first
// byte that no catalog (0x01), row (0x02) or index (0x03) key uses.
inline constexpr char kKvPrefix = '\x04';
std::string KvKey(std::string_view user_key);

Store& StoreOf(const EvalContext& ctx);
// The table named by a (possibly schema-qualified, possibly quoted) name in
// the statement's catalog; 42P01 when missing.
const TableDef& TableByName(const EvalContext& ctx, std::string_view name);
// Number of key values a row of t is addressed by (1 for a table without
// primary key: its hidden row id).
size_t KeyArity(const TableDef& t);
// The storage key of t's row whose key values are vals (coerced to the key
// columns' types); 22023 when their number is wrong.
std::string RowKeyOf(const TableDef& t, std::span<const Value> vals, EvalContext& ctx);
// The row's columns as a JSON object (informational output).
std::string RowJson(const TableDef& t, std::string_view stored, EvalContext& ctx);
// timestamptz from a tx header timestamp (microseconds since 1970).
Value TxTimestamp(int64_t unix_micros);
std::string HexOf(std::string_view bytes);
// A tx id, revision or count as int8 (TextV, BoolV ... are system_internal.h's).
inline Value U64V(uint64_t x) { return Int8V(static_cast<int64_t>(x)); }
int64_t IntArg(const Value& v, EvalContext& ctx, const char* what);

// Implementations: args as coerced by the function table.
Rows State(std::span<const Value> a, EvalContext& ctx);
Rows VerifyRow(std::span<const Value> a, EvalContext& ctx);
Rows VerifyKey(std::span<const Value> a, EvalContext& ctx);
Rows VerifyTx(std::span<const Value> a, EvalContext& ctx);
Rows Tx(std::span<const Value> a, EvalContext& ctx);
Rows History(std::span<const Value> a, EvalContext& ctx);
Rows RowHistory(std::span<const Value> a, EvalContext& ctx);
Rows ProofRow(std::span<const Value> a, EvalContext& ctx);
Rows ProofKey(std::span<const Value> a, EvalContext& ctx);
Rows ProofTx(std::span<const Value> a, EvalContext& ctx);
Rows ProofState(std::span<const Value> a, EvalContext& ctx);
Rows Set(std::span<const Value> a, EvalContext& ctx);
Rows Get(std::span<const Value> a, EvalContext& ctx);
Rows Scan(std::span<const Value> a, EvalContext& ctx);

}  // namespace immu::sql::immudb
