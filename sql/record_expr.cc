#include "sql/record_expr.h"

#include "catalog/pg_error.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

Value MakeRecord(std::span<const Value> args, EvalContext&) {
  return Value::Array(oid::kRecord, ValueArray(args.begin(), args.end()));
}

// args: the record, the field's position (int4 constant).
Value SelectField(std::span<const Value> args, EvalContext&) {
  const size_t i = static_cast<size_t>(args[1].i);
  if (!args[0].arr || i >= args[0].arr->size()) return Value::Null(oid::kUnknown);
  return (*args[0].arr)[i];
}

std::unique_ptr<Expr> Func(ScalarFn fn, uint32_t type, std::vector<std::unique_ptr<Expr>> args, int location) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kFunc;
  e->fn = fn;
  e->type = type;
  e->strict = false;
  e->name = "row";
  e->location = location;
  e->args = std::move(args);
  return e;
}

// Pairwise comparison of two records of the same width: 0 equal, <0 / >0
// ordered, nullopt when a NULL field pair decides (or leaves it open).
enum class RowOp { kEq, kNe, kLt, kLe, kGt, kGe };

template <RowOp kOp>
Value CompareRows(std::span<const Value> args, EvalContext&) {
  if (args[0].null || args[1].null) return Value::Null(oid::kBool);
  const ValueArray& a = *args[0].arr;
  const ValueArray& b = *args[1].arr;
  if (a.size() != b.size()) {
    throw PgError(sqlstate::kSyntaxError, "unequal number of entries in row expressions");
  }
  if (kOp == RowOp::kEq || kOp == RowOp::kNe) {
    bool saw_null = false;
    for (size_t i = 0; i < a.size(); i++) {
      if (a[i].null || b[i].null) {
        saw_null = true;
      } else if (CompareValues(a[i], b[i]) != 0) {
        return Value::Bool(kOp == RowOp::kNe);
      }
    }
    return saw_null ? Value::Null(oid::kBool) : Value::Bool(kOp == RowOp::kEq);
  }
  for (size_t i = 0; i < a.size(); i++) {
    if (a[i].null || b[i].null) return Value::Null(oid::kBool);
    const int c = CompareValues(a[i], b[i]);
    if (c != 0) return Value::Bool(kOp == RowOp::kLt || kOp == RowOp::kLe ? c < 0 : c > 0);
  }
  return Value::Bool(kOp == RowOp::kLe || kOp == RowOp::kGe);
}

}  // namespace

bool ResolveRowComparison(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  if (left != oid::kRecord || right != oid::kRecord) return false;
  ScalarFn fn = op == "="                 ? CompareRows<RowOp::kEq>
                : op == "<>" || op == "!=" ? CompareRows<RowOp::kNe>
                : op == "<"                ? CompareRows<RowOp::kLt>
                : op == "<="               ? CompareRows<RowOp::kLe>
                : op == ">"                ? CompareRows<RowOp::kGt>
                : op == ">="               ? CompareRows<RowOp::kGe>
                                           : nullptr;
  if (fn == nullptr) return false;
  *out = {fn, oid::kBool, {oid::kRecord, oid::kRecord}, false};
  return true;
}

std::unique_ptr<Expr> MakeRecordExpr(std::vector<std::unique_ptr<Expr>> fields, int location) {
  for (auto& f : fields) {
    if (f->type == oid::kUnknown && f->kind == Expr::Kind::kConst) {
      Value v = f->value.null ? Value::Null(oid::kText) : Value::Str(oid::kText, f->value.s);
      f = Expr::Const(std::move(v));
    }
  }
  return Func(MakeRecord, oid::kRecord, std::move(fields), location);
}

std::unique_ptr<Expr> WholeRowExpr(const Scope& s, const std::string& qualifier, int level, int location) {
  std::vector<std::unique_ptr<Expr>> fields;
  for (size_t i = 0; i < s.columns.size(); i++) {
    const ScopeColumn& c = s.columns[i];
    if (c.qualifier != qualifier || c.using_duplicate || c.name.empty()) continue;
    auto e = std::make_unique<Expr>();
    e->kind = Expr::Kind::kColumn;
    e->index = static_cast<int>(i);
    e->outer_level = level;
    e->type = c.type;
    e->typmod = c.typmod;
    e->name = c.name;
    fields.push_back(std::move(e));
  }
  if (fields.empty()) return nullptr;
  auto e = Func(MakeRecord, oid::kRecord, std::move(fields), location);
  e->name = qualifier;
  return e;
}

std::unique_ptr<Expr> BindFieldSelect(std::unique_ptr<Expr> e, const std::string& field, int location) {
  const TypeDef* t = FindUserType(e->type);
  if (t == nullptr || t->kind != 'c') {
    PgError err(sqlstate::kWrongObjectType, "column notation ." + field + " applied to type " +
                                                FormatType(e->type, -1) + ", which is not a composite type");
    if (location >= 0) err.set_position(location + 1);
    throw err;
  }
  for (size_t i = 0; i < t->fields.size(); i++) {
    if (t->fields[i].name != field) continue;
    std::vector<std::unique_ptr<Expr>> args;
    args.push_back(std::move(e));
    args.push_back(Expr::Const(Value::Int(oid::kInt4, static_cast<int64_t>(i))));
    auto s = Func(SelectField, t->fields[i].type_oid, std::move(args), location);
    s->typmod = t->fields[i].typmod;
    s->name = field;
    return s;
  }
  PgError err(sqlstate::kUndefinedColumn,
              "column \"" + field + "\" not found in data type " + FormatType(t->oid, -1));
  if (location >= 0) err.set_position(location + 1);
  throw err;
}

}  // namespace immu::sql
