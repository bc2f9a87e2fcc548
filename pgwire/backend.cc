#include "pgwire/backend.h"

#include <cassert>
#include <cstring>
#include <limits>

namespace immu::pgwire {

namespace {

// Counts the protocol sends as Int16.
int16_t CheckedCount(size_t n, const char* what) {
  if (n > static_cast<size_t>(std::numeric_limits<int16_t>::max())) {
    throw PgError(sqlstate::kProgramLimitExceeded,
                  std::string("too many ") + what + " for the wire protocol: " +
                      std::to_string(n));
  }
  return static_cast<int16_t>(n);
}

void AppendEmpty(MessageWriter* w, char type) {
  w->BeginMessage(type);
  w->EndMessage();
}

void AppendAuth(MessageWriter* w, AuthCode code, std::string_view data) {
  w->BeginMessage(backend::kAuthentication);
  w->AppendInt32(static_cast<int32_t>(code));
  w->AppendBytes(data);
  w->EndMessage();
}

char* PutInt32(char* p, uint32_t v) {
  for (int i = 3; i >= 0; i--, v >>= 8) p[i] = static_cast<char>(v & 0xff);
  return p + 4;
}

// Fills a DataRow whose total size is known: one growth, then plain copies.
template <typename Values, typename IsNull, typename Get>
void AppendDataRowImpl(MessageWriter* w, const Values& values, IsNull is_null, Get get) {
  assert(!w->in_message() && "AppendDataRow inside another message");
  const int16_t n = CheckedCount(values.size(), "columns");
  size_t body = 2;
  for (const auto& v : values) body += 4 + (is_null(v) ? 0 : get(v).size());
  if (body + 4 > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    throw PgError(sqlstate::kProgramLimitExceeded, "out of memory",
                  "Cannot send a row larger than the protocol's 2 GiB message limit.");
  }
  char* p = w->AppendUninitialized(kMessageHeaderSize + body);
  *p++ = backend::kDataRow;
  p = PutInt32(p, static_cast<uint32_t>(body + 4));
  *p++ = static_cast<char>(static_cast<uint16_t>(n) >> 8);
  *p++ = static_cast<char>(n & 0xff);
  for (const auto& v : values) {
    if (is_null(v)) {
      p = PutInt32(p, 0xffffffffu);
      continue;
    }
    std::string_view s = get(v);
    p = PutInt32(p, static_cast<uint32_t>(s.size()));
    if (!s.empty()) std::memcpy(p, s.data(), s.size());
    p += s.size();
  }
}

void AppendCopyResponse(MessageWriter* w, char type, int8_t overall_format,
                        std::span<const int16_t> column_formats) {
  const int16_t n = CheckedCount(column_formats.size(), "columns");
  w->BeginMessage(type);
  w->AppendByte(static_cast<uint8_t>(overall_format));
  w->AppendInt16(n);
  for (int16_t f : column_formats) w->AppendInt16(f);
  w->EndMessage();
}

void AppendErrorOrNotice(MessageWriter* w, char type, const ErrorFields& f) {
  w->BeginMessage(type);
  auto field = [w](char code, std::string_view value) {
    if (value.empty()) return;
    w->AppendByte(static_cast<uint8_t>(code));
    w->AppendCString(value);
  };
  // S, V, C and M are mandatory for clients (libpq shows "(null)" otherwise).
  // Both branches are string_views: mixing const char* and std::string in
  // ?: would yield a temporary std::string for the view to dangle on.
  const std::string_view severity =
      f.severity.empty() ? std::string_view("ERROR") : std::string_view(f.severity);
  const std::string_view code = f.sqlstate.empty() ? std::string_view(sqlstate::kInternalError)
                                                   : std::string_view(f.sqlstate);
  w->AppendByte('S');
  w->AppendCString(severity);
  w->AppendByte('V');
  w->AppendCString(severity);
  w->AppendByte('C');
  w->AppendCString(code);
  w->AppendByte('M');
  w->AppendCString(f.message);
  field('D', f.detail);
  field('H', f.hint);
  if (f.position > 0) field('P', std::to_string(f.position));
  if (f.internal_position > 0) field('p', std::to_string(f.internal_position));
  field('q', f.internal_query);
  field('W', f.where);
  field('s', f.schema_name);
  field('t', f.table_name);
  field('c', f.column_name);
  field('d', f.datatype_name);
  field('n', f.constraint_name);
  field('F', f.file);
  field('L', f.line);
  field('R', f.routine);
  w->AppendByte(0);
  w->EndMessage();
}

}  // namespace

void AppendAuthenticationOk(MessageWriter* w) { AppendAuth(w, AuthCode::kOk, {}); }

void AppendAuthenticationCleartextPassword(MessageWriter* w) {
  AppendAuth(w, AuthCode::kCleartextPassword, {});
}

void AppendAuthenticationMd5Password(MessageWriter* w, std::span<const uint8_t, 4> salt) {
  AppendAuth(w, AuthCode::kMd5Password,
             std::string_view(reinterpret_cast<const char*>(salt.data()), salt.size()));
}

void AppendAuthenticationSasl(MessageWriter* w, std::span<const std::string_view> mechanisms) {
  w->BeginMessage(backend::kAuthentication);
  w->AppendInt32(static_cast<int32_t>(AuthCode::kSasl));
  for (std::string_view m : mechanisms) w->AppendCString(m);
  w->AppendByte(0);
  w->EndMessage();
}

void AppendAuthenticationSaslContinue(MessageWriter* w, std::string_view data) {
  AppendAuth(w, AuthCode::kSaslContinue, data);
}

void AppendAuthenticationSaslFinal(MessageWriter* w, std::string_view data) {
  AppendAuth(w, AuthCode::kSaslFinal, data);
}

void AppendParameterStatus(MessageWriter* w, std::string_view name, std::string_view value) {
  w->BeginMessage(backend::kParameterStatus);
  w->AppendCString(name);
  w->AppendCString(value);
  w->EndMessage();
}

void AppendBackendKeyData(MessageWriter* w, int32_t process_id, uint32_t secret_key) {
  w->BeginMessage(backend::kBackendKeyData);
  w->AppendInt32(process_id);
  w->AppendUInt32(secret_key);
  w->EndMessage();
}

void AppendReadyForQuery(MessageWriter* w, TransactionStatus status) {
  w->BeginMessage(backend::kReadyForQuery);
  w->AppendByte(static_cast<uint8_t>(status));
  w->EndMessage();
}

void AppendRowDescription(MessageWriter* w, std::span<const FieldDescription> fields) {
  const int16_t n = CheckedCount(fields.size(), "columns");
  w->BeginMessage(backend::kRowDescription);
  w->AppendInt16(n);
  for (const FieldDescription& f : fields) {
    w->AppendCString(f.name);
    w->AppendUInt32(f.table_oid);
    w->AppendInt16(f.column_number);
    w->AppendUInt32(f.type_oid);
    w->AppendInt16(f.type_size);
    w->AppendInt32(f.type_modifier);
    w->AppendInt16(f.format);
  }
  w->EndMessage();
}

void AppendDataRow(MessageWriter* w, std::span<const std::optional<std::string_view>> values) {
  AppendDataRowImpl(
      w, values, [](const std::optional<std::string_view>& v) { return !v.has_value(); },
      [](const std::optional<std::string_view>& v) { return *v; });
}

void AppendDataRow(MessageWriter* w, std::span<const std::string_view> values) {
  AppendDataRowImpl(
      w, values, [](std::string_view) { return false; }, [](std::string_view v) { return v; });
}

DataRowWriter::DataRowWriter(MessageWriter* w, int16_t columns) : w_(w) {
  w_->BeginMessage(backend::kDataRow);
  w_->AppendInt16(columns);
}

void AppendCommandComplete(MessageWriter* w, std::string_view tag) {
  w->BeginMessage(backend::kCommandComplete);
  w->AppendCString(tag);
  w->EndMessage();
}

void AppendEmptyQueryResponse(MessageWriter* w) { AppendEmpty(w, backend::kEmptyQueryResponse); }

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError:
      return "ERROR";
    case Severity::kFatal:
      return "FATAL";
    case Severity::kPanic:
      return "PANIC";
    case Severity::kWarning:
      return "WARNING";
    case Severity::kNotice:
      return "NOTICE";
    case Severity::kDebug:
      return "DEBUG";
    case Severity::kInfo:
      return "INFO";
    case Severity::kLog:
      return "LOG";
  }
  return "ERROR";
}

