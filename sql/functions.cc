#include "sql/functions.h"
#include "sql/array_functions.h"
#include "sql/fn_library.h"
#include "sql/fn_range.h"
#include "sql/immudb_functions.h"

#include <re2/re2.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <list>
#include <thread>
#include <unordered_map>

#include "catalog/pg_error.h"
#include "sql/enum_functions.h"
#include "sql/extensions.h"
#include "sql/record_expr.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

int NumRank(uint32_t t) {
  switch (t) {
    case oid::kInt2: return 1;
    case oid::kInt4: return 2;
    case oid::kInt8: return 3;
    case oid::kNumeric: return 4;
    case oid::kFloat4: return 5;
    case oid::kFloat8: return 6;
    default: return 0;
  }
}

[[noreturn]] void IntOverflow(uint32_t t) {
  throw PgError(sqlstate::kNumericValueOutOfRange,
                std::string(t == oid::kInt2 ? "smallint" : t == oid::kInt4 ? "integer" : "bigint") +
                    " out of range");
}

Value IntResult(uint32_t t, __int128 v) {
  if ((t == oid::kInt2 && (v < INT16_MIN || v > INT16_MAX)) ||
      (t == oid::kInt4 && (v < INT32_MIN || v > INT32_MAX)) ||
      (t == oid::kInt8 && (v < INT64_MIN || v > INT64_MAX))) {
    IntOverflow(t);
  }
  return Value::Int(t, static_cast<int64_t>(v));
}

[[noreturn]] void DivByZero() { throw PgError(sqlstate::kDivisionByZero, "division by zero"); }

Value FloatResult(uint32_t t, double v, bool inputs_finite) {
  if (std::isinf(v) && inputs_finite) throw PgError(sqlstate::kNumericValueOutOfRange, "value out of range: overflow");
  return Value::Float(t, t == oid::kFloat4 ? static_cast<float>(v) : v);
}

// ---- arithmetic --------------------------------------------------------------
Value IntAdd(std::span<const Value> a, EvalContext&) { return IntResult(a[0].type, __int128(a[0].i) + a[1].i); }
Value IntSub(std::span<const Value> a, EvalContext&) { return IntResult(a[0].type, __int128(a[0].i) - a[1].i); }
Value IntMul(std::span<const Value> a, EvalContext&) { return IntResult(a[0].type, __int128(a[0].i) * a[1].i); }
Value IntDiv(std::span<const Value> a, EvalContext&) {
  if (a[1].i == 0) DivByZero();
  return IntResult(a[0].type, __int128(a[0].i) / a[1].i);
}
Value IntMod(std::span<const Value> a, EvalContext&) {
  if (a[1].i == 0) DivByZero();
  if (a[1].i == -1) return Value::Int(a[0].type, 0);
  return Value::Int(a[0].type, a[0].i % a[1].i);
}
Value IntNeg(std::span<const Value> a, EvalContext&) { return IntResult(a[0].type, -__int128(a[0].i)); }
Value Identity(std::span<const Value> a, EvalContext&) { return a[0]; }

bool Finite2(std::span<const Value> a) { return std::isfinite(a[0].f) && std::isfinite(a[1].f); }
Value FltAdd(std::span<const Value> a, EvalContext&) { return FloatResult(a[0].type, a[0].f + a[1].f, Finite2(a)); }
Value FltSub(std::span<const Value> a, EvalContext&) { return FloatResult(a[0].type, a[0].f - a[1].f, Finite2(a)); }
Value FltMul(std::span<const Value> a, EvalContext&) { return FloatResult(a[0].type, a[0].f * a[1].f, Finite2(a)); }
Value FltDiv(std::span<const Value> a, EvalContext&) {
  if (a[1].f == 0) DivByZero();
  return FloatResult(a[0].type, a[0].f / a[1].f, Finite2(a));
}
Value FltNeg(std::span<const Value> a, EvalContext&) { return Value::Float(a[0].type, -a[0].f); }
Value FltMod(std::span<const Value> a, EvalContext&) {
  if (a[1].f == 0) DivByZero();
  return Value::Float(a[0].type, std::fmod(a[0].f, a[1].f));
}

Value NumAdd(std::span<const Value> a, EvalContext&) { return Value::Num(Numeric::Add(*a[0].num, *a[1].num)); }
Value NumSub(std::span<const Value> a, EvalContext&) { return Value::Num(Numeric::Sub(*a[0].num, *a[1].num)); }
Value NumMul(std::span<const Value> a, EvalContext&) { return Value::Num(Numeric::Mul(*a[0].num, *a[1].num)); }
Value NumDiv(std::span<const Value> a, EvalContext&) { return Value::Num(Numeric::Div(*a[0].num, *a[1].num)); }
Value NumMod(std::span<const Value> a, EvalContext&) { return Value::Num(Numeric::Mod(*a[0].num, *a[1].num)); }
Value NumNeg(std::span<const Value> a, EvalContext&) { return Value::Num(a[0].num->Negate()); }

