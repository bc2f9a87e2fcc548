#include "sql/expr.h"

#include "catalog/pg_error.h"

namespace immu::sql {

void CheckCancel(const EvalContext& ctx) {
  if (ctx.cancel != nullptr && ctx.cancel->load(std::memory_order_relaxed)) {
    throw PgError(sqlstate::kQueryCanceled, "canceling statement due to user request");
  }
  if (ctx.deadline != nullptr && *ctx.deadline != std::chrono::steady_clock::time_point{}) {
    // statement_timeout: the clock is read every 1024 checks (one per row).
    if ((++ctx.deadline_checks & 1023) == 0 && std::chrono::steady_clock::now() > *ctx.deadline) {
      throw PgError(sqlstate::kQueryCanceled, "canceling statement due to statement timeout");
    }
  }
}

namespace {

// Three-valued logic: 1 true, 0 false, -1 unknown.
int Truth(const Value& v) { return v.null ? -1 : (v.i != 0 ? 1 : 0); }

Value FromTruth(int t) { return t < 0 ? Value::Null(oid::kBool) : Value::Bool(t == 1); }

}  // namespace

Value Eval(const Expr& e, const Row& row, EvalContext& ctx) {
  switch (e.kind) {
    case Expr::Kind::kConst:
      return e.value;
    case Expr::Kind::kColumn: {
      const Row* r = &row;
      if (e.outer_level > 0) {
        // A correlated reference evaluated without its outer row is a bug in
        // the caller; fail the statement rather than read out of bounds.
        if (static_cast<size_t>(e.outer_level) > ctx.outer.size()) {
          throw PgError(sqlstate::kInternalError, "outer column reference evaluated without an outer row");
        }
        r = ctx.outer[ctx.outer.size() - static_cast<size_t>(e.outer_level)];
        // A correlated subquery evaluated over a grouped row (not a GROUP
        // BY expression itself) would read an ungrouped column here.
        if (static_cast<size_t>(e.index) >= r->size()) {
          throw PgError(sqlstate::kGroupingError, "subquery uses ungrouped column from outer query");
        }
      }
      return (*r)[static_cast<size_t>(e.index)];
    }
    case Expr::Kind::kAggRef:
      return row[static_cast<size_t>(e.index)];
    case Expr::Kind::kParam: {
      if (ctx.params == nullptr || static_cast<size_t>(e.index) >= ctx.params->size()) {
        throw PgError(sqlstate::kUndefinedParameter, "there is no parameter $" + std::to_string(e.index + 1));
      }
      const Value& p = (*ctx.params)[static_cast<size_t>(e.index)];
      if (p.type == e.type || e.type == oid::kUnknown) return p;
      return CastValue(p, e.type, e.typmod, ctx.vc, false);
    }
    case Expr::Kind::kFunc: {
      Value argv_small[4];
      std::vector<Value> argv_big;
      Value* argv = argv_small;
      if (e.args.size() > 4) {
        argv_big.resize(e.args.size());
        argv = argv_big.data();
      }
      for (size_t i = 0; i < e.args.size(); i++) {
        argv[i] = Eval(*e.args[i], row, ctx);
        if (e.strict && argv[i].null) return Value::Null(e.type);
      }
      return e.fn(std::span<const Value>(argv, e.args.size()), ctx);
    }
    case Expr::Kind::kAnd: {
      int result = 1;
      for (const auto& a : e.args) {
        const int t = Truth(Eval(*a, row, ctx));
        if (t == 0) return Value::Bool(false);
        if (t < 0) result = -1;
      }
      return FromTruth(result);
    }
    case Expr::Kind::kOr: {
      int result = 0;
      for (const auto& a : e.args) {
        const int t = Truth(Eval(*a, row, ctx));
        if (t == 1) return Value::Bool(true);
        if (t < 0) result = -1;
      }
      return FromTruth(result);
    }
    case Expr::Kind::kNot: {
      const int t = Truth(Eval(*e.args[0], row, ctx));
      return FromTruth(t < 0 ? -1 : 1 - t);
    }
    case Expr::Kind::kIsNull: {
      const bool is_null = Eval(*e.args[0], row, ctx).null;
      return Value::Bool(e.negate ? !is_null : is_null);
    }
    case Expr::Kind::kCase: {
      size_t i = 0;
      Value operand;
      if (e.has_operand) operand = Eval(*e.args[i++], row, ctx);
      const size_t end = e.args.size() - (e.has_else ? 1 : 0);
      for (; i < end; i += 2) {
        bool match;
        if (e.has_operand) {
          const Value w = Eval(*e.args[i], row, ctx);
          match = !operand.null && !w.null && CompareValues(operand, w) == 0;
        } else {
          match = Truth(Eval(*e.args[i], row, ctx)) == 1;
        }
        if (match) return Eval(*e.args[i + 1], row, ctx);
      }
      if (e.has_else) return Eval(*e.args.back(), row, ctx);
      return Value::Null(e.type);
    }
    case Expr::Kind::kCoalesce: {
      for (const auto& a : e.args) {
        Value v = Eval(*a, row, ctx);
        if (!v.null) return v;
      }
      return Value::Null(e.type);
    }
    case Expr::Kind::kCast:
      return CastValue(Eval(*e.args[0], row, ctx), e.type, e.typmod, ctx.vc, !e.negate);
    case Expr::Kind::kInList: {
      const Value probe = Eval(*e.args[0], row, ctx);
      if (probe.null) return Value::Null(oid::kBool);
      bool saw_null = false;
      for (size_t i = 1; i < e.args.size(); i++) {
        const Value v = Eval(*e.args[i], row, ctx);
        if (v.null) {
          saw_null = true;
        } else if (CompareValues(probe, v) == 0) {
          return Value::Bool(!e.negate);
        }
      }
      if (saw_null) return Value::Null(oid::kBool);
      return Value::Bool(e.negate);
    }
    case Expr::Kind::kAnyArray: {
      const Value probe = Eval(*e.args[0], row, ctx);
      const Value arr = Eval(*e.args[1], row, ctx);
      if (arr.null) return Value::Null(oid::kBool);
      const bool all = e.negate;
      bool saw_null = false;
      for (const Value& elem : *arr.arr) {
        if (probe.null || elem.null) {
          saw_null = true;
          continue;
        }
        const Value pair[2] = {probe, elem};
        const int t = Truth(e.fn(std::span<const Value>(pair, 2), ctx));
        if (!all && t == 1) return Value::Bool(true);
        if (all && t == 0) return Value::Bool(false);
        if (t < 0) saw_null = true;
      }
      if (saw_null) return Value::Null(oid::kBool);
      return Value::Bool(all);
    }
    case Expr::Kind::kSubquery: {
      Value probe;
      const Value* p = nullptr;
      if (!e.args.empty()) {
        probe = Eval(*e.args[0], row, ctx);
        p = &probe;
      }
      Value v = e.subquery->Run(ctx, row, p);
      if (e.negate) {
        const int t = Truth(v);
        return FromTruth(t < 0 ? -1 : 1 - t);
      }
      return v;
    }
  }
  throw PgError(sqlstate::kInternalError, "unknown expression kind");
}

bool EvalPredicate(const Expr& e, const Row& row, EvalContext& ctx) {
  const Value v = Eval(e, row, ctx);
  return !v.null && v.i != 0;
}

}  // namespace immu::sql
