// json/jsonb operators and scalar functions: see json_functions.h.

#include "sql/json_functions.h"

#include "catalog/pg_error.h"
#include "sql/json.h"
#include "sql/json_edit.h"
#include "sql/json_path.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

using Kind = JsonNode::Kind;

bool IsJson(uint32_t t) { return t == oid::kJson || t == oid::kJsonb; }
bool IsIntegerType(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8; }

// The document of a json or jsonb value (jsonb normalised).
JsonNode Parse(const Value& v) { return v.type == oid::kJson ? ParseJson(v.s) : ParseJsonb(v.s); }

Value Jsonb(const JsonNode& n) { return Value::Str(oid::kJsonb, JsonbText(n)); }

// A sub-value of doc as the operators return it: of doc's type (json keeps
// its verbatim text), or as text (->>, #>>: strings unquoted, null NULL).
Value Extracted(const Value& doc, const JsonNode* n, bool as_text) {
  if (n == nullptr) return Value::Null(as_text ? oid::kText : doc.type);
  if (as_text) {
    if (n->kind == Kind::kNull) return Value::Null(oid::kText);
    if (n->kind == Kind::kString) return Value::Str(oid::kText, n->text);
  }
  std::string text = doc.type == oid::kJson ? std::string(JsonSlice(doc.s, *n)) : JsonbText(*n);
  return Value::Str(as_text ? oid::kText : doc.type, std::move(text));
}

// ---- extraction operators -----------------------------------------------------

Value FieldOp(std::span<const Value> a, bool as_text) {
  const JsonNode root = Parse(a[0]);
  const JsonNode* n = IsIntegerType(a[1].type) ? JsonIndex(root, a[1].i) : root.Field(a[1].s);
  return Extracted(a[0], n, as_text);
}
Value Arrow(std::span<const Value> a, EvalContext&) { return FieldOp(a, false); }
Value ArrowText(std::span<const Value> a, EvalContext&) { return FieldOp(a, true); }

Value PathOp(std::span<const Value> a, size_t first, bool as_text) {
  const JsonNode root = Parse(a[0]);
  const JsonNode* n = &root;
  auto step = [&](const Value& p) {
    if (n != nullptr) n = p.null ? nullptr : JsonStep(*n, p.s);
  };
  if (first == 1 && a[1].arr) {
    for (const Value& p : *a[1].arr) step(p);
  } else {
    for (size_t i = first; i < a.size(); i++) step(a[i]);
  }
  return Extracted(a[0], n, as_text);
}
Value HashArrow(std::span<const Value> a, EvalContext&) { return PathOp(a, 1, false); }
Value HashArrowText(std::span<const Value> a, EvalContext&) { return PathOp(a, 1, true); }
// json(b)_extract_path(doc, VARIADIC path): one argument per step.
Value ExtractPath(std::span<const Value> a, EvalContext&) { return PathOp(a, 1, false); }
Value ExtractPathText(std::span<const Value> a, EvalContext&) { return PathOp(a, 1, true); }

Value Subscript(std::span<const Value> a, EvalContext&) {
  const JsonNode root = Parse(a[0]);
  return Extracted(a[0], JsonStep(root, a[1].s), false);
}

// ---- jsonb-only operators -------------------------------------------------------

Value Contains(std::span<const Value> a, EvalContext&) { return Value::Bool(JsonbContains(Parse(a[0]), Parse(a[1]))); }
Value ContainedBy(std::span<const Value> a, EvalContext&) { return Value::Bool(JsonbContains(Parse(a[1]), Parse(a[0]))); }

// jsonb ? key: a top-level object key or string array element.
bool HasKey(const JsonNode& root, std::string_view key) {
  if (root.kind == Kind::kObject) return root.Field(key) != nullptr;
  if (root.kind == Kind::kString) return root.text == key;
  if (root.kind != Kind::kArray) return false;
  for (const auto& e : root.items) {
    if (e.kind == Kind::kString && e.text == key) return true;
  }
  return false;
}
Value Exists(std::span<const Value> a, EvalContext&) { return Value::Bool(HasKey(Parse(a[0]), a[1].s)); }
// ?| and ?&: NULL keys are ignored.
Value ExistsAny(std::span<const Value> a, EvalContext&) {
  const JsonNode root = Parse(a[0]);
  for (const auto& k : *a[1].arr) {
    if (!k.null && HasKey(root, k.s)) return Value::Bool(true);
  }
  return Value::Bool(false);
}
Value ExistsAll(std::span<const Value> a, EvalContext&) {
  const JsonNode root = Parse(a[0]);
  for (const auto& k : *a[1].arr) {
    if (!k.null && !HasKey(root, k.s)) return Value::Bool(false);
  }
  return Value::Bool(true);
}

