#include "storage/segmented_log.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "storage/log_format.h"

namespace immu {
namespace {

std::string Record(uint64_t id, const std::string& value) {
  std::string entries;
  logfmt::AppendEntry(&entries, "key" + std::to_string(id), "", value);
  TxHeader h;
  h.id = id;
  h.nentries = 1;
  std::string rec;
  logfmt::AppendRecordHead(&rec, h, logfmt::EncodeHints({}, {}), entries.size());
  rec += entries;
  return rec;
}

TEST_CASE("segmented log: records roll over segments and read back") {
  auto env = NewMemEnv();
  std::vector<uint64_t> positions;
  {
    auto log = std::move(SegmentedLog::Open(env.get(), "/log", 300)).value();
    for (uint64_t id = 1; id <= 20; id++) {
      std::string rec = Record(id, std::string(id * 7, 'v'));
      positions.push_back(log->end());
      REQUIRE(log->AppendRecords(rec, {rec.size()}).ok());
    }
    REQUIRE(log->Sync().ok());
    CHECK(log->SegmentStarts().size() > 3);
  }
  auto log = std::move(SegmentedLog::Open(env.get(), "/log", 300)).value();
  for (uint64_t id = 1; id <= 20; id++) {
    auto rec = log->ReadRecord(positions[id - 1]);
    REQUIRE(rec.ok());
    logfmt::RecordView view;
    REQUIRE(logfmt::ParseRecord(*rec, &view).ok());
    CHECK(view.header.id == id);
    logfmt::EntryView e;
    size_t used;
    REQUIRE(logfmt::ParseEntry(view.entries, &e, &used).ok());
    CHECK(e.value == std::string(id * 7, 'v'));
  }
  // Truncation drops whole segments past the cut.
  REQUIRE(log->TruncateTo(positions[10]).ok());
  CHECK(log->end() == positions[10]);
  CHECK_FALSE(log->ReadRecord(positions[12]).ok());
  std::string rec = Record(11, "again");
  REQUIRE(log->AppendRecords(rec, {rec.size()}).ok());
  CHECK(log->ReadRecord(positions[10]).ok());
}

TEST_CASE("segmented log: a gap between segments is corruption") {
  auto env = NewMemEnv();
  {
    auto log = std::move(SegmentedLog::Open(env.get(), "/log", 100)).value();
    for (uint64_t id = 1; id <= 5; id++) {
      std::string rec = Record(id, std::string(80, 'x'));
      REQUIRE(log->AppendRecords(rec, {rec.size()}).ok());
    }
  }
  auto names = env->ListDir("/log");
  REQUIRE(names.ok());
  REQUIRE(names->size() >= 3);
  std::sort(names->begin(), names->end());
  REQUIRE(env->RemoveFile("/log/" + (*names)[1]).ok());
  auto reopened = SegmentedLog::Open(env.get(), "/log", 100);
  CHECK(reopened.status().IsCorruption());
}

TEST_CASE("log format: damaged entries and records are rejected") {
  std::string rec = Record(7, "hello");
  logfmt::RecordView view;
  REQUIRE(logfmt::ParseRecord(rec, &view).ok());
  for (size_t i = 0; i < rec.size(); i++) {
    std::string bad = rec;
    bad[i] ^= 0x40;
    logfmt::RecordView v;
    Status s = logfmt::ParseRecord(bad, &v);
    if (s.ok()) {
      logfmt::EntryView e;
      size_t used;
      s = logfmt::ParseEntry(v.entries, &e, &used);
      if (s.ok() && used != v.entries.size()) s = Status::Corruption("trailing bytes");
    }
    CHECK_MESSAGE(!s.ok(), "flip at " << i << " undetected");
  }
  for (size_t n = 0; n < rec.size(); n++) {
    logfmt::RecordView v;
    Status s = logfmt::ParseRecord(std::string_view(rec).substr(0, n), &v);
    if (s.ok()) {
      logfmt::EntryView e;
      size_t used;
      s = logfmt::ParseEntry(v.entries, &e, &used);
    }
    CHECK_FALSE(s.ok());
  }
}

}  // namespace
}  // namespace immu
