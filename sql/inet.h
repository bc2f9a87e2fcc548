#pragma once
// PostgreSQL's inet and cidr types: an IPv4 or IPv6 address with a netmask
// length. Text input follows PostgreSQL's inet_net_pton (abbreviated IPv4
// networks for cidr: '10/8', '192.168.1'; classful default masks), output
// its inet_net_ntop / inet_cidr_ntop, binary I/O its wire format (family
// byte 2/3, bits, is_cidr, address length, address bytes).
//
// A Value of type inet or cidr holds in `s` an order-preserving encoding
// (EncodeInet): family, the network part masked to the netmask, the mask
// length, the full address. Its bytewise order is PostgreSQL's network_cmp
// order (family, then the common prefix, then masklen, then host bits), so
// comparison, hashing and index keys treat it as an opaque string.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace immu::sql {

struct Inet {
  uint8_t family = 4;  // 4 or 6
  uint8_t bits = 32;   // netmask length, 0..MaxBits()
  std::array<uint8_t, 16> addr{};  // IPv4 uses the first 4 bytes

  int MaxBits() const { return family == 4 ? 32 : 128; }
  int Size() const { return family == 4 ? 4 : 16; }
};

// Value::s <-> Inet.
std::string EncodeInet(const Inet& ip);
Inet DecodeInet(std::string_view s);

// inet_in / cidr_in: throws 22P02 "invalid input syntax for type inet", and
// for cidr "invalid cidr value" when bits are set right of the mask.
Inet ParseInet(std::string_view text, bool is_cidr);
// inet_out / cidr_out ("10.1.2.3", "10.0.0.0/8", "::1").
std::string FormatInet(const Inet& ip, bool is_cidr);
// text(inet): always with /masklen.
std::string InetShow(const Inet& ip);
// host(inet): the address alone.
std::string InetHost(const Inet& ip);
// abbrev(cidr): inet_cidr_ntop's shortest network form ("10.1/16").
std::string CidrAbbrev(const Inet& ip);

// inet_send / inet_recv (cidr_recv rejects bits right of the mask, 22P03).
void AppendInetBinary(const Inet& ip, bool is_cidr, std::string* out);
Inet InetFromBinary(std::string_view data, bool is_cidr);

// Whether the first `bits` bits of a and b are equal (PostgreSQL's bitncmp
// == 0); a and b have the same family.
int InetBitCompare(const Inet& a, const Inet& b, int bits);
// Whether no bit right of ip.bits is set (a valid cidr).
bool InetHostBitsZero(const Inet& ip);
// ip with the bits right of the mask cleared (network()).
Inet InetNetwork(const Inet& ip);

}  // namespace immu::sql
