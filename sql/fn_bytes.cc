// Binary-string, encoding and LIKE helper functions of PostgreSQL 15:
// get_byte/set_byte/get_bit/set_bit/bit_count, convert/convert_from/
// convert_to (UTF8, LATIN1, SQL_ASCII: the server encoding is UTF8),
// getdatabaseencoding, pg_client_encoding, unistr, like/notlike and
// like_escape (which the parser uses for x LIKE y ESCAPE z).

#include <cctype>

#include "catalog/pg_error.h"
#include "sql/fn_library.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

[[noreturn]] void IndexOutOfRange(int64_t i, int64_t max) {
  throw PgError(sqlstate::kArraySubscriptError,
                "index " + std::to_string(i) + " out of valid range, 0.." + std::to_string(max));
}
Value GetByte(Args a, EvalContext&) {
  const int64_t n = static_cast<int64_t>(a[0].s.size());
  if (a[1].i < 0 || a[1].i >= n) IndexOutOfRange(a[1].i, n - 1);
  return Value::Int(oid::kInt4, static_cast<unsigned char>(a[0].s[static_cast<size_t>(a[1].i)]));
}
Value SetByte(Args a, EvalContext&) {
  const int64_t n = static_cast<int64_t>(a[0].s.size());
  if (a[1].i < 0 || a[1].i >= n) IndexOutOfRange(a[1].i, n - 1);
  std::string s = a[0].s;
  s[static_cast<size_t>(a[1].i)] = static_cast<char>(a[2].i);
  return Value::Str(oid::kBytea, std::move(s));
}
Value GetBit(Args a, EvalContext&) {
  const int64_t n = static_cast<int64_t>(a[0].s.size()) * 8;
  if (a[1].i < 0 || a[1].i >= n) IndexOutOfRange(a[1].i, n - 1);
  const auto byte = static_cast<unsigned char>(a[0].s[static_cast<size_t>(a[1].i / 8)]);
  return Value::Int(oid::kInt4, (byte >> (a[1].i % 8)) & 1);
}
Value SetBit(Args a, EvalContext&) {
  const int64_t n = static_cast<int64_t>(a[0].s.size()) * 8;
  if (a[1].i < 0 || a[1].i >= n) IndexOutOfRange(a[1].i, n - 1);
  if (a[2].i != 0 && a[2].i != 1) throw PgError(sqlstate::kInvalidParameterValue, "new bit must be 0 or 1");
  std::string s = a[0].s;
  char& c = s[static_cast<size_t>(a[1].i / 8)];
  const int bit = static_cast<int>(a[1].i % 8);
  c = static_cast<char>(a[2].i ? (c | (1 << bit)) : (c & ~(1 << bit)));
  return Value::Str(oid::kBytea, std::move(s));
}
Value BitCount(Args a, EvalContext&) {
  int64_t n = 0;
  for (unsigned char c : a[0].s) n += __builtin_popcount(c);
  return Value::Int(oid::kInt8, n);
}

// ---- encodings ------------------------------------------------------------------------
enum class Enc { kUtf8, kLatin1, kSqlAscii };

// pg_char_to_encoding: case-insensitive, punctuation ignored ("utf-8").
Enc EncodingByName(const std::string& name, const char* role) {
  std::string clean;
  for (unsigned char c : name) {
    if (std::isalnum(c)) clean += static_cast<char>(std::tolower(c));
  }
  if (clean == "utf8" || clean == "unicode") return Enc::kUtf8;
  if (clean == "latin1" || clean == "iso88591") return Enc::kLatin1;
  if (clean == "sqlascii") return Enc::kSqlAscii;
  throw PgError(sqlstate::kInvalidParameterValue, std::string("invalid ") + role + " encoding name \"" + name + "\"");
}
const char* EncName(Enc e) { return e == Enc::kUtf8 ? "UTF8" : e == Enc::kLatin1 ? "LATIN1" : "SQL_ASCII"; }

std::string HexBytes(std::string_view s, size_t at, size_t len) {
  std::string out;
  char buf[8];
  for (size_t i = at; i < at + len && i < s.size(); i++) {
    std::snprintf(buf, sizeof buf, "%s0x%02x", out.empty() ? "" : " ", static_cast<unsigned char>(s[i]));
    out += buf;
  }
  return out;
}
size_t Utf8Len(unsigned char c) { return c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 1; }

