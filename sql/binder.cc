#include "sql/binder.h"
#include "sql/fn_library.h"

#include "catalog/pg_error.h"
#include "sql/fn_range.h"
#include "sql/user_types.h"
#include "sql/domain_check.h"
#include "sql/record_expr.h"
#include "sql/array_functions.h"
#include "sql/immudb_functions.h"
#include "sql/json_functions.h"
#include "sql/srf.h"

namespace immu::sql {

namespace {

PgError WithPos(PgError e, int location) {
  if (location >= 0 && e.position() == 0) e.set_position(location + 1);
  return e;
}

std::unique_ptr<Expr> MakeFunc(const ResolvedFn& r, std::vector<std::unique_ptr<Expr>> args, std::string name) {
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kFunc;
  e->fn = r.fn;
  e->type = r.result_type;
  e->strict = r.strict;
  e->name = std::move(name);
  e->args = std::move(args);
  return e;
}

Value MakeArray(std::span<const Value> a, EvalContext&) {
  return Value::Array(a[0].type, ValueArray(a.begin() + 1, a.end()));
}

// Forbids set-returning calls while binding a construct that PostgreSQL
// evaluates conditionally (CASE, COALESCE, GREATEST/LEAST).
class SrfBarrier {
 public:
  SrfBarrier(std::vector<SrfCall>** srfs, const char** clause, const char* name)
      : srfs_(srfs), clause_(clause), saved_srfs_(*srfs), saved_clause_(*clause) {
    if (*srfs != nullptr) {
      *srfs = nullptr;
      *clause = name;
    }
  }
  ~SrfBarrier() {
    *srfs_ = saved_srfs_;
    *clause_ = saved_clause_;
  }

