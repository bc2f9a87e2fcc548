// CREATE DOMAIN and ALTER DOMAIN. A domain is a TypeDef of kind 'd'
// (catalog/type_def.h); its constraints are enforced by DomainChecker
// (sql/domain_check.h), and constraints added later are validated against
// the columns of that domain in every table.

#include "catalog/pg_error.h"
#include "sql/domain_check.h"
#include "sql/query_internal.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

bool CheckNameTaken(const TypeDef& d, const std::string& name) {
  for (const auto& c : d.checks) {
    if (c.name == name) return true;
  }
  return false;
}

// A CHECK constraint of domain d, named as PostgreSQL names it
// (d_check, d_check1, ...), bound once to validate it.
DomainCheck MakeDomainCheck(StmtContext& sc, const TypeDef& d, const PgQuery__Constraint* con) {
  DomainCheck c;
  c.expr = DeparseExpr(con->raw_expr);
  int32_t base_typmod = d.base_typmod;
  const uint32_t base = BaseType(d.base_type, &base_typmod);
  (void)BindDomainCheck(c.expr, base, base_typmod, *sc.eval);
  if (con->conname != nullptr && *con->conname) {
    c.name = con->conname;
    if (CheckNameTaken(d, c.name)) {
      throw PgError(sqlstate::kDuplicateObject,
                    "constraint \"" + c.name + "\" for domain " + d.name + " already exists");
    }
  } else {
    const std::string base = d.name + "_check";
    c.name = base;
    for (int n = 1; CheckNameTaken(d, c.name); n++) c.name = base + std::to_string(n);
  }
  c.not_valid = con->skip_validation;
  return c;
}

// Columns of domain `type` (directly or through domains over it) in every
// table: (table, column).
std::vector<std::pair<const TableDef*, size_t>> DomainColumns(const Catalog& cat, uint32_t type) {
  std::vector<std::pair<const TableDef*, size_t>> out;
  for (const auto& [oid, t] : cat.tables()) {
    if (t.kind != 'r') continue;
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (t.columns[c].dropped) continue;
      uint32_t ty = t.columns[c].type_oid;
      for (int depth = 0; depth < 32 && ty != type && IsDomainType(ty); depth++) ty = FindUserType(ty)->base_type;
      if (ty == type) out.push_back({&t, c});
    }
  }
  return out;
}

// Existing values must satisfy a constraint being added: not_null, or the
// check (bound over VALUE).
void ValidateDomainData(StmtContext& sc, const TypeDef& d, bool not_null, const DomainCheck* check) {
  std::unique_ptr<Expr> bound;
  int32_t base_typmod = d.base_typmod;
  const uint32_t base = BaseType(d.base_type, &base_typmod);
  if (check != nullptr) bound = BindDomainCheck(check->expr, base, base_typmod, *sc.eval);
  for (const auto& [t, c] : DomainColumns(**sc.catalog, d.oid)) {
    std::vector<Row> rows;
    ScanTable(sc, *t, &rows, nullptr);
    for (const Row& row : rows) {
      const Value& v = row[c];
      const std::string where = "column \"" + t->columns[c].name + "\" of table \"" + t->name + "\"";
      if (not_null && v.null) throw PgError(sqlstate::kNotNullViolation, where + " contains null values");
      if (bound == nullptr) continue;
      const Value r = Eval(*bound, Row{v}, *sc.eval);
      if (!r.null && r.i == 0) {
        throw PgError(sqlstate::kCheckViolation, where + " contains values that violate the new constraint");
      }
    }
  }
}

const TypeDef& LookupDomain(StmtContext& sc, PgNode* const* names, size_t n) {
  const std::string name(NodeString(names[n - 1]));
  const std::string schema = n >= 2 ? std::string(NodeString(names[n - 2])) : "";
  const TypeDef* d = (*sc.catalog)->FindTypeDef(schema, name);
  if (d == nullptr && (*sc.catalog)->Find(schema, name) == nullptr) {
    throw PgError(sqlstate::kUndefinedObject, "type \"" + name + "\" does not exist");
  }
  if (d == nullptr) throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a domain");
  if (d->kind != 'd') throw PgError(sqlstate::kWrongObjectType, "\"" + name + "\" is not a domain");
  return *d;
}

}  // namespace

