// jsonpath parsing and evaluation: see json_path.h. Follows PostgreSQL 15's
// jsonpath_exec.c for lax/strict behaviour and the three-valued predicates.

#include "sql/json_path.h"

#include <memory>
#include <string>

#include "catalog/pg_error.h"
#include "sql/numeric.h"

namespace immu::sql {

namespace {

using Kind = JsonNode::Kind;

struct PathNode;
using PathPtr = std::unique_ptr<PathNode>;

struct PathNode {
  enum class Type {
    kRoot, kCurrent, kVar, kLiteral, kLast,    // primaries
    kKey, kAnyKey, kAnyIndex, kIndex, kFilter, kMethod,  // accessors (args[0]: base)
    kBinary, kUnary, kExists, kNot, kIsUnknown, kStartsWith
  };
  Type type;
  std::string name;    // key, variable, method or operator
  JsonNode literal;
  std::vector<PathPtr> args;                          // operands / base
  std::vector<std::pair<PathPtr, PathPtr>> subscripts;  // [a to b] (second may be null)
};

// Paths of more nodes are refused, which bounds the recursion depth of
// evaluation (and of destroying the tree) whatever the path's shape.
constexpr int kMaxPathNodes = 4000;
thread_local int path_nodes = 0;

PathPtr Make(PathNode::Type t, std::string name = {}) {
  if (++path_nodes > kMaxPathNodes) throw PgError(sqlstate::kProgramLimitExceeded, "jsonpath expression is too complex");
  auto n = std::make_unique<PathNode>();
  n->type = t;
  n->name = std::move(name);
  return n;
}

[[noreturn]] void SyntaxError(const std::string& msg) { throw PgError(sqlstate::kSyntaxError, msg); }

class PathParser {
 public:
  explicit PathParser(std::string_view s) : s_(s) {}

  PathPtr Parse(bool* strict) {
    path_nodes = 0;
    Space();
    if (Word("strict")) *strict = true;
    else if (Word("lax")) *strict = false;
    PathPtr e = Or();
    Space();
    if (p_ < s_.size()) SyntaxError("syntax error at or near \"" + std::string(s_.substr(p_, 1)) + "\" of jsonpath input");
    return e;
  }