Value ConcatOp(std::span<const Value> a, EvalContext&) { return Jsonb(JsonbConcat(Parse(a[0]), Parse(a[1]))); }

Value DeleteKey(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  JsonbDeleteKey(&root, a[1].s);
  return Jsonb(root);
}
Value DeleteKeys(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  if (!root.is_container()) throw PgError(sqlstate::kInvalidParameterValue, "cannot delete from scalar");
  for (const auto& k : *a[1].arr) {
    if (!k.null) JsonbDeleteKey(&root, k.s);
  }
  return Jsonb(root);
}
Value DeleteIndex(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  JsonbDeleteIndex(&root, a[1].i);
  return Jsonb(root);
}
Value DeletePath(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  if (!root.is_container()) throw PgError(sqlstate::kInvalidParameterValue, "cannot delete path in scalar");
  JsonbSetPath(&root, *a[1].arr, nullptr, JsonPathOp::kDelete);
  return Jsonb(root);
}

// ---- functions ------------------------------------------------------------------------

Value TypeOf(std::span<const Value> a, EvalContext&) {
  static const char* const kNames[] = {"null", "string", "number", "boolean", "array", "object"};
  return Value::Str(oid::kText, kNames[static_cast<int>(Parse(a[0]).kind)]);
}

Value ArrayLength(std::span<const Value> a, EvalContext&) {
  const JsonNode root = Parse(a[0]);
  if (root.kind != Kind::kArray) {
    throw PgError(sqlstate::kInvalidParameterValue, root.kind == Kind::kObject ? "cannot get array length of a non-array"
                                                                               : "cannot get array length of a scalar");
  }
  return Value::Int(oid::kInt4, static_cast<int64_t>(root.items.size()));
}

// The key of json(b)_build_object's pair `pos` (1-based argument number).
std::string ObjectKey(const Value& k, size_t pos, const ValueContext& vc) {
  if (k.null) {
    throw PgError(sqlstate::kInvalidParameterValue, "argument " + std::to_string(pos) + ": key must not be null");
  }
  if (IsJson(k.type) || k.arr) {
    throw PgError(sqlstate::kInvalidParameterValue, "key value must be scalar, not array, composite, or json");
  }
  if (k.type == oid::kBool) return k.i ? "true" : "false";
  return IsStringCategory(k.type) ? k.s : ToText(k, vc);
}

Value BuildObject(std::span<const Value> a, EvalContext& ctx, uint32_t type) {
  if (a.size() % 2 != 0) {
    throw PgError(sqlstate::kInvalidParameterValue, "argument list must have even number of elements", "",
                  std::string("The arguments of ") + (type == oid::kJson ? "json" : "jsonb") +
                      "_build_object() must consist of alternating keys and values.");
  }
  std::string out = "{";
  for (size_t i = 0; i < a.size(); i += 2) {
    if (i > 0) out += ", ";
    AppendJsonString(ObjectKey(a[i], i + 1, ctx.vc), &out);
    out += " : ";
    AppendJsonValue(a[i + 1], ctx.vc, &out);
  }
  out += "}";
  return Value::Str(type, type == oid::kJsonb ? CanonicalJsonb(out) : out);
}
Value JsonBuildObject(std::span<const Value> a, EvalContext& ctx) { return BuildObject(a, ctx, oid::kJson); }
Value JsonbBuildObject(std::span<const Value> a, EvalContext& ctx) { return BuildObject(a, ctx, oid::kJsonb); }

