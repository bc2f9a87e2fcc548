#include "pgwire/framer.h"

#include <doctest/doctest.h>

#include <functional>
#include <random>

#include "pgwire/frontend.h"
#include "pgwire/startup.h"
#include "pgwire/test_util.h"

namespace immu::pgwire {
namespace {

using testing::ThrownSqlState;

// A connection's worth of client bytes: SSLRequest, StartupMessage, then
// typed messages (one large).
struct Stream {
  std::string bytes;
  size_t startup_frames = 2;
  std::vector<std::pair<char, std::string>> typed;  // expected (type, body)
};

Stream MakeStream() {
  Stream s;
  s.bytes = EncodeRequestCode(kSslRequestCode) + EncodeStartupMessage({{"user", "u"}});
  MessageWriter w;
  AppendFrontendMessage(&w, QueryMessage{"select 1"});
  AppendFrontendMessage(&w, ParseMessage{"", "select $1", {23}});
  AppendFrontendMessage(&w, CopyDataMessage{std::string(70000, 'x')});
  AppendFrontendMessage(&w, SyncMessage{});
  AppendFrontendMessage(&w, TerminateMessage{});
  s.typed = testing::SplitTyped(w.buffer());
  s.bytes += w.buffer();
  return s;
}

// Feeds s in chunks drawn from chunk_size() and checks every frame.
void FeedAndCheck(const Stream& s, const std::function<size_t()>& chunk_size) {
  FrameSplitter splitter;
  size_t startup_seen = 0, typed_seen = 0, pos = 0;
  while (pos < s.bytes.size()) {
    const size_t n = std::min(chunk_size(), s.bytes.size() - pos);
    splitter.Append(std::string_view(s.bytes).substr(pos, n));
    pos += n;
    while (std::optional<Frame> f = splitter.Next()) {
      if (startup_seen < s.startup_frames) {
        CHECK(f->type == 0);
        StartupPacket p = ParseStartupPacket(f->body);
        if (startup_seen == 0) {
          CHECK(p.kind == StartupKind::kSslRequest);
        } else {
          CHECK(p.user() == "u");
          splitter.set_phase(FramePhase::kNormal);
        }
        startup_seen++;
        continue;
      }
      REQUIRE(typed_seen < s.typed.size());
      CHECK(f->type == s.typed[typed_seen].first);
      CHECK(f->body == s.typed[typed_seen].second);
      typed_seen++;
    }
  }
  CHECK(startup_seen == s.startup_frames);
  CHECK(typed_seen == s.typed.size());
  CHECK(splitter.buffered() == 0);
}

TEST_CASE("framer: byte-by-byte, random chunks and all at once give the same frames") {
  const Stream s = MakeStream();
  FeedAndCheck(s, [] { return size_t{1}; });
  std::mt19937 rng(3);
  FeedAndCheck(s, [&] { return size_t{1} + rng() % 9000; });
  FeedAndCheck(s, [&] { return s.bytes.size(); });
}

TEST_CASE("framer: SplitFrame reports how many bytes it needs") {
  MessageWriter w;
  AppendFrontendMessage(&w, QueryMessage{"select 42"});
  const std::string m = w.buffer();
  size_t needed = 0;
  CHECK_FALSE(SplitFrame(std::string_view(m).substr(0, 3), FramePhase::kNormal, {}, &needed));
  CHECK(needed == kMessageHeaderSize);
  CHECK_FALSE(SplitFrame(std::string_view(m).substr(0, 7), FramePhase::kNormal, {}, &needed));
  CHECK(needed == m.size());
  const std::string longer = m + "Sxx";
  std::optional<Frame> f = SplitFrame(longer, FramePhase::kNormal, {}, &needed);
  REQUIRE(f);
  CHECK(f->type == 'Q');
  CHECK(f->wire_size == m.size());
  CHECK(f->body == std::string_view(m).substr(5));

  const std::string startup = EncodeStartupMessage({{"user", "x"}});
  CHECK_FALSE(SplitFrame(std::string_view(startup).substr(0, 2), FramePhase::kStartup, {},
                         &needed));
  CHECK(needed == 4);
  CHECK_FALSE(SplitFrame(std::string_view(startup).substr(0, 9), FramePhase::kStartup, {},
                         &needed));
  CHECK(needed == startup.size());
}

TEST_CASE("framer: bad lengths are rejected from the header alone") {
  auto normal = [](std::string bytes, FrameLimits limits = {}) {
    return ThrownSqlState([&] { SplitFrame(bytes, FramePhase::kNormal, limits); });
  };
  using S = std::string;
  CHECK(normal(S("Q\0\0\0\x03", 5)) == "08P01");          // < 4
  CHECK(normal(S("Q\0\0\0\0", 5)) == "08P01");
  CHECK(normal(S("Q\xff\xff\xff\xff", 5)) == "08P01");    // negative
  CHECK(normal(S("Q\x80\0\0\0", 5)) == "08P01");
  CHECK(normal(S("Q\x40\0\0\x01", 5)) == "54000");        // 1 GiB + 1
  CHECK(normal(S("Q\x40\0\0\0", 5)) == "no error");       // exactly 1 GiB: incomplete
  CHECK(normal(S("S\0\0\x27\x11", 5)) == "54000");        // Sync of 10001 bytes
  CHECK(normal(S("E\0\0\x27\x10", 5)) == "no error");
  CHECK(normal(S("p\0\x01\0\0", 5)) == "54000");          // auth response of 65536
  CHECK(normal(S("Q\0\0\x10\0", 5), FrameLimits{.max_message = 1024}) == "54000");
  CHECK(normal(S("Q\0\0\0\x04", 5)) == "no error");       // empty body is a frame
  // Unknown type bytes fail as soon as the first byte is there (a TLS
  // ClientHello sent to a plain port starts with 0x16).
  CHECK(normal(S("\x16", 1)) == "08P01");
  CHECK(normal(S("\x16\x03\x01\x02\0", 5)) == "08P01");
  CHECK(normal("Z") == "08P01");

  auto startup = [](std::string bytes) {
    return ThrownSqlState([&] { SplitFrame(bytes, FramePhase::kStartup); });
  };
  CHECK(startup(S("\0\0\0\x07", 4)) == "08P01");
  CHECK(startup(S("\0\0\0\0", 4)) == "08P01");
  CHECK(startup(S("\xff\xff\xff\xf0", 4)) == "08P01");
  CHECK(startup(S("\0\0\x27\x11", 4)) == "54000");       // 10001
  CHECK(startup(S("\0\0\x27\x10", 4)) == "no error");    // 10000: incomplete
  CHECK(startup(S("\0\0\0\x08", 4)) == "no error");
}

TEST_CASE("framer: the splitter throws on the offending frame after good ones") {
  MessageWriter w;
  AppendFrontendMessage(&w, SyncMessage{});
  std::string bytes = w.buffer() + std::string("Q\0\0\0\x02", 5);
  FrameSplitter splitter;
  splitter.set_phase(FramePhase::kNormal);
  splitter.Append(bytes);
  REQUIRE(splitter.Next());
  CHECK(ThrownSqlState([&] { splitter.Next(); }) == "08P01");
}

TEST_CASE("framer: pending_frame_size announces a large message early") {
  FrameSplitter splitter;
  splitter.set_phase(FramePhase::kNormal);
  MessageWriter w;
  AppendFrontendMessage(&w, CopyDataMessage{std::string(5000, 'y')});
  splitter.Append(std::string_view(w.buffer()).substr(0, 10));
  CHECK_FALSE(splitter.Next());
  CHECK(splitter.pending_frame_size() == w.size());
  splitter.Append(std::string_view(w.buffer()).substr(10));
  std::optional<Frame> f = splitter.Next();
  REQUIRE(f);
  CHECK(f->body.size() == 5000);
  CHECK(splitter.pending_frame_size() == 0);
  CHECK_FALSE(splitter.Next());
}

TEST_CASE("framer: random garbage only ever throws PgError") {
  std::mt19937 rng(5);
  for (int iter = 0; iter < 20000; iter++) {
    std::string bytes(rng() % 16, '\0');
    for (char& c : bytes) c = static_cast<char>(rng() % 2 ? rng() % 8 : rng());
    if (!bytes.empty() && rng() % 2) bytes[0] = "QPBSXdp"[rng() % 7];
    const FramePhase phase = rng() % 2 ? FramePhase::kStartup : FramePhase::kNormal;
    try {
      std::optional<Frame> f = SplitFrame(bytes, phase);
      if (f) CHECK(f->wire_size <= bytes.size());
    } catch (const PgError& e) {
      CHECK((e.sqlstate() == "08P01" || e.sqlstate() == "54000"));
    }
  }
}

}  // namespace
}  // namespace immu::pgwire
