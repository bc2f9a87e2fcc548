#pragma once
// Standard base64 (RFC 4648 section 4, with '=' padding), as SCRAM and
// PostgreSQL's verifier text format use it.
//
// The decoder is strict: the length must be a multiple of 4, padding may
// only end the input, no whitespace, and unused bits of the last character
// must be zero (so every accepted string is the one Base64Encode gives).
// It returns nullopt instead of throwing: a bad encoding inside a SCRAM
// message is the caller's protocol error to word.
//
// Thread-safety: plain functions.

#include <optional>
#include <string>
#include <string_view>

namespace immu::pgwire {

std::string Base64Encode(std::string_view data);
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace immu::pgwire
