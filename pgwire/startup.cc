#include "pgwire/startup.h"

#include "pgwire/buffer.h"
#include "pgwire/framer.h"

namespace immu::pgwire {

std::string_view StartupPacket::Get(std::string_view name) const {
  for (auto it = parameters.rbegin(); it != parameters.rend(); ++it) {
    if (it->first == name) return it->second;
  }
  return {};
}

bool StartupPacket::Has(std::string_view name) const {
  for (const auto& [n, v] : parameters) {
    if (n == name) return true;
  }
  return false;
}

std::string_view StartupPacket::database() const {
  std::string_view db = Get(kParamDatabase);
  return db.empty() ? user() : db;
}

namespace {

// PostgreSQL (ProcessStartupPacket) requires the name/value list to end with
// a lone NUL that is exactly the last byte of the packet; a name without a
// value, a missing terminator or bytes after it are all rejected.
void ParseParameters(std::string_view payload, StartupPacket* p) {
  MessageReader r(payload);
  for (;;) {
    if (r.empty()) {
      ThrowProtocolViolation("invalid startup packet layout: expected terminator as last byte");
    }
    std::string_view name = r.ReadCString();
    if (name.empty()) break;  // the terminator
    if (r.empty()) {
      ThrowProtocolViolation("invalid startup packet layout: expected terminator as last byte",
                             "Startup parameter \"" + std::string(name) + "\" has no value.");
    }
    std::string_view value = r.ReadCString();
    if (name.substr(0, kProtocolOptionPrefix.size()) == kProtocolOptionPrefix) {
      p->protocol_options.push_back(name);
    } else {
      p->parameters.emplace_back(name, value);
    }
  }
  if (!r.empty()) {
    ThrowProtocolViolation("invalid startup packet layout: expected terminator as last byte");
  }
}

}  // namespace

StartupPacket ParseStartupPacket(std::string_view packet) {
  MessageReader r(packet);
  if (r.remaining() < 4) {
    throw InvalidLengthError(sqlstate::kProtocolViolation, "invalid length of startup packet");
  }
  StartupPacket p;
  p.code = r.ReadUInt32();
  switch (p.code) {
    case kSslRequestCode:
    case kGssEncRequestCode:
      if (!r.empty()) {
        throw InvalidLengthError(sqlstate::kProtocolViolation,
                                 "invalid length of encryption request packet");
      }
      p.kind = p.code == kSslRequestCode ? StartupKind::kSslRequest : StartupKind::kGssEncRequest;
      return p;
    case kCancelRequestCode:
      // Protocol 3.0 keys are exactly 4 bytes; we never negotiate 3.2, whose
      // longer keys would change this length.
      if (r.remaining() != 8) {
        throw InvalidLengthError(sqlstate::kProtocolViolation, "invalid length of cancel request packet");
      }
      p.kind = StartupKind::kCancelRequest;
      p.process_id = r.ReadInt32();
      p.secret_key = r.ReadUInt32();
      return p;
    default:
      break;
  }
  if (ProtocolMajor(p.code) != ProtocolMajor(kProtocolVersion3)) {
    p.kind = StartupKind::kUnsupportedVersion;
    return p;
  }
  p.kind = StartupKind::kStartup;
  ParseParameters(r.ReadRest(), &p);
  return p;
}

bool NeedsProtocolNegotiation(const StartupPacket& p) {
  return p.kind == StartupKind::kStartup &&
         (ProtocolMinor(p.code) > ProtocolMinor(kProtocolVersion3) ||
          !p.protocol_options.empty());
}

PgError UnsupportedProtocolError(uint32_t version) {
  return PgError(sqlstate::kFeatureNotSupported,
                 "unsupported frontend protocol " + std::to_string(ProtocolMajor(version)) + "." +
                     std::to_string(ProtocolMinor(version)) +
                     ": server supports 3.0 to 3.0");
}

std::string EncodeStartupMessage(
    const std::vector<std::pair<std::string_view, std::string_view>>& parameters,
    uint32_t version) {
  MessageWriter w;
  w.BeginUntypedMessage();
  w.AppendUInt32(version);
  for (const auto& [name, value] : parameters) {
    w.AppendCString(name);
    w.AppendCString(value);
  }
  w.AppendByte(0);
  w.EndMessage();
  std::string out;
  w.Swap(&out);
  return out;
}

std::string EncodeRequestCode(uint32_t code) {
  MessageWriter w;
  w.BeginUntypedMessage();
  w.AppendUInt32(code);
  w.EndMessage();
  std::string out;
  w.Swap(&out);
  return out;
}

std::string EncodeCancelRequest(int32_t process_id, uint32_t secret_key) {
  MessageWriter w;
  w.BeginUntypedMessage();
  w.AppendUInt32(kCancelRequestCode);
  w.AppendInt32(process_id);
  w.AppendUInt32(secret_key);
  w.EndMessage();
  std::string out;
  w.Swap(&out);
  return out;
}

}  // namespace immu::pgwire
