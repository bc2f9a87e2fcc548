#include "verify/status.h"

namespace immu {

std::string Status::ToString() const {
  const char* name = "OK";
  switch (code_) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kNotFound: name = "NotFound"; break;
    case StatusCode::kInvalidArgument: name = "InvalidArgument"; break;
    case StatusCode::kCorruption: name = "Corruption"; break;
    case StatusCode::kIOError: name = "IOError"; break;
    case StatusCode::kConflict: name = "Conflict"; break;
    case StatusCode::kVerificationFailed: name = "VerificationFailed"; break;
    case StatusCode::kClosed: name = "Closed"; break;
    case StatusCode::kResourceExhausted: name = "ResourceExhausted"; break;
    case StatusCode::kUnimplemented: name = "Unimplemented"; break;
  }
  return std::string(name) + ": " + message_;
}

}  // namespace immu
