// uuid-ossp: uuid_generate_v1/v1mc/v3/v4/v5, uuid_nil and the RFC 4122
// namespace constants, built on OpenSSL (MD5, SHA-1, RAND_bytes) as the
// extension's own "OSSP-free" build does.

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <chrono>
#include <mutex>

#include "catalog/pg_error.h"
#include "sql/extensions.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

std::string RandomBytes(size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1) {
    throw PgError(sqlstate::kInternalError, "could not generate random values");
  }
  return out;
}

Value Uuid(std::string bytes) { return Value::Str(oid::kUuid, std::move(bytes)); }

Value FromHex(const char* hex) {
  std::string bytes;
  for (const char* p = hex; p[0] && p[1]; p += 2) {
    if (*p == '-') p++;
    auto nib = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
    bytes.push_back(static_cast<char>(nib(p[0]) * 16 + nib(p[1])));
  }
  return Uuid(std::move(bytes));
}

Value UuidNil(Args, EvalContext&) { return Uuid(std::string(16, '\0')); }
Value NsDns(Args, EvalContext&) { return FromHex("6ba7b810-9dad-11d1-80b4-00c04fd430c8"); }
Value NsUrl(Args, EvalContext&) { return FromHex("6ba7b811-9dad-11d1-80b4-00c04fd430c8"); }
Value NsOid(Args, EvalContext&) { return FromHex("6ba7b812-9dad-11d1-80b4-00c04fd430c8"); }
Value NsX500(Args, EvalContext&) { return FromHex("6ba7b814-9dad-11d1-80b4-00c04fd430c8"); }

void SetVersion(std::string* b, int version) {
  (*b)[6] = static_cast<char>(((*b)[6] & 0x0f) | (version << 4));
  (*b)[8] = static_cast<char>(((*b)[8] & 0x3f) | 0x80);  // RFC 4122 variant
}

Value V4(Args, EvalContext&) {
  std::string b = RandomBytes(16);
  SetVersion(&b, 4);
  return Uuid(std::move(b));
}

// Version 3 (MD5) and 5 (SHA-1) of namespace || name, truncated to 16 bytes.
Value NameBased(Args a, const EVP_MD* md, int version) {
  std::string data = a[0].s + a[1].s;
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    throw PgError(sqlstate::kInternalError, "could not compute digest");
  }
  std::string b(reinterpret_cast<const char*>(out), 16);
  SetVersion(&b, version);
  return Uuid(std::move(b));
}
Value V3(Args a, EvalContext&) { return NameBased(a, EVP_md5(), 3); }
Value V5(Args a, EvalContext&) { return NameBased(a, EVP_sha1(), 5); }

// Version 1: a 60-bit count of 100 ns intervals since 1582-10-15, a clock
// sequence and a node id. The node is a random multicast address (the host's
// MAC is not used, as RFC 4122 4.5 allows): v1 keeps one per process, v1mc
// draws a new one per call. A process-wide counter keeps timestamps strictly
// increasing so two calls in the same tick still differ.
Value TimeBased(bool fresh_node) {
  static std::mutex mu;
  static uint64_t last = 0;
  static std::string node;
  static uint16_t clock_seq = 0;
  uint64_t ts;
  std::string n;
  uint16_t seq;
  {
    std::lock_guard lock(mu);
    if (node.empty()) {
      node = RandomBytes(6);
      node[0] = static_cast<char>(node[0] | 0x01);
      const std::string s = RandomBytes(2);
      clock_seq = static_cast<uint16_t>((static_cast<uint8_t>(s[0]) << 8 | static_cast<uint8_t>(s[1])) & 0x3fff);
    }
    const auto now = std::chrono::system_clock::now().time_since_epoch();
    ts = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(now).count() / 100) +
         0x01B21DD213814000ULL;
    if (ts <= last) ts = last + 1;
    last = ts;
    n = node;
    seq = clock_seq;
  }
  if (fresh_node) {
    n = RandomBytes(6);
    n[0] = static_cast<char>(n[0] | 0x03);  // multicast, locally administered
  }
  std::string b(16, '\0');
  const uint32_t time_low = static_cast<uint32_t>(ts);
  const uint16_t time_mid = static_cast<uint16_t>(ts >> 32);
  const uint16_t time_hi = static_cast<uint16_t>((ts >> 48) & 0x0fff);
  for (int i = 0; i < 4; i++) b[i] = static_cast<char>(time_low >> (24 - 8 * i));
  b[4] = static_cast<char>(time_mid >> 8);
  b[5] = static_cast<char>(time_mid);
  b[6] = static_cast<char>(time_hi >> 8);
  b[7] = static_cast<char>(time_hi);
  b[8] = static_cast<char>(seq >> 8);
  b[9] = static_cast<char>(seq);
  b.replace(10, 6, n);
  SetVersion(&b, 1);
  return Uuid(std::move(b));
}
Value V1(Args, EvalContext&) { return TimeBased(false); }
Value V1mc(Args, EvalContext&) { return TimeBased(true); }

}  // namespace

bool ResolveUuidOsspFunction(std::string_view name, std::span<const uint32_t> arg_types, ResolvedFn* out) {
  static const ExtensionFn kFns[] = {
      {"uuid_nil", UuidNil, oid::kUuid, {}},
      {"uuid_ns_dns", NsDns, oid::kUuid, {}},
      {"uuid_ns_url", NsUrl, oid::kUuid, {}},
      {"uuid_ns_oid", NsOid, oid::kUuid, {}},
      {"uuid_ns_x500", NsX500, oid::kUuid, {}},
      {"uuid_generate_v1", V1, oid::kUuid, {}},
      {"uuid_generate_v1mc", V1mc, oid::kUuid, {}},
      {"uuid_generate_v3", V3, oid::kUuid, {oid::kUuid, oid::kText}},
      {"uuid_generate_v4", V4, oid::kUuid, {}},
      {"uuid_generate_v5", V5, oid::kUuid, {oid::kUuid, oid::kText}},
  };
  return MatchExtensionFunction(kFns, name, arg_types, out);
}

}  // namespace immu::sql