// ---- comparison ----------------------------------------------------------------
Value CmpEq(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareValues(a[0], a[1]) == 0); }
Value CmpNe(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareValues(a[0], a[1]) != 0); }
Value CmpLt(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareValues(a[0], a[1]) < 0); }
Value CmpLe(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareValues(a[0], a[1]) <= 0); }
Value CmpGt(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareValues(a[0], a[1]) > 0); }
Value CmpGe(std::span<const Value> a, EvalContext&) { return Value::Bool(CompareValues(a[0], a[1]) >= 0); }

// ---- strings -------------------------------------------------------------------
// anytextcat / textanycat: PostgreSQL's SQL functions `$1::text || $2`, so
// the non-text side goes through its explicit text cast (true || 'x' is
// 'truex', inet keeps its /32), not its output function.
Value Concat2(std::span<const Value> a, EvalContext& ctx) {
  std::string s = IsStringCategory(a[0].type) ? a[0].s : CastValue(a[0], oid::kText, -1, ctx.vc).s;
  s += IsStringCategory(a[1].type) ? a[1].s : CastValue(a[1], oid::kText, -1, ctx.vc).s;
  return Value::Str(oid::kText, std::move(s));
}
Value Like(std::span<const Value> a, EvalContext&) { return Value::Bool(LikeMatch(a[0].s, a[1].s, false)); }
Value NotLike(std::span<const Value> a, EvalContext&) { return Value::Bool(!LikeMatch(a[0].s, a[1].s, false)); }
Value ILike(std::span<const Value> a, EvalContext&) { return Value::Bool(LikeMatch(a[0].s, a[1].s, true)); }
Value NotILike(std::span<const Value> a, EvalContext&) { return Value::Bool(!LikeMatch(a[0].s, a[1].s, true)); }

}  // namespace

// POSIX regular expressions (~, ~*, !~, !~*) through RE2, whose syntax
// covers what clients send (psql's "^(name)$" patterns, anchors, classes).
// Compiled patterns are cached per thread, most recently used first.
const RE2& CompiledRegex(const std::string& pattern, bool case_insensitive) {
  struct Cache {
    std::list<std::pair<std::string, std::unique_ptr<RE2>>> lru;
    std::unordered_map<std::string, decltype(lru)::iterator> index;
  };
  thread_local Cache cache;
  const std::string key = std::string(case_insensitive ? "i" : "c") + pattern;
  if (auto it = cache.index.find(key); it != cache.index.end()) {
    cache.lru.splice(cache.lru.begin(), cache.lru, it->second);
    return *it->second->second;
  }
  RE2::Options o;
  o.set_case_sensitive(!case_insensitive);
  o.set_log_errors(false);
  auto re = std::make_unique<RE2>(pattern, o);
  if (!re->ok()) {
    throw PgError(sqlstate::kInvalidRegularExpression, "invalid regular expression: " + re->error());
  }
  cache.lru.emplace_front(key, std::move(re));
  cache.index[key] = cache.lru.begin();
  if (cache.lru.size() > 64) {
    cache.index.erase(cache.lru.back().first);
    cache.lru.pop_back();
  }
  return *cache.lru.front().second;
}

namespace {

Value RegexMatch(std::span<const Value> a, EvalContext&) {
  return Value::Bool(RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, false)));
}
Value RegexNotMatch(std::span<const Value> a, EvalContext&) {
  return Value::Bool(!RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, false)));
}
Value RegexIMatch(std::span<const Value> a, EvalContext&) {
  return Value::Bool(RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, true)));
}
Value RegexNotIMatch(std::span<const Value> a, EvalContext&) {
  return Value::Bool(!RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, true)));
}

// Array concatenation; NULL arrays act as empty (PostgreSQL's array_cat).
Value ArrayCat(std::span<const Value> a, EvalContext&) {
  if (a[0].null && a[1].null) return a[0];
  if (a[0].null) return a[1];
  if (a[1].null) return a[0];
  ValueArray v = *a[0].arr;
  v.insert(v.end(), a[1].arr->begin(), a[1].arr->end());
  return Value::Array(a[0].type, std::move(v));
}
Value ArrayAppend(std::span<const Value> a, EvalContext&) {
  ValueArray v;
  if (!a[0].null) v = *a[0].arr;
  v.push_back(a[1]);
  return Value::Array(a[0].type, std::move(v));
}
Value ArrayPrepend(std::span<const Value> a, EvalContext&) {
  ValueArray v = {a[0]};
  if (!a[1].null) v.insert(v.end(), a[1].arr->begin(), a[1].arr->end());
  return Value::Array(a[1].type, std::move(v));
}

