#include "pgwire/frontend.h"

#include <string>
#include <type_traits>

#include "catalog/pg_error.h"

namespace immu::pgwire {

bool IsFrontendMessageType(char type) {
  switch (type) {
    case frontend::kQuery:
    case frontend::kParse:
    case frontend::kBind:
    case frontend::kDescribe:
    case frontend::kExecute:
    case frontend::kClose:
    case frontend::kSync:
    case frontend::kFlush:
    case frontend::kTerminate:
    case frontend::kCopyData:
    case frontend::kCopyDone:
    case frontend::kCopyFail:
    case frontend::kAuthResponse:
    case frontend::kFunctionCall:
      return true;
    default:
      return false;
  }
}

int16_t FormatFor(const std::vector<int16_t>& formats, size_t i) {
  if (formats.empty()) return kFormatText;
  if (formats.size() == 1) return formats[0];
  return i < formats.size() ? formats[i] : kFormatText;
}

namespace {

// Int16 count, then that many Int16 format codes, each 0 or 1. The count is
// read as unsigned: PostgreSQL reads these counts with pq_getmsgint(msg, 2),
// which does not sign-extend.
std::vector<int16_t> ReadFormats(MessageReader* r) {
  const uint16_t n = r->ReadUInt16();
  // Each code takes 2 bytes: refuse before allocating for a lying count.
  if (static_cast<size_t>(n) * 2 > r->remaining()) r->ReadBytes(static_cast<size_t>(n) * 2);
  std::vector<int16_t> formats(n);
  for (auto& f : formats) {
    f = r->ReadInt16();
    if (f != kFormatText && f != kFormatBinary) {
      throw PgError(sqlstate::kInvalidParameterValue,
                    "unsupported format code: " + std::to_string(f));
    }
  }
  return formats;
}

// PostgreSQL's wording, e.g. "bind message has 2 parameter formats but 3
// parameters".
void CheckFormatCount(const char* prefix, const char* formats_noun, const char* values_noun,
                      size_t formats, size_t values) {
  if (formats > 1 && formats != values) {
    ThrowProtocolViolation(std::string(prefix) + " " + std::to_string(formats) + " " +
                           formats_noun + " but " + std::to_string(values) + " " + values_noun);
  }
}

// Int16 count, then per value Int32 length (-1 = NULL) and the bytes. The
// format count is checked against the value count before the values are
// read, in PostgreSQL's order, so a doubly malformed message gets its error.
std::vector<std::optional<std::string_view>> ReadValues(MessageReader* r, size_t formats,
                                                        const char* mismatch_prefix,
                                                        const char* formats_noun,
                                                        const char* values_noun) {
  const uint16_t n = r->ReadUInt16();
  CheckFormatCount(mismatch_prefix, formats_noun, values_noun, formats, n);
  if (static_cast<size_t>(n) * 4 > r->remaining()) r->ReadBytes(static_cast<size_t>(n) * 4);
  std::vector<std::optional<std::string_view>> values(n);
  for (auto& v : values) {
    bool is_null = false;
    std::string_view s = r->ReadLengthPrefixed(&is_null);
    if (!is_null) v = s;
  }
  return values;
}

TargetKind ReadTarget(MessageReader* r, const char* what) {
  const uint8_t c = r->ReadByte();
  if (c == 'S') return TargetKind::kStatement;
  if (c == 'P') return TargetKind::kPortal;
  ThrowProtocolViolation(std::string("invalid ") + what + " message subtype " + std::to_string(c));
}

BindMessage ParseBind(MessageReader* r) {
  BindMessage m;
  m.portal = r->ReadCString();
  m.statement = r->ReadCString();
  m.param_formats = ReadFormats(r);
  m.values = ReadValues(r, m.param_formats.size(), "bind message has", "parameter formats",
                        "parameters");
  m.result_formats = ReadFormats(r);
  return m;
}

FunctionCallMessage ParseFunctionCall(MessageReader* r) {
  FunctionCallMessage m;
  m.function_oid = r->ReadUInt32();
  m.arg_formats = ReadFormats(r);
  m.args = ReadValues(r, m.arg_formats.size(), "function call message contains",
                      "argument formats", "arguments");
  m.result_format = r->ReadInt16();
  if (m.result_format != kFormatText && m.result_format != kFormatBinary) {
    throw PgError(sqlstate::kInvalidParameterValue,
                  "unsupported format code: " + std::to_string(m.result_format));
  }
  return m;
}

FrontendMessage ParseBody(char type, MessageReader* r) {
  switch (type) {
    case frontend::kQuery:
      return QueryMessage{r->ReadCString()};
    case frontend::kParse: {
      ParseMessage m;
      m.statement = r->ReadCString();
      m.query = r->ReadCString();
      const uint16_t n = r->ReadUInt16();
      if (static_cast<size_t>(n) * 4 > r->remaining()) r->ReadBytes(static_cast<size_t>(n) * 4);
      m.param_types.resize(n);
      for (auto& oid : m.param_types) oid = r->ReadUInt32();
      return m;
    }
    case frontend::kBind:
      return ParseBind(r);
    case frontend::kDescribe: {
      DescribeMessage m;
      m.kind = ReadTarget(r, "DESCRIBE");
      m.name = r->ReadCString();
      return m;
    }
    case frontend::kExecute: {
      ExecuteMessage m;
      m.portal = r->ReadCString();
      m.max_rows = r->ReadInt32();
      return m;
    }
    case frontend::kClose: {
      CloseMessage m;
      m.kind = ReadTarget(r, "CLOSE");
      m.name = r->ReadCString();
      return m;
    }
    case frontend::kSync:
      return SyncMessage{};
    case frontend::kFlush:
      return FlushMessage{};
    case frontend::kTerminate:
      return TerminateMessage{};
    case frontend::kCopyData:
      return CopyDataMessage{r->ReadRest()};
    case frontend::kCopyDone:
      return CopyDoneMessage{};
    case frontend::kCopyFail:
      return CopyFailMessage{r->ReadCString()};
    case frontend::kAuthResponse:
      return AuthResponseMessage{r->ReadRest()};
    case frontend::kFunctionCall:
      return ParseFunctionCall(r);
    default:
      ThrowProtocolViolation("invalid frontend message type " +
                             std::to_string(static_cast<uint8_t>(type)));
  }
}

}  // namespace

FrontendMessage ParseFrontendMessage(char type, std::string_view body) {
  MessageReader r(body);
  FrontendMessage m = ParseBody(type, &r);
  r.ExpectEnd();
  return m;
}

char FrontendMessageType(const FrontendMessage& m) {
  static constexpr char kTypes[] = {
      frontend::kQuery,    frontend::kParse,    frontend::kBind,         frontend::kDescribe,
      frontend::kExecute,  frontend::kClose,    frontend::kSync,         frontend::kFlush,
      frontend::kTerminate, frontend::kCopyData, frontend::kCopyDone,    frontend::kCopyFail,
      frontend::kAuthResponse, frontend::kFunctionCall};
  static_assert(sizeof(kTypes) == std::variant_size_v<FrontendMessage>);
  return kTypes[m.index()];
}

std::string_view ParsePasswordMessage(std::string_view body) {
  MessageReader r(body);
  std::string_view password = r.ReadCString();
  if (!r.empty()) ThrowProtocolViolation("invalid password packet size");
  return password;
}

SaslInitialResponse ParseSaslInitialResponse(std::string_view body) {
  MessageReader r(body);
  SaslInitialResponse m;
  m.mechanism = r.ReadCString();
  bool is_null = false;
  std::string_view data = r.ReadLengthPrefixed(&is_null);
  if (!is_null) m.data = data;
  r.ExpectEnd();
  return m;
}

// ---- Encoders ----------------------------------------------------------------

namespace {

void AppendFormats(MessageWriter* w, const std::vector<int16_t>& formats) {
  w->AppendInt16(static_cast<int16_t>(formats.size()));
  for (int16_t f : formats) w->AppendInt16(f);
}

void AppendValues(MessageWriter* w, const std::vector<std::optional<std::string_view>>& values) {
  w->AppendInt16(static_cast<int16_t>(values.size()));
  for (const auto& v : values) {
    if (v) {
      w->AppendLengthPrefixed(*v);
    } else {
      w->AppendNullValue();
    }
  }
}

struct BodyEncoder {
  MessageWriter* w;
  void operator()(const QueryMessage& m) { w->AppendCString(m.query); }
  void operator()(const ParseMessage& m) {
    w->AppendCString(m.statement);
    w->AppendCString(m.query);
    w->AppendInt16(static_cast<int16_t>(m.param_types.size()));
    for (uint32_t oid : m.param_types) w->AppendUInt32(oid);
  }
  void operator()(const BindMessage& m) {
    w->AppendCString(m.portal);
    w->AppendCString(m.statement);
    AppendFormats(w, m.param_formats);
    AppendValues(w, m.values);
    AppendFormats(w, m.result_formats);
  }
  void operator()(const DescribeMessage& m) {
    w->AppendByte(m.kind == TargetKind::kStatement ? 'S' : 'P');
    w->AppendCString(m.name);
  }
  void operator()(const ExecuteMessage& m) {
    w->AppendCString(m.portal);
    w->AppendInt32(m.max_rows);
  }
  void operator()(const CloseMessage& m) {
    w->AppendByte(m.kind == TargetKind::kStatement ? 'S' : 'P');
    w->AppendCString(m.name);
  }
  void operator()(const SyncMessage&) {}
  void operator()(const FlushMessage&) {}
  void operator()(const TerminateMessage&) {}
  void operator()(const CopyDataMessage& m) { w->AppendBytes(m.data); }
  void operator()(const CopyDoneMessage&) {}
  void operator()(const CopyFailMessage& m) { w->AppendCString(m.message); }
  void operator()(const AuthResponseMessage& m) { w->AppendBytes(m.body); }
  void operator()(const FunctionCallMessage& m) {
    w->AppendUInt32(m.function_oid);
    AppendFormats(w, m.arg_formats);
    AppendValues(w, m.args);
    w->AppendInt16(m.result_format);
  }
};

}  // namespace

void AppendFrontendMessage(MessageWriter* w, const FrontendMessage& m) {
  w->BeginMessage(FrontendMessageType(m));
  std::visit(BodyEncoder{w}, m);
  w->EndMessage();
}

void AppendPasswordMessage(MessageWriter* w, std::string_view password) {
  w->BeginMessage(frontend::kAuthResponse);
  w->AppendCString(password);
  w->EndMessage();
}

void AppendSaslInitialResponse(MessageWriter* w, const SaslInitialResponse& m) {
  w->BeginMessage(frontend::kAuthResponse);
  w->AppendCString(m.mechanism);
  if (m.data) {
    w->AppendLengthPrefixed(*m.data);
  } else {
    w->AppendNullValue();
  }
  w->EndMessage();
}

void AppendSaslResponse(MessageWriter* w, std::string_view data) {
  w->BeginMessage(frontend::kAuthResponse);
  w->AppendBytes(data);
  w->EndMessage();
}

}  // namespace immu::pgwire