Value BuildArray(std::span<const Value> a, EvalContext& ctx, uint32_t type) {
  std::string out = "[";
  for (size_t i = 0; i < a.size(); i++) {
    if (i > 0) out += ", ";
    AppendJsonValue(a[i], ctx.vc, &out);
  }
  out += "]";
  return Value::Str(type, type == oid::kJsonb ? CanonicalJsonb(out) : out);
}
Value JsonBuildArray(std::span<const Value> a, EvalContext& ctx) { return BuildArray(a, ctx, oid::kJson); }
Value JsonbBuildArray(std::span<const Value> a, EvalContext& ctx) { return BuildArray(a, ctx, oid::kJsonb); }

Value ToJson(std::span<const Value> a, EvalContext& ctx) {
  std::string out;
  AppendJsonValue(a[0], ctx.vc, &out);
  return Value::Str(oid::kJson, std::move(out));
}
Value ToJsonb(std::span<const Value> a, EvalContext& ctx) {
  std::string out;
  AppendJsonValue(a[0], ctx.vc, &out);
  return Value::Str(oid::kJsonb, CanonicalJsonb(out));
}

// jsonb_set(target, path, new_value [, create_if_missing]).
Value JsonbSet(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  if (!root.is_container()) throw PgError(sqlstate::kInvalidParameterValue, "cannot set path in scalar");
  const JsonNode nv = Parse(a[2]);
  const bool create = a.size() < 4 || a[3].boolean();
  JsonbSetPath(&root, *a[1].arr, &nv, create ? JsonPathOp::kCreate : JsonPathOp::kReplace);
  return Jsonb(root);
}
// jsonb_set_lax(target, path, new_value [, create_if_missing
// [, null_value_treatment]]): not strict, a NULL new_value is handled as
// the treatment says.
Value JsonbSetLax(std::span<const Value> a, EvalContext& ctx) {
  if (a[0].null || a[1].null || (a.size() > 3 && a[3].null)) return Value::Null(oid::kJsonb);
  const std::string treatment = a.size() > 4 ? (a[4].null ? "" : a[4].s) : "use_json_null";
  if (treatment != "delete_key" && treatment != "return_target" && treatment != "use_json_null" &&
      treatment != "raise_exception") {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "null_value_treatment must be \"delete_key\", \"return_target\", \"use_json_null\", or "
                  "\"raise_exception\"");
  }
  if (!a[2].null) return JsonbSet(a.first(a.size() > 3 ? 4 : 3), ctx);
  if (treatment == "raise_exception") {
    throw PgError(sqlstate::kNullValueNotAllowed, "JSON value must not be null",
                  "Exception was raised because null_value_treatment is \"raise_exception\".",
                  "To avoid, either change the null_value_treatment argument or ensure that an SQL NULL is not passed.");
  }
  if (treatment == "return_target") return a[0];
  if (treatment == "delete_key") return DeletePath(a.first(2), ctx);
  std::vector<Value> args(a.begin(), a.end());
  args[2] = Value::Str(oid::kJsonb, "null");
  return JsonbSet(std::span<const Value>(args.data(), std::min<size_t>(args.size(), 4)), ctx);
}

// json(b)_object(text[]) with alternating keys and values, or
// json(b)_object(keys text[], values text[]); values are strings.
Value JsonObject(std::span<const Value> a, uint32_t type) {
  std::vector<std::pair<const Value*, const Value*>> pairs;
  if (a.size() == 1) {
    if (a[0].arr->size() % 2 != 0) throw PgError("2202E", "array must have even number of elements");
    for (size_t i = 0; i < a[0].arr->size(); i += 2) pairs.emplace_back(&(*a[0].arr)[i], &(*a[0].arr)[i + 1]);
  } else {
    if (a[0].arr->size() != a[1].arr->size()) throw PgError("2202E", "mismatched array dimensions");
    for (size_t i = 0; i < a[0].arr->size(); i++) pairs.emplace_back(&(*a[0].arr)[i], &(*a[1].arr)[i]);
  }
  std::string out = "{";
  for (size_t i = 0; i < pairs.size(); i++) {
    if (pairs[i].first->null) throw PgError(sqlstate::kNullValueNotAllowed, "null value not allowed for object key");
    if (i > 0) out += ", ";
    AppendJsonString(pairs[i].first->s, &out);
    out += " : ";
    if (pairs[i].second->null) out += "null";
    else AppendJsonString(pairs[i].second->s, &out);
  }
  out += "}";
  return Value::Str(type, type == oid::kJsonb ? CanonicalJsonb(out) : out);
}
Value JsonObjectFn(std::span<const Value> a, EvalContext&) { return JsonObject(a, oid::kJson); }
Value JsonbObjectFn(std::span<const Value> a, EvalContext&) { return JsonObject(a, oid::kJsonb); }

