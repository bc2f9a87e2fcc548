#include "sql/cursors.h"

#include <algorithm>
#include <climits>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {
constexpr const char* kDuplicateCursor = "42P03";
constexpr const char* kInvalidCursorName = "34000";
}  // namespace

void SessionCursors::Declare(const std::string& name, QueryResult result, bool hold, std::string statement,
                             int64_t now) {
  if (cursors_.contains(name)) throw PgError(kDuplicateCursor, "cursor \"" + name + "\" already exists");
  Cursor c;
  c.result = std::move(result);
  c.hold = hold;
  c.statement = std::move(statement);
  c.created = now;
  cursors_.emplace(name, std::move(c));
}

std::vector<CursorInfo> SessionCursors::List() const {
  std::vector<CursorInfo> out;
  for (const auto& [name, c] : cursors_) out.push_back({name, c.statement, c.hold, c.created});
  return out;
}

SessionCursors::Cursor& SessionCursors::Find(const std::string& name) {
  auto it = cursors_.find(name);
  if (it == cursors_.end()) throw PgError(kInvalidCursorName, "cursor \"" + name + "\" does not exist");
  return it->second;
}

QueryResult SessionCursors::Describe(const std::string& name) const {
  auto it = cursors_.find(name);
  if (it == cursors_.end()) throw PgError(kInvalidCursorName, "cursor \"" + name + "\" does not exist");
  QueryResult r;
  r.returns_rows = true;
  r.columns = it->second.result.columns;
  return r;
}

QueryResult SessionCursors::Fetch(const PgQuery__FetchStmt* f) {
  Cursor& c = Find(f->portalname != nullptr ? f->portalname : "");
  // FETCH n / FORWARD n / NEXT (1) / ALL (how_many = LONG_MAX); RELATIVE 0
  // re-fetches the current row, which needs scrolling.
  const bool forward = f->direction == PG_QUERY__FETCH_DIRECTION__FETCH_FORWARD ||
                       f->direction == PG_QUERY__FETCH_DIRECTION__FETCH_DIRECTION_UNDEFINED;
  if (!forward || f->how_many < 0) {
    throw PgError(sqlstate::kFeatureNotSupported, "cursor can only scan forward",
                  "", "Declare it with SCROLL option to enable backward scan.");
  }
  const size_t left = c.result.rows.size() - c.next;
  const size_t n = static_cast<size_t>(std::min<int64_t>(f->how_many, static_cast<int64_t>(left)));
  QueryResult r;
  r.returns_rows = !f->ismove;
  r.columns = c.result.columns;
  if (!f->ismove) {
    r.rows.assign(std::make_move_iterator(c.result.rows.begin() + static_cast<std::ptrdiff_t>(c.next)),
                  std::make_move_iterator(c.result.rows.begin() + static_cast<std::ptrdiff_t>(c.next + n)));
  }
  c.next += n;
  r.tag = std::string(f->ismove ? "MOVE " : "FETCH ") + std::to_string(n);
  return r;
}

QueryResult SessionCursors::Take(const std::string& name, int64_t max_rows, bool* more) {
  Cursor& c = Find(name);
  const size_t left = c.result.rows.size() - c.next;
  const size_t n = max_rows > 0 ? std::min(left, static_cast<size_t>(max_rows)) : left;
  QueryResult r;
  r.returns_rows = true;
  r.columns = c.result.columns;
  r.rows.assign(std::make_move_iterator(c.result.rows.begin() + static_cast<std::ptrdiff_t>(c.next)),
                std::make_move_iterator(c.result.rows.begin() + static_cast<std::ptrdiff_t>(c.next + n)));
  c.next += n;
  *more = c.next < c.result.rows.size();
  return r;
}

QueryResult SessionCursors::Close(const std::string& name) {
  if (name.empty()) {
    cursors_.clear();
  } else {
    Find(name);
    cursors_.erase(name);
  }
  QueryResult r;
  r.tag = name.empty() ? "CLOSE CURSOR ALL" : "CLOSE CURSOR";
  return r;
}

void SessionCursors::EndTransaction() {
  std::erase_if(cursors_, [](const auto& kv) { return !kv.second.hold; });
}

}  // namespace immu::sql
