#pragma once
// Bound expressions: what the binder makes of a parse-tree expression once
// names, types, operators and functions are resolved, and their evaluator.
//
// An Expr tree is immutable after binding and may be evaluated by one thread
// at a time per EvalContext. Columns are read from the current input row by
// position; parameters from the bound parameter values.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "sql/value.h"
#include "sql/value_io.h"

namespace immu {
class Catalog;
class Transaction;
}  // namespace immu

namespace immu::sql {

class Database;
using Row = std::vector<Value>;
class SubqueryRunner;
class SessionSequences;
class UserDirectory;
class Cluster;
class SessionIntrospection;

struct EvalContext {
  ValueContext vc;
  const std::vector<Value>* params = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  // Outer rows for correlated subqueries, innermost last.
  std::vector<const Row*> outer;
  std::string database;
  std::string user;
  std::string application_name;
  // The session's catalog snapshot (system functions such as
  // pg_get_indexdef read it) and run-time parameters; may be nullptr.
  const std::shared_ptr<const Catalog>* catalog = nullptr;
  const std::map<std::string, std::string>* settings = nullptr;
  // Sets a run-time parameter as SET does (set_config); empty outside a
  // session.
  std::function<void(const std::string& name, const std::string& value)> set_parameter;
  // The server's roles for pg_roles and friends; may be nullptr.
  const UserDirectory* users = nullptr;
  // Other databases and live sessions (pg_database, pg_stat_activity);
  // nullptr in engine-less tests.
  const Cluster* cluster = nullptr;
  // The session's prepared statements and cursors; may be nullptr.
  const SessionIntrospection* introspection = nullptr;
  int32_t backend_pid = 0;
  // The session's schema for temporary relations ("pg_temp_<n>"); empty:
  // none (engine-less use).
  std::string temp_schema;
  // nextval/currval/setval/lastval state of the session; may be nullptr.
  SessionSequences* sequences = nullptr;
  // The session, as the owner of its advisory locks; may be nullptr.
  const void* session = nullptr;
  // statement_timeout: when the running statement must stop (a default
  // time_point: no limit); nullptr: none.
  const std::chrono::steady_clock::time_point* deadline = nullptr;
  mutable uint32_t deadline_checks = 0;
  // The statement's database and storage transaction (set by
  // ExecuteStatement for its duration; nullptr outside a statement): the
  // immudb_* functions read and prove through them.
  Database* db = nullptr;
  Transaction* txn = nullptr;
};

using ScalarFn = Value (*)(std::span<const Value> args, EvalContext& ctx);

struct Expr {
  enum class Kind {
    kConst,
    kColumn,     // input row column `index` (outer_level > 0: an enclosing query's row)
    kParam,      // $index+1
    kFunc,       // fn(args); strict: any NULL argument gives NULL without calling fn
    kAnd,
    kOr,
    kNot,
    kIsNull,     // negate: IS NOT NULL
    kCase,       // args: [operand?] when1 then1 ... [else]; has_operand, has_else
    kCoalesce,
    kCast,       // args[0] cast to type/typmod
    kInList,     // args[0] IN (args[1..]); negate for NOT IN
    kSubquery,   // scalar / EXISTS / IN subquery, run by runner
    kAggRef,     // aggregate result slot `index` of the grouped row
    kAnyArray,   // args[0] op ANY (args[1]) with fn the operator; negate: ALL
  };
  Kind kind = Kind::kConst;
  uint32_t type = oid::kUnknown;
  int32_t typmod = -1;
  Value value;                 // kConst
  int index = -1;              // kColumn, kParam, kAggRef
  int outer_level = 0;         // kColumn
  bool negate = false;         // kIsNull, kInList; kCast: assignment (not explicit) cast
  bool has_operand = false;    // kCase
  bool has_else = false;       // kCase
  bool strict = true;          // kFunc
  ScalarFn fn = nullptr;       // kFunc
  std::string name;            // function or column name (for messages and output names)
  std::vector<std::unique_ptr<Expr>> args;
  std::shared_ptr<SubqueryRunner> subquery;  // kSubquery
  int location = -1;

  static std::unique_ptr<Expr> Const(Value v) {
    auto e = std::make_unique<Expr>();
    e->kind = Kind::kConst;
    e->type = v.type;
    e->value = std::move(v);
    return e;
  }
};

// Runs a subquery on behalf of an expression (defined by the planner).
class SubqueryRunner {
 public:
  enum class Mode { kScalar, kExists, kAny, kArray };
  virtual ~SubqueryRunner() = default;
  // kScalar: the single value (NULL if no row; 21000 if several).
  // kExists: bool. kAny: probe IN (subquery) with `probe`. kArray: the
  // column's values as an array (ARRAY(subquery)).
  virtual Value Run(EvalContext& ctx, const Row& current, const Value* probe) = 0;
};

Value Eval(const Expr& e, const Row& row, EvalContext& ctx);
// WHERE/HAVING/JOIN ON semantics: NULL counts as false.
bool EvalPredicate(const Expr& e, const Row& row, EvalContext& ctx);

// Throws 57014 if the statement was cancelled.
void CheckCancel(const EvalContext& ctx);

}  // namespace immu::sql