size_t Utf8Chars(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}
Value Lower(std::span<const Value> a, EvalContext&) {
  std::string s = a[0].s;
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return Value::Str(oid::kText, std::move(s));
}
Value Upper(std::span<const Value> a, EvalContext&) {
  std::string s = a[0].s;
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return Value::Str(oid::kText, std::move(s));
}
Value Length(std::span<const Value> a, EvalContext&) {
  std::string_view s = a[0].s;
  if (a[0].type == oid::kBpchar) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  }
  return Value::Int(oid::kInt4, static_cast<int64_t>(a[0].type == oid::kBytea ? s.size() : Utf8Chars(s)));
}
Value OctetLength(std::span<const Value> a, EvalContext&) { return Value::Int(oid::kInt4, static_cast<int64_t>(a[0].s.size())); }
Value Concat(std::span<const Value> a, EvalContext& ctx) {
  std::string s;
  for (const auto& v : a) {
    if (!v.null) s += IsStringCategory(v.type) ? v.s : ToText(v, ctx.vc);
  }
  return Value::Str(oid::kText, std::move(s));
}
Value Replace(std::span<const Value> a, EvalContext&) {
  std::string s = a[0].s;
  const std::string& from = a[1].s;
  if (from.empty()) return Value::Str(oid::kText, s);
  std::string out;
  size_t pos = 0, hit;
  while ((hit = s.find(from, pos)) != std::string::npos) {
    out.append(s, pos, hit - pos);
    out += a[2].s;
    pos = hit + from.size();
  }
  out.append(s, pos);
  return Value::Str(oid::kText, std::move(out));
}
Value Btrim(std::span<const Value> a, EvalContext&) {
  const std::string chars = a.size() > 1 ? a[1].s : " ";
  const size_t b = a[0].s.find_first_not_of(chars);
  if (b == std::string::npos) return Value::Str(oid::kText, "");
  const size_t e = a[0].s.find_last_not_of(chars);
  return Value::Str(oid::kText, a[0].s.substr(b, e - b + 1));
}
Value Ltrim(std::span<const Value> a, EvalContext&) {
  const std::string chars = a.size() > 1 ? a[1].s : " ";
  const size_t b = a[0].s.find_first_not_of(chars);
  return Value::Str(oid::kText, b == std::string::npos ? "" : a[0].s.substr(b));
}
Value Rtrim(std::span<const Value> a, EvalContext&) {
  const std::string chars = a.size() > 1 ? a[1].s : " ";
  const size_t e = a[0].s.find_last_not_of(chars);
  return Value::Str(oid::kText, e == std::string::npos ? "" : a[0].s.substr(0, e + 1));
}
// Byte offset of character index i (0-based) in UTF-8 text.
size_t CharOffset(std::string_view s, int64_t i) {
  size_t n = 0;
  for (size_t b = 0; b < s.size(); b++) {
    if ((static_cast<unsigned char>(s[b]) & 0xC0) != 0x80) {
      if (static_cast<int64_t>(n) == i) return b;
      n++;
    }
  }
  return s.size();
}
Value Substr(std::span<const Value> a, EvalContext&) {
  const std::string& s = a[0].s;
  int64_t start = a[1].i;  // 1-based
  int64_t end = INT64_MAX;
  if (a.size() > 2) {
    if (a[2].i < 0) throw PgError("22011", "negative substring length not allowed");
    end = start + a[2].i;
  }
  start = std::max<int64_t>(start, 1);
  if (end <= start) return Value::Str(oid::kText, "");
  const size_t b = CharOffset(s, start - 1);
  const size_t e = end == INT64_MAX ? s.size() : CharOffset(s, end - 1);
  return Value::Str(oid::kText, s.substr(b, e > b ? e - b : 0));
}
Value Position(std::span<const Value> a, EvalContext&) {
  const size_t p = a[0].s.find(a[1].s);
  if (p == std::string::npos) return Value::Int(oid::kInt4, 0);
  return Value::Int(oid::kInt4, static_cast<int64_t>(Utf8Chars(std::string_view(a[0].s).substr(0, p)) + 1));
}
Value Repeat(std::span<const Value> a, EvalContext&) {
  // PostgreSQL's limit: the result must fit in 1 GB (MaxAllocSize).
  if (a[1].i > 0 && static_cast<__int128>(a[1].i) * a[0].s.size() >= (1 << 30) - 4) {
    throw PgError("54000", "requested length too large");
  }
  std::string out;
  for (int64_t i = 0; i < a[1].i; i++) out += a[0].s;
  return Value::Str(oid::kText, std::move(out));
}
Value Left(std::span<const Value> a, EvalContext&) {
  const int64_t n = a[1].i, len = static_cast<int64_t>(Utf8Chars(a[0].s));
  const int64_t keep = n >= 0 ? std::min(n, len) : std::max<int64_t>(0, len + n);
  return Value::Str(oid::kText, a[0].s.substr(0, CharOffset(a[0].s, keep)));
}
Value Right(std::span<const Value> a, EvalContext&) {
  const int64_t n = a[1].i, len = static_cast<int64_t>(Utf8Chars(a[0].s));
  const int64_t keep = n >= 0 ? std::min(n, len) : std::max<int64_t>(0, len + n);
  return Value::Str(oid::kText, a[0].s.substr(CharOffset(a[0].s, len - keep)));
}

