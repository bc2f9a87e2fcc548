// hstore's set-returning functions: skeys(hstore) and svals(hstore) (one
// text column, in the select list and FROM, through sql/srf.cc) and
// each(hstore) in FROM (columns key and value).

#include "catalog/pg_error.h"
#include "sql/binder.h"
#include "sql/extensions.h"
#include "sql/hstore.h"
#include "sql/parser.h"
#include "sql/query_internal.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

[[noreturn]] void NoSuchFunction(std::string_view name, const std::vector<std::unique_ptr<Expr>>& args) {
  std::string sig = std::string(name) + "(";
  for (size_t i = 0; i < args.size(); i++) sig += (i ? ", " : "") + FormatType(args[i]->type, -1);
  throw PgError(sqlstate::kUndefinedFunction, "function " + sig + ") does not exist", "",
                "No function matches the given name and argument types. You might need to add explicit type casts.");
}

// Coerces the one hstore argument (42883 unless hstore is installed and
// the argument is an hstore or an unknown literal).
void BindHstoreArg(std::string_view name, std::vector<std::unique_ptr<Expr>>* args, Binder& binder) {
  const uint32_t h = ExtensionTypeOid("hstore");
  auto& a = *args;
  if (h == 0 || a.size() != 1 || !(a[0]->type == oid::kUnknown || IsHstoreType(a[0]->type))) NoSuchFunction(name, a);
  a[0] = binder.Coerce(std::move(a[0]), h, -1, false);
}

}  // namespace

bool IsExtensionSrfName(std::string_view name) { return name == "skeys" || name == "svals"; }

uint32_t BindExtensionSrf(std::string_view name, std::vector<std::unique_ptr<Expr>>* args, Binder& binder) {
  BindHstoreArg(name, args, binder);
  return oid::kText;
}

std::vector<Value> RunExtensionSrf(std::string_view name, const std::vector<Value>& argv) {
  std::vector<Value> out;
  if (argv[0].null) return out;
  for (const auto& [k, v] : HstoreParse(argv[0].s)) {
    if (name == "skeys") out.push_back(Value::Str(oid::kText, k));
    else out.push_back(v ? Value::Str(oid::kText, *v) : Value::Null(oid::kText));
  }
  return out;
}

bool BuildExtensionRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                            const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out) {
  if (name != "each" || ExtensionTypeOid("hstore") == 0) return false;
  BindHstoreArg(name, &args, binder);
  const PgQuery__Alias* alias = rf->alias;
  const std::string qualifier = alias != nullptr ? alias->aliasname : std::string(name);
  const char* names[] = {"key", "value"};
  for (size_t c = 0; c < 2; c++) {
    ScopeColumn col;
    col.qualifier = qualifier;
    col.type = oid::kText;
    col.name = alias != nullptr && c < alias->n_colnames ? std::string(NodeString(alias->colnames[c])) : names[c];
    out->scope.columns.push_back(std::move(col));
  }
  if (sc.describe_only) return true;
  const Value h = Eval(*args[0], Row{}, *sc.eval);
  if (h.null) return true;
  for (const auto& [k, v] : HstoreParse(h.s)) {
    out->rows.push_back(Row{Value::Str(oid::kText, k), v ? Value::Str(oid::kText, *v) : Value::Null(oid::kText)});
  }
  return true;
}

}  // namespace immu::sql
