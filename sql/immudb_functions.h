#pragma once
// The immudb_* SQL functions (docs/VERIFICATION.md): the database state,
// server-side verification of rows, keys and transactions, transaction
// headers, history of rows and key-value entries, proof documents a client
// checks offline, and a key-value space reachable from SQL.
//
// Each function yields rows of fixed columns. In FROM it is a relation
// (SELECT * FROM immudb_verify_row('t', 1)); as a scalar it yields its
// single row as a record in PostgreSQL's text form, or its only column for
// one-column functions, and (f(...)).column selects one column. The
// set-returning ones (history, row history, scan) work in FROM only.
//
// They read the statement's database and transaction through EvalContext
// (db, txn, catalog); proofs and verification use the latest committed state
// of the store, not the transaction's snapshot.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sql/functions.h"
#include "sql/query_internal.h"

namespace immu::sql {

// Every immudb function as "name(arg types) -> columns" lines, for the
// generated reference (tools/sqldoc).
std::vector<std::string> ImmudbFunctionSignatures();

// Scalar form: fills *out when name is an immudb function taking that many
// arguments (42883 for a set-returning one used as a scalar).
bool ResolveImmudbFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out);

// FROM form: when name is an immudb function, coerces and evaluates args
// (not when describing), fills out->scope (named after rf's alias) and
// out->rows, and returns true.
bool BuildImmudbRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                         const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out);

// (f(...)).field: when *e is the scalar form of an immudb function, rewrites
// it to yield that column and returns true (42703 for an unknown column).
bool BindImmudbField(std::unique_ptr<Expr>* e, std::string_view field);

}  // namespace immu::sql
