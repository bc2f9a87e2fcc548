#include "sql/inet.h"

#include <cctype>
#include <cstdio>
#include <optional>

#include "catalog/pg_error.h"

namespace immu::sql {

namespace {

constexpr uint8_t kWireAfInet = 2;   // PGSQL_AF_INET
constexpr uint8_t kWireAfInet6 = 3;  // PGSQL_AF_INET6

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Cursor over the input; Peek() is '\0' at the end, as the C parsers see it.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  char Peek(size_t ahead = 0) const { return i + ahead < s.size() ? s[i + ahead] : '\0'; }
  char Next() { return i < s.size() ? s[i++] : (i++, '\0'); }
};

// IPv4 for inet: dotted decimal octets (1 to 4, each <= 255), then an
// optional /bits (<= 32). Without /bits all four octets are required (/32).
// A mask longer than the octets given is an error. Returns -1 on bad input.
int ParseInet4(std::string_view src, uint8_t* dst) {
  Cursor c{src};
  int octets = 0;
  char ch = c.Next();
  while (IsDigit(ch)) {
    int tmp = 0;
    do {
      tmp = tmp * 10 + (ch - '0');
      if (tmp > 255) return -1;
      ch = c.Next();
    } while (ch != '\0' && IsDigit(ch));
    if (octets == 4) return -1;
    dst[octets++] = static_cast<uint8_t>(tmp);
    if (ch == '\0' || ch == '/') break;
    if (ch != '.') return -1;
    ch = c.Next();
  }
  int bits = -1;
  if (ch == '/' && IsDigit(c.Peek()) && octets > 0) {
    ch = c.Next();
    bits = 0;
    do {
      bits = bits * 10 + (ch - '0');
      if (bits > 255) return -1;
      ch = c.Next();
    } while (ch != '\0' && IsDigit(ch));
    if (ch != '\0' || bits > 32) return -1;
  }
  if (ch != '\0') return -1;
  if (bits == -1) {
    if (octets != 4) return -1;
    bits = 32;
  }
  if (octets == 0 || bits / 8 > octets) return -1;
  for (int k = octets; k < 4; k++) dst[k] = 0;
  return bits;
}

// IPv4 for cidr: also "0x" hex strings, and a missing /bits is inferred from
// the address class, widened to cover the octets given ('10' is 10/8,
// '192.168.1' 192.168.1/24, '224' 224/4).
int ParseCidr4(std::string_view src, uint8_t* dst) {
  Cursor c{src};
  int n = 0;  // bytes written
  char ch = c.Next();
  if (ch == '0' && (c.Peek() == 'x' || c.Peek() == 'X') && HexDigit(c.Peek(1)) >= 0) {
    c.Next();
    int tmp = 0, dirty = 0;
    while ((ch = c.Next()) != '\0' && HexDigit(ch) >= 0) {
      tmp = dirty == 0 ? HexDigit(ch) : (tmp << 4) | HexDigit(ch);
      if (++dirty == 2) {
        if (n == 4) return -1;
        dst[n++] = static_cast<uint8_t>(tmp);
        dirty = 0;
      }
    }
    if (dirty) {
      if (n == 4) return -1;
      dst[n++] = static_cast<uint8_t>(tmp << 4);
    }
  } else if (IsDigit(ch)) {
    for (;;) {
      int tmp = 0;
      do {
        tmp = tmp * 10 + (ch - '0');
        if (tmp > 255) return -1;
        ch = c.Next();
      } while (ch != '\0' && IsDigit(ch));
      if (n == 4) return -1;
      dst[n++] = static_cast<uint8_t>(tmp);
      if (ch == '\0' || ch == '/') break;
      if (ch != '.') return -1;
      ch = c.Next();
      if (!IsDigit(ch)) return -1;
    }
  } else {
    return -1;
  }
  int bits = -1;
  if (ch == '/' && IsDigit(c.Peek()) && n > 0) {
    ch = c.Next();
    bits = 0;
    do {
      bits = bits * 10 + (ch - '0');
      if (bits > 255) return -1;
      ch = c.Next();
    } while (ch != '\0' && IsDigit(ch));
    if (ch != '\0' || bits > 32) return -1;
  }
  if (ch != '\0' || n == 0) return -1;
  if (bits == -1) {
    const uint8_t first = dst[0];
    bits = first >= 240 ? 32 : first >= 224 ? 8 : first >= 192 ? 24 : first >= 128 ? 16 : 8;
    if (bits < n * 8) bits = n * 8;
    if (bits == 8 && first == 224) bits = 4;
  }
  for (int k = n; k < 4; k++) dst[k] = 0;
  return bits;
}

// /bits after an IPv6 address: decimal, no leading zeros, <= 128.
bool ParseV6Bits(std::string_view s, int* bits) {
  if (s.empty()) return false;
  int v = 0;
  for (size_t k = 0; k < s.size(); k++) {
    if (!IsDigit(s[k])) return false;
    if (k > 0 && v == 0) return false;
    v = v * 10 + (s[k] - '0');
    if (v > 128) return false;
  }
  *bits = v;
  return true;
}

// An embedded dotted IPv4 tail of an IPv6 address (may end in /bits):
// up to 4 octets, no leading zeros.
bool ParseV6Dotted(std::string_view s, uint8_t* dst, int* bits) {
  int n = 0, digits = 0;
  unsigned val = 0;
  for (size_t k = 0; k < s.size(); k++) {
    const char ch = s[k];
    if (IsDigit(ch)) {
      if (digits++ != 0 && val == 0) return false;
      val = val * 10 + static_cast<unsigned>(ch - '0');
      if (val > 255) return false;
      continue;
    }
    if (ch == '.' || ch == '/') {
      if (n > 3) return false;
      dst[n++] = static_cast<uint8_t>(val);
      if (ch == '/') return ParseV6Bits(s.substr(k + 1), bits);
      val = 0;
      digits = 0;
      continue;
    }
    return false;
  }
  if (digits == 0 || n > 3) return false;
  dst[n] = static_cast<uint8_t>(val);
  return true;
}

int ParseInet6(std::string_view src, uint8_t* out) {
  uint8_t tmp[16] = {};
  size_t tp = 0;
  std::optional<size_t> colonp;
  size_t i = 0;
  if (i < src.size() && src[i] == ':') {
    if (i + 1 >= src.size() || src[i + 1] != ':') return -1;
    i++;
  }
  size_t curtok = i;
  bool saw_xdigit = false;
  unsigned val = 0;
  int digits = 0, bits = -1;
  while (i < src.size()) {
    const char ch = src[i++];
    if (const int h = HexDigit(ch); h >= 0) {
      val = (val << 4) | static_cast<unsigned>(h);
      if (++digits > 4) return -1;
      saw_xdigit = true;
      continue;
    }
    if (ch == ':') {
      curtok = i;
      if (!saw_xdigit) {
        if (colonp) return -1;
        colonp = tp;
        continue;
      }
      if (i >= src.size() || tp + 2 > 16) return -1;
      tmp[tp++] = static_cast<uint8_t>(val >> 8);
      tmp[tp++] = static_cast<uint8_t>(val);
      saw_xdigit = false;
      digits = 0;
      val = 0;
      continue;
    }
    if (ch == '.' && tp + 4 <= 16 && ParseV6Dotted(src.substr(curtok), tmp + tp, &bits)) {
      tp += 4;
      saw_xdigit = false;
      i = src.size();
      break;
    }
    if (ch == '/' && ParseV6Bits(src.substr(i), &bits)) {
      i = src.size();
      break;
    }
    return -1;
  }
  if (saw_xdigit) {
    if (tp + 2 > 16) return -1;
    tmp[tp++] = static_cast<uint8_t>(val >> 8);
    tmp[tp++] = static_cast<uint8_t>(val);
  }
  if (bits == -1) bits = 128;
  if (colonp) {
    if (tp == 16) return -1;
    const size_t n = tp - *colonp;
    for (size_t k = 1; k <= n; k++) {
      tmp[16 - k] = tmp[*colonp + n - k];
      tmp[*colonp + n - k] = 0;
    }
    tp = 16;
  }
  if (tp != 16) return -1;
  for (int k = 0; k < 16; k++) out[k] = tmp[k];
  return bits;
}

// inet_net_ntop: IPv4 always as four octets; IPv6 with the longest run of
// zero words (two or more) as "::" and embedded IPv4 for ::a.b.c.d and
// ::ffff:a.b.c.d. The /bits suffix is left out at the full length.
std::string NetNtop(const Inet& ip, int bits) {
  char buf[64];
  std::string out;
  if (ip.family == 4) {
    snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip.addr[0], ip.addr[1], ip.addr[2], ip.addr[3]);
    out = buf;
    if (bits != 32) out += "/" + std::to_string(bits);
    return out;
  }
  unsigned words[8];
  for (int k = 0; k < 8; k++) words[k] = (ip.addr[2 * k] << 8) | ip.addr[2 * k + 1];
  int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
  for (int k = 0; k < 8; k++) {
    if (words[k] == 0) {
      if (cur_base == -1) {
        cur_base = k;
        cur_len = 1;
      } else {
        cur_len++;
      }
    } else if (cur_base != -1) {
      if (best_base == -1 || cur_len > best_len) best_base = cur_base, best_len = cur_len;
      cur_base = -1;
    }
  }
  if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) best_base = cur_base, best_len = cur_len;
  if (best_base != -1 && best_len < 2) best_base = -1;
  for (int k = 0; k < 8; k++) {
    if (best_base != -1 && k >= best_base && k < best_base + best_len) {
      if (k == best_base) out += ':';
      continue;
    }
    if (k != 0) out += ':';
    if (k == 6 && best_base == 0 &&
        (best_len == 6 || (best_len == 7 && words[7] != 0x0001) || (best_len == 5 && words[5] == 0xffff))) {
      snprintf(buf, sizeof(buf), "%u.%u.%u.%u", ip.addr[12], ip.addr[13], ip.addr[14], ip.addr[15]);
      out += buf;
      break;
    }
    snprintf(buf, sizeof(buf), "%x", words[k]);
    out += buf;
  }
  if (best_base != -1 && best_base + best_len == 8) out += ':';
  if (bits != 128) out += "/" + std::to_string(bits);
  return out;
}

