#pragma once
// SegmentedLog: the append-only transaction log, split into segment files
// named by the global position of their first byte (log/%020llu.seg), so a
// position is one number for the life of the store and a segment is found
// by binary search. Records never span segments.
//
// Thread-safety: one writer (Append*, Sync, TruncateTo) at a time, externally
// serialised; Read may be called concurrently with the writer and with other
// readers. A reader may read only bytes the writer has finished appending
// (the store publishes positions after the append returns).

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "storage/env.h"
#include "verify/status.h"

namespace immu {

class SegmentedLog {
 public:
  ~SegmentedLog();
  // Opens (creating if needed) the log in dir. Segments must be contiguous;
  // a gap is Corruption. The tail is not validated here: recovery scans it
  // and calls TruncateTo.
  static Result<std::unique_ptr<SegmentedLog>> Open(Env* env, const std::string& dir,
                                                    uint64_t segment_size);

  uint64_t end() const { return end_; }  // writer's view

  // Appends whole records laid end to end in data (sizes in record_sizes),
  // starting a new segment before a record that would overflow the current
  // non-empty one. A failure leaves the log unusable for writing until
  // reopened (its tail may hold a prefix).
  Status AppendRecords(std::string_view data, const std::vector<uint64_t>& record_sizes);
  // Makes every appended byte durable (segments and their directory).
  Status Sync();

  // Reads [pos, pos + n), which must lie inside one segment.
  Status Read(uint64_t pos, size_t n, std::string_view* result, char* scratch) const;
  // Reads the whole record starting at pos.
  Result<std::string> ReadRecord(uint64_t pos) const;
  // Reads the frame and header part (header and hints) of the record at pos,
  // not its entries: one read for most records.
  Result<std::string> ReadRecordHead(uint64_t pos) const;

  // Drops every byte at or after pos (recovery of a torn tail).
  Status TruncateTo(uint64_t pos);

  std::vector<uint64_t> SegmentStarts() const;

 private:
  struct Segment {
    uint64_t start;
    std::string path;
    std::unique_ptr<RandomAccessFile> reader;
  };
  SegmentedLog(Env* env, std::string dir, uint64_t segment_size)
      : env_(env), dir_(std::move(dir)), segment_size_(segment_size) {}
  std::string SegmentPath(uint64_t start) const;
  Status StartSegment(uint64_t start);
  Status OpenWriter();
  const Segment* FindSegment(uint64_t pos) const;  // caller holds mu_ shared

  Env* const env_;
  const std::string dir_;
  const uint64_t segment_size_;

  mutable std::shared_mutex mu_;  // guards segments_ (the vector, not the files)
  std::vector<Segment> segments_;

  std::unique_ptr<WritableFile> writer_;  // last segment
  std::vector<std::unique_ptr<WritableFile>> unsynced_closed_;  // rolled, not yet synced
  bool dir_dirty_ = false;
  uint64_t end_ = 0;
};

}  // namespace immu