 private:
  void Space() {
    while (p_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[p_]))) p_++;
  }
  bool Peek(std::string_view t) {
    Space();
    return s_.substr(p_).starts_with(t);
  }
  bool Eat(std::string_view t) {
    if (!Peek(t)) return false;
    p_ += t.size();
    return true;
  }
  static bool IdentChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }
  bool Word(std::string_view w) {
    Space();
    if (!s_.substr(p_).starts_with(w) || (p_ + w.size() < s_.size() && IdentChar(s_[p_ + w.size()]))) return false;
    p_ += w.size();
    return true;
  }
  void Expect(std::string_view t) {
    if (!Eat(t)) {
      if (p_ >= s_.size()) SyntaxError("syntax error at end of jsonpath input");
      SyntaxError("syntax error at or near \"" + std::string(s_.substr(p_, 1)) + "\" of jsonpath input");
    }
  }
  std::string Ident() {
    Space();
    const size_t b = p_;
    while (p_ < s_.size() && IdentChar(s_[p_])) p_++;
    if (b == p_) Expect("identifier");
    return std::string(s_.substr(b, p_ - b));
  }
  std::string String() {
    // A double-quoted string; the JSON parser decodes its escapes.
    Space();
    size_t e = p_ + 1;
    while (e < s_.size() && s_[e] != '"') e += s_[e] == '\\' ? 2 : 1;
    if (e >= s_.size()) SyntaxError("unterminated quoted string in jsonpath input");
    const JsonNode n = ParseJson(s_.substr(p_, e + 1 - p_), true);
    p_ = e + 1;
    return n.text;
  }

  PathPtr Binary(std::string op, PathPtr l, PathPtr r) {
    auto n = Make(PathNode::Type::kBinary, std::move(op));
    n->args.push_back(std::move(l));
    n->args.push_back(std::move(r));
    return n;
  }
  // Every nesting (parentheses, filters, subscripts) passes through Or():
  // bounded, so a hostile path cannot exhaust the stack.
  PathPtr Or() {
    if (++depth_ > 500) throw PgError("54001", "stack depth limit exceeded");
    PathPtr l = And();
    while (Eat("||")) l = Binary("||", std::move(l), And());
    depth_--;
    return l;
  }
  PathPtr And() {
    PathPtr l = Not();
    while (Eat("&&")) l = Binary("&&", std::move(l), Not());
    return l;
  }
  PathPtr Not() {
    if (Peek("!") && !Peek("!=")) {
      Eat("!");
      auto n = Make(PathNode::Type::kNot);
      Expect("(");
      n->args.push_back(Or());
      Expect(")");
      return n;
    }
    return Comparison();
  }
  PathPtr Comparison() {
    PathPtr l = Additive();
    for (const char* op : {"==", "!=", "<>", "<=", ">=", "<", ">"}) {
      if (Eat(op)) return Binary(std::string(op) == "<>" ? "!=" : op, std::move(l), Additive());
    }
    if (Word("starts")) {
      if (!Word("with")) Expect("with");
      auto n = Make(PathNode::Type::kStartsWith);
      n->args.push_back(std::move(l));
      n->args.push_back(Additive());
      return n;
    }
    if (Word("is")) {
      if (!Word("unknown")) Expect("unknown");
      auto n = Make(PathNode::Type::kIsUnknown);
      n->args.push_back(std::move(l));
      return n;
    }
    return l;
  }
  PathPtr Additive() {
    PathPtr l = Multiplicative();
    for (;;) {
      if (Eat("+")) l = Binary("+", std::move(l), Multiplicative());
      else if (Peek("-")) {
        Eat("-");
        l = Binary("-", std::move(l), Multiplicative());
      } else {
        return l;
      }
    }
  }
  PathPtr Multiplicative() {
    PathPtr l = Unary();
    for (;;) {
      if (Eat("*")) l = Binary("*", std::move(l), Unary());
      else if (Eat("/")) l = Binary("/", std::move(l), Unary());
      else if (Eat("%")) l = Binary("%", std::move(l), Unary());
      else return l;
    }
  }
  PathPtr Unary() {
    if (++depth_ > 500) throw PgError("54001", "stack depth limit exceeded");
    PathPtr r = UnaryInner();
    depth_--;
    return r;
  }
  PathPtr UnaryInner() {
    if (Eat("-")) {
      auto n = Make(PathNode::Type::kUnary, "-");
      n->args.push_back(Unary());
      return n;
    }
    if (Eat("+")) return Unary();
    return Accessors(Primary());
  }
  PathPtr Primary() {
    Space();
    if (p_ >= s_.size()) SyntaxError("syntax error at end of jsonpath input");
    const char c = s_[p_];
    if (c == '$') {
      p_++;
      if (p_ < s_.size() && (IdentChar(s_[p_]) || s_[p_] == '"')) {
        return Make(PathNode::Type::kVar, s_[p_] == '"' ? String() : Ident());
      }
      return Make(PathNode::Type::kRoot);
    }
    if (c == '@') {
      p_++;
      return Make(PathNode::Type::kCurrent);
    }
    if (c == '(') {
      p_++;
      PathPtr e = Or();
      Expect(")");
      return e;
    }
    if (c == '"') {
      auto n = Make(PathNode::Type::kLiteral);
      n->literal = JsonNode::String(String());
      return n;
    }
    if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {
      size_t e = p_;
      while (e < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[e])) || s_[e] == '.')) e++;
      if (e < s_.size() && (s_[e] == 'e' || s_[e] == 'E')) {
        e++;
        if (e < s_.size() && (s_[e] == '+' || s_[e] == '-')) e++;
        while (e < s_.size() && std::isdigit(static_cast<unsigned char>(s_[e]))) e++;
      }
      auto n = Make(PathNode::Type::kLiteral);
      n->literal = JsonNode::Number(Numeric::Parse(s_.substr(p_, e - p_)).ToString());
      p_ = e;
      return n;
    }
    if (Word("true") || Word("false")) {
      auto n = Make(PathNode::Type::kLiteral);
      n->literal = JsonNode::Bool(s_[p_ - 1] == 'e' && s_[p_ - 2] == 'u');
      return n;
    }
    if (Word("null")) return Make(PathNode::Type::kLiteral);
    if (Word("last")) return Make(PathNode::Type::kLast);
    if (Word("exists")) {
      auto n = Make(PathNode::Type::kExists);
      Expect("(");
      n->args.push_back(Or());
      Expect(")");
      return n;
    }
    SyntaxError("syntax error at or near \"" + std::string(s_.substr(p_, 1)) + "\" of jsonpath input");
  }
  PathPtr Accessors(PathPtr base) {
    for (;;) {
      PathPtr n;
      if (Peek(".") && !(p_ + 1 < s_.size() && std::isdigit(static_cast<unsigned char>(s_[p_ + 1])))) {
        Eat(".");
        Space();
        if (Eat("*")) {
          n = Make(PathNode::Type::kAnyKey);
        } else if (p_ < s_.size() && s_[p_] == '"') {
          n = Make(PathNode::Type::kKey, String());
        } else {
          std::string id = Ident();
          if (Eat("(")) {
            Expect(")");
            static const char* const kMethods[] = {"type", "size", "double", "abs", "floor", "ceiling"};
            bool known = false;
            for (const char* m : kMethods) known |= id == m;
            if (!known) SyntaxError("jsonpath method " + id + "() is not supported");
            n = Make(PathNode::Type::kMethod, id);
          } else {
            n = Make(PathNode::Type::kKey, id);
          }
        }
      } else if (Eat("[")) {
        if (Eat("*")) {
          Expect("]");
          n = Make(PathNode::Type::kAnyIndex);
        } else {
          n = Make(PathNode::Type::kIndex);
          do {
            PathPtr from = Or();
            PathPtr to;
            if (Word("to")) to = Or();
            n->subscripts.emplace_back(std::move(from), std::move(to));
          } while (Eat(","));
          Expect("]");
        }
      } else if (Eat("?")) {
        n = Make(PathNode::Type::kFilter);
        Expect("(");
        n->args.push_back(Or());
        Expect(")");
        n->args.insert(n->args.begin(), nullptr);  // base goes first
        n->args[0] = std::move(base);
        base = std::move(n);
        continue;
      } else {
        return base;
      }
      n->args.insert(n->args.begin(), std::move(base));
      base = std::move(n);
    }
  }

  std::string_view s_;
  size_t p_ = 0;
  int depth_ = 0;
};

