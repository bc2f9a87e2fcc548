#pragma once
// The PostgreSQL 15 grammar through libpg_query: SQL text -> the parse tree
// as libpg_query's protobuf-c structs (typed, no JSON). A ParseTree owns the
// unpacked tree; nodes are valid while it lives.
//
// Thread-safety: Parse may run on any thread (libpg_query keeps per-thread
// memory contexts); a ParseTree is not shared.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

#include "sql/period_lexer.h"

namespace immu::sql {

using PgNode = PgQuery__Node;

// A time-travel period attached to a FROM item or USE SNAPSHOT (see
// sql/period_lexer.h); each bound's expression is a parse-tree node.
struct PeriodBound {
  bool present = false;
  bool inclusive = false;  // SINCE/UNTIL/AS OF; AFTER/BEFORE are exclusive
  bool tx = false;         // TX n; otherwise a timestamp expression
  const PgNode* expr = nullptr;
  int location = 0;  // the expression's offset in the statement text
};
struct Period {
  PeriodBound start, end;
  bool empty() const { return !start.present && !end.present; }
};
struct TravelRef {
  TravelSource source = TravelSource::kTable;
  Period period;
  bool clear = false;  // USE SNAPSHOT NONE
};

class ParseTree {
 public:
  ~ParseTree();
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;

  // Throws PgError 42601 (with the 1-based error position) on bad syntax.
  static std::unique_ptr<ParseTree> Parse(std::string_view sql);

  size_t size() const { return result_->n_stmts; }
  const PgNode* stmt(size_t i) const { return result_->stmts[i]->stmt; }
  // The text of statement i (without the separating semicolon).
  std::string_view text(size_t i) const;
  // Offset of statement i in the original text.
  int location(size_t i) const { return result_->stmts[i]->stmt_location; }
  const std::string& sql() const { return sql_; }

  // The time-travel extension written on the FROM item whose RangeVar has
  // this location; nullptr when none.
  const TravelRef* Travel(int location) const;
  // The USE SNAPSHOT statement that statement i stands for (libpg_query
  // saw an empty SELECT); nullptr when it is an ordinary statement.
  const TravelRef* UseSnapshot(size_t i) const;

 private:
  ParseTree() = default;
  PeriodBound ParseBound(const PeriodBoundText& b);
  void AddTravel(const std::vector<TravelRefText>& refs);
  std::string sql_;
  PgQuery__ParseResult* result_ = nullptr;
  std::map<int, TravelRef> travel_;  // by location (USE SNAPSHOT: of USE)
  std::vector<PgQuery__ParseResult*> side_;  // period expressions' trees
};

// Helpers over nodes.
// The string of a String node (or "" for anything else).
std::string_view NodeString(const PgNode* n);

// Calls f for every column reference in the tree below m (walking the
// protobuf-c descriptors; of a oneof only the member that is set).
void VisitColumnRefs(const ProtobufCMessage* m, const std::function<void(const PgQuery__ColumnRef*)>& f);
// Dotted name from a list of String nodes (e.g. TypeName.names).
std::string JoinNames(PgNode* const* names, size_t n);

}  // namespace immu::sql

namespace immu::sql {
// SQL text of an expression node (libpg_query's deparser), e.g. for storing
// a column DEFAULT. Throws PgError when the node cannot be deparsed.
std::string DeparseExpr(PgNode* expr);
// SQL text of a whole statement (views keep their query this way).
std::string DeparseStatement(PgNode* stmt);
}  // namespace immu::sql
