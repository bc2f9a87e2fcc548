// Set-returning json functions (json(b)_each(_text),
// json(b)_array_elements(_text), json(b)_object_keys): see json_functions.h.

#include "catalog/pg_error.h"
#include "sql/binder.h"
#include "sql/json.h"
#include "sql/json_functions.h"
#include "sql/json_path.h"
#include "sql/parser.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

using Kind = JsonNode::Kind;

JsonNode Parse(const Value& v) { return v.type == oid::kJson ? ParseJson(v.s) : ParseJsonb(v.s); }

// One member value as a row cell: of the document's type, or as text
// (strings unquoted, null as NULL) for the _text variants.
Value Cell(const Value& doc, const JsonNode& n, bool as_text) {
  if (as_text && n.kind == Kind::kNull) return Value::Null(oid::kText);
  if (as_text && n.kind == Kind::kString) return Value::Str(oid::kText, n.text);
  std::string text = doc.type == oid::kJson ? std::string(JsonSlice(doc.s, n)) : JsonbText(n);
  return Value::Str(as_text ? oid::kText : doc.type, std::move(text));
}

const char* Prefix(const Value& doc) { return doc.type == oid::kJson ? "json" : "jsonb"; }

std::vector<Row> Each(const Value& doc, bool as_text) {
  const JsonNode root = Parse(doc);
  if (root.kind != Kind::kObject) {
    // The two types word this differently in PostgreSQL.
    if (doc.type == oid::kJson) {
      throw PgError(sqlstate::kInvalidParameterValue, root.kind == Kind::kArray
                                                          ? "cannot deconstruct an array as an object"
                                                          : "cannot deconstruct a scalar");
    }
    throw PgError(sqlstate::kInvalidParameterValue,
                  std::string("cannot call jsonb_each") + (as_text ? "_text" : "") + " on a non-object");
  }
  std::vector<Row> rows;
  for (size_t i = 0; i < root.items.size(); i++) {
    rows.push_back({Value::Str(oid::kText, root.keys[i]), Cell(doc, root.items[i], as_text)});
  }
  return rows;
}
std::vector<Row> EachJson(std::span<const Value> a, EvalContext&) { return Each(a[0], false); }
std::vector<Row> EachText(std::span<const Value> a, EvalContext&) { return Each(a[0], true); }

std::vector<Row> Elements(const Value& doc, bool as_text) {
  const JsonNode root = Parse(doc);
  if (root.kind != Kind::kArray) {
    if (doc.type == oid::kJson) {
      throw PgError(sqlstate::kInvalidParameterValue,
                    std::string("cannot call json_array_elements") + (as_text ? "_text" : "") + " on a non-array");
    }
    throw PgError(sqlstate::kInvalidParameterValue, root.kind == Kind::kObject
                                                        ? "cannot extract elements from an object"
                                                        : "cannot extract elements from a scalar");
  }
  std::vector<Row> rows;
  for (const auto& e : root.items) rows.push_back({Cell(doc, e, as_text)});
  return rows;
}
std::vector<Row> ElementsJson(std::span<const Value> a, EvalContext&) { return Elements(a[0], false); }
std::vector<Row> ElementsText(std::span<const Value> a, EvalContext&) { return Elements(a[0], true); }

std::vector<Row> ObjectKeys(std::span<const Value> a, EvalContext&) {
  const Value& doc = a[0];
  const JsonNode root = Parse(doc);
  if (root.kind != Kind::kObject) {
    throw PgError(sqlstate::kInvalidParameterValue, std::string("cannot call ") + Prefix(doc) + "_object_keys on " +
                                                        (root.kind == Kind::kArray ? "an array" : "a scalar"));
  }
  std::vector<Row> rows;
  for (const auto& k : root.keys) rows.push_back({Value::Str(oid::kText, k)});
  return rows;
}

