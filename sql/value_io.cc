#include "sql/datestyle.h"
#include "sql/value_io.h"

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>

#include "catalog/pg_error.h"
#include "sql/inet.h"
#include "sql/json.h"
#include "sql/range.h"
#include "sql/macaddr.h"
#include "sql/timetz.h"
#include "sql/user_types.h"
#include "storage/coding.h"

namespace immu::sql {

namespace {

[[noreturn]] void BadInput(const char* type_name, std::string_view text) {
  throw PgError(sqlstate::kInvalidTextRepresentation,
                std::string("invalid input syntax for type ") + type_name + ": \"" +
                    std::string(text) + "\"");
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const char* IntTypeName(uint32_t type) {
  return type == oid::kInt2 ? "smallint" : type == oid::kInt4 ? "integer" : "bigint";
}

// Text input beyond the type's range: PostgreSQL names the value and type
// (arithmetic overflow says "integer out of range" instead).
[[noreturn]] void InputOutOfRange(std::string_view text, uint32_t type) {
  throw PgError(sqlstate::kNumericValueOutOfRange, "value \"" + std::string(text) + "\" is out of range for type " +
                                                       (type == oid::kOid ? "oid" : IntTypeName(type)));
}

int64_t ParseInt(std::string_view text, uint32_t type) {
  std::string_view s = Trim(text);
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty()) BadInput(IntTypeName(type), text);
  // Accumulate negatively so INT64_MIN parses.
  int64_t acc = 0;
  for (char c : s) {
    if (c < '0' || c > '9') BadInput(IntTypeName(type), text);
    if (acc < (INT64_MIN + (c - '0')) / 10) InputOutOfRange(text, type);
    acc = acc * 10 - (c - '0');
  }
  if (!neg) {
    if (acc == INT64_MIN) InputOutOfRange(text, type);
    acc = -acc;
  }
  if (type == oid::kInt2 && (acc < INT16_MIN || acc > INT16_MAX)) InputOutOfRange(text, type);
  if (type == oid::kInt4 && (acc < INT32_MIN || acc > INT32_MAX)) InputOutOfRange(text, type);
  if (type == oid::kOid && (acc < INT32_MIN || acc > UINT32_MAX)) InputOutOfRange(text, type);
  return acc;
}

double ParseFloat(std::string_view text, uint32_t type) {
  const char* name = type == oid::kFloat4 ? "real" : "double precision";
  std::string s(Trim(text));
  std::string lower;
  for (char c : s) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (lower == "nan") return std::nan("");
  if (lower == "infinity" || lower == "+infinity" || lower == "inf" || lower == "+inf") {
    return INFINITY;
  }
  if (lower == "-infinity" || lower == "-inf") return -INFINITY;
  if (s.empty()) BadInput(name, text);
  const char* begin = s.data();
  if (*begin == '+') begin++;
  double v = 0;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ptr != s.data() + s.size()) BadInput(name, text);
  if (ec == std::errc::result_out_of_range) {
    throw PgError(sqlstate::kNumericValueOutOfRange,
                  "\"" + s + "\" is out of range for type " + name);
  }
  if (ec != std::errc()) BadInput(name, text);
  if (type == oid::kFloat4) {
    const float f = static_cast<float>(v);
    if ((std::isinf(f) && !std::isinf(v)) || (f == 0 && v != 0)) {
      throw PgError(sqlstate::kNumericValueOutOfRange,
                    "\"" + s + "\" is out of range for type real");
    }
    return f;
  }
  return v;
}

// PostgreSQL's shortest-exact float output (extra_float_digits = 1): the
// shortest digits that round-trip, in plain notation when the decimal
// exponent is in [-4, DIG) and in d.ddde+XX notation otherwise.
std::string FormatFloat(double v, bool is_float4) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto r = is_float4 ? std::to_chars(buf, buf + sizeof(buf), static_cast<float>(v),
                                     std::chars_format::scientific)
                     : std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string sci(buf, r.ptr);
  // sci = [-]d[.ddd]e[+-]XX
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  const size_t e = sci.find('e');
  std::string digits = sci.substr(0, e);
  digits.erase(std::remove(digits.begin(), digits.end(), '.'), digits.end());
  const int exp = std::stoi(sci.substr(e + 1));
  const int dig = is_float4 ? 6 : 15;
  std::string out = neg ? "-" : "";
  if (exp < -4 || exp >= dig) {
    out += digits.substr(0, 1);
    if (digits.size() > 1) out += "." + digits.substr(1);
    char eb[16];
    snprintf(eb, sizeof(eb), "e%c%02d", exp < 0 ? '-' : '+', std::abs(exp));
    return out + eb;
  }
  if (exp < 0) return out + "0." + std::string(static_cast<size_t>(-exp - 1), '0') + digits;
  if (static_cast<int>(digits.size()) <= exp + 1) {
    return out + digits + std::string(static_cast<size_t>(exp + 1) - digits.size(), '0');
  }
  return out + digits.substr(0, static_cast<size_t>(exp + 1)) + "." +
         digits.substr(static_cast<size_t>(exp + 1));
}

