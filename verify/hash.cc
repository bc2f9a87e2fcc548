// SHA-256 through OpenSSL.
//
// Small inputs use the low-level SHA256_Init/Update/Final on a stack context:
// measured on this machine (SHA-NI, OpenSSL 3.0) at ~110 ns for a 64- or
// 100-byte input, against ~150 ns for a reused thread_local EVP_MD_CTX with a
// prefetched EVP_MD and ~200 ns for one-shot EVP_Digest (which allocates a
// context per call). Those functions are deprecated in OpenSSL 3 but still
// dispatch to the same assembly, so the warning is suppressed here only.
// Large inputs go through EVP, where the context allocation is noise and
// the non-deprecated API keeps the code future-proof.

#define OPENSSL_SUPPRESS_DEPRECATED
#include "verify/hash.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>

namespace immu {
namespace {

constexpr size_t kFastPathMax = 1024;

const EVP_MD* Sha256Md() {
  // Fetched once: implicit fetches by EVP_sha256() repeat a provider lookup.
  static EVP_MD* md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

// Streams pieces through EVP. Failure here means OpenSSL itself is broken
// (no SHA-256 provider, out of memory): nothing sensible can continue.
Hash EvpSha256(std::initializer_list<ByteSpan> parts) {
  Hash out{};
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = ctx != nullptr && Sha256Md() != nullptr &&
            EVP_DigestInit_ex(ctx, Sha256Md(), nullptr) == 1;
  for (ByteSpan p : parts) {
    if (ok && !p.empty()) ok = EVP_DigestUpdate(ctx, p.data(), p.size()) == 1;
  }
  unsigned int len = 0;
  ok = ok && EVP_DigestFinal_ex(ctx, out.data(), &len) == 1 && len == out.size();
  EVP_MD_CTX_free(ctx);
  if (!ok) std::abort();
  return out;
}

Hash FastSha256(std::initializer_list<ByteSpan> parts) {
  Hash out;
  SHA256_CTX c;
  SHA256_Init(&c);
  for (ByteSpan p : parts) {
    if (!p.empty()) SHA256_Update(&c, p.data(), p.size());
  }
  SHA256_Final(out.data(), &c);
  return out;
}

}  // namespace

Hash Sha256(ByteSpan data) {
  if (data.size() <= kFastPathMax) return FastSha256({data});
  return EvpSha256({data});
}

Hash Sha256Parts(std::initializer_list<ByteSpan> parts) {
  size_t total = 0;
  for (ByteSpan p : parts) total += p.size();
  if (total <= kFastPathMax) return FastSha256(parts);
  return EvpSha256(parts);
}

std::string ToHex(ByteSpan bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); i++) {
    s[2 * i] = kDigits[bytes[i] >> 4];
    s[2 * i + 1] = kDigits[bytes[i] & 0xf];
  }
  return s;
}

std::string ToHex(const Hash& h) { return ToHex(ByteSpan(h)); }

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool FromHex(std::string_view hex, Hash* out) {
  if (hex.size() != 2 * out->size()) return false;
  Hash h;
  for (size_t i = 0; i < h.size(); i++) {
    const int hi = HexValue(hex[2 * i]);
    const int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    h[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  *out = h;
  return true;
}

}  // namespace immu
