#pragma once
// The PostgreSQL 15 grammar through libpg_query: SQL text -> the parse tree
// as libpg_query's protobuf-c structs (typed, no JSON). A ParseTree owns the
// unpacked tree; nodes are valid while it lives.
//
// Thread-safety: Parse may run on any thread (libpg_query keeps per-thread
// memory contexts); a ParseTree is not shared.

#include <memory>
#include <string>
#include <string_view>

#include <pg_query.h>
#include <pg_query/pg_query.pb-c.h>

namespace immu::sql {

using PgNode = PgQuery__Node;

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

 private:
  ParseTree() = default;
  std::string sql_;
  PgQuery__ParseResult* result_ = nullptr;
};

// Helpers over nodes.
// The string of a String node (or "" for anything else).
std::string_view NodeString(const PgNode* n);
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
