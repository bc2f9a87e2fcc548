// hstore's operators and functions (sql/hstore.h): -> ? ?& ?| @> <@ || -
// %%, hstore(...) constructors, akeys/avals, exist/defined, delete, slice,
// hstore_to_array and the json conversions. Values are canonical text, so
// each function parses its arguments and rebuilds the canonical text.

#include <algorithm>
#include <cctype>

#include "catalog/pg_error.h"
#include "sql/extensions.h"
#include "sql/hstore.h"
#include "sql/json.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

uint32_t HstoreOid() { return ExtensionTypeOid("hstore"); }

Value Make(const HstorePairs& pairs, bool last_wins = false) {
  return Value::Str(HstoreOid(), HstoreFromPairs(pairs, last_wins));
}

const std::optional<std::string>* Lookup(const HstorePairs& pairs, std::string_view key) {
  for (const auto& [k, v] : pairs) {
    if (k == key) return &v;
  }
  return nullptr;
}

Value TextOrNull(const std::optional<std::string>* v) {
  return v != nullptr && *v ? Value::Str(oid::kText, **v) : Value::Null(oid::kText);
}

// The non-NULL elements of a text[] argument.
std::vector<std::string> Keys(const Value& arr) {
  std::vector<std::string> out;
  for (const Value& e : *arr.arr) {
    if (!e.null) out.push_back(e.s);
  }
  return out;
}

Value TextArray(ValueArray elems) { return Value::Array(oid::kTextArray, std::move(elems)); }

// ---- operators ------------------------------------------------------------
Value Fetch(Args a, EvalContext&) { return TextOrNull(Lookup(HstoreParse(a[0].s), a[1].s)); }
Value FetchArray(Args a, EvalContext&) {
  const HstorePairs p = HstoreParse(a[0].s);
  ValueArray out;
  for (const Value& k : *a[1].arr) out.push_back(k.null ? Value::Null(oid::kText) : TextOrNull(Lookup(p, k.s)));
  return TextArray(std::move(out));
}
Value Exists(Args a, EvalContext&) { return Value::Bool(Lookup(HstoreParse(a[0].s), a[1].s) != nullptr); }
Value Defined(Args a, EvalContext&) {
  const HstorePairs p = HstoreParse(a[0].s);
  const auto* v = Lookup(p, a[1].s);
  return Value::Bool(v != nullptr && v->has_value());
}
Value ExistsAll(Args a, EvalContext&) {
  const HstorePairs p = HstoreParse(a[0].s);
  for (const std::string& k : Keys(a[1])) {
    if (Lookup(p, k) == nullptr) return Value::Bool(false);
  }
  return Value::Bool(true);
}
Value ExistsAny(Args a, EvalContext&) {
  const HstorePairs p = HstoreParse(a[0].s);
  for (const std::string& k : Keys(a[1])) {
    if (Lookup(p, k) != nullptr) return Value::Bool(true);
  }
  return Value::Bool(false);
}
bool Contains(const HstorePairs& big, const HstorePairs& small) {
  for (const auto& [k, v] : small) {
    const auto* found = Lookup(big, k);
    if (found == nullptr || *found != v) return false;
  }
  return true;
}
Value ContainsOp(Args a, EvalContext&) { return Value::Bool(Contains(HstoreParse(a[0].s), HstoreParse(a[1].s))); }
Value ContainedOp(Args a, EvalContext&) { return Value::Bool(Contains(HstoreParse(a[1].s), HstoreParse(a[0].s))); }
Value Concat(Args a, EvalContext&) {
  HstorePairs p = HstoreParse(a[0].s);
  for (auto& kv : HstoreParse(a[1].s)) p.push_back(std::move(kv));
  return Make(p, true);
}
Value DeleteKey(Args a, EvalContext&) {
  HstorePairs p = HstoreParse(a[0].s);
  std::erase_if(p, [&](const auto& kv) { return kv.first == a[1].s; });
  return Make(p);
}
Value DeleteKeys(Args a, EvalContext&) {
  HstorePairs p = HstoreParse(a[0].s);
  const std::vector<std::string> keys = Keys(a[1]);
  std::erase_if(p, [&](const auto& kv) { return std::find(keys.begin(), keys.end(), kv.first) != keys.end(); });
  return Make(p);
}
Value DeletePairs(Args a, EvalContext&) {  // pairs whose key and value both match
  HstorePairs p = HstoreParse(a[0].s);
  const HstorePairs other = HstoreParse(a[1].s);
  std::erase_if(p, [&](const auto& kv) {
    const auto* v = Lookup(other, kv.first);
    return v != nullptr && *v == kv.second;
  });
  return Make(p);
}
Value ToArray(Args a, EvalContext&) {
  ValueArray out;
  for (const auto& [k, v] : HstoreParse(a[0].s)) {
    out.push_back(Value::Str(oid::kText, k));
    out.push_back(TextOrNull(&v));
  }
  return TextArray(std::move(out));
}

