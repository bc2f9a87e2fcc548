#pragma once
// CHECK and FOREIGN KEY constraint definitions: built from the parse tree
// (CREATE TABLE, ALTER TABLE ... ADD), named as PostgreSQL names them, and
// validated against a table's existing rows. Enforcement on writes is
// RowWriter's (sql/row_writer.h).

#include <string>

#include "sql/query_internal.h"

namespace immu::sql {

// A CHECK constraint of t (column: the column it was declared on, or
// nullptr for a table constraint). Binds the expression to validate it.
CheckDef MakeCheck(StmtContext& sc, const TableDef& t, const PgQuery__Constraint* con, const std::string* column);

// A FOREIGN KEY of t (column: REFERENCES on a column definition). t may be
// the table being created, for self-references.
ForeignKeyDef MakeForeignKey(StmtContext& sc, const TableDef& t, const PgQuery__Constraint* con,
                             const std::string* column);

// Existing rows must satisfy a constraint being added (23514 / 23503).
void ValidateCheck(StmtContext& sc, const TableDef& t, const CheckDef& check);
void ValidateForeignKey(StmtContext& sc, const TableDef& t, const ForeignKeyDef& fk);

// Whether name is taken by a constraint of t (primary key, unique, check,
// foreign key).
bool ConstraintNameTaken(const TableDef& t, const std::string& name);

// Removes the constraint named name from *t (CHECK or FOREIGN KEY); false
// when t has none by that name.
bool DropCheckOrForeignKey(TableDef* t, const std::string& name);

// Tables with foreign keys referencing t (other than t itself).
std::vector<const TableDef*> ReferencingTables(const Catalog& catalog, const TableDef& t);

// Before t (or the key it is referenced by) goes: without cascade, 2BP01
// when other tables reference t ("cannot drop <what> because other objects
// depend on it"); with cascade, their foreign keys to t are dropped.
void DropReferencingKeys(StmtContext& sc, const TableDef& t, bool cascade, const std::string& what,
                         const std::string& depended_on);

}  // namespace immu::sql
