#include "sql/period_lexer.h"

#include <cctype>
#include <cstring>
#include <initializer_list>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

enum class Tok { kWord, kQuoted, kString, kNumber, kParam, kPunct, kOp };

struct Token {
  Tok kind;
  int begin;
  int end;
  std::string upper;  // words: the upper-cased text; punctuation: the char
};

bool IdentStart(unsigned char c) { return std::isalpha(c) || c == '_' || c >= 0x80; }
bool IdentChar(unsigned char c) { return std::isalnum(c) || c == '_' || c == '$' || c >= 0x80; }

// Splits sql into tokens the way PostgreSQL's scanner delimits them
// (comments and whitespace dropped). An unterminated literal or comment
// runs to the end: libpg_query reports it when it parses the result.
std::vector<Token> Tokenize(std::string_view s) {
  std::vector<Token> out;
  const size_t n = s.size();
  size_t i = 0;
  auto quoted = [&](size_t from, char q, bool backslash) {
    size_t j = from + 1;
    while (j < n) {
      if (backslash && s[j] == '\\' && j + 1 < n) {
        j += 2;
      } else if (s[j] == q) {
        if (j + 1 < n && s[j + 1] == q) {
          j += 2;
        } else {
          return j + 1;
        }
      } else {
        j++;
      }
    }
    return n;
  };
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (std::isspace(c)) {
      i++;
      continue;
    }
    if (c == '-' && i + 1 < n && s[i + 1] == '-') {
      while (i < n && s[i] != '\n') i++;
      continue;
    }
    if (c == '/' && i + 1 < n && s[i + 1] == '*') {
      int depth = 0;
      do {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
          depth++;
          i += 2;
        } else if (s[i] == '*' && i + 1 < n && s[i + 1] == '/') {
          depth--;
          i += 2;
        } else {
          i++;
        }
      } while (i < n && depth > 0);
      continue;
    }
    Token t{Tok::kPunct, static_cast<int>(i), 0, {}};
    if (c == '\'') {
      t.kind = Tok::kString;
      i = quoted(i, '\'', false);
    } else if ((c == 'e' || c == 'E') && i + 1 < n && s[i + 1] == '\'') {
      t.kind = Tok::kString;
      i = quoted(i + 1, '\'', true);
    } else if ((c == 'b' || c == 'B' || c == 'x' || c == 'X' || c == 'n' || c == 'N') && i + 1 < n &&
               s[i + 1] == '\'') {
      t.kind = Tok::kString;
      i = quoted(i + 1, '\'', false);
    } else if ((c == 'u' || c == 'U') && i + 2 < n && s[i + 1] == '&' && (s[i + 2] == '\'' || s[i + 2] == '"')) {
      t.kind = s[i + 2] == '"' ? Tok::kQuoted : Tok::kString;
      i = quoted(i + 2, s[i + 2], false);
    } else if (c == '"') {
      t.kind = Tok::kQuoted;
      i = quoted(i, '"', false);
    } else if (c == '$' && i + 1 < n && std::isdigit(static_cast<unsigned char>(s[i + 1]))) {
      t.kind = Tok::kParam;
      i++;
      while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) i++;
    } else if (c == '$') {
      // Dollar quote $tag$...$tag$ (tag may be empty); a lone $ is an operator char.
      size_t j = i + 1;
      while (j < n && IdentChar(static_cast<unsigned char>(s[j])) && s[j] != '$') j++;
      if (j < n && s[j] == '$' && (j == i + 1 || IdentStart(static_cast<unsigned char>(s[i + 1])))) {
        const std::string_view tag = s.substr(i, j - i + 1);
        const size_t close = s.find(tag, j + 1);
        t.kind = Tok::kString;
        i = close == std::string_view::npos ? n : close + tag.size();
      } else {
        t.kind = Tok::kOp;
        i++;
      }
    } else if (IdentStart(c)) {
      t.kind = Tok::kWord;
      while (i < n && IdentChar(static_cast<unsigned char>(s[i]))) {
        t.upper += static_cast<char>(std::toupper(static_cast<unsigned char>(s[i])));
        i++;
      }
    } else if (std::isdigit(c) || (c == '.' && i + 1 < n && std::isdigit(static_cast<unsigned char>(s[i + 1])))) {
      t.kind = Tok::kNumber;
      while (i < n) {
        const unsigned char d = static_cast<unsigned char>(s[i]);
        if ((d == 'e' || d == 'E') && i + 1 < n && (s[i + 1] == '+' || s[i + 1] == '-')) {
          i += 2;
        } else if (std::isalnum(d) || d == '.' || d == '_') {
          if (d == '.' && i + 1 < n && s[i + 1] == '.') break;  // 1..2 is not a number
          i++;
        } else {
          break;
        }
      }
    } else if (std::strchr("(),;[].", c) != nullptr) {
      t.kind = Tok::kPunct;
      t.upper = std::string(1, static_cast<char>(c));
      i++;
    } else {
      t.kind = Tok::kOp;
      while (i < n && std::strchr("+-*/<>=~!@#%^&|`?:", s[i]) != nullptr) {
        if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') break;
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') break;
        i++;
      }
      if (static_cast<int>(i) == t.begin) i++;  // any other single character
    }
    t.end = static_cast<int>(i);
    out.push_back(std::move(t));
  }
  return out;
}

