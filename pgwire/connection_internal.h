#pragma once
// Pieces shared by connection.cc, connection_startup.cc and
// connection_extended.cc; not part of the library's interface.
//
// Thread-safety: as Connection (one thread at a time).

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "pgwire/connection.h"

namespace immu::pgwire {

// Turns the session's results into RowDescription / DataRow /
// NoticeResponse / CommandComplete messages. For the simple protocol it
// also owns the CommandComplete of each finished statement: the session
// appends to *results when a statement ends, and the sink emits the new
// completions before anything of the next statement, so messages keep
// PostgreSQL's order.
class Connection::WireSink : public sql::RowSink {
 public:
  // results: the simple query's result list, nullptr for Execute.
  WireSink(Connection* conn, std::vector<sql::ExecResult>* results)
      : conn_(conn), results_(results) {}

  void Columns(std::span<const sql::ResultColumn> columns) override;
  void Row(std::span<const std::optional<std::string_view>> cells) override;
  void Notice(std::string_view severity, std::string_view sqlstate,
              std::string_view message) override;
  void CopyOutBegin(const sql::CopyState& state) override;
  void CopyData(std::string_view data) override;

  // CommandComplete / EmptyQueryResponse for results not yet reported; a
  // COPY FROM STDIN result becomes CopyInResponse and puts the connection in
  // copy-in mode.
  void EmitCompletions();

 private:
  Connection* conn_;
  std::vector<sql::ExecResult>* results_;
  size_t emitted_ = 0;
  bool copy_out_open_ = false;  // CopyOutResponse sent, CopyDone not yet
};

// XX000 for an exception that is not a PgError (what may be null).
PgError InternalError(const char* what);

// ResultColumn -> the codec's RowDescription field.
FieldDescription ToField(const sql::ResultColumn& c);
void AppendColumns(MessageWriter* w, std::span<const sql::ResultColumn> columns);

template <typename F>
bool Connection::Guarded(bool extended, F&& f) {
  try {
    f();
    return true;
  } catch (const PgError& e) {
    if (broken_) return false;
    SendError(e);
  } catch (const std::exception& e) {
    if (broken_) return false;
    SendError(InternalError(e.what()));
  } catch (...) {
    if (broken_) return false;
    SendError(InternalError(nullptr));
  }
  // PostgreSQL's PostgresMain: an error in an extended-protocol message
  // skips everything up to the next Sync, which then sends ReadyForQuery.
  if (extended) ignore_till_sync_ = true;
  return false;
}

}  // namespace immu::pgwire
