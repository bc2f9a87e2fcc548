// pgcrypto: digest, hmac, gen_random_bytes (OpenSSL), crypt and gen_salt
// (libxcrypt's crypt_r / crypt_gensalt_rn, which implement the same bf
// ($2a$), md5 ($1$), xdes (_) and des hashes as pgcrypto's px_crypt).
// gen_random_uuid is a core function. The PGP and raw encrypt/decrypt
// functions are not provided.

#include <crypt.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <algorithm>
#include <cctype>

#include "catalog/pg_error.h"
#include "sql/extensions.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

const EVP_MD* Algorithm(const std::string& name) {
  std::string n = name;
  std::transform(n.begin(), n.end(), n.begin(), [](unsigned char c) { return std::tolower(c); });
  const EVP_MD* md = n == "md5"      ? EVP_md5()
                     : n == "sha1"   ? EVP_sha1()
                     : n == "sha224" ? EVP_sha224()
                     : n == "sha256" ? EVP_sha256()
                     : n == "sha384" ? EVP_sha384()
                     : n == "sha512" ? EVP_sha512()
                                     : nullptr;
  if (md == nullptr) throw PgError(sqlstate::kInvalidParameterValue, "Cannot use \"" + name + "\": No such hash algorithm");
  return md;
}

Value Bytes(const unsigned char* p, size_t n) {
  return Value::Str(oid::kBytea, std::string(reinterpret_cast<const char*>(p), n));
}

Value Digest(Args a, EvalContext&) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(a[0].s.data(), a[0].s.size(), out, &len, Algorithm(a[1].s), nullptr) != 1) {
    throw PgError(sqlstate::kInternalError, "could not compute digest");
  }
  return Bytes(out, len);
}

Value Hmac(Args a, EvalContext&) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (HMAC(Algorithm(a[2].s), a[1].s.data(), static_cast<int>(a[1].s.size()),
           reinterpret_cast<const unsigned char*>(a[0].s.data()), a[0].s.size(), out, &len) == nullptr) {
    throw PgError(sqlstate::kInternalError, "could not compute hmac");
  }
  return Bytes(out, len);
}

std::string Random(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw PgError(sqlstate::kInternalError, "could not generate random values");
  }
  return out;
}

Value GenRandomBytes(Args a, EvalContext&) {
  if (a[0].i < 1 || a[0].i > 1024) throw PgError("39000", "Length not in range");
  return Value::Str(oid::kBytea, Random(static_cast<size_t>(a[0].i)));
}

Value Crypt(Args a, EvalContext&) {
  crypt_data data{};
  const char* r = crypt_r(a[0].s.c_str(), a[1].s.c_str(), &data);
  // libxcrypt answers a string starting with '*' for a salt it cannot use.
  if (r == nullptr || r[0] == '*') throw PgError(sqlstate::kInvalidParameterValue, "invalid salt");
  return Value::Str(oid::kText, r);
}

// gen_salt(type [, rounds]): pgcrypto's defaults and limits per type.
Value GenSalt(Args a, EvalContext&) {
  std::string type = a[0].s;
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  const char* prefix = nullptr;
  unsigned long rounds = 0, lo = 0, hi = 0;
  if (type == "bf") prefix = "$2a$", rounds = 6, lo = 4, hi = 31;
  else if (type == "md5") prefix = "$1$", rounds = 1000, lo = hi = 1000;
  else if (type == "xdes") prefix = "_", rounds = 725, lo = 1, hi = 0xffffff;
  else if (type == "des") prefix = "", rounds = 25, lo = hi = 25;
  else throw PgError(sqlstate::kInvalidParameterValue, "gen_salt: Unknown salt algorithm");
  if (a.size() > 1) {
    const int64_t r = a[1].i;
    if (r < static_cast<int64_t>(lo) || r > static_cast<int64_t>(hi) || (type == "xdes" && r % 2 == 0)) {
      throw PgError(sqlstate::kInvalidParameterValue, "gen_salt: Incorrect number of rounds");
    }
    rounds = static_cast<unsigned long>(r);
  }
  const std::string random = Random(16);
  char out[CRYPT_GENSALT_OUTPUT_SIZE];
  // md5 and des take no rounds parameter in libxcrypt (0: its default).
  const unsigned long count = type == "md5" || type == "des" ? 0 : rounds;
  if (crypt_gensalt_rn(prefix, count, random.data(), static_cast<int>(random.size()), out, sizeof out) == nullptr) {
    throw PgError(sqlstate::kInternalError, "gen_salt: could not generate a salt");
  }
  return Value::Str(oid::kText, out);
}

}  // namespace

bool ResolvePgcryptoFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  using namespace oid;
  static const ExtensionFn kFns[] = {
      {"digest", Digest, kBytea, {kText, kText}},
      {"digest", Digest, kBytea, {kBytea, kText}},
      {"hmac", Hmac, kBytea, {kText, kText, kText}},
      {"hmac", Hmac, kBytea, {kBytea, kBytea, kText}},
      {"gen_random_bytes", GenRandomBytes, kBytea, {kInt4}},
      {"crypt", Crypt, kText, {kText, kText}},
      {"gen_salt", GenSalt, kText, {kText}},
      {"gen_salt", GenSalt, kText, {kText, kInt4}},
  };
  return MatchExtensionFunction(kFns, name, arg_types, out);
}

}  // namespace immu::sql