bool ParseBool(std::string_view text, bool* out) {
  std::string s;
  for (char c : Trim(text)) s.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (s.empty()) return false;
  auto prefix_of = [&](std::string_view word, size_t min_len) {
    return s.size() >= min_len && s.size() <= word.size() && word.substr(0, s.size()) == s;
  };
  if (prefix_of("true", 1) || prefix_of("yes", 1) || s == "on" || s == "1") {
    *out = true;
    return true;
  }
  if (prefix_of("false", 1) || prefix_of("no", 1) || prefix_of("off", 2) || s == "0") {
    *out = false;
    return true;
  }
  return false;
}

std::string ByteaToText(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\\x";
  out.reserve(2 + 2 * s.size());
  for (unsigned char c : s) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

int HexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string ByteaFromText(std::string_view text) {
  std::string out;
  if (text.starts_with("\\x")) {
    for (size_t i = 2; i < text.size();) {
      if (std::isspace(static_cast<unsigned char>(text[i]))) {
        i++;
        continue;
      }
      const int hi = HexVal(text[i]);
      if (hi < 0) {
        throw PgError(sqlstate::kInvalidTextRepresentation,
                      "invalid hexadecimal digit: \"" + std::string(1, text[i]) + "\"");
      }
      if (i + 1 >= text.size()) {
        throw PgError(sqlstate::kInvalidTextRepresentation, "invalid hexadecimal data: odd number of digits");
      }
      const int lo = HexVal(text[i + 1]);
      if (lo < 0) {
        throw PgError(sqlstate::kInvalidTextRepresentation,
                      "invalid hexadecimal digit: \"" + std::string(1, text[i + 1]) + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    }
    return out;
  }
  // Escape format: \\ and \ooo.
  for (size_t i = 0; i < text.size(); i++) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
    } else if (i + 1 < text.size() && text[i + 1] == '\\') {
      out.push_back('\\');
      i++;
    } else if (i + 3 < text.size() + 0 && text[i + 1] >= '0' && text[i + 1] <= '3' &&
               text[i + 2] >= '0' && text[i + 2] <= '7' && text[i + 3] >= '0' && text[i + 3] <= '7') {
      out.push_back(static_cast<char>((text[i + 1] - '0') * 64 + (text[i + 2] - '0') * 8 + (text[i + 3] - '0')));
      i += 3;
    } else {
      BadInput("bytea", text);
    }
  }
  return out;
}

std::string UuidToText(const std::string& s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < s.size(); i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out.push_back('-');
    const auto c = static_cast<unsigned char>(s[i]);
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

std::string UuidFromText(std::string_view text) {
  std::string_view s = Trim(text);
  if (s.size() >= 2 && s.front() == '{' && s.back() == '}') s = s.substr(1, s.size() - 2);
  std::string out;
  int pending = -1;
  for (size_t i = 0; i < s.size(); i++) {
    if (s[i] == '-' && pending < 0 && out.size() % 2 == 0 && i > 0 && out.size() < 16) continue;
    const int h = HexVal(s[i]);
    if (h < 0) BadInput("uuid", text);
    if (pending < 0) {
      pending = h;
    } else {
      out.push_back(static_cast<char>(pending * 16 + h));
      pending = -1;
    }
  }
  if (out.size() != 16 || pending >= 0) BadInput("uuid", text);
  return out;
}

// Characters, not bytes: the server encoding is UTF-8.
size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

size_t Utf8PrefixBytes(std::string_view s, size_t chars) {
  size_t n = 0;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (n == chars) return i;
      n++;
    }
  }
  return s.size();
}