QueryResult RunCreateDomain(const PgQuery__CreateDomainStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE DOMAIN";
  TypeDef d = NewTypeDef(sc, s->domainname, s->n_domainname, 'd');
  ResolveTypeName(s->type_name, &d.base_type, &d.base_typmod);
  if (IsCompositeType(d.base_type) || d.base_type == oid::kRecord) {
    throw PgError(sqlstate::kDatatypeMismatch, "\"" + FormatType(d.base_type, -1) + "\" is not a valid base type for a domain");
  }
  std::vector<const PgQuery__Constraint*> checks;
  bool saw_null = false;
  for (size_t i = 0; i < s->n_constraints; i++) {
    const PgQuery__Constraint* con = s->constraints[i]->constraint;
    switch (con->contype) {
      case PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL:
      case PG_QUERY__CONSTR_TYPE__CONSTR_NULL: {
        const bool nn = con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL;
        if (saw_null && d.not_null != nn) {
          throw PgError(sqlstate::kSyntaxError, "conflicting NULL/NOT NULL constraints");
        }
        saw_null = true;
        d.not_null = nn;
        break;
      }
      case PG_QUERY__CONSTR_TYPE__CONSTR_DEFAULT:
        if (!d.default_expr.empty()) throw PgError(sqlstate::kSyntaxError, "multiple default expressions");
        d.default_expr = DeparseExpr(con->raw_expr);
        break;
      case PG_QUERY__CONSTR_TYPE__CONSTR_CHECK:
        checks.push_back(con);
        break;
      default:
        throw PgError(sqlstate::kSyntaxError, "this constraint is not allowed on a domain");
    }
  }
  for (const auto* con : checks) d.checks.push_back(MakeDomainCheck(sc, d, con));
  if (sc.describe_only) return out;
  d.oid = sc.db->AllocateOid();
  d.array_oid = sc.db->AllocateOid();
  for (auto& c : d.checks) c.oid = sc.db->AllocateOid();
  SaveType(sc, d);
  return out;
}

QueryResult RunAlterDomain(const PgQuery__AlterDomainStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "ALTER DOMAIN";
  TypeDef d = LookupDomain(sc, s->type_name, s->n_type_name);
  const char sub = s->subtype != nullptr && *s->subtype ? s->subtype[0] : '?';
  switch (sub) {
    case 'T':  // SET DEFAULT / DROP DEFAULT
      d.default_expr = s->def != nullptr ? DeparseExpr(s->def) : "";
      break;
    case 'N':  // DROP NOT NULL
      d.not_null = false;
      break;
    case 'O':  // SET NOT NULL
      if (!d.not_null && !sc.describe_only) ValidateDomainData(sc, d, true, nullptr);
      d.not_null = true;
      break;
    case 'C': {  // ADD CONSTRAINT
      const PgQuery__Constraint* con = s->def->constraint;
      if (con->contype == PG_QUERY__CONSTR_TYPE__CONSTR_NOTNULL) {
        if (!d.not_null && !sc.describe_only) ValidateDomainData(sc, d, true, nullptr);
        d.not_null = true;
        break;
      }
      if (con->contype != PG_QUERY__CONSTR_TYPE__CONSTR_CHECK) {
        throw PgError(sqlstate::kSyntaxError, "this constraint is not allowed on a domain");
      }
      DomainCheck c = MakeDomainCheck(sc, d, con);
      if (!c.not_valid && !sc.describe_only) ValidateDomainData(sc, d, false, &c);
      if (sc.describe_only) return out;
      c.oid = sc.db->AllocateOid();
      d.checks.push_back(std::move(c));
      break;
    }
    case 'X': {  // DROP CONSTRAINT [IF EXISTS] name
      const std::string name = s->name != nullptr ? s->name : "";
      const size_t before = d.checks.size();
      std::erase_if(d.checks, [&](const DomainCheck& c) { return c.name == name; });
      if (d.checks.size() == before) {
        if (s->missing_ok) return out;
        throw PgError(sqlstate::kUndefinedObject,
                      "constraint \"" + name + "\" of domain \"" + d.name + "\" does not exist");
      }
      break;
    }
    case 'V': {  // VALIDATE CONSTRAINT name
      const std::string name = s->name != nullptr ? s->name : "";
      DomainCheck* c = nullptr;
      for (auto& x : d.checks) {
        if (x.name == name) c = &x;
      }
      if (c == nullptr) {
        throw PgError(sqlstate::kUndefinedObject,
                      "constraint \"" + name + "\" of domain \"" + d.name + "\" does not exist");
      }
      if (!sc.describe_only) ValidateDomainData(sc, d, false, c);
      c->not_valid = false;
      break;
    }
    default:
      throw PgError(sqlstate::kFeatureNotSupported, "this form of ALTER DOMAIN is not supported yet");
  }
  if (sc.describe_only) return out;
  SaveType(sc, d);
  return out;
}

}  // namespace immu::sql
