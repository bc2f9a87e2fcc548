// jsonpath parsing and evaluation: see json_path.h. Follows PostgreSQL 15's
// jsonpath_exec.c for lax/strict behaviour and the three-valued predicates.

#include "sql/json_path.h"

#include <memory>
#include <string>

#include "catalog/pg_error.h"
#include "sql/json_path_internal.h"
#include "sql/numeric.h"

namespace immu::sql {

namespace {

using Kind = JsonNode::Kind;
using jsonpath::PathNode;
using jsonpath::PathPtr;

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
  const PathPtr expr = jsonpath::ParsePath(path, &strict);
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
