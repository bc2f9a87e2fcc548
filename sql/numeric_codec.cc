// Numeric encodings: PostgreSQL binary wire format, order-preserving keys,
// compact row values, and hashing.

#include <cstring>

#include "catalog/pg_error.h"
#include "sql/numeric.h"
#include "storage/coding.h"

namespace immu {

using numeric_internal::Var;
namespace ni = numeric_internal;

namespace {

// numeric_send sign words.
constexpr uint16_t kWirePos = 0x0000;
constexpr uint16_t kWireNeg = 0x4000;
constexpr uint16_t kWireNaN = 0xC000;
constexpr uint16_t kWirePinf = 0xD000;
constexpr uint16_t kWireNinf = 0xF000;

// Key class bytes, in sort order.
constexpr uint8_t kKeyNegInf = 0x01;
constexpr uint8_t kKeyNegative = 0x02;
constexpr uint8_t kKeyZero = 0x03;
constexpr uint8_t kKeyPositive = 0x04;
constexpr uint8_t kKeyPosInf = 0x05;
constexpr uint8_t kKeyNaN = 0x06;

// Value tag bytes.
constexpr uint8_t kValPos = 0;
constexpr uint8_t kValNeg = 1;
constexpr uint8_t kValNaN = 2;
constexpr uint8_t kValPinf = 3;
constexpr uint8_t kValNinf = 4;

void PutU16BE(std::string* dst, uint16_t v) {
  dst->push_back(static_cast<char>(v >> 8));
  dst->push_back(static_cast<char>(v & 0xff));
}

uint16_t GetU16BE(std::string_view s, size_t pos) {
  return static_cast<uint16_t>((static_cast<uint8_t>(s[pos]) << 8) | static_cast<uint8_t>(s[pos + 1]));
}

[[noreturn]] void ThrowBinary(const char* what) {
  throw PgError(sqlstate::kInvalidBinaryRepresentation,
                std::string("invalid ") + what + " in external \"numeric\" value");
}

[[noreturn]] void ThrowShort() {
  throw PgError(sqlstate::kProtocolViolation, "insufficient data left in message");
}

uint64_t Mix(uint64_t h, uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

}  // namespace

// ---- Binary wire format ----------------------------------------------------------

std::string Numeric::ToBinary() const {
  std::string out;
  uint16_t sign = kWirePos;
  switch (kind_) {
    case Kind::kNaN:
      sign = kWireNaN;
      break;
    case Kind::kPosInf:
      sign = kWirePinf;
      break;
    case Kind::kNegInf:
      sign = kWireNinf;
      break;
    case Kind::kFinite:
      sign = var_.neg ? kWireNeg : kWirePos;
      break;
  }
  const bool finite = is_finite();
  PutU16BE(&out, finite ? static_cast<uint16_t>(var_.digits.size()) : 0);
  PutU16BE(&out, finite ? static_cast<uint16_t>(static_cast<int16_t>(var_.weight)) : 0);
  PutU16BE(&out, sign);
  // PostgreSQL reads an infinity's dscale out of its header word's short-
  // format bits, which yields 32; send exactly what it sends.
  const bool inf = kind_ == Kind::kPosInf || kind_ == Kind::kNegInf;
  PutU16BE(&out, finite ? static_cast<uint16_t>(var_.dscale) : inf ? 0x20 : 0);
  if (finite) {
    for (int16_t d : var_.digits) PutU16BE(&out, static_cast<uint16_t>(d));
  }
  return out;
}

Numeric Numeric::FromBinary(std::string_view data) {
  if (data.size() < 8) ThrowShort();
  const uint16_t ndigits = GetU16BE(data, 0);
  const int16_t weight = static_cast<int16_t>(GetU16BE(data, 2));
  const uint16_t sign = GetU16BE(data, 4);
  const uint16_t dscale = GetU16BE(data, 6);
  if (sign != kWirePos && sign != kWireNeg && sign != kWireNaN && sign != kWirePinf &&
      sign != kWireNinf) {
    ThrowBinary("sign");
  }
  if ((dscale & ni::kMaxStoredDscale) != dscale) ThrowBinary("scale");
  Var v;
  v.digits.resize(ndigits);
  size_t pos = 8;
  for (size_t i = 0; i < ndigits; i++, pos += 2) {
    if (pos + 2 > data.size()) ThrowShort();
    int16_t d = static_cast<int16_t>(GetU16BE(data, pos));
    if (d < 0 || d >= ni::kBase) ThrowBinary("digit");
    v.digits[i] = d;
  }
  if (pos != data.size()) {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "incorrect binary data format");
  }
  switch (sign) {
    case kWireNaN:
      return NaN();
    case kWirePinf:
      return Infinity();
    case kWireNinf:
      return NegativeInfinity();
    default:
      break;
  }
  v.neg = sign == kWireNeg;
  v.weight = weight;
  v.dscale = dscale;
  ni::Strip(&v);
  v.dscale = dscale;
  ni::TruncTo(&v, dscale);  // digits hidden by dscale are dropped
  return FromVar(std::move(v));
}

// ---- Order-preserving key ---------------------------------------------------------
//
// class byte, then for nonzero finite values: weight + 0x8000 (2 bytes BE),
// each digit + 1 (2 bytes BE), and a 0x0000 terminator; all of it after the
// class byte inverted for negative values. Digits are stripped, so equal
// values encode identically and a shorter digit string sorts first.

void Numeric::AppendKeyEncoding(std::string* dst) const {
  switch (kind_) {
    case Kind::kNaN:
      dst->push_back(static_cast<char>(kKeyNaN));
      return;
    case Kind::kPosInf:
      dst->push_back(static_cast<char>(kKeyPosInf));
      return;
    case Kind::kNegInf:
      dst->push_back(static_cast<char>(kKeyNegInf));
      return;
    case Kind::kFinite:
      break;
  }
  if (var_.IsZero()) {
    dst->push_back(static_cast<char>(kKeyZero));
    return;
  }
  const uint16_t flip = var_.neg ? 0xFFFF : 0x0000;
  dst->push_back(static_cast<char>(var_.neg ? kKeyNegative : kKeyPositive));
  PutU16BE(dst, static_cast<uint16_t>((var_.weight + 0x8000) ^ flip));
  for (int16_t d : var_.digits) PutU16BE(dst, static_cast<uint16_t>((d + 1) ^ flip));
  PutU16BE(dst, flip);
}

bool Numeric::DecodeKey(std::string_view* in, Numeric* out) {
  if (in->empty()) return false;
  const uint8_t cls = static_cast<uint8_t>((*in)[0]);
  switch (cls) {
    case kKeyNaN:
      *out = NaN();
      in->remove_prefix(1);
      return true;
    case kKeyPosInf:
      *out = Infinity();
      in->remove_prefix(1);
      return true;
    case kKeyNegInf:
      *out = NegativeInfinity();
      in->remove_prefix(1);
      return true;
    case kKeyZero:
      *out = Numeric();
      in->remove_prefix(1);
      return true;
    case kKeyNegative:
    case kKeyPositive:
      break;
    default:
      return false;
  }
  const uint16_t flip = cls == kKeyNegative ? 0xFFFF : 0x0000;
  std::string_view s = *in;
  if (s.size() < 3) return false;
  Var v;
  v.neg = cls == kKeyNegative;
  v.weight = static_cast<int>(GetU16BE(s, 1) ^ flip) - 0x8000;
  size_t pos = 3;
  for (;;) {
    if (pos + 2 > s.size()) return false;
    uint16_t w = GetU16BE(s, pos) ^ flip;
    pos += 2;
    if (w == 0) break;
    if (w > ni::kBase) return false;
    v.digits.push_back(static_cast<int16_t>(w - 1));
  }
  if (v.digits.empty() || v.digits.front() == 0 || v.digits.back() == 0) return false;
  Numeric n;
  n.var_ = std::move(v);
  n.var_.dscale = n.MinScale().value_or(0);
  *out = std::move(n);
  in->remove_prefix(pos);
  return true;
}

// ---- Row value -----------------------------------------------------------------------
//
// tag byte; finite values add varint32 dscale, varint32 zigzag(weight),
// varint32 ndigits and the digits as 2 bytes little-endian each.

void Numeric::EncodeValue(std::string* dst) const {
  switch (kind_) {
    case Kind::kNaN:
      dst->push_back(static_cast<char>(kValNaN));
      return;
    case Kind::kPosInf:
      dst->push_back(static_cast<char>(kValPinf));
      return;
    case Kind::kNegInf:
      dst->push_back(static_cast<char>(kValNinf));
      return;
    case Kind::kFinite:
      break;
  }
  dst->push_back(static_cast<char>(var_.neg ? kValNeg : kValPos));
  PutVarint32(dst, static_cast<uint32_t>(var_.dscale));
  const int32_t w = var_.weight;
  PutVarint32(dst, (static_cast<uint32_t>(w) << 1) ^ static_cast<uint32_t>(w >> 31));
  PutVarint32(dst, static_cast<uint32_t>(var_.digits.size()));
  for (int16_t d : var_.digits) {
    dst->push_back(static_cast<char>(d & 0xff));
    dst->push_back(static_cast<char>((d >> 8) & 0xff));
  }
}

bool Numeric::DecodeValue(std::string_view* in, Numeric* out) {
  std::string_view s = *in;
  if (s.empty()) return false;
  const uint8_t tag = static_cast<uint8_t>(s[0]);
  s.remove_prefix(1);
  switch (tag) {
    case kValNaN:
      *out = NaN();
      *in = s;
      return true;
    case kValPinf:
      *out = Infinity();
      *in = s;
      return true;
    case kValNinf:
      *out = NegativeInfinity();
      *in = s;
      return true;
    case kValPos:
    case kValNeg:
      break;
    default:
      return false;
  }
  uint32_t dscale = 0, zw = 0, n = 0;
  if (!GetVarint32(&s, &dscale) || !GetVarint32(&s, &zw) || !GetVarint32(&s, &n)) return false;
  if (dscale > static_cast<uint32_t>(ni::kMaxStoredDscale) || s.size() / 2 < n) return false;
  Var v;
  v.neg = tag == kValNeg;
  v.dscale = static_cast<int>(dscale);
  v.weight = static_cast<int32_t>((zw >> 1) ^ (0u - (zw & 1)));
  v.digits.resize(n);
  for (uint32_t i = 0; i < n; i++) {
    int d = static_cast<uint8_t>(s[2 * i]) | (static_cast<uint8_t>(s[2 * i + 1]) << 8);
    if (d >= ni::kBase) return false;
    v.digits[i] = static_cast<int16_t>(d);
  }
  s.remove_prefix(2 * static_cast<size_t>(n));
  if (n > 0 && (v.digits.front() == 0 || v.digits.back() == 0)) return false;
  if (n == 0 && (v.neg || v.weight != 0)) return false;
  if (n > 0 && (v.weight > ni::kMaxWeight || v.weight < ni::kMinWeight)) return false;
  Numeric r;
  r.var_ = std::move(v);
  *out = std::move(r);
  *in = s;
  return true;
}

// ---- Hash ------------------------------------------------------------------------------

uint64_t Numeric::Hash() const {
  uint64_t h = 0x6e756d6572696321ull;  // "numeric!"
  h = Mix(h, static_cast<uint64_t>(kind_));
  if (!is_finite() || var_.IsZero()) return Mix(h, 0);
  h = Mix(h, var_.neg ? 1 : 2);
  h = Mix(h, static_cast<uint64_t>(static_cast<int64_t>(var_.weight)));
  for (int16_t d : var_.digits) h = Mix(h, static_cast<uint64_t>(d));
  // Final avalanche (splitmix64).
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace immu
