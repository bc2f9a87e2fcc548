#pragma once
// Password helpers shared by the authentication methods: secure random
// bytes, constant-time comparison, and PostgreSQL's MD5 password scheme.
//
// MD5 (AuthenticationMD5Password) works on a stored hash
//   "md5" + hex(md5(password || username))
// and the client answers a 4-byte salt with
//   "md5" + hex(md5(hex(md5(password || username)) || salt)).
// It is weak (the stored hash is password-equivalent) and offered only for
// clients without SCRAM support; SCRAM-SHA-256 (scram.h) is the default.
//
// Thread-safety: plain functions; OpenSSL's RAND is thread-safe.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace immu::pgwire {

// Fills out from OpenSSL's CSPRNG; throws PgError XX000 if it fails (never
// falls back to a weak source).
void RandomBytes(std::span<uint8_t> out);
std::array<uint8_t, 4> RandomMd5Salt();

// Equality that does not leak, through timing, where the inputs first differ
// (their lengths may leak).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// "md5" + 32 hex digits: the stored form (pg_authid.rolpassword).
std::string Md5PasswordHash(std::string_view password, std::string_view user);

// What the client sends in PasswordMessage: stored_hash is the 35-character
// "md5..." form above.
std::string Md5SaltedResponse(std::string_view stored_hash, std::span<const uint8_t, 4> salt);

// Server side check of a PasswordMessage answering an MD5 challenge against
// the stored hash.
bool VerifyMd5Response(std::string_view stored_hash, std::span<const uint8_t, 4> salt,
                       std::string_view response);

// True for a well-formed stored MD5 hash ("md5" + 32 lowercase hex digits).
bool IsMd5PasswordHash(std::string_view s);

}  // namespace immu::pgwire
