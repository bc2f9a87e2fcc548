#include "pgwire/password.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <algorithm>
#include <climits>

#include "catalog/pg_error.h"

namespace immu::pgwire {

void RandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (out.size() > static_cast<size_t>(INT_MAX) ||
      RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    throw PgError(sqlstate::kInternalError, "could not generate random bytes");
  }
}

std::array<uint8_t, 4> RandomMd5Salt() {
  std::array<uint8_t, 4> salt;
  RandomBytes(salt);
  return salt;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

namespace {

constexpr std::string_view kMd5Prefix = "md5";
constexpr size_t kMd5HashLength = 3 + 32;

// Lowercase hex MD5 of the concatenation of a and b.
std::string Md5Hex(std::string_view a, std::string_view b) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool ok = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_md5(), nullptr) == 1 &&
                  EVP_DigestUpdate(ctx, a.data(), a.size()) == 1 &&
                  EVP_DigestUpdate(ctx, b.data(), b.size()) == 1 &&
                  EVP_DigestFinal_ex(ctx, digest, &len) == 1 && len == 16;
  EVP_MD_CTX_free(ctx);
  if (!ok) throw PgError(sqlstate::kInternalError, "could not compute MD5 hash");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(32);
  for (unsigned int i = 0; i < len; i++) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string_view SaltView(std::span<const uint8_t, 4> salt) {
  return {reinterpret_cast<const char*>(salt.data()), salt.size()};
}

}  // namespace

std::string Md5PasswordHash(std::string_view password, std::string_view user) {
  return std::string(kMd5Prefix) + Md5Hex(password, user);
}

std::string Md5SaltedResponse(std::string_view stored_hash, std::span<const uint8_t, 4> salt) {
  std::string_view hex = stored_hash.substr(std::min(stored_hash.size(), kMd5Prefix.size()));
  return std::string(kMd5Prefix) + Md5Hex(hex, SaltView(salt));
}

bool VerifyMd5Response(std::string_view stored_hash, std::span<const uint8_t, 4> salt,
                       std::string_view response) {
  if (!IsMd5PasswordHash(stored_hash)) return false;
  return ConstantTimeEquals(Md5SaltedResponse(stored_hash, salt), response);
}

bool IsMd5PasswordHash(std::string_view s) {
  if (s.size() != kMd5HashLength || s.substr(0, 3) != kMd5Prefix) return false;
  for (char c : s.substr(3)) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace immu::pgwire
