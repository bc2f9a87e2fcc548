#include "sql/parser.h"

#include "catalog/pg_error.h"

namespace immu::sql {

ParseTree::~ParseTree() {
  if (result_ != nullptr) pg_query__parse_result__free_unpacked(result_, nullptr);
}

std::unique_ptr<ParseTree> ParseTree::Parse(std::string_view sql) {
  std::unique_ptr<ParseTree> tree(new ParseTree());
  tree->sql_ = std::string(sql);
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(tree->sql_.c_str());
  if (r.error != nullptr) {
    PgError err(sqlstate::kSyntaxError, r.error->message != nullptr ? r.error->message : "syntax error");
    err.set_position(r.error->cursorpos);
    pg_query_free_protobuf_parse_result(r);
    throw err;
  }
  tree->result_ = pg_query__parse_result__unpack(
      nullptr, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  if (tree->result_ == nullptr) throw PgError(sqlstate::kInternalError, "could not decode the parse tree");
  return tree;
}

std::string_view ParseTree::text(size_t i) const {
  const auto* s = result_->stmts[i];
  std::string_view all(sql_);
  const size_t loc = static_cast<size_t>(s->stmt_location);
  if (loc > all.size()) return {};
  return s->stmt_len == 0 ? all.substr(loc) : all.substr(loc, static_cast<size_t>(s->stmt_len));
}

std::string_view NodeString(const PgNode* n) {
  if (n == nullptr || n->node_case != PG_QUERY__NODE__NODE_STRING || n->string->sval == nullptr) return {};
  return n->string->sval;
}

std::string JoinNames(PgNode* const* names, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; i++) {
    if (i > 0) out += ".";
    out += NodeString(names[i]);
  }
  return out;
}

}  // namespace immu::sql