// ---- math ----------------------------------------------------------------------
Value AbsFn(std::span<const Value> a, EvalContext&) {
  switch (a[0].type) {
    case oid::kNumeric: return Value::Num(a[0].num->Abs());
    case oid::kFloat4:
    case oid::kFloat8: return Value::Float(a[0].type, std::fabs(a[0].f));
    default: return IntResult(a[0].type, a[0].i < 0 ? -__int128(a[0].i) : __int128(a[0].i));
  }
}
// pg_sleep(seconds): sleeps in short slices so that a CancelRequest (or a
// second shutdown request) stops it with 57014 within ~10 ms.
Value PgSleep(std::span<const Value> a, EvalContext& ctx) {
  if (std::isnan(a[0].f)) throw PgError(sqlstate::kInvalidParameterValue, "sleep time must be a number");
  using Clock = std::chrono::steady_clock;
  const double seconds = std::min(a[0].f, 1e7);  // > 100 days: bounded, as good as forever
  const Clock::time_point end =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(std::max(seconds, 0.0)));
  for (;;) {
    CheckCancel(ctx);
    const Clock::time_point now = Clock::now();
    if (now >= end) break;
    std::this_thread::sleep_for(std::min<Clock::duration>(end - now, std::chrono::milliseconds(10)));
  }
  return Value::Str(oid::kVoid, "");
}

// ---- date/time -------------------------------------------------------------------
Value Now(std::span<const Value>, EvalContext& ctx) { return Value::Int(oid::kTimestampTz, ctx.vc.dt.now); }
Value TsPlusIv(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].type == oid::kTimestampTz) {
    return Value::Int(oid::kTimestampTz, TimestampTzPlusInterval(a[0].i, a[1].iv, ctx.vc.dt.session_zone));
  }
  return Value::Int(oid::kTimestamp, TimestampPlusInterval(a[0].i, a[1].iv));
}
Value TsMinusIv(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].type == oid::kTimestampTz) {
    return Value::Int(oid::kTimestampTz, TimestampTzMinusInterval(a[0].i, a[1].iv, ctx.vc.dt.session_zone));
  }
  return Value::Int(oid::kTimestamp, TimestampMinusInterval(a[0].i, a[1].iv));
}
Value TsMinusTs(std::span<const Value> a, EvalContext&) { return Value::Iv(TimestampMinus(a[0].i, a[1].i)); }
Value DatePlusInt(std::span<const Value> a, EvalContext&) {
  return Value::Int(oid::kDate, DatePlusDays(static_cast<DateAdt>(a[0].i), static_cast<int32_t>(a[1].i)));
}
Value DateMinusInt(std::span<const Value> a, EvalContext&) {
  return Value::Int(oid::kDate, DatePlusDays(static_cast<DateAdt>(a[0].i), -static_cast<int32_t>(a[1].i)));
}
Value DateMinusDateFn(std::span<const Value> a, EvalContext&) {
  return Value::Int(oid::kInt4, DateMinusDate(static_cast<DateAdt>(a[0].i), static_cast<DateAdt>(a[1].i)));
}
Value DatePlusIv(std::span<const Value> a, EvalContext&) {
  return Value::Int(oid::kTimestamp, TimestampPlusInterval(DateToTimestamp(static_cast<DateAdt>(a[0].i)), a[1].iv));
}
Value DateMinusIv(std::span<const Value> a, EvalContext&) {
  return Value::Int(oid::kTimestamp, TimestampMinusInterval(DateToTimestamp(static_cast<DateAdt>(a[0].i)), a[1].iv));
}
Value IvPlusIv(std::span<const Value> a, EvalContext&) { return Value::Iv(IntervalPlus(a[0].iv, a[1].iv)); }
Value IvMinusIv(std::span<const Value> a, EvalContext&) { return Value::Iv(IntervalMinus(a[0].iv, a[1].iv)); }
Value IvNeg(std::span<const Value> a, EvalContext&) { return Value::Iv(IntervalNegate(a[0].iv)); }
// interval * float8, float8 * interval, interval / float8 (22012 for 0).
Value IvMulF(std::span<const Value> a, EvalContext&) { return Value::Iv(IntervalMul(a[0].iv, a[1].f)); }
Value FMulIv(std::span<const Value> a, EvalContext&) { return Value::Iv(IntervalMul(a[1].iv, a[0].f)); }
Value IvDivF(std::span<const Value> a, EvalContext&) {
  if (a[1].f == 0) throw PgError(sqlstate::kDivisionByZero, "division by zero");
  return Value::Iv(IntervalDiv(a[0].iv, a[1].f));
}

