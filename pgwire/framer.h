#pragma once
// Splitting a byte stream into protocol messages.
//
// A connection starts in the startup phase, where packets are
// Int32 length (counting itself) + payload, and switches to the normal phase
// after the StartupMessage, where messages are type byte + Int32 length +
// body. The length is checked as soon as its header has arrived, so a client
// announcing a 1 GiB message is refused before anything is buffered:
//   length < 4 (or < 8 for startup packets)       -> InvalidLengthError 08P01
//   length > the limit for the phase / type        -> InvalidLengthError 54000
//   unknown type byte in the normal phase          -> PgError 08P01
// PostgreSQL uses a small limit (10000 bytes) for messages that only carry
// names (Sync, Describe, Close, Execute...), 65535 for authentication
// responses and MaxAllocSize for the rest; FrameLimits mirrors that.
//
// After a throw the stream is out of sync: the caller closes the connection,
// after sending the error for an unknown type byte, silently for an
// InvalidLengthError (PostgreSQL's COMMERROR: a peer that sends such a
// length does not speak the protocol, so it gets no answer).
//
// Thread-safety: SplitFrame is a plain function; a FrameSplitter belongs to
// one connection.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "catalog/pg_error.h"

namespace immu::pgwire {

// A length no message can have (see above); also thrown for startup-family
// packets of the wrong size.
class InvalidLengthError : public PgError {
 public:
  using PgError::PgError;
};

struct FrameLimits {
  // Whole startup packet, length word included (PostgreSQL's
  // MAX_STARTUP_PACKET_LENGTH).
  uint32_t max_startup_packet = 10000;
  // Typed messages (the Int32 length, i.e. body + 4), per class of type.
  uint32_t max_message = 1u << 30;
  uint32_t max_small_message = 10000;  // PQ_SMALL_MESSAGE_LIMIT
  uint32_t max_auth_message = 65535;   // PG_MAX_AUTH_TOKEN_LENGTH

  // The limit applying to a typed message of this type.
  uint32_t LimitFor(char type) const;
};

enum class FramePhase { kStartup, kNormal };

struct Frame {
  char type = 0;           // 0 in the startup phase
  std::string_view body;   // after the length word; for startup packets this
                           // starts with the Int32 version/request code
  size_t wire_size = 0;    // bytes of input the frame occupies
};

// The first complete frame at the front of input, or nullopt when more bytes
// are needed; then *bytes_needed (if not null) receives the total size the
// frame will have once known, or the header size before that. Throws PgError
// for an invalid header (see above). frame.body points into input.
std::optional<Frame> SplitFrame(std::string_view input, FramePhase phase,
                                const FrameLimits& limits = {}, size_t* bytes_needed = nullptr);

// Accumulates bytes as they arrive and hands out complete frames.
class FrameSplitter {
 public:
  explicit FrameSplitter(FrameLimits limits = {}) : limits_(limits) {}

  FramePhase phase() const { return phase_; }
  void set_phase(FramePhase phase) { phase_ = phase; }
  const FrameLimits& limits() const { return limits_; }

  void Append(std::string_view bytes);
  // Next complete frame, or nullopt. The frame's body stays valid until the
  // next call of Append() or Next(). Throws as SplitFrame.
  std::optional<Frame> Next();
  // Bytes received but not yet returned in a frame.
  size_t buffered() const { return buf_.size() - consumed_; }
  // Total size of the incomplete frame at the front, when its header has
  // arrived (lets a server size its next read); 0 otherwise.
  size_t pending_frame_size() const { return pending_size_; }

 private:
  FrameLimits limits_;
  FramePhase phase_ = FramePhase::kStartup;
  std::string buf_;
  size_t consumed_ = 0;  // bytes of buf_ already returned as frames
  size_t pending_size_ = 0;
};

}  // namespace immu::pgwire