// jsonb_path_query(target, path [, vars [, silent]]).
std::vector<Row> PathQuery(std::span<const Value> a, EvalContext&) {
  const JsonNode vars = a.size() > 2 ? ParseJsonb(a[2].s) : JsonNode();
  const JsonPathResult r =
      JsonPathQuery(ParseJsonb(a[0].s), a[1].s, a.size() > 2 ? &vars : nullptr, a.size() > 3 && a[3].boolean());
  std::vector<Row> rows;
  for (const auto& n : r.items) rows.push_back({Value::Str(oid::kJsonb, JsonbText(n))});
  return rows;
}

// json(b)_to_record(set): one JSON value as a value of a declared column
// type, as populate_record_worker converts it: null -> NULL, json/jsonb
// columns take the value itself, strings go through the type's input
// function unquoted, other values through their JSON text, and JSON arrays
// fill array columns element by element.
Value ColumnValue(const Value& doc, const JsonNode* n, uint32_t type, int32_t typmod, const ValueContext& vc) {
  if (n == nullptr || n->kind == Kind::kNull) return Value::Null(type);
  // json documents keep their verbatim text; jsonb ones are canonical.
  const std::string text = doc.type == oid::kJson ? std::string(JsonSlice(doc.s, *n)) : JsonbText(*n);
  if (type == oid::kJson) return Value::Str(type, text);
  if (type == oid::kJsonb) return Value::Str(type, CanonicalJsonb(text));
  const uint32_t elem = ArrayElementType(type);
  if (elem != 0 && n->kind == Kind::kArray) {
    ValueArray items;
    for (const auto& e : n->items) items.push_back(ColumnValue(doc, &e, elem, -1, vc));
    return Value::Array(type, std::move(items));
  }
  return FromText(n->kind == Kind::kString ? n->text : text, type, typmod, vc);
}

bool BuildToRecord(std::string_view name, std::vector<std::unique_ptr<Expr>>& args, const PgQuery__RangeFunction* rf,
                   StmtContext& sc, Binder& binder, Relation* out) {
  const bool is_json = name.starts_with("json_");
  const bool set = name.ends_with("recordset");
  if (args.size() != 1) return false;
  if (rf->n_coldeflist == 0) {
    throw PgError(sqlstate::kSyntaxError, "a column definition list is required for functions returning \"record\"");
  }
  args[0] = binder.Coerce(std::move(args[0]), is_json ? oid::kJson : oid::kJsonb, -1, false);
  const std::string qualifier = rf->alias != nullptr ? rf->alias->aliasname : std::string(name);
  std::vector<int32_t> typmods;
  for (size_t c = 0; c < rf->n_coldeflist; c++) {
    const PgQuery__ColumnDef* cd = rf->coldeflist[c]->column_def;
    ScopeColumn col;
    col.qualifier = qualifier;
    col.name = cd->colname;
    int32_t typmod = -1;
    ResolveTypeName(cd->type_name, &col.type, &typmod);
    typmods.push_back(typmod);
    out->scope.columns.push_back(std::move(col));
  }
  if (sc.describe_only) return true;
  const Value doc = Eval(*args[0], Row{}, *sc.eval);
  if (doc.null) return true;
  const JsonNode root = Parse(doc);
  auto row_of = [&](const JsonNode& obj) {
    Row row;
    for (size_t c = 0; c < out->scope.columns.size(); c++) {
      const auto& col = out->scope.columns[c];
      row.push_back(ColumnValue(doc, obj.Field(col.name), col.type, typmods[c], sc.eval->vc));
    }
    out->rows.push_back(std::move(row));
  };
  if (!set) {
    if (root.kind != Kind::kObject) {
      throw PgError(sqlstate::kInvalidParameterValue, std::string("cannot call populate_composite on ") +
                                                          (root.kind == Kind::kArray ? "an array" : "a scalar"));
    }
    row_of(root);
    return true;
  }
  if (root.kind != Kind::kArray) {
    throw PgError(sqlstate::kInvalidParameterValue, "cannot call " + std::string(name) + " on a non-array");
  }
  for (const auto& e : root.items) {
    if (e.kind != Kind::kObject) {
      throw PgError(sqlstate::kInvalidParameterValue, "argument of " + std::string(name) + " must be an array of objects");
    }
    row_of(e);
  }
  return true;
}

}  // namespace