// jsonb_insert(target, path, new_value [, insert_after]).
Value JsonbInsert(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  if (!root.is_container()) throw PgError(sqlstate::kInvalidParameterValue, "cannot set path in scalar");
  const JsonNode nv = Parse(a[2]);
  const bool after = a.size() > 3 && a[3].boolean();
  JsonbSetPath(&root, *a[1].arr, &nv, after ? JsonPathOp::kInsertAfter : JsonPathOp::kInsertBefore);
  return Jsonb(root);
}

// json_strip_nulls prints the document again without whitespace, keeping
// scalars as written; jsonb_strip_nulls yields canonical jsonb.
void AppendCompactJson(std::string_view doc, const JsonNode& n, std::string* out) {
  if (!n.is_container()) {
    *out += JsonSlice(doc, n);
    return;
  }
  const bool obj = n.kind == Kind::kObject;
  out->push_back(obj ? '{' : '[');
  for (size_t i = 0; i < n.items.size(); i++) {
    if (i > 0) out->push_back(',');
    if (obj) {
      AppendJsonString(n.keys[i], out);
      out->push_back(':');
    }
    AppendCompactJson(doc, n.items[i], out);
  }
  out->push_back(obj ? '}' : ']');
}
Value StripNulls(std::span<const Value> a, EvalContext&) {
  JsonNode root = Parse(a[0]);
  JsonStripNulls(&root);
  if (a[0].type == oid::kJsonb) return Jsonb(root);
  std::string out;
  AppendCompactJson(a[0].s, root, &out);
  return Value::Str(oid::kJson, std::move(out));
}

Value Pretty(std::span<const Value> a, EvalContext&) { return Value::Str(oid::kText, JsonbPretty(Parse(a[0]))); }

// ---- jsonpath ----------------------------------------------------------------------------

// Arguments (target, path [, vars [, silent]]); silent_default for @? and @@.
JsonPathResult RunPath(std::span<const Value> a, bool silent_default) {
  const JsonNode vars = a.size() > 2 ? ParseJsonb(a[2].s) : JsonNode();
  const bool silent = a.size() > 3 ? a[3].boolean() : silent_default;
  return JsonPathQuery(ParseJsonb(a[0].s), a[1].s, a.size() > 2 ? &vars : nullptr, silent);
}
Value PathExists(std::span<const Value> a, bool silent) {
  const JsonPathResult r = RunPath(a, silent);
  return r.failed ? Value::Null(oid::kBool) : Value::Bool(!r.items.empty());
}
Value PathMatch(std::span<const Value> a, bool silent) {
  const JsonPathResult r = RunPath(a, silent);
  if (!r.failed && r.items.size() == 1) {
    if (r.items[0].kind == Kind::kBool) return Value::Bool(r.items[0].boolean);
    if (r.items[0].kind == Kind::kNull) return Value::Null(oid::kBool);
  }
  if (!r.failed && !(a.size() > 3 ? a[3].boolean() : silent)) {
    throw PgError("22038", "single boolean result is expected");
  }
  return Value::Null(oid::kBool);
}
Value PathExistsFn(std::span<const Value> a, EvalContext&) { return PathExists(a, false); }
Value PathExistsOp(std::span<const Value> a, EvalContext&) { return PathExists(a, true); }
Value PathMatchFn(std::span<const Value> a, EvalContext&) { return PathMatch(a, false); }
Value PathMatchOp(std::span<const Value> a, EvalContext&) { return PathMatch(a, true); }
Value PathQueryArray(std::span<const Value> a, EvalContext&) {
  JsonNode arr;
  arr.kind = Kind::kArray;
  arr.items = RunPath(a, false).items;
  return Jsonb(arr);
}
Value PathQueryFirst(std::span<const Value> a, EvalContext&) {
  const JsonPathResult r = RunPath(a, false);
  return r.items.empty() ? Value::Null(oid::kJsonb) : Jsonb(r.items[0]);
}