[[noreturn]] void BadWire(const std::string& msg) { throw PgError(sqlstate::kInvalidBinaryRepresentation, msg); }

}  // namespace

std::string EncodeInet(const Inet& ip) {
  const Inet net = InetNetwork(ip);
  std::string s;
  s.reserve(2 + 2 * static_cast<size_t>(ip.Size()));
  s.push_back(static_cast<char>(ip.family));
  s.append(reinterpret_cast<const char*>(net.addr.data()), static_cast<size_t>(ip.Size()));
  s.push_back(static_cast<char>(ip.bits));
  s.append(reinterpret_cast<const char*>(ip.addr.data()), static_cast<size_t>(ip.Size()));
  return s;
}

Inet DecodeInet(std::string_view s) {
  Inet ip;
  if (s.size() != 10 && s.size() != 34) throw PgError(sqlstate::kDataCorrupted, "stored inet value does not decode");
  ip.family = static_cast<uint8_t>(s[0]);
  const size_t n = static_cast<size_t>(ip.Size());
  ip.bits = static_cast<uint8_t>(s[1 + n]);
  for (size_t k = 0; k < n; k++) ip.addr[k] = static_cast<uint8_t>(s[2 + n + k]);
  return ip;
}

Inet ParseInet(std::string_view text, bool is_cidr) {
  Inet ip;
  ip.family = text.find(':') != std::string_view::npos ? 6 : 4;
  int bits;
  if (ip.family == 6) {
    bits = ParseInet6(text, ip.addr.data());
  } else {
    bits = is_cidr ? ParseCidr4(text, ip.addr.data()) : ParseInet4(text, ip.addr.data());
  }
  if (bits < 0 || bits > ip.MaxBits()) {
    throw PgError(sqlstate::kInvalidTextRepresentation, std::string("invalid input syntax for type ") +
                                                            (is_cidr ? "cidr" : "inet") + ": \"" +
                                                            std::string(text) + "\"");
  }
  ip.bits = static_cast<uint8_t>(bits);
  if (is_cidr && !InetHostBitsZero(ip)) {
    throw PgError(sqlstate::kInvalidTextRepresentation, "invalid cidr value: \"" + std::string(text) + "\"",
                  "Value has bits set to right of mask.");
  }
  return ip;
}