// ---- session information ------------------------------------------------------------
Value Version(std::span<const Value>, EvalContext&) {
  return Value::Str(oid::kText,
                    "PostgreSQL 15.0 (immudb-cpp 0.1.0: immutable, verifiable storage) on "
                    "x86_64-pc-linux-gnu, compiled by g++, 64-bit");
}
Value CurrentDatabase(std::span<const Value>, EvalContext& ctx) { return Value::Str(oid::kName, ctx.database); }
Value CurrentUser(std::span<const Value>, EvalContext& ctx) { return Value::Str(oid::kName, ctx.user); }

struct Entry {
  const char* name;
  ScalarFn fn;
  uint32_t result;
  std::vector<uint32_t> args;  // 0 = any type, as given
  bool strict = true;
};

const std::vector<Entry>& Functions() {
  static const std::vector<Entry> kFns = {
      {"lower", Lower, oid::kText, {oid::kText}},
      {"upper", Upper, oid::kText, {oid::kText}},
      {"length", Length, oid::kInt4, {oid::kText}},
      {"char_length", Length, oid::kInt4, {oid::kText}},
      {"character_length", Length, oid::kInt4, {oid::kText}},
      {"octet_length", OctetLength, oid::kInt4, {oid::kText}},
      {"length", OctetLength, oid::kInt4, {oid::kBytea}},
      {"octet_length", OctetLength, oid::kInt4, {oid::kBytea}},
      {"replace", Replace, oid::kText, {oid::kText, oid::kText, oid::kText}},
      {"btrim", Btrim, oid::kText, {oid::kText}},
      {"btrim", Btrim, oid::kText, {oid::kText, oid::kText}},
      {"ltrim", Ltrim, oid::kText, {oid::kText}},
      {"ltrim", Ltrim, oid::kText, {oid::kText, oid::kText}},
      {"rtrim", Rtrim, oid::kText, {oid::kText}},
      {"rtrim", Rtrim, oid::kText, {oid::kText, oid::kText}},
      {"substr", Substr, oid::kText, {oid::kText, oid::kInt8}},
      {"substr", Substr, oid::kText, {oid::kText, oid::kInt8, oid::kInt8}},
      {"substring", Substr, oid::kText, {oid::kText, oid::kInt8}},
      {"substring", Substr, oid::kText, {oid::kText, oid::kInt8, oid::kInt8}},
      {"strpos", Position, oid::kInt4, {oid::kText, oid::kText}},
      {"repeat", Repeat, oid::kText, {oid::kText, oid::kInt8}},
      {"left", Left, oid::kText, {oid::kText, oid::kInt8}},
      {"right", Right, oid::kText, {oid::kText, oid::kInt8}},
      {"pg_sleep", PgSleep, oid::kVoid, {oid::kFloat8}},
      {"now", Now, oid::kTimestampTz, {}},
      {"transaction_timestamp", Now, oid::kTimestampTz, {}},
      {"statement_timestamp", Now, oid::kTimestampTz, {}},
      {"version", Version, oid::kText, {}},
      {"current_database", CurrentDatabase, oid::kName, {}},
      {"current_user", CurrentUser, oid::kName, {}},
      {"session_user", CurrentUser, oid::kName, {}},
  };
  return kFns;
}

}  // namespace

bool IsNumericCategory(uint32_t t) { return NumRank(t) > 0; }
bool IsStringCategory(uint32_t t) {
  return t == oid::kText || t == oid::kVarchar || t == oid::kBpchar || t == oid::kName ||
         t == oid::kUnknown || t == oid::kChar || (t >= kFirstUserOid && IsCitextType(t));
}