struct FnEntry {
  const char* name;
  ScalarFn fn;
  uint32_t result;
  std::vector<uint32_t> args;
};

const std::vector<FnEntry>& Functions() {
  static const std::vector<FnEntry> kFns = {
      {"json_typeof", TypeOf, oid::kText, {oid::kJson}},
      {"jsonb_typeof", TypeOf, oid::kText, {oid::kJsonb}},
      {"json_array_length", ArrayLength, oid::kInt4, {oid::kJson}},
      {"jsonb_array_length", ArrayLength, oid::kInt4, {oid::kJsonb}},
      {"jsonb_set", JsonbSet, oid::kJsonb, {oid::kJsonb, oid::kTextArray, oid::kJsonb}},
      {"jsonb_set", JsonbSet, oid::kJsonb, {oid::kJsonb, oid::kTextArray, oid::kJsonb, oid::kBool}},
      {"jsonb_insert", JsonbInsert, oid::kJsonb, {oid::kJsonb, oid::kTextArray, oid::kJsonb}},
      {"jsonb_insert", JsonbInsert, oid::kJsonb, {oid::kJsonb, oid::kTextArray, oid::kJsonb, oid::kBool}},
      {"json_strip_nulls", StripNulls, oid::kJson, {oid::kJson}},
      {"jsonb_strip_nulls", StripNulls, oid::kJsonb, {oid::kJsonb}},
      {"jsonb_pretty", Pretty, oid::kText, {oid::kJsonb}},
      {"json_object", JsonObjectFn, oid::kJson, {oid::kTextArray}},
      {"json_object", JsonObjectFn, oid::kJson, {oid::kTextArray, oid::kTextArray}},
      {"jsonb_object", JsonbObjectFn, oid::kJsonb, {oid::kTextArray}},
      {"jsonb_object", JsonbObjectFn, oid::kJsonb, {oid::kTextArray, oid::kTextArray}},
  };
  // jsonb_path_*(target, path [, vars [, silent]]).
  static const std::vector<FnEntry> kPathFns = [] {
    std::vector<FnEntry> v = kFns;
    const std::vector<uint32_t> full = {oid::kJsonb, oid::kText, oid::kJsonb, oid::kBool};
    const std::pair<const char*, std::pair<ScalarFn, uint32_t>> fns[] = {
        {"jsonb_path_exists", {PathExistsFn, oid::kBool}},
        {"jsonb_path_match", {PathMatchFn, oid::kBool}},
        {"jsonb_path_query_array", {PathQueryArray, oid::kJsonb}},
        {"jsonb_path_query_first", {PathQueryFirst, oid::kJsonb}},
    };
    for (const auto& [name, fr] : fns) {
      for (size_t n = 2; n <= 4; n++) v.push_back({name, fr.first, fr.second, {full.begin(), full.begin() + n}});
    }
    return v;
  }();
  return kPathFns;
  return kFns;
}

}  // namespace

std::unique_ptr<Expr> BindJsonbSubscript(std::unique_ptr<Expr> base, std::unique_ptr<Expr> key) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kFunc;
  e->type = oid::kJsonb;
  e->fn = Subscript;
  e->name = base->name;
  e->location = base->location;
  e->args.push_back(std::move(base));
  e->args.push_back(std::move(key));
  return e;
}

