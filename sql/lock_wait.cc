#include "sql/lock_wait.h"

#include <cctype>
#include <chrono>
#include <cstdlib>
#include <string>

#include "catalog/pg_error.h"

namespace immu::sql {

int64_t TimeoutMs(std::string_view v) {
  size_t i = 0;
  while (i < v.size() && (std::isdigit(static_cast<unsigned char>(v[i])) || v[i] == '.')) i++;
  if (i == 0) return 0;
  const double n = std::strtod(std::string(v.substr(0, i)).c_str(), nullptr);
  std::string_view unit = v.substr(i);
  while (!unit.empty() && unit.front() == ' ') unit.remove_prefix(1);
  const double scale = unit == "s" ? 1e3 : unit == "min" ? 6e4 : unit == "h" ? 3.6e6 : unit == "d" ? 8.64e7
                       : unit == "us" ? 1e-3 : 1;
  return static_cast<int64_t>(n * scale);
}

LockWaitCheck MakeLockWaitCheck(const EvalContext& ctx) {
  using Clock = std::chrono::steady_clock;
  // Built for every lock taken (statements take table locks), called only
  // after a wait: lock_timeout is looked up then, counted from here.
  return [&ctx, start = Clock::now()] {
    if (ctx.cancel != nullptr && ctx.cancel->load()) {
      throw PgError(sqlstate::kQueryCanceled, "canceling statement due to user request");
    }
    const Clock::time_point now = Clock::now();
    if (ctx.deadline != nullptr && *ctx.deadline != Clock::time_point{} && now > *ctx.deadline) {
      throw PgError(sqlstate::kQueryCanceled, "canceling statement due to statement timeout");
    }
    if (ctx.settings == nullptr) return;
    auto it = ctx.settings->find("lock_timeout");
    const int64_t lock_ms = it != ctx.settings->end() ? TimeoutMs(it->second) : 0;
    if (lock_ms > 0 && now > start + std::chrono::milliseconds(lock_ms)) {
      throw PgError(sqlstate::kLockNotAvailable, "canceling statement due to lock timeout");
    }
  };
}

}  // namespace immu::sql
