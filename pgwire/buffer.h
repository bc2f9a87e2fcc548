#pragma once
// Byte-level reading and writing of PostgreSQL v3 protocol messages.
//
// MessageReader walks the body of one message (the bytes after the type byte
// and the Int32 length). Every read checks the remaining length first and
// throws PgError 08P01 (protocol_violation) when the message is too short, so
// hostile client bytes can never cause an out-of-bounds read. The wording of
// the errors follows PostgreSQL's pqformat.c.
//
// MessageWriter appends complete backend (or, for tests and clients, frontend)
// messages to one growing output buffer: BeginMessage() writes the type byte
// and a placeholder length, EndMessage() back-patches the length. Many small
// messages (DataRow) therefore cost a few appends each and no allocation once
// the buffer has grown; the server sends the whole buffer with one write.
//
// All integers on the wire are big-endian and signed unless the protocol says
// otherwise (OIDs are unsigned).
//
// Thread-safety: a reader or writer is used by one thread at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace immu::pgwire {

// Bytes of the type byte plus the Int32 length that precede a typed message's
// body; the length on the wire counts itself (4) but not the type byte.
inline constexpr size_t kMessageHeaderSize = 5;

// Throws PgError(08P01, message). Shared by every decoder of this folder.
[[noreturn]] void ThrowProtocolViolation(std::string message, std::string detail = {});

class MessageReader {
 public:
  explicit MessageReader(std::string_view body) : in_(body) {}

  size_t remaining() const { return in_.size(); }
  bool empty() const { return in_.empty(); }

  uint8_t ReadByte();
  int16_t ReadInt16();
  uint16_t ReadUInt16() { return static_cast<uint16_t>(ReadInt16()); }
  int32_t ReadInt32();
  uint32_t ReadUInt32() { return static_cast<uint32_t>(ReadInt32()); }

  // A NUL-terminated string; the view excludes the NUL. Throws when no NUL
  // occurs before the end of the message.
  std::string_view ReadCString();
  // Exactly n bytes. n is usually a client-supplied length: a negative value
  // (cast by the caller) or one beyond the end throws.
  std::string_view ReadBytes(size_t n);
  // A length read as Int32 followed by that many bytes; -1 gives nullopt-like
  // behaviour through *is_null. Any other negative length throws.
  std::string_view ReadLengthPrefixed(bool* is_null);
  // Everything left.
  std::string_view ReadRest();

  // Throws "invalid message format" if bytes remain: PostgreSQL rejects
  // trailing garbage after every message (pq_getmsgend).
  void ExpectEnd() const;

 private:
  std::string_view in_;
};

class MessageWriter {
 public:
  MessageWriter() = default;
  MessageWriter(const MessageWriter&) = delete;
  MessageWriter& operator=(const MessageWriter&) = delete;

  // Starts a typed message. Messages do not nest: the previous one must have
  // been ended (a programming error otherwise, checked by assert).
  void BeginMessage(char type);
  // Starts an untyped message (the startup packet family, sent only by
  // clients): just the Int32 length placeholder.
  void BeginUntypedMessage();
  // Back-patches the length of the message being built. Throws PgError 54000
  // if the message would exceed the protocol's Int32 length (the buffer is
  // then rolled back to before BeginMessage, so it stays well formed).
  void EndMessage();

  void AppendByte(uint8_t v) { buf_.push_back(static_cast<char>(v)); }
  void AppendInt16(int16_t v);
  void AppendInt32(int32_t v);
  void AppendUInt32(uint32_t v) { AppendInt32(static_cast<int32_t>(v)); }
  // Writes s up to (not including) its first NUL, then a NUL. Truncating
  // instead of writing an embedded NUL keeps the message well framed: a
  // client would otherwise read the rest as the next field.
  void AppendCString(std::string_view s);
  void AppendBytes(std::string_view s) { buf_.append(s.data(), s.size()); }
  // Int32 length (-1 for null) then the bytes.
  void AppendLengthPrefixed(std::string_view s);
  void AppendNullValue() { AppendInt32(-1); }

  // Grows the buffer by n bytes and returns a pointer to them, for encoders
  // that compute a message's size up front and fill it in one pass.
  char* AppendUninitialized(size_t n);

  bool in_message() const { return message_start_ != kNoMessage; }
  // Complete messages (plus the partial one, if in_message()).
  const std::string& buffer() const { return buf_; }
  size_t size() const { return buf_.size(); }
  bool empty() const { return buf_.empty(); }
  // Drops everything, keeping the capacity for the next batch.
  void Clear();
  // Exchanges the buffer with *other (e.g. hand the filled one to an async
  // write and keep encoding into a spare). Not allowed inside a message.
  void Swap(std::string* other);
  // Removes the first n bytes (already sent).
  void Consume(size_t n);

 private:
  static constexpr size_t kNoMessage = static_cast<size_t>(-1);

  std::string buf_;
  // Offset of the current message's length field, kNoMessage when between
  // messages.
  size_t message_start_ = kNoMessage;
  size_t type_start_ = kNoMessage;  // where a rollback truncates to
};

}  // namespace immu::pgwire
