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

namespace immu::sql {

std::string DeparseStatement(PgNode* stmt) {
  PgQuery__RawStmt raw = PG_QUERY__RAW_STMT__INIT;
  raw.stmt = stmt;
  PgQuery__RawStmt* stmts[1] = {&raw};
  PgQuery__ParseResult result = PG_QUERY__PARSE_RESULT__INIT;
  result.version = PG_VERSION_NUM;
  result.n_stmts = 1;
  result.stmts = stmts;
  std::string packed(pg_query__parse_result__get_packed_size(&result), '\0');
  pg_query__parse_result__pack(&result, reinterpret_cast<uint8_t*>(packed.data()));
  PgQueryProtobuf pb;
  pb.len = packed.size();
  pb.data = packed.data();
  PgQueryDeparseResult d = pg_query_deparse_protobuf(pb);
  if (d.error != nullptr) {
    std::string msg = d.error->message != nullptr ? d.error->message : "cannot deparse statement";
    pg_query_free_deparse_result(d);
    throw PgError(sqlstate::kFeatureNotSupported, msg);
  }
  std::string text = d.query;
  pg_query_free_deparse_result(d);
  return text;
}

std::string DeparseExpr(PgNode* expr) {
  // Wrap the expression as "SELECT <expr>", deparse, strip the SELECT.
  PgQuery__ResTarget target = PG_QUERY__RES_TARGET__INIT;
  target.val = expr;
  PgQuery__Node target_node = PG_QUERY__NODE__INIT;
  target_node.node_case = PG_QUERY__NODE__NODE_RES_TARGET;
  target_node.res_target = &target;
  PgQuery__Node* targets[1] = {&target_node};
  PgQuery__SelectStmt select = PG_QUERY__SELECT_STMT__INIT;
  select.n_target_list = 1;
  select.target_list = targets;
  select.limit_option = PG_QUERY__LIMIT_OPTION__LIMIT_OPTION_DEFAULT;
  select.op = PG_QUERY__SET_OPERATION__SETOP_NONE;
  PgQuery__Node select_node = PG_QUERY__NODE__INIT;
  select_node.node_case = PG_QUERY__NODE__NODE_SELECT_STMT;
  select_node.select_stmt = &select;
  std::string text = DeparseStatement(&select_node);
  if (text.starts_with("SELECT ")) text = text.substr(7);
  return text;
}

}  // namespace immu::sql
