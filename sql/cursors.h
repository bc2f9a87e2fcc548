#pragma once
// The cursors of one session: DECLARE name CURSOR [WITH HOLD] FOR query,
// FETCH / MOVE [FORWARD n | NEXT | ALL] FROM name, CLOSE name | ALL.
// Drivers use them for server-side iteration (psycopg2's named cursors, which
// Django's QuerySet.iterator() and the admin's choice fields use).
//
// The executors materialise results, so a cursor holds the rows its query
// produced at DECLARE and hands them out in order; only forward movement is
// supported (PostgreSQL's NO SCROLL). Cursors without HOLD close at the end
// of their transaction.

#include <map>
#include <string>

#include "sql/parser.h"
#include "sql/query.h"
#include "sql/session_introspection.h"

namespace immu::sql {

class SessionCursors {
 public:
  // 42P03 when a cursor of that name is open.
  // statement: the DECLARE's text; now: PostgreSQL microseconds.
  void Declare(const std::string& name, QueryResult result, bool hold, std::string statement, int64_t now);
  // FETCH or MOVE; 34000 for an unknown cursor, 0A000 for backward or
  // absolute movement.
  QueryResult Fetch(const PgQuery__FetchStmt* f);
  // The result shape of FETCH from name (for Describe); 34000 when unknown.
  QueryResult Describe(const std::string& name) const;
  // Whether a cursor of that name is open.
  bool Contains(const std::string& name) const { return cursors_.contains(name); }
  // The protocol's Execute on a cursor's portal: up to max_rows (0: all)
  // of its next rows; *more tells whether rows remain.
  QueryResult Take(const std::string& name, int64_t max_rows, bool* more);
  // CLOSE name, or every cursor when name is empty (CLOSE ALL).
  QueryResult Close(const std::string& name);
  // Transaction end: cursors declared without HOLD go.
  void EndTransaction();
  void Clear() { cursors_.clear(); }
  std::vector<CursorInfo> List() const;

 private:
  struct Cursor {
    QueryResult result;
    size_t next = 0;
    bool hold = false;
    std::string statement;
    int64_t created = 0;
  };
  Cursor& Find(const std::string& name);
  std::map<std::string, Cursor> cursors_;
};

}  // namespace immu::sql