// ---- functions --------------------------------------------------------------
Value FromKeyValue(Args a, EvalContext&) {  // hstore(text, text): NULL key gives NULL
  if (a[0].null) return Value::Null(HstoreOid());
  return Make({{a[0].s, a[1].null ? std::nullopt : std::optional<std::string>(a[1].s)}});
}
[[noreturn]] void NullKey() { throw PgError(sqlstate::kNullValueNotAllowed, "null value not allowed for hstore key"); }
Value FromArray(Args a, EvalContext&) {  // hstore('{k,v,k,v}')
  const ValueArray& e = *a[0].arr;
  if (e.size() % 2 != 0) throw PgError("2202E", "array must have even number of elements");
  HstorePairs p;
  for (size_t i = 0; i < e.size(); i += 2) {
    if (e[i].null) NullKey();
    p.emplace_back(e[i].s, e[i + 1].null ? std::nullopt : std::optional<std::string>(e[i + 1].s));
  }
  return Make(p);
}
Value FromArrays(Args a, EvalContext&) {  // hstore(keys, values): NULL values: every value NULL
  if (a[0].null) return Value::Null(HstoreOid());
  const ValueArray& k = *a[0].arr;
  if (!a[1].null && a[1].arr->size() != k.size()) throw PgError("2202E", "arrays must have same bounds");
  HstorePairs p;
  for (size_t i = 0; i < k.size(); i++) {
    if (k[i].null) NullKey();
    const Value* v = a[1].null ? nullptr : &(*a[1].arr)[i];
    p.emplace_back(k[i].s, v == nullptr || v->null ? std::nullopt : std::optional<std::string>(v->s));
  }
  return Make(p);
}
Value AKeys(Args a, EvalContext&) {
  ValueArray out;
  for (const auto& kv : HstoreParse(a[0].s)) out.push_back(Value::Str(oid::kText, kv.first));
  return TextArray(std::move(out));
}
Value AVals(Args a, EvalContext&) {
  ValueArray out;
  for (const auto& kv : HstoreParse(a[0].s)) out.push_back(TextOrNull(&kv.second));
  return TextArray(std::move(out));
}
Value Slice(Args a, EvalContext&) {
  const HstorePairs p = HstoreParse(a[0].s);
  HstorePairs out;
  for (const std::string& k : Keys(a[1])) {
    if (const auto* v = Lookup(p, k)) out.emplace_back(k, *v);
  }
  return Make(out);
}

// JSON's number grammar (PostgreSQL's IsValidJsonNumber).
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  if (i < s.size() && s[i] == '-') i++;
  if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  if (s[i] == '0') i++;
  else while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) i++;
  if (i < s.size() && s[i] == '.') {
    if (++i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) i++;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    if (++i < s.size() && (s[i] == '+' || s[i] == '-')) i++;
    if (i >= s.size() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) i++;
  }
  return i == s.size();
}

// {"k": "v", ...}; loose: t/f as booleans and numbers as numbers.
std::string Json(const std::string& canonical, bool loose) {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : HstoreParse(canonical)) {
    if (!first) out += ", ";
    first = false;
    AppendJsonString(k, &out);
    out += ": ";
    if (!v) out += "null";
    else if (loose && *v == "t") out += "true";
    else if (loose && *v == "f") out += "false";
    else if (loose && IsJsonNumber(*v)) out += *v;
    else AppendJsonString(*v, &out);
  }
  return out + "}";
}
Value ToJson(Args a, EvalContext&) { return Value::Str(oid::kJson, Json(a[0].s, false)); }
Value ToJsonLoose(Args a, EvalContext&) { return Value::Str(oid::kJson, Json(a[0].s, true)); }
Value ToJsonb(Args a, EvalContext&) { return Value::Str(oid::kJsonb, CanonicalJsonb(Json(a[0].s, false))); }
Value ToJsonbLoose(Args a, EvalContext&) { return Value::Str(oid::kJsonb, CanonicalJsonb(Json(a[0].s, true))); }