bool ResolveJsonOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if (left == 0 || (!IsJson(left) && !IsJson(right))) return false;
  const bool cmp = op == "=" || op == "<>" || op == "!=" || op == "<" || op == "<=" || op == ">" || op == ">=";
  // json has no comparison operators at all; jsonb's go through
  // CompareValues (the generic path).
  if (cmp) {
    if (left == oid::kJson || right == oid::kJson) {
      throw PgError(sqlstate::kUndefinedFunction,
                    "operator does not exist: " + FormatType(left, -1) + " " + std::string(op) + " " +
                        FormatType(right, -1),
                    "", "No operator matches the given name and argument types. You might need to add explicit type casts.");
    }
    return false;
  }
  const uint32_t t = left;
  const bool text_right = IsStringCategory(right);
  if (IsJson(t)) {
    if (op == "->" || op == "->>") {
      const ScalarFn f = op == "->" ? Arrow : ArrowText;
      const uint32_t result = op == "->" ? t : oid::kText;
      if (IsIntegerType(right)) *out = {f, result, {t, oid::kInt4}};
      else if (text_right) *out = {f, result, {t, oid::kText}};
      else return false;
      return true;
    }
    if ((op == "#>" || op == "#>>") && (right == oid::kTextArray || right == oid::kUnknown)) {
      *out = {op == "#>" ? HashArrow : HashArrowText, op == "#>" ? t : oid::kText, {t, oid::kTextArray}};
      return true;
    }
  }
  if (t != oid::kJsonb && !(t == oid::kUnknown && right == oid::kJsonb)) return false;
  const uint32_t jb = oid::kJsonb;
  if ((op == "@>" || op == "<@") && (right == jb || right == oid::kUnknown)) {
    *out = {op == "@>" ? Contains : ContainedBy, oid::kBool, {jb, jb}};
    return true;
  }
  if (op == "||" && (right == jb || right == oid::kUnknown || t == oid::kUnknown)) {
    *out = {ConcatOp, jb, {jb, jb}};
    return true;
  }
  if (t != jb) return false;
  if (op == "?" && text_right) {
    *out = {Exists, oid::kBool, {jb, oid::kText}};
    return true;
  }
  if ((op == "?|" || op == "?&") && (right == oid::kTextArray || right == oid::kUnknown)) {
    *out = {op == "?|" ? ExistsAny : ExistsAll, oid::kBool, {jb, oid::kTextArray}};
    return true;
  }
  if (op == "-") {
    if (IsIntegerType(right)) *out = {DeleteIndex, jb, {jb, oid::kInt4}};
    else if (text_right) *out = {DeleteKey, jb, {jb, oid::kText}};
    else if (right == oid::kTextArray) *out = {DeleteKeys, jb, {jb, oid::kTextArray}};
    else return false;
    return true;
  }
  if ((op == "@?" || op == "@@") && text_right) {
    *out = {op == "@?" ? PathExistsOp : PathMatchOp, oid::kBool, {jb, oid::kText}};
    return true;
  }
  if (op == "#-" && (right == oid::kTextArray || right == oid::kUnknown)) {
    *out = {DeletePath, jb, {jb, oid::kTextArray}};
    return true;
  }
  return false;
}

bool ResolveJsonFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  const size_t n = arg_types.size();
  if (name == "json_build_object" || name == "jsonb_build_object") {
    const bool b = name[4] == 'b';
    *out = {b ? JsonbBuildObject : JsonBuildObject, b ? oid::kJsonb : oid::kJson, std::vector<uint32_t>(n, 0), false};
    return true;
  }
  if (name == "json_build_array" || name == "jsonb_build_array") {
    const bool b = name[4] == 'b';
    *out = {b ? JsonbBuildArray : JsonBuildArray, b ? oid::kJsonb : oid::kJson, std::vector<uint32_t>(n, 0), false};
    return true;
  }
  if ((name == "to_json" || name == "to_jsonb") && n == 1) {
    const bool b = name == "to_jsonb";
    *out = {b ? ToJsonb : ToJson, b ? oid::kJsonb : oid::kJson, {0}};
    return true;
  }
  const bool extract = name == "json_extract_path" || name == "jsonb_extract_path";
  const bool extract_text = name == "json_extract_path_text" || name == "jsonb_extract_path_text";
  if ((extract || extract_text) && n >= 1) {
    const uint32_t t = name.starts_with("jsonb") ? oid::kJsonb : oid::kJson;
    std::vector<uint32_t> args(n, oid::kText);
    args[0] = t;
    *out = {extract ? ExtractPath : ExtractPathText, extract ? t : oid::kText, std::move(args)};
    return true;
  }
  if (name == "jsonb_set_lax" && n >= 3 && n <= 5) {
    const std::vector<uint32_t> full = {oid::kJsonb, oid::kTextArray, oid::kJsonb, oid::kBool, oid::kText};
    *out = {JsonbSetLax, oid::kJsonb, {full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n)}, false};
    return true;
  }
  for (const auto& e : Functions()) {
    if (name != e.name || e.args.size() != n) continue;
    *out = {e.fn, e.result, e.args};
    return true;
  }
  return false;
}

}  // namespace immu::sql
