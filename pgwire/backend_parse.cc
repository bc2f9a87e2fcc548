#include "pgwire/backend_parse.h"

#include <cstdlib>
#include <string>

namespace immu::pgwire {

AuthenticationMessage ParseAuthentication(std::string_view body) {
  MessageReader r(body);
  AuthenticationMessage m;
  const int32_t code = r.ReadInt32();
  switch (code) {
    case static_cast<int32_t>(AuthCode::kOk):
    case static_cast<int32_t>(AuthCode::kCleartextPassword):
      break;
    case static_cast<int32_t>(AuthCode::kMd5Password):
      m.data = r.ReadBytes(4);
      break;
    case static_cast<int32_t>(AuthCode::kSasl):
      for (;;) {
        std::string_view mech = r.ReadCString();
        if (mech.empty()) break;
        m.mechanisms.push_back(mech);
      }
      break;
    case static_cast<int32_t>(AuthCode::kSaslContinue):
    case static_cast<int32_t>(AuthCode::kSaslFinal):
      m.data = r.ReadRest();
      break;
    default:
      ThrowProtocolViolation("unsupported authentication request " + std::to_string(code));
  }
  m.code = static_cast<AuthCode>(code);
  r.ExpectEnd();
  return m;
}

std::pair<std::string_view, std::string_view> ParseParameterStatus(std::string_view body) {
  MessageReader r(body);
  std::string_view name = r.ReadCString();
  std::string_view value = r.ReadCString();
  r.ExpectEnd();
  return {name, value};
}

std::pair<int32_t, uint32_t> ParseBackendKeyData(std::string_view body) {
  MessageReader r(body);
  const int32_t pid = r.ReadInt32();
  const uint32_t key = r.ReadUInt32();
  r.ExpectEnd();
  return {pid, key};
}

TransactionStatus ParseReadyForQuery(std::string_view body) {
  MessageReader r(body);
  const uint8_t c = r.ReadByte();
  r.ExpectEnd();
  switch (c) {
    case 'I':
    case 'T':
    case 'E':
      return static_cast<TransactionStatus>(c);
    default:
      ThrowProtocolViolation("unexpected transaction status " + std::to_string(c));
  }
}

std::vector<FieldDescription> ParseRowDescription(std::string_view body) {
  MessageReader r(body);
  const uint16_t n = r.ReadUInt16();
  // Each field takes at least 19 bytes: bound the allocation by the input.
  if (static_cast<size_t>(n) * 19 > r.remaining()) r.ReadBytes(static_cast<size_t>(n) * 19);
  std::vector<FieldDescription> fields(n);
  for (FieldDescription& f : fields) {
    f.name = std::string(r.ReadCString());
    f.table_oid = r.ReadUInt32();
    f.column_number = r.ReadInt16();
    f.type_oid = r.ReadUInt32();
    f.type_size = r.ReadInt16();
    f.type_modifier = r.ReadInt32();
    f.format = r.ReadInt16();
  }
  r.ExpectEnd();
  return fields;
}

std::vector<std::optional<std::string_view>> ParseDataRow(std::string_view body) {
  MessageReader r(body);
  const uint16_t n = r.ReadUInt16();
  if (static_cast<size_t>(n) * 4 > r.remaining()) r.ReadBytes(static_cast<size_t>(n) * 4);
  std::vector<std::optional<std::string_view>> values(n);
  for (auto& v : values) {
    bool is_null = false;
    std::string_view s = r.ReadLengthPrefixed(&is_null);
    if (!is_null) v = s;
  }
  r.ExpectEnd();
  return values;
}

std::string_view ParseCommandComplete(std::string_view body) {
  MessageReader r(body);
  std::string_view tag = r.ReadCString();
  r.ExpectEnd();
  return tag;
}

ErrorFields ParseErrorFields(std::string_view body) {
  MessageReader r(body);
  ErrorFields f;
  f.severity.clear();
  f.sqlstate.clear();
  for (;;) {
    const uint8_t code = r.ReadByte();
    if (code == 0) break;
    std::string value(r.ReadCString());
    switch (code) {
      case 'S':
        if (f.severity.empty()) f.severity = std::move(value);
        break;
      case 'V':  // the non-localized name wins over S
        f.severity = std::move(value);
        break;
      case 'C': f.sqlstate = std::move(value); break;
      case 'M': f.message = std::move(value); break;
      case 'D': f.detail = std::move(value); break;
      case 'H': f.hint = std::move(value); break;
      case 'P': f.position = std::atoi(value.c_str()); break;
      case 'p': f.internal_position = std::atoi(value.c_str()); break;
      case 'q': f.internal_query = std::move(value); break;
      case 'W': f.where = std::move(value); break;
      case 's': f.schema_name = std::move(value); break;
      case 't': f.table_name = std::move(value); break;
      case 'c': f.column_name = std::move(value); break;
      case 'd': f.datatype_name = std::move(value); break;
      case 'n': f.constraint_name = std::move(value); break;
      case 'F': f.file = std::move(value); break;
      case 'L': f.line = std::move(value); break;
      case 'R': f.routine = std::move(value); break;
      default: break;  // future field types must be ignored
    }
  }
  r.ExpectEnd();
  return f;
}

std::vector<uint32_t> ParseParameterDescription(std::string_view body) {
  MessageReader r(body);
  const uint16_t n = r.ReadUInt16();
  if (static_cast<size_t>(n) * 4 > r.remaining()) r.ReadBytes(static_cast<size_t>(n) * 4);
  std::vector<uint32_t> oids(n);
  for (uint32_t& oid : oids) oid = r.ReadUInt32();
  r.ExpectEnd();
  return oids;
}

CopyResponse ParseCopyResponse(std::string_view body) {
  MessageReader r(body);
  CopyResponse c;
  c.overall_format = static_cast<int8_t>(r.ReadByte());
  const uint16_t n = r.ReadUInt16();
  if (static_cast<size_t>(n) * 2 > r.remaining()) r.ReadBytes(static_cast<size_t>(n) * 2);
  c.column_formats.resize(n);
  for (int16_t& f : c.column_formats) f = r.ReadInt16();
  r.ExpectEnd();
  return c;
}

NegotiateProtocolVersion ParseNegotiateProtocolVersion(std::string_view body) {
  MessageReader r(body);
  NegotiateProtocolVersion m;
  m.newest_version = r.ReadInt32();
  const int32_t n = r.ReadInt32();
  // Each name takes at least its NUL.
  if (n < 0 || static_cast<size_t>(n) > r.remaining()) {
    ThrowProtocolViolation("insufficient data left in message");
  }
  for (int32_t i = 0; i < n; i++) m.unrecognized.push_back(r.ReadCString());
  r.ExpectEnd();
  return m;
}

Notification ParseNotificationResponse(std::string_view body) {
  MessageReader r(body);
  Notification n;
  n.process_id = r.ReadInt32();
  n.channel = r.ReadCString();
  n.payload = r.ReadCString();
  r.ExpectEnd();
  return n;
}

std::optional<std::string_view> ParseFunctionCallResponse(std::string_view body) {
  MessageReader r(body);
  bool is_null = false;
  std::string_view v = r.ReadLengthPrefixed(&is_null);
  r.ExpectEnd();
  if (is_null) return std::nullopt;
  return v;
}

void ParseEmptyMessage(std::string_view body) { MessageReader(body).ExpectEnd(); }

}  // namespace immu::pgwire