// Evaluation errors that a lax comparison or a silent call swallows.
struct PathError {
  PgError error;
};

enum class Tri { kFalse, kTrue, kUnknown };

class Evaluator {
 public:
  Evaluator(const JsonNode& root, const JsonNode* vars, bool strict) : root_(root), vars_(vars), strict_(strict) {}

  std::vector<JsonNode> Eval(const PathNode& n, const JsonNode& cur) {
    using T = PathNode::Type;
    std::vector<JsonNode> out;
    switch (n.type) {
      case T::kRoot: out.push_back(root_); break;
      case T::kCurrent: out.push_back(cur); break;
      case T::kLiteral: out.push_back(n.literal); break;
      case T::kLast: {
        if (last_ < 0) Fail(sqlstate::kSyntaxError, "LAST is allowed only in array subscripts");
        out.push_back(JsonNode::Number(std::to_string(last_)));
        break;
      }
      case T::kVar: {
        const JsonNode* v = vars_ != nullptr ? vars_->Field(n.name) : nullptr;
        if (v == nullptr) throw PgError(sqlstate::kUndefinedObject, "could not find jsonpath variable \"" + n.name + "\"");
        out.push_back(*v);
        break;
      }
      case T::kKey:
      case T::kAnyKey:
        for (const auto& b : Eval(*n.args[0], cur)) Member(n, b, &out, true);
        break;
      case T::kAnyIndex:
        for (const auto& b : Eval(*n.args[0], cur)) {
          if (b.kind == Kind::kArray) out.insert(out.end(), b.items.begin(), b.items.end());
          else if (!strict_) out.push_back(b);
          else Fail("22039", "jsonpath wildcard array accessor can only be applied to an array");
        }
        break;
      case T::kIndex:
        for (const auto& b : Eval(*n.args[0], cur)) Index(n, b, &out);
        break;
      case T::kFilter:
        for (const auto& b : Eval(*n.args[0], cur)) {
          if (b.kind == Kind::kArray && !strict_) {
            for (const auto& e : b.items) {
              if (Pred(*n.args[1], e) == Tri::kTrue) out.push_back(e);
            }
          } else if (Pred(*n.args[1], b) == Tri::kTrue) {
            out.push_back(b);
          }
        }
        break;
      case T::kMethod:
        for (const auto& b : Eval(*n.args[0], cur)) Method(n.name, b, &out);
        break;
      case T::kUnary:
      case T::kBinary:
        if (n.name == "&&" || n.name == "||" || n.name[0] == '=' || n.name[0] == '!' || n.name[0] == '<' ||
            n.name[0] == '>') {
          out.push_back(TriNode(Pred(n, cur)));
        } else {
          out.push_back(Arith(n, cur));
        }
        break;
      case T::kExists:
      case T::kNot:
      case T::kIsUnknown:
      case T::kStartsWith: out.push_back(TriNode(Pred(n, cur))); break;
    }
    return out;
  }

