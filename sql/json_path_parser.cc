// The jsonpath parser: see json_path_internal.h.

#include <cctype>

#include "catalog/pg_error.h"
#include "sql/json_path_internal.h"
#include "sql/numeric.h"

namespace immu::sql::jsonpath {

namespace {

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

}  // namespace

PathPtr ParsePath(std::string_view text, bool* strict) { return PathParser(text).Parse(strict); }

}  // namespace immu::sql::jsonpath
