// PostgreSQL 15's network address functions and operators (inet, cidr,
// macaddr, macaddr8) and the casts between them, over sql/inet.h and
// sql/macaddr.h. Arguments of type cidr take the inet overloads (cidr ->
// inet is an implicit, binary-coercible cast), so results are inet unless
// PostgreSQL declares cidr (network, inet_merge, set_masklen(cidr, int)).

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "catalog/pg_error.h"
#include "sql/cluster.h"
#include "sql/fn_library.h"
#include "sql/inet.h"
#include "sql/macaddr.h"
#include "sql/value_io.h"

namespace immu::sql {

namespace {

using Args = std::span<const Value>;

bool InetLike(uint32_t t) { return t == oid::kInet || t == oid::kCidr; }
bool MacLike(uint32_t t) { return t == oid::kMacaddr || t == oid::kMacaddr8; }
bool IntLike(uint32_t t) { return t == oid::kInt2 || t == oid::kInt4 || t == oid::kInt8; }
bool IsTextType(uint32_t t) { return t == oid::kText || t == oid::kVarchar || t == oid::kBpchar; }

Inet In(const Value& v) { return DecodeInet(v.s); }
Value InetV(const Inet& ip, uint32_t type = oid::kInet) { return Value::Str(type, EncodeInet(ip)); }

[[noreturn]] void InvalidParam(const std::string& msg) { throw PgError(sqlstate::kInvalidParameterValue, msg); }
[[noreturn]] void OutOfRange() { throw PgError(sqlstate::kNumericValueOutOfRange, "result is out of range"); }

// ---- containment -----------------------------------------------------------------
// a << b: a is inside network b and strictly smaller; <<= allows equal;
// >> and >>= the other way round; && either contains the other.
Value Sub(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  return Value::Bool(x.family == y.family && x.bits > y.bits && InetBitCompare(x, y, y.bits) == 0);
}
Value SubEq(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  return Value::Bool(x.family == y.family && x.bits >= y.bits && InetBitCompare(x, y, y.bits) == 0);
}
Value Sup(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  return Value::Bool(x.family == y.family && x.bits < y.bits && InetBitCompare(x, y, x.bits) == 0);
}
Value SupEq(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  return Value::Bool(x.family == y.family && x.bits <= y.bits && InetBitCompare(x, y, x.bits) == 0);
}
Value Overlap(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  return Value::Bool(x.family == y.family && InetBitCompare(x, y, std::min(x.bits, y.bits)) == 0);
}

// ---- bitwise -----------------------------------------------------------------------
Value InetNot(Args a, EvalContext&) {
  Inet x = In(a[0]);
  for (int k = 0; k < x.Size(); k++) x.addr[static_cast<size_t>(k)] = static_cast<uint8_t>(~x.addr[static_cast<size_t>(k)]);
  return InetV(x);
}
Value InetBits(Args a, bool is_and) {
  Inet x = In(a[0]);
  const Inet y = In(a[1]);
  if (x.family != y.family) {
    InvalidParam(std::string("cannot ") + (is_and ? "AND" : "OR") + " inet values of different sizes");
  }
  for (int k = 0; k < x.Size(); k++) {
    const auto i = static_cast<size_t>(k);
    x.addr[i] = is_and ? x.addr[i] & y.addr[i] : x.addr[i] | y.addr[i];
  }
  x.bits = std::max(x.bits, y.bits);
  return InetV(x);
}
Value InetAnd(Args a, EvalContext&) { return InetBits(a, true); }
Value InetOr(Args a, EvalContext&) { return InetBits(a, false); }

// ---- arithmetic --------------------------------------------------------------------
// The address as a big-endian number plus a signed 64-bit addend; leaving
// the address width is "result is out of range".
Inet InetPlus(Inet x, int64_t addend) {
  int carry = 0;
  // Two's complement bytes of the addend, sign-extended past 8 bytes.
  const auto u = static_cast<uint64_t>(addend);
  const int fill = addend < 0 ? 0xff : 0;
  for (int k = x.Size() - 1, byte = 0; k >= 0; k--, byte++) {
    const int add = byte < 8 ? static_cast<int>((u >> (8 * byte)) & 0xff) : fill;
    carry = x.addr[static_cast<size_t>(k)] + add + carry;
    x.addr[static_cast<size_t>(k)] = static_cast<uint8_t>(carry & 0xff);
    carry >>= 8;
  }
  // The bytes of the addend beyond the address must be its sign extension,
  // and the final carry must match the sign (PostgreSQL's check).
  bool ok = true;
  if (x.Size() < 8) {
    const int64_t rest = addend >> (8 * x.Size());  // arithmetic shift
    ok = (rest == 0 && carry == 0) || (rest == -1 && carry == 1);
  } else {
    ok = (addend >= 0 && carry == 0) || (addend < 0 && carry == 1);
  }
  if (!ok) OutOfRange();
  return x;
}
Value InetPlusInt(Args a, EvalContext&) { return InetV(InetPlus(In(a[0]), a[1].i)); }
Value IntPlusInet(Args a, EvalContext&) { return InetV(InetPlus(In(a[1]), a[0].i)); }
Value InetMinusInt(Args a, EvalContext&) {
  if (a[1].i == INT64_MIN) OutOfRange();
  return InetV(InetPlus(In(a[0]), -a[1].i));
}
// inet - inet: the difference of the addresses as int8, computed byte by
// byte as a + ~b + 1; wider results than int8 are out of range.
Value InetMinusInet(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  if (x.family != y.family) InvalidParam("cannot subtract inet values of different sizes");
  int64_t res = 0;
  int carry = 1;
  int byte = 0;
  for (int k = x.Size() - 1; k >= 0; k--, byte++) {
    const auto i = static_cast<size_t>(k);
    carry = x.addr[i] + (~y.addr[i] & 0xff) + carry;
    const int lobyte = carry & 0xff;
    if (byte < 8) {
      res = static_cast<int64_t>(static_cast<uint64_t>(res) | (static_cast<uint64_t>(lobyte) << (byte * 8)));
    } else if (res < 0 ? lobyte != 0xff : lobyte != 0) {
      OutOfRange();
    }
    carry >>= 8;
  }
  if (carry == 0 && byte < 8) res = static_cast<int64_t>(static_cast<uint64_t>(res) | (~uint64_t{0} << (byte * 8)));
  return Value::Int(oid::kInt8, res);
}

// ---- functions ---------------------------------------------------------------------
Value AbbrevInet(Args a, EvalContext&) { return Value::Str(oid::kText, FormatInet(In(a[0]), false)); }
Value AbbrevCidr(Args a, EvalContext&) { return Value::Str(oid::kText, CidrAbbrev(In(a[0]))); }
Value Broadcast(Args a, EvalContext&) {
  Inet x = In(a[0]);
  for (int k = 0; k < x.Size(); k++) {
    const int keep = x.bits - 8 * k;
    if (keep < 8) x.addr[static_cast<size_t>(k)] |= static_cast<uint8_t>(keep <= 0 ? 0xff : 0xff >> keep);
  }
  return InetV(x);
}
Value Family(Args a, EvalContext&) { return Value::Int(oid::kInt4, In(a[0]).family); }
Value Host(Args a, EvalContext&) { return Value::Str(oid::kText, InetHost(In(a[0]))); }
Inet MaskOf(const Inet& x, bool host) {
  Inet m = x;
  m.addr = {};
  for (int k = 0; k < x.Size(); k++) {
    const int keep = x.bits - 8 * k;
    const uint8_t net = keep >= 8 ? 0xff : keep <= 0 ? 0 : static_cast<uint8_t>(0xff << (8 - keep));
    m.addr[static_cast<size_t>(k)] = host ? static_cast<uint8_t>(~net) : net;
  }
  m.bits = static_cast<uint8_t>(x.MaxBits());
  return m;
}
Value Netmask(Args a, EvalContext&) { return InetV(MaskOf(In(a[0]), false)); }
Value Hostmask(Args a, EvalContext&) { return InetV(MaskOf(In(a[0]), true)); }
Value Masklen(Args a, EvalContext&) { return Value::Int(oid::kInt4, In(a[0]).bits); }
Value Network(Args a, EvalContext&) { return InetV(InetNetwork(In(a[0])), oid::kCidr); }
Value Show(Args a, EvalContext&) { return Value::Str(oid::kText, InetShow(In(a[0]))); }
Value SameFamily(Args a, EvalContext&) { return Value::Bool(In(a[0]).family == In(a[1]).family); }
Inet WithMasklen(Inet x, int64_t bits) {
  if (bits == -1) bits = x.MaxBits();
  if (bits < 0 || bits > x.MaxBits()) InvalidParam("invalid mask length: " + std::to_string(bits));
  x.bits = static_cast<uint8_t>(bits);
  return x;
}
Value SetMasklenInet(Args a, EvalContext&) { return InetV(WithMasklen(In(a[0]), a[1].i)); }
Value SetMasklenCidr(Args a, EvalContext&) { return InetV(InetNetwork(WithMasklen(In(a[0]), a[1].i)), oid::kCidr); }
// The smallest network containing both.
Value Merge(Args a, EvalContext&) {
  const Inet x = In(a[0]), y = In(a[1]);
  if (x.family != y.family) InvalidParam("cannot merge addresses from different families");
  int common = 0;
  const int limit = std::min(x.bits, y.bits);
  while (common < limit && InetBitCompare(x, y, common + 1) == 0) common++;
  Inet r = x;
  r.bits = static_cast<uint8_t>(common);
  return InetV(InetNetwork(r), oid::kCidr);
}
Value ToCidr(Args a, EvalContext&) { return InetV(InetNetwork(In(a[0])), oid::kCidr); }
// Function-style casts, as PostgreSQL's type-name calls on a string (or
// cidr) argument: inet('10.1.2.3'), cidr(text(x)), macaddr('...').
template <uint32_t kType>
Value FromString(Args a, EvalContext& ctx) {
  return CastValue(a[0], kType, -1, ctx.vc);
}

// ---- macaddr -----------------------------------------------------------------------
Value MacNot(Args a, EvalContext&) {
  std::string s = a[0].s;
  for (auto& c : s) c = static_cast<char>(~c);
  return Value::Str(a[0].type, std::move(s));
}
Value MacBits(Args a, bool is_and) {
  std::string s = a[0].s;
  for (size_t k = 0; k < s.size() && k < a[1].s.size(); k++) {
    s[k] = static_cast<char>(is_and ? s[k] & a[1].s[k] : s[k] | a[1].s[k]);
  }
  return Value::Str(a[0].type, std::move(s));
}
Value MacAnd(Args a, EvalContext&) { return MacBits(a, true); }
Value MacOr(Args a, EvalContext&) { return MacBits(a, false); }
// trunc: the manufacturer part (the first 3 bytes), the rest zero.
Value MacTrunc(Args a, EvalContext&) {
  std::string s = a[0].s;
  for (size_t k = 3; k < s.size(); k++) s[k] = '\0';
  return Value::Str(a[0].type, std::move(s));
}
// Sets the universal/local bit (7th bit of the first byte), for IPv6 EUI-64.
Value Set7Bit(Args a, EvalContext&) {
  std::string s = a[0].s;
  s[0] = static_cast<char>(s[0] | 0x02);
  return Value::Str(oid::kMacaddr8, std::move(s));
}
Value ToMacaddr8(Args a, EvalContext&) { return Value::Str(oid::kMacaddr8, MacaddrToMacaddr8(a[0].s)); }
Value ToMacaddr(Args a, EvalContext&) { return Value::Str(oid::kMacaddr, Macaddr8ToMacaddr(a[0].s)); }

// inet_client_addr() / inet_client_port(): this session's peer, from the
// live-session board; NULL for local connections, as PostgreSQL's Unix
// sockets.
std::optional<SessionActivity> OwnActivity(EvalContext& ctx) {
  if (ctx.cluster == nullptr) return std::nullopt;
  for (SessionActivity& a : ctx.cluster->Activity()) {
    if (a.pid == ctx.backend_pid) return std::move(a);
  }
  return std::nullopt;
}
Value ClientAddr(Args, EvalContext& ctx) {
  const std::optional<SessionActivity> a = OwnActivity(ctx);
  return a ? ClientAddrValue(a->client_addr) : Value::Null(oid::kInet);
}
Value ClientPort(Args, EvalContext& ctx) {
  const std::optional<SessionActivity> a = OwnActivity(ctx);
  if (!a || a->client_addr.empty() || a->client_port < 0) return Value::Null(oid::kInt4);
  return Value::Int(oid::kInt4, a->client_port);
}

}  // namespace

bool ResolveNetworkOperator(std::string_view op, uint32_t left, uint32_t right, ResolvedFn* out) {
  using namespace oid;
  auto set = [&](ScalarFn fn, uint32_t result, std::vector<uint32_t> args) {
    *out = {fn, result, std::move(args)};
    return true;
  };
  if (left == 0) {
    if (op != "~") return false;
    if (InetLike(right)) return set(InetNot, kInet, {kInet});
    if (MacLike(right)) return set(MacNot, right, {right});
    return false;
  }
  const bool inet_l = InetLike(left), inet_r = InetLike(right);
  const bool inet_pair = (inet_l || inet_r) && (inet_l || left == kUnknown) && (inet_r || right == kUnknown);
  if (inet_pair) {
    if (op == "<<") return set(Sub, kBool, {kInet, kInet});
    if (op == "<<=") return set(SubEq, kBool, {kInet, kInet});
    if (op == ">>") return set(Sup, kBool, {kInet, kInet});
    if (op == ">>=") return set(SupEq, kBool, {kInet, kInet});
    if (op == "&&") return set(Overlap, kBool, {kInet, kInet});
    if (op == "&") return set(InetAnd, kInet, {kInet, kInet});
    if (op == "|") return set(InetOr, kInet, {kInet, kInet});
    if (op == "-") return set(InetMinusInet, kInt8, {kInet, kInet});
  }
  if (inet_l && (IntLike(right) || right == kUnknown)) {
    if (op == "+") return set(InetPlusInt, kInet, {kInet, kInt8});
    if (op == "-") return set(InetMinusInt, kInet, {kInet, kInt8});
  }
  if (inet_r && IntLike(left) && op == "+") return set(IntPlusInet, kInet, {kInt8, kInet});
  if ((MacLike(left) || MacLike(right)) && (op == "&" || op == "|")) {
    const uint32_t t = MacLike(left) ? left : right;
    if ((left == t || left == kUnknown) && (right == t || right == kUnknown)) {
      return set(op == "&" ? MacAnd : MacOr, t, {t, t});
    }
  }
  return false;
}

bool ResolveNetworkFunction(std::string_view name, std::span<const uint32_t> t, ResolvedFn* out) {
  using namespace oid;
  const size_t n = t.size();
  auto set = [&](ScalarFn fn, uint32_t result, std::vector<uint32_t> args) {
    *out = {fn, result, std::move(args)};
    return true;
  };
  if (n == 0 && name == "inet_client_addr") return set(ClientAddr, kInet, {});
  if (n == 0 && name == "inet_client_port") return set(ClientPort, kInt4, {});
  if (n == 0 || n > 2) return false;
  // An inet parameter takes inet, cidr or an untyped literal.
  auto inet_arg = [&](size_t i) { return InetLike(t[i]) || t[i] == kUnknown; };
  if (n == 1 && inet_arg(0)) {
    if (name == "abbrev") return t[0] == kCidr ? set(AbbrevCidr, kText, {kCidr}) : set(AbbrevInet, kText, {kInet});
    if (name == "broadcast") return set(Broadcast, kInet, {kInet});
    if (name == "family") return set(Family, kInt4, {kInet});
    if (name == "host") return set(Host, kText, {kInet});
    if (name == "hostmask") return set(Hostmask, kInet, {kInet});
    if (name == "masklen") return set(Masklen, kInt4, {kInet});
    if (name == "netmask") return set(Netmask, kInet, {kInet});
    if (name == "network") return set(Network, kCidr, {kInet});
    if (name == "text" && t[0] != kUnknown) return set(Show, kText, {kInet});
    if (name == "cidr" && t[0] != kUnknown) return set(ToCidr, kCidr, {kInet});
  }
  if (n == 2 && inet_arg(0) && inet_arg(1)) {
    if (name == "inet_merge") return set(Merge, kCidr, {kInet, kInet});
    if (name == "inet_same_family") return set(SameFamily, kBool, {kInet, kInet});
  }
  if (name == "set_masklen" && n == 2 && inet_arg(0) && (t[1] == kInt2 || t[1] == kInt4 || t[1] == kUnknown)) {
    if (t[0] == kCidr) return set(SetMasklenCidr, kCidr, {kCidr, kInt4});
    return set(SetMasklenInet, kInet, {kInet, kInt4});
  }
  // A literal argument converts at bind time (its input errors point at it).
  if (n == 1 && (IsStringCategory(t[0]) || t[0] == kCidr)) {
    auto cast = [&](ScalarFn fn, uint32_t type) { return set(fn, type, {t[0] == kUnknown ? type : t[0]}); };
    if (name == "inet") return cast(FromString<kInet>, kInet);
    if (t[0] != kCidr && name == "cidr") return cast(FromString<kCidr>, kCidr);
    if (t[0] != kCidr && name == "macaddr") return cast(FromString<kMacaddr>, kMacaddr);
    if (t[0] != kCidr && name == "macaddr8") return cast(FromString<kMacaddr8>, kMacaddr8);
  }
  if (name == "macaddr8_set7bit" && n == 1 && t[0] == kUnknown) return set(Set7Bit, kMacaddr8, {kMacaddr8});
  if (n == 1 && MacLike(t[0])) {
    if (name == "trunc") return set(MacTrunc, t[0], {t[0]});
    if (name == "macaddr8_set7bit") return set(Set7Bit, kMacaddr8, {kMacaddr8});
    if (name == "macaddr8") return set(ToMacaddr8, kMacaddr8, {kMacaddr});
    if (name == "macaddr") return set(ToMacaddr, kMacaddr, {kMacaddr8});
  }
  return false;
}

Value ClientAddrValue(const std::string& addr) {
  if (addr.empty()) return Value::Null(oid::kInet);
  try {
    return InetV(ParseInet(addr, false));
  } catch (const PgError&) {
    return Value::Null(oid::kInet);
  }
}

std::optional<bool> CanCastNetwork(uint32_t from, uint32_t to) {
  const bool net_from = InetLike(from) || MacLike(from), net_to = InetLike(to) || MacLike(to);
  if (!net_from && !net_to) return std::nullopt;
  if (net_from && net_to) return (InetLike(from) && InetLike(to)) || (MacLike(from) && MacLike(to));
  return std::nullopt;  // text and the other types: the generic rules
}

std::optional<Value> CastNetwork(const Value& v, uint32_t to) {
  if (InetLike(v.type) && IsTextType(to)) return Value::Str(to, InetShow(In(v)));
  if (v.type == oid::kInet && to == oid::kCidr) return InetV(InetNetwork(In(v)), oid::kCidr);
  if (v.type == oid::kCidr && to == oid::kInet) return Value::Str(oid::kInet, v.s);
  if (v.type == oid::kMacaddr && to == oid::kMacaddr8) return Value::Str(to, MacaddrToMacaddr8(v.s));
  if (v.type == oid::kMacaddr8 && to == oid::kMacaddr) return Value::Str(to, Macaddr8ToMacaddr(v.s));
  return std::nullopt;
}

}  // namespace immu::sql
