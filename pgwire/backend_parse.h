#pragma once
// Decoders for backend messages, the inverse of backend.h: used by tests and
// by any client of ours (a benchmark driver, integration tests) that reads a
// server's replies. Each takes the body of one message (after type and
// length) and throws PgError 08P01 when it is malformed or has trailing
// bytes. Views point into the body.
//
// Thread-safety: plain functions.

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "pgwire/backend.h"

namespace immu::pgwire {

// 'R'. Which members are set depends on code: salt for kMd5Password,
// mechanisms for kSasl, data for kSaslContinue / kSaslFinal.
struct AuthenticationMessage {
  AuthCode code = AuthCode::kOk;
  std::string_view data;  // MD5 salt (4 bytes) or SASL data
  std::vector<std::string_view> mechanisms;
  bool operator==(const AuthenticationMessage&) const = default;
};
AuthenticationMessage ParseAuthentication(std::string_view body);

std::pair<std::string_view, std::string_view> ParseParameterStatus(std::string_view body);
std::pair<int32_t, uint32_t> ParseBackendKeyData(std::string_view body);  // pid, secret
TransactionStatus ParseReadyForQuery(std::string_view body);
std::vector<FieldDescription> ParseRowDescription(std::string_view body);
std::vector<std::optional<std::string_view>> ParseDataRow(std::string_view body);
std::string_view ParseCommandComplete(std::string_view body);
// 'E' and 'N'. Unknown field codes are skipped, as the protocol requires of
// clients.
ErrorFields ParseErrorFields(std::string_view body);
std::vector<uint32_t> ParseParameterDescription(std::string_view body);

struct CopyResponse {  // 'G', 'H', 'W'
  int8_t overall_format = 0;
  std::vector<int16_t> column_formats;
  bool operator==(const CopyResponse&) const = default;
};
CopyResponse ParseCopyResponse(std::string_view body);

struct NegotiateProtocolVersion {
  int32_t newest_version = 0;
  std::vector<std::string_view> unrecognized;
  bool operator==(const NegotiateProtocolVersion&) const = default;
};
NegotiateProtocolVersion ParseNegotiateProtocolVersion(std::string_view body);

struct Notification {
  int32_t process_id = 0;
  std::string_view channel;
  std::string_view payload;
  bool operator==(const Notification&) const = default;
};
Notification ParseNotificationResponse(std::string_view body);

std::optional<std::string_view> ParseFunctionCallResponse(std::string_view body);

// Messages without a body (ParseComplete, NoData, CopyDone...): checks it is
// empty.
void ParseEmptyMessage(std::string_view body);

}  // namespace immu::pgwire
