// Binder: aggregate calls (FILTER, ORDER BY inside, WITHIN GROUP), window
// function calls and GROUPING(). The executors evaluate what is collected
// here (query_aggregate.cc, query_window.cc).

#include "catalog/pg_error.h"
#include "sql/binder.h"
#include "sql/fn_range.h"

namespace immu::sql {

namespace {

PgError WithPos(PgError e, int location) {
  if (location >= 0 && e.position() == 0) e.set_position(location + 1);
  return e;
}

bool IsOrderedSetName(std::string_view n) {
  return n == "percentile_cont" || n == "percentile_disc" || n == "mode";
}

bool IsStatisticalName(std::string_view n) {
  return n == "stddev" || n == "stddev_samp" || n == "stddev_pop" || n == "variance" ||
         n == "var_samp" || n == "var_pop";
}

bool IsWindowOnlyName(std::string_view n) {
  return n == "row_number" || n == "rank" || n == "dense_rank" || n == "percent_rank" ||
         n == "cume_dist" || n == "ntile" || n == "lag" || n == "lead" || n == "first_value" ||
         n == "last_value" || n == "nth_value";
}

[[noreturn]] void NoSuchAggregate(const std::string& name, const std::vector<uint32_t>& types,
                                  int location) {
  std::string sig;
  for (size_t i = 0; i < types.size(); i++) sig += (i ? ", " : "") + FormatType(types[i], -1);
  throw WithPos(
      PgError(sqlstate::kUndefinedFunction, "function " + name + "(" + sig + ") does not exist", "",
              "No function matches the given name and argument types. You might need to add "
              "explicit type casts."),
      location);
}

}  // namespace

bool IsAggregateName(std::string_view n) {
  return n == "count" || n == "sum" || n == "avg" || n == "min" || n == "max" || n == "bool_and" ||
         n == "bool_or" || n == "every" || n == "string_agg" || n == "array_agg" || n == "bit_and" ||
         n == "bit_or" || n == "bit_xor" ||
         n == "json_agg" || n == "jsonb_agg" || n == "json_object_agg" || n == "jsonb_object_agg" ||
         IsOrderedSetName(n) || IsStatisticalName(n) || IsRangeAggregateName(n);
}

Value GroupingMarker(std::span<const Value>, EvalContext&) {
  throw PgError(sqlstate::kGroupingError, "GROUPING must be used in a grouped query");
}

AggCall Binder::BindAggCall(const PgQuery__FuncCall* f, const std::string& name,
                            const Scope& scope) {
  AggCall call;
  call.name = name == "every" ? "bool_and" : name;
  call.distinct = f->agg_distinct;
  const bool ordered_set = IsOrderedSetName(name);
  if (!ordered_set && f->agg_within_group) {
    throw WithPos(PgError(sqlstate::kWrongObjectType, "WITHIN GROUP specified, but " + name +
                                                          " is not an ordered-set aggregate"),
                  f->location);
  }
  // Arguments are bound outside aggregate collection (no nesting), except
  // under a window, whose aggregate runs over the grouped rows.
  std::vector<AggCall>* saved = aggs;
  std::vector<WindowCall>* saved_windows = windows;
  const char* saved_clause = no_agg_clause;
  std::vector<SrfCall>* saved_srfs = srfs;
  if (f->over == nullptr) aggs = nullptr;
  windows = nullptr;
  srfs = nullptr;
  no_agg_clause = "aggregate function calls";
  std::vector<uint32_t> types;
  try {
    if (!f->agg_star) {
      std::vector<std::unique_ptr<Expr>> args;
      for (size_t i = 0; i < f->n_args; i++) {
        args.push_back(Bind(f->args[i], scope));
        types.push_back(args.back()->type);
      }
      if (ordered_set) {
        const size_t want = name == "mode" ? 0 : 1;
        if (args.size() != want || f->n_agg_order != 1 || !f->agg_within_group)
          NoSuchAggregate(name, types, f->location);
        if (want == 1) {
          // percentile_*(fraction) or percentile_*(fractions[]): one
          // result per fraction, as an array.
          const bool many = ArrayElementType(args[0]->type) != 0;
          call.direct = Coerce(std::move(args[0]), many ? ArrayTypeOf(oid::kFloat8) : oid::kFloat8,
                               -1, false);
        }
      } else {
        if (args.empty()) NoSuchAggregate(name, types, f->location);
        call.arg = std::move(args[0]);
        if (args.size() > 1) call.arg2 = std::move(args[1]);
        const size_t max_args =
            name == "string_agg" || name == "json_object_agg" || name == "jsonb_object_agg" ? 2 : 1;
        if (args.size() > max_args || (max_args == 2 && args.size() < 2))
          NoSuchAggregate(name, types, f->location);
      }
    }
    for (size_t i = 0; i < f->n_agg_order; i++) {
      const auto* sb = f->agg_order[i]->sort_by;
      AggOrder o;
      o.expr = Bind(sb->node, scope);
      if (o.expr->type == oid::kUnknown) o.expr = Coerce(std::move(o.expr), oid::kText, -1, false);
      const SortDirection dir = SortByDirection(sb);
      o.desc = dir.desc;
      o.nulls_first = dir.nulls_first;
      call.order.push_back(std::move(o));
    }
    if (f->agg_filter != nullptr) {
      no_agg_clause = "FILTER";
      call.filter = BindCondition(f->agg_filter, scope, "FILTER");
    }
  } catch (...) {
    aggs = saved;
    windows = saved_windows;
    srfs = saved_srfs;
    no_agg_clause = saved_clause;
    throw;
  }
  aggs = saved;
  windows = saved_windows;
  srfs = saved_srfs;
  no_agg_clause = saved_clause;
  if (ordered_set) {
    // The sorted input is the aggregated value.
    call.arg = Bind(f->agg_order[0]->sort_by->node, scope);
    if (call.arg->type == oid::kUnknown)
      call.arg = Coerce(std::move(call.arg), oid::kText, -1, false);
    if (name == "percentile_cont") {
      if (call.arg->type != oid::kInterval) {
        call.arg = Coerce(std::move(call.arg), oid::kFloat8, -1, false);
        call.order[0].expr = Coerce(std::move(call.order[0].expr), oid::kFloat8, -1, false);
      }
    }
  }
  const uint32_t t = call.arg ? call.arg->type : 0;
  const std::string& n = call.name;
  if (n == "count") {
    call.result_type = oid::kInt8;
  } else if (n == "sum" || n == "avg") {
    if (!IsNumericCategory(t) && t != oid::kInterval && t != oid::kUnknown)
      NoSuchAggregate(name, types, f->location);
    if (n == "sum") {
      call.result_type = (t == oid::kInt2 || t == oid::kInt4)       ? oid::kInt8
                         : (t == oid::kFloat4 || t == oid::kFloat8) ? t
                         : t == oid::kInterval                      ? oid::kInterval
                                                                    : oid::kNumeric;
    } else {
      call.result_type = (t == oid::kFloat4 || t == oid::kFloat8) ? oid::kFloat8
                         : t == oid::kInterval                    ? oid::kInterval
                                                                  : oid::kNumeric;
    }
  } else if (IsStatisticalName(n)) {
    if (!IsNumericCategory(t) && t != oid::kUnknown) NoSuchAggregate(name, types, f->location);
    if (t == oid::kUnknown) call.arg = Coerce(std::move(call.arg), oid::kFloat8, -1, false);
    call.result_type = (t == oid::kFloat4 || t == oid::kFloat8 || t == oid::kUnknown)
                           ? oid::kFloat8
                           : oid::kNumeric;
  } else if (n == "min" || n == "max" || n == "mode" || n == "percentile_disc") {
    call.result_type = t == oid::kUnknown ? oid::kText : t;
  } else if (n == "percentile_cont") {
    call.result_type = t;
  }
  if (call.direct && ArrayElementType(call.direct->type) != 0) {
    call.result_type = ArrayTypeOf(call.result_type);
    if (call.result_type == 0) NoSuchAggregate(name, types, f->location);
  } else if (n == "bool_and" || n == "bool_or") {
    call.arg = Coerce(std::move(call.arg), oid::kBool, -1, false);
    call.result_type = oid::kBool;
  } else if (n == "bit_and" || n == "bit_or" || n == "bit_xor") {
    // Over smallint, integer and bigint, yielding the argument's type.
    if (t != oid::kInt2 && t != oid::kInt4 && t != oid::kInt8) NoSuchAggregate(name, types, f->location);
    call.result_type = t;
  } else if (n == "string_agg") {
    // string_agg(text, text) and (bytea, bytea): only implicit casts apply,
    // so string_agg(int, ',') does not exist (42883).
    const uint32_t d = call.arg2->type;
    const bool bytea = t == oid::kBytea && (d == oid::kBytea || d == oid::kUnknown);
    const bool text = (IsStringCategory(t) || t == oid::kUnknown) && (IsStringCategory(d) || d == oid::kUnknown);
    if (!bytea && !text) NoSuchAggregate(name, types, f->location);
    if (t == oid::kBytea) {
      call.arg2 = Coerce(std::move(call.arg2), oid::kBytea, -1, false);
      call.result_type = oid::kBytea;
    } else {
      call.arg = Coerce(std::move(call.arg), oid::kText, -1, false);
      call.arg2 = Coerce(std::move(call.arg2), oid::kText, -1, false);
      call.result_type = oid::kText;
    }
  } else if (n == "array_agg") {
    const uint32_t elem = t == oid::kUnknown ? oid::kText : t;
    if (ArrayElementType(elem) != 0) {
      throw WithPos(
          PgError(sqlstate::kFeatureNotSupported, "array_agg over arrays is not supported"),
          f->location);
    }
    call.result_type = ArrayTypeOf(elem);
    if (call.result_type == 0) NoSuchAggregate(name, types, f->location);
  } else if (IsRangeAggregateName(n)) {
    call.result_type = RangeAggregateResultType(n, t);
    if (call.result_type == 0) NoSuchAggregate(name, types, f->location);
  } else if (n == "json_agg" || n == "json_object_agg") {
    call.result_type = oid::kJson;
  } else if (n == "jsonb_agg" || n == "jsonb_object_agg") {
    call.result_type = oid::kJsonb;
  }
  if (call.arg && call.arg->type == oid::kUnknown)
    call.arg = Coerce(std::move(call.arg), oid::kText, -1, false);
  if (call.arg2 && call.arg2->type == oid::kUnknown)
    call.arg2 = Coerce(std::move(call.arg2), oid::kText, -1, false);
  return call;
}

std::unique_ptr<Expr> Binder::BindAggregate(const PgQuery__FuncCall* f, const std::string& name,
                                            const Scope& scope) {
  if (aggs == nullptr) {
    throw WithPos(PgError(sqlstate::kGroupingError,
                          std::string("aggregate functions are not allowed in ") + no_agg_clause),
                  f->location);
  }
  AggCall call = BindAggCall(f, name, scope);
  aggs->push_back(std::move(call));
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kAggRef;
  e->index = agg_base + static_cast<int>(aggs->size()) - 1;
  e->type = aggs->back().result_type;
  e->name = name;
  e->location = f->location;
  return e;
}

std::unique_ptr<Expr> Binder::BindWindowCall(const PgQuery__FuncCall* f, const std::string& name,
                                             const Scope& scope) {
  if (windows == nullptr) {
    throw WithPos(PgError(sqlstate::kWindowingError,
                          std::string("window functions are not allowed in ") + no_agg_clause),
                  f->location);
  }
  WindowCall call;
  call.name = name;
  call.over = f->over;
  call.location = f->location;
  if (IsAggregateName(name) && !IsOrderedSetName(name)) {
    if (f->agg_distinct) {
      throw WithPos(PgError(sqlstate::kFeatureNotSupported,
                            "DISTINCT is not implemented for window functions"),
                    f->location);
    }
    if (f->n_agg_order > 0) {
      throw WithPos(PgError(sqlstate::kFeatureNotSupported,
                            "aggregate ORDER BY is not implemented for window functions"),
                    f->location);
    }
    call.agg = std::make_unique<AggCall>(BindAggCall(f, name, scope));
    call.result_type = call.agg->result_type;
  } else if (IsWindowOnlyName(name)) {
    if (f->agg_filter != nullptr) {
      throw WithPos(PgError(sqlstate::kFeatureNotSupported,
                            "FILTER is not implemented for non-aggregate window functions"),
                    f->location);
    }
    if (f->agg_star || f->agg_distinct || f->n_agg_order > 0 || f->agg_within_group) {
      const std::string what = f->agg_star           ? name + "(*)"
                               : f->agg_distinct     ? "DISTINCT"
                               : f->agg_within_group ? "WITHIN GROUP"
                                                     : "ORDER BY";
      throw WithPos(PgError(sqlstate::kWrongObjectType,
                            what + " specified, but " + name + " is not an aggregate function"),
                    f->location);
    }
    std::vector<WindowCall>* saved = windows;
    std::vector<SrfCall>* saved_srfs = srfs;
    const char* saved_clause = no_agg_clause;
    windows = nullptr;
    srfs = nullptr;
    no_agg_clause = "window function calls";
    std::vector<uint32_t> types;
    try {
      for (size_t i = 0; i < f->n_args; i++) {
        call.args.push_back(Bind(f->args[i], scope));
        types.push_back(call.args.back()->type);
      }
    } catch (...) {
      windows = saved;
      srfs = saved_srfs;
      no_agg_clause = saved_clause;
      throw;
    }
    windows = saved;
    srfs = saved_srfs;
    no_agg_clause = saved_clause;
    const size_t n = call.args.size();
    if (name == "row_number" || name == "rank" || name == "dense_rank") {
      if (n != 0) NoSuchAggregate(name, types, f->location);
      call.result_type = oid::kInt8;
    } else if (name == "percent_rank" || name == "cume_dist") {
      if (n != 0) NoSuchAggregate(name, types, f->location);
      call.result_type = oid::kFloat8;
    } else if (name == "ntile") {
      if (n != 1) NoSuchAggregate(name, types, f->location);
      call.args[0] = Coerce(std::move(call.args[0]), oid::kInt4, -1, false);
      call.result_type = oid::kInt4;
    } else if (name == "lag" || name == "lead") {
      if (n < 1 || n > 3) NoSuchAggregate(name, types, f->location);
      uint32_t t = call.args[0]->type;
      if (n == 3) t = CommonType(t, call.args[2]->type, name.c_str());
      if (t == oid::kUnknown) t = oid::kText;
      call.args[0] = Coerce(std::move(call.args[0]), t, -1, false);
      if (n >= 2) call.args[1] = Coerce(std::move(call.args[1]), oid::kInt4, -1, false);
      if (n == 3) call.args[2] = Coerce(std::move(call.args[2]), t, -1, false);
      call.result_type = t;
    } else if (name == "first_value" || name == "last_value" || name == "nth_value") {
      if (n != (name == "nth_value" ? 2u : 1u)) NoSuchAggregate(name, types, f->location);
      if (call.args[0]->type == oid::kUnknown)
        call.args[0] = Coerce(std::move(call.args[0]), oid::kText, -1, false);
      if (n == 2) call.args[1] = Coerce(std::move(call.args[1]), oid::kInt4, -1, false);
      call.result_type = call.args[0]->type;
    }
  } else {
    throw WithPos(PgError(sqlstate::kWrongObjectType,
                          "OVER specified, but " + name +
                              " is not a window function nor an aggregate function"),
                  f->location);
  }
  windows->push_back(std::move(call));
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kAggRef;
  e->index = window_base + static_cast<int>(windows->size()) - 1;
  e->type = windows->back().result_type;
  e->name = name;
  e->location = f->location;
  return e;
}

std::unique_ptr<Expr> Binder::BindGrouping(const PgQuery__GroupingFunc* g, const Scope& scope) {
  if (aggs == nullptr) {
    throw WithPos(PgError(sqlstate::kGroupingError,
                          std::string("grouping operations are not allowed in ") + no_agg_clause),
                  g->location);
  }
  if (g->n_args > 31) {
    throw WithPos(PgError("54023", "GROUPING must have fewer than 32 arguments"), g->location);
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kFunc;
  e->fn = GroupingMarker;
  e->strict = false;
  e->type = oid::kInt4;
  e->name = "grouping";
  e->location = g->location;
  for (size_t i = 0; i < g->n_args; i++) e->args.push_back(Bind(g->args[i], scope));
  return e;
}

}  // namespace immu::sql