  Tri Pred(const PathNode& n, const JsonNode& cur) {
    using T = PathNode::Type;
    try {
      switch (n.type) {
        case T::kNot: {
          const Tri t = Pred(*n.args[0], cur);
          return t == Tri::kUnknown ? t : t == Tri::kTrue ? Tri::kFalse : Tri::kTrue;
        }
        case T::kIsUnknown: return Pred(*n.args[0], cur) == Tri::kUnknown ? Tri::kTrue : Tri::kFalse;
        case T::kExists: {
          try {
            return Eval(*n.args[0], cur).empty() ? Tri::kFalse : Tri::kTrue;
          } catch (const PathError&) {
            return Tri::kUnknown;
          }
        }
        case T::kStartsWith: return Compare(n, cur);
        case T::kBinary:
          if (n.name == "&&" || n.name == "||") {
            const Tri l = Pred(*n.args[0], cur);
            if (n.name == "&&" && l == Tri::kFalse) return l;
            if (n.name == "||" && l == Tri::kTrue) return l;
            const Tri r = Pred(*n.args[1], cur);
            if (n.name == "&&") return r == Tri::kFalse ? r : (l == Tri::kUnknown || r == Tri::kUnknown) ? Tri::kUnknown : Tri::kTrue;
            return r == Tri::kTrue ? r : (l == Tri::kUnknown || r == Tri::kUnknown) ? Tri::kUnknown : Tri::kFalse;
          }
          if (n.name == "==" || n.name == "!=" || n.name == "<" || n.name == "<=" || n.name == ">" || n.name == ">=") {
            return Compare(n, cur);
          }
          break;
        default: break;
      }
      // Any other expression as a predicate: its single boolean value.
      const auto v = Eval(n, cur);
      if (v.size() == 1 && v[0].kind == Kind::kBool) return v[0].boolean ? Tri::kTrue : Tri::kFalse;
      return Tri::kUnknown;
    } catch (const PathError&) {
      return Tri::kUnknown;
    }
  }

 private:
  [[noreturn]] void Fail(const char* code, const std::string& msg) { throw PathError{PgError(code, msg)}; }

  static JsonNode TriNode(Tri t) { return t == Tri::kUnknown ? JsonNode::Null() : JsonNode::Bool(t == Tri::kTrue); }

  // Lax mode unwraps arrays (one level) in comparison and arithmetic operands.
  std::vector<JsonNode> Operand(const PathNode& n, const JsonNode& cur) {
    std::vector<JsonNode> v = Eval(n, cur);
    if (strict_) return v;
    std::vector<JsonNode> out;
    for (auto& x : v) {
      if (x.kind == Kind::kArray) out.insert(out.end(), x.items.begin(), x.items.end());
      else out.push_back(std::move(x));
    }
    return out;
  }

