#pragma once
// CREATE ROLE / CREATE USER, ALTER ROLE / ALTER USER ... [WITH] options,
// DROP ROLE / DROP USER [IF EXISTS], against a UserDirectory.

#include <string>

#include "sql/parser.h"
#include "sql/query.h"
#include "sql/user_directory.h"

namespace immu::sql {

// True for the statement kinds RunRoleStatement handles.
bool IsRoleStatement(const PgNode* stmt);

// Runs one of them as current_user: only a superuser creates, drops or
// changes attributes; anyone may change their own password (42501
// otherwise). users may be nullptr (0A000). notices gets IF EXISTS notices.
QueryResult RunRoleStatement(const PgNode* stmt, UserDirectory* users, const std::string& current_user,
                             RowSink* notices);

}  // namespace immu::sql
