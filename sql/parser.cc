#include "sql/parser.h"

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

// libpg_query reports its grammar's errors by message only. The ones whose
// ereport in PostgreSQL's gram.y carries a code other than 42601, matched by
// a fragment of the message (checked against PostgreSQL 15).
struct GrammarError {
  const char* fragment;
  const char* sqlstate;
  bool prefix;  // fragment starts the message (else: occurs in it)
};
constexpr GrammarError kGrammarErrors[] = {
    {"frame start cannot be ", "42P20", true},
    {"frame end cannot be ", "42P20", true},
    {"frame starting from ", "42P20", true},
    {"UNIQUE predicate is not yet implemented", "0A000", true},
    {"CREATE ASSERTION is not yet implemented", "0A000", true},
    {"materialized views cannot be unlogged", "0A000", true},
    {"WITH CHECK OPTION not supported on recursive views", "0A000", true},
    {"OVER is not supported for ordered-set aggregate", "0A000", true},
    {" constraints cannot be marked ", "0A000", false},  // DEFERRABLE, NOT VALID, NO INHERIT
    {"VARIADIC parameter must be the last", "42P13", true},
    {"role name \"", "42939", true},                     // ... is reserved
    {" cannot be used as a role name here", "42939", false},
    {"time zone interval must be HOUR or HOUR TO MINUTE", "22023", true},
};

const char* GrammarErrorState(std::string_view message) {
  for (const auto& g : kGrammarErrors) {
    if (g.prefix ? message.rfind(g.fragment, 0) == 0 : message.find(g.fragment) != std::string_view::npos) {
      return g.sqlstate;
    }
  }
  return sqlstate::kSyntaxError;
}

// Parses text with libpg_query; throws its error (42601 unless the message
// is one of kGrammarErrors) with its position.
PgQuery__ParseResult* ParseText(const std::string& text) {
  PgQueryProtobufParseResult r = pg_query_parse_protobuf(text.c_str());
  if (r.error != nullptr) {
    const std::string message = r.error->message != nullptr ? r.error->message : "syntax error";
    PgError err(GrammarErrorState(message), message);
    err.set_position(r.error->cursorpos);
    pg_query_free_protobuf_parse_result(r);
    throw err;
  }
  PgQuery__ParseResult* result = pg_query__parse_result__unpack(
      nullptr, r.parse_tree.len, reinterpret_cast<const uint8_t*>(r.parse_tree.data));
  pg_query_free_protobuf_parse_result(r);
  if (result == nullptr) throw PgError(sqlstate::kInternalError, "could not decode the parse tree");
  return result;
}

}  // namespace

ParseTree::~ParseTree() {
  if (result_ != nullptr) pg_query__parse_result__free_unpacked(result_, nullptr);
  for (auto* s : side_) pg_query__parse_result__free_unpacked(s, nullptr);
}

std::unique_ptr<ParseTree> ParseTree::Parse(std::string_view sql) {
  std::unique_ptr<ParseTree> tree(new ParseTree());
  tree->sql_ = std::string(sql);
  // Time-travel extensions are blanked out first (same offsets), so
  // libpg_query sees PostgreSQL SQL and its locations match the original.
  PeriodRewrite rw = RewritePeriods(sql);
  tree->result_ = ParseText(rw.refs.empty() ? tree->sql_ : rw.sql);
  tree->AddTravel(rw.refs);
  return tree;
}

void ParseTree::AddTravel(const std::vector<TravelRefText>& refs) {
  for (const auto& ref : refs) {
    TravelRef r;
    r.source = ref.source;
    r.clear = ref.clear;
    if (ref.period.start.present) r.period.start = ParseBound(ref.period.start);
    if (ref.period.end.present) r.period.end = ParseBound(ref.period.end);
    travel_[ref.location] = r;
  }
}

