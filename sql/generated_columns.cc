#include "sql/generated_columns.h"

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

bool ReadsColumn(const Expr& e, size_t c) {
  if (e.kind == Expr::Kind::kColumn && e.outer_level == 0 && static_cast<size_t>(e.index) == c) return true;
  for (const auto& a : e.args) {
    if (a && ReadsColumn(*a, c)) return true;
  }
  return false;
}

bool HasSubquery(const Expr& e) {
  if (e.kind == Expr::Kind::kSubquery && e.args.empty()) return true;
  for (const auto& a : e.args) {
    if (a && HasSubquery(*a)) return true;
  }
  return false;
}

}  // namespace

void CheckExplicitValueAllowed(const ColumnDef& col, bool update, bool overriding_system_value) {
  const bool generated = !col.generated_expr.empty();
  if (!generated && !(col.identity_always && (update || !overriding_system_value))) return;
  const std::string detail = generated ? "Column \"" + col.name + "\" is a generated column."
                                       : "Column \"" + col.name + "\" is an identity column defined as GENERATED ALWAYS.";
  if (update) {
    throw PgError(sqlstate::kGeneratedAlways, "column \"" + col.name + "\" can only be updated to DEFAULT", detail);
  }
  throw PgError(sqlstate::kGeneratedAlways, "cannot insert a non-DEFAULT value into column \"" + col.name + "\"",
                detail, generated ? "" : "Use OVERRIDING SYSTEM VALUE to override.");
}

std::unique_ptr<Expr> BindGenerated(StmtContext& sc, const TableDef& t, size_t c) {
  const ColumnDef& col = t.columns[c];
  Scope scope;
  AddTableScope(t, t.name, &scope);
  Binder binder(*sc.eval, nullptr);
  binder.no_agg_clause = "column generation expressions";
  auto tree = ParseTree::Parse("SELECT " + col.generated_expr);
  auto e = binder.Bind(tree->stmt(0)->select_stmt->target_list[0]->res_target->val, scope);
  if (HasSubquery(*e)) {
    throw PgError(sqlstate::kFeatureNotSupported, "cannot use subquery in column generation expression");
  }
  for (size_t k = 0; k < t.columns.size(); k++) {
    if (!t.columns[k].generated_expr.empty() && ReadsColumn(*e, k)) {
      throw PgError(sqlstate::kInvalidObjectDefinition, "cannot use generated column \"" + t.columns[k].name +
                                                            "\" in column generation expression",
                    "A generated column cannot reference another generated column.");
    }
  }
  return binder.Coerce(std::move(e), col.type_oid, col.typmod, false, ("column \"" + col.name + "\"").c_str());
}

GeneratedColumns::GeneratedColumns(StmtContext& sc, const TableDef& t) {
  for (size_t c = 0; c < t.columns.size(); c++) {
    if (!t.columns[c].dropped && !t.columns[c].generated_expr.empty()) exprs_.push_back({c, BindGenerated(sc, t, c)});
  }
}

void GeneratedColumns::Compute(Row* row, EvalContext& ctx) const {
  for (const auto& [c, e] : exprs_) (*row)[c] = Eval(*e, *row, ctx);
}

}  // namespace immu::sql
