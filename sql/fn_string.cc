// String and binary-string functions of PostgreSQL 15 (varlena.c,
// oracle_compat.c, encode.c): characters are UTF-8 code points, as in a
// UTF8 database; errors carry PostgreSQL's SQLSTATEs and texts.

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "catalog/pg_error.h"
#include "sql/fn_library.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

Value Text(std::string s) { return Value::Str(oid::kText, std::move(s)); }

// UTF-8 character boundaries: offsets of each character's first byte.
std::vector<size_t> CharStarts(std::string_view s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size(); i++) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
  }
  return out;
}
std::vector<std::string_view> Chars(std::string_view s) {
  std::vector<std::string_view> out;
  const std::vector<size_t> starts = CharStarts(s);
  for (size_t i = 0; i < starts.size(); i++) {
    const size_t end = i + 1 < starts.size() ? starts[i + 1] : s.size();
    out.push_back(s.substr(starts[i], end - starts[i]));
  }
  return out;
}
std::string_view StrOf(const Value& v, std::string* buf, EvalContext& ctx) {
  if (IsStringCategory(v.type) || v.type == oid::kBytea) return v.s;
  *buf = ToText(v, ctx.vc);
  return *buf;
}

Value ConcatWs(Args a, EvalContext& ctx) {
  if (a[0].null) return Value::Null(oid::kText);
  std::string out, buf;
  bool first = true;
  for (size_t i = 1; i < a.size(); i++) {
    if (a[i].null) continue;
    if (!first) out += a[0].s;
    first = false;
    out += StrOf(a[i], &buf, ctx);
  }
  return Text(std::move(out));
}

Value Reverse(Args a, EvalContext&) {
  std::string out;
  const auto chars = Chars(a[0].s);
  for (auto it = chars.rbegin(); it != chars.rend(); ++it) out += *it;
  return Text(std::move(out));
}

// lpad/rpad(s, len [, fill]): s cut or filled to len characters.
Value Pad(Args a, bool left) {
  const int64_t len = std::max<int64_t>(a[1].i, 0);
  const std::string fill = a.size() > 2 ? a[2].s : " ";
  // As PostgreSQL: len * 4 (UTF-8's longest character) must fit in 1 GB.
  if (len * 4 + 4 >= (int64_t{1} << 30)) throw PgError("54000", "requested length too large");
  const auto chars = Chars(a[0].s);
  const auto fill_chars = Chars(fill);
  if (static_cast<int64_t>(chars.size()) >= len || fill_chars.empty()) {
    std::string out;
    for (int64_t i = 0; i < std::min<int64_t>(len, static_cast<int64_t>(chars.size())); i++) out += chars[i];
    return Text(std::move(out));
  }
  std::string pad;
  for (int64_t i = 0; i < len - static_cast<int64_t>(chars.size()); i++) pad += fill_chars[i % fill_chars.size()];
  return Text(left ? pad + a[0].s : a[0].s + pad);
}
Value Lpad(Args a, EvalContext&) { return Pad(a, true); }
Value Rpad(Args a, EvalContext&) { return Pad(a, false); }

Value SplitPart(Args a, EvalContext&) {
  const std::string &s = a[0].s, &delim = a[1].s;
  int64_t n = a[2].i;
  if (n == 0) throw PgError(sqlstate::kInvalidParameterValue, "field position must not be zero");
  if (s.empty()) return Text("");
  if (delim.empty()) return Text(n == 1 || n == -1 ? s : "");
  std::vector<std::string_view> fields;
  size_t pos = 0, hit;
  while ((hit = s.find(delim, pos)) != std::string::npos) {
    fields.push_back(std::string_view(s).substr(pos, hit - pos));
    pos = hit + delim.size();
  }
  fields.push_back(std::string_view(s).substr(pos));
  const int64_t count = static_cast<int64_t>(fields.size());
  if (n < 0) n = count + n + 1;
  if (n < 1 || n > count) return Text("");
  return Text(std::string(fields[static_cast<size_t>(n - 1)]));
}

// initcap: the first letter of each run of alphanumerics upper case, the
// rest lower case; as PostgreSQL in the C locale, only ASCII letters change
// case and non-ASCII characters separate words.
Value Initcap(Args a, EvalContext&) {
  std::string out = a[0].s;
  bool in_word = false;
  for (char& c : out) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (u >= 0x80) {  // non-ASCII: kept, and not alphanumeric (C locale)
      in_word = false;
      continue;
    }
    c = static_cast<char>(in_word ? std::tolower(u) : std::toupper(u));
    in_word = std::isalnum(u) != 0;
  }
  return Text(std::move(out));
}

