// Set-returning functions (see srf.h). generate_series over numeric and
// timestamps steps with the engine's own + operator and value order, so
// the values match the scalar arithmetic exactly.

#include "sql/srf.h"

#include <re2/re2.h>

#include <functional>

#include "catalog/pg_error.h"
#include "sql/binder.h"
#include "sql/extensions.h"
#include "sql/functions.h"
#include "sql/numeric.h"
#include "sql/range.h"
#include "sql/system_srf.h"

namespace immu::sql {

namespace {

bool IsTimestampLike(uint32_t t) { return t == oid::kTimestamp || t == oid::kTimestampTz || t == oid::kDate; }

[[noreturn]] void NoSuchFunction(const std::string& name, const std::vector<std::unique_ptr<Expr>>& args) {
  std::string sig;
  for (size_t i = 0; i < args.size(); i++) sig += (i ? ", " : "") + FormatType(args[i]->type, -1);
  throw PgError(sqlstate::kUndefinedFunction, "function " + name + "(" + sig + ") does not exist",
                "", "No function matches the given name and argument types. You might need to add explicit type casts.");
}

uint32_t BindGenerateSeries(const std::string& name, std::vector<std::unique_ptr<Expr>>* args, Binder& binder) {
  auto& a = *args;
  if (a.size() != 2 && a.size() != 3) NoSuchFunction(name, a);
  uint32_t t = 0;
  if (IsTimestampLike(a[0]->type) || IsTimestampLike(a[1]->type) || (a.size() == 3 && a[2]->type == oid::kInterval)) {
    if (a.size() != 3 || (a[2]->type != oid::kInterval && a[2]->type != oid::kUnknown)) NoSuchFunction(name, a);
    for (int i = 0; i < 2; i++) {
      const uint32_t at = a[static_cast<size_t>(i)]->type;
      if (at == oid::kTimestampTz || at == oid::kDate) t = oid::kTimestampTz;
      else if (at == oid::kTimestamp && t == 0) t = oid::kTimestamp;
      else if (at != oid::kUnknown && !IsTimestampLike(at)) NoSuchFunction(name, a);
    }
    if (t == 0) t = oid::kTimestampTz;  // unknown literals: the preferred type of the category
    a[0] = binder.Coerce(std::move(a[0]), t, -1, false);
    a[1] = binder.Coerce(std::move(a[1]), t, -1, false);
    a[2] = binder.Coerce(std::move(a[2]), oid::kInterval, -1, false);
    return t;
  }
  t = oid::kInt4;
  for (auto& e : a) {
    if (e->type == oid::kNumeric) t = oid::kNumeric;
    else if (e->type == oid::kInt8 && t != oid::kNumeric) t = oid::kInt8;
    else if (e->type != oid::kInt4 && e->type != oid::kInt2 && e->type != oid::kInt8 && e->type != oid::kUnknown) {
      NoSuchFunction(name, a);
    }
  }
  for (auto& e : a) e = binder.Coerce(std::move(e), t, -1, false);
  return t;
}

std::vector<Value> IntegerSeries(const std::vector<Value>& argv, uint32_t t, EvalContext& ctx) {
  std::vector<Value> out;
  const int64_t step = argv.size() > 2 ? argv[2].i : 1;
  if (step == 0) throw PgError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
  for (int64_t x = argv[0].i; step > 0 ? x <= argv[1].i : x >= argv[1].i;) {
    CheckCancel(ctx);
    out.push_back(Value::Int(t, x));
    if (__builtin_add_overflow(x, step, &x)) break;
  }
  return out;
}

// Numeric and timestamp series: start + k * step while not past stop.
std::vector<Value> SteppedSeries(const std::vector<Value>& argv, uint32_t t, EvalContext& ctx) {
  Value step = argv.size() > 2 ? argv[2] : CastValue(Value::Int(oid::kInt4, 1), t, -1, ctx.vc);
  Value zero = step.type == oid::kInterval ? Value::Iv(Interval{}) : CastValue(Value::Int(oid::kInt4, 0), t, -1, ctx.vc);
  if (t == oid::kNumeric) {
    static constexpr const char* kWhat[] = {"start value", "stop value", "step size"};
    for (size_t i = 0; i < 3; i++) {
      const Value& v = i < argv.size() ? argv[i] : step;
      if (v.num->is_nan()) throw PgError(sqlstate::kInvalidParameterValue, std::string(kWhat[i]) + " cannot be NaN");
      if (v.num->is_infinite()) throw PgError(sqlstate::kInvalidParameterValue, std::string(kWhat[i]) + " cannot be infinity");
    }
  }
  const int sign = CompareValues(step, zero);
  if (sign == 0) throw PgError(sqlstate::kInvalidParameterValue, "step size cannot equal zero");
  const ResolvedFn plus = ResolveOperator("+", t, step.type);
  std::vector<Value> out;
  Value x = argv[0];
  Value args[2];
  while (sign > 0 ? CompareValues(x, argv[1]) <= 0 : CompareValues(x, argv[1]) >= 0) {
    CheckCancel(ctx);
    out.push_back(x);
    args[0] = std::move(x);
    args[1] = step;
    x = plus.fn(std::span<const Value>(args, 2), ctx);
  }
  return out;
}

// regexp_matches / regexp_split_to_table: the matches of pattern in s as
// byte ranges, PostgreSQL's way: with 'g' every match, the search resuming
// at the match's end (one character further after an empty one); split
// ignores empty matches at the end of s or right after the previous match.
struct RegexMatches {
  std::vector<std::vector<re2::StringPiece>> groups;  // [0]: the whole match
};

RegexMatches FindMatches(const std::string& s, const std::string& pattern, const std::string& flags, bool split) {
  bool global = false, icase = false;
  for (char f : flags) {
    if (f == 'g') global = true;
    else if (f == 'i') icase = true;
    else if (f == 'c') icase = false;
    else throw PgError(sqlstate::kInvalidParameterValue, std::string("invalid regular expression option: \"") + f + "\"");
  }
  if (split) global = true;
  const re2::RE2& re = CompiledRegex(pattern, icase);
  const int n = re.NumberOfCapturingGroups() + 1;
  RegexMatches out;
  std::vector<re2::StringPiece> m(static_cast<size_t>(n));
  size_t start = 0, prev_end = 0;
  while (start <= s.size() && re.Match(s, start, s.size(), re2::RE2::UNANCHORED, m.data(), n)) {
    const size_t so = static_cast<size_t>(m[0].data() - s.data()), eo = so + m[0].size();
    if (!split || (so < s.size() && eo > prev_end)) {
      out.groups.push_back(m);
      prev_end = eo;
    }
    if (!global) break;
    start = eo;
    if (so == eo) {  // step over one UTF-8 character
      start++;
      while (start < s.size() && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) start++;
    }
  }
  return out;
}

std::vector<Value> RegexpMatches(const std::vector<Value>& argv) {
  const std::string& s = argv[0].s;
  RegexMatches found = FindMatches(s, argv[1].s, argv.size() > 2 ? argv[2].s : "", false);
  std::vector<Value> out;
  for (const auto& g : found.groups) {
    ValueArray elems;
    for (size_t i = g.size() > 1 ? 1 : 0; i < g.size(); i++) {
      elems.push_back(g[i].data() == nullptr ? Value::Null(oid::kText) : Value::Str(oid::kText, std::string(g[i])));
    }
    out.push_back(Value::Array(ArrayTypeOf(oid::kText), std::move(elems)));
  }
  return out;
}

std::vector<Value> RegexpSplit(const std::vector<Value>& argv) {
  const std::string& s = argv[0].s;
  RegexMatches found = FindMatches(s, argv[1].s, argv.size() > 2 ? argv[2].s : "", true);
  std::vector<Value> out;
  size_t begin = 0;
  for (const auto& g : found.groups) {
    const size_t so = static_cast<size_t>(g[0].data() - s.data());
    out.push_back(Value::Str(oid::kText, s.substr(begin, so - begin)));
    begin = so + g[0].size();
  }
  out.push_back(Value::Str(oid::kText, s.substr(begin)));
  return out;
}

}  // namespace

bool IsSetReturningName(std::string_view name) {
  return name == "generate_series" || name == "generate_subscripts" || name == "unnest" || name == "regexp_matches" ||
         name == "regexp_split_to_table" || name == "string_to_table" || IsExtensionSrfName(name) ||
         name == "_pg_expandarray";
}

uint32_t BindSrfArgs(const std::string& name, std::vector<std::unique_ptr<Expr>>* args, Binder& binder) {
  auto& a = *args;
  if (name == "generate_series") return BindGenerateSeries(name, args, binder);
  if (IsExtensionSrfName(name)) return BindExtensionSrf(name, args, binder);
  if (name == "unnest") {
    if (a.size() != 1) NoSuchFunction(name, a);
    // An array's elements, or a multirange's ranges (both held in arr).
    const uint32_t elem = ArrayElementType(a[0]->type) != 0 ? ArrayElementType(a[0]->type)
                                                             : MultirangeRangeType(a[0]->type);
    if (elem == 0) NoSuchFunction(name, a);
    return elem;
  }
  if (name == "regexp_matches" || name == "regexp_split_to_table" || name == "string_to_table") {
    if (a.size() != 2 && a.size() != 3) NoSuchFunction(name, a);
    for (auto& e : a) {
      if (!IsStringCategory(e->type)) NoSuchFunction(name, a);
      e = binder.Coerce(std::move(e), oid::kText, -1, false);
    }
    return name == "regexp_matches" ? ArrayTypeOf(oid::kText) : oid::kText;
  }
  if (name == "_pg_expandarray") {
    if (a.size() != 1 || ArrayElementType(a[0]->type) == 0) NoSuchFunction(name, a);
    return ExpandArrayRowType(ArrayElementType(a[0]->type));
  }
  if (name == "generate_subscripts") {
    if ((a.size() != 2 && a.size() != 3) || ArrayElementType(a[0]->type) == 0) NoSuchFunction(name, a);
    a[1] = binder.Coerce(std::move(a[1]), oid::kInt4, -1, false);
    if (a.size() == 3) a[2] = binder.Coerce(std::move(a[2]), oid::kBool, -1, false);
    return oid::kInt4;
  }
  NoSuchFunction(name, a);
}

std::vector<Value> RunSrf(const std::string& name, const std::vector<Value>& argv, uint32_t result_type,
                          EvalContext& ctx) {
  if (name.empty()) return {argv[0]};  // a scalar function's value in ROWS FROM
  if (name == "string_to_table") {  // string_to_array's elements (NULL delimiter: characters)
    const std::vector<uint32_t> types(argv.size(), oid::kText);
    const Value arr = ResolveFunction("string_to_array", types).fn(argv, ctx);
    if (arr.null) return {};
    return std::vector<Value>(arr.arr->begin(), arr.arr->end());
  }
  for (const auto& v : argv) {
    if (v.null) return {};  // all of them are strict
  }
  if (name == "unnest") return std::vector<Value>(argv[0].arr->begin(), argv[0].arr->end());
  if (IsExtensionSrfName(name)) return RunExtensionSrf(name, argv);
  if (name == "_pg_expandarray") return ExpandArrayRows(argv[0]);
  if (name == "regexp_matches") return RegexpMatches(argv);
  if (name == "regexp_split_to_table") return RegexpSplit(argv);
  if (name == "generate_subscripts") {
    // One-dimensional arrays only: dimension 1 has subscripts lower..upper
    // (int2vector and oidvector start at 0); other dimensions none.
    std::vector<Value> out;
    if (argv[1].i != 1) return out;
    const int64_t lower = argv[0].type == oid::kInt2Vector || argv[0].type == oid::kOidVector ? 0 : 1;
    const int64_t n = static_cast<int64_t>(argv[0].arr->size());
    const bool reverse = argv.size() > 2 && argv[2].boolean();
    for (int64_t k = 0; k < n; k++) out.push_back(Value::Int(oid::kInt4, reverse ? lower + n - 1 - k : lower + k));
    return out;
  }
  if (result_type == oid::kInt4 || result_type == oid::kInt8) return IntegerSeries(argv, result_type, ctx);
  return SteppedSeries(argv, result_type, ctx);
}

void ExpandSrfRow(const std::vector<SrfCall>& calls, const Row& row, EvalContext& ctx, std::vector<Row>* out) {
  std::vector<std::vector<Value>> sets;
  size_t n = 0;
  for (const auto& c : calls) {
    std::vector<Value> argv;
    for (const auto& a : c.args) argv.push_back(Eval(*a, row, ctx));
    sets.push_back(RunSrf(c.name, argv, c.result_type, ctx));
    n = std::max(n, sets.back().size());
  }
  for (size_t i = 0; i < n; i++) {
    Row r = row;
    for (size_t k = 0; k < calls.size(); k++) {
      r.push_back(i < sets[k].size() ? sets[k][i] : Value::Null(calls[k].result_type));
    }
    out->push_back(std::move(r));
  }
}

std::unique_ptr<Expr> Binder::BindSrfCall(const PgQuery__FuncCall* f, const std::string& name, const Scope& scope) {
  auto fail = [&](const std::string& message) {
    PgError e(sqlstate::kFeatureNotSupported, message);
    e.set_position(f->location + 1);
    throw e;
  };
  if (srfs == nullptr) {
    const std::string clause = no_srf_clause != nullptr ? no_srf_clause : no_agg_clause;
    if (clause == "aggregate function calls" || clause == "window function calls") {
      fail(clause + " cannot contain set-returning function calls");
    }
    fail("set-returning functions are not allowed in " + clause);
  }
  // Calls nested in the arguments are collected first (lower slots) and
  // run a level below this one.
  SrfCall call;
  call.name = name;
  for (size_t i = 0; i < f->n_args; i++) call.args.push_back(Bind(f->args[i], scope));
  std::function<void(const Expr&)> nested = [&](const Expr& x) {
    if (x.kind == Expr::Kind::kAggRef && x.index >= kSrfRefBase) {
      call.level = std::max(call.level, (*srfs)[static_cast<size_t>(x.index - kSrfRefBase)].level + 1);
    }
    for (const auto& a : x.args) nested(*a);
  };
  for (const auto& a : call.args) nested(*a);
  try {
    call.result_type = BindSrfArgs(name, &call.args, *this);
  } catch (PgError& e) {
    if (e.position() == 0) e.set_position(f->location + 1);
    throw;
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kAggRef;
  e->index = kSrfRefBase + static_cast<int>(srfs->size());
  e->type = call.result_type;
  e->name = name;
  e->location = f->location;
  srfs->push_back(std::move(call));
  return e;
}

void ExpandSrfLevels(const std::vector<SrfCall>& calls, std::vector<Row>* rows, EvalContext& ctx) {
  int levels = 0;
  for (const auto& c : calls) levels = std::max(levels, c.level);
  if (rows->empty()) return;
  const size_t base = (*rows)[0].size();
  for (auto& r : *rows) {
    for (const auto& c : calls) r.push_back(Value::Null(c.result_type));
  }
  for (int level = 1; level <= levels; level++) {
    std::vector<Row> out;
    for (const Row& row : *rows) {
      CheckCancel(ctx);
      std::vector<std::vector<Value>> sets(calls.size());
      size_t n = 0;
      for (size_t k = 0; k < calls.size(); k++) {
        if (calls[k].level != level) continue;
        std::vector<Value> argv;
        for (const auto& a : calls[k].args) argv.push_back(Eval(*a, row, ctx));
        sets[k] = RunSrf(calls[k].name, argv, calls[k].result_type, ctx);
        n = std::max(n, sets[k].size());
      }
      for (size_t i = 0; i < n; i++) {
        Row r = row;
        for (size_t k = 0; k < calls.size(); k++) {
          if (calls[k].level == level) r[base + k] = i < sets[k].size() ? sets[k][i] : Value::Null(calls[k].result_type);
        }
        out.push_back(std::move(r));
      }
    }
    *rows = std::move(out);
  }
}

Value RegexpMatch(std::span<const Value> a, EvalContext&) {
  std::vector<Value> argv(a.begin(), a.end());
  if (argv.size() > 2 && argv[2].s.find('g') != std::string::npos) {
    throw PgError(sqlstate::kInvalidParameterValue, "regexp_match() does not support the \"global\" option",
                  "", "Use the regexp_matches function instead.");
  }
  std::vector<Value> rows = RegexpMatches(argv);
  return rows.empty() ? Value::Null(ArrayTypeOf(oid::kText)) : rows[0];
}

Value RegexpSplitToArray(std::span<const Value> a, EvalContext&) {
  return Value::Array(ArrayTypeOf(oid::kText), RegexpSplit(std::vector<Value>(a.begin(), a.end())));
}

void RebaseSrfRefs(Expr* e, int base) {
  if (e->kind == Expr::Kind::kAggRef && e->index >= kSrfRefBase) e->index = base + (e->index - kSrfRefBase);
  for (auto& a : e->args) RebaseSrfRefs(a.get(), base);
}

}  // namespace immu::sql
