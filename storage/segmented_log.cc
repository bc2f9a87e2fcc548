#include "storage/segmented_log.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <mutex>

#include "storage/log_format.h"

namespace immu {

namespace {
constexpr char kSuffix[] = ".seg";

bool ParseSegmentName(const std::string& name, uint64_t* start) {
  if (name.size() != 20 + 4 || name.compare(20, 4, kSuffix) != 0) return false;
  uint64_t v = 0;
  for (int i = 0; i < 20; i++) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<uint64_t>(name[i] - '0');
  }
  *start = v;
  return true;
}
}  // namespace

SegmentedLog::~SegmentedLog() {
  if (writer_) (void)writer_->Close();
}

std::string SegmentedLog::SegmentPath(uint64_t start) const {
  char name[32];
  snprintf(name, sizeof(name), "%020" PRIu64 "%s", start, kSuffix);
  return dir_ + "/" + name;
}

Result<std::unique_ptr<SegmentedLog>> SegmentedLog::Open(Env* env, const std::string& dir,
                                                         uint64_t segment_size) {
  IMMU_RETURN_IF_ERROR(env->CreateDirIfMissing(dir));
  std::unique_ptr<SegmentedLog> log(new SegmentedLog(env, dir, segment_size));
  IMMU_ASSIGN_OR_RETURN(auto names, env->ListDir(dir));
  std::vector<uint64_t> starts;
  for (const auto& n : names) {
    uint64_t s;
    if (ParseSegmentName(n, &s)) starts.push_back(s);
  }
  std::sort(starts.begin(), starts.end());
  uint64_t expect = 0;
  for (uint64_t s : starts) {
    if (s != expect) {
      return Status::Corruption("log segment gap: expected a segment at " + std::to_string(expect) +
                                ", found " + std::to_string(s));
    }
    const std::string path = log->SegmentPath(s);
    IMMU_ASSIGN_OR_RETURN(uint64_t size, env->FileSize(path));
    IMMU_ASSIGN_OR_RETURN(auto reader, env->NewRandomAccessFile(path));
    log->segments_.push_back(Segment{s, path, std::move(reader)});
    expect = s + size;
  }
  log->end_ = expect;
  if (log->segments_.empty()) {
    IMMU_RETURN_IF_ERROR(log->StartSegment(0));
  } else {
    IMMU_RETURN_IF_ERROR(log->OpenWriter());
  }
  return log;
}

Status SegmentedLog::OpenWriter() {
  IMMU_ASSIGN_OR_RETURN(writer_, env_->NewAppendableFile(segments_.back().path));
  return Status::Ok();
}

Status SegmentedLog::StartSegment(uint64_t start) {
  if (writer_) {
    unsynced_closed_.push_back(std::move(writer_));
  }
  const std::string path = SegmentPath(start);
  IMMU_ASSIGN_OR_RETURN(writer_, env_->NewAppendableFile(path));
  IMMU_ASSIGN_OR_RETURN(auto reader, env_->NewRandomAccessFile(path));
  dir_dirty_ = true;
  std::unique_lock lock(mu_);
  segments_.push_back(Segment{start, path, std::move(reader)});
  return Status::Ok();
}

Status SegmentedLog::AppendRecords(std::string_view data,
                                   const std::vector<uint64_t>& record_sizes) {
  if (!writer_) return Status::Closed("log writer failed earlier; reopen the store");
  size_t run_start = 0;
  size_t off = 0;
  uint64_t seg_start = segments_.back().start;  // only the writer changes segments_
  for (uint64_t rec : record_sizes) {
    const uint64_t at = end_ + (off - run_start);
    if (at > seg_start && at - seg_start + rec > segment_size_) {
      if (off > run_start) {
        Status s = writer_->Append(data.substr(run_start, off - run_start));
        if (!s.ok()) {
          writer_.reset();
          return s;
        }
        end_ += off - run_start;
        run_start = off;
      }
      Status s = StartSegment(end_);
      if (!s.ok()) {
        writer_.reset();
        return s;
      }
      seg_start = end_;
    }
    off += rec;
  }
  if (off > run_start) {
    Status s = writer_->Append(data.substr(run_start, off - run_start));
    if (!s.ok()) {
      writer_.reset();
      return s;
    }
    end_ += off - run_start;
  }
  return Status::Ok();
}

Status SegmentedLog::Sync() {
  for (auto& f : unsynced_closed_) {
    IMMU_RETURN_IF_ERROR(f->Sync());
    IMMU_RETURN_IF_ERROR(f->Close());
  }
  unsynced_closed_.clear();
  if (!writer_) return Status::Closed("log writer failed earlier; reopen the store");
  IMMU_RETURN_IF_ERROR(writer_->Sync());
  if (dir_dirty_) {
    IMMU_RETURN_IF_ERROR(env_->SyncDir(dir_));
    dir_dirty_ = false;
  }
  return Status::Ok();
}

