#pragma once
// CREATE DATABASE, DROP DATABASE [IF EXISTS], ALTER DATABASE ... RENAME TO,
// against the engine's Cluster (sql/cluster.h). A new database is empty (as
// if copied from template0); its store lives beside the others.

#include <string>

#include "sql/parser.h"
#include "sql/query.h"

namespace immu::sql {

class Cluster;

// True for the statement kinds RunDatabaseStatement handles.
bool IsDatabaseStatement(const PgNode* stmt);

struct DatabaseStatementContext {
  Cluster* cluster = nullptr;  // nullptr: 0A000 (engine-less use)
  std::string current_database;
  bool superuser = true;
  bool in_transaction_block = false;
  RowSink* notices = nullptr;
};

QueryResult RunDatabaseStatement(const PgNode* stmt, const DatabaseStatementContext& ctx);

}  // namespace immu::sql
