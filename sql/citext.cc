// citext: a case-insensitive text type. Values are text (Slot::kString);
// what makes them case-insensitive is where the engine compares them:
// CompareValues, HashValue and index keys (AppendKeyValue) fold both sides
// with CitextFold when a citext is involved, so =, <, ORDER BY, DISTINCT,
// GROUP BY, hash joins, indexes and UNIQUE all agree. Folding is lower()
// under the database's C collation (ASCII letters), as PostgreSQL's citext
// does with a C-collated database.
//
// Resolution follows PostgreSQL's: citext compared with citext or an
// unknown literal is case-insensitive; with text or varchar it is text
// comparison (citext casts implicitly to text); LIKE and the regular
// expression operators with a citext on the left, and strpos, replace and
// split_part with citext (or unknown) arguments, ignore case.

#include <re2/re2.h>

#include <algorithm>
#include <cctype>

#include "catalog/pg_error.h"
#include "sql/extensions.h"
#include "sql/hstore.h"
#include "sql/user_types.h"

namespace immu::sql {

std::string CitextFold(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
  }
  return out;
}

int CompareCitext(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; i++) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return x < y ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

std::string ExtensionTypeOut(const TypeDef& t, const Value& v) {
  if (t.extension == "hstore") return HstoreOut(v.s);
  return v.s;
}

Value ExtensionTypeIn(const TypeDef& t, std::string_view text) {
  if (t.extension == "hstore") return Value::Str(t.oid, HstoreIn(text));
  return Value::Str(t.oid, std::string(text));
}

void ExtensionTypeSend(const TypeDef& t, const Value& v, std::string* out) {
  if (t.extension == "hstore") {
    HstoreSend(v.s, out);
    return;
  }
  out->append(v.s);
}

Value ExtensionTypeRecv(const TypeDef& t, std::string_view data) {
  if (t.extension == "hstore") return Value::Str(t.oid, HstoreRecv(data));
  return Value::Str(t.oid, std::string(data));
}

namespace {

using Args = std::span<const Value>;

Value CiLike(Args a, EvalContext&) { return Value::Bool(LikeMatch(a[0].s, a[1].s, true)); }
Value CiNotLike(Args a, EvalContext&) { return Value::Bool(!LikeMatch(a[0].s, a[1].s, true)); }
Value CiRegex(Args a, EvalContext&) { return Value::Bool(RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, true))); }
Value CiNotRegex(Args a, EvalContext&) { return Value::Bool(!RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, true))); }

// Byte offset of the first case-insensitive occurrence of needle at or
// after from (npos when none).
size_t FindFolded(const std::string& hay, const std::string& needle, size_t from) {
  return CitextFold(hay).find(CitextFold(needle), from);
}

Value CiStrpos(Args a, EvalContext&) {
  const size_t at = FindFolded(a[0].s, a[1].s, 0);
  if (at == std::string::npos) return Value::Int(oid::kInt4, 0);
  int64_t chars = 0;
  for (size_t i = 0; i < at; i++) chars += (static_cast<unsigned char>(a[0].s[i]) & 0xC0) != 0x80;
  return Value::Int(oid::kInt4, chars + 1);
}

Value CiReplace(Args a, EvalContext&) {
  if (a[1].s.empty()) return Value::Str(oid::kText, a[0].s);
  std::string out;
  size_t pos = 0;
  for (size_t at; (at = FindFolded(a[0].s, a[1].s, pos)) != std::string::npos; pos = at + a[1].s.size()) {
    out.append(a[0].s, pos, at - pos);
    out += a[2].s;
  }
  out.append(a[0].s, pos);
  return Value::Str(oid::kText, std::move(out));
}

Value CiSplitPart(Args a, EvalContext&) {
  const int64_t n = a[2].i;
  if (n == 0) throw PgError(sqlstate::kInvalidParameterValue, "field position must not be zero");
  std::vector<std::string> parts;
  if (a[1].s.empty()) {
    parts.push_back(a[0].s);
  } else {
    size_t pos = 0;
    for (size_t at; (at = FindFolded(a[0].s, a[1].s, pos)) != std::string::npos; pos = at + a[1].s.size()) {
      parts.push_back(a[0].s.substr(pos, at - pos));
    }
    parts.push_back(a[0].s.substr(pos));
  }
  if (a[0].s.empty()) return Value::Str(oid::kText, "");
  const int64_t count = static_cast<int64_t>(parts.size());
  const int64_t idx = n > 0 ? n - 1 : count + n;
  if (idx < 0 || idx >= count) return Value::Str(oid::kText, "");
  return Value::Str(oid::kText, parts[static_cast<size_t>(idx)]);
}

bool CitextOrUnknown(uint32_t t) { return t == oid::kUnknown || IsCitextType(t); }

}  // namespace

bool ResolveCitextFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  const uint32_t ci = ExtensionTypeOid("citext");
  // Only with a citext first argument and citext/unknown others, where
  // PostgreSQL's resolution picks citext's overloads over text's.
  if (t.empty() || !IsCitextType(t[0])) return false;
  if (name == "strpos" && t.size() == 2 && CitextOrUnknown(t[1])) {
    *out = {CiStrpos, oid::kInt4, {ci, ci}};
    return true;
  }
  if (name == "replace" && t.size() == 3 && CitextOrUnknown(t[1]) && CitextOrUnknown(t[2])) {
    *out = {CiReplace, oid::kText, {ci, ci, ci}};
    return true;
  }
  if (name == "split_part" && t.size() == 3 && CitextOrUnknown(t[1]) && IsNumericCategory(t[2])) {
    *out = {CiSplitPart, oid::kText, {ci, ci, oid::kInt4}};
    return true;
  }
  return false;
}

bool ResolveCitextOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if (left == 0 || !(IsCitextType(left) || (left == oid::kUnknown && IsCitextType(right)))) return false;
  if (!IsStringCategory(right)) return false;
  ScalarFn f = nullptr;
  if (op == "~~" || op == "~~*") f = CiLike;
  else if (op == "!~~" || op == "!~~*") f = CiNotLike;
  else if (op == "~" || op == "~*") f = CiRegex;
  else if (op == "!~" || op == "!~*") f = CiNotRegex;
  if (f == nullptr) return false;
  *out = {f, oid::kBool, {oid::kText, oid::kText}};
  return true;
}

}  // namespace immu::sql