  Tri Compare(const PathNode& n, const JsonNode& cur) {
    const auto l = Operand(*n.args[0], cur);
    const auto r = Operand(*n.args[1], cur);
    bool error = false, found = false;
    for (const auto& a : l) {
      for (const auto& b : r) {
        const Tri t = CompareItems(n, a, b);
        if (t == Tri::kUnknown) {
          if (strict_) return t;
          error = true;
        } else if (t == Tri::kTrue) {
          if (!strict_) return t;
          found = true;
        }
      }
    }
    return found ? Tri::kTrue : error ? Tri::kUnknown : Tri::kFalse;
  }

  static Tri CompareItems(const PathNode& n, const JsonNode& a, const JsonNode& b) {
    if (n.type == PathNode::Type::kStartsWith) {
      if (a.kind != Kind::kString || b.kind != Kind::kString) return Tri::kUnknown;
      return a.text.starts_with(b.text) ? Tri::kTrue : Tri::kFalse;
    }
    int c = 0;
    if (a.kind != b.kind) {
      if (a.kind != Kind::kNull && b.kind != Kind::kNull) return Tri::kUnknown;
      return (n.name == "!=") ? Tri::kTrue : Tri::kFalse;  // null equals only null
    }
    switch (a.kind) {
      case Kind::kNull: c = 0; break;
      case Kind::kBool: c = a.boolean == b.boolean ? 0 : a.boolean ? 1 : -1; break;
      case Kind::kNumber: c = Numeric::Compare(Numeric::Parse(a.text), Numeric::Parse(b.text)); break;
      case Kind::kString: c = a.text.compare(b.text); break;
      default: return Tri::kUnknown;  // arrays and objects do not compare
    }
    const std::string& op = n.name;
    const bool r = op == "==" ? c == 0 : op == "!=" ? c != 0 : op == "<" ? c < 0 : op == "<=" ? c <= 0 : op == ">" ? c > 0 : c >= 0;
    return r ? Tri::kTrue : Tri::kFalse;
  }

  JsonNode Arith(const PathNode& n, const JsonNode& cur) {
    auto number = [&](const PathNode& operand, const char* which) {
      const auto v = Operand(operand, cur);
      if (v.size() != 1 || v[0].kind != Kind::kNumber) {
        Fail("22038", std::string(which) + " operand of jsonpath operator " + n.name + " is not a single numeric value");
      }
      return Numeric::Parse(v[0].text);
    };
    if (n.type == PathNode::Type::kUnary) {
      return JsonNode::Number(number(*n.args[0], "operand").Negate().ToString());
    }
    const Numeric a = number(*n.args[0], "left"), b = number(*n.args[1], "right");
    Numeric r;
    try {
      switch (n.name[0]) {
        case '+': r = Numeric::Add(a, b); break;
        case '-': r = Numeric::Sub(a, b); break;
        case '*': r = Numeric::Mul(a, b); break;
        case '/': r = Numeric::Div(a, b); break;
        default: r = Numeric::Mod(a, b); break;
      }
    } catch (const PgError& e) {
      throw PathError{e};
    }
    return JsonNode::Number(r.ToString());
  }

  void Member(const PathNode& n, const JsonNode& b, std::vector<JsonNode>* out, bool unwrap) {
    if (b.kind == Kind::kArray && !strict_ && unwrap) {
      for (const auto& e : b.items) Member(n, e, out, false);
      return;
    }
    if (b.kind != Kind::kObject) {
      if (strict_) {
        Fail("2203A", n.type == PathNode::Type::kAnyKey ? "jsonpath wildcard member accessor can only be applied to an object"
                                                        : "jsonpath member accessor can only be applied to an object");
      }
      return;
    }
    if (n.type == PathNode::Type::kAnyKey) {
      out->insert(out->end(), b.items.begin(), b.items.end());
      return;
    }
    const JsonNode* v = b.Field(n.name);
    if (v != nullptr) out->push_back(*v);
    else if (strict_) Fail("2203A", "JSON object does not contain key \"" + n.name + "\"");
  }