// Decodes UTF-8 into code points; 22021 on an invalid sequence or NUL.
std::vector<uint32_t> DecodeUtf8(std::string_view s) {
  std::vector<uint32_t> out;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    const size_t len = Utf8Len(c);
    bool ok = c != 0 && (c < 0x80 || (len > 1 && i + len <= s.size()));
    uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; ok && k < len; k++) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      ok = (cc & 0xC0) == 0x80;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (ok && len > 1) {
      ok = !(len == 2 && cp < 0x80) && !(len == 3 && cp < 0x800) && !(len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
           !(cp >= 0xD800 && cp <= 0xDFFF);
    }
    if (!ok || (c >= 0x80 && len == 1)) {
      throw PgError(sqlstate::kCharacterNotInRepertoire,
                    "invalid byte sequence for encoding \"UTF8\": " + HexBytes(s, i, std::min(len, s.size() - i)));
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}
void AppendUtf8(uint32_t u, std::string* out) {
  if (u < 0x80) {
    *out += static_cast<char>(u);
  } else if (u < 0x800) {
    *out += static_cast<char>(0xC0 | (u >> 6));
    *out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    *out += static_cast<char>(0xE0 | (u >> 12));
    *out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (u >> 18));
    *out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (u & 0x3F));
  }
}

// Bytes in encoding `from` -> bytes in encoding `to`, validated.
std::string Convert(const std::string& s, Enc from, Enc to) {
  if (from == Enc::kSqlAscii || to == Enc::kSqlAscii || from == to) {
    if (to == Enc::kUtf8 && from != Enc::kSqlAscii) DecodeUtf8(s);
    return s;
  }
  std::string out;
  if (from == Enc::kLatin1) {  // -> UTF8
    for (unsigned char c : s) AppendUtf8(c, &out);
    return out;
  }
  // UTF8 -> LATIN1
  for (const uint32_t cp : DecodeUtf8(s)) {
    std::string bytes;
    AppendUtf8(cp, &bytes);
    if (cp > 0xFF) {
      std::string hex;
      for (unsigned char c : bytes) {
        char buf[4];
        std::snprintf(buf, sizeof buf, "%02x", c);
        hex += buf;
      }
      throw PgError(sqlstate::kUntranslatableCharacter, "character with byte sequence 0x" + hex +
                                                            " in encoding \"UTF8\" has no equivalent in encoding \"" +
                                                            EncName(to) + "\"");
    }
    out += static_cast<char>(cp);
  }
  return out;
}
Value ConvertFrom(Args a, EvalContext&) {
  return Value::Str(oid::kText, Convert(a[0].s, EncodingByName(a[1].s, "source"), Enc::kUtf8));
}
Value ConvertTo(Args a, EvalContext&) {
  return Value::Str(oid::kBytea, Convert(a[0].s, Enc::kUtf8, EncodingByName(a[1].s, "destination")));
}
Value ConvertFn(Args a, EvalContext&) {
  const Enc from = EncodingByName(a[1].s, "source"), to = EncodingByName(a[2].s, "destination");
  return Value::Str(oid::kBytea, Convert(a[0].s, from, to));
}
Value Utf8Name(Args, EvalContext&) { return Value::Str(oid::kName, "UTF8"); }

// unistr: \XXXX, \+XXXXXX, \uXXXX, \UXXXXXXXX (UTF-16 surrogate pairs
// combined) and \\.
Value Unistr(Args a, EvalContext&) {
  const std::string& s = a[0].s;
  auto bad = [] [[noreturn]] () {
    throw PgError(sqlstate::kSyntaxError, "invalid Unicode escape", "",
                  "Unicode escapes must be \\XXXX, \\+XXXXXX, \\uXXXX, or \\UXXXXXXXX.");
  };
  auto hex = [&](size_t at, size_t n) {
    uint32_t v = 0;
    if (at + n > s.size()) bad();
    for (size_t k = 0; k < n; k++) {
      const char c = s[at + k];
      if (!std::isxdigit(static_cast<unsigned char>(c))) bad();
      v = v * 16 + static_cast<uint32_t>(std::isdigit(static_cast<unsigned char>(c)) ? c - '0' : (std::tolower(c) - 'a' + 10));
    }
    return v;
  };
  std::string out;
  uint32_t pending_high = 0;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      if (pending_high != 0) bad();
      out += s[i++];
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '\\') {
      if (pending_high != 0) bad();
      out += '\\';
      i += 2;
      continue;
    }
    uint32_t cp;
    if (i + 1 < s.size() && s[i + 1] == '+') cp = hex(i + 2, 6), i += 8;
    else if (i + 1 < s.size() && s[i + 1] == 'u') cp = hex(i + 2, 4), i += 6;
    else if (i + 1 < s.size() && s[i + 1] == 'U') cp = hex(i + 2, 8), i += 10;
    else cp = hex(i + 1, 4), i += 5;
    if (cp > 0x10FFFF || cp == 0) {
      throw PgError(sqlstate::kSyntaxError, "invalid Unicode code point: " + std::to_string(cp));
    }
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (pending_high != 0) bad();
      pending_high = cp;
      continue;
    }
    if (cp >= 0xDC00 && cp <= 0xDFFF) {
      if (pending_high == 0) bad();
      cp = 0x10000 + ((pending_high - 0xD800) << 10) + (cp - 0xDC00);
      pending_high = 0;
    } else if (pending_high != 0) {
      bad();
    }
    AppendUtf8(cp, &out);
  }
  if (pending_high != 0) bad();
  return Value::Str(oid::kText, std::move(out));
}