ErrorFields ErrorFieldsFrom(const PgError& e, Severity severity) {
  ErrorFields f;
  f.severity = SeverityName(severity);
  f.sqlstate = e.sqlstate();
  f.message = e.message();
  f.detail = e.detail();
  f.hint = e.hint();
  f.position = e.position();
  f.schema_name = e.schema_name;
  f.table_name = e.table_name;
  f.column_name = e.column_name;
  f.datatype_name = e.datatype_name;
  f.constraint_name = e.constraint_name;
  return f;
}

void AppendErrorResponse(MessageWriter* w, const ErrorFields& fields) {
  AppendErrorOrNotice(w, backend::kErrorResponse, fields);
}

void AppendErrorResponse(MessageWriter* w, const PgError& e, Severity severity) {
  AppendErrorOrNotice(w, backend::kErrorResponse, ErrorFieldsFrom(e, severity));
}

void AppendNoticeResponse(MessageWriter* w, const ErrorFields& fields) {
  AppendErrorOrNotice(w, backend::kNoticeResponse, fields);
}

void AppendParseComplete(MessageWriter* w) { AppendEmpty(w, backend::kParseComplete); }
void AppendBindComplete(MessageWriter* w) { AppendEmpty(w, backend::kBindComplete); }
void AppendCloseComplete(MessageWriter* w) { AppendEmpty(w, backend::kCloseComplete); }
void AppendNoData(MessageWriter* w) { AppendEmpty(w, backend::kNoData); }
void AppendPortalSuspended(MessageWriter* w) { AppendEmpty(w, backend::kPortalSuspended); }