// The bound's expression is parsed as "SELECT <expr>" laid over blanks so
// that its nodes' locations (and syntax error positions) are offsets into
// the statement text.
PeriodBound ParseTree::ParseBound(const PeriodBoundText& b) {
  static constexpr std::string_view kSelect = "SELECT";
  std::string text(static_cast<size_t>(b.expr_end), ' ');
  text.replace(0, kSelect.size(), kSelect);  // expr_begin > 6: "FROM t SINCE" precedes it
  text.replace(static_cast<size_t>(b.expr_begin), static_cast<size_t>(b.expr_end - b.expr_begin),
               sql_.substr(static_cast<size_t>(b.expr_begin), static_cast<size_t>(b.expr_end - b.expr_begin)));
  // The expression may read tables with periods of their own (a subquery
  // over (HISTORY OF t)): offsets are global, so they join travel_.
  PeriodRewrite rw = RewritePeriods(text);
  PgQuery__ParseResult* side = ParseText(rw.sql);
  side_.push_back(side);
  AddTravel(rw.refs);
  const PgQuery__SelectStmt* s = side->n_stmts == 1 && side->stmts[0]->stmt->node_case == PG_QUERY__NODE__NODE_SELECT_STMT
                                     ? side->stmts[0]->stmt->select_stmt
                                     : nullptr;
  if (s == nullptr || s->n_target_list != 1 || s->target_list[0]->node_case != PG_QUERY__NODE__NODE_RES_TARGET ||
      (s->target_list[0]->res_target->name != nullptr && *s->target_list[0]->res_target->name != 0) ||
      s->n_from_clause > 0) {
    PgError e(sqlstate::kSyntaxError, "a period bound must be one expression (an alias after a period needs AS)");
    e.set_position(b.expr_begin + 1);
    throw e;
  }
  PeriodBound out;
  out.present = true;
  out.inclusive = b.inclusive;
  out.tx = b.tx;
  out.expr = s->target_list[0]->res_target->val;
  out.location = b.expr_begin;
  return out;
}

const TravelRef* ParseTree::Travel(int location) const {
  auto it = travel_.find(location);
  return it == travel_.end() || it->second.source == TravelSource::kUseSnapshot ? nullptr : &it->second;
}

const TravelRef* ParseTree::UseSnapshot(size_t i) const {
  if (travel_.empty()) return nullptr;
  const auto* s = result_->stmts[i];
  const int begin = s->stmt_location;
  const int end = s->stmt_len == 0 ? static_cast<int>(sql_.size()) : begin + s->stmt_len;
  for (auto it = travel_.lower_bound(begin); it != travel_.end() && it->first < end; ++it) {
    if (it->second.source == TravelSource::kUseSnapshot) return &it->second;
  }
  return nullptr;
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

void VisitColumnRefs(const ProtobufCMessage* m, const std::function<void(const PgQuery__ColumnRef*)>& f) {
  if (m == nullptr) return;
  if (m->descriptor == &pg_query__column_ref__descriptor) {
    f(reinterpret_cast<const PgQuery__ColumnRef*>(m));
    return;
  }
  const char* base = reinterpret_cast<const char*>(m);
  for (unsigned i = 0; i < m->descriptor->n_fields; i++) {
    const ProtobufCFieldDescriptor& fd = m->descriptor->fields[i];
    if (fd.type != PROTOBUF_C_TYPE_MESSAGE) continue;
    if ((fd.flags & PROTOBUF_C_FIELD_FLAG_ONEOF) != 0 &&
        *reinterpret_cast<const uint32_t*>(base + fd.quantifier_offset) != fd.id) {
      continue;
    }
    if (fd.label == PROTOBUF_C_LABEL_REPEATED) {
      const size_t n = *reinterpret_cast<const size_t*>(base + fd.quantifier_offset);
      const auto* items = *reinterpret_cast<const ProtobufCMessage* const* const*>(base + fd.offset);
      for (size_t j = 0; j < n; j++) VisitColumnRefs(items[j], f);
    } else {
      VisitColumnRefs(*reinterpret_cast<const ProtobufCMessage* const*>(base + fd.offset), f);
    }
  }
}

}  // namespace immu::sql