 private:
  std::vector<SrfCall>** srfs_;
  const char** clause_;
  std::vector<SrfCall>* saved_srfs_;
  const char* saved_clause_;
};

// arr[i]: 1-based for arrays, 0-based for int2vector/oidvector (as stored
// in PostgreSQL's catalogs); NULL outside the bounds.
Value Subscript(std::span<const Value> a, EvalContext&) {
  const uint32_t elem = ArrayElementType(a[0].type);
  const int64_t lower = a[0].type == oid::kInt2Vector || a[0].type == oid::kOidVector ? 0 : 1;
  const int64_t i = a[1].i - lower;
  if (i < 0 || i >= static_cast<int64_t>(a[0].arr->size())) return Value::Null(elem);
  return (*a[0].arr)[static_cast<size_t>(i)];
}

}  // namespace

std::unique_ptr<Expr> Binder::BindArrayExpr(const PgQuery__AArrayExpr* a, const Scope& scope) {
  std::vector<std::unique_ptr<Expr>> elems;
  uint32_t t = oid::kUnknown;
  for (size_t i = 0; i < a->n_elements; i++) {
    if (a->elements[i]->node_case == PG_QUERY__NODE__NODE_A_ARRAY_EXPR) {
      throw WithPos(PgError(sqlstate::kFeatureNotSupported, "multidimensional arrays are not supported"), a->location);
    }
    elems.push_back(Bind(a->elements[i], scope));
    t = CommonType(t, elems.back()->type, "ARRAY");
  }
  if (t == oid::kUnknown) t = oid::kText;
  const uint32_t at = ArrayTypeOf(t);
  if (at == 0) {
    throw WithPos(PgError(sqlstate::kUndefinedObject, "could not find array type for data type " + FormatType(t, -1)),
                  a->location);
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kFunc;
  e->strict = false;
  e->type = at;
  e->name = "array";
  e->location = a->location;
  // args[0] is a typed NULL telling MakeArray the array's type.
  e->fn = MakeArray;
  e->args.push_back(Expr::Const(Value::Null(at)));
  for (auto& x : elems) e->args.push_back(Coerce(std::move(x), t, -1, false));
  return e;
}

std::unique_ptr<Expr> Binder::BindIndirection(const PgQuery__AIndirection* ind, const Scope& scope) {
  auto e = Bind(ind->arg, scope);
  for (size_t i = 0; i < ind->n_indirection; i++) {
    const PgNode* n = ind->indirection[i];
    if (n->node_case == PG_QUERY__NODE__NODE_STRING && BindImmudbField(&e, NodeString(n))) continue;
    if (n->node_case == PG_QUERY__NODE__NODE_STRING) {  // (composite).field
      const int location = e->location;
      e = BindFieldSelect(std::move(e), std::string(NodeString(n)), location);
      continue;
    }
    if (n->node_case != PG_QUERY__NODE__NODE_A_INDICES || (!n->a_indices->is_slice && n->a_indices->uidx == nullptr)) {
      throw PgError(sqlstate::kFeatureNotSupported, "only array subscripts are supported in indirection");
    }
    if (e->type == oid::kJsonb) {  // j['key'], j[0]: sql/json_functions.h
      if (n->a_indices->is_slice) {
        // As PostgreSQL's jsonbsubs.c: no slices, error at the upper (else
        // lower) bound.
        const PgNode* b = n->a_indices->uidx != nullptr ? n->a_indices->uidx : n->a_indices->lidx;
        throw WithPos(PgError(sqlstate::kDatatypeMismatch, "jsonb subscript does not support slices"),
                      b != nullptr ? Bind(b, scope)->location : -1);
      }
      e = BindJsonbSubscript(std::move(e), Coerce(Bind(n->a_indices->uidx, scope), oid::kText, -1, false));
      continue;
    }
    const uint32_t elem = ArrayElementType(e->type);
    if (elem == 0) {
      throw WithPos(PgError(sqlstate::kDatatypeMismatch,
                            "cannot subscript type " + FormatType(e->type, -1) + " because it does not support subscripting"),
                    e->location);
    }
    if (n->a_indices->is_slice) {
      // a[l:u]: omitted bounds are the array's own (ArraySlice clamps).
      auto bound = [&](const PgNode* b, int32_t omitted) {
        return b == nullptr ? Expr::Const(Value::Int(oid::kInt4, omitted)) : Coerce(Bind(b, scope), oid::kInt4, -1, false);
      };
      auto s = std::make_unique<Expr>();
      s->kind = Expr::Kind::kFunc;
      s->type = ArrayTypeOf(elem);
      s->fn = ArraySlice;
      s->name = e->name;
      s->location = e->location;
      s->args.push_back(std::move(e));
      s->args.push_back(bound(n->a_indices->lidx, INT32_MIN));
      s->args.push_back(bound(n->a_indices->uidx, INT32_MAX));
      e = std::move(s);
      continue;
    }
    auto idx = Coerce(Bind(n->a_indices->uidx, scope), oid::kInt4, -1, false);
    auto s = std::make_unique<Expr>();
    s->kind = Expr::Kind::kFunc;
    s->type = elem;
    s->fn = Subscript;
    s->name = e->name;
    s->location = e->location;
    s->args.push_back(std::move(e));
    s->args.push_back(std::move(idx));
    e = std::move(s);
  }
  return e;
}

SortDirection SortByDirection(const PgQuery__SortBy* sb) {
  SortDirection d;
  d.desc = sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_DESC;
  if (sb->sortby_dir == PG_QUERY__SORT_BY_DIR__SORTBY_USING) {
    // The operator's name is the last element of a possibly qualified list.
    const std::string op = sb->n_use_op > 0 ? std::string(NodeString(sb->use_op[sb->n_use_op - 1])) : "";
    if (op == ">" || op == "~>~") {
      d.desc = true;
    } else if (op != "<" && op != "~<~") {
      throw WithPos(PgError(sqlstate::kWrongObjectType, "operator " + op + " is not a valid ordering operator", "",
                            "Ordering operators must be \"<\" or \">\" members of btree operator families."),
                    sb->location);
    }
  }
  d.nulls_first = sb->sortby_nulls == PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_FIRST ||
                  (d.desc && sb->sortby_nulls != PG_QUERY__SORT_BY_NULLS__SORTBY_NULLS_LAST);
  return d;
}

void ResolveTypeName(const PgQuery__TypeName* tn, uint32_t* type, int32_t* typmod, bool* serial) {
  std::string name;
  for (size_t i = 0; i < tn->n_names; i++) {
    std::string_view part = NodeString(tn->names[i]);
    if (i == 0 && tn->n_names > 1 && part == "pg_catalog") continue;
    if (!name.empty()) name += ".";
    name += part;
  }
  // "char" (quoted) is the one-byte catalog type; unquoted CHAR arrives as
  // pg_catalog.bpchar.
  *type = tn->n_names == 1 && name == "char" ? oid::kChar : TypeOidByName(name, serial);
  if (tn->n_array_bounds > 0 && *type != 0) {
    const uint32_t elem = *type;
    *type = ArrayTypeOf(elem);
    if (*type == 0) {
      throw WithPos(PgError(sqlstate::kUndefinedObject, "type \"" + name + "[]\" does not exist"), tn->location);
    }
    if (serial != nullptr && *serial) {
      throw WithPos(PgError(sqlstate::kFeatureNotSupported, "array of serial is not implemented"), tn->location);
    }
    // An array's typmod is its elements' (varchar(2)[] keeps 2).
    PgQuery__TypeName elem_name = *tn;
    elem_name.n_array_bounds = 0;
    uint32_t elem_type = 0;
    ResolveTypeName(&elem_name, &elem_type, typmod, nullptr);
    return;
  }
  if (*type == 0) {
    // Aliases libpg_query produces for SQL-standard spellings.
    if (name == "timestamp with time zone") *type = oid::kTimestampTz;
    if (*type == 0) {
      throw WithPos(PgError(sqlstate::kUndefinedObject, "type \"" + name + "\" does not exist"), tn->location);
    }
  }
  *typmod = -1;
  std::vector<int64_t> mods;
  for (size_t i = 0; i < tn->n_typmods; i++) {
    const PgNode* m = tn->typmods[i];
    if (m->node_case == PG_QUERY__NODE__NODE_A_CONST && m->a_const->val_case == PG_QUERY__A__CONST__VAL_IVAL) {
      mods.push_back(m->a_const->ival->ival);
    } else {
      throw WithPos(PgError(sqlstate::kSyntaxError, "type modifiers must be simple constants or identifiers"), tn->location);
    }
  }
  if (mods.empty()) return;
  switch (*type) {
    case oid::kVarchar:
    case oid::kBpchar:
      if (mods.size() != 1 || mods[0] < 1 || mods[0] > 10485760) {
        throw WithPos(PgError(sqlstate::kInvalidParameterValue,
                              std::string("length for type ") + (*type == oid::kVarchar ? "varchar" : "char") +
                                  " must be at least 1"),
                      tn->location);
      }
      *typmod = static_cast<int32_t>(mods[0] + 4);
      return;
    case oid::kNumeric: {
      const int64_t precision = mods[0];
      const int64_t scale = mods.size() > 1 ? mods[1] : 0;
      if (precision < 1 || precision > 1000) {
        throw WithPos(PgError(sqlstate::kInvalidParameterValue,
                              "NUMERIC precision " + std::to_string(precision) + " must be between 1 and 1000"),
                      tn->location);
      }
      *typmod = static_cast<int32_t>(((precision << 16) | (scale & 0xffff)) + 4);
      return;
    }
    case oid::kTimestamp:
    case oid::kTimestampTz:
    case oid::kTime:
    case oid::kTimeTz:
      *typmod = static_cast<int32_t>(std::min<int64_t>(mods[0], 6));
      return;
    default:
      return;  // float(p), int(n) ... accepted and ignored as PostgreSQL does for most
  }
}

std::unique_ptr<Expr> Binder::Coerce(std::unique_ptr<Expr> e, uint32_t type, int32_t typmod, bool explicit_cast,
                                     const char* context) {
  if (type == 0 || type == oid::kUnknown) return e;
  if (type >= kFirstUserOid && IsDomainType(type)) {
    // To the base type, then the domain's constraints (sql/domain_check.h).
    int32_t base_typmod = -1;
    const uint32_t base = BaseType(type, &base_typmod);
    auto inner = Coerce(std::move(e), base, typmod >= 0 ? typmod : base_typmod, explicit_cast, context);
    return WrapDomainCheck(std::move(inner), type, ctx_);
  }
  if (e->kind == Expr::Kind::kParam && e->type == oid::kUnknown) {
    if (params_ != nullptr && static_cast<size_t>(e->index) < params_->size()) (*params_)[e->index] = type;
    e->type = type;
    e->typmod = typmod;
    return e;
  }
  if (e->type == type && (typmod < 0 || e->typmod == typmod)) return e;
  if (e->kind == Expr::Kind::kConst) {
    // Constants convert now. As in PostgreSQL, only a literal's input errors
    // point at it: its typmod (length, precision) applies as a later step,
    // and casts of typed constants (70000::int2) fold without a position.
    const bool literal = e->value.type == oid::kUnknown && !e->value.null;
    Value v;
    try {
      v = literal ? FromText(e->value.s, type, -1, ctx_.vc) : CastValue(e->value, type, typmod, ctx_.vc, explicit_cast);
    } catch (PgError& err) {
      if (literal) throw WithPos(std::move(err), e->location);
      throw;
    }
    if (literal) {
      // An explicit cast truncates strings (and arrays' string elements)
      // to the typmod where assignment fails with 22001.
      const bool truncates = explicit_cast && typmod >= 0 && (IsStringCategory(type) || ArrayElementType(type) != 0);
      v = ApplyTypmod(std::move(v), typmod, truncates);
    }
    auto c = Expr::Const(std::move(v));
    c->typmod = typmod;
    c->name = e->name;
    return c;
  }
  if (!explicit_cast && !CanCast(e->type, type, false)) {
    std::string msg = context != nullptr ? context : "";
    throw WithPos(PgError(sqlstate::kDatatypeMismatch,
                          msg.empty() ? "cannot cast type " + FormatType(e->type, -1) + " to " + FormatType(type, -1)
                                      : msg + " is of type " + FormatType(type, typmod) +
                                            " but expression is of type " + FormatType(e->type, e->typmod),
                          "", "You will need to rewrite or cast the expression."),
                  e->location);
  }
  auto c = std::make_unique<Expr>();
  c->kind = Expr::Kind::kCast;
  c->type = type;
  c->typmod = typmod;
  c->location = e->location;
  c->name = e->name;
  c->args.push_back(std::move(e));
  // Assignment casts keep PostgreSQL's rules (e.g. 22001 for too-long text).
  c->negate = !explicit_cast;
  return c;
}

std::unique_ptr<Expr> Binder::BindCondition(const PgNode* node, const Scope& scope, const char* clause) {
  auto e = Bind(node, scope);
  if (e->type == oid::kUnknown) return Coerce(std::move(e), oid::kBool, -1, false);
  if (e->type != oid::kBool) {
    throw WithPos(PgError(sqlstate::kDatatypeMismatch,
                          std::string("argument of ") + clause + " must be type boolean, not type " +
                              FormatType(e->type, e->typmod)),
                  e->location);
  }
  return e;
}

std::unique_ptr<Expr> Binder::BindConst(const PgQuery__AConst* c) {
  std::unique_ptr<Expr> e;
  if (c->isnull) {
    e = Expr::Const(Value::Null(oid::kUnknown));
  } else {
    switch (c->val_case) {
      case PG_QUERY__A__CONST__VAL_IVAL:
        e = Expr::Const(Value::Int(oid::kInt4, c->ival->ival));
        break;
      case PG_QUERY__A__CONST__VAL_FVAL: {
        // Integers too large for int4 arrive here; int8 when they fit.
        std::string_view text = c->fval->fval;
        bool integral = text.find_first_of(".eE") == std::string_view::npos;
        if (integral) {
          try {
            e = Expr::Const(FromText(text, oid::kInt8, -1, ctx_.vc));
            break;
          } catch (const PgError&) {
          }
        }
        e = Expr::Const(Value::Num(Numeric::Parse(text)));
        break;
      }
      case PG_QUERY__A__CONST__VAL_BOOLVAL:
        e = Expr::Const(Value::Bool(c->boolval->boolval));
        break;
      case PG_QUERY__A__CONST__VAL_SVAL:
        e = Expr::Const(Value::Str(oid::kUnknown, c->sval->sval));
        break;
      default:
        throw WithPos(PgError(sqlstate::kFeatureNotSupported, "bit string literals are not supported"), c->location);
    }
  }
  e->location = c->location;
  return e;
}

std::unique_ptr<Expr> Binder::BindColumnRef(const PgQuery__ColumnRef* ref, const Scope& scope) {
  std::string qualifier, name;
  if (ref->n_fields == 1) {
    name = NodeString(ref->fields[0]);
  } else if (ref->n_fields == 2) {
    qualifier = NodeString(ref->fields[0]);
    name = NodeString(ref->fields[1]);
  } else if (ref->n_fields == 3) {
    qualifier = NodeString(ref->fields[1]);
    name = NodeString(ref->fields[2]);
  }
  if (ref->n_fields > 0 && ref->fields[ref->n_fields - 1]->node_case == PG_QUERY__NODE__NODE_A_STAR) {
    throw WithPos(PgError(sqlstate::kSyntaxError, "* is not allowed here"), ref->location);
  }
  int level = 0;
  for (const Scope* s = &scope; s != nullptr; s = s->parent, level++) {
    int found = -1;
    bool qualifier_seen = false;
    for (size_t i = 0; i < s->columns.size(); i++) {
      const ScopeColumn& c = s->columns[i];
      if (!qualifier.empty() && c.qualifier != qualifier) continue;
      if (qualifier.empty() && c.using_duplicate) continue;
      qualifier_seen = true;
      if (c.name != name) continue;
      if (found >= 0) {
        throw WithPos(PgError(sqlstate::kAmbiguousColumn, "column reference \"" + name + "\" is ambiguous"),
                      ref->location);
      }
      found = static_cast<int>(i);
    }
    if (found >= 0) {
      const ScopeColumn& c = s->columns[static_cast<size_t>(found)];
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kColumn;
      e->index = found;
      e->outer_level = level;
      e->type = c.type;
      e->typmod = c.typmod;
      e->name = name;
      e->location = ref->location;
      return e;
    }
    // A relation's name alone is its whole row (SELECT t FROM t).
    if (qualifier.empty()) {
      if (auto row = WholeRowExpr(*s, name, level, ref->location)) return row;
    }
    // The system column tableoid: the relation's oid (constant per relation).
    if (name == "tableoid") {
      uint32_t table_oid = 0;
      bool one_table = true;
      for (const ScopeColumn& c : s->columns) {
        if (!qualifier.empty() && c.qualifier != qualifier) continue;
        if (table_oid != 0 && c.table_oid != table_oid) one_table = false;
        table_oid = c.table_oid;
      }
      if (table_oid != 0 && one_table) {
        auto e = Expr::Const(Value::Int(oid::kOid, table_oid));
        e->name = name;
        return e;
      }
    }
    if (!qualifier.empty() && !qualifier_seen && s->parent == nullptr) {
      throw WithPos(PgError(sqlstate::kUndefinedTable,
                            "missing FROM-clause entry for table \"" + qualifier + "\""),
                    ref->location);
    }
  }
  if (!qualifier.empty()) {
    throw WithPos(PgError(sqlstate::kUndefinedColumn, "column " + qualifier + "." + name + " does not exist"),
                  ref->location);
  }
  throw WithPos(PgError(sqlstate::kUndefinedColumn, "column \"" + name + "\" does not exist"), ref->location);
}

std::unique_ptr<Expr> Binder::BindOperator(const std::string& op, std::unique_ptr<Expr> l,
                                           std::unique_ptr<Expr> r, int location) {
  ResolvedFn fn;
  try {
    fn = ResolveOperator(op, l ? l->type : 0, r->type);
  } catch (PgError& e) {
    throw WithPos(std::move(e), location);
  }
  std::vector<std::unique_ptr<Expr>> args;
  if (l) {
    args.push_back(Coerce(std::move(l), fn.arg_types[0], -1, false));
    args.push_back(Coerce(std::move(r), fn.arg_types[1], -1, false));
  } else {
    args.push_back(Coerce(std::move(r), fn.arg_types[0], -1, false));
  }
  auto e = MakeFunc(fn, std::move(args), op);
  e->location = location;
  return e;
}

std::unique_ptr<Expr> Binder::BindAExpr(const PgQuery__AExpr* a, const Scope& scope) {
  const std::string op = a->n_name > 0 ? std::string(NodeString(a->name[a->n_name - 1])) : "";
  switch (a->kind) {
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP: {
      auto l = a->lexpr != nullptr ? Bind(a->lexpr, scope) : nullptr;
      auto r = Bind(a->rexpr, scope);
      // Both sides untyped parameters/literals in a comparison: text.
      return BindOperator(op, std::move(l), std::move(r), a->location);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ANY:
    case PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL: {
      // x op ANY (array): op resolved between x and the element type.
      auto l = Bind(a->lexpr, scope);
      auto r = Bind(a->rexpr, scope);
      if (r->type == oid::kUnknown) {
        const uint32_t lt = l->type == oid::kUnknown ? oid::kText : l->type;
        r = Coerce(std::move(r), ArrayTypeOf(lt), -1, false);
      }
      const uint32_t elem = ArrayElementType(r->type);
      if (elem == 0) {
        throw WithPos(PgError(sqlstate::kDatatypeMismatch, "op ANY/ALL (array) requires array on right side"),
                      a->location);
      }
      ResolvedFn fn;
      try {
        fn = ResolveOperator(op, l->type, elem);
      } catch (PgError& e) {
        throw WithPos(std::move(e), a->location);
      }
      if (fn.result_type != oid::kBool) {
        throw WithPos(PgError(sqlstate::kDatatypeMismatch, "op ANY/ALL (array) requires operator to yield boolean"),
                      a->location);
      }
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kAnyArray;
      e->type = oid::kBool;
      e->fn = fn.fn;
      e->negate = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_OP_ALL;
      e->location = a->location;
      e->args.push_back(Coerce(std::move(l), fn.arg_types[0], -1, false));
      e->args.push_back(std::move(r));
      return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_LIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_ILIKE:
    case PG_QUERY__A__EXPR__KIND__AEXPR_SIMILAR: {  // x ~ similar_to_escape(pattern [, escape])
      auto l = Bind(a->lexpr, scope);
      auto r = Bind(a->rexpr, scope);
      return BindOperator(op, std::move(l), std::move(r), a->location);
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_IN: {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kInList;
      e->type = oid::kBool;
      e->negate = op == "<>";
      e->location = a->location;
      auto probe = Bind(a->lexpr, scope);
      std::vector<std::unique_ptr<Expr>> items;
      const PgNode* list = a->rexpr;
      uint32_t t = probe->type;
      if (list->node_case == PG_QUERY__NODE__NODE_LIST) {
        for (size_t i = 0; i < list->list->n_items; i++) {
          items.push_back(Bind(list->list->items[i], scope));
          t = CommonType(t, items.back()->type, "IN");
        }
      }
      e->args.push_back(Coerce(std::move(probe), t, -1, false));
      for (auto& it : items) e->args.push_back(Coerce(std::move(it), t, -1, false));
      return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_BETWEEN:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN: {
      const PgNode* list = a->rexpr;
      auto lo = Bind(list->list->items[0], scope);
      auto hi = Bind(list->list->items[1], scope);
      auto x1 = Bind(a->lexpr, scope);
      auto x2 = Bind(a->lexpr, scope);
      const bool neg = a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_BETWEEN;
      auto e = std::make_unique<Expr>();
      e->kind = neg ? Expr::Kind::kOr : Expr::Kind::kAnd;
      e->type = oid::kBool;
      e->args.push_back(BindOperator(neg ? "<" : ">=", std::move(x1), std::move(lo), a->location));
      e->args.push_back(BindOperator(neg ? ">" : "<=", std::move(x2), std::move(hi), a->location));
      return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_NULLIF: {
      // NULLIF(a, b) = CASE WHEN a = b THEN NULL ELSE a END
      auto l = Bind(a->lexpr, scope);
      auto l2 = Bind(a->lexpr, scope);
      auto r = Bind(a->rexpr, scope);
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kCase;
      e->type = l->type == oid::kUnknown ? oid::kText : l->type;
      e->has_else = true;
      e->args.push_back(BindOperator("=", std::move(l), std::move(r), a->location));
      e->args.push_back(Expr::Const(Value::Null(e->type)));
      e->args.push_back(Coerce(std::move(l2), e->type, -1, false));
      return e;
    }
    case PG_QUERY__A__EXPR__KIND__AEXPR_DISTINCT:
    case PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT: {
      // a IS DISTINCT FROM b: (a IS NULL) <> (b IS NULL) OR (both non-null AND a <> b)
      auto l = Bind(a->lexpr, scope);
      auto r = Bind(a->rexpr, scope);
      const uint32_t t = CommonType(l->type, r->type, "IS DISTINCT FROM");
      auto cmp = BindOperator("=", Coerce(std::move(l), t, -1, false), Coerce(std::move(r), t, -1, false), a->location);
      cmp->strict = false;
      // A non-strict equality: NULL = NULL is true, NULL = x false.
      cmp->fn = +[](std::span<const Value> v, EvalContext&) {
        if (v[0].null || v[1].null) return Value::Bool(v[0].null && v[1].null);
        return Value::Bool(CompareValues(v[0], v[1]) == 0);
      };
      if (a->kind == PG_QUERY__A__EXPR__KIND__AEXPR_NOT_DISTINCT) return cmp;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kNot;
      e->type = oid::kBool;
      e->args.push_back(std::move(cmp));
      return e;
    }
    default:
      throw WithPos(PgError(sqlstate::kFeatureNotSupported, "this kind of expression is not supported yet"),
                    a->location);
  }
}

std::unique_ptr<Expr> Binder::BindFuncCall(const PgQuery__FuncCall* f, const Scope& scope) {
  std::string name = std::string(NodeString(f->funcname[f->n_funcname - 1]));
  // information_schema's one function clients call (pgjdbc's key queries).
  const bool info_schema_fn = f->n_funcname == 2 && NodeString(f->funcname[0]) == "information_schema" &&
                              name == "_pg_expandarray";
  if (f->n_funcname == 2 && NodeString(f->funcname[0]) != "pg_catalog" && !info_schema_fn) {
    throw WithPos(PgError(sqlstate::kUndefinedFunction, "function " + JoinNames(f->funcname, f->n_funcname) + " does not exist"),
                  f->location);
  }
  if (f->over != nullptr) return BindWindowCall(f, name, scope);
  if (IsAggregateName(name) || f->agg_star || f->agg_within_group) return BindAggregate(f, name, scope);
  if (IsSetReturningName(name) && f->agg_filter == nullptr && f->n_agg_order == 0 && !f->agg_distinct) {
    return BindSrfCall(f, name, scope);
  }
  if (f->agg_filter != nullptr || f->n_agg_order > 0 || f->agg_distinct) {
    throw WithPos(PgError(sqlstate::kWrongObjectType,
                          (f->agg_filter != nullptr ? "FILTER specified, but " : f->agg_distinct ? "DISTINCT specified, but "
                                                                                                  : "ORDER BY specified, but ") +
                              name + " is not an aggregate function"),
                  f->location);
  }
  std::vector<std::unique_ptr<Expr>> args;
  std::vector<uint32_t> types;
  std::vector<std::string> names;  // name => value arguments (sql/fn_library.h)
  for (size_t i = 0; i < f->n_args; i++) {
    const PgNode* a = f->args[i];
    const bool named = a->node_case == PG_QUERY__NODE__NODE_NAMED_ARG_EXPR;
    names.push_back(named ? a->named_arg_expr->name : "");
    args.push_back(Bind(named ? a->named_arg_expr->arg : a, scope));
  }
  if (std::any_of(names.begin(), names.end(), [](const std::string& n) { return !n.empty(); })) {
    try {
      args = ArrangeNamedArgs(name, std::move(args), names);
    } catch (PgError& e) {
      throw WithPos(std::move(e), f->location);
    }
  }
  for (const auto& a : args) types.push_back(a->type);
  ResolvedFn fn;
  try {
    fn = ResolveFunction(name, types);
  } catch (PgError& e) {
    throw WithPos(std::move(e), f->location);
  }
  for (size_t i = 0; i < args.size(); i++) {
    if (i < fn.arg_types.size() && fn.arg_types[i] != 0) args[i] = Coerce(std::move(args[i]), fn.arg_types[i], -1, false);
  }
  // Range constructors learn their result type from a NULL of it.
  if (WantsTypeCarrier(fn, args.size())) args.push_back(Expr::Const(Value::Null(fn.result_type)));
  auto e = MakeFunc(fn, std::move(args), name);
  e->location = f->location;
  return e;
}

std::unique_ptr<Expr> Binder::BindSubLink(const PgQuery__SubLink* s, const Scope& scope) {
  if (!bind_subquery) {
    throw WithPos(PgError(sqlstate::kFeatureNotSupported, "subqueries are not supported here"), s->location);
  }
  auto e = std::make_unique<Expr>();
  e->kind = Expr::Kind::kSubquery;
  e->location = s->location;
  uint32_t type = 0;
  switch (s->sub_link_type) {
    case PG_QUERY__SUB_LINK_TYPE__EXISTS_SUBLINK:
      e->subquery = bind_subquery(s->subselect, scope, SubqueryRunner::Mode::kExists, &type);
      e->type = oid::kBool;
      return e;
    case PG_QUERY__SUB_LINK_TYPE__EXPR_SUBLINK:
      e->subquery = bind_subquery(s->subselect, scope, SubqueryRunner::Mode::kScalar, &type);
      e->type = type;
      return e;
    case PG_QUERY__SUB_LINK_TYPE__ARRAY_SUBLINK:
      e->subquery = bind_subquery(s->subselect, scope, SubqueryRunner::Mode::kArray, &type);
      e->type = ArrayTypeOf(type == oid::kUnknown ? oid::kText : type);
      if (e->type == 0) {
        throw WithPos(PgError(sqlstate::kUndefinedObject, "could not find array type for data type " + FormatType(type, -1)),
                      s->location);
      }
      return e;
    case PG_QUERY__SUB_LINK_TYPE__ANY_SUBLINK: {
      std::string op = s->n_oper_name > 0 ? std::string(NodeString(s->oper_name[0])) : "=";
      if (op != "=") {
        throw WithPos(PgError(sqlstate::kFeatureNotSupported, "only = ANY (subquery) is supported"), s->location);
      }
      e->subquery = bind_subquery(s->subselect, scope, SubqueryRunner::Mode::kAny, &type);
      auto probe = Bind(s->testexpr, scope);
      e->args.push_back(Coerce(std::move(probe), type, -1, false));
      e->type = oid::kBool;
      return e;
    }
    default:
      throw WithPos(PgError(sqlstate::kFeatureNotSupported, "this kind of subquery is not supported yet"), s->location);
  }
}

std::unique_ptr<Expr> Binder::Bind(const PgNode* n, const Scope& scope) {
  CheckCancel(ctx_);
  switch (n->node_case) {
    case PG_QUERY__NODE__NODE_A_CONST:
      return BindConst(n->a_const);
    case PG_QUERY__NODE__NODE_COLUMN_REF:
      return BindColumnRef(n->column_ref, scope);
    case PG_QUERY__NODE__NODE_ROW_EXPR: {  // ROW(a, b) and (a, b)
      std::vector<std::unique_ptr<Expr>> fields;
      for (size_t i = 0; i < n->row_expr->n_args; i++) fields.push_back(Bind(n->row_expr->args[i], scope));
      return MakeRecordExpr(std::move(fields), n->row_expr->location);
    }
    case PG_QUERY__NODE__NODE_PARAM_REF: {
      const int idx = n->param_ref->number - 1;
      if (idx < 0 || idx >= 65535) {
        throw WithPos(PgError(sqlstate::kUndefinedParameter, "there is no parameter $" + std::to_string(idx + 1)),
                      n->param_ref->location);
      }
      if (params_ != nullptr && static_cast<size_t>(idx) >= params_->size()) params_->resize(static_cast<size_t>(idx) + 1, 0);
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kParam;
      e->index = idx;
      e->type = params_ != nullptr && (*params_)[idx] != 0 ? (*params_)[idx] : oid::kUnknown;
      e->location = n->param_ref->location;
      return e;
    }
    case PG_QUERY__NODE__NODE_A_EXPR:
      return BindAExpr(n->a_expr, scope);
    case PG_QUERY__NODE__NODE_BOOL_EXPR: {
      auto e = std::make_unique<Expr>();
      e->type = oid::kBool;
      e->location = n->bool_expr->location;
      switch (n->bool_expr->boolop) {
        case PG_QUERY__BOOL_EXPR_TYPE__AND_EXPR: e->kind = Expr::Kind::kAnd; break;
        case PG_QUERY__BOOL_EXPR_TYPE__OR_EXPR: e->kind = Expr::Kind::kOr; break;
        default: e->kind = Expr::Kind::kNot; break;
      }
      const char* what = e->kind == Expr::Kind::kAnd ? "AND" : e->kind == Expr::Kind::kOr ? "OR" : "NOT";
      for (size_t i = 0; i < n->bool_expr->n_args; i++) {
        e->args.push_back(BindCondition(n->bool_expr->args[i], scope, what));
      }
      return e;
    }
    case PG_QUERY__NODE__NODE_NULL_TEST: {
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kIsNull;
      e->type = oid::kBool;
      e->negate = n->null_test->nulltesttype == PG_QUERY__NULL_TEST_TYPE__IS_NOT_NULL;
      e->args.push_back(Bind(n->null_test->arg, scope));
      return e;
    }
    case PG_QUERY__NODE__NODE_BOOLEAN_TEST: {
      // IS [NOT] TRUE/FALSE/UNKNOWN never yield NULL.
      auto arg = Coerce(Bind(n->boolean_test->arg, scope), oid::kBool, -1, false);
      const int kind = n->boolean_test->booltesttype;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kFunc;
      e->type = oid::kBool;
      e->strict = false;
      static constexpr ScalarFn kTests[] = {
          nullptr,
          +[](std::span<const Value> v, EvalContext&) { return Value::Bool(!v[0].null && v[0].i); },
          +[](std::span<const Value> v, EvalContext&) { return Value::Bool(v[0].null || !v[0].i); },
          +[](std::span<const Value> v, EvalContext&) { return Value::Bool(!v[0].null && !v[0].i); },
          +[](std::span<const Value> v, EvalContext&) { return Value::Bool(v[0].null || v[0].i); },
          +[](std::span<const Value> v, EvalContext&) { return Value::Bool(v[0].null); },
          +[](std::span<const Value> v, EvalContext&) { return Value::Bool(!v[0].null); },
      };
      e->fn = kTests[std::clamp(kind, 1, 6)];
      e->args.push_back(std::move(arg));
      return e;
    }
    case PG_QUERY__NODE__NODE_TYPE_CAST: {
      uint32_t type;
      int32_t typmod;
      ResolveTypeName(n->type_cast->type_name, &type, &typmod);
      auto arg = Bind(n->type_cast->arg, scope);
      arg->location = n->type_cast->location >= 0 && arg->location < 0 ? n->type_cast->location : arg->location;
      return Coerce(std::move(arg), type, typmod, true);
    }
    case PG_QUERY__NODE__NODE_FUNC_CALL:
      return BindFuncCall(n->func_call, scope);
    case PG_QUERY__NODE__NODE_CASE_EXPR: {
      const auto* c = n->case_expr;
      SrfBarrier barrier(&srfs, &no_srf_clause, "CASE");
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kCase;
      e->location = c->location;
      std::unique_ptr<Expr> operand;
      if (c->arg != nullptr) operand = Bind(c->arg, scope);
      std::vector<std::unique_ptr<Expr>> whens, thens;
      uint32_t t = oid::kUnknown;
      uint32_t wt = operand ? operand->type : oid::kBool;
      for (size_t i = 0; i < c->n_args; i++) {
        const auto* w = c->args[i]->case_when;
        if (operand) {
          whens.push_back(Bind(w->expr, scope));
          wt = CommonType(wt, whens.back()->type, "CASE");
        } else {
          whens.push_back(BindCondition(w->expr, scope, "CASE/WHEN"));
        }
        thens.push_back(Bind(w->result, scope));
        t = CommonType(t, thens.back()->type, "CASE");
      }
      std::unique_ptr<Expr> def;
      if (c->defresult != nullptr) {
        def = Bind(c->defresult, scope);
        t = CommonType(t, def->type, "CASE");
      }
      if (t == oid::kUnknown) t = oid::kText;
      e->type = t;
      if (operand) {
        e->has_operand = true;
        e->args.push_back(Coerce(std::move(operand), wt, -1, false));
      }
      for (size_t i = 0; i < whens.size(); i++) {
        e->args.push_back(operand || e->has_operand ? Coerce(std::move(whens[i]), wt, -1, false) : std::move(whens[i]));
        e->args.push_back(Coerce(std::move(thens[i]), t, -1, false));
      }
      if (def) {
        e->has_else = true;
        e->args.push_back(Coerce(std::move(def), t, -1, false));
      }
      return e;
    }
    case PG_QUERY__NODE__NODE_COALESCE_EXPR:
    case PG_QUERY__NODE__NODE_MIN_MAX_EXPR: {
      const bool coalesce = n->node_case == PG_QUERY__NODE__NODE_COALESCE_EXPR;
      SrfBarrier barrier(&srfs, &no_srf_clause, coalesce ? "COALESCE" : "GREATEST/LEAST");
      const size_t na = coalesce ? n->coalesce_expr->n_args : n->min_max_expr->n_args;
      PgNode** an = coalesce ? n->coalesce_expr->args : n->min_max_expr->args;
      std::vector<std::unique_ptr<Expr>> args;
      uint32_t t = oid::kUnknown;
      for (size_t i = 0; i < na; i++) {
        args.push_back(Bind(an[i], scope));
        t = CommonType(t, args.back()->type, coalesce ? "COALESCE" : "GREATEST/LEAST");
      }
      if (t == oid::kUnknown) t = oid::kText;
      auto e = std::make_unique<Expr>();
      e->type = t;
      for (auto& a : args) e->args.push_back(Coerce(std::move(a), t, -1, false));
      if (coalesce) {
        e->kind = Expr::Kind::kCoalesce;
      } else {
        e->kind = Expr::Kind::kFunc;
        e->strict = false;
        e->fn = n->min_max_expr->op == PG_QUERY__MIN_MAX_OP__IS_GREATEST
                    ? +[](std::span<const Value> v, EvalContext&) {
                        const Value* best = nullptr;
                        for (const auto& x : v) {
                          if (!x.null && (best == nullptr || CompareValues(x, *best) > 0)) best = &x;
                        }
                        return best ? *best : Value::Null(v.empty() ? oid::kText : v[0].type);
                      }
                    : +[](std::span<const Value> v, EvalContext&) {
                        const Value* best = nullptr;
                        for (const auto& x : v) {
                          if (!x.null && (best == nullptr || CompareValues(x, *best) < 0)) best = &x;
                        }
                        return best ? *best : Value::Null(v.empty() ? oid::kText : v[0].type);
                      };
      }
      return e;
    }
    case PG_QUERY__NODE__NODE_SQLVALUE_FUNCTION: {
      const auto op = n->sqlvalue_function->op;
      auto e = std::make_unique<Expr>();
      e->kind = Expr::Kind::kFunc;
      e->strict = false;
      e->location = n->sqlvalue_function->location;
      switch (op) {
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_DATE:
          e->type = oid::kDate;
          e->name = "current_date";
          e->fn = +[](std::span<const Value>, EvalContext& c) {
            return CastValue(Value::Int(oid::kTimestampTz, c.vc.dt.now), oid::kDate, -1, c.vc);
          };
          return e;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIMESTAMP_N:
          e->type = oid::kTimestampTz;
          e->name = "current_timestamp";
          e->fn = +[](std::span<const Value>, EvalContext& c) { return Value::Int(oid::kTimestampTz, c.vc.dt.now); };
          return e;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIMESTAMP_N:
          e->type = oid::kTimestamp;
          e->name = "localtimestamp";
          e->fn = +[](std::span<const Value>, EvalContext& c) {
            return CastValue(Value::Int(oid::kTimestampTz, c.vc.dt.now), oid::kTimestamp, -1, c.vc);
          };
          return e;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME:
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_LOCALTIME_N:
          // The precision travels as a constant argument (sql/fn_timetz.cc).
          e->args.push_back(Expr::Const(Value::Int(oid::kInt4, n->sqlvalue_function->typmod)));
          SetCurrentTimeFn(op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME ||
                               op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_TIME_N,
                           n->sqlvalue_function->typmod, e.get());
          return e;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_CATALOG:
          e->type = oid::kName;
          e->name = "current_catalog";
          e->fn = +[](std::span<const Value>, EvalContext& c) { return Value::Str(oid::kName, c.database); };
          return e;
        case PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_CURRENT_SCHEMA:
          e->type = oid::kName;
          e->name = "current_schema";
          e->fn = CurrentSchema;
          return e;
        default:
          e->type = oid::kName;
          e->name = op == PG_QUERY__SQLVALUE_FUNCTION_OP__SVFOP_SESSION_USER ? "session_user" : "current_user";
          e->fn = +[](std::span<const Value>, EvalContext& c) { return Value::Str(oid::kName, c.user); };
          return e;
      }
    }
    case PG_QUERY__NODE__NODE_SUB_LINK:
      return BindSubLink(n->sub_link, scope);
    case PG_QUERY__NODE__NODE_GROUPING_FUNC:
      return BindGrouping(n->grouping_func, scope);
    case PG_QUERY__NODE__NODE_COLLATE_CLAUSE:
      // Every collation is "C" here: COLLATE only needs to bind.
      return Bind(n->collate_clause->arg, scope);
    case PG_QUERY__NODE__NODE_A_ARRAY_EXPR:
      return BindArrayExpr(n->a_array_expr, scope);
    case PG_QUERY__NODE__NODE_A_INDIRECTION:
      return BindIndirection(n->a_indirection, scope);
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "this expression is not supported yet");
  }
}

}  // namespace immu::sql
