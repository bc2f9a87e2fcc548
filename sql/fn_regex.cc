// Regular-expression functions of PostgreSQL 15 beyond the operators and
// regexp_match(es)/regexp_split_* (sql/srf.cc): regexp_replace,
// regexp_count, regexp_instr, regexp_substr, regexp_like, substring(x from
// pattern) and the SQL SIMILAR forms (similar_to_escape, which the parser
// also uses for x SIMILAR TO y). Patterns run on RE2 (sql/functions.h's
// CompiledRegex), whose syntax covers the usual POSIX ARE subset.

#include <re2/re2.h>

#include "catalog/pg_error.h"
#include "sql/fn_library.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

struct Flags {
  bool global = false;
  bool icase = false;
};
Flags ParseFlags(std::string_view flags) {
  Flags f;
  for (const char c : flags) {
    if (c == 'g') f.global = true;
    else if (c == 'i') f.icase = true;
    else if (c == 'c') f.icase = false;
    else throw PgError(sqlstate::kInvalidParameterValue, std::string("invalid regular expression option: \"") + c + "\"");
  }
  return f;
}
void NoGlobal(const Flags& f, const char* fn) {
  if (f.global) {
    throw PgError(sqlstate::kInvalidParameterValue, std::string(fn) + "() does not support the \"global\" option", "",
                  std::string("Use the regexp_matches function instead."));
  }
}
void CheckParam(int64_t v, int64_t min, const char* name) {
  if (v < min) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  std::string("invalid value for parameter \"") + name + "\": " + std::to_string(v));
  }
}

size_t NextChar(const std::string& s, size_t at) {
  at++;
  while (at < s.size() && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) at++;
  return at;
}
// Byte offset of 0-based character index i (s.size() when past the end).
size_t ByteOffset(const std::string& s, int64_t i) {
  size_t at = 0;
  for (int64_t k = 0; k < i && at < s.size(); k++) at = NextChar(s, at);
  return at;
}
int64_t CharIndex(const std::string& s, size_t byte) {
  int64_t n = 0;
  for (size_t b = 0; b < byte && b < s.size(); b++) n += (static_cast<unsigned char>(s[b]) & 0xC0) != 0x80;
  return n;
}

using Match = std::vector<re2::StringPiece>;  // [0]: whole match, then groups

// The successive non-overlapping matches from byte `from`, as PostgreSQL
// finds them: resuming at each match's end, one character further after an
// empty match. Stops after `limit` matches (0: all).
std::vector<Match> Matches(const std::string& s, const RE2& re, size_t from, size_t limit) {
  const int n = re.NumberOfCapturingGroups() + 1;
  std::vector<Match> out;
  Match m(static_cast<size_t>(n));
  size_t start = from;
  while (start <= s.size() && re.Match(s, start, s.size(), RE2::UNANCHORED, m.data(), n)) {
    out.push_back(m);
    if (limit != 0 && out.size() >= limit) break;
    const size_t so = static_cast<size_t>(m[0].data() - s.data());
    start = so + m[0].size();
    if (m[0].empty()) start = NextChar(s, start);
  }
  return out;
}
size_t Offset(const std::string& s, re2::StringPiece p) { return static_cast<size_t>(p.data() - s.data()); }

// The replacement text for one match: \1..\9 are groups, \& the match,
// \\ a backslash (other backslashes are kept).
void AppendReplacement(const std::string& repl, const Match& m, std::string* out) {
  for (size_t i = 0; i < repl.size(); i++) {
    if (repl[i] != '\\' || i + 1 >= repl.size()) {
      out->push_back(repl[i]);
      continue;
    }
    const char c = repl[i + 1];
    if (c >= '1' && c <= '9') {
      const size_t g = static_cast<size_t>(c - '0');
      if (g < m.size() && m[g].data() != nullptr) out->append(m[g].data(), m[g].size());
      i++;
    } else if (c == '&') {
      out->append(m[0].data(), m[0].size());
      i++;
    } else if (c == '\\') {
      out->push_back('\\');
      i++;
    } else {
      out->push_back('\\');
    }
  }
}

