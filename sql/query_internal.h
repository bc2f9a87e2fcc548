#pragma once
// Pieces shared by the statement executors (query_*.cc). Not a public API.

#include <optional>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/query.h"

namespace immu::sql {

// A relation in FROM, materialised: its scope and rows.
struct Relation {
  Scope scope;
  std::vector<Row> rows;
};

// Looks a relation up by (schema-qualified) RangeVar, unqualified names
// through the session's search_path; 42P01 when missing.
const TableDef& LookupTable(StmtContext& sc, const PgQuery__RangeVar* rv);
// Takes a table lock for the statement's transaction (LookupTable takes
// ACCESS SHARE; writers and DDL stronger modes). No-op without a lock owner
// (engine-internal statements) or when only describing.
void LockRelation(StmtContext& sc, const TableDef& t, Database::TableLockMode mode, bool nowait = false);
// The same without throwing (nullptr when missing); schema "" = search path.
const TableDef* FindRelationInPath(StmtContext& sc, const std::string& schema, const std::string& name);
// The schemas of search_path that exist, in order ("$user" resolved). The
// session's temporary schema comes first unless search_path places pg_temp.
std::vector<std::string> SearchPath(const EvalContext& ctx, const Catalog& catalog);
// Where CREATE puts an unqualified object: the first existing schema of
// search_path (3F000 when there is none); never the temporary schema.
std::string CreationSchema(StmtContext& sc, const char* schemaname, int location);
// The same for a relation (CREATE TABLE / VIEW / SEQUENCE): TEMP relations
// and ones qualified as pg_temp go to the session's temporary schema.
std::string CreationSchema(StmtContext& sc, const PgQuery__RangeVar* rv);
// Rows of a table visible to the transaction, each with its storage key.
void ScanTable(StmtContext& sc, const TableDef& t, std::vector<Row>* rows, std::vector<std::string>* keys);
// The storage key of a row of t.
std::string RowKey(const TableDef& t, const Row& row, int64_t row_id);
// Column types of a table definition.
std::vector<uint32_t> ColumnTypes(const TableDef& t);
// Scope columns of a table under a qualifier.
void AddTableScope(const TableDef& t, const std::string& qualifier, Scope* scope);

// FROM items (query_from.cc). FromRangeVar may use where (bound with binder
// over the table's scope, outer as parent) to pick a key range.
Relation FromRangeVar(const PgQuery__RangeVar* rv, StmtContext& sc, const PgNode* where = nullptr,
                      Binder* binder = nullptr, const Scope* outer = nullptr);
Relation BuildFrom(const PgNode* item, StmtContext& sc, Binder& binder, const Scope* outer);
// The conjuncts of where that are simple comparisons binding over scope
// alone, ANDed (nullptr when none).
std::unique_ptr<Expr> BindPushableConjuncts(const PgNode* where, const Scope& scope, Binder& binder);
// BuildFrom with where's simple one-table comparisons pushed into joins.
Relation BuildFromPushingDown(const PgNode* item, const PgNode* where, StmtContext& sc, Binder& binder,
                              const Scope* outer);
bool IsLateral(const PgNode* item);
// Joins each row of left with the rows a LATERAL item yields for it.
Relation LateralJoin(Relation left, const PgNode* item, StmtContext& sc, Binder& binder, const Scope* outer,
                     const PgNode* on, bool left_outer);

// SELECT (also used for INSERT ... SELECT and subqueries). outer: the scope
// of the enclosing query for correlated subqueries (nullptr at top level).
QueryResult RunSelect(const PgQuery__SelectStmt* s, StmtContext& sc, const Scope* outer);

// The RETURNING list / select list: expands *, binds, names the columns.
struct Projection {
  std::vector<std::unique_ptr<Expr>> exprs;
  std::vector<ResultColumn> columns;
};
// Set-returning calls bind only where binder.srfs is set (sql/srf.h).
// has_from: the query has a FROM clause ("SELECT *" needs one, even over a
// table without columns).
void BindTargetList(PgNode* const* targets, size_t n, const Scope& scope, Binder& binder, Projection* out,
                    bool has_from = true);

// Output name PostgreSQL gives an unnamed select-list expression.
std::string DefaultColumnName(const PgNode* n);

// Binder wired for subqueries of this statement.
void InstallSubqueryBinder(Binder& binder, StmtContext& sc);

QueryResult RunInsert(const PgQuery__InsertStmt* s, StmtContext& sc);
QueryResult RunUpdate(const PgQuery__UpdateStmt* s, StmtContext& sc);
QueryResult RunDelete(const PgQuery__DeleteStmt* s, StmtContext& sc);
QueryResult RunCreateTable(const PgQuery__CreateStmt* s, StmtContext& sc);
QueryResult RunDrop(const PgQuery__DropStmt* s, StmtContext& sc);
QueryResult RunTruncate(const PgQuery__TruncateStmt* s, StmtContext& sc);
QueryResult RunAlterTable(const PgQuery__AlterTableStmt* s, StmtContext& sc);
QueryResult RunRename(const PgQuery__RenameStmt* s, StmtContext& sc);
// Writes a new version of t's definition and makes it the statement's catalog.
void SaveTable(StmtContext& sc, const TableDef& t);
QueryResult RunCreateTableAs(const PgQuery__CreateTableAsStmt* s, StmtContext& sc);
QueryResult RunCreateSequence(const PgQuery__CreateSeqStmt* s, StmtContext& sc);
QueryResult RunAlterSequence(const PgQuery__AlterSeqStmt* s, StmtContext& sc);
// The sequence options of GENERATED ... AS IDENTITY (opts), checked as
// CREATE SEQUENCE checks them, for a column of type column_type; nullopt
// when there are none.
std::optional<SequenceDef> IdentityOptions(StmtContext& sc, PgNode* const* opts, size_t n, uint32_t column_type);
QueryResult RunCreateView(const PgQuery__ViewStmt* s, StmtContext& sc);
// The stored text of a (materialized) view's SELECT, every relation name
// schema-qualified so later search_path changes do not retarget it, and the
// relations it reads (DROP checks them).
void QualifiedViewQuery(StmtContext& sc, PgNode* query, std::string* text, std::vector<uint32_t>* deps);
// Inserts a query's rows into t (CREATE TABLE AS, materialized views),
// cast to its column types; returns how many.
size_t InsertResultRows(StmtContext& sc, const TableDef& t, std::vector<Row>* rows);
QueryResult RunRefreshMatView(const PgQuery__RefreshMatViewStmt* s, StmtContext& sc);
QueryResult RunCreateSchema(const PgQuery__CreateSchemaStmt* s, StmtContext& sc);
QueryResult RunDropSchema(const PgQuery__DropStmt* s, StmtContext& sc);
QueryResult RunComment(const PgQuery__CommentStmt* s, StmtContext& sc);
// User-defined types (query_type.cc, query_domain.cc).
QueryResult RunCreateEnum(const PgQuery__CreateEnumStmt* s, StmtContext& sc);
QueryResult RunAlterEnum(const PgQuery__AlterEnumStmt* s, StmtContext& sc);
QueryResult RunCreateComposite(const PgQuery__CompositeTypeStmt* s, StmtContext& sc);
QueryResult RunCreateRange(const PgQuery__CreateRangeStmt* s, StmtContext& sc);  // query_range_type.cc
QueryResult RunDropType(const PgQuery__DropStmt* s, StmtContext& sc);  // DROP TYPE and DROP DOMAIN
QueryResult RunRenameType(const PgQuery__RenameStmt* s, StmtContext& sc);  // ALTER TYPE/DOMAIN ... RENAME TO
QueryResult RunCreateDomain(const PgQuery__CreateDomainStmt* s, StmtContext& sc);
QueryResult RunAlterDomain(const PgQuery__AlterDomainStmt* s, StmtContext& sc);
// What depends on a type (table columns, domains, composites), as DROP's
// DETAIL lists it; empty when nothing does.
std::string TypeDependentsDetail(const Catalog& cat, const TypeDef& t);
// Drops type oid and (cascade) its dependent columns and types; 2BP01
// when something depends on it and cascade is not set.
void DropTypeAndDependents(StmtContext& sc, uint32_t oid, bool cascade, int depth);
// Writes a new version of a type's definition into the statement's catalog.
void SaveType(StmtContext& sc, const TypeDef& t);
// A type named by a (qualified) name list in its creation schema; 42710
// when a type or relation already has that name there. No oids yet.
TypeDef NewTypeDef(StmtContext& sc, PgNode* const* names, size_t n, char kind);
// A view read in FROM (its query run now) and a sequence read as a
// one-row relation (last_value, log_cnt, is_called).
Relation ExpandView(StmtContext& sc, const TableDef& view, const PgQuery__RangeVar* rv);
Relation SequenceRelation(StmtContext& sc, const TableDef& t, const std::string& qualifier);
QueryResult RunCreateIndex(const PgQuery__IndexStmt* s, StmtContext& sc);
QueryResult RunDropIndex(const PgQuery__DropStmt* s, StmtContext& sc);
// Adds a UNIQUE constraint's index to *t (building it from existing rows
// when build is set); include: its INCLUDE (...) columns.
IndexDef AddUniqueConstraint(StmtContext& sc, TableDef* t, PgNode* const* keys, size_t n, const char* conname,
                             bool build, bool nulls_not_distinct = false, const std::vector<std::string>& include = {});
// The column names of a String node list (a constraint's INCLUDE list).
std::vector<std::string> NodeStrings(PgNode* const* nodes, size_t n);

// SET list of UPDATE and ON CONFLICT DO UPDATE: (column, value over scope).
void BindAssignments(PgNode* const* targets, size_t n, const TableDef& t, const Scope& scope, Binder& binder,
                     std::vector<std::pair<size_t, std::unique_ptr<Expr>>>* sets);

ResultColumn MakeResultColumn(const std::string& name, const Expr& e);

// Throws PgError(state, msg, detail) pointing at a 0-based parse location
// (-1: no position).
[[noreturn]] inline void Throw(const char* state, std::string msg, int location = -1, std::string detail = {}) {
  PgError e(state, std::move(msg), std::move(detail));
  if (location >= 0) e.set_position(location + 1);
  throw e;
}

// "(1, null, abc)": a row as error DETAILs show it ("Failing row contains ...").
std::string RowText(const Row& row, EvalContext& ctx);
// Row-writing checks shared by INSERT, UPDATE and COPY.
void CheckNotNull(const TableDef& t, const Row& row, EvalContext& ctx);
[[noreturn]] void DuplicateKey(const TableDef& t, const Row& row, EvalContext& ctx);
bool KeyExists(StmtContext& sc, const std::string& key);
// The executors materialise intermediate rows: a join (or lateral product)
// that has produced rows rows of width values each fails with 54000 once
// they would take more than IMMUDB_MAX_STATEMENT_MEMORY bytes (default 4
// GiB), instead of the server being killed for memory. Cheap: call it per
// produced row.
void CheckMaterialized(size_t rows, size_t width);
// The live version of key for a uniqueness check before writing it, as
// PostgreSQL checks: with wait (and a lock owner) a concurrent transaction
// that wrote key is waited for through the row lock, then the latest
// committed version decides (a row committed after our snapshot is a
// duplicate; one deleted after it does not make our write conflict). Without
// wait, the snapshot decides. nullopt: no live row.
std::optional<ValueVersion> ReadKeyForWrite(StmtContext& sc, const std::string& key, bool wait);
// Locks the row (UPDATE/DELETE) and moves *row to its latest committed
// version; false when it no longer exists or no longer satisfies cond.
bool LockLatest(StmtContext& sc, const TableDef& t, const std::string& key, const Expr* cond, Row* row);
std::unique_ptr<Expr> BindDefault(const TableDef& t, size_t c, Binder& binder);

}  // namespace immu::sql

namespace immu::sql {
// A primary-key access path derived from a WHERE clause: one key, or a key
// range [start, end) within the table's rows. Empty start/end: unbounded.
struct KeyRange {
  bool point = false;
  std::string start, end;
  // Set when the rows are found through a secondary index: scan its entries
  // starting with index_prefix and fetch each row by key.
  const IndexDef* index = nullptr;
  std::string index_prefix;
};
// Analyses cond (bound over t's columns, in table order) for conjuncts on the
// primary key; nullopt when the whole table must be scanned. Values are
// evaluated once here, so cond must be re-checked on every row.
std::optional<KeyRange> PrimaryKeyRange(const TableDef& t, const Expr* cond, EvalContext& ctx);
void ScanTableRange(StmtContext& sc, const TableDef& t, const std::optional<KeyRange>& range,
                    std::vector<Row>* rows, std::vector<std::string>* keys);
}  // namespace immu::sql