bool OneOf(const std::string& w, std::initializer_list<const char*> words) {
  for (const char* x : words) {
    if (w == x) return true;
  }
  return false;
}

// Words that end a FROM item (and so a period expression at nesting 0).
bool EndsFromItem(const std::string& w) {
  return OneOf(w, {"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW", "UNION", "INTERSECT",
                   "EXCEPT", "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "CROSS", "NATURAL", "ON", "USING", "AS",
                   "RETURNING", "FOR", "SINCE", "AFTER", "UNTIL", "BEFORE", "TABLESAMPLE", "INTO", "SET"});
}

// Words that end the FROM list of their query level.
bool EndsFromList(const std::string& w) {
  return OneOf(w, {"WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "OFFSET", "FETCH", "WINDOW", "UNION", "INTERSECT",
                   "EXCEPT", "RETURNING", "FOR", "SET", "VALUES"});
}

class Rewriter {
 public:
  explicit Rewriter(std::string_view sql) : in_(sql), toks_(Tokenize(sql)) { out_.sql = std::string(sql); }

  PeriodRewrite Run() {
    struct Frame {
      bool query;
      bool in_from = false;
    };
    std::vector<Frame> frames{{true}};
    size_t stmt_start = 0;  // index of the statement's first token
    for (size_t i = 0; i < toks_.size();) {
      const Token& t = toks_[i];
      Frame& f = frames.back();
      if (IsPunct(i, '(')) {
        frames.push_back({IsWord(i + 1, "SELECT") || IsWord(i + 1, "WITH") || IsWord(i + 1, "VALUES")});
        i++;
        continue;
      }
      if (IsPunct(i, ')')) {
        if (frames.size() > 1) frames.pop_back();
        i++;
        continue;
      }
      if (IsPunct(i, ';')) {
        frames.assign(1, Frame{true});
        stmt_start = ++i;
        continue;
      }
      if (i == stmt_start && IsWord(i, "USE") && IsWord(i + 1, "SNAPSHOT")) {
        i = UseSnapshot(i);
        continue;
      }
      if (t.kind == Tok::kWord && f.query) {
        const bool copy_or_delete = IsWord(stmt_start, "COPY") || (i > 0 && IsWord(i - 1, "DELETE"));
        if (t.upper == "FROM" && !(i > 0 && IsWord(i - 1, "DISTINCT")) && !copy_or_delete) {
          f.in_from = true;
          i = FromItem(i + 1);
          continue;
        }
        if (t.upper == "USING" && frames.size() == 1 && IsWord(stmt_start, "DELETE")) {
          f.in_from = true;  // DELETE ... USING <from list>
          i = FromItem(i + 1);
          continue;
        }
        if (t.upper == "JOIN" && f.in_from) {
          i = FromItem(i + 1);
          continue;
        }
        if (EndsFromList(t.upper)) f.in_from = false;
      }
      if (IsPunct(i, ',') && f.query && f.in_from) {
        i = FromItem(i + 1);
        continue;
      }
      i++;
    }
    return std::move(out_);
  }

 private:
  bool IsWord(size_t i, const char* w) const {
    return i < toks_.size() && toks_[i].kind == Tok::kWord && toks_[i].upper == w;
  }
  bool IsPunct(size_t i, char c) const {
    return i < toks_.size() && toks_[i].kind == Tok::kPunct && toks_[i].upper[0] == c;
  }
  bool IsName(size_t i) const {
    return i < toks_.size() && (toks_[i].kind == Tok::kQuoted || toks_[i].kind == Tok::kWord);
  }
  // True when token i cannot continue a FROM item's period expression.
  bool EndsExpr(size_t i) const {
    if (i >= toks_.size()) return true;
    const Token& t = toks_[i];
    if (t.kind == Tok::kPunct && (t.upper == "," || t.upper == ")" || t.upper == ";")) return true;
    return t.kind == Tok::kWord && EndsFromItem(t.upper);
  }

