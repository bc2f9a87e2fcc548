#pragma once
// What the system views pg_prepared_statements and pg_cursors read from the
// session that runs them (EvalContext::introspection). Only that session's
// own objects are visible, as in PostgreSQL.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace immu::sql {

struct PreparedStatementInfo {
  std::string name;
  std::string statement;
  int64_t prepare_time = 0;  // PostgreSQL microseconds
  std::vector<uint32_t> param_types;
  bool from_sql = false;  // SQL PREPARE (else the protocol's Parse)
};

struct CursorInfo {
  std::string name;
  std::string statement;
  bool holdable = false;
  int64_t creation_time = 0;
};

// Whether name is a preset (read-only, "internal") parameter such as
// max_index_keys: pg_settings shows its context (sql/session_impl.cc).
bool IsPresetParameter(std::string_view name);

class SessionIntrospection {
 public:
  virtual ~SessionIntrospection() = default;
  // Named statements only (the unnamed one is not listed), by name.
  virtual std::vector<PreparedStatementInfo> PreparedStatements() const = 0;
  virtual std::vector<CursorInfo> Cursors() const = 0;
};

}  // namespace immu::sql