uint32_t CommonType(uint32_t a, uint32_t b, const char* context) {
  if (a == b) return a;  // unknown stays unknown: callers default it to text
  if (a == oid::kUnknown) return b;
  if (b == oid::kUnknown) return a;
  // oid, the reg* types and integers meet at oid (implicit casts in PostgreSQL).
  auto oidish = [](uint32_t t) { return t == oid::kOid || IsRegType(t); };
  if ((oidish(a) && (oidish(b) || IsNumericCategory(b))) || (oidish(b) && IsNumericCategory(a))) {
    if (!oidish(a) && (b == oid::kNumeric || NumRank(b) > 4)) return b;
    if (!oidish(b) && (a == oid::kNumeric || NumRank(a) > 4)) return a;
    return oid::kOid;
  }
  if (IsNumericCategory(a) && IsNumericCategory(b)) return NumRank(a) > NumRank(b) ? a : b;
  if (IsStringCategory(a) && IsStringCategory(b)) {
    if (a == oid::kBpchar && b == oid::kBpchar) return oid::kBpchar;
    return (a == oid::kVarchar && b == oid::kVarchar) ? oid::kVarchar : oid::kText;
  }
  auto is_ts = [](uint32_t t) { return t == oid::kDate || t == oid::kTimestamp || t == oid::kTimestampTz; };
  if (is_ts(a) && is_ts(b)) {
    if (a == oid::kTimestampTz || b == oid::kTimestampTz) return oid::kTimestampTz;
    return oid::kTimestamp;
  }
  if ((a == oid::kJson || a == oid::kJsonb) && (b == oid::kJson || b == oid::kJsonb)) return oid::kJsonb;
  // cidr -> inet and time -> timetz are implicit casts in PostgreSQL.
  if ((a == oid::kInet || a == oid::kCidr) && (b == oid::kInet || b == oid::kCidr)) return oid::kInet;
  if ((a == oid::kTime || a == oid::kTimeTz) && (b == oid::kTime || b == oid::kTimeTz)) return oid::kTimeTz;
  // A row constructor meets a composite type as that type.
  if (a == oid::kRecord && IsCompositeType(b)) return b;
  if (b == oid::kRecord && IsCompositeType(a)) return a;
  throw PgError(sqlstate::kDatatypeMismatch,
                std::string(context) + " types " + FormatType(a, -1) + " and " + FormatType(b, -1) +
                    " cannot be matched");
}

