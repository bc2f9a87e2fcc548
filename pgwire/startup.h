#pragma once
// The untyped "startup packet" family: the first message(s) of a connection,
// framed as Int32 length (counting itself) + Int32 code + payload, with no
// type byte. The code is either a protocol version (StartupMessage) or one of
// three magic request codes (SSLRequest, GSSENCRequest, CancelRequest).
//
// ParseStartupPacket() takes the packet without its length word (what
// SplitFrame() returns as the body in the startup phase) and never throws for
// an unknown version: it reports kUnsupportedVersion so the server can answer
// with PostgreSQL's FATAL error (UnsupportedProtocolError()). A 3.x request
// with minor > 0 is parsed as a normal StartupMessage; the server then
// answers NegotiateProtocolVersion (NeedsProtocolNegotiation()) and continues
// with 3.0, as PostgreSQL does.
//
// Views in a StartupPacket point into the parsed bytes.
//
// Thread-safety: plain functions and values.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "catalog/pg_error.h"

namespace immu::pgwire {

inline constexpr uint32_t MakeProtocolVersion(uint16_t major, uint16_t minor) {
  return static_cast<uint32_t>(major) << 16 | minor;
}
inline constexpr uint16_t ProtocolMajor(uint32_t v) { return static_cast<uint16_t>(v >> 16); }
inline constexpr uint16_t ProtocolMinor(uint32_t v) { return static_cast<uint16_t>(v & 0xffff); }

// The version this server speaks; also the newest it accepts without
// negotiation.
inline constexpr uint32_t kProtocolVersion3 = MakeProtocolVersion(3, 0);
inline constexpr uint32_t kCancelRequestCode = MakeProtocolVersion(1234, 5678);  // 80877102
inline constexpr uint32_t kSslRequestCode = MakeProtocolVersion(1234, 5679);     // 80877103
inline constexpr uint32_t kGssEncRequestCode = MakeProtocolVersion(1234, 5680);  // 80877104

// Startup parameters PostgreSQL interprets itself; anything else is a GUC
// setting (or, with the prefix, a protocol extension option).
inline constexpr std::string_view kParamUser = "user";
inline constexpr std::string_view kParamDatabase = "database";
inline constexpr std::string_view kParamOptions = "options";
inline constexpr std::string_view kParamReplication = "replication";
inline constexpr std::string_view kParamApplicationName = "application_name";
inline constexpr std::string_view kProtocolOptionPrefix = "_pq_.";

enum class StartupKind {
  kStartup,             // StartupMessage, major version 3
  kSslRequest,          // answer 'S' or 'N' (one byte, no framing)
  kGssEncRequest,       // answer 'G' or 'N'
  kCancelRequest,       // process_id and secret_key set; no reply is sent
  kUnsupportedVersion,  // any other code: reply with UnsupportedProtocolError()
};

struct StartupPacket {
  StartupKind kind = StartupKind::kStartup;
  uint32_t code = 0;  // protocol version or request code as sent

  // kStartup: name/value pairs in wire order (duplicates kept; Get() returns
  // the last one, as PostgreSQL's GUC processing lets the last win), without
  // the `_pq_.` options, which are listed in protocol_options instead.
  std::vector<std::pair<std::string_view, std::string_view>> parameters;
  std::vector<std::string_view> protocol_options;  // full names, e.g. "_pq_.foo"

  // kCancelRequest.
  int32_t process_id = 0;
  uint32_t secret_key = 0;

  // Value of the last parameter called name, or empty.
  std::string_view Get(std::string_view name) const;
  bool Has(std::string_view name) const;
  std::string_view user() const { return Get(kParamUser); }
  // The database, defaulting to the user name as PostgreSQL does.
  std::string_view database() const;

  bool operator==(const StartupPacket&) const = default;
};

// Parses a startup-phase packet: the bytes after the Int32 length. Throws
// PgError 08P01 for a malformed packet (too short, a request code with the
// wrong length, parameters not terminated by a final NUL as the last byte).
StartupPacket ParseStartupPacket(std::string_view packet);

// True when a StartupMessage asked for more than we speak (3.x, x > 0) or
// carried `_pq_.` options: the server must then send NegotiateProtocolVersion
// (newest minor 0, the unrecognized options) before authentication.
bool NeedsProtocolNegotiation(const StartupPacket& p);

// PostgreSQL's answer to a version it does not speak (FATAL, 0A000).
PgError UnsupportedProtocolError(uint32_t version);

// ---- Encoders (clients and tests) ------------------------------------------

// A complete StartupMessage, length word included.
std::string EncodeStartupMessage(
    const std::vector<std::pair<std::string_view, std::string_view>>& parameters,
    uint32_t version = kProtocolVersion3);
// SSLRequest or GSSENCRequest (or any 8-byte code-only packet).
std::string EncodeRequestCode(uint32_t code);
std::string EncodeCancelRequest(int32_t process_id, uint32_t secret_key);

}  // namespace immu::pgwire
