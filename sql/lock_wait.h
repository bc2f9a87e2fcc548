#pragma once
// Giving up a wait for a lock (table, row or advisory), as PostgreSQL does:
// a cancel request and statement_timeout end it with 57014, lock_timeout
// with 55P03. Lock managers call the check between waits (they wake at
// least every 50 ms), so the limits are honoured within that slack.

#include <cstdint>
#include <functional>
#include <string_view>

#include "sql/expr.h"

namespace immu::sql {

// Throws to end the wait; called with the lock manager's mutex held, so it
// must not take locks itself.
using LockWaitCheck = std::function<void()>;

// The check for a statement evaluating in ctx: its cancel flag, its
// statement_timeout deadline and the session's lock_timeout (counted from
// this call, i.e. from the start of this wait). ctx must outlive the wait.
LockWaitCheck MakeLockWaitCheck(const EvalContext& ctx);

// A timeout setting in milliseconds ("0", "250", "5s", "2min", "1h", "1d",
// "500us"); 0 for none or unparseable.
int64_t TimeoutMs(std::string_view v);

}  // namespace immu::sql
