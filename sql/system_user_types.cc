// The catalog rows of user-defined types (catalog/type_def.h): pg_type
// (the type and its array type "_name"), pg_enum, pg_constraint rows of
// domain CHECKs (contypid), pg_class (relkind 'c') and pg_attribute rows of
// composites, information_schema.domains. Values as PostgreSQL 15 sets them.

#include <cctype>

#include "sql/system_internal.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

// PostgreSQL's I/O functions for enums, records and arrays.
constexpr uint32_t kEnumIn = 3504, kEnumOut = 3505, kEnumRecv = 3532, kEnumSend = 3533;
constexpr uint32_t kRecordIn = 2290, kRecordOut = 2291, kRecordRecv = 2402, kRecordSend = 2403;
constexpr uint32_t kArrayIn = 750, kArrayOut = 751, kArrayRecv = 2400, kArraySend = 2401;
constexpr uint32_t kArraySubscript = 6179;
constexpr uint32_t kDomainIn = 2597, kDomainRecv = 2598;
constexpr uint32_t kRangeIn = 3834, kRangeOut = 3835, kRangeRecv = 3836, kRangeSend = 3837;
constexpr uint32_t kMultirangeIn = 4231, kMultirangeOut = 4232, kMultirangeRecv = 4233, kMultirangeSend = 4234;

Value Proc(uint32_t id) { return Value::Int(oid::kRegproc, id); }

const PgTypeRow* BuiltinRow(uint32_t type);

// typalign of a user type other than a domain (and of its array type):
// composites 'd'; ranges and multiranges as their subtype, at least 'i'
// (PostgreSQL's DefineRange); enums 'i'.
char TypeAlign(const TypeDef& t) {
  if (t.kind == 'c') return 'd';
  if (t.kind != 'r' && t.kind != 'm') return 'i';
  const TypeDef* range = t.kind == 'r' ? &t : FindUserType(t.base_type);
  const PgTypeRow* sub = range != nullptr ? BuiltinRow(range->base_type) : nullptr;
  return sub != nullptr && sub->align == 'd' ? 'd' : 'i';
}

const PgTypeRow* BuiltinRow(uint32_t type) {
  for (const auto& t : PgTypes()) {
    if (t.oid == type) return &t;
  }
  return nullptr;
}