// A type name as regtype's input reads it, without its type modifiers:
// "character varying(1024)", "timestamp(6) without time zone" and
// "numeric(10,2)[]" name varchar, timestamp and numeric[] (PostgreSQL parses
// the modifiers and ignores them: a regtype is only the type's OID).
std::string WithoutTypmods(std::string_view t) {
  std::string out;
  for (size_t i = 0; i < t.size(); i++) {
    if (t[i] == '(') {
      const size_t close = t.find(')', i);
      if (close != std::string_view::npos &&
          t.substr(i + 1, close - i - 1).find_first_not_of("0123456789, ") == std::string_view::npos) {
        i = close;
        continue;
      }
    }
    // One space between words, none before "[]".
    if (t[i] == ' ' && (out.empty() || out.back() == ' ')) continue;
    if (t[i] == '[' && !out.empty() && out.back() == ' ') out.pop_back();
    out.push_back(t[i]);
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

// Ranges and multirages, built in or user-defined.
bool IsRangeSlot(uint32_t type) {
  const TypeInfo* t = FindType(type);
  return t != nullptr && t->slot == Slot::kRange;
}

}  // namespace

std::string ToText(const Value& v, const ValueContext& ctx) {
  if (std::string u; (v.type >= kFirstUserOid || v.type == oid::kRecord) && UserTypeToText(v, ctx, &u)) return u;
  if (v.arr && IsRangeSlot(v.type)) return RangeToText(v, ctx);
  if (v.arr) return ArrayToText(v, ctx);
  if (IsRegType(v.type)) {
    if (v.type == oid::kRegtype) return v.i == 0 ? "-" : FormatType(static_cast<uint32_t>(v.i), -1);
    if (v.i == 0 && (v.type == oid::kRegproc || v.type == oid::kRegprocedure)) return "-";
    if (v.i == 0) return "-";
    if (ctx.names != nullptr) {
      if (auto name = ctx.names->NameOf(v.type, static_cast<uint32_t>(v.i))) return *name;
    }
    return std::to_string(v.i);
  }
  switch (v.type) {
    case oid::kBool:
      return v.i ? "t" : "f";
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
    case oid::kRegclass:
    case oid::kRegtype:
    case oid::kRegproc:
      return std::to_string(v.i);
    case oid::kFloat4:
      return FormatFloat(v.f, true);
    case oid::kFloat8:
      return FormatFloat(v.f, false);
    case oid::kNumeric:
      return v.num->ToString();
    case oid::kBytea:
      return ByteaToText(v.s);
    case oid::kUuid:
      return UuidToText(v.s);
    case oid::kInet:
    case oid::kCidr:
      return FormatInet(DecodeInet(v.s), v.type == oid::kCidr);
    case oid::kMacaddr:
    case oid::kMacaddr8:
      return FormatMacaddr(v.s);
    case oid::kTimeTz:
      return FormatTimeTz(TimeTzOf(v));
    case oid::kDate:
      return FormatDateStyled(static_cast<DateAdt>(v.i), ctx.dt);
    case oid::kTime:
      return FormatTime(v.i);
    case oid::kTimestamp:
      return FormatTimestampStyled(v.i, ctx.dt);
    case oid::kTimestampTz:
      return FormatTimestampTzStyled(v.i, ctx.dt);
    case oid::kInterval:
      switch (ctx.dt.interval_style) {
        case IntervalStyle::kIso8601:
          return FormatIntervalIso8601(v.iv);
        case IntervalStyle::kPostgresVerbose:
          return FormatIntervalVerbose(v.iv);
        case IntervalStyle::kPostgres:
          break;
      }
      return FormatInterval(v.iv);
    default:
      return v.s;
  }
}

void AppendBinary(const Value& v, std::string* out) {
  char buf[8];
  if (v.type >= kFirstUserOid && UserTypeAppendBinary(v, out)) return;
  if (v.arr && IsRangeSlot(v.type)) {
    AppendRangeBinary(v, out);
    return;
  }
  if (v.arr) {
    AppendArrayBinary(v, out);
    return;
  }
  switch (v.type) {
    case oid::kBool:
      out->push_back(v.i ? 1 : 0);
      return;
    case oid::kInt2:
      out->push_back(static_cast<char>((v.i >> 8) & 0xff));
      out->push_back(static_cast<char>(v.i & 0xff));
      return;
    case oid::kInt4:
    case oid::kOid:
    case oid::kRegclass:
    case oid::kRegtype:
    case oid::kRegproc:
    case oid::kRegprocedure:
    case oid::kRegnamespace:
    case oid::kRegrole:
    case oid::kXid:
    case oid::kDate:
      EncodeFixed32BE(buf, static_cast<uint32_t>(v.i));
      out->append(buf, 4);
      return;
    case oid::kInt8:
    case oid::kTime:
    case oid::kTimestamp:
    case oid::kTimestampTz:
      EncodeFixed64BE(buf, static_cast<uint64_t>(v.i));
      out->append(buf, 8);
      return;
    case oid::kFloat4: {
      const float f = static_cast<float>(v.f);
      uint32_t bits;
      memcpy(&bits, &f, 4);
      EncodeFixed32BE(buf, bits);
      out->append(buf, 4);
      return;
    }
    case oid::kFloat8: {
      uint64_t bits;
      memcpy(&bits, &v.f, 8);
      EncodeFixed64BE(buf, bits);
      out->append(buf, 8);
      return;
    }
    case oid::kNumeric:
      out->append(v.num->ToBinary());
      return;
    case oid::kInterval:
      AppendIntervalBinary(out, v.iv);
      return;
    case oid::kInet:
    case oid::kCidr:
      AppendInetBinary(DecodeInet(v.s), v.type == oid::kCidr, out);
      return;
    case oid::kTimeTz:
      AppendTimeTzBinary(out, TimeTzOf(v));
      return;
    case oid::kJsonb:
      out->push_back(1);  // jsonb binary format version
      out->append(v.s);
      return;
    default:
      out->append(v.s);
      return;
  }
}

Value FromText(std::string_view text, uint32_t type, int32_t typmod, const ValueContext& ctx) {
  if (Value u; type >= kFirstUserOid && UserTypeFromText(text, type, typmod, ctx, &u)) return u;
  if (ArrayElementType(type) != 0) return ApplyTypmod(ArrayFromText(text, type, ctx), typmod, false);
  if (IsRangeSlot(type)) return RangeFromText(text, type, ctx);
  if (IsRegType(type)) {
    const std::string_view t = Trim(text);
    if (!t.empty() && t.find_first_not_of("0123456789") == std::string_view::npos) {
      return Value::Int(type, ParseInt(t, oid::kOid));
    }
    if (t == "-") return Value::Int(type, 0);
    if (type == oid::kRegtype) {
      const std::string name = WithoutTypmods(t);
      const std::string_view n = name;
      uint32_t id = TypeOidByName(n);
      if (id == 0 && n.ends_with("[]")) id = ArrayTypeOf(TypeOidByName(n.substr(0, n.size() - 2)));
      if (id == 0) throw PgError(sqlstate::kUndefinedObject, "type \"" + std::string(t) + "\" does not exist");
      return Value::Int(type, id);
    }
    if (ctx.names == nullptr) BadInput(FormatType(type, -1).c_str(), text);
    return Value::Int(type, ctx.names->OidOf(type, t));
  }
  switch (type) {
    case oid::kBool: {
      bool b;
      if (!ParseBool(text, &b)) BadInput("boolean", text);
      return Value::Bool(b);
    }
    case oid::kInt2:
    case oid::kInt4:
    case oid::kInt8:
    case oid::kOid:
    case oid::kXid:
      // Each type's own range: '9000000000'::bigint is valid, '40000'::int2 is not.
      return Value::Int(type, ParseInt(text, type == oid::kXid ? oid::kOid : type));
    case oid::kFloat4:
    case oid::kFloat8:
      return Value::Float(type, ParseFloat(text, type));
    case oid::kNumeric:
      return ApplyTypmod(Value::Num(Numeric::Parse(text)), typmod, false);
    case oid::kBytea:
      return Value::Str(type, ByteaFromText(text));
    case oid::kUuid:
      return Value::Str(type, UuidFromText(text));
    case oid::kInet:
    case oid::kCidr:
      return Value::Str(type, EncodeInet(ParseInet(text, type == oid::kCidr)));
    case oid::kMacaddr:
      return Value::Str(type, ParseMacaddr(text));
    case oid::kMacaddr8:
      return Value::Str(type, ParseMacaddr8(text));
    case oid::kTimeTz:
      return ApplyTypmod(TimeTzValue(ParseTimeTz(text, ctx.dt)), typmod, false);
    case oid::kDate:
      return Value::Int(type, ParseDate(text, ctx.dt));
    case oid::kTime:
      return ApplyTypmod(Value::Int(type, ParseTime(text, ctx.dt)), typmod, false);
    case oid::kTimestamp:
      return ApplyTypmod(Value::Int(type, ParseTimestamp(text, ctx.dt)), typmod, false);
    case oid::kTimestampTz:
      return ApplyTypmod(Value::Int(type, ParseTimestampTz(text, ctx.dt)), typmod, false);
    case oid::kInterval:
      return Value::Iv(ParseInterval(text));
    case oid::kVarchar:
    case oid::kBpchar:
      return ApplyTypmod(Value::Str(type, std::string(text)), typmod, false);
    case oid::kJson:
      ValidateJson(text);
      return Value::Str(type, std::string(text));
    case oid::kJsonb:
      return Value::Str(type, CanonicalJsonb(text));
    default:
      return Value::Str(type, std::string(text));
  }
}

Value FromBinary(std::string_view data, uint32_t type, int32_t typmod) {
  if (Value u; type >= kFirstUserOid && UserTypeFromBinary(data, type, typmod, &u)) return u;
  if (ArrayElementType(type) != 0) return ArrayFromBinary(data, type);
  if (IsRangeSlot(type)) return RangeFromBinary(data, type);
  // As PostgreSQL's *recv functions: reading past the end is 08P01, bytes
  // left over are 22P03 (exec_bind_message's check).
  auto need = [&](size_t n) {
    if (data.size() < n) throw PgError(sqlstate::kProtocolViolation, "insufficient data left in message");
    if (data.size() > n) {
      throw PgError(sqlstate::kInvalidBinaryRepresentation,
                    "incorrect binary data format in bind parameter");
    }
  };
  switch (type) {
    case oid::kBool:
      need(1);
      return Value::Bool(data[0] != 0);
    case oid::kInt2:
      need(2);
      return Value::Int(type, static_cast<int16_t>((static_cast<uint8_t>(data[0]) << 8) |
                                                   static_cast<uint8_t>(data[1])));
    case oid::kInt4:
    case oid::kOid:
    case oid::kRegclass:
    case oid::kRegtype:
    case oid::kRegproc:
    case oid::kRegprocedure:
    case oid::kRegnamespace:
    case oid::kRegrole:
    case oid::kXid:
      need(4);
      return Value::Int(type, type == oid::kInt4 ? static_cast<int32_t>(DecodeFixed32BE(data.data()))
                                                 : int64_t{DecodeFixed32BE(data.data())});
    case oid::kDate:
      need(4);
      return Value::Int(type, static_cast<int32_t>(DecodeFixed32BE(data.data())));
    case oid::kInt8:
    case oid::kTime:
    case oid::kTimestamp:
    case oid::kTimestampTz:
      need(8);
      return Value::Int(type, static_cast<int64_t>(DecodeFixed64BE(data.data())));
    case oid::kFloat4: {
      need(4);
      const uint32_t bits = DecodeFixed32BE(data.data());
      float f;
      memcpy(&f, &bits, 4);
      return Value::Float(type, f);
    }
    case oid::kFloat8: {
      need(8);
      const uint64_t bits = DecodeFixed64BE(data.data());
      double d;
      memcpy(&d, &bits, 8);
      return Value::Float(type, d);
    }
    case oid::kNumeric:
      return ApplyTypmod(Value::Num(Numeric::FromBinary(data)), typmod, false);
    case oid::kInterval:
      return Value::Iv(DecodeIntervalBinary(data));
    case oid::kUuid:
      need(16);
      return Value::Str(type, std::string(data));
    case oid::kMacaddr:
      need(6);
      return Value::Str(type, std::string(data));
    case oid::kMacaddr8:
      need(8);
      return Value::Str(type, std::string(data));
    case oid::kInet:
    case oid::kCidr:
      return Value::Str(type, EncodeInet(InetFromBinary(data, type == oid::kCidr)));
    case oid::kTimeTz:
      need(12);
      return ApplyTypmod(TimeTzValue(DecodeTimeTzBinary(data)), typmod, false);
    case oid::kJsonb:
      if (data.empty() || data[0] != 1) {
        throw PgError(sqlstate::kInvalidBinaryRepresentation, "unsupported jsonb version number");
      }
      return Value::Str(type, CanonicalJsonb(data.substr(1)));
    case oid::kJson:
      ValidateJson(data);
      return Value::Str(type, std::string(data));
    case oid::kVarchar:
    case oid::kBpchar:
      return ApplyTypmod(Value::Str(type, std::string(data)), typmod, false);
    default:
      return Value::Str(type, std::string(data));
  }
}

Value ApplyTypmod(Value v, int32_t typmod, bool explicit_cast) {
  if (v.null || typmod < 0) return v;
  switch (v.type) {
    case oid::kVarchar:
    case oid::kBpchar: {
      const size_t max_chars = static_cast<size_t>(typmod - 4);
      const size_t len = Utf8Length(v.s);
      if (len > max_chars) {
        const size_t cut = Utf8PrefixBytes(v.s, max_chars);
        // Only trailing spaces may be cut silently on assignment.
        const bool spaces = v.s.find_first_not_of(' ', cut) == std::string::npos;
        if (!explicit_cast && !spaces) {
          throw PgError(sqlstate::kStringDataRightTruncation,
                        std::string("value too long for type ") +
                            (v.type == oid::kVarchar ? "character varying(" : "character(") +
                            std::to_string(max_chars) + ")");
        }
        v.s.resize(cut);
      } else if (v.type == oid::kBpchar && len < max_chars) {
        v.s.append(max_chars - len, ' ');
      }
      return v;
    }
    case oid::kNumeric: {
      const int32_t m = typmod - 4;
      const int precision = (m >> 16) & 0xffff;
      const int scale = static_cast<int16_t>(m & 0xffff);
      return Value::Num(v.num->ApplyTypmod(precision, scale));
    }
    // Fractional-second precision: time(p), timetz(p), timestamp[tz](p).
    case oid::kTime:
      v.i = RoundToPrecision(v.i, typmod);
      return v;
    case oid::kTimestamp:
    case oid::kTimestampTz:
      if (TimestampIsFinite(v.i)) v.i = RoundToPrecision(v.i, typmod);
      return v;
    case oid::kTimeTz: {
      TimeTzAdt t = TimeTzOf(v);
      t.time = RoundToPrecision(t.time, typmod);
      return TimeTzValue(t);
    }
    default:
      if (v.arr && ArrayElementType(v.type) != 0) {
        // Arrays carry their elements' typmod.
        ValueArray elems;
        elems.reserve(v.arr->size());
        for (const auto& e : *v.arr) elems.push_back(ApplyTypmod(e, typmod, explicit_cast));
        return Value::Array(v.type, std::move(elems));
      }
      return v;
  }
}

int CompareValues(const Value& a, const Value& b) {
  const TypeInfo* ta = FindType(a.type);
  const TypeInfo* tb = FindType(b.type);
  const Slot sa = ta ? ta->slot : Slot::kString;
  const Slot sb = tb ? tb->slot : Slot::kString;
  if ((sa == Slot::kArray && sb == Slot::kArray) || (sa == Slot::kRecord && sb == Slot::kRecord)) {
    return CompareArrays(a, b);  // records compare field by field, NULLs last
  }
  if (sa == Slot::kEnum && sb == Slot::kEnum) return a.f < b.f ? -1 : a.f > b.f ? 1 : 0;
  if (sa == Slot::kRange && sb == Slot::kRange) return CompareRanges(a, b);
  if (sa == Slot::kNumeric || sb == Slot::kNumeric) {
    if (sa == Slot::kFloat || sb == Slot::kFloat) {
      const double x = sa == Slot::kNumeric ? a.num->ToDouble() : sa == Slot::kFloat ? a.f : static_cast<double>(a.i);
      const double y = sb == Slot::kNumeric ? b.num->ToDouble() : sb == Slot::kFloat ? b.f : static_cast<double>(b.i);
      if (std::isnan(x) || std::isnan(y)) return std::isnan(x) - std::isnan(y);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    const Numeric x = sa == Slot::kNumeric ? *a.num : Numeric::FromInt64(a.i);
    const Numeric y = sb == Slot::kNumeric ? *b.num : Numeric::FromInt64(b.i);
    return Numeric::Compare(x, y);
  }
  if (sa == Slot::kFloat || sb == Slot::kFloat) {
    const double x = sa == Slot::kFloat ? a.f : static_cast<double>(a.i);
    const double y = sb == Slot::kFloat ? b.f : static_cast<double>(b.i);
    if (std::isnan(x) || std::isnan(y)) return std::isnan(x) - std::isnan(y);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (sa == Slot::kInt && sb == Slot::kInt) return a.i < b.i ? -1 : a.i > b.i ? 1 : 0;
  if (sa == Slot::kInterval && sb == Slot::kInterval) return CompareInterval(a.iv, b.iv);
  if (a.type == oid::kJsonb && b.type == oid::kJsonb) return CompareJsonbText(a.s, b.s);
  if ((a.type >= kFirstUserOid || b.type >= kFirstUserOid) && (IsCitextType(a.type) || IsCitextType(b.type))) {
    return CompareCitext(a.s, b.s);
  }
  if (a.type == oid::kBpchar || b.type == oid::kBpchar) {
    // bpchar compares without trailing spaces.
    std::string_view x = a.s, y = b.s;
    while (!x.empty() && x.back() == ' ') x.remove_suffix(1);
    while (!y.empty() && y.back() == ' ') y.remove_suffix(1);
    const int c = x.compare(y);
    return c < 0 ? -1 : c > 0;
  }
  const int c = a.s.compare(b.s);
  return c < 0 ? -1 : c > 0;
}

size_t HashValue(const Value& v) {
  if (v.null) return 0x9e3779b9;
  const TypeInfo* t = FindType(v.type);
  switch (t ? t->slot : Slot::kString) {
    case Slot::kInt:
      return std::hash<int64_t>()(v.i);
    case Slot::kFloat:
      // Integral floats hash like the integer so 1 = 1.0 groups together.
      if (v.f == std::floor(v.f) && std::abs(v.f) < 9e18) return std::hash<int64_t>()(static_cast<int64_t>(v.f));
      return std::hash<double>()(v.f);
    case Slot::kNumeric:
      return static_cast<size_t>(v.num->Hash());
    case Slot::kInterval:
      return static_cast<size_t>(HashInterval(v.iv));
    case Slot::kEnum:
      return std::hash<int64_t>()(v.i);
    case Slot::kRange:
      return HashRange(v);
    case Slot::kRecord:
    case Slot::kArray: {
      size_t h = 0x345678;
      for (const auto& e : *v.arr) h = h * 1000003 ^ HashValue(e);
      return h;
    }
    case Slot::kString:
      break;
  }
  if (v.type == oid::kJsonb) return HashJsonbText(v.s);
  if (v.type >= kFirstUserOid && IsCitextType(v.type)) return std::hash<std::string>()(CitextFold(v.s));
  std::string_view s = v.s;
  if (v.type == oid::kBpchar) {
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  }
  return std::hash<std::string_view>()(s);
}

}  // namespace immu::sql
