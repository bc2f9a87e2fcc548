#pragma once
// Status and Result<T>: how verify/ and storage/ report failure. A failed
// proof or a corrupted record is a value the caller inspects, never an
// exception. Status is cheap when ok (one enum, empty string).
//
// Thread-safety: plain values; const methods are safe to call concurrently.

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace immu {

enum class StatusCode {
  kOk = 0,
  kNotFound,         // key, transaction or file does not exist
  kInvalidArgument,  // bad input from the caller (empty key, oversized value...)
  kCorruption,       // stored bytes fail their checksum or hash chain
  kIOError,          // the operating system refused (EIO, ENOSPC, ...)
  kConflict,         // write-write or read-set conflict: retry the transaction
  kVerificationFailed,  // a proof does not verify
  kClosed,           // the store has been closed or has failed
  kResourceExhausted,  // out of disk space, too many open transactions ...
  kUnimplemented,
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status InvalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Conflict(std::string m) { return {StatusCode::kConflict, std::move(m)}; }
  static Status VerificationFailed(std::string m) {
    return {StatusCode::kVerificationFailed, std::move(m)};
  }
  static Status Closed(std::string m) { return {StatusCode::kClosed, std::move(m)}; }
  static Status ResourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status Unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool IsNotFound() const { return code_ == StatusCode::kNotFound; }
  bool IsCorruption() const { return code_ == StatusCode::kCorruption; }
  bool IsConflict() const { return code_ == StatusCode::kConflict; }

  // "Corruption: tx 42: bad checksum"
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Result<T> holds either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "Result needs a value or a failed Status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<Status>(v_);
  }
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace immu

// Early-return helpers. IMMU_RETURN_IF_ERROR(expr) for Status;
// IMMU_ASSIGN_OR_RETURN(lhs, expr) for Result<T>.
#define IMMU_CONCAT_INNER(a, b) a##b
#define IMMU_CONCAT(a, b) IMMU_CONCAT_INNER(a, b)
#define IMMU_RETURN_IF_ERROR(expr)           \
  do {                                       \
    ::immu::Status _immu_st = (expr);        \
    if (!_immu_st.ok()) return _immu_st;     \
  } while (0)
#define IMMU_ASSIGN_OR_RETURN(lhs, expr)                                   \
  auto IMMU_CONCAT(_immu_r, __LINE__) = (expr);                            \
  if (!IMMU_CONCAT(_immu_r, __LINE__).ok())                                \
    return IMMU_CONCAT(_immu_r, __LINE__).status();                        \
  lhs = std::move(IMMU_CONCAT(_immu_r, __LINE__)).value()