// The domain's value as psql's \dD shows "CHECK (VALUE > 0)": the stored
// text names the value as a column "value".
std::string DomainCheckText(const std::string& expr) {
  std::string out;
  for (size_t i = 0; i < expr.size();) {
    const char c = expr[i];
    if (c == '\'' || c == '"') {  // copy quoted text unchanged
      size_t j = i + 1;
      while (j < expr.size() && expr[j] != c) j++;
      out.append(expr, i, j + 1 - i);
      i = j + 1;
      continue;
    }
    auto word = [&](size_t k) { return k < expr.size() && (std::isalnum(static_cast<unsigned char>(expr[k])) || expr[k] == '_'); };
    if (expr.compare(i, 5, "value") == 0 && !(i > 0 && word(i - 1)) && !word(i + 5)) {
      out += "VALUE";
      i += 5;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

// typdefault as PostgreSQL prints it: a string literal carries a cast to
// the base type ('x'::character varying).
std::string DomainDefaultText(const TypeDef& t) {
  const std::string& e = t.default_expr;
  bool literal = e.size() >= 2 && e.front() == '\'' && e.back() == '\'';
  for (size_t i = 1; literal && i + 1 < e.size(); i++) {
    if (e[i] != '\'') continue;
    if (i + 2 < e.size() && e[i + 1] == '\'') {
      i++;
    } else {
      literal = false;
    }
  }
  return literal ? e + "::" + FormatType(BaseType(t.oid), -1) : e;
}

void UserTypeRow(RowBuilder& b, const TypeDef& t) {
  b.Begin()
      .Set("oid", OidV(t.oid))
      .Set("typname", NameV(t.name))
      .Set("typnamespace", OidV(NamespaceOid(t.schema)))
      .Set("typowner", OidV(kSuperuserOid))
      .Set("typtype", CharV(t.kind))
      .Set("typisdefined", BoolV(true))
      .Set("typdelim", CharV(','))
      .Set("typarray", OidV(t.array_oid))
      .Set("typsubscript", Proc(0))
      .Set("typmodin", Proc(0))
      .Set("typmodout", Proc(0))
      .Set("typanalyze", Proc(0))
      .Set("typtypmod", Int4V(-1));
  if (t.kind == 'e') {
    b.Set("typlen", Int2V(4)).Set("typbyval", BoolV(true)).Set("typcategory", CharV('E'));
    b.Set("typinput", Proc(kEnumIn)).Set("typoutput", Proc(kEnumOut));
    b.Set("typreceive", Proc(kEnumRecv)).Set("typsend", Proc(kEnumSend));
    b.Set("typalign", CharV('i')).Set("typstorage", CharV('p'));
  } else if (t.kind == 'c') {
    b.Set("typlen", Int2V(-1)).Set("typbyval", BoolV(false)).Set("typcategory", CharV('C'));
    b.Set("typrelid", OidV(t.relid));
    b.Set("typinput", Proc(kRecordIn)).Set("typoutput", Proc(kRecordOut));
    b.Set("typreceive", Proc(kRecordRecv)).Set("typsend", Proc(kRecordSend));
    b.Set("typalign", CharV('d')).Set("typstorage", CharV('x'));
  } else if (t.kind == 'r' || t.kind == 'm') {
    const bool range = t.kind == 'r';
    b.Set("typlen", Int2V(-1)).Set("typbyval", BoolV(false)).Set("typcategory", CharV('R'));
    b.Set("typinput", Proc(range ? kRangeIn : kMultirangeIn)).Set("typoutput", Proc(range ? kRangeOut : kMultirangeOut));
    b.Set("typreceive", Proc(range ? kRangeRecv : kMultirangeRecv));
    b.Set("typsend", Proc(range ? kRangeSend : kMultirangeSend));
    b.Set("typalign", CharV(TypeAlign(t))).Set("typstorage", CharV('x'));
  } else if (t.kind == 'b') {  // citext, hstore (varlena, extension I/O functions)
    const bool citext = t.extension == "citext";
    b.Set("typlen", Int2V(-1)).Set("typbyval", BoolV(false)).Set("typcategory", CharV(citext ? 'S' : 'U'));
    b.Set("typalign", CharV('i')).Set("typstorage", CharV('x')).Set("typcollation", OidV(citext ? 100 : 0));
  } else {
    int32_t base_typmod = -1;
    const uint32_t base = BaseType(t.oid, &base_typmod);
    const PgTypeRow* r = BuiltinRow(base);
    const TypeInfo* ti = FindType(base);
    b.Set("typlen", Int2V(r != nullptr ? r->len : ti != nullptr ? ti->len : -1));
    b.Set("typbyval", BoolV(r != nullptr && r->byval));
    b.Set("typcategory", CharV(r != nullptr ? r->category : ti != nullptr ? ti->category : 'U'));
    b.Set("typinput", Proc(kDomainIn)).Set("typoutput", Proc(r != nullptr ? r->output : 0));
    b.Set("typreceive", Proc(kDomainRecv)).Set("typsend", Proc(r != nullptr ? r->send : 0));
    b.Set("typalign", CharV(r != nullptr ? r->align : 'i')).Set("typstorage", CharV(r != nullptr ? r->storage : 'p'));
    b.Set("typnotnull", BoolV(t.not_null)).Set("typbasetype", OidV(t.base_type)).Set("typtypmod", Int4V(t.base_typmod));
    b.Set("typcollation", OidV(r != nullptr ? r->collation : 0));
    if (!t.default_expr.empty()) b.Set("typdefault", TextV(DomainDefaultText(t)));
  }
  b.End();
  b.Begin()
      .Set("oid", OidV(t.array_oid))
      .Set("typname", NameV("_" + t.name))
      .Set("typnamespace", OidV(NamespaceOid(t.schema)))
      .Set("typowner", OidV(kSuperuserOid))
      .Set("typlen", Int2V(-1))
      .Set("typbyval", BoolV(false))
      .Set("typtype", CharV('b'))
      .Set("typcategory", CharV('A'))
      .Set("typisdefined", BoolV(true))
      .Set("typdelim", CharV(','))
      .Set("typelem", OidV(t.oid))
      .Set("typsubscript", Proc(kArraySubscript))
      .Set("typinput", Proc(kArrayIn))
      .Set("typoutput", Proc(kArrayOut))
      .Set("typreceive", Proc(kArrayRecv))
      .Set("typsend", Proc(kArraySend))
      .Set("typmodin", Proc(0))
      .Set("typmodout", Proc(0))
      .Set("typanalyze", Proc(0))
      .Set("typalign", CharV(TypeAlign(t)))
      .Set("typstorage", CharV('x'))
      .Set("typtypmod", Int4V(-1))
      .End();
}

void PgEnum(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : (**sc.catalog).types()) {
    for (const auto& l : t.labels) {
      b.Begin()
          .Set("oid", OidV(l.oid))
          .Set("enumtypid", OidV(t.oid))
          .Set("enumsortorder", Value::Float(oid::kFloat4, static_cast<float>(l.sort_order)))
          .Set("enumlabel", NameV(l.label))
          .End();
    }
  }
}

void Domains(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : (**sc.catalog).types()) {
    if (t.kind != 'd') continue;
    int32_t typmod = -1;
    const uint32_t base = BaseType(t.oid, &typmod);
    b.Begin()
        .Set("domain_catalog", NameV(sc.eval->database))
        .Set("domain_schema", NameV(t.schema))
        .Set("domain_name", NameV(t.name))
        .Set("data_type", Value::Str(oid::kVarchar, FormatType(base, -1)))
        .Set("domain_default", t.default_expr.empty() ? Value::Null(oid::kVarchar)
                                                      : Value::Str(oid::kVarchar, DomainDefaultText(t)))
        .Set("udt_catalog", NameV(sc.eval->database))
        .Set("udt_schema", NameV("pg_catalog"))
        .Set("udt_name", NameV(FindType(base) != nullptr && BuiltinRow(base) != nullptr ? BuiltinRow(base)->name : ""))
        .Set("dtd_identifier", NameV("1"))
        .End();
  }
}

}  // namespace

