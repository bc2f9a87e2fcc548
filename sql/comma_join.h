#pragma once
// FROM a, b, c ... WHERE ...: the items of one query level joined in an
// order chosen from the WHERE clause's equality conjuncts, instead of the
// cross product in written order. Catalog queries of tools and ORMs (psql,
// ActiveRecord, pgjdbc) list five or six system relations this way; a
// cross product of them is millions of rows.
//
// Greedy order: start from the smallest item; then repeatedly join the
// smallest item linked to the joined ones by an equality conjunct
// (x.a = y.b), hashing on every such conjunct (sql/join.h); an item linked
// to nothing joins last as a cross product. The result's columns are in
// FROM order, as the caller's scope expects; the caller still applies the
// whole WHERE, so the conjuncts used here only prune early.

#include <vector>

#include "sql/query_internal.h"

namespace immu::sql {

// items: the FROM items, already built (none LATERAL). where may be nullptr.
// Returns their join with columns in FROM order and scope.parent = outer.
Relation JoinCommaItems(std::vector<Relation> items, const PgNode* where, StmtContext& sc, const Scope* outer);

}  // namespace immu::sql