ResolvedFn ResolveOperator(std::string_view op, uint32_t left, uint32_t right) {
  auto fail = [&]() -> ResolvedFn {
    std::string msg = "operator does not exist: ";
    if (left != 0) msg += FormatType(left, -1) + " ";
    msg += std::string(op) + " " + FormatType(right, -1);
    PgError e(sqlstate::kUndefinedFunction, msg, "",
              "No operator matches the given name and argument types. You might need to add explicit type casts.");
    throw e;
  };
  if (ResolvedFn arr; left != 0 && ResolveArrayOperator(op, left, right, &arr)) return arr;
  if (ResolvedFn rng; ResolveRangeOperator(op, left, right, &rng)) return rng;
  if (ResolvedFn net; ResolveNetworkOperator(op, left, right, &net)) return net;
  if (ResolvedFn ttz; ResolveTimeTzOperator(op, left, right, &ttz)) return ttz;
  if (ResolvedFn row; ResolveRowComparison(op, left, right, &row)) return row;
  if (ResolvedFn ext; ResolveExtensionOperator(op, left, right, &ext)) return ext;
  if (left == 0) {  // prefix
    uint32_t t = right == oid::kUnknown ? oid::kNumeric : right;
    if (op == "-") {
      if (t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8) return {IntNeg, t, {t}};
      if (t == oid::kFloat4 || t == oid::kFloat8) return {FltNeg, t, {t}};
      if (t == oid::kNumeric) return {NumNeg, t, {t}};
      if (t == oid::kInterval) return {IvNeg, t, {t}};
    }
    if (op == "+" && IsNumericCategory(t)) return {Identity, t, {t}};
    if (ResolvedFn bits; ResolveBitwiseOperator(op, 0, right, &bits)) return bits;
    return fail();
  }
  if (ResolvedFn json; ResolveJsonOperator(op, left, right, &json)) return json;
  if (ResolvedFn bits; ResolveBitwiseOperator(op, left, right, &bits)) return bits;
  const bool cmp = op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  if (cmp) {
    // unknown vs unknown compares as text; otherwise the common type.
    const uint32_t t = CommonType(left, right, "operator");
    ScalarFn f = op == "=" ? CmpEq : (op == "<>" || op == "!=") ? CmpNe : op == "<" ? CmpLt
               : op == "<=" ? CmpLe : op == ">" ? CmpGt : CmpGe;
    // Numbers compare across their own types without coercion (exactly).
    if (IsNumericCategory(left) && IsNumericCategory(right)) return {f, oid::kBool, {0, 0}};
    return {f, oid::kBool, {t, t}};
  }
  if (op == "||" && (ArrayElementType(left) != 0 || ArrayElementType(right) != 0)) {
    // Array concatenation: array || array, array || element, element || array.
    const uint32_t at = ArrayElementType(left) != 0 ? left : right;
    const uint32_t elem = ArrayElementType(at);
    if (ArrayElementType(left) != 0 && (right == at || right == oid::kUnknown)) return {ArrayCat, at, {at, at}, false};
    if (ArrayElementType(right) != 0 && (left == at || left == oid::kUnknown)) return {ArrayCat, at, {at, at}, false};
    if (ArrayElementType(left) != 0) return {ArrayAppend, at, {at, elem}, false};
    return {ArrayPrepend, at, {elem, at}, false};
  }
  if (op == "||") {
    if (IsStringCategory(left) || IsStringCategory(right)) {
      return {Concat2, oid::kText, {IsStringCategory(left) ? oid::kText : 0u, IsStringCategory(right) ? oid::kText : 0u}};
    }
    return fail();
  }
  if (op == "~" || op == "!~" || op == "~*" || op == "!~*") {
    if (!IsStringCategory(left) || !IsStringCategory(right)) return fail();
    ScalarFn f = op == "~" ? RegexMatch : op == "!~" ? RegexNotMatch : op == "~*" ? RegexIMatch : RegexNotIMatch;
    return {f, oid::kBool, {oid::kText, oid::kText}};
  }
  if (op == "~~" || op == "!~~" || op == "~~*" || op == "!~~*") {
    if (!IsStringCategory(left) || !IsStringCategory(right)) return fail();
    ScalarFn f = op == "~~" ? Like : op == "!~~" ? NotLike : op == "~~*" ? ILike : NotILike;
    return {f, oid::kBool, {oid::kText, oid::kText}};
  }
  // Date/time arithmetic.
  const uint32_t l = left, r = right;
  auto is_ts = [](uint32_t t) { return t == oid::kTimestamp || t == oid::kTimestampTz; };
  if (op == "+" || op == "-") {
    if (is_ts(l) && (r == oid::kInterval || r == oid::kUnknown)) return {op == "+" ? TsPlusIv : TsMinusIv, l, {l, oid::kInterval}};
    if (op == "+" && l == oid::kInterval && is_ts(r)) return {TsPlusIv, r, {r, oid::kInterval}};
    if (op == "-" && is_ts(l) && is_ts(r)) {
      const uint32_t t = CommonType(l, r, "operator");
      return {TsMinusTs, oid::kInterval, {t, t}};
    }
    if (l == oid::kDate && (r == oid::kInt4 || r == oid::kInt2 || r == oid::kInt8)) {
      return {op == "+" ? DatePlusInt : DateMinusInt, oid::kDate, {oid::kDate, oid::kInt4}};
    }
    if (l == oid::kDate && r == oid::kInterval) return {op == "+" ? DatePlusIv : DateMinusIv, oid::kTimestamp, {oid::kDate, oid::kInterval}};
    if (op == "-" && l == oid::kDate && (r == oid::kDate || r == oid::kUnknown)) return {DateMinusDateFn, oid::kInt4, {oid::kDate, oid::kDate}};
    if (l == oid::kInterval && (r == oid::kInterval || r == oid::kUnknown)) {
      return {op == "+" ? IvPlusIv : IvMinusIv, oid::kInterval, {oid::kInterval, oid::kInterval}};
    }
    if (l == oid::kDate && r == oid::kUnknown) return {op == "+" ? DatePlusInt : DateMinusInt, oid::kDate, {oid::kDate, oid::kInt4}};
  }
  // interval * number, number * interval, interval / number (float8, as
  // PostgreSQL's interval_mul / interval_div).
  auto num_or_unknown = [](uint32_t t) { return IsNumericCategory(t) || t == oid::kUnknown; };
  if (op == "*" && l == oid::kInterval && num_or_unknown(r)) return {IvMulF, oid::kInterval, {oid::kInterval, oid::kFloat8}};
  if (op == "*" && num_or_unknown(l) && r == oid::kInterval) return {FMulIv, oid::kInterval, {oid::kFloat8, oid::kInterval}};
  if (op == "/" && l == oid::kInterval && num_or_unknown(r)) return {IvDivF, oid::kInterval, {oid::kInterval, oid::kFloat8}};
  // Arithmetic on numbers (unknown literals become the other side's type,
  // or numeric when both are unknown).
  uint32_t lt = l == oid::kUnknown ? (r == oid::kUnknown || !IsNumericCategory(r) ? oid::kNumeric : r) : l;
  uint32_t rt = r == oid::kUnknown ? lt : r;
  if (!IsNumericCategory(lt) || !IsNumericCategory(rt)) return fail();
  uint32_t t = NumRank(lt) >= NumRank(rt) ? lt : rt;
  // float4 with numeric/int8 widens to float8 as in PostgreSQL.
  if (t == oid::kFloat4 && (lt != rt)) t = oid::kFloat8;
  const bool is_int = t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8;
  const bool is_flt = t == oid::kFloat4 || t == oid::kFloat8;
  ScalarFn f = nullptr;
  if (op == "+") f = is_int ? IntAdd : is_flt ? FltAdd : NumAdd;
  else if (op == "-") f = is_int ? IntSub : is_flt ? FltSub : NumSub;
  else if (op == "*") f = is_int ? IntMul : is_flt ? FltMul : NumMul;
  else if (op == "/") f = is_int ? IntDiv : is_flt ? FltDiv : NumDiv;
  else if (op == "%") f = is_int ? IntMod : is_flt ? FltMod : NumMod;
  else if (op == "^") {  // power(), float8 or numeric (sql/fn_math.cc)
    const uint32_t pt[2] = {t, t};
    return ResolveFunction("power", pt);
  }
  if (f == nullptr) return fail();
  return {f, t, {t, t}};
}

