#include "sql/macaddr.h"

#include <cctype>
#include <cstdio>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
bool IsSpace(char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; }

[[noreturn]] void BadInput(const char* type, std::string_view text) {
  throw PgError(sqlstate::kInvalidTextRepresentation,
                std::string("invalid input syntax for type ") + type + ": \"" + std::string(text) + "\"");
}

// One layout of macaddr_in's sscanf patterns: 'h' is "%2x" (blanks, then
// one or two hex digits), any other character must appear literally; after
// the six groups only blanks may follow (the pattern's trailing "%1s").
bool MatchLayout(std::string_view text, const char* layout, uint8_t* out) {
  size_t i = 0;
  int group = 0;
  for (const char* p = layout; *p != '\0'; p++) {
    if (*p != 'h') {
      if (i >= text.size() || text[i] != *p) return false;
      i++;
      continue;
    }
    while (i < text.size() && IsSpace(text[i])) i++;
    int v = 0, digits = 0;
    while (digits < 2 && i < text.size() && HexDigit(text[i]) >= 0) {
      v = v * 16 + HexDigit(text[i++]);
      digits++;
    }
    if (digits == 0) return false;
    out[group++] = static_cast<uint8_t>(v);
  }
  while (i < text.size() && IsSpace(text[i])) i++;
  return i == text.size() && group == 6;
}

}  // namespace

std::string ParseMacaddr(std::string_view text) {
  static const char* const kLayouts[] = {"h:h:h:h:h:h", "h-h-h-h-h-h", "hhh:hhh", "hhh-hhh",
                                         "hh.hh.hh",    "hh-hh-hh",    "hhhhhh"};
  uint8_t b[6];
  for (const char* layout : kLayouts) {
    if (MatchLayout(text, layout, b)) return std::string(reinterpret_cast<const char*>(b), 6);
  }
  BadInput("macaddr", text);
}

std::string ParseMacaddr8(std::string_view text) {
  uint8_t b[8] = {};
  size_t i = 0;
  auto at = [&](size_t k) { return k < text.size() ? text[k] : '\0'; };
  while (at(i) != '\0' && IsSpace(at(i))) i++;
  int count = 0;
  char spacer = '\0';
  // Pairs of hex digits; a lone last character ends the loop unread, as in
  // PostgreSQL's macaddr8_in.
  while (at(i) != '\0' && at(i + 1) != '\0') {
    const int hi = HexDigit(at(i)), lo = HexDigit(at(i + 1));
    if (hi < 0 || lo < 0 || count >= 8) BadInput("macaddr8", text);
    b[count++] = static_cast<uint8_t>(hi * 16 + lo);
    i += 2;
    const char c = at(i);
    if (c == ':' || c == '-' || c == '.') {
      if (spacer == '\0') {
        spacer = c;
      } else if (spacer != c) {
        BadInput("macaddr8", text);
      }
      i++;
    }
    if ((count == 6 || count == 8) && IsSpace(at(i))) {
      while (at(i) != '\0' && IsSpace(at(i))) i++;
      if (at(i) != '\0') BadInput("macaddr8", text);
    }
  }
  if (count == 6) {
    b[7] = b[5];
    b[6] = b[4];
    b[5] = b[3];
    b[3] = 0xff;
    b[4] = 0xfe;
  } else if (count != 8) {
    BadInput("macaddr8", text);
  }
  return std::string(reinterpret_cast<const char*>(b), 8);
}

std::string FormatMacaddr(std::string_view bytes) {
  std::string out;
  char buf[4];
  for (size_t k = 0; k < bytes.size(); k++) {
    snprintf(buf, sizeof(buf), "%02x", static_cast<unsigned char>(bytes[k]));
    if (k > 0) out += ':';
    out += buf;
  }
  return out;
}

std::string MacaddrToMacaddr8(std::string_view m) {
  std::string out(m.substr(0, 3));
  out += '\xff';
  out += '\xfe';
  out += m.substr(3, 3);
  return out;
}

std::string Macaddr8ToMacaddr(std::string_view m) {
  if (static_cast<uint8_t>(m[3]) != 0xff || static_cast<uint8_t>(m[4]) != 0xfe) {
    throw PgError(sqlstate::kNumericValueOutOfRange, "macaddr8 data out of range to convert to macaddr",
                  "",
                  "Only addresses that have FF and FE as values in the 4th and 5th bytes from the left, for "
                  "example xx:xx:xx:ff:fe:xx:xx:xx, are eligible to be converted from macaddr8 to macaddr.");
  }
  std::string out(m.substr(0, 3));
  out += m.substr(5, 3);
  return out;
}

}  // namespace immu::sql
