#include "catalog/pg_error.h"

namespace immu {

const char* SqlStateForStatus(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return sqlstate::kSuccessfulCompletion;
    case StatusCode::kNotFound:
      return sqlstate::kUndefinedObject;
    case StatusCode::kInvalidArgument:
      return sqlstate::kInvalidParameterValue;
    case StatusCode::kCorruption:
    case StatusCode::kVerificationFailed:
      return sqlstate::kDataCorrupted;
    case StatusCode::kIOError:
      return sqlstate::kInternalError;
    case StatusCode::kConflict:
      return sqlstate::kSerializationFailure;
    case StatusCode::kClosed:
      return sqlstate::kAdminShutdown;
    case StatusCode::kResourceExhausted:
      return sqlstate::kDiskFull;
    case StatusCode::kUnimplemented:
      return sqlstate::kFeatureNotSupported;
  }
  return sqlstate::kInternalError;
}

void ThrowIfError(const Status& s) {
  if (s.ok()) return;
  throw PgError(SqlStateForStatus(s), s.message());
}

}  // namespace immu