void UserTypePgTypeRows(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : (**sc.catalog).types()) UserTypeRow(b, t);
}

void UserTypePgConstraintRows(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : (**sc.catalog).types()) {
    for (const auto& c : t.checks) {
      b.Begin()
          .Set("oid", OidV(c.oid))
          .Set("conname", NameV(c.name))
          .Set("connamespace", OidV(NamespaceOid(t.schema)))
          .Set("contype", CharV('c'))
          .Set("convalidated", BoolV(!c.not_valid))
          .Set("contypid", OidV(t.oid))
          .Set("confupdtype", CharV(' '))
          .Set("confdeltype", CharV(' '))
          .Set("confmatchtype", CharV(' '))
          .Set("conislocal", BoolV(true))
          .Set("connoinherit", BoolV(true))
          .Set("conbin", Value::Str(oid::kPgNodeTree, c.expr))
          .End();
    }
  }
}

std::optional<std::string> DomainConstraintDef(const Catalog& cat, uint32_t constraint_oid, bool pretty) {
  for (const auto& [id, t] : cat.types()) {
    for (const auto& c : t.checks) {
      if (c.oid == constraint_oid) {
        // PostgreSQL parenthesises the expression once more unless pretty.
        const std::string text = DomainCheckText(c.expr);
        return (pretty ? "CHECK (" + text + ")" : "CHECK ((" + text + "))") + (c.not_valid ? " NOT VALID" : "");
      }
    }
  }
  return std::nullopt;
}

void UserTypePgClassRows(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : (**sc.catalog).types()) {
    if (t.kind != 'c') continue;
    b.Begin()
        .Set("oid", OidV(t.relid))
        .Set("relname", NameV(t.name))
        .Set("relnamespace", OidV(NamespaceOid(t.schema)))
        .Set("reltype", OidV(t.oid))
        .Set("relowner", OidV(kSuperuserOid))
        .Set("reltuples", Value::Float(oid::kFloat4, -1))
        .Set("relpersistence", CharV('p'))
        .Set("relkind", CharV('c'))
        .Set("relnatts", Int2V(static_cast<int64_t>(t.fields.size())))
        .Set("relispopulated", BoolV(true))
        .Set("relreplident", CharV('n'))
        .End();
  }
}

std::vector<std::pair<uint32_t, const TypeField*>> CompositeAttributes(const Catalog& cat) {
  std::vector<std::pair<uint32_t, const TypeField*>> out;
  for (const auto& [id, t] : cat.types()) {
    for (const auto& f : t.fields) out.push_back({t.relid, &f});
  }
  return out;
}

Producer UserTypeProducer(std::string_view name) {
  if (name == "pg_enum") return PgEnum;
  if (name == "domains") return Domains;
  return nullptr;
}

}  // namespace immu::sql