void AppendParameterDescription(MessageWriter* w, std::span<const uint32_t> type_oids) {
  const int16_t n = CheckedCount(type_oids.size(), "parameters");
  w->BeginMessage(backend::kParameterDescription);
  w->AppendInt16(n);
  for (uint32_t oid : type_oids) w->AppendUInt32(oid);
  w->EndMessage();
}

void AppendCopyInResponse(MessageWriter* w, int8_t overall_format,
                          std::span<const int16_t> column_formats) {
  AppendCopyResponse(w, backend::kCopyInResponse, overall_format, column_formats);
}

void AppendCopyOutResponse(MessageWriter* w, int8_t overall_format,
                           std::span<const int16_t> column_formats) {
  AppendCopyResponse(w, backend::kCopyOutResponse, overall_format, column_formats);
}

void AppendCopyData(MessageWriter* w, std::string_view data) {
  w->BeginMessage(backend::kCopyData);
  w->AppendBytes(data);
  w->EndMessage();
}

void AppendCopyDone(MessageWriter* w) { AppendEmpty(w, backend::kCopyDone); }

void AppendNegotiateProtocolVersion(MessageWriter* w, int32_t newest_version,
                                    std::span<const std::string_view> unrecognized) {
  w->BeginMessage(backend::kNegotiateProtocolVersion);
  w->AppendInt32(newest_version);
  w->AppendInt32(static_cast<int32_t>(unrecognized.size()));
  for (std::string_view name : unrecognized) w->AppendCString(name);
  w->EndMessage();
}

void AppendNotificationResponse(MessageWriter* w, int32_t process_id, std::string_view channel,
                                std::string_view payload) {
  w->BeginMessage(backend::kNotificationResponse);
  w->AppendInt32(process_id);
  w->AppendCString(channel);
  w->AppendCString(payload);
  w->EndMessage();
}

void AppendFunctionCallResponse(MessageWriter* w, std::optional<std::string_view> result) {
  w->BeginMessage(backend::kFunctionCallResponse);
  if (result) {
    w->AppendLengthPrefixed(*result);
  } else {
    w->AppendNullValue();
  }
  w->EndMessage();
}

}  // namespace immu::pgwire