std::string FormatInet(const Inet& ip, bool is_cidr) {
  std::string out = NetNtop(ip, ip.bits);
  if (is_cidr && out.find('/') == std::string::npos) out += "/" + std::to_string(ip.bits);
  return out;
}

std::string InetShow(const Inet& ip) { return FormatInet(ip, true); }

std::string InetHost(const Inet& ip) { return NetNtop(ip, ip.MaxBits()); }

std::string CidrAbbrev(const Inet& ip) {
  const int bits = ip.bits;
  std::string out;
  if (ip.family == 4) {
    if (bits == 0) out = "0";
    for (int b = 0; b < bits / 8; b++) {
      if (b > 0) out += '.';
      out += std::to_string(ip.addr[static_cast<size_t>(b)]);
    }
    if (bits % 8 > 0) {
      if (!out.empty()) out += '.';
      const unsigned m = ((1u << (bits % 8)) - 1) << (8 - bits % 8);
      out += std::to_string(ip.addr[static_cast<size_t>(bits / 8)] & m);
    }
    return out + "/" + std::to_string(bits);
  }
  if (bits == 0) return "::/0";
  uint8_t s[16] = {};
  const int p = (bits + 7) / 8;
  for (int k = 0; k < p; k++) s[k] = ip.addr[static_cast<size_t>(k)];
  if (bits % 8 != 0) s[p - 1] &= static_cast<uint8_t>(0xff << (8 - bits % 8));
  int words = (bits + 15) / 16;
  if (words == 1) words = 2;
  // The longest run of zero words among those displayed (the first wins).
  int zero_s = 0, zero_l = 0, tmp_s = 0, tmp_l = 0;
  for (int w = 0; w < words; w++) {
    if ((s[2 * w] | s[2 * w + 1]) == 0) {
      if (tmp_l == 0) tmp_s = w;
      tmp_l++;
    } else if (tmp_l && zero_l < tmp_l) {
      zero_s = tmp_s;
      zero_l = tmp_l;
      tmp_l = 0;
    }
  }
  if (tmp_l && zero_l < tmp_l) zero_s = tmp_s, zero_l = tmp_l;
  const bool is_ipv4 = zero_l != words && zero_s == 0 &&
                       (zero_l == 6 || (zero_l == 5 && s[10] == 0xff && s[11] == 0xff) ||
                        (zero_l == 7 && s[14] != 0 && s[15] != 1));
  char buf[16];
  for (int w = 0; w < words; w++) {
    if (zero_l != 0 && w >= zero_s && w < zero_s + zero_l) {
      if (w == zero_s) out += ':';
      if (w == words - 1) out += ':';
      continue;
    }
    if (is_ipv4 && w > 5) {
      out += w == 6 ? ':' : '.';
      out += std::to_string(s[2 * w]);
      if (w != 7 || bits > 120) out += "." + std::to_string(s[2 * w + 1]);
    } else {
      if (!out.empty()) out += ':';
      snprintf(buf, sizeof(buf), "%x", (s[2 * w] << 8) | s[2 * w + 1]);
      out += buf;
    }
  }
  return out + "/" + std::to_string(bits);
}

