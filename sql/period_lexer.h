#pragma once
// The lexer-level step that recognises immudb's time-travel extensions
// before the text reaches libpg_query (which knows only PostgreSQL's
// grammar):
//
//   FROM t [AS a] SINCE|AFTER [TX] x [UNTIL|BEFORE [TX] y]   (either order)
//   FROM t FOR SYSTEM_TIME AS OF [TX] x
//   FROM (HISTORY OF t) ...      FROM (DIFF OF t) SINCE TX a UNTIL TX b
//   USE SNAPSHOT <period> | USE SNAPSHOT NONE
//
// The text is tokenised (strings, quoted identifiers, comments and dollar
// quotes are single tokens, so nothing inside them is ever matched) and
// every extension is replaced by blanks of the same byte length: the
// result is PostgreSQL SQL with every remaining token at its original
// offset, so parse locations (RangeVar.location, error positions) point
// into the client's text. What was blanked is returned on the side, keyed
// by the byte offset of the table name (the RangeVar's location) or of
// the USE keyword. A bound's expression is kept as a byte range of the
// original text; the parser parses it separately at the same offsets
// (sql/parser.cc).
//
// Design limits (docs/SQL_TIME_TRAVEL.md): an alias written after a period
// needs AS; SINCE/AFTER/UNTIL/BEFORE followed by the end of the FROM item
// are taken as an alias, as PostgreSQL would.

#include <string>
#include <string_view>
#include <vector>

namespace immu::sql {

// One end of a period as written: SINCE/AFTER (start) or UNTIL/BEFORE (end).
struct PeriodBoundText {
  bool present = false;
  bool inclusive = false;  // SINCE, UNTIL, AS OF
  bool tx = false;         // TX n (otherwise a timestamp expression)
  int expr_begin = 0;      // byte range of the expression in the text
  int expr_end = 0;
  int keyword = 0;         // offset of SINCE/AFTER/UNTIL/BEFORE/FOR
};

struct PeriodText {
  PeriodBoundText start, end;
  bool empty() const { return !start.present && !end.present; }
};

enum class TravelSource { kTable, kHistory, kDiff, kUseSnapshot };

struct TravelRefText {
  TravelSource source = TravelSource::kTable;
  int location = 0;  // table name's offset; for USE SNAPSHOT, the USE keyword's
  PeriodText period;
  bool clear = false;  // USE SNAPSHOT NONE
};

struct PeriodRewrite {
  std::string sql;  // same byte length as the input
  std::vector<TravelRefText> refs;
};

// Throws PgError 42601 (with a 1-based position) on malformed period,
// HISTORY OF, DIFF OF or USE SNAPSHOT syntax. Unterminated literals and
// comments are left for libpg_query to report.
PeriodRewrite RewritePeriods(std::string_view sql);

}  // namespace immu::sql
