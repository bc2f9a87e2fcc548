// Window functions: see query_window.h.

#include "sql/query_window.h"

#include <algorithm>
#include <numeric>

#include "catalog/pg_error.h"
#include "sql/query_explain.h"

namespace immu::sql {

namespace {

// Frame option bits of PostgreSQL's WindowDef.frameOptions (parsenodes.h).
constexpr int kFrameNonDefault = 0x00001;
constexpr int kFrameRange = 0x00002;
constexpr int kFrameRows = 0x00004;
constexpr int kFrameGroups = 0x00008;
constexpr int kStartUnboundedPreceding = 0x00020;
constexpr int kEndUnboundedFollowing = 0x00100;
constexpr int kStartCurrentRow = 0x00200;
constexpr int kEndCurrentRow = 0x00400;
constexpr int kStartOffsetPreceding = 0x00800;
constexpr int kEndOffsetPreceding = 0x01000;
constexpr int kStartOffsetFollowing = 0x02000;
constexpr int kEndOffsetFollowing = 0x04000;
constexpr int kExcludeCurrentRow = 0x08000;
constexpr int kExcludeGroup = 0x10000;
constexpr int kExcludeTies = 0x20000;
constexpr int kFrameDefaults = kFrameRange | kStartUnboundedPreceding | kEndCurrentRow;

const PgQuery__WindowDef* FindNamedWindow(const PgQuery__SelectStmt* s, const std::string& name,
                                          int location) {
  for (size_t i = 0; i < s->n_window_clause; i++) {
    const auto* w = s->window_clause[i]->window_def;
    if (w->name != nullptr && name == w->name) return w;
  }
  Throw(sqlstate::kUndefinedObject, "window \"" + name + "\" does not exist", location);
}

int CompareKey(const Value& a, const Value& b, bool desc, bool nulls_first) {
  if (a.null || b.null) {
    if (a.null && b.null) return 0;
    const bool a_first = a.null ? nulls_first : !nulls_first;
    return a_first ? -1 : 1;
  }
  const int c = CompareValues(a, b);
  return desc ? -c : c;
}

bool IsDateTime(uint32_t t) {
  return t == oid::kDate || t == oid::kTimestamp || t == oid::kTimestampTz || t == oid::kTime ||
         t == oid::kInterval;
}

}  // namespace

struct WindowEvaluator::Window {
  std::vector<std::unique_ptr<Expr>> partition;
  std::vector<AggOrder> order;
  int options = kFrameDefaults;
  std::unique_ptr<Expr> start_offset, end_offset;
  // RANGE offset frames: key +/- offset.
  ResolvedFn add, sub;
  const PgQuery__WindowDef* part_def = nullptr;  // where PARTITION BY / ORDER BY come from
  const PgQuery__WindowDef* order_def = nullptr;
};

struct WindowEvaluator::Call {
  WindowCall call;
  size_t window = 0;
};

WindowEvaluator::WindowEvaluator(const PgQuery__SelectStmt* s, std::vector<WindowCall> calls,
                                 const Scope& scope, Binder& binder) {
  std::vector<WindowCall>* saved = binder.windows;
  binder.windows = nullptr;
  binder.no_agg_clause = "window definitions";
  for (auto& c : calls) {
    // Resolve OVER w / OVER (w ...) against the WINDOW clause.
    const PgQuery__WindowDef* def = c.over;
    const PgQuery__WindowDef* part_def = def;
    const PgQuery__WindowDef* order_def = def;
    const PgQuery__WindowDef* frame_def = def;
    if (def->name != nullptr && *def->name) {
      part_def = order_def = frame_def = FindNamedWindow(s, def->name, def->location);
    }
    for (const PgQuery__WindowDef* d = part_def; d->refname != nullptr && *d->refname;) {
      const PgQuery__WindowDef* ref = FindNamedWindow(s, d->refname, d->location);
      if (d->n_partition_clause > 0) {
        Throw(sqlstate::kWindowingError,
              "cannot override PARTITION BY clause of window \"" + std::string(d->refname) + "\"",
              d->location);
      }
      if (ref->n_order_clause > 0 && d->n_order_clause > 0) {
        Throw(sqlstate::kWindowingError,
              "cannot override ORDER BY clause of window \"" + std::string(d->refname) + "\"",
              d->location);
      }
      if (ref->frame_options & kFrameNonDefault) {
        Throw(
            sqlstate::kWindowingError,
            "cannot copy window \"" + std::string(d->refname) + "\" because it has a frame clause",
            d->location);
      }
      if (d->n_order_clause == 0) order_def = ref;
      part_def = ref;
      d = ref;
    }
    auto w = std::make_unique<Window>();
    w->part_def = part_def;
    w->order_def = order_def;
    for (size_t i = 0; i < part_def->n_partition_clause; i++)
      w->partition.push_back(binder.Bind(part_def->partition_clause[i], scope));
    for (size_t i = 0; i < order_def->n_order_clause; i++) {
      const auto* sb = order_def->order_clause[i]->sort_by;
      AggOrder o;
      o.expr = binder.Bind(sb->node, scope);
      if (o.expr->type == oid::kUnknown)
        o.expr = binder.Coerce(std::move(o.expr), oid::kText, -1, false);
      const SortDirection dir = SortByDirection(sb);
      o.desc = dir.desc;
      o.nulls_first = dir.nulls_first;
      w->order.push_back(std::move(o));
    }
    if (frame_def->frame_options & kFrameNonDefault) w->options = frame_def->frame_options;
    const int opt = w->options;
    const bool offsets = opt & (kStartOffsetPreceding | kStartOffsetFollowing |
                                kEndOffsetPreceding | kEndOffsetFollowing);
    if ((opt & kFrameRange) && offsets) {
      if (w->order.size() != 1) {
        Throw(sqlstate::kWindowingError,
              "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column",
              frame_def->location);
      }
    }
    if ((opt & kFrameGroups) && w->order.empty()) {
      Throw(sqlstate::kWindowingError, "GROUPS mode requires an ORDER BY clause",
            frame_def->location);
    }
    auto bind_offset = [&](const PgNode* n) -> std::unique_ptr<Expr> {
      if (n == nullptr) return nullptr;
      Scope none;
      auto e = binder.Bind(n, none);
      if (opt & kFrameRange) {
        const uint32_t kt = w->order[0].expr->type;
        if (e->type == oid::kUnknown)
          e = binder.Coerce(std::move(e), IsDateTime(kt) ? oid::kInterval : kt, -1, false);
        return e;
      }
      return binder.Coerce(std::move(e), oid::kInt8, -1, false);
    };
    w->start_offset = bind_offset(frame_def->start_offset);
    w->end_offset = bind_offset(frame_def->end_offset);
    if ((opt & kFrameRange) && offsets) {
      const Expr* off = w->start_offset ? w->start_offset.get() : w->end_offset.get();
      w->add = ResolveOperator("+", w->order[0].expr->type, off->type);
      w->sub = ResolveOperator("-", w->order[0].expr->type, off->type);
    }
    windows_.push_back(std::move(w));
    calls_.push_back(Call{std::move(c), windows_.size() - 1});
  }
  binder.windows = saved;
}

WindowEvaluator::~WindowEvaluator() = default;

std::string WindowEvaluator::PlanSortKey() const {
  if (windows_.empty()) return "";
  const Window& w = *windows_[0];
  std::string keys;
  for (size_t i = 0; i < w.part_def->n_partition_clause; i++) {
    keys += (keys.empty() ? "" : ", ") + PlanExprText(w.part_def->partition_clause[i]);
  }
  for (size_t i = 0; i < w.order_def->n_order_clause; i++) {
    const auto* sb = w.order_def->order_clause[i]->sort_by;
    keys += (keys.empty() ? "" : ", ") + PlanExprText(sb->node);
    if (SortByDirection(sb).desc) keys += " DESC";
  }
  return keys;
}

void WindowEvaluator::ToGrouped(const GroupBy& groups, const Scope& scope) {
  auto g = [&](std::unique_ptr<Expr>& e) {
    if (e) e = immu::sql::ToGrouped(std::move(e), groups, scope);
  };
  for (auto& w : windows_) {
    for (auto& e : w->partition) g(e);
    for (auto& o : w->order) g(o.expr);
  }
  for (auto& c : calls_) {
    for (auto& e : c.call.args) g(e);
    if (c.call.agg) {
      g(c.call.agg->arg);
      g(c.call.agg->arg2);
      g(c.call.agg->filter);
    }
  }
}

void WindowEvaluator::Rebase(Expr* e, int base) {
  if (e->kind == Expr::Kind::kAggRef && e->index >= kWindowRefBase)
    e->index = base + (e->index - kWindowRefBase);
  for (auto& a : e->args) Rebase(a.get(), base);
}

void WindowEvaluator::Run(std::vector<Row>* rows, EvalContext& ctx) {
  const size_t width = rows->empty() ? 0 : (*rows)[0].size();
  for (auto& r : *rows) r.resize(width + calls_.size());
  for (size_t w = 0; w < windows_.size(); w++) RunWindow(*windows_[w], rows, width, ctx);
}

void WindowEvaluator::RunWindow(const Window& w, std::vector<Row>* rows_ptr, size_t width,
                                EvalContext& ctx) {
  std::vector<Row>& rows = *rows_ptr;
  const size_t total = rows.size();
  // Sort row indices by partition, then window order.
  std::vector<Row> pkeys(total), okeys(total);
  for (size_t i = 0; i < total; i++) {
    CheckCancel(ctx);
    for (const auto& e : w.partition) pkeys[i].push_back(Eval(*e, rows[i], ctx));
    for (const auto& o : w.order) okeys[i].push_back(Eval(*o.expr, rows[i], ctx));
  }
  std::vector<size_t> idx(total);
  std::iota(idx.begin(), idx.end(), 0);
  auto cmp_part = [&](size_t a, size_t b) {
    for (size_t k = 0; k < w.partition.size(); k++) {
      const int c = CompareKey(pkeys[a][k], pkeys[b][k], false, false);
      if (c != 0) return c;
    }
    return 0;
  };
  auto cmp_order = [&](size_t a, size_t b) {
    for (size_t k = 0; k < w.order.size(); k++) {
      const int c = CompareKey(okeys[a][k], okeys[b][k], w.order[k].desc, w.order[k].nulls_first);
      if (c != 0) return c;
    }
    return 0;
  };
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) {
    const int c = cmp_part(a, b);
    return c != 0 ? c < 0 : cmp_order(a, b) < 0;
  });
  const int opt = w.options;
  auto offset_value = [&](const Expr* e, const char* which) {
    Value v = Eval(*e, Row{}, ctx);
    if (v.null) throw PgError("22004", std::string("frame ") + which + " offset must not be null");
    const bool negative =
        v.type == oid::kInterval  ? (v.iv.month < 0 || v.iv.day < 0 || v.iv.time < 0)
        : v.type == oid::kNumeric ? Numeric::Compare(*v.num, Numeric::FromInt64(0)) < 0
        : v.type == oid::kFloat4 || v.type == oid::kFloat8 ? v.f < 0
                                                           : v.i < 0;
    if (negative)
      throw PgError("22013", std::string("frame ") + which + " offset must not be negative");
    return v;
  };
  Value start_off, end_off;
  if (w.start_offset) start_off = offset_value(w.start_offset.get(), "starting");
  if (w.end_offset) end_off = offset_value(w.end_offset.get(), "ending");

  for (size_t p0 = 0; p0 < total;) {
    size_t p1 = p0 + 1;
    while (p1 < total && cmp_part(idx[p0], idx[p1]) == 0) p1++;
    const size_t n = p1 - p0;
    auto at = [&](size_t pos) -> const Row& { return rows[idx[p0 + pos]]; };
    // Peer groups of the partition.
    std::vector<size_t> group(n), gstart, gend;
    for (size_t i = 0; i < n; i++) {
      if (i == 0 || cmp_order(idx[p0 + i - 1], idx[p0 + i]) != 0) {
        if (i > 0) gend.push_back(i);
        gstart.push_back(i);
      }
      group[i] = gstart.size() - 1;
    }
    gend.push_back(n);
    const size_t ng = gstart.size();
    // RANGE offset bounds: first position whose key is past key(i) -/+ off.
    auto range_bound = [&](size_t i, const Value& off, bool preceding, bool is_start) -> size_t {
      const Value& key = okeys[idx[p0 + i]][0];
      if (key.null) return is_start ? gstart[group[i]] : gend[group[i]];
      const bool desc = w.order[0].desc;
      // Moving toward earlier rows subtracts in ascending order.
      const ResolvedFn& f = (preceding != desc) ? w.sub : w.add;
      Value a =
          key.type == f.arg_types[0] ? key : CastValue(key, f.arg_types[0], -1, ctx.vc, false);
      Value b =
          off.type == f.arg_types[1] ? off : CastValue(off, f.arg_types[1], -1, ctx.vc, false);
      Value args[2] = {a, b};
      const Value bound = f.fn(std::span<const Value>(args, 2), ctx);
      auto cmp = [&](size_t j) {  // key(j) vs bound in window order
        Value k = okeys[idx[p0 + j]][0];
        if (k.null) return w.order[0].nulls_first ? -1 : 1;
        if (k.type != bound.type) k = CastValue(k, bound.type, -1, ctx.vc, false);
        const int c = CompareValues(k, bound);
        return desc ? -c : c;
      };
      size_t j = 0;
      if (is_start) {
        while (j < n && cmp(j) < 0) j++;
      } else {
        while (j < n && cmp(j) <= 0) j++;
      }
      return j;
    };
    auto frame = [&](size_t i, size_t* fs, size_t* fe) {
      const size_t g = group[i];
      if (opt & kStartUnboundedPreceding) {
        *fs = 0;
      } else if (opt & kStartCurrentRow) {
        *fs = (opt & kFrameRows) ? i : gstart[g];
      } else if (opt & kFrameRows) {
        const int64_t k = start_off.i;
        *fs = opt & kStartOffsetPreceding
                  ? (static_cast<int64_t>(i) - k < 0 ? 0 : i - static_cast<size_t>(k))
                  : std::min<size_t>(n, i + static_cast<size_t>(k));
      } else if (opt & kFrameGroups) {
        const int64_t k = start_off.i;
        if (opt & kStartOffsetPreceding) {
          *fs = gstart[static_cast<int64_t>(g) - k < 0 ? 0 : g - static_cast<size_t>(k)];
        } else {
          *fs = g + static_cast<size_t>(k) < ng ? gstart[g + static_cast<size_t>(k)] : n;
        }
      } else {
        *fs = range_bound(i, start_off, opt & kStartOffsetPreceding, true);
      }
      if (opt & kEndUnboundedFollowing) {
        *fe = n;
      } else if (opt & kEndCurrentRow) {
        *fe = (opt & kFrameRows) ? i + 1 : gend[g];
      } else if (opt & kFrameRows) {
        const int64_t k = end_off.i;
        *fe = opt & kEndOffsetPreceding
                  ? (static_cast<int64_t>(i) + 1 - k < 0 ? 0 : i + 1 - static_cast<size_t>(k))
                  : std::min<size_t>(n, i + 1 + static_cast<size_t>(k));
      } else if (opt & kFrameGroups) {
        const int64_t k = end_off.i;
        if (opt & kEndOffsetPreceding) {
          *fe = static_cast<int64_t>(g) - k < 0 ? 0 : gend[g - static_cast<size_t>(k)];
        } else {
          *fe = gend[std::min(ng - 1, g + static_cast<size_t>(k))];
        }
      } else {
        *fe = range_bound(i, end_off, opt & kEndOffsetPreceding, false);
      }
      if (*fe < *fs) *fe = *fs;
    };
    const int exclude = opt & (kExcludeCurrentRow | kExcludeGroup | kExcludeTies);
    auto excluded = [&](size_t i, size_t j) {
      if (!exclude) return false;
      if (opt & kExcludeCurrentRow) return i == j;
      const bool peer = group[i] == group[j];
      if (opt & kExcludeGroup) return peer;
      return peer && i != j;  // TIES
    };
    for (size_t c = 0; c < calls_.size(); c++) {
      if (windows_[calls_[c].window].get() != &w) continue;
      const WindowCall& call = calls_[c].call;
      const size_t slot = width + c;
      const std::string& name = call.name;
      auto set = [&](size_t i, Value v) { rows[idx[p0 + i]][slot] = std::move(v); };
      if (call.agg) {
        // Frames that only grow (start fixed at the partition start, no
        // exclusion) are accumulated incrementally.
        const bool growing = (opt & kStartUnboundedPreceding) && !exclude;
        // Frames that end at the partition end only shrink from the front:
        // walked backwards they grow, for aggregates whose result does not
        // depend on input order (float sums do, in their last bits).
        const AggCall& ac = *call.agg;
        const uint32_t at_type = ac.arg ? ac.arg->type : 0;
        const bool order_free = ac.name == "count" || ac.name == "min" || ac.name == "max" ||
                                ac.name == "bool_and" || ac.name == "bool_or" ||
                                ((ac.name == "sum" || ac.name == "avg") &&
                                 at_type != oid::kFloat4 && at_type != oid::kFloat8);
        if (!growing && (opt & kEndUnboundedFollowing) && !exclude && order_free && !ac.distinct) {
          AggState running;
          size_t from = n;
          for (size_t i = n; i-- > 0;) {
            CheckCancel(ctx);
            size_t fs, fe;
            frame(i, &fs, &fe);
            for (; from > fs; from--) Accumulate(ac, running, at(from - 1), ctx);
            set(i, Finish(ac, running, ctx));
          }
          continue;
        }
        AggState running;
        size_t done = 0;
        for (size_t i = 0; i < n; i++) {
          CheckCancel(ctx);
          size_t fs, fe;
          frame(i, &fs, &fe);
          if (growing) {
            for (; done < fe; done++) Accumulate(*call.agg, running, at(done), ctx);
            set(i, Finish(*call.agg, running, ctx));
            continue;
          }
          AggState st;
          for (size_t j = fs; j < fe; j++) {
            if (!excluded(i, j)) Accumulate(*call.agg, st, at(j), ctx);
          }
          set(i, Finish(*call.agg, st, ctx));
        }
        continue;
      }
      for (size_t i = 0; i < n; i++) {
        CheckCancel(ctx);
        const Row& cur = at(i);
        const size_t g = group[i];
        if (name == "row_number") {
          set(i, Value::Int(oid::kInt8, static_cast<int64_t>(i + 1)));
        } else if (name == "rank") {
          set(i, Value::Int(oid::kInt8, static_cast<int64_t>(gstart[g] + 1)));
        } else if (name == "dense_rank") {
          set(i, Value::Int(oid::kInt8, static_cast<int64_t>(g + 1)));
        } else if (name == "percent_rank") {
          set(i, Value::Float(
                     oid::kFloat8,
                     n > 1 ? static_cast<double>(gstart[g]) / static_cast<double>(n - 1) : 0.0));
        } else if (name == "cume_dist") {
          set(i, Value::Float(oid::kFloat8, static_cast<double>(gend[g]) / static_cast<double>(n)));
        } else if (name == "ntile") {
          const Value k = Eval(*call.args[0], cur, ctx);
          if (k.null) {
            set(i, Value::Null(oid::kInt4));
            continue;
          }
          if (k.i <= 0) throw PgError("22014", "argument of ntile must be greater than zero");
          const size_t buckets = static_cast<size_t>(k.i);
          const size_t per = n / buckets, extra = n % buckets;
          // The first `extra` buckets hold one more row.
          const size_t big = extra * (per + 1);
          const size_t b = i < big ? i / (per + 1) : extra + (per == 0 ? 0 : (i - big) / per);
          set(i, Value::Int(oid::kInt4, static_cast<int64_t>(b + 1)));
        } else if (name == "lag" || name == "lead") {
          int64_t off = 1;
          if (call.args.size() > 1) {
            const Value o = Eval(*call.args[1], cur, ctx);
            if (o.null) {
              set(i, Value::Null(call.result_type));
              continue;
            }
            off = o.i;
          }
          const int64_t target = static_cast<int64_t>(i) + (name == "lag" ? -off : off);
          if (target >= 0 && target < static_cast<int64_t>(n)) {
            set(i, Eval(*call.args[0], at(static_cast<size_t>(target)), ctx));
          } else {
            set(i, call.args.size() > 2 ? Eval(*call.args[2], cur, ctx)
                                        : Value::Null(call.result_type));
          }
        } else {  // first_value, last_value, nth_value over the frame
          size_t fs, fe;
          frame(i, &fs, &fe);
          // Frame positions in order, skipping excluded ones (without
          // exclusion: fs, fs + 1, ... directly).
          std::vector<size_t> in;
          if (exclude) {
            for (size_t j = fs; j < fe; j++) {
              if (!excluded(i, j)) in.push_back(j);
            }
          }
          const size_t count = exclude ? in.size() : fe - fs;
          auto nth_pos = [&](size_t k) { return exclude ? in[k] : fs + k; };
          size_t pick = SIZE_MAX;
          if (name == "first_value") {
            if (count > 0) pick = nth_pos(0);
          } else if (name == "last_value") {
            if (count > 0) pick = nth_pos(count - 1);
          } else {
            const Value nth = Eval(*call.args[1], cur, ctx);
            if (nth.null) {
              set(i, Value::Null(call.result_type));
              continue;
            }
            if (nth.i <= 0)
              throw PgError("22016", "argument of nth_value must be greater than zero");
            if (static_cast<size_t>(nth.i) <= count) pick = nth_pos(static_cast<size_t>(nth.i) - 1);
          }
          set(i, pick == SIZE_MAX ? Value::Null(call.result_type)
                                  : Eval(*call.args[0], at(pick), ctx));
        }
      }
    }
    p0 = p1;
  }
}

}  // namespace immu::sql
