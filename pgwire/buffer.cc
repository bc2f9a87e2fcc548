#include "pgwire/buffer.h"

#include <cassert>
#include <cstring>
#include <limits>
#include <utility>

#include "catalog/pg_error.h"

namespace immu::pgwire {

void ThrowProtocolViolation(std::string message, std::string detail) {
  throw PgError(sqlstate::kProtocolViolation, std::move(message), std::move(detail));
}

namespace {

[[noreturn]] void ThrowInsufficientData() {
  ThrowProtocolViolation("insufficient data left in message");
}

}  // namespace

// ---- MessageReader ---------------------------------------------------------

uint8_t MessageReader::ReadByte() {
  if (in_.empty()) ThrowInsufficientData();
  const uint8_t v = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return v;
}

int16_t MessageReader::ReadInt16() {
  if (in_.size() < 2) ThrowInsufficientData();
  const uint16_t v = static_cast<uint16_t>(static_cast<uint8_t>(in_[0]) << 8 |
                                           static_cast<uint8_t>(in_[1]));
  in_.remove_prefix(2);
  return static_cast<int16_t>(v);
}

int32_t MessageReader::ReadInt32() {
  if (in_.size() < 4) ThrowInsufficientData();
  uint32_t v = 0;
  for (int i = 0; i < 4; i++) v = v << 8 | static_cast<uint8_t>(in_[i]);
  in_.remove_prefix(4);
  return static_cast<int32_t>(v);
}

std::string_view MessageReader::ReadCString() {
  const size_t nul = in_.find('\0');
  if (nul == std::string_view::npos) ThrowProtocolViolation("invalid string in message");
  std::string_view s = in_.substr(0, nul);
  in_.remove_prefix(nul + 1);
  return s;
}

std::string_view MessageReader::ReadBytes(size_t n) {
  if (n > in_.size()) ThrowInsufficientData();
  std::string_view s = in_.substr(0, n);
  in_.remove_prefix(n);
  return s;
}

std::string_view MessageReader::ReadLengthPrefixed(bool* is_null) {
  const int32_t len = ReadInt32();
  *is_null = len == -1;
  if (*is_null) return {};
  if (len < 0) ThrowInsufficientData();  // pq_getmsgbytes' wording for any bad length
  return ReadBytes(static_cast<size_t>(len));
}

std::string_view MessageReader::ReadRest() {
  std::string_view s = in_;
  in_ = {};
  return s;
}

void MessageReader::ExpectEnd() const {
  if (!in_.empty()) ThrowProtocolViolation("invalid message format");
}

// ---- MessageWriter ---------------------------------------------------------

void MessageWriter::BeginMessage(char type) {
  assert(!in_message() && "MessageWriter: messages do not nest");
  type_start_ = buf_.size();
  buf_.push_back(type);
  message_start_ = buf_.size();
  buf_.append(4, '\0');
}

void MessageWriter::BeginUntypedMessage() {
  assert(!in_message() && "MessageWriter: messages do not nest");
  type_start_ = buf_.size();
  message_start_ = buf_.size();
  buf_.append(4, '\0');
}

void MessageWriter::EndMessage() {
  assert(in_message() && "MessageWriter: EndMessage without BeginMessage");
  const size_t len = buf_.size() - message_start_;  // counts the length field itself
  if (len > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    buf_.resize(type_start_);
    message_start_ = type_start_ = kNoMessage;
    throw PgError(sqlstate::kProgramLimitExceeded, "out of memory",
                  "Cannot enlarge message buffer beyond the protocol's 2 GiB message limit.");
  }
  char* p = &buf_[message_start_];
  uint32_t v = static_cast<uint32_t>(len);
  for (int i = 3; i >= 0; i--, v >>= 8) p[i] = static_cast<char>(v & 0xff);
  message_start_ = type_start_ = kNoMessage;
}

void MessageWriter::AppendInt16(int16_t v) {
  const uint16_t u = static_cast<uint16_t>(v);
  const char b[2] = {static_cast<char>(u >> 8), static_cast<char>(u & 0xff)};
  buf_.append(b, 2);
}

void MessageWriter::AppendInt32(int32_t v) {
  uint32_t u = static_cast<uint32_t>(v);
  char b[4];
  for (int i = 3; i >= 0; i--, u >>= 8) b[i] = static_cast<char>(u & 0xff);
  buf_.append(b, 4);
}

void MessageWriter::AppendCString(std::string_view s) {
  const size_t nul = s.find('\0');
  if (nul != std::string_view::npos) s = s.substr(0, nul);
  buf_.append(s.data(), s.size());
  buf_.push_back('\0');
}

void MessageWriter::AppendLengthPrefixed(std::string_view s) {
  AppendInt32(static_cast<int32_t>(s.size()));
  AppendBytes(s);
}

char* MessageWriter::AppendUninitialized(size_t n) {
  const size_t old = buf_.size();
  buf_.resize(old + n);
  return buf_.data() + old;
}

void MessageWriter::Clear() {
  assert(!in_message());
  buf_.clear();
}

void MessageWriter::Swap(std::string* other) {
  assert(!in_message());
  buf_.swap(*other);
}

void MessageWriter::Consume(size_t n) {
  assert(!in_message() && n <= buf_.size());
  buf_.erase(0, n);
}

}  // namespace immu::pgwire
