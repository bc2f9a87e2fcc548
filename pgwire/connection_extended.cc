// The extended query protocol (Parse / Bind / Describe / Execute / Close /
// Sync) and the RowSink that turns results into messages.

#include <string>
#include <vector>

#include "pgwire/connection_internal.h"

namespace immu::pgwire {

FieldDescription ToField(const sql::ResultColumn& c) {
  FieldDescription f;
  f.name = c.name;
  f.table_oid = c.table_oid;
  f.column_number = c.column_attnum;
  f.type_oid = c.type_oid;
  f.type_size = c.type_len;
  f.type_modifier = c.type_mod;
  f.format = c.format;
  return f;
}

void AppendColumns(MessageWriter* w, std::span<const sql::ResultColumn> columns) {
  std::vector<FieldDescription> fields;
  fields.reserve(columns.size());
  for (const sql::ResultColumn& c : columns) fields.push_back(ToField(c));
  AppendRowDescription(w, fields);
}

void Connection::WireSink::Columns(std::span<const sql::ResultColumn> columns) {
  EmitCompletions();
  AppendColumns(&conn_->out_, columns);
}

void Connection::WireSink::Row(std::span<const std::optional<std::string_view>> cells) {
  AppendDataRow(&conn_->out_, cells);
  conn_->FlushIfLarge();
}

void Connection::WireSink::Notice(std::string_view severity, std::string_view sqlstate,
                                  std::string_view message) {
  EmitCompletions();
  ErrorFields f;
  f.severity = std::string(severity);
  f.sqlstate = std::string(sqlstate);
  f.message = std::string(message);
  AppendNoticeResponse(&conn_->out_, f);
}

void Connection::WireSink::CopyOutBegin(const sql::CopyState& state) {
  EmitCompletions();
  AppendCopyOutResponse(&conn_->out_, static_cast<int8_t>(state.format), state.column_formats);
  copy_out_open_ = true;
}

void Connection::WireSink::CopyData(std::string_view data) {
  AppendCopyData(&conn_->out_, data);
  conn_->FlushIfLarge();
}

void Connection::WireSink::EmitCompletions() {
  if (copy_out_open_) {
    AppendCopyDone(&conn_->out_);
    copy_out_open_ = false;
  }
  if (results_ == nullptr) return;
  for (; emitted_ < results_->size(); emitted_++) {
    const sql::ExecResult& r = (*results_)[emitted_];
    if (r.copy_in) {
      AppendCopyInResponse(&conn_->out_, static_cast<int8_t>(r.copy.format), r.copy.column_formats);
      conn_->copy_in_ = true;
    } else if (r.empty_query) {
      AppendEmptyQueryResponse(&conn_->out_);
    } else {
      AppendCommandComplete(&conn_->out_, r.command_tag);
    }
  }
}

void Connection::DoParse(const ParseMessage& m) {
  Guarded(true, [&] {
    session_->Parse(std::string(m.statement), m.query, m.param_types);
    AppendParseComplete(&out_);
  });
}

void Connection::DoBind(const BindMessage& m) {
  Guarded(true, [&] {
    // The session keeps the values beyond this message: copy them out of
    // the input buffer.
    std::vector<std::optional<std::string>> params;
    std::vector<int16_t> formats;
    params.reserve(m.values.size());
    formats.reserve(m.values.size());
    for (size_t i = 0; i < m.values.size(); i++) {
      if (m.values[i]) {
        params.emplace_back(std::string(*m.values[i]));
      } else {
        params.emplace_back(std::nullopt);
      }
      formats.push_back(m.ParamFormat(i));
    }
    session_->Bind(std::string(m.portal), std::string(m.statement), params, formats,
                   m.result_formats);
    AppendBindComplete(&out_);
  });
}

void Connection::DoDescribe(const DescribeMessage& m) {
  Guarded(true, [&] {
    if (m.kind == TargetKind::kStatement) {
      const sql::StatementDescription d = session_->DescribeStatement(std::string(m.name));
      // Build both replies before appending, so a failure leaves no half.
      MessageWriter w;
      AppendParameterDescription(&w, d.param_type_oids);
      if (d.returns_rows) {
        AppendColumns(&w, d.columns);
      } else {
        AppendNoData(&w);
      }
      out_.AppendBytes(w.buffer());
    } else {
      const std::vector<sql::ResultColumn> columns = session_->DescribePortal(std::string(m.name));
      if (columns.empty()) {
        AppendNoData(&out_);
      } else {
        AppendColumns(&out_, columns);
      }
    }
  });
}

void Connection::DoExecute(const ExecuteMessage& m) {
  Guarded(true, [&] {
    WireSink sink(this, nullptr);
    const sql::ExecResult r =
        session_->Execute(std::string(m.portal), m.max_rows > 0 ? m.max_rows : 0, sink);
    if (r.suspended) {
      AppendPortalSuspended(&out_);
    } else if (r.empty_query) {
      AppendEmptyQueryResponse(&out_);
    } else {
      AppendCommandComplete(&out_, r.command_tag);
    }
  });
}

void Connection::DoClose(const CloseMessage& m) {
  Guarded(true, [&] {
    if (m.kind == TargetKind::kStatement) {
      session_->CloseStatement(std::string(m.name));
    } else {
      session_->ClosePortal(std::string(m.name));
    }
    AppendCloseComplete(&out_);
  });
}

void Connection::DoSync() {
  ignore_till_sync_ = false;
  Guarded(false, [&] { session_->Sync(); });
  if (!broken_) SendReadyForQuery();
}

}  // namespace immu::pgwire