ResolvedFn ResolveFunction(std::string_view name, std::span<const uint32_t> arg_types) {
  ResolvedFn sys;
  // Extensions first: citext's overloads (strpos, replace, regexp_*) take
  // precedence over the text ones for citext arguments.
  if (ResolveExtensionFunction(name, arg_types, &sys)) return sys;
  if (ResolveRangeFunction(name, arg_types, &sys)) return sys;
  if (ResolveNetworkFunction(name, arg_types, &sys)) return sys;
  if (ResolveTimeTzFunction(name, arg_types, &sys)) return sys;
  if (ResolveSystemFunction(name, arg_types, &sys)) return sys;
  if (ResolveImmudbFunction(name, arg_types, &sys)) return sys;
  if (ResolveJsonFunction(name, arg_types, &sys)) return sys;
  if (ResolveArrayFunction(name, arg_types, &sys)) return sys;
  if (ResolveMathFunction(name, arg_types, &sys)) return sys;
  if (ResolveStringFunction(name, arg_types, &sys)) return sys;
  if (ResolveRegexFunction(name, arg_types, &sys)) return sys;
  if (ResolveFormatFunction(name, arg_types, &sys)) return sys;
  if (ResolveDateTimeFunction(name, arg_types, &sys)) return sys;
  if (ResolveNumberFormatFunction(name, arg_types, &sys)) return sys;
  if (ResolveBytesFunction(name, arg_types, &sys)) return sys;
  if (ResolveEnumFunction(name, arg_types, &sys)) return sys;
  // Type-generic functions first.
  if (name == "abs" && arg_types.size() == 1) {
    const uint32_t t = arg_types[0] == oid::kUnknown ? oid::kFloat8 : arg_types[0];
    if (IsNumericCategory(t)) return {AbsFn, t, {t}};
  }
  if (name == "concat") {
    return {Concat, oid::kText, std::vector<uint32_t>(arg_types.size(), 0), false};
  }
  if (name == "position" && arg_types.size() == 2) return {Position, oid::kInt4, {oid::kText, oid::kText}};
  for (const auto& e : Functions()) {
    if (name != e.name || e.args.size() != arg_types.size()) continue;
    bool ok = true;
    for (size_t i = 0; i < arg_types.size() && ok; i++) {
      const uint32_t want = e.args[i], got = arg_types[i];
      ok = want == 0 || got == want || got == oid::kUnknown ||
           (IsStringCategory(want) && IsStringCategory(got)) ||
           (IsNumericCategory(want) && IsNumericCategory(got) && (NumRank(got) <= NumRank(want) || want == oid::kInt8 || want == oid::kInt4));
    }
    if (ok) return {e.fn, e.result, e.args, e.strict};
  }
  std::string sig = std::string(name) + "(";
  for (size_t i = 0; i < arg_types.size(); i++) sig += (i ? ", " : "") + FormatType(arg_types[i], -1);
  throw PgError(sqlstate::kUndefinedFunction, "function " + sig + ") does not exist", "",
                "No function matches the given name and argument types. You might need to add explicit type casts.");
}

bool LikeMatch(std::string_view text, std::string_view pattern, bool ci) {
  auto eq = [ci](char a, char b) {
    return ci ? std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b)) : a == b;
  };
  // Iterative matcher with backtracking to the last '%'.
  size_t t = 0, p = 0, star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = ++p;
      star_t = t;
      continue;
    }
    if (p < pattern.size()) {
      char pc = pattern[p];
      bool escaped = false;
      if (pc == '\\' && p + 1 < pattern.size()) {
        pc = pattern[p + 1];
        escaped = true;
      }
      if ((!escaped && pc == '_') || eq(pc, text[t])) {
        // '_' matches one whole UTF-8 character.
        size_t step = 1;
        if (!escaped && pc == '_') {
          while (t + step < text.size() && (static_cast<unsigned char>(text[t + step]) & 0xC0) == 0x80) step++;
        }
        t += step;
        p += escaped ? 2 : 1;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pattern.size() && pattern[p] == '%') p++;
  return p == pattern.size();
}

}  // namespace immu::sql