// regexp_replace(s, pattern, replacement [, start [, n]] [, flags]): n = 0
// replaces every match from start on, n > 0 only the n-th.
Value Replace(const std::string& s, const std::string& pat, const std::string& repl, int64_t start, int64_t nth,
              const Flags& f) {
  const RE2& re = CompiledRegex(pat, f.icase);
  const auto found = Matches(s, re, ByteOffset(s, start - 1), nth == 0 ? 0 : static_cast<size_t>(nth));
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < found.size(); i++) {
    if (nth != 0 && static_cast<int64_t>(i) + 1 != nth) continue;
    const size_t so = Offset(s, found[i][0]);
    out.append(s, pos, so - pos);
    AppendReplacement(repl, found[i], &out);
    pos = so + found[i][0].size();
  }
  out.append(s, pos);
  return Value::Str(oid::kText, std::move(out));
}
Value RegexpReplace(Args a, EvalContext&) {
  // (s, p, r) | (s, p, r, flags) | (s, p, r, start) | (s, p, r, start, n) | (s, p, r, start, n, flags)
  const bool has_start = a.size() >= 4 && a[3].type != oid::kText;
  const Flags f = ParseFlags(a.size() == 4 && !has_start ? a[3].s : a.size() == 6 ? a[5].s : "");
  int64_t start = 1, nth = f.global ? 0 : 1;
  if (has_start) {
    start = a[3].i;
    CheckParam(start, 1, "start");
    nth = a.size() >= 5 ? a[4].i : 1;
    CheckParam(nth, 0, "n");
    if (a.size() == 6 && f.global && a[4].i != 0) nth = a[4].i;  // explicit n wins over 'g'
  }
  return Replace(a[0].s, a[1].s, a[2].s, start, nth, f);
}

Value RegexpCount(Args a, EvalContext&) {
  const int64_t start = a.size() > 2 ? a[2].i : 1;
  CheckParam(start, 1, "start");
  const Flags f = ParseFlags(a.size() > 3 ? a[3].s : "");
  const auto found = Matches(a[0].s, CompiledRegex(a[1].s, f.icase), ByteOffset(a[0].s, start - 1), 0);
  return Value::Int(oid::kInt4, static_cast<int64_t>(found.size()));
}

// The subexpr-th group of the n-th match from start, or nullopt.
std::optional<re2::StringPiece> NthMatch(Args a, size_t start_at, size_t n_at, size_t flags_at, size_t sub_at,
                                         const char* fn) {
  const int64_t start = a.size() > start_at ? a[start_at].i : 1;
  CheckParam(start, 1, "start");
  const int64_t nth = a.size() > n_at ? a[n_at].i : 1;
  CheckParam(nth, 1, "n");
  const Flags f = ParseFlags(a.size() > flags_at ? a[flags_at].s : "");
  NoGlobal(f, fn);
  const int64_t sub = a.size() > sub_at ? a[sub_at].i : 0;
  CheckParam(sub, 0, "subexpr");
  const RE2& re = CompiledRegex(a[1].s, f.icase);
  const auto found = Matches(a[0].s, re, ByteOffset(a[0].s, start - 1), static_cast<size_t>(nth));
  if (static_cast<int64_t>(found.size()) < nth || sub > re.NumberOfCapturingGroups()) return std::nullopt;
  const re2::StringPiece g = found.back()[static_cast<size_t>(sub)];
  if (g.data() == nullptr) return std::nullopt;
  return g;
}
// regexp_instr(s, p [, start [, n [, endoption [, flags [, subexpr]]]]])
Value RegexpInstr(Args a, EvalContext&) {
  const int64_t endopt = a.size() > 4 ? a[4].i : 0;
  if (endopt != 0 && endopt != 1) {
    throw PgError(sqlstate::kInvalidParameterValue, "invalid value for parameter \"endoption\": " + std::to_string(endopt));
  }
  const auto g = NthMatch(a, 2, 3, 5, 6, "regexp_instr");
  if (!g) return Value::Int(oid::kInt4, 0);
  const size_t at = Offset(a[0].s, *g) + (endopt == 1 ? g->size() : 0);
  return Value::Int(oid::kInt4, CharIndex(a[0].s, at) + 1);
}
// regexp_substr(s, p [, start [, n [, flags [, subexpr]]]])
Value RegexpSubstr(Args a, EvalContext&) {
  const auto g = NthMatch(a, 2, 3, 4, 5, "regexp_substr");
  if (!g) return Value::Null(oid::kText);
  return Value::Str(oid::kText, std::string(*g));
}
Value RegexpLike(Args a, EvalContext&) {
  const Flags f = ParseFlags(a.size() > 2 ? a[2].s : "");
  NoGlobal(f, "regexp_like");
  return Value::Bool(RE2::PartialMatch(a[0].s, CompiledRegex(a[1].s, f.icase)));
}

