#pragma once
// PostgreSQL's macaddr (6 bytes) and macaddr8 (8 bytes, EUI-64). A Value of
// either type holds the raw bytes in `s`: their bytewise order is
// PostgreSQL's, so comparison, hashing and index keys need nothing more.
// The binary wire format is the same raw bytes.

#include <string>
#include <string_view>

namespace immu::sql {

// macaddr_in: the seven layouts PostgreSQL accepts ('08:00:2b:01:02:03',
// '08-00-2b-01-02-03', '08002b:010203', '08002b-010203', '0800.2b01.0203',
// '0800-2b01-0203', '08002b010203'), one or two hex digits per group,
// surrounding blanks allowed. 22P02 otherwise.
std::string ParseMacaddr(std::string_view text);
// macaddr8_in: 6 or 8 hex pairs, optionally separated by one of ':' '-' '.'
// used consistently; a 6-byte address gets FF:FE inserted in the middle.
std::string ParseMacaddr8(std::string_view text);
// "08:00:2b:01:02:03" (6 or 8 bytes).
std::string FormatMacaddr(std::string_view bytes);

// macaddr -> macaddr8 (FF:FE inserted); macaddr8 -> macaddr (22003 unless
// the 4th and 5th bytes are FF and FE).
std::string MacaddrToMacaddr8(std::string_view mac6);
std::string Macaddr8ToMacaddr(std::string_view mac8);

}  // namespace immu::sql