bool Stringish(uint32_t t) { return IsStringCategory(t) && t != oid::kUnknown; }
bool TextArrayish(uint32_t t) { return t == oid::kUnknown || (ArrayElementType(t) != 0 && IsStringCategory(ArrayElementType(t))); }

}  // namespace

bool ResolveHstoreFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  using namespace oid;
  const uint32_t H = kHstoreArg;
  static const ExtensionFn kFns[] = {
      {"hstore", FromKeyValue, H, {kText, kText}, false},
      {"hstore", FromArray, H, {kTextArray}},
      {"hstore", FromArrays, H, {kTextArray, kTextArray}, false},
      {"akeys", AKeys, kTextArray, {H}},
      {"avals", AVals, kTextArray, {H}},
      {"hstore_to_array", ToArray, kTextArray, {H}},
      {"exist", Exists, kBool, {H, kText}},
      {"isexists", Exists, kBool, {H, kText}},
      {"defined", Defined, kBool, {H, kText}},
      {"isdefined", Defined, kBool, {H, kText}},
      {"exists_all", ExistsAll, kBool, {H, kTextArray}},
      {"exists_any", ExistsAny, kBool, {H, kTextArray}},
      {"fetchval", Fetch, kText, {H, kText}},
      {"slice_array", FetchArray, kTextArray, {H, kTextArray}},
      {"delete", DeleteKey, H, {H, kText}},
      {"delete", DeleteKeys, H, {H, kTextArray}},
      {"delete", DeletePairs, H, {H, H}},
      {"slice", Slice, H, {H, kTextArray}},
      {"hs_concat", Concat, H, {H, H}},
      {"hs_contains", ContainsOp, kBool, {H, H}},
      {"hs_contained", ContainedOp, kBool, {H, H}},
      {"hstore_to_json", ToJson, kJson, {H}},
      {"hstore_to_json_loose", ToJsonLoose, kJson, {H}},
      {"hstore_to_jsonb", ToJsonb, kJsonb, {H}},
      {"hstore_to_jsonb_loose", ToJsonbLoose, kJsonb, {H}},
  };
  // hstore(text[]) with an unknown literal is the array form; the
  // two-argument forms are told apart by their arguments' categories.
  if (name == "delete" && arg_types.size() == 2 && arg_types[1] != oid::kUnknown) {
    const uint32_t h = HstoreOid();
    if (IsHstoreType(arg_types[1])) {
      *out = {DeletePairs, h, {h, h}};
      return true;
    }
    if (TextArrayish(arg_types[1])) {
      *out = {DeleteKeys, h, {h, kTextArray}};
      return true;
    }
  }
  return MatchExtensionFunction(kFns, name, arg_types, out);
}

bool ResolveHstoreOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  const uint32_t h = HstoreOid();
  const bool lh = IsHstoreType(left), rh = IsHstoreType(right);
  if (!lh && !rh) return false;
  using namespace oid;
  if (left == 0) {  // prefix %%: hstore_to_array
    if (op == "%%" && rh) {
      *out = {ToArray, kTextArray, {h}};
      return true;
    }
    return false;
  }
  auto hs = [&](uint32_t t) { return t == kUnknown || IsHstoreType(t); };
  if ((op == "@>" || op == "<@" || op == "||") && hs(left) && hs(right)) {
    *out = {op == "@>" ? ContainsOp : op == "<@" ? ContainedOp : Concat, op == "||" ? h : kBool, {h, h}};
    return true;
  }
  if (!lh) return false;
  if (op == "->") {
    if (Stringish(right) || right == kUnknown) *out = {Fetch, kText, {h, kText}};
    else if (TextArrayish(right)) *out = {FetchArray, kTextArray, {h, kTextArray}};
    else return false;
    return true;
  }
  if (op == "?" && (Stringish(right) || right == kUnknown)) {
    *out = {Exists, kBool, {h, kText}};
    return true;
  }
  if ((op == "?&" || op == "?|") && TextArrayish(right)) {
    *out = {op == "?&" ? ExistsAll : ExistsAny, kBool, {h, kTextArray}};
    return true;
  }
  if (op == "-") {
    if (Stringish(right)) *out = {DeleteKey, h, {h, kText}};
    else if (hs(right)) *out = {DeletePairs, h, {h, h}};  // an unknown literal reads as hstore, as in PostgreSQL
    else if (TextArrayish(right)) *out = {DeleteKeys, h, {h, kTextArray}};
    else return false;
    return true;
  }
  return false;
}

}  // namespace immu::sql