  [[noreturn]] void SyntaxError(size_t i, const std::string& detail = {}) const {
    std::string msg;
    int pos;
    if (i >= toks_.size()) {
      msg = "syntax error at end of input";
      pos = static_cast<int>(in_.size());
    } else {
      const Token& t = toks_[i];
      msg = "syntax error at or near \"" + std::string(in_.substr(t.begin, t.end - t.begin)) + "\"";
      pos = t.begin;
    }
    PgError e(sqlstate::kSyntaxError, msg, detail);
    e.set_position(pos + 1);
    throw e;
  }

  // Replaces [begin, end) by spaces (newlines kept, so line numbers hold).
  void Blank(int begin, int end) {
    for (int k = begin; k < end; k++) {
      if (out_.sql[k] != '\n') out_.sql[k] = ' ';
    }
  }

  // A period starts at i: FOR SYSTEM_TIME, or a period keyword that is not
  // the bare alias of the FROM item (PostgreSQL reads `FROM t before` so).
  bool PeriodStarts(size_t i) const {
    if (IsWord(i, "FOR")) return IsWord(i + 1, "SYSTEM_TIME");
    if (!(IsWord(i, "SINCE") || IsWord(i, "AFTER") || IsWord(i, "UNTIL") || IsWord(i, "BEFORE"))) return false;
    return !EndsExpr(i + 1);
  }

  // One bound's instant at i: [TX] expression. Returns the index after it.
  size_t Instant(size_t i, PeriodBoundText* b) {
    if (IsWord(i, "TX")) {
      b->tx = true;
      i++;
    }
    int depth = 0;
    const size_t first = i;
    for (; i < toks_.size(); i++) {
      if (depth == 0 && EndsExpr(i)) break;
      if (IsPunct(i, '(') || IsPunct(i, '[')) depth++;
      if (IsPunct(i, ')') || IsPunct(i, ']')) {
        if (--depth < 0) break;
      }
    }
    if (i == first) SyntaxError(i, "a period bound needs TX <transaction id> or a timestamp expression");
    b->expr_begin = toks_[first].begin;
    b->expr_end = toks_[i - 1].end;
    return i;
  }

  // Parses the bounds of a period at i into *p. Returns the index after it.
  size_t Period(size_t i, PeriodText* p) {
    while (PeriodStarts(i)) {
      const Token& kw = toks_[i];
      PeriodBoundText b;
      b.present = true;
      b.keyword = kw.begin;
      bool start;
      if (kw.upper == "FOR") {
        if (!IsWord(i + 2, "AS")) SyntaxError(i + 2, "expected FOR SYSTEM_TIME AS OF");
        if (!IsWord(i + 3, "OF")) SyntaxError(i + 3, "expected FOR SYSTEM_TIME AS OF");
        start = false;
        b.inclusive = true;
        i += 4;
      } else {
        start = kw.upper == "SINCE" || kw.upper == "AFTER";
        b.inclusive = kw.upper == "SINCE" || kw.upper == "UNTIL";
        i++;
      }
      PeriodBoundText& slot = start ? p->start : p->end;
      if (slot.present) {
        PgError e(sqlstate::kSyntaxError,
                  std::string("period has more than one ") + (start ? "start (SINCE/AFTER)" : "end (UNTIL/BEFORE/AS OF)"));
        e.set_position(kw.begin + 1);
        throw e;
      }
      i = Instant(i, &b);
      slot = b;
    }
    return i;
  }

  // Skips an alias ([AS] name [(columns)]) at i when there is one.
  size_t Alias(size_t i, bool* found) {
    *found = false;
    if (IsWord(i, "AS")) {
      if (!IsName(i + 1)) SyntaxError(i + 1);
      i += 2;
      *found = true;
    } else if (i < toks_.size() && (toks_[i].kind == Tok::kQuoted ||
                                    (toks_[i].kind == Tok::kWord && !EndsFromItem(toks_[i].upper)))) {
      i++;
      *found = true;
    } else if (i < toks_.size() && toks_[i].kind == Tok::kWord && !PeriodStarts(i) &&
               OneOf(toks_[i].upper, {"SINCE", "AFTER", "UNTIL", "BEFORE"})) {
      i++;  // `FROM t before`: PostgreSQL's alias
      *found = true;
    }
    if (*found && IsPunct(i, '(')) {
      int depth = 0;
      for (; i < toks_.size(); i++) {
        if (IsPunct(i, '(')) depth++;
        if (IsPunct(i, ')') && --depth == 0) return i + 1;
      }
    }
    return i;
  }

