#include "pgwire/buffer.h"

#include <doctest/doctest.h>

#include <random>

#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::ThrownSqlState;

TEST_CASE("buffer: reader decodes big-endian integers and strings") {
  const std::string in("\x7f"
                       "\xff\xfe"
                       "\x80\x00\x00\x01"
                       "abc\0"
                       "\0"
                       "xyz"
                       "\xff\xff\xff\xff"
                       "\x00\x00\x00\x02hi",
                       1 + 2 + 4 + 4 + 1 + 3 + 4 + 6);
  MessageReader r(in);
  CHECK(r.ReadByte() == 0x7f);
  CHECK(r.ReadInt16() == -2);
  CHECK(r.ReadInt32() == static_cast<int32_t>(0x80000001u));
  CHECK(r.ReadCString() == "abc");
  CHECK(r.ReadCString() == "");
  CHECK(r.ReadBytes(3) == "xyz");
  bool is_null = false;
  CHECK(r.ReadLengthPrefixed(&is_null).empty());
  CHECK(is_null);
  CHECK(r.ReadLengthPrefixed(&is_null) == "hi");
  CHECK_FALSE(is_null);
  CHECK(r.empty());
  r.ExpectEnd();
}

TEST_CASE("buffer: reader underruns throw 08P01 and consume nothing useful") {
  CHECK(ThrownSqlState([] { MessageReader("").ReadByte(); }) == "08P01");
  CHECK(ThrownSqlState([] { MessageReader("a").ReadInt16(); }) == "08P01");
  CHECK(ThrownSqlState([] { MessageReader("abc").ReadInt32(); }) == "08P01");
  CHECK(ThrownSqlState([] { MessageReader("abc").ReadCString(); }) == "08P01");
  CHECK(ThrownSqlState([] { MessageReader("abc").ReadBytes(4); }) == "08P01");
  CHECK(ThrownSqlState([] { MessageReader("abc").ReadBytes(static_cast<size_t>(-1)); }) ==
        "08P01");
  CHECK(ThrownSqlState([] { MessageReader("x").ExpectEnd(); }) == "08P01");
  // Length -2 is neither NULL nor a size.
  CHECK(ThrownSqlState([] {
          bool n;
          MessageReader(std::string_view("\xff\xff\xff\xfe", 4)).ReadLengthPrefixed(&n);
        }) == "08P01");
  // A length larger than what is left.
  CHECK(ThrownSqlState([] {
          bool n;
          MessageReader(std::string_view("\x00\x00\x00\x05" "abcd", 8)).ReadLengthPrefixed(&n);
        }) == "08P01");
}

TEST_CASE("buffer: writer back-patches lengths of consecutive messages") {
  MessageWriter w;
  w.BeginMessage('Z');
  w.AppendByte('I');
  w.EndMessage();
  w.BeginMessage('C');
  w.AppendCString("SELECT 1");
  w.EndMessage();
  w.BeginMessage('1');
  w.EndMessage();
  CHECK(w.buffer() == std::string("Z\0\0\0\x05I"
                                  "C\0\0\0\x0dSELECT 1\0"
                                  "1\0\0\0\x04",
                                  6 + 14 + 5));
  CHECK_FALSE(w.in_message());
}

TEST_CASE("buffer: writer integers, untyped messages and length-prefixed values") {
  MessageWriter w;
  w.BeginUntypedMessage();
  w.AppendInt16(-1);
  w.AppendInt32(0x01020304);
  w.AppendUInt32(0xfffffffeu);
  w.AppendLengthPrefixed("ab");
  w.AppendNullValue();
  w.EndMessage();
  CHECK(w.buffer() == std::string("\0\0\0\x18"
                                  "\xff\xff"
                                  "\x01\x02\x03\x04"
                                  "\xff\xff\xff\xfe"
                                  "\0\0\0\x02"
                                  "ab"
                                  "\xff\xff\xff\xff",
                                  24));
}

TEST_CASE("buffer: AppendCString stops at an embedded NUL to keep framing intact") {
  MessageWriter w;
  w.BeginMessage('C');
  w.AppendCString(std::string_view("ab\0cd", 5));
  w.EndMessage();
  CHECK(w.buffer() == std::string("C\0\0\0\x07" "ab\0", 8));
}

TEST_CASE("buffer: Clear, Swap and Consume keep the buffer usable") {
  MessageWriter w;
  for (int i = 0; i < 3; i++) {
    w.BeginMessage('S');
    w.EndMessage();
  }
  CHECK(w.size() == 15);
  w.Consume(5);
  CHECK(w.size() == 10);
  std::string spare = "old";
  w.Swap(&spare);
  CHECK(spare.size() == 10);
  CHECK(w.buffer() == "old");
  w.Clear();
  CHECK(w.empty());
  w.BeginMessage('H');
  w.EndMessage();
  CHECK(w.size() == 5);
}

TEST_CASE("buffer: random reads over random bytes only ever throw PgError") {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 5000; iter++) {
    std::string bytes(rng() % 24, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 4 == 0 ? 0 : rng());
    MessageReader r(bytes);
    try {
      for (int op = 0; op < 12; op++) {
        bool is_null = false;
        switch (rng() % 6) {
          case 0: r.ReadByte(); break;
          case 1: r.ReadInt16(); break;
          case 2: r.ReadInt32(); break;
          case 3: r.ReadCString(); break;
          case 4: r.ReadBytes(rng() % 8); break;
          case 5: r.ReadLengthPrefixed(&is_null); break;
        }
      }
    } catch (const PgError& e) {
      CHECK(e.sqlstate() == "08P01");
    }
  }
}

}  // namespace
}  // namespace immu::pgwire
