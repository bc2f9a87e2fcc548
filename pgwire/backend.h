#pragma once
// Backend (server -> client) messages of protocol 3.0: encoders that append
// complete messages to a MessageWriter. backend_parse.h decodes them (for
// clients and tests).
//
// Strings are written as C strings: an embedded NUL truncates the field
// (MessageWriter::AppendCString) rather than corrupting the framing. Counts
// that the protocol carries as Int16 (columns, parameters) are checked and
// throw PgError 54000 when exceeded, before anything is appended.
//
// Thread-safety: plain functions over a caller-owned writer.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "catalog/pg_error.h"
#include "pgwire/buffer.h"

namespace immu::pgwire {

// Type bytes of backend messages.
namespace backend {
inline constexpr char kAuthentication = 'R';
inline constexpr char kParameterStatus = 'S';
inline constexpr char kBackendKeyData = 'K';
inline constexpr char kReadyForQuery = 'Z';
inline constexpr char kRowDescription = 'T';
inline constexpr char kDataRow = 'D';
inline constexpr char kCommandComplete = 'C';
inline constexpr char kEmptyQueryResponse = 'I';
inline constexpr char kErrorResponse = 'E';
inline constexpr char kNoticeResponse = 'N';
inline constexpr char kParseComplete = '1';
inline constexpr char kBindComplete = '2';
inline constexpr char kCloseComplete = '3';
inline constexpr char kNoData = 'n';
inline constexpr char kParameterDescription = 't';
inline constexpr char kPortalSuspended = 's';
inline constexpr char kCopyInResponse = 'G';
inline constexpr char kCopyOutResponse = 'H';
inline constexpr char kCopyBothResponse = 'W';
inline constexpr char kCopyData = 'd';
inline constexpr char kCopyDone = 'c';
inline constexpr char kNegotiateProtocolVersion = 'v';
inline constexpr char kNotificationResponse = 'A';
inline constexpr char kFunctionCallResponse = 'V';
}  // namespace backend

// Authentication request codes (the Int32 after 'R').
enum class AuthCode : int32_t {
  kOk = 0,
  kCleartextPassword = 3,
  kMd5Password = 5,
  kSasl = 10,
  kSaslContinue = 11,
  kSaslFinal = 12,
};

// ReadyForQuery's transaction status byte.
enum class TransactionStatus : char { kIdle = 'I', kInBlock = 'T', kFailed = 'E' };

void AppendAuthenticationOk(MessageWriter* w);
void AppendAuthenticationCleartextPassword(MessageWriter* w);
// salt: the 4 random bytes the client mixes into its hash.
void AppendAuthenticationMd5Password(MessageWriter* w, std::span<const uint8_t, 4> salt);
// Mechanisms in order of preference, e.g. {"SCRAM-SHA-256"}.
void AppendAuthenticationSasl(MessageWriter* w, std::span<const std::string_view> mechanisms);
void AppendAuthenticationSaslContinue(MessageWriter* w, std::string_view data);
void AppendAuthenticationSaslFinal(MessageWriter* w, std::string_view data);

void AppendParameterStatus(MessageWriter* w, std::string_view name, std::string_view value);
void AppendBackendKeyData(MessageWriter* w, int32_t process_id, uint32_t secret_key);
void AppendReadyForQuery(MessageWriter* w, TransactionStatus status);

// One column of a RowDescription.
struct FieldDescription {
  std::string name;
  uint32_t table_oid = 0;     // 0 when not a plain table column
  int16_t column_number = 0;  // attribute number in that table, else 0
  uint32_t type_oid = 0;
  int16_t type_size = -1;     // pg_type.typlen; negative = variable width
  int32_t type_modifier = -1;
  int16_t format = 0;         // 0 text, 1 binary
  bool operator==(const FieldDescription&) const = default;
};
void AppendRowDescription(MessageWriter* w, std::span<const FieldDescription> fields);

// A whole DataRow in one pass: the size is computed first, so the row costs
// one buffer growth and one copy per value. nullopt = NULL.
void AppendDataRow(MessageWriter* w, std::span<const std::optional<std::string_view>> values);
void AppendDataRow(MessageWriter* w, std::span<const std::string_view> values);  // no NULLs

// A DataRow built value by value, for producers that do not hold all values
// at once. Exactly `columns` values must be added before Finish().
class DataRowWriter {
 public:
  DataRowWriter(MessageWriter* w, int16_t columns);
  void AddValue(std::string_view v) { w_->AppendLengthPrefixed(v); }
  void AddNull() { w_->AppendNullValue(); }
  void Finish() { w_->EndMessage(); }