// substring(s from pattern): the first parenthesized group's text when the
// pattern has groups, else the whole match; NULL without a match.
Value RegexSubstr(const std::string& s, const std::string& pattern) {
  const RE2& re = CompiledRegex(pattern, false);
  const auto found = Matches(s, re, 0, 1);
  if (found.empty()) return Value::Null(oid::kText);
  const re2::StringPiece g = found[0][found[0].size() > 1 ? 1 : 0];
  if (g.data() == nullptr) return Value::Null(oid::kText);
  return Value::Str(oid::kText, std::string(g));
}
Value TextRegexSubstr(Args a, EvalContext&) { return RegexSubstr(a[0].s, a[1].s); }

// similar_escape_internal: SQL SIMILAR TO pattern -> ^(?: ... )$ regex.
// An escape-double-quote pair splits it into three parts, the middle one
// the first capture group (what substring(... similar ...) returns).
std::string SimilarToRegex(std::string_view pat, const std::string* esc) {
  std::string_view e = "\\";
  if (esc != nullptr) {
    e = *esc;
    size_t chars = 0;
    for (unsigned char c : e) chars += (c & 0xC0) != 0x80;
    if (chars > 1) {
      throw PgError(sqlstate::kInvalidEscapeSequence, "invalid escape string", "",
                    "Escape string must be empty or one character.");
    }
  }
  std::string r = "^(?:";
  bool after_escape = false, in_class = false;
  int nquotes = 0;
  for (size_t i = 0; i < pat.size();) {
    size_t len = 1;
    while (i + len < pat.size() && (static_cast<unsigned char>(pat[i + len]) & 0xC0) == 0x80) len++;
    const std::string_view ch = pat.substr(i, len);
    const char c = ch[0];
    i += len;
    if (after_escape) {
      if (c == '"' && !in_class) {
        if (nquotes == 0) r += "){1,1}?(";
        else if (nquotes == 1) r += "){1,1}(?:";
        else throw PgError("2200C", "SQL regular expression may not contain more than two escape-double-quote separators");
        nquotes++;
      } else {
        r += '\\';
        r += ch;
      }
      after_escape = false;
    } else if (!e.empty() && ch == e) {
      after_escape = true;
    } else if (in_class) {
      if (c == '\\') r += '\\';
      r += ch;
      if (c == ']') in_class = false;
    } else if (c == '[') {
      r += c;
      in_class = true;
    } else if (c == '%') {
      r += ".*";
    } else if (c == '_') {
      r += '.';
    } else if (c == '(') {
      r += "(?:";
    } else if (c == '\\' || c == '.' || c == '^' || c == '$') {
      r += '\\';
      r += c;
    } else {
      r += ch;
    }
  }
  r += ")$";
  return r;
}
// similar_escape (the pre-13 name): not strict, a NULL escape meaning '\\'.
Value SimilarEscape(Args a, EvalContext&) {
  if (a[0].null) return Value::Null(oid::kText);
  return Value::Str(oid::kText, SimilarToRegex(a[0].s, a[1].null ? nullptr : &a[1].s));
}
Value SimilarToEscape(Args a, EvalContext&) {
  return Value::Str(oid::kText, SimilarToRegex(a[0].s, a.size() > 1 ? &a[1].s : nullptr));
}
// substring(s similar pattern escape e) / substring(s from pattern for e).
Value SimilarSubstr(Args a, EvalContext&) { return RegexSubstr(a[0].s, SimilarToRegex(a[1].s, &a[2].s)); }

