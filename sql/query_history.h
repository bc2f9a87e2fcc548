#pragma once
// Time travel over tables (docs/SQL_TIME_TRAVEL.md): FROM items with a
// period (SINCE/AFTER/UNTIL/BEFORE, FOR SYSTEM_TIME AS OF), HISTORY OF,
// DIFF OF, and the session's USE SNAPSHOT period. Not a public API.

#include "sql/query_internal.h"

namespace immu::sql {

// Binds period's bound expressions (parameters get int8 for TX and
// timestamptz otherwise) and, unless describing, evaluates them and maps
// them to transaction ids at or below the reading snapshot. Throws 22023 on
// a non-positive tx id, 22004 on a NULL bound.
TxRange ResolvePeriod(const Period& period, StmtContext& sc);

// The FROM-item hook of FromRangeVar: returns true and fills *out when rv
// carries a period, HISTORY OF or DIFF OF, or when a session period applies
// to a user table. where (with binder and outer, as for FromRangeVar) may
// narrow the keys read; it is not applied to the rows.
bool TimeTravelFrom(const PgQuery__RangeVar* rv, StmtContext& sc, const PgNode* where, Binder* binder,
                    const Scope* outer, Relation* out);

}  // namespace immu::sql