  int64_t Subscript(const PathNode& e, const JsonNode& cur) {
    const auto v = Eval(e, cur);
    if (v.size() != 1 || v[0].kind != Kind::kNumber) Fail("22033", "jsonpath array subscript is not a single numeric value");
    return Numeric::Parse(v[0].text).Trunc().ToInt64();
  }

  void Index(const PathNode& n, const JsonNode& b, std::vector<JsonNode>* out) {
    JsonNode wrapped;
    const JsonNode* arr = &b;
    if (b.kind != Kind::kArray) {
      if (strict_) Fail("22039", "jsonpath array accessor can only be applied to an array");
      wrapped.kind = Kind::kArray;
      wrapped.items.push_back(b);
      arr = &wrapped;
    }
    const int64_t size = static_cast<int64_t>(arr->items.size());
    const int64_t saved = last_;
    last_ = size - 1;
    for (const auto& [from_e, to_e] : n.subscripts) {
      const int64_t from = Subscript(*from_e, b);
      const int64_t to = to_e ? Subscript(*to_e, b) : from;
      if (strict_ && (from < 0 || from >= size || to < 0 || to >= size || from > to)) {
        last_ = saved;
        Fail("22033", "jsonpath array subscript is out of bounds");
      }
      for (int64_t i = std::max<int64_t>(from, 0); i <= std::min(to, size - 1); i++) {
        out->push_back(arr->items[static_cast<size_t>(i)]);
      }
    }
    last_ = saved;
  }

  void Method(const std::string& m, const JsonNode& b, std::vector<JsonNode>* out) {
    if (m == "type") {
      static const char* const kNames[] = {"null", "string", "number", "boolean", "array", "object"};
      out->push_back(JsonNode::String(kNames[static_cast<int>(b.kind)]));
      return;
    }
    if (m == "size") {
      if (b.kind != Kind::kArray && strict_) Fail("22039", "jsonpath item method .size() can only be applied to an array");
      out->push_back(JsonNode::Number(std::to_string(b.kind == Kind::kArray ? b.items.size() : 1)));
      return;
    }
    if (b.kind == Kind::kArray && !strict_) {
      for (const auto& e : b.items) Method(m, e, out);
      return;
    }
    if (m == "double") {
      if (b.kind == Kind::kNumber) {
        out->push_back(b);
        return;
      }
      if (b.kind == Kind::kString) {
        try {
          const Numeric x = Numeric::Parse(b.text);
          if (!x.is_finite()) throw PgError(sqlstate::kInvalidParameterValue, "");
          out->push_back(JsonNode::Number(x.ToString()));
          return;
        } catch (const PgError&) {
          Fail("22032", "string argument of jsonpath item method .double() is not a valid representation of a double precision number");
        }
      }
      Fail("22032", "jsonpath item method .double() can only be applied to a string or numeric value");
    }
    if (b.kind != Kind::kNumber) Fail("22038", "jsonpath item method ." + m + "() can only be applied to a numeric value");
    const Numeric x = Numeric::Parse(b.text);
    const Numeric r = m == "abs" ? x.Abs() : m == "floor" ? x.Floor() : x.Ceil();
    out->push_back(JsonNode::Number(r.ToString()));
  }

  const JsonNode& root_;
  const JsonNode* vars_;
  bool strict_;
  int64_t last_ = -1;
};

}  // namespace

JsonPathResult JsonPathQuery(const JsonNode& target, std::string_view path, const JsonNode* vars, bool silent) {
  bool strict = false;
  const PathPtr expr = PathParser(path).Parse(&strict);
  if (vars != nullptr && vars->kind != Kind::kObject) {
    throw PgError(sqlstate::kInvalidParameterValue, "\"vars\" argument is not an object", "",
                  "Jsonpath parameters should be encoded as key-value pairs of \"vars\" object.");
  }
  JsonPathResult r;
  try {
    r.items = Evaluator(target, vars, strict).Eval(*expr, target);
  } catch (const PathError& e) {
    if (!silent) throw e.error;
    r.failed = true;
  }
  return r;
}

}  // namespace immu::sql
