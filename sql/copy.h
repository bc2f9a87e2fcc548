#pragma once
// COPY ... FROM STDIN and COPY ... TO STDOUT in PostgreSQL's text and CSV
// formats. A CopyIn consumes the client's bytes in any chunking, decodes
// complete lines and inserts rows into the statement's transaction.

#include <memory>
#include <string>
#include <vector>

#include "sql/row_writer.h"
#include "sql/query_internal.h"

namespace immu::sql {

struct CopyOptions {
  bool csv = false;
  char delimiter = '\t';
  std::string null_string = "\\N";
  bool header = false;
  char quote = '"';
  char escape = '"';
};

CopyOptions ParseCopyOptions(const PgQuery__CopyStmt* s);

class CopyIn {
 public:
  // Binds the target columns and defaults; throws on unknown table/columns.
  CopyIn(const PgQuery__CopyStmt* s, StmtContext& sc);
  void Data(std::string_view bytes);
  // Processes a last unterminated line; returns the number of rows.
  int64_t Finish();
  size_t column_count() const { return targets_.size(); }

 private:
  void Line(std::string_view line);
  void SplitText(std::string_view line, std::vector<std::optional<std::string>>* fields);
  void SplitCsv(std::string_view line, std::vector<std::optional<std::string>>* fields);

  StmtContext sc_;
  std::shared_ptr<const Catalog> catalog_hold_;
  TableDef table_;
  CopyOptions opts_;
  std::vector<int> targets_;
  std::unique_ptr<Binder> binder_;
  std::unique_ptr<RowWriter> writer_;
  std::vector<std::unique_ptr<Expr>> defaults_;
  std::string pending_;
  bool header_skipped_ = false;
  bool ended_ = false;  // saw \.
  int64_t rows_ = 0;
  int64_t line_no_ = 0;
};

// COPY TO STDOUT: rows of a table or query as text/CSV lines.
int64_t CopyOut(const PgQuery__CopyStmt* s, StmtContext& sc, RowSink& sink);

}  // namespace immu::sql
