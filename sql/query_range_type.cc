// CREATE TYPE name AS RANGE (subtype = ..., ...): a user range type and
// its multirange type (sql/range.h), as PostgreSQL's DefineRange makes them.

#include <algorithm>

#include "catalog/pg_error.h"
#include "sql/binder.h"
#include "sql/query_internal.h"
#include "sql/range.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

// PostgreSQL's makeMultirangeTypeName: "range" in the name becomes
// "multirange", else "_multirange" is appended.
std::string DefaultMultirangeName(const std::string& range_name) {
  const size_t pos = range_name.find("range");
  if (pos == std::string::npos) return range_name + "_multirange";
  return range_name.substr(0, pos) + "multi" + range_name.substr(pos);
}

// A built-in type already has the name; array names ("_x") do not count,
// as PostgreSQL renames an array type out of the way.
bool NamesBuiltinType(const std::string& name) {
  const uint32_t existing = TypeOidByName(name);
  return existing != 0 && ArrayElementType(existing) == 0;
}

const PgQuery__TypeName* ArgTypeName(const PgQuery__DefElem* d) {
  if (d->arg == nullptr || d->arg->node_case != PG_QUERY__NODE__NODE_TYPE_NAME) {
    throw PgError(sqlstate::kSyntaxError, std::string(d->defname) + " requires a parameter");
  }
  return d->arg->type_name;
}

}  // namespace

QueryResult RunCreateRange(const PgQuery__CreateRangeStmt* s, StmtContext& sc) {
  QueryResult out;
  out.tag = "CREATE TYPE";
  TypeDef range = NewTypeDef(sc, s->type_name, s->n_type_name, 'r');
  std::string multirange_name;
  bool have_subtype = false;
  for (size_t i = 0; i < s->n_params; i++) {
    const PgQuery__DefElem* d = s->params[i]->def_elem;
    const std::string name = d->defname;
    if (name == "subtype") {
      if (have_subtype) throw PgError(sqlstate::kSyntaxError, "conflicting or redundant options");
      int32_t typmod = -1;
      ResolveTypeName(ArgTypeName(d), &range.base_type, &typmod);
      const TypeInfo* ti = FindType(range.base_type);
      if (ti == nullptr || ti->category == 'P' || range.base_type == oid::kUnknown) {
        throw PgError(sqlstate::kDatatypeMismatch,
                      "range subtype cannot be " + FormatType(range.base_type, -1));
      }
      have_subtype = true;
    } else if (name == "multirange_type_name") {
      const PgQuery__TypeName* tn = ArgTypeName(d);
      multirange_name = std::string(NodeString(tn->names[tn->n_names - 1]));
    } else if (name == "canonical") {
      // A canonical function is a C function in PostgreSQL; none can be
      // defined here.
      throw PgError(sqlstate::kFeatureNotSupported, "range canonical functions are not supported");
    } else if (name == "subtype_diff" || name == "subtype_opclass" || name == "collation") {
      // Only GiST (not provided) uses subtype_diff; the subtype's default
      // order and collation are the only ones there are.
    } else {
      throw PgError(sqlstate::kSyntaxError, "type attribute \"" + name + "\" not recognized");
    }
  }
  if (!have_subtype) throw PgError(sqlstate::kSyntaxError, "type attribute \"subtype\" is required");
  TypeDef multi;
  multi.kind = 'm';
  multi.schema = range.schema;
  multi.owner = range.owner;
  multi.name = multirange_name.empty() ? DefaultMultirangeName(range.name) : multirange_name;
  if ((*sc.catalog)->FindTypeDef(multi.schema, multi.name) != nullptr ||
      (*sc.catalog)->Find(multi.schema, multi.name) != nullptr || multi.name == range.name ||
      NamesBuiltinType(multi.name)) {
    if (!multirange_name.empty()) throw PgError(sqlstate::kDuplicateObject, "type \"" + multi.name + "\" already exists");
    throw PgError(sqlstate::kDuplicateObject, "type \"" + multi.name + "\" already exists",
                  "Failed while creating a multirange type for type \"" + range.name + "\".",
                  "You can manually specify a multirange type name using the \"multirange_type_name\" attribute.");
  }
  if (sc.describe_only) return out;
  range.oid = sc.db->AllocateOid();
  range.array_oid = sc.db->AllocateOid();
  multi.oid = sc.db->AllocateOid();
  multi.array_oid = sc.db->AllocateOid();
  range.multirange_oid = multi.oid;
  multi.base_type = range.oid;
  SaveType(sc, range);
  SaveType(sc, multi);
  return out;
}

}  // namespace immu::sql