// overlay(s placing r from start [for count]).
Value Overlay(Args a, EvalContext&) {
  const auto chars = Chars(a[0].s);
  const int64_t start = a[2].i;
  const int64_t count = a.size() > 3 ? a[3].i : static_cast<int64_t>(Chars(a[1].s).size());
  const int64_t after = start + count;
  if (after > INT32_MAX || after < INT32_MIN) throw PgError(sqlstate::kNumericValueOutOfRange, "integer out of range");
  if (start < 1) throw PgError("22011", "negative substring length not allowed");
  std::string out;
  const int64_t n = static_cast<int64_t>(chars.size());
  for (int64_t i = 0; i < std::min(start - 1, n); i++) out += chars[i];
  out += a[1].s;
  for (int64_t i = std::max<int64_t>(after - 1, 0); i < n; i++) out += chars[i];
  return Text(std::move(out));
}

Value Chr(Args a, EvalContext&) {
  const int64_t c = a[0].i;
  if (c < 0) throw PgError("54000", "character number must be positive");
  if (c == 0) throw PgError("54000", "null character not permitted");
  if (c > 0x10FFFF) throw PgError("54000", "requested character too large for encoding: " + std::to_string(c));
  if (c >= 0xD800 && c <= 0xDFFF) throw PgError("54000", "requested character not valid for encoding: " + std::to_string(c));
  std::string out;
  const auto u = static_cast<uint32_t>(c);
  if (u < 0x80) {
    out += static_cast<char>(u);
  } else if (u < 0x800) {
    out += static_cast<char>(0xC0 | (u >> 6));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else if (u < 0x10000) {
    out += static_cast<char>(0xE0 | (u >> 12));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (u >> 18));
    out += static_cast<char>(0x80 | ((u >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((u >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (u & 0x3F));
  }
  return Text(std::move(out));
}

Value Ascii(Args a, EvalContext&) {
  const std::string& s = a[0].s;
  if (s.empty()) return Value::Int(oid::kInt4, 0);
  const auto b = static_cast<unsigned char>(s[0]);
  int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
  uint32_t cp = len == 1 ? b : len == 2 ? (b & 0x1F) : len == 3 ? (b & 0x0F) : (b & 0x07);
  for (int i = 1; i < len && i < static_cast<int>(s.size()); i++) cp = (cp << 6) | (static_cast<unsigned char>(s[i]) & 0x3F);
  return Value::Int(oid::kInt4, cp);
}

Value BitLength(Args a, EvalContext&) { return Value::Int(oid::kInt4, static_cast<int64_t>(a[0].s.size()) * 8); }

Value Translate(Args a, EvalContext&) {
  const auto from = Chars(a[1].s), to = Chars(a[2].s);
  std::string out;
  for (std::string_view c : Chars(a[0].s)) {
    const auto it = std::find(from.begin(), from.end(), c);
    if (it == from.end()) {
      out += c;
    } else if (const size_t i = static_cast<size_t>(it - from.begin()); i < to.size()) {
      out += to[i];
    }
  }
  return Text(std::move(out));
}

Value StartsWith(Args a, EvalContext&) { return Value::Bool(std::string_view(a[0].s).starts_with(a[1].s)); }

Value ToHex(Args a, EvalContext&) {
  char buf[32];
  if (a[0].type == oid::kInt8) std::snprintf(buf, sizeof buf, "%llx", static_cast<unsigned long long>(a[0].i));
  else std::snprintf(buf, sizeof buf, "%x", static_cast<uint32_t>(a[0].i));
  return Text(buf);
}

std::string Digest(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out, &len, md, nullptr) != 1) {
    throw PgError("XX000", "could not compute digest");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}
std::string Hex(std::string_view bytes) {
  static const char* kHex = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}
Value Md5(Args a, EvalContext&) { return Text(Hex(Digest(EVP_md5(), a[0].s))); }
Value Sha224(Args a, EvalContext&) { return Value::Str(oid::kBytea, Digest(EVP_sha224(), a[0].s)); }
Value Sha256(Args a, EvalContext&) { return Value::Str(oid::kBytea, Digest(EVP_sha256(), a[0].s)); }
Value Sha384(Args a, EvalContext&) { return Value::Str(oid::kBytea, Digest(EVP_sha384(), a[0].s)); }
Value Sha512(Args a, EvalContext&) { return Value::Str(oid::kBytea, Digest(EVP_sha512(), a[0].s)); }

// ---- encode / decode (hex, base64, escape) ----------------------------------------
const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

[[noreturn]] void BadEncoding(const std::string& name) {
  throw PgError(sqlstate::kInvalidParameterValue, "unrecognized encoding: \"" + name + "\"");
}
std::string LowerAscii(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// base64 as PostgreSQL writes it: a newline after every 76 characters.
std::string Base64Encode(std::string_view in) {
  std::string out;
  size_t line = 0;
  for (size_t i = 0; i < in.size(); i += 3) {
    uint32_t buf = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) buf |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) buf |= static_cast<unsigned char>(in[i + 2]);
    out += kB64[(buf >> 18) & 63];
    out += kB64[(buf >> 12) & 63];
    out += i + 1 < in.size() ? kB64[(buf >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kB64[buf & 63] : '=';
    line += 4;
    if (line >= 76 && i + 3 <= in.size()) {  // also after a last full group, as PostgreSQL
      out += '\n';
      line = 0;
    }
  }
  return out;
}
std::string Base64Decode(std::string_view in) {
  std::string out;
  uint32_t buf = 0;
  int pos = 0, end = 0;
  for (size_t i = 0; i < in.size(); i++) {
    const char c = in[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    int b;
    if (c == '=') {
      if (end == 0) {
        if (pos == 2) end = 1;
        else if (pos == 3) end = 2;
        else throw PgError(sqlstate::kInvalidParameterValue, "unexpected \"=\" while decoding base64 sequence");
      }
      b = 0;
    } else {
      const char* p = c != 0 ? std::strchr(kB64, c) : nullptr;
      if (p == nullptr) {
        size_t len = 1;
        while (i + len < in.size() && (static_cast<unsigned char>(in[i + len]) & 0xC0) == 0x80) len++;
        throw PgError(sqlstate::kInvalidParameterValue,
                      "invalid symbol \"" + std::string(in.substr(i, len)) + "\" found while decoding base64 sequence");
      }
      b = static_cast<int>(p - kB64);
    }
    buf = (buf << 6) + static_cast<uint32_t>(b);
    if (++pos == 4) {
      out += static_cast<char>((buf >> 16) & 255);
      if (end == 0 || end > 1) out += static_cast<char>((buf >> 8) & 255);
      if (end == 0 || end > 2) out += static_cast<char>(buf & 255);
      buf = 0;
      pos = 0;
    }
  }
  if (pos != 0) {
    throw PgError(sqlstate::kInvalidParameterValue, "invalid base64 end sequence", "",
                  "Input data is missing padding, is truncated, or is otherwise corrupted.");
  }
  return out;
}
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
std::string HexDecode(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size();) {
    if (in[i] == ' ' || in[i] == '\n' || in[i] == '\t' || in[i] == '\r') {
      i++;
      continue;
    }
    auto digit = [&](size_t at) {
      const int d = HexDigit(in[at]);
      if (d < 0) {
        size_t len = 1;
        while (at + len < in.size() && (static_cast<unsigned char>(in[at + len]) & 0xC0) == 0x80) len++;
        throw PgError(sqlstate::kInvalidParameterValue, "invalid hexadecimal digit: \"" + std::string(in.substr(at, len)) + "\"");
      }
      return d;
    };
    const int hi = digit(i);
    if (i + 1 >= in.size()) throw PgError(sqlstate::kInvalidParameterValue, "invalid hexadecimal data: odd number of digits");
    out += static_cast<char>(hi << 4 | digit(i + 1));
    i += 2;
  }
  return out;
}
std::string EscapeEncode(std::string_view in) {
  std::string out;
  for (unsigned char c : in) {
    if (c == 0 || c >= 0x80) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%03o", c);
      out += buf;
    } else if (c == '\\') {
      out += "\\\\";
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}
std::string EscapeDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '\\') {
      out += s[i++];
    } else if (i + 3 < s.size() && s[i + 1] >= '0' && s[i + 1] <= '3' && s[i + 2] >= '0' && s[i + 2] <= '7' &&
               s[i + 3] >= '0' && s[i + 3] <= '7') {
      out += static_cast<char>(((s[i + 1] - '0') << 6) | ((s[i + 2] - '0') << 3) | (s[i + 3] - '0'));
      i += 4;
    } else if (i + 1 < s.size() && s[i + 1] == '\\') {
      out += '\\';
      i += 2;
    } else {
      throw PgError(sqlstate::kInvalidTextRepresentation, "invalid input syntax for type bytea");
    }
  }
  return out;
}
Value Encode(Args a, EvalContext&) {
  const std::string fmt = LowerAscii(a[1].s);
  if (fmt == "hex") return Text(Hex(a[0].s));
  if (fmt == "base64") return Text(Base64Encode(a[0].s));
  if (fmt == "escape") return Text(EscapeEncode(a[0].s));
  BadEncoding(a[1].s);
}
Value Decode(Args a, EvalContext&) {
  const std::string fmt = LowerAscii(a[1].s);
  if (fmt == "hex") return Value::Str(oid::kBytea, HexDecode(a[0].s));
  if (fmt == "base64") return Value::Str(oid::kBytea, Base64Decode(a[0].s));
  if (fmt == "escape") return Value::Str(oid::kBytea, EscapeDecode(a[0].s));
  BadEncoding(a[1].s);
}

// num_nulls / num_nonnulls (VARIADIC "any").
Value NumNulls(Args a, EvalContext&) {
  return Value::Int(oid::kInt4, std::count_if(a.begin(), a.end(), [](const Value& v) { return v.null; }));
}
Value NumNonNulls(Args a, EvalContext&) {
  return Value::Int(oid::kInt4, std::count_if(a.begin(), a.end(), [](const Value& v) { return !v.null; }));
}

struct Entry {
  const char* name;
  ScalarFn fn;
  uint32_t result;
  std::vector<uint32_t> args;
};

const std::vector<Entry>& Entries() {
  using namespace oid;
  static const std::vector<Entry> k = {
      {"reverse", Reverse, kText, {kText}},
      {"lpad", Lpad, kText, {kText, kInt4}},
      {"lpad", Lpad, kText, {kText, kInt4, kText}},
      {"rpad", Rpad, kText, {kText, kInt4}},
      {"rpad", Rpad, kText, {kText, kInt4, kText}},
      {"split_part", SplitPart, kText, {kText, kText, kInt4}},
      {"initcap", Initcap, kText, {kText}},
      {"overlay", Overlay, kText, {kText, kText, kInt4}},
      {"overlay", Overlay, kText, {kText, kText, kInt4, kInt4}},
      {"chr", Chr, kText, {kInt4}},
      {"translate", Translate, kText, {kText, kText, kText}},
      {"starts_with", StartsWith, kBool, {kText, kText}},
      {"sha224", Sha224, kBytea, {kBytea}},
      {"sha256", Sha256, kBytea, {kBytea}},
      {"sha384", Sha384, kBytea, {kBytea}},
      {"sha512", Sha512, kBytea, {kBytea}},
      {"encode", Encode, kText, {kBytea, kText}},
      {"decode", Decode, kBytea, {kText, kText}},
  };
  return k;
}

bool Accepts(uint32_t want, uint32_t got) {
  if (got == want || got == oid::kUnknown) return true;
  if (want == oid::kText) return IsStringCategory(got);
  if (want == oid::kInt4) return got == oid::kInt2;
  return false;
}

}  // namespace

bool ResolveStringFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  const size_t n = t.size();
  if (name == "concat_ws" && n >= 2) {
    std::vector<uint32_t> args(n, 0);
    args[0] = oid::kText;
    *out = {ConcatWs, oid::kText, std::move(args), false};
    return true;
  }
  if (name == "num_nulls" || name == "num_nonnulls") {
    if (n == 0) return false;
    *out = {name == "num_nulls" ? NumNulls : NumNonNulls, oid::kInt4, std::vector<uint32_t>(n, 0), false};
    return true;
  }
  if (name == "textlen" && n == 1 && Accepts(oid::kText, t[0])) return *out = ResolveFunction("length", t), true;
  if (name == "ascii" && n == 1 && Accepts(oid::kText, t[0])) return *out = {Ascii, oid::kInt4, {oid::kText}}, true;
  if (name == "md5" && n == 1 && (t[0] == oid::kBytea || Accepts(oid::kText, t[0]))) {
    return *out = {Md5, oid::kText, {t[0] == oid::kBytea ? oid::kBytea : oid::kText}}, true;
  }
  if (name == "bit_length" && n == 1 && (t[0] == oid::kBytea || Accepts(oid::kText, t[0]))) {
    return *out = {BitLength, oid::kInt4, {t[0] == oid::kBytea ? oid::kBytea : oid::kText}}, true;
  }
  if (name == "to_hex" && n == 1 && (t[0] == oid::kInt8 || t[0] == oid::kInt4 || t[0] == oid::kInt2 || t[0] == oid::kUnknown)) {
    const uint32_t it = t[0] == oid::kInt8 ? oid::kInt8 : oid::kInt4;
    return *out = {ToHex, oid::kText, {it}}, true;
  }
  for (const Entry& e : Entries()) {
    if (name != e.name || e.args.size() != n) continue;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++) ok = Accepts(e.args[i], t[i]);
    if (!ok) continue;
    *out = {e.fn, e.result, e.args};
    return true;
  }
  return false;
}

}  // namespace immu::sql