  // A FROM item starting at token i. Records and blanks its extensions;
  // returns where the main scan continues.
  size_t FromItem(size_t i) {
    TravelRefText ref;
    size_t open = 0;  // index of "(" of (HISTORY OF t) / (DIFF OF t)
    bool wrapped = false;
    if (IsPunct(i, '(') && (IsWord(i + 1, "HISTORY") || IsWord(i + 1, "DIFF")) && IsWord(i + 2, "OF")) {
      wrapped = true;
      open = i;
      ref.source = IsWord(i + 1, "HISTORY") ? TravelSource::kHistory : TravelSource::kDiff;
      i += 3;
      if (!IsName(i)) SyntaxError(i, "expected a table name after OF");
    }
    if (IsWord(i, "ONLY") && IsName(i + 1)) i++;
    if (!IsName(i) || IsWord(i, "LATERAL") || IsWord(i, "ROWS") || IsWord(i, "SELECT")) return i;
    ref.location = toks_[i].begin;
    size_t j = i + 1;
    while (IsPunct(j, '.') && IsName(j + 1)) j += 2;
    if (IsPunct(j, '(')) {
      if (wrapped) SyntaxError(j, "HISTORY OF and DIFF OF take a table name");
      return i;  // a function call
    }
    bool alias = false;
    if (wrapped) {
      const size_t inner_at = j;
      j = Period(j, &ref.period);
      if (!IsPunct(j, ')')) SyntaxError(j, "expected ) after HISTORY OF / DIFF OF table");
      Blank(toks_[open].begin, toks_[i].begin);
      if (j > inner_at) Blank(toks_[inner_at].begin, toks_[j - 1].end);
      Blank(toks_[j].begin, toks_[j].end);
      j++;
    }
    j = Alias(j, &alias);
    PeriodText outer;
    const size_t period_at = j;
    j = Period(j, &outer);
    if (!outer.empty()) {
      if ((outer.start.present && ref.period.start.present) || (outer.end.present && ref.period.end.present)) {
        PgError e(sqlstate::kSyntaxError, "period given twice for one FROM item");
        e.set_position(toks_[period_at].begin + 1);
        throw e;
      }
      if (outer.start.present) ref.period.start = outer.start;
      if (outer.end.present) ref.period.end = outer.end;
      Blank(toks_[period_at].begin, toks_[j - 1].end);
      // A period keyword left over here lacks its bound, it is no alias.
      if (IsWord(j, "SINCE") || IsWord(j, "AFTER") || IsWord(j, "UNTIL") || IsWord(j, "BEFORE")) {
        SyntaxError(j + 1, "a period bound needs TX <transaction id> or a timestamp expression");
      }
      if (!alias) j = Alias(j, &alias);
    }
    if (wrapped || !ref.period.empty()) out_.refs.push_back(ref);
    return j;
  }

  size_t UseSnapshot(size_t i) {
    TravelRefText ref;
    ref.source = TravelSource::kUseSnapshot;
    ref.location = toks_[i].begin;
    size_t j = i + 2;
    if (IsWord(j, "NONE")) {
      ref.clear = true;
      j++;
    } else {
      if (!PeriodStarts(j)) SyntaxError(j, "expected USE SNAPSHOT SINCE|AFTER|UNTIL|BEFORE ... or USE SNAPSHOT NONE");
      j = Period(j, &ref.period);
    }
    if (j < toks_.size() && !IsPunct(j, ';')) SyntaxError(j);
    Blank(toks_[i].begin, toks_[j - 1].end);
    out_.sql.replace(static_cast<size_t>(toks_[i].begin), 6, "SELECT");
    out_.refs.push_back(ref);
    return j;
  }

  std::string_view in_;
  std::vector<Token> toks_;
  PeriodRewrite out_;
};

}  // namespace

PeriodRewrite RewritePeriods(std::string_view sql) { return Rewriter(sql).Run(); }

}  // namespace immu::sql
