#include "pgwire/framer.h"

#include "catalog/pg_error.h"
#include "pgwire/buffer.h"
#include "pgwire/frontend.h"

namespace immu::pgwire {

uint32_t FrameLimits::LimitFor(char type) const {
  switch (type) {
    case frontend::kDescribe:
    case frontend::kExecute:
    case frontend::kClose:
    case frontend::kSync:
    case frontend::kFlush:
    case frontend::kTerminate:
    case frontend::kCopyDone:
    case frontend::kCopyFail:
      return max_small_message;
    case frontend::kAuthResponse:
      return max_auth_message;
    default:
      return max_message;
  }
}

namespace {

uint32_t DecodeLength(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = v << 8 | static_cast<uint8_t>(p[i]);
  return v;
}

[[noreturn]] void ThrowTooLong(const char* what, uint32_t len, uint32_t limit) {
  throw InvalidLengthError(sqlstate::kProgramLimitExceeded, std::string("invalid length of ") + what,
                "Length " + std::to_string(len) + " exceeds the limit of " +
                    std::to_string(limit) + " bytes.");
}

}  // namespace

std::optional<Frame> SplitFrame(std::string_view input, FramePhase phase,
                                const FrameLimits& limits, size_t* bytes_needed) {
  const bool startup = phase == FramePhase::kStartup;
  const size_t header = startup ? 4 : kMessageHeaderSize;
  if (input.size() < header) {
    if (!startup && !input.empty() && !IsFrontendMessageType(input[0])) {
      ThrowProtocolViolation("invalid frontend message type " +
                             std::to_string(static_cast<uint8_t>(input[0])));
    }
    if (bytes_needed != nullptr) *bytes_needed = header;
    return std::nullopt;
  }
  Frame f;
  uint32_t len = 0;
  if (startup) {
    len = DecodeLength(input.data());
    // The length counts itself and must leave room for the version code; a
    // negative Int32 is malformed rather than over-long.
    if (len < 8 || len > 0x7fffffffu) {
      throw InvalidLengthError(sqlstate::kProtocolViolation, "invalid length of startup packet");
    }
    if (len > limits.max_startup_packet) {
      ThrowTooLong("startup packet", len, limits.max_startup_packet);
    }
  } else {
    f.type = input[0];
    if (!IsFrontendMessageType(f.type)) {
      ThrowProtocolViolation("invalid frontend message type " +
                             std::to_string(static_cast<uint8_t>(f.type)));
    }
    len = DecodeLength(input.data() + 1);
    // A negative Int32 is a protocol violation, not an over-long message.
    if (len < 4 || len > 0x7fffffffu) {
      throw InvalidLengthError(sqlstate::kProtocolViolation, "invalid message length");
    }
    const uint32_t limit = limits.LimitFor(f.type);
    if (len > limit) ThrowTooLong("message", len, limit);
  }
  const size_t total = (startup ? 0 : 1) + static_cast<size_t>(len);
  if (input.size() < total) {
    if (bytes_needed != nullptr) *bytes_needed = total;
    return std::nullopt;
  }
  f.body = input.substr(header, total - header);
  f.wire_size = total;
  return f;
}

void FrameSplitter::Append(std::string_view bytes) {
  // Drop returned frames before growing, so the buffer holds at most one
  // partial frame plus what just arrived.
  if (consumed_ > 0) {
    buf_.erase(0, consumed_);
    consumed_ = 0;
  }
  buf_.append(bytes.data(), bytes.size());
}

std::optional<Frame> FrameSplitter::Next() {
  std::string_view rest(buf_.data() + consumed_, buf_.size() - consumed_);
  size_t needed = 0;
  std::optional<Frame> f = SplitFrame(rest, phase_, limits_, &needed);
  if (!f) {
    const size_t header = phase_ == FramePhase::kStartup ? 4 : kMessageHeaderSize;
    pending_size_ = needed > header ? needed : 0;
    if (consumed_ == buf_.size()) {
      buf_.clear();
      consumed_ = 0;
    }
    return std::nullopt;
  }
  pending_size_ = 0;
  consumed_ += f->wire_size;
  return f;
}

}  // namespace immu::pgwire