void AppendInetBinary(const Inet& ip, bool is_cidr, std::string* out) {
  out->push_back(static_cast<char>(ip.family == 4 ? kWireAfInet : kWireAfInet6));
  out->push_back(static_cast<char>(ip.bits));
  out->push_back(is_cidr ? 1 : 0);
  out->push_back(static_cast<char>(ip.Size()));
  out->append(reinterpret_cast<const char*>(ip.addr.data()), static_cast<size_t>(ip.Size()));
}

Inet InetFromBinary(std::string_view data, bool is_cidr) {
  const std::string name = is_cidr ? "cidr" : "inet";
  size_t pos = 0;
  auto byte = [&]() -> uint8_t {
    if (pos >= data.size()) throw PgError(sqlstate::kProtocolViolation, "insufficient data left in message");
    return static_cast<uint8_t>(data[pos++]);
  };
  Inet ip;
  const uint8_t family = byte();
  if (family != kWireAfInet && family != kWireAfInet6) {
    BadWire("invalid address family in external \"" + name + "\" value");
  }
  ip.family = family == kWireAfInet ? 4 : 6;
  const uint8_t bits = byte();
  if (bits > ip.MaxBits()) BadWire("invalid bits in external \"" + name + "\" value");
  ip.bits = bits;
  byte();  // is_cidr: ignored, as PostgreSQL does
  if (byte() != ip.Size()) BadWire("invalid length in external \"" + name + "\" value");
  for (int k = 0; k < ip.Size(); k++) ip.addr[static_cast<size_t>(k)] = byte();
  if (pos != data.size()) BadWire("incorrect binary data format in bind parameter");
  if (is_cidr && !InetHostBitsZero(ip)) {
    throw PgError(sqlstate::kInvalidBinaryRepresentation, "invalid external \"cidr\" value",
                  "Value has bits set to right of mask.");
  }
  return ip;
}

int InetBitCompare(const Inet& a, const Inet& b, int bits) {
  size_t k = 0;
  for (; bits >= 8; bits -= 8, k++) {
    if (a.addr[k] != b.addr[k]) return a.addr[k] < b.addr[k] ? -1 : 1;
  }
  if (bits > 0) {
    const uint8_t m = static_cast<uint8_t>(0xff << (8 - bits));
    const uint8_t x = a.addr[k] & m, y = b.addr[k] & m;
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

bool InetHostBitsZero(const Inet& ip) {
  const Inet net = InetNetwork(ip);
  return net.addr == ip.addr;
}

Inet InetNetwork(const Inet& ip) {
  Inet out = ip;
  for (int k = 0; k < 16; k++) {
    const int keep = ip.bits - 8 * k;  // mask bits falling in byte k
    const auto idx = static_cast<size_t>(k);
    if (k >= ip.Size() || keep <= 0) {
      out.addr[idx] = 0;
    } else if (keep < 8) {
      out.addr[idx] &= static_cast<uint8_t>(0xff << (8 - keep));
    }
  }
  return out;
}

}  // namespace immu::sql
