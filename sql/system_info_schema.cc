// information_schema: schemata, tables, columns, table_constraints,
// key_column_usage, constraint_column_usage, check_constraints (the NOT NULL
// checks PostgreSQL reports there) and sequences, from the catalog. The
// other views (views, routines, triggers, ...) are present and empty.

#include "sql/sequences.h"
#include "sql/system_internal.h"
#include "sql/user_types.h"

namespace immu::sql {

namespace {

const Catalog& Cat(StmtContext& sc) { return **sc.catalog; }
Value Yes(bool b) { return Value::Str(oid::kVarchar, b ? "YES" : "NO"); }
Value Str(std::string s) { return Value::Str(oid::kVarchar, std::move(s)); }

void Schemata(StmtContext& sc, RowBuilder& b) {
  std::vector<std::string> schemas = {"information_schema", "pg_catalog", "pg_toast"};
  for (const auto& s : UserSchemas(Cat(sc))) schemas.push_back(s);
  for (const auto& s : schemas) {
    b.Begin()
        .Set("catalog_name", NameV(sc.eval->database))
        .Set("schema_name", NameV(s))
        .Set("schema_owner", NameV(s == "public" ? "pg_database_owner" : kSuperuserName))
        .End();
  }
}

void Tables(StmtContext& sc, RowBuilder& b) {
  auto row = [&](const std::string& schema, const std::string& name, bool view) {
    b.Begin()
        .Set("table_catalog", NameV(sc.eval->database))
        .Set("table_schema", NameV(schema))
        .Set("table_name", NameV(name))
        .Set("table_type", Str(view ? "VIEW" : "BASE TABLE"))
        .Set("is_insertable_into", Yes(!view))
        .Set("is_typed", Yes(false))
        .End();
  };
  for (const auto& r : SystemRelations()) row(r.schema, r.name, r.kind == 'v');
  for (const auto& [id, t] : Cat(sc).tables()) {
    if (t.kind != 'S' && t.kind != 'm') row(t.schema, t.name, t.kind == 'v');
  }
}

// data_type as the SQL standard names it ("ARRAY" for arrays).
std::string DataType(uint32_t type) {
  if (ArrayElementType(type) != 0 && type != oid::kInt2Vector && type != oid::kOidVector) return "ARRAY";
  if (FindUserType(type) != nullptr) return "USER-DEFINED";
  return FormatType(type, -1);
}

void Columns(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    if (t.kind == 'S' || t.kind == 'm') continue;
    for (size_t c = 0; c < t.columns.size(); c++) {
      const ColumnDef& col = t.columns[c];
      if (col.dropped) continue;
      // A domain column reports its base type, and the domain apart.
      const TypeDef* domain = IsDomainType(col.type_oid) ? FindUserType(col.type_oid) : nullptr;
      int32_t base_typmod = -1;
      const uint32_t ty = BaseType(col.type_oid, &base_typmod);
      const int32_t typmod = domain != nullptr && col.typmod < 0 ? base_typmod : col.typmod;
      b.Begin()
          .Set("table_catalog", NameV(sc.eval->database))
          .Set("table_schema", NameV(t.schema))
          .Set("table_name", NameV(t.name))
          .Set("column_name", NameV(col.name))
          .Set("ordinal_position", Int4V(static_cast<int64_t>(c + 1)))
          .Set("column_default", (col.serial && !col.identity) || !col.default_expr.empty()
                                     ? Str(DefaultExprText(t, c))
                                     : Value::Null(oid::kVarchar))
          .Set("is_nullable", Yes(!col.not_null))
          .Set("data_type", Str(DataType(ty)));
      if ((ty == oid::kVarchar || ty == oid::kBpchar) && typmod >= 4) {
        b.Set("character_maximum_length", Int4V(typmod - 4))
            .Set("character_octet_length", Int4V((typmod - 4) * 4));
      } else if (ty == oid::kText || ty == oid::kVarchar || ty == oid::kBpchar) {
        b.Set("character_octet_length", Int4V(1073741824));
      }
      const int precision = ty == oid::kInt2 ? 16 : ty == oid::kInt4 ? 32 : ty == oid::kInt8 ? 64
                            : ty == oid::kFloat4 ? 24 : ty == oid::kFloat8 ? 53 : 0;
      if (precision > 0) {
        b.Set("numeric_precision", Int4V(precision)).Set("numeric_precision_radix", Int4V(2));
        if (ty == oid::kInt2 || ty == oid::kInt4 || ty == oid::kInt8) b.Set("numeric_scale", Int4V(0));
      } else if (ty == oid::kNumeric) {
        b.Set("numeric_precision_radix", Int4V(10));
        if (typmod >= 4) {
          const int32_t m = typmod - 4;
          b.Set("numeric_precision", Int4V((m >> 16) & 0xffff)).Set("numeric_scale", Int4V(static_cast<int16_t>(m & 0xffff)));
        }
      }
      if (ty == oid::kDate) b.Set("datetime_precision", Int4V(0));
      if (ty == oid::kTime || ty == oid::kTimeTz || ty == oid::kTimestamp || ty == oid::kTimestampTz ||
          ty == oid::kInterval) {
        b.Set("datetime_precision", Int4V(typmod >= 0 && ty != oid::kInterval ? typmod : 6));
      }
      std::string udt, udt_schema = "pg_catalog";
      for (const auto& pt : PgTypes()) {
        if (pt.oid == ty) udt = pt.name;
      }
      const TypeDef* user = FindUserType(ty);
      if (user == nullptr) user = FindUserArrayElement(ty);
      if (user != nullptr) {
        udt = ty == user->oid ? user->name : "_" + user->name;
        udt_schema = user->schema;
      }
      if (domain != nullptr) {
        b.Set("domain_catalog", NameV(sc.eval->database))
            .Set("domain_schema", NameV(domain->schema))
            .Set("domain_name", NameV(domain->name));
      }
      b.Set("udt_catalog", NameV(sc.eval->database))
          .Set("udt_schema", NameV(udt_schema))
          .Set("udt_name", NameV(udt))
          .Set("dtd_identifier", NameV(std::to_string(c + 1)))
          .Set("is_self_referencing", Yes(false))
          .Set("is_identity", Yes(col.identity))
          .Set("identity_generation", !col.identity        ? Value::Null(oid::kVarchar)
                                      : col.identity_always ? Str("ALWAYS")
                                                            : Str("BY DEFAULT"))
          .Set("is_generated", Str(col.generated_expr.empty() ? "NEVER" : "ALWAYS"))
          .Set("generation_expression",
               col.generated_expr.empty() ? Value::Null(oid::kVarchar) : Str("(" + col.generated_expr + ")"))
          .Set("is_updatable", Yes(true))
          .End();
    }
  }
  // The catalogs' own columns, as PostgreSQL lists them too (clients probe
  // information_schema.columns on an empty database).
  for (const auto& r : SystemRelations()) {
    for (size_t c = 0; c < r.columns.size(); c++) {
      const uint32_t ty = r.columns[c].type;
      std::string udt;
      for (const auto& pt : PgTypes()) {
        if (pt.oid == ty) udt = pt.name;
      }
      b.Begin()
          .Set("table_catalog", NameV(sc.eval->database))
          .Set("table_schema", NameV(r.schema))
          .Set("table_name", NameV(r.name))
          .Set("column_name", NameV(r.columns[c].name))
          .Set("ordinal_position", Int4V(static_cast<int64_t>(c + 1)))
          .Set("is_nullable", Yes(true))
          .Set("data_type", Str(DataType(ty)))
          .Set("udt_catalog", NameV(sc.eval->database))
          .Set("udt_schema", NameV("pg_catalog"))
          .Set("udt_name", NameV(udt))
          .Set("dtd_identifier", NameV(std::to_string(c + 1)))
          .Set("is_self_referencing", Yes(false))
          .Set("is_identity", Yes(false))
          .Set("is_generated", Str("NEVER"))
          .Set("is_updatable", Yes(false))
          .End();
    }
  }
}

// Constraints as information_schema reports them: PRIMARY KEY, UNIQUE, and
// a CHECK per NOT NULL column.
struct Constraint {
  const TableDef* table;
  std::string name;
  std::string type;
  std::vector<int> columns;
  std::string check_clause;               // CHECK
  const ForeignKeyDef* fk = nullptr;      // FOREIGN KEY
};

std::vector<Constraint> Constraints(const Catalog& catalog) {
  std::vector<Constraint> out;
  for (const auto& [id, t] : catalog.tables()) {
    for (const auto& x : TableIndexes(t)) {
      if (x.constraint) out.push_back({&t, x.name, x.primary ? "PRIMARY KEY" : "UNIQUE", x.columns, "", nullptr});
    }
    for (const auto& c : t.checks) out.push_back({&t, c.name, "CHECK", {}, "(" + c.expr + ")", nullptr});
    for (const auto& f : t.foreign_keys) out.push_back({&t, f.name, "FOREIGN KEY", f.columns, "", &f});
    for (size_t c = 0; c < t.columns.size(); c++) {
      if (!t.columns[c].not_null || t.columns[c].dropped) continue;
      out.push_back({&t,
                     std::to_string(NamespaceOid(t.schema)) + "_" + std::to_string(t.oid) + "_" + std::to_string(c + 1) +
                         "_not_null",
                     "CHECK",
                     {static_cast<int>(c)},
                     t.columns[c].name + " IS NOT NULL",
                     nullptr});
    }
  }
  return out;
}

void TableConstraints(StmtContext& sc, RowBuilder& b) {
  for (const auto& k : Constraints(Cat(sc))) {
    b.Begin()
        .Set("constraint_catalog", NameV(sc.eval->database))
        .Set("constraint_schema", NameV(k.table->schema))
        .Set("constraint_name", NameV(k.name))
        .Set("table_catalog", NameV(sc.eval->database))
        .Set("table_schema", NameV(k.table->schema))
        .Set("table_name", NameV(k.table->name))
        .Set("constraint_type", Str(k.type))
        .Set("is_deferrable", Yes(k.fk != nullptr && k.fk->deferrable))
        .Set("initially_deferred", Yes(k.fk != nullptr && k.fk->initially_deferred))
        .Set("enforced", Yes(true))
        .Set("nulls_distinct", k.type == "CHECK" ? Value::Null(oid::kVarchar) : Yes(true))
        .End();
  }
}

void KeyColumnUsage(StmtContext& sc, RowBuilder& b) {
  for (const auto& k : Constraints(Cat(sc))) {
    if (k.type == "CHECK") continue;
    for (size_t i = 0; i < k.columns.size(); i++) {
      b.Begin()
          .Set("constraint_catalog", NameV(sc.eval->database))
          .Set("constraint_schema", NameV(k.table->schema))
          .Set("constraint_name", NameV(k.name))
          .Set("table_catalog", NameV(sc.eval->database))
          .Set("table_schema", NameV(k.table->schema))
          .Set("table_name", NameV(k.table->name))
          .Set("column_name", NameV(k.table->columns[static_cast<size_t>(k.columns[i])].name))
          .Set("ordinal_position", Int4V(static_cast<int64_t>(i + 1)));
      if (k.fk != nullptr) b.Set("position_in_unique_constraint", Int4V(static_cast<int64_t>(i + 1)));
      b.End();
    }
  }
}

void ConstraintColumnUsage(StmtContext& sc, RowBuilder& b) {
  for (const auto& k : Constraints(Cat(sc))) {
    if (k.type == "CHECK") continue;
    // A foreign key "uses" the referenced table's columns.
    const TableDef* table = k.fk != nullptr ? Cat(sc).FindByOid(k.fk->ref_oid) : k.table;
    if (table == nullptr) continue;
    for (int c : k.fk != nullptr ? k.fk->ref_columns : k.columns) {
      b.Begin()
          .Set("table_catalog", NameV(sc.eval->database))
          .Set("table_schema", NameV(table->schema))
          .Set("table_name", NameV(table->name))
          .Set("column_name", NameV(table->columns[static_cast<size_t>(c)].name))
          .Set("constraint_catalog", NameV(sc.eval->database))
          .Set("constraint_schema", NameV(k.table->schema))
          .Set("constraint_name", NameV(k.name))
          .End();
    }
  }
}

void CheckConstraints(StmtContext& sc, RowBuilder& b) {
  for (const auto& k : Constraints(Cat(sc))) {
    if (k.type != "CHECK") continue;
    b.Begin()
        .Set("constraint_catalog", NameV(sc.eval->database))
        .Set("constraint_schema", NameV(k.table->schema))
        .Set("constraint_name", NameV(k.name))
        .Set("check_clause", Str(k.check_clause))
        .End();
  }
}

void ReferentialConstraints(StmtContext& sc, RowBuilder& b) {
  for (const auto& k : Constraints(Cat(sc))) {
    if (k.fk == nullptr) continue;
    const TableDef* parent = Cat(sc).FindByOid(k.fk->ref_oid);
    if (parent == nullptr) continue;
    std::string unique_name;
    const uint32_t index = ReferencedIndexOid(Cat(sc), *k.fk);
    for (const auto& x : TableIndexes(*parent)) {
      if (x.oid == index) unique_name = x.name;
    }
    b.Begin()
        .Set("constraint_catalog", NameV(sc.eval->database))
        .Set("constraint_schema", NameV(k.table->schema))
        .Set("constraint_name", NameV(k.name))
        .Set("unique_constraint_catalog", NameV(sc.eval->database))
        .Set("unique_constraint_schema", NameV(parent->schema))
        .Set("unique_constraint_name", NameV(unique_name))
        .Set("match_option", Str(k.fk->match == 'f' ? "FULL" : "NONE"))
        .Set("update_rule", Str(FkActionName(k.fk->on_update)))
        .Set("delete_rule", Str(FkActionName(k.fk->on_delete)))
        .End();
  }
}

void Views(StmtContext& sc, RowBuilder& b) {
  for (const auto& [id, t] : Cat(sc).tables()) {
    if (t.kind != 'v') continue;
    b.Begin()
        .Set("table_catalog", NameV(sc.eval->database))
        .Set("table_schema", NameV(t.schema))
        .Set("table_name", NameV(t.name))
        .Set("view_definition", Str(" " + t.view_query + ";"))
        .Set("check_option", Str("NONE"))
        .Set("is_updatable", Yes(false))
        .Set("is_insertable_into", Yes(false))
        .Set("is_trigger_updatable", Yes(false))
        .Set("is_trigger_deletable", Yes(false))
        .Set("is_trigger_insertable_into", Yes(false))
        .End();
  }
}

void Sequences(StmtContext& sc, RowBuilder& b) {
  for (const SequenceRef& s : CatalogSequences(Cat(sc))) {
    const SequenceDef& q = s.def;
    const int bits = q.type_oid == oid::kInt2 ? 16 : q.type_oid == oid::kInt4 ? 32 : 64;
    b.Begin()
        .Set("sequence_catalog", NameV(sc.eval->database))
        .Set("sequence_schema", NameV(s.schema))
        .Set("sequence_name", NameV(s.name))
        .Set("data_type", Str(FormatType(q.type_oid, -1)))
        .Set("numeric_precision", Int4V(bits))
        .Set("numeric_precision_radix", Int4V(2))
        .Set("numeric_scale", Int4V(0))
        .Set("start_value", Str(std::to_string(q.start)))
        .Set("minimum_value", Str(std::to_string(q.min_value)))
        .Set("maximum_value", Str(std::to_string(q.max_value)))
        .Set("increment", Str(std::to_string(q.increment)))
        .Set("cycle_option", Yes(q.cycle))
        .End();
  }
}

}  // namespace

Producer InfoSchemaProducer(std::string_view name) {
  static const std::pair<std::string_view, Producer> kProducers[] = {
      {"schemata", Schemata},
      {"tables", Tables},
      {"columns", Columns},
      {"table_constraints", TableConstraints},
      {"key_column_usage", KeyColumnUsage},
      {"constraint_column_usage", ConstraintColumnUsage},
      {"check_constraints", CheckConstraints},
      {"referential_constraints", ReferentialConstraints},
      {"sequences", Sequences},
      {"views", Views},
  };
  for (const auto& [n, p] : kProducers) {
    if (n == name) return p;
  }
  return nullptr;
}

}  // namespace immu::sql