const JsonSetFunction* FindJsonSetFunction(std::string_view name) {
  using C = JsonSetFunction::Column;
  const uint32_t j = oid::kJson, jb = oid::kJsonb;
  static const std::vector<std::pair<std::string_view, JsonSetFunction>> kFns = {
      {"json_each", {{C{"key", oid::kText}, C{"value", j}}, {j}, 1, EachJson}},
      {"jsonb_each", {{C{"key", oid::kText}, C{"value", jb}}, {jb}, 1, EachJson}},
      {"json_each_text", {{C{"key", oid::kText}, C{"value", oid::kText}}, {j}, 1, EachText}},
      {"jsonb_each_text", {{C{"key", oid::kText}, C{"value", oid::kText}}, {jb}, 1, EachText}},
      {"json_array_elements", {{C{"value", j}}, {j}, 1, ElementsJson}},
      {"jsonb_array_elements", {{C{"value", jb}}, {jb}, 1, ElementsJson}},
      {"json_array_elements_text", {{C{"value", oid::kText}}, {j}, 1, ElementsText}},
      {"jsonb_array_elements_text", {{C{"value", oid::kText}}, {jb}, 1, ElementsText}},
      {"json_object_keys", {{C{nullptr, oid::kText}}, {j}, 1, ObjectKeys}},
      {"jsonb_object_keys", {{C{nullptr, oid::kText}}, {jb}, 1, ObjectKeys}},
      {"jsonb_path_query", {{C{nullptr, jb}}, {jb, oid::kText, jb, oid::kBool}, 2, PathQuery}},
  };
  for (const auto& [n, f] : kFns) {
    if (n == name) return &f;
  }
  return nullptr;
}

bool BuildJsonRelation(std::string_view name, std::vector<std::unique_ptr<Expr>>& args,
                       const PgQuery__RangeFunction* rf, StmtContext& sc, Binder& binder, Relation* out) {
  if (name == "json_to_record" || name == "jsonb_to_record" || name == "json_to_recordset" ||
      name == "jsonb_to_recordset") {
    if (BuildToRecord(name, args, rf, sc, binder, out)) return true;
  }
  const JsonSetFunction* f = FindJsonSetFunction(name);
  if (f == nullptr) return false;
  if (args.size() < f->min_args || args.size() > f->arg_types.size()) {
    std::string sig = std::string(name) + "(";
    for (size_t i = 0; i < args.size(); i++) sig += (i ? ", " : "") + FormatType(args[i]->type, -1);
    throw PgError(sqlstate::kUndefinedFunction, "function " + sig + ") does not exist", "",
                  "No function matches the given name and argument types. You might need to add explicit type casts.");
  }
  for (size_t i = 0; i < args.size(); i++) args[i] = binder.Coerce(std::move(args[i]), f->arg_types[i], -1, false);
  const PgQuery__Alias* alias = rf->alias;
  const std::string qualifier = alias != nullptr ? alias->aliasname : std::string(name);
  for (size_t c = 0; c < f->columns.size(); c++) {
    ScopeColumn col;
    col.qualifier = qualifier;
    col.type = f->columns[c].type;
    if (alias != nullptr && c < alias->n_colnames) col.name = NodeString(alias->colnames[c]);
    else col.name = f->columns[c].name != nullptr ? f->columns[c].name : qualifier;
    out->scope.columns.push_back(std::move(col));
  }
  if (sc.describe_only) return true;
  std::vector<Value> argv;
  for (auto& a : args) {
    argv.push_back(Eval(*a, Row{}, *sc.eval));
    if (argv.back().null) return true;  // strict: no rows
  }
  out->rows = f->run(argv, *sc.eval);
  return true;
}

}  // namespace immu::sql
