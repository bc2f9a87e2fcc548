// format(formatstr, VARIADIC "any") of PostgreSQL 15 (varlena.c's
// text_format): %s, %I, %L and %%, with n$ argument positions, the '-'
// flag and widths (direct, * and *n$), and PostgreSQL's error texts.

#include "catalog/pg_error.h"
#include "sql/fn_library.h"
#include "sql/system_internal.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

[[noreturn]] void Fail(const std::string& msg, const std::string& hint = {}) {
  throw PgError(sqlstate::kInvalidParameterValue, msg, "", hint);
}
[[noreturn]] void Unterminated() { Fail("unterminated format() type specifier", "For a single \"%\" use \"%%\"."); }

// Reads digits at *p; false when there are none. 22003 when they overflow int.
bool Digits(std::string_view f, size_t* p, int64_t* n) {
  if (*p >= f.size() || f[*p] < '0' || f[*p] > '9') return false;
  *n = 0;
  while (*p < f.size() && f[*p] >= '0' && f[*p] <= '9') {
    *n = *n * 10 + (f[*p] - '0');
    if (*n > INT32_MAX) throw PgError(sqlstate::kNumericValueOutOfRange, "number is out of range");
    ++*p;
  }
  if (*p >= f.size()) Unterminated();
  return true;
}

std::string TextOf(const Value& v, EvalContext& ctx) { return IsStringCategory(v.type) ? v.s : ToText(v, ctx.vc); }

// quote_literal's text (sql/system_functions.cc).
std::string QuoteLiteralText(const std::string& s, EvalContext& ctx) {
  static const ScalarFn quote = ResolveFunction("quote_literal", std::vector<uint32_t>{oid::kText}).fn;
  const Value v = Value::Str(oid::kText, s);
  return quote(std::span<const Value>(&v, 1), ctx).s;
}

size_t CharCount(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

Value Format(Args a, EvalContext& ctx) {
  if (a[0].null) return Value::Null(oid::kText);
  const std::string_view f = a[0].s;
  const int64_t nargs = static_cast<int64_t>(a.size());
  std::string out;
  int64_t arg = 0;  // the last argument used (0: the format string)
  for (size_t p = 0; p < f.size(); p++) {
    if (f[p] != '%') {
      out += f[p];
      continue;
    }
    if (++p >= f.size()) Unterminated();
    if (f[p] == '%') {
      out += '%';
      continue;
    }
    int64_t argpos = -1, widthpos = -1, width = 0, n = 0;
    bool left = false;
    if (Digits(f, &p, &n)) {
      if (f[p] == '$') {
        if (n == 0) Fail("format specifies argument 0, but arguments are numbered from 1");
        argpos = n;
        if (++p >= f.size()) Unterminated();
      } else {
        width = n;  // just a width
        goto type;
      }
    }
    while (f[p] == '-') {
      left = true;
      if (++p >= f.size()) Unterminated();
    }
    if (f[p] == '*') {
      if (++p >= f.size()) Unterminated();
      if (Digits(f, &p, &n)) {
        if (f[p] != '$') Fail("width argument position must be ended by \"$\"");
        if (n == 0) Fail("format specifies argument 0, but arguments are numbered from 1");
        widthpos = n;
        if (++p >= f.size()) Unterminated();
      } else {
        widthpos = 0;
      }
    } else if (Digits(f, &p, &n)) {
      width = n;
    }
  type:
    if (widthpos >= 0) {
      arg = widthpos > 0 ? widthpos : arg + 1;
      if (arg >= nargs) Fail("too few arguments for format()");
      const Value& w = a[static_cast<size_t>(arg)];
      if (w.null) {
        width = 0;
      } else {
        const Value wi = w.type == oid::kInt2 || w.type == oid::kInt4 || w.type == oid::kInt8
                             ? w
                             : FromText(TextOf(w, ctx), oid::kInt4, -1, ctx.vc);
        width = wi.i;
        if (width < 0) {
          left = true;
          if (width <= INT32_MIN) throw PgError(sqlstate::kNumericValueOutOfRange, "number is out of range");
          width = -width;
        }
      }
    }
    arg = argpos > 0 ? argpos : arg + 1;
    const char type = f[p];
    if (type != 's' && type != 'I' && type != 'L') {
      size_t len = 1;
      while (p + len < f.size() && (static_cast<unsigned char>(f[p + len]) & 0xC0) == 0x80) len++;
      Fail("unrecognized format() type specifier \"" + std::string(f.substr(p, len)) + "\"",
           "For a single \"%\" use \"%%\".");
    }
    if (arg >= nargs) Fail("too few arguments for format()");
    const Value& v = a[static_cast<size_t>(arg)];
    std::string piece;
    if (type == 's') {
      if (!v.null) piece = TextOf(v, ctx);
    } else if (type == 'I') {
      if (v.null) throw PgError(sqlstate::kNullValueNotAllowed, "null values cannot be formatted as an SQL identifier");
      piece = QuoteIdent(TextOf(v, ctx));
    } else {
      piece = v.null ? "NULL" : QuoteLiteralText(TextOf(v, ctx), ctx);
    }
    if (width >= (int64_t{1} << 30)) throw PgError("54000", "requested length too large");
    const size_t chars = CharCount(piece);
    const std::string pad = static_cast<size_t>(width) > chars ? std::string(static_cast<size_t>(width) - chars, ' ') : "";
    out += left ? piece + pad : pad + piece;
  }
  return Value::Str(oid::kText, std::move(out));
}

}  // namespace

bool ResolveFormatFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  if (name != "format" || arg_types.empty() || !IsStringCategory(arg_types[0])) return false;
  std::vector<uint32_t> args(arg_types.size(), 0);
  args[0] = oid::kText;
  *out = {Format, oid::kText, std::move(args), false};
  return true;
}

}  // namespace immu::sql