// like_escape(pattern, escape): the pattern with `escape` as the escape
// character rewritten to use backslash (do_like_escape).
Value LikeEscape(Args a, EvalContext&) {
  const std::string &p = a[0].s, &e = a[1].s;
  std::string r;
  if (e.empty()) {
    for (char c : p) {
      if (c == '\\') r += '\\';
      r += c;
    }
    return Value::Str(oid::kText, std::move(r));
  }
  if (Utf8Len(static_cast<unsigned char>(e[0])) != e.size()) {
    throw PgError(sqlstate::kInvalidEscapeSequence, "invalid escape string", "",
                  "Escape string must be empty or one character.");
  }
  if (e == "\\") return Value::Str(oid::kText, p);
  bool after_escape = false;
  for (size_t i = 0; i < p.size();) {
    const size_t len = std::min(Utf8Len(static_cast<unsigned char>(p[i])), p.size() - i);
    if (p.compare(i, len, e) == 0 && !after_escape) {
      r += '\\';
      after_escape = true;
    } else if (p[i] == '\\') {
      r += '\\';
      if (!after_escape) r += '\\';
      after_escape = false;
    } else {
      r.append(p, i, len);
      after_escape = false;
    }
    i += len;
  }
  return Value::Str(oid::kText, std::move(r));
}
Value LikeFn(Args a, EvalContext&) { return Value::Bool(LikeMatch(a[0].s, a[1].s, false)); }
Value NotLikeFn(Args a, EvalContext&) { return Value::Bool(!LikeMatch(a[0].s, a[1].s, false)); }

bool Str(uint32_t t) { return IsStringCategory(t); }
bool Bytes(uint32_t t) { return t == oid::kBytea || t == oid::kUnknown; }
bool Int(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kUnknown; }

}  // namespace

bool ResolveBytesFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  using namespace oid;
  const size_t n = t.size();
  auto set = [&](ScalarFn fn, uint32_t result, std::vector<uint32_t> args) {
    *out = {fn, result, std::move(args)};
    return true;
  };
  if (name == "get_byte" && n == 2 && Bytes(t[0]) && Int(t[1])) return set(GetByte, kInt4, {kBytea, kInt4});
  if (name == "set_byte" && n == 3 && Bytes(t[0]) && Int(t[1]) && Int(t[2])) return set(SetByte, kBytea, {kBytea, kInt4, kInt4});
  if (name == "get_bit" && n == 2 && Bytes(t[0]) && (Int(t[1]) || t[1] == kInt8)) return set(GetBit, kInt4, {kBytea, kInt8});
  if (name == "set_bit" && n == 3 && Bytes(t[0]) && (Int(t[1]) || t[1] == kInt8) && Int(t[2])) {
    return set(SetBit, kBytea, {kBytea, kInt8, kInt4});
  }
  if (name == "bit_count" && n == 1 && Bytes(t[0])) return set(BitCount, kInt8, {kBytea});
  if (name == "convert_from" && n == 2 && Bytes(t[0]) && Str(t[1])) return set(ConvertFrom, kText, {kBytea, kName});
  if (name == "convert_to" && n == 2 && Str(t[0]) && Str(t[1])) return set(ConvertTo, kBytea, {kText, kName});
  if (name == "convert" && n == 3 && Bytes(t[0]) && Str(t[1]) && Str(t[2])) return set(ConvertFn, kBytea, {kBytea, kName, kName});
  if ((name == "getdatabaseencoding" || name == "pg_client_encoding") && n == 0) return set(Utf8Name, kName, {});
  if (name == "unistr" && n == 1 && Str(t[0])) return set(Unistr, kText, {kText});
  if (name == "like_escape" && n == 2 && Str(t[0]) && Str(t[1])) return set(LikeEscape, kText, {kText, kText});
  if ((name == "like" || name == "notlike") && n == 2 && Str(t[0]) && Str(t[1])) {
    return set(name == "like" ? LikeFn : NotLikeFn, kBool, {kText, kText});
  }
  return false;
}

}  // namespace immu::sql