bool AllText(std::span<const uint32_t> t, size_t from, size_t to) {
  for (size_t i = from; i < to && i < t.size(); i++) {
    if (!IsStringCategory(t[i])) return false;
  }
  return true;
}
bool IsIntArg(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kUnknown; }

}  // namespace

bool ResolveRegexFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  using namespace oid;
  const size_t n = t.size();
  if (name == "regexp_replace" && n >= 3 && n <= 6 && AllText(t, 0, 3)) {
    // The 4th argument is flags when text, start when an integer.
    const bool start = n >= 5 || (n == 4 && t[3] != kUnknown && !IsStringCategory(t[3]));
    if (start && !IsIntArg(t[3])) return false;
    std::vector<uint32_t> args = {kText, kText, kText};
    if (n == 4) args.push_back(start ? kInt4 : kText);
    if (n >= 5) args.insert(args.end(), {kInt4, kInt4});
    if (n == 6) args.push_back(kText);
    *out = {RegexpReplace, kText, std::move(args)};
    return true;
  }
  if (name == "regexp_count" && n >= 2 && n <= 4 && AllText(t, 0, 2)) {
    const std::vector<uint32_t> full = {kText, kText, kInt4, kText};
    *out = {RegexpCount, kInt4, {full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)}};
    return true;
  }
  if (name == "regexp_instr" && n >= 2 && n <= 7 && AllText(t, 0, 2)) {
    const std::vector<uint32_t> full = {kText, kText, kInt4, kInt4, kInt4, kText, kInt4};
    *out = {RegexpInstr, kInt4, {full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)}};
    return true;
  }
  if (name == "regexp_substr" && n >= 2 && n <= 6 && AllText(t, 0, 2)) {
    const std::vector<uint32_t> full = {kText, kText, kInt4, kInt4, kText, kInt4};
    *out = {RegexpSubstr, kText, {full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)}};
    return true;
  }
  if (name == "regexp_like" && (n == 2 || n == 3) && AllText(t, 0, n)) {
    *out = {RegexpLike, kBool, std::vector<uint32_t>(n, kText)};
    return true;
  }
  // substring(s from pattern) and substring(s similar pattern escape e):
  // all-string arguments (integers select the positional forms).
  if ((name == "substring" || name == "textregexsubstr") && n == 2 && AllText(t, 0, 2)) {
    *out = {TextRegexSubstr, kText, {kText, kText}};
    return true;
  }
  if (name == "substring" && n == 3 && AllText(t, 0, 3)) {
    *out = {SimilarSubstr, kText, {kText, kText, kText}};
    return true;
  }
  if (name == "similar_escape" && n == 2 && AllText(t, 0, 2)) {
    *out = {SimilarEscape, kText, {kText, kText}, false};
    return true;
  }
  if (name == "similar_to_escape" && (n == 1 || n == 2) && AllText(t, 0, n)) {
    *out = {SimilarToEscape, kText, std::vector<uint32_t>(n, kText)};
    return true;
  }
  return false;
}

}  // namespace immu::sql
