#pragma once
// Typed frontend (client -> server) messages of protocol 3.0: decoding for
// the server, encoding for clients and tests.
//
// ParseFrontendMessage(type, body) decodes one framed message (SplitFrame()
// gives type and body) and throws PgError on malformed input: 08P01 with
// PostgreSQL's wording for structural errors (short data, missing NUL,
// trailing bytes, a format-code count that is neither 0, 1 nor the parameter
// count, a bad Describe/Close subtype, an unknown type byte), 22023 for a
// format code other than 0 (text) or 1 (binary), as PostgreSQL reports it.
//
// Every string_view in a message points into the body that was parsed: the
// caller copies what it keeps (a prepared statement's text, for instance)
// before the input buffer is reused. This keeps Bind with many large values
// copy-free.
//
// Thread-safety: plain functions and values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "pgwire/buffer.h"

namespace immu::pgwire {

// Format codes of parameters and result columns.
inline constexpr int16_t kFormatText = 0;
inline constexpr int16_t kFormatBinary = 1;

// Type bytes of frontend messages.
namespace frontend {
inline constexpr char kQuery = 'Q';
inline constexpr char kParse = 'P';
inline constexpr char kBind = 'B';
inline constexpr char kDescribe = 'D';
inline constexpr char kExecute = 'E';
inline constexpr char kClose = 'C';
inline constexpr char kSync = 'S';
inline constexpr char kFlush = 'H';
inline constexpr char kTerminate = 'X';
inline constexpr char kCopyData = 'd';
inline constexpr char kCopyDone = 'c';
inline constexpr char kCopyFail = 'f';
// PasswordMessage, SASLInitialResponse and SASLResponse share this byte; only
// the authentication exchange in progress tells them apart.
inline constexpr char kAuthResponse = 'p';
inline constexpr char kFunctionCall = 'F';
}  // namespace frontend

// True for the type bytes above.
bool IsFrontendMessageType(char type);

// The 0/1/N rule shared by Bind's parameter and result formats and by
// FunctionCall: no codes means all text, one code applies to all, otherwise
// one per item. Returns the format of item i; callers validate the count with
// the message (ParseFrontendMessage already did for parameters).
int16_t FormatFor(const std::vector<int16_t>& formats, size_t i);

// 'S' statement or 'P' portal, for Describe and Close.
enum class TargetKind { kStatement, kPortal };

struct QueryMessage {
  std::string_view query;
  bool operator==(const QueryMessage&) const = default;
};

struct ParseMessage {
  std::string_view statement;  // empty: the unnamed statement
  std::string_view query;
  std::vector<uint32_t> param_types;  // 0 = unspecified
  bool operator==(const ParseMessage&) const = default;
};

struct BindMessage {
  std::string_view portal;     // empty: the unnamed portal
  std::string_view statement;
  std::vector<int16_t> param_formats;             // 0, 1 or values.size() codes
  std::vector<std::optional<std::string_view>> values;  // nullopt = NULL
  std::vector<int16_t> result_formats;            // 0, 1 or one per column
  int16_t ParamFormat(size_t i) const { return FormatFor(param_formats, i); }
  int16_t ResultFormat(size_t i) const { return FormatFor(result_formats, i); }
  bool operator==(const BindMessage&) const = default;
};

struct DescribeMessage {
  TargetKind kind = TargetKind::kStatement;
  std::string_view name;
  bool operator==(const DescribeMessage&) const = default;
};

struct ExecuteMessage {
  std::string_view portal;
  int32_t max_rows = 0;  // <= 0: all rows (PostgreSQL treats negatives as 0)
  bool operator==(const ExecuteMessage&) const = default;
};

struct CloseMessage {
  TargetKind kind = TargetKind::kStatement;
  std::string_view name;
  bool operator==(const CloseMessage&) const = default;
};

struct SyncMessage {
  bool operator==(const SyncMessage&) const = default;
};
struct FlushMessage {
  bool operator==(const FlushMessage&) const = default;
};
struct TerminateMessage {
  bool operator==(const TerminateMessage&) const = default;
};
struct CopyDataMessage {
  std::string_view data;
  bool operator==(const CopyDataMessage&) const = default;
};
struct CopyDoneMessage {
  bool operator==(const CopyDoneMessage&) const = default;
};
struct CopyFailMessage {
  std::string_view message;
  bool operator==(const CopyFailMessage&) const = default;
};

// 'p': decoded further by ParsePasswordMessage / ParseSaslInitialResponse
// (SASLResponse is the raw body) once the exchange in progress is known.
struct AuthResponseMessage {
  std::string_view body;
  bool operator==(const AuthResponseMessage&) const = default;
};

// Fast-path function call, decoded only so the server can refuse it with a
// proper error instead of dropping the connection.
struct FunctionCallMessage {
  uint32_t function_oid = 0;
  std::vector<int16_t> arg_formats;
  std::vector<std::optional<std::string_view>> args;
  int16_t result_format = kFormatText;
  bool operator==(const FunctionCallMessage&) const = default;
};

using FrontendMessage =
    std::variant<QueryMessage, ParseMessage, BindMessage, DescribeMessage, ExecuteMessage,
                 CloseMessage, SyncMessage, FlushMessage, TerminateMessage, CopyDataMessage,
                 CopyDoneMessage, CopyFailMessage, AuthResponseMessage, FunctionCallMessage>;

FrontendMessage ParseFrontendMessage(char type, std::string_view body);

// The type byte of a message (inverse of ParseFrontendMessage's dispatch).
char FrontendMessageType(const FrontendMessage& m);

// ---- Authentication payloads of 'p' ----------------------------------------

// PasswordMessage (cleartext or "md5..." hash): one string filling the body.
std::string_view ParsePasswordMessage(std::string_view body);

struct SaslInitialResponse {
  std::string_view mechanism;
  std::optional<std::string_view> data;  // nullopt when the length was -1
  bool operator==(const SaslInitialResponse&) const = default;
};
SaslInitialResponse ParseSaslInitialResponse(std::string_view body);

// ---- Encoders (clients and tests) ------------------------------------------

// Appends the complete message (type, length, body) to w.
void AppendFrontendMessage(MessageWriter* w, const FrontendMessage& m);
void AppendPasswordMessage(MessageWriter* w, std::string_view password);
void AppendSaslInitialResponse(MessageWriter* w, const SaslInitialResponse& m);
void AppendSaslResponse(MessageWriter* w, std::string_view data);

}  // namespace immu::pgwire
