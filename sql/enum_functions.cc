#include "sql/enum_functions.h"

#include "catalog/pg_error.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

// The enum of an anyenum argument (the value's type; NULL::mood keeps it).
const TypeDef& EnumOf(const Value& v) {
  const TypeDef* t = FindUserType(v.type);
  if (t == nullptr || t->kind != 'e') {
    throw PgError(sqlstate::kUndefinedFunction, "could not determine actual enum type");
  }
  return *t;
}

Value LabelValue(const TypeDef& t, const EnumLabel& l) {
  Value v = Value::Str(t.oid, l.label);
  v.i = l.oid;
  v.f = l.sort_order;
  return v;
}

Value EnumFirst(std::span<const Value> a, EvalContext&) {
  const TypeDef& t = EnumOf(a[0]);
  return t.labels.empty() ? Value::Null(t.oid) : LabelValue(t, t.labels.front());
}

Value EnumLast(std::span<const Value> a, EvalContext&) {
  const TypeDef& t = EnumOf(a[0]);
  return t.labels.empty() ? Value::Null(t.oid) : LabelValue(t, t.labels.back());
}

// enum_range(x): every label; enum_range(lo, hi): lo..hi inclusive, a NULL
// bound open (PostgreSQL's enum_range_bounds).
Value EnumRange(std::span<const Value> a, EvalContext&) {
  const TypeDef& t = EnumOf(a[0]);
  ValueArray out;
  for (const auto& l : t.labels) {
    if (a.size() == 2) {
      if (!a[0].null && l.sort_order < a[0].f) continue;
      if (!a[1].null && l.sort_order > a[1].f) continue;
    }
    out.push_back(LabelValue(t, l));
  }
  return Value::Array(t.array_oid, std::move(out));
}

}  // namespace

bool ResolveEnumFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  if (name != "enum_range" && name != "enum_first" && name != "enum_last") return false;
  if (arg_types.empty() || arg_types.size() > (name == "enum_range" ? 2u : 1u)) return false;
  const uint32_t t = arg_types[0] != oid::kUnknown ? arg_types[0] : arg_types.back();
  const TypeDef* def = FindUserType(t);
  if (def == nullptr || def->kind != 'e') return false;
  for (uint32_t a : arg_types) {
    if (a != t && a != oid::kUnknown) return false;
  }
  const std::vector<uint32_t> args(arg_types.size(), t);
  if (name == "enum_first") *out = {EnumFirst, t, args, false};
  else if (name == "enum_last") *out = {EnumLast, t, args, false};
  else *out = {EnumRange, def->array_oid, args, false};
  return true;
}

}  // namespace immu::sql
