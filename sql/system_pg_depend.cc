// pg_depend: the dependencies PostgreSQL records between the objects the
// catalog holds, as tools read them. pgAdmin finds a column's serial
// sequence (classid pg_class, objid the sequence, refobjsubid the column)
// and an index's constraint (deptype 'i'); DBeaver and pg_dump walk the
// same edges. Only edges between objects this catalog shows are produced:
// relations, their columns, constraints, defaults and namespaces.

#include "sql/sequences.h"
#include "sql/system_internal.h"

namespace immu::sql {

namespace {

// PostgreSQL 15's catalog OIDs used as classid / refclassid.
constexpr uint32_t kPgClass = 1259;
constexpr uint32_t kPgConstraint = 2606;
constexpr uint32_t kPgAttrdef = 2604;
constexpr uint32_t kPgNamespace = 2615;

void Edge(RowBuilder& b, uint32_t classid, uint32_t objid, int objsubid, uint32_t refclassid, uint32_t refobjid,
          int refobjsubid, char deptype) {
  b.Begin()
      .Set("classid", OidV(classid))
      .Set("objid", OidV(objid))
      .Set("objsubid", Int4V(objsubid))
      .Set("refclassid", OidV(refclassid))
      .Set("refobjid", OidV(refobjid))
      .Set("refobjsubid", Int4V(refobjsubid))
      .Set("deptype", CharV(deptype))
      .End();
}

void TableEdges(const Catalog& cat, const TableDef& t, RowBuilder& b) {
  Edge(b, kPgClass, t.oid, 0, kPgNamespace, NamespaceOid(t.schema), 0, 'n');
  for (size_t c = 0; c < t.columns.size(); c++) {
    const ColumnDef& col = t.columns[c];
    if (col.dropped) continue;
    const int attnum = static_cast<int>(c) + 1;
    if (col.serial) {
      // The owned sequence: 'a' (OWNED BY) for serial, 'i' for identity.
      Edge(b, kPgClass, SequenceOid(t, c), 0, kPgClass, t.oid, attnum, col.identity ? 'i' : 'a');
    }
    const bool has_attrdef = (col.serial && !col.identity) || !col.default_expr.empty() || !col.generated_expr.empty();
    if (has_attrdef) {
      Edge(b, kPgAttrdef, AttrDefOid(t, c), 0, kPgClass, t.oid, attnum, 'a');
      if (col.serial && !col.identity) Edge(b, kPgAttrdef, AttrDefOid(t, c), 0, kPgClass, SequenceOid(t, c), 0, 'n');
    }
  }
  for (const IndexView& x : TableIndexes(t)) {
    if (x.constraint) {
      // The index belongs to its constraint; the constraint to the columns.
      Edge(b, kPgClass, x.oid, 0, kPgConstraint, x.constraint_oid, 0, 'i');
      for (int c : x.columns) Edge(b, kPgConstraint, x.constraint_oid, 0, kPgClass, t.oid, c + 1, 'a');
    } else {
      for (int c : x.columns) Edge(b, kPgClass, x.oid, 0, kPgClass, t.oid, c + 1, 'a');
    }
  }
  for (size_t i = 0; i < t.checks.size(); i++) {
    // CHECK constraints depend on the table as a whole when they name no
    // single column; recording the table keeps the edge without parsing.
    Edge(b, kPgConstraint, CheckConstraintOid(t, i), 0, kPgClass, t.oid, 0, 'a');
  }
  for (size_t i = 0; i < t.foreign_keys.size(); i++) {
    const ForeignKeyDef& fk = t.foreign_keys[i];
    const uint32_t con = ForeignKeyOid(t, i);
    for (int c : fk.columns) Edge(b, kPgConstraint, con, 0, kPgClass, t.oid, c + 1, 'a');
    if (const uint32_t idx = ReferencedIndexOid(cat, fk)) Edge(b, kPgConstraint, con, 0, kPgClass, idx, 0, 'n');
    for (int c : fk.ref_columns) Edge(b, kPgConstraint, con, 0, kPgClass, fk.ref_oid, c + 1, 'n');
  }
}

void PgDepend(StmtContext& sc, RowBuilder& b) {
  const Catalog& cat = **sc.catalog;
  for (const auto& [id, t] : cat.tables()) TableEdges(cat, t, b);
  for (const SequenceRef& s : CatalogSequences(cat)) {
    if (s.column == 0) Edge(b, kPgClass, s.oid, 0, kPgNamespace, NamespaceOid(s.schema), 0, 'n');
  }
}

}  // namespace

Producer DependProducer(std::string_view name) { return name == "pg_depend" ? PgDepend : nullptr; }

}  // namespace immu::sql