 private:
  MessageWriter* w_;
};

// tag: e.g. "SELECT 3", "INSERT 0 1", "BEGIN".
void AppendCommandComplete(MessageWriter* w, std::string_view tag);
void AppendEmptyQueryResponse(MessageWriter* w);

// ---- ErrorResponse / NoticeResponse ----------------------------------------

enum class Severity { kError, kFatal, kPanic, kWarning, kNotice, kDebug, kInfo, kLog };
// The non-localized name sent in both 'S' and 'V' ("ERROR", "FATAL", ...).
const char* SeverityName(Severity s);

// Every field PostgreSQL defines, by its field code. Empty strings and zero
// positions are not sent; S, V, C and M always are.
struct ErrorFields {
  std::string severity = "ERROR";  // S and V
  std::string sqlstate = sqlstate::kInternalError;  // C
  std::string message;             // M
  std::string detail;              // D
  std::string hint;                // H
  int position = 0;                // P, 1-based character index in the query
  int internal_position = 0;       // p
  std::string internal_query;      // q
  std::string where;               // W
  std::string schema_name;         // s
  std::string table_name;          // t
  std::string column_name;         // c
  std::string datatype_name;       // d
  std::string constraint_name;     // n
  std::string file;                // F
  std::string line;                // L
  std::string routine;             // R
  bool operator==(const ErrorFields&) const = default;
};

ErrorFields ErrorFieldsFrom(const PgError& e, Severity severity = Severity::kError);
void AppendErrorResponse(MessageWriter* w, const ErrorFields& fields);
void AppendErrorResponse(MessageWriter* w, const PgError& e, Severity severity = Severity::kError);
void AppendNoticeResponse(MessageWriter* w, const ErrorFields& fields);

// ---- Extended query ----------------------------------------------------------

void AppendParseComplete(MessageWriter* w);
void AppendBindComplete(MessageWriter* w);
void AppendCloseComplete(MessageWriter* w);
void AppendNoData(MessageWriter* w);
void AppendPortalSuspended(MessageWriter* w);
void AppendParameterDescription(MessageWriter* w, std::span<const uint32_t> type_oids);

// ---- COPY ------------------------------------------------------------------

// overall_format 0 (text) or 1 (binary); one format per column (all must be
// 0 when overall_format is 0).
void AppendCopyInResponse(MessageWriter* w, int8_t overall_format,
                          std::span<const int16_t> column_formats);
void AppendCopyOutResponse(MessageWriter* w, int8_t overall_format,
                           std::span<const int16_t> column_formats);
void AppendCopyData(MessageWriter* w, std::string_view data);
void AppendCopyDone(MessageWriter* w);

// ---- Misc --------------------------------------------------------------------

// newest_version: the newest protocol version we speak, as a full version
// code (3.0 = 196608: PostgreSQL sends PG_PROTOCOL_LATEST, and libpq 17
// compares it as a version); unrecognized: the
// `_pq_.` options of the StartupMessage that we do not support.
void AppendNegotiateProtocolVersion(MessageWriter* w, int32_t newest_version,
                                    std::span<const std::string_view> unrecognized);
void AppendNotificationResponse(MessageWriter* w, int32_t process_id, std::string_view channel,
                                std::string_view payload);
// nullopt = NULL result.
void AppendFunctionCallResponse(MessageWriter* w, std::optional<std::string_view> result);

}  // namespace immu::pgwire