const SegmentedLog::Segment* SegmentedLog::FindSegment(uint64_t pos) const {
  auto it = std::upper_bound(segments_.begin(), segments_.end(), pos,
                             [](uint64_t p, const Segment& s) { return p < s.start; });
  if (it == segments_.begin()) return nullptr;
  return &*(it - 1);
}

Status SegmentedLog::Read(uint64_t pos, size_t n, std::string_view* result, char* scratch) const {
  std::shared_lock lock(mu_);
  const Segment* seg = FindSegment(pos);
  if (seg == nullptr) return Status::Corruption("log position " + std::to_string(pos) + " unknown");
  IMMU_RETURN_IF_ERROR(seg->reader->Read(pos - seg->start, n, result, scratch));
  if (result->size() != n) {
    return Status::Corruption("short read at log position " + std::to_string(pos));
  }
  return Status::Ok();
}

Result<std::string> SegmentedLog::ReadRecord(uint64_t pos) const {
  char frame[logfmt::kFrameSize];
  std::string_view got;
  IMMU_RETURN_IF_ERROR(Read(pos, sizeof(frame), &got, frame));
  const uint64_t size = logfmt::RecordSizeFromFrame(got);
  if (size > (uint64_t{1} << 20)) {
    // A damaged length must not make us allocate gigabytes: big records are
    // checked against the bytes their segment actually holds.
    std::shared_lock lock(mu_);
    const Segment* seg = FindSegment(pos);
    if (seg == nullptr) return Status::Corruption("log position " + std::to_string(pos) + " unknown");
    IMMU_ASSIGN_OR_RETURN(const uint64_t seg_size, seg->reader->Size());
    if (size > seg_size - (pos - seg->start)) {
      return Status::Corruption("record at log position " + std::to_string(pos) +
                                " runs past the end of its segment");
    }
  }
  std::string out(size, '\0');
  IMMU_RETURN_IF_ERROR(Read(pos, size, &got, out.data()));
  if (got.data() != out.data()) memcpy(out.data(), got.data(), size);
  return out;
}

Result<std::string> SegmentedLog::ReadRecordHead(uint64_t pos) const {
  // One read of up to kHeadProbe bytes (fewer at the end of the segment)
  // holds the whole head of most records.
  std::string out(logfmt::kHeadProbe, '\0');
  std::string_view got;
  {
    std::shared_lock lock(mu_);
    const Segment* seg = FindSegment(pos);
    if (seg == nullptr) return Status::Corruption("log position " + std::to_string(pos) + " unknown");
    IMMU_RETURN_IF_ERROR(seg->reader->Read(pos - seg->start, out.size(), &got, out.data()));
  }
  if (got.size() < logfmt::kFrameSize) return Status::Corruption("short read at log position " + std::to_string(pos));
  if (got.data() != out.data()) memcpy(out.data(), got.data(), got.size());
  out.resize(got.size());
  const uint64_t size = logfmt::RecordSizeFromFrame(out);
  if (out.size() > size) out.resize(size);
  const uint64_t head = logfmt::HeadSize(out);
  if (head == 0 || head > size) return Status::Corruption("record header truncated");
  if (head > out.size()) {
    if (head > (uint64_t{1} << 26)) return Status::Corruption("record header too large");
    out.resize(head);
    IMMU_RETURN_IF_ERROR(Read(pos, head, &got, out.data()));
    if (got.data() != out.data()) memcpy(out.data(), got.data(), head);
  }
  return out;
}

Status SegmentedLog::TruncateTo(uint64_t pos) {
  if (pos > end_) return Status::InvalidArgument("truncate beyond the end of the log");
  writer_.reset();
  unsynced_closed_.clear();
  {
    std::unique_lock lock(mu_);
    while (segments_.size() > 1 && segments_.back().start >= pos && segments_.back().start > 0) {
      IMMU_RETURN_IF_ERROR(env_->RemoveFile(segments_.back().path));
      segments_.pop_back();
    }
    Segment& last = segments_.back();
    IMMU_RETURN_IF_ERROR(env_->Truncate(last.path, pos - last.start));
    IMMU_ASSIGN_OR_RETURN(last.reader, env_->NewRandomAccessFile(last.path));
  }
  IMMU_RETURN_IF_ERROR(env_->SyncDir(dir_));
  end_ = pos;
  return OpenWriter();
}

std::vector<uint64_t> SegmentedLog::SegmentStarts() const {
  std::shared_lock lock(mu_);
  std::vector<uint64_t> out;
  for (const auto& s : segments_) out.push_back(s.start);
  return out;
}

}  // namespace immu
