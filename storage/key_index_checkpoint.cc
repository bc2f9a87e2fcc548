// KeyIndex::WriteCheckpoint / LoadCheckpoint. Byte layout: docs/FORMAT.md,
// section "Index checkpoint". In short:
//
//   header   44 bytes: "IMMUIDX1", u32 format version, u32 0, u64 upto_tx,
//            u64 key count, u64 version count, u32 masked crc32c(bytes 0..39)
//   blocks   [u32 payload len][u32 masked crc32c(payload)][payload]
//            payload[0] = 1: key records (prefix-compressed, reset per block)
//            payload[0] = 2: trailer, the last block, nothing after it
//
// Every integer is little-endian; lengths and counts inside records are
// varints (LEB128, at most 10 bytes).

#include <algorithm>
#include <cstring>
#include <limits>
#include <vector>

#include "storage/coding.h"
#include "storage/crc32c.h"
#include "storage/key_index.h"
#include "storage/key_index_impl.h"
#include "storage/skiplist.h"
#include "storage/version_chain.h"

namespace immu {

namespace {

constexpr char kMagic[8] = {'I', 'M', 'M', 'U', 'I', 'D', 'X', '1'};
constexpr uint32_t kFormatVersion = 1;
constexpr size_t kHeaderSize = 44;
constexpr size_t kFrameSize = 8;
constexpr uint8_t kRecordsBlock = 1;
constexpr uint8_t kTrailerBlock = 2;
constexpr size_t kTrailerPayloadSize = 1 + 8 + 8 + 8 + 4;
// Records are appended until a block reaches this size (a block holds at
// least one record, so a key with very many versions makes a bigger block).
constexpr size_t kBlockTarget = 64 << 10;
// File appends are batched to about this size.
constexpr size_t kWriteBuffer = 1 << 20;

void CkptPutVarint64(std::string* dst, uint64_t v) {
  char buf[10];
  size_t n = 0;
  while (v >= 0x80) {
    buf[n++] = static_cast<char>(v | 0x80);
    v >>= 7;
  }
  buf[n++] = static_cast<char>(v);
  dst->append(buf, n);
}

// Decodes a varint at *p (< limit), advancing *p. False on truncation or an
// encoding longer than 64 bits.
bool CkptGetVarint64(const char** p, const char* limit, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && *p < limit; shift += 7) {
    const uint64_t byte = static_cast<uint8_t>(**p);
    (*p)++;
    if (shift == 63 && byte > 1) return false;  // would overflow 64 bits
    result |= (byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

void CkptPutFixed32(std::string* dst, uint32_t v) {
  char buf[4];
  EncodeFixed32LE(buf, v);
  dst->append(buf, 4);
}

void CkptPutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  EncodeFixed64LE(buf, v);
  dst->append(buf, 8);
}

std::string CkptDirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// Streams framed blocks to a WritableFile.
class CheckpointWriter {
 public:
  explicit CheckpointWriter(WritableFile* file) : file_(file) {}

  Status AppendRaw(std::string_view bytes) {
    out_.append(bytes);
    return out_.size() >= kWriteBuffer ? Flush() : Status::Ok();
  }
  Status AppendBlock(std::string_view payload) {
    char frame[kFrameSize];
    EncodeFixed32LE(frame, static_cast<uint32_t>(payload.size()));
    EncodeFixed32LE(frame + 4, crc32c::Mask(crc32c::Value(payload.data(), payload.size())));
    out_.append(frame, kFrameSize);
    return AppendRaw(payload);
  }
  Status Flush() {
    if (out_.empty()) return Status::Ok();
    Status s = file_->Append(out_);
    out_.clear();
    return s;
  }

 private:
  WritableFile* file_;
  std::string out_;
};

}  // namespace

Status KeyIndex::WriteCheckpoint(Env* env, const std::string& path, uint64_t upto_tx) const {
  // Precondition (documented in key_index.h): every version with
  // tx <= upto_tx was inserted before this call; the writer may keep adding
  // newer ones. Pass 1 counts for the header, pass 2 writes; they must agree.
  const SkipList& list = impl_->list;
  uint64_t key_count = 0;
  uint64_t version_count = 0;
  for (const IndexNode* n = list.First(); n != nullptr; n = n->Next(0)) {
    uint64_t revision = 0;
    if (FindVersionAt(n->Versions(), upto_tx, nullptr, &revision)) {
      key_count++;
      version_count += revision;
    }
  }

  std::string header(kMagic, sizeof(kMagic));
  CkptPutFixed32(&header, kFormatVersion);
  CkptPutFixed32(&header, 0);
  CkptPutFixed64(&header, upto_tx);
  CkptPutFixed64(&header, key_count);
  CkptPutFixed64(&header, version_count);
  const uint32_t header_crc = crc32c::Mask(crc32c::Value(header.data(), header.size()));
  CkptPutFixed32(&header, header_crc);

  const std::string tmp = path + ".tmp";
  if (env->FileExists(tmp)) IMMU_RETURN_IF_ERROR(env->RemoveFile(tmp));
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, env->NewAppendableFile(tmp));

  auto write_all = [&]() -> Status {
    CheckpointWriter w(file.get());
    IMMU_RETURN_IF_ERROR(w.AppendRaw(header));
    std::string block;
    std::string_view prev_key;  // previous key in this block (points into a node)
    std::vector<RevisionedVersion> versions;
    uint64_t keys_written = 0;
    uint64_t versions_written = 0;
    uint64_t blocks = 0;
    for (const IndexNode* n = list.First(); n != nullptr; n = n->Next(0)) {
      versions.clear();
      CollectVersions(n->Versions(), upto_tx, 1, std::numeric_limits<uint64_t>::max(),
                      &versions);
      if (versions.empty()) continue;
      if (block.empty()) {
        block.push_back(static_cast<char>(kRecordsBlock));
        prev_key = {};
      }
      const std::string_view key = n->key();
      const size_t max_shared = std::min(prev_key.size(), key.size());
      size_t shared = 0;
      while (shared < max_shared && prev_key[shared] == key[shared]) shared++;
      CkptPutVarint64(&block, shared);
      CkptPutVarint64(&block, key.size() - shared);
      block.append(key.data() + shared, key.size() - shared);
      CkptPutVarint64(&block, versions.size());
      uint64_t prev_tx = 0;
      for (const RevisionedVersion& rv : versions) {
        CkptPutVarint64(&block, rv.version.tx - prev_tx);
        CkptPutVarint64(&block, rv.version.pos);
        CkptPutVarint64(&block, rv.version.len);
        block.push_back(static_cast<char>(rv.version.flags));
        prev_tx = rv.version.tx;
      }
      prev_key = key;
      keys_written++;
      versions_written += versions.size();
      if (block.size() >= kBlockTarget) {
        IMMU_RETURN_IF_ERROR(w.AppendBlock(block));
        block.clear();
        blocks++;
      }
    }
    if (!block.empty()) {
      IMMU_RETURN_IF_ERROR(w.AppendBlock(block));
      blocks++;
    }
    if (keys_written != key_count || versions_written != version_count) {
      return Status::InvalidArgument("index checkpoint: versions with tx <= " +
                                     std::to_string(upto_tx) +
                                     " were inserted while the checkpoint was written");
    }
    std::string trailer(1, static_cast<char>(kTrailerBlock));
    CkptPutFixed64(&trailer, key_count);
    CkptPutFixed64(&trailer, version_count);
    CkptPutFixed64(&trailer, blocks);
    CkptPutFixed32(&trailer, header_crc);
    IMMU_RETURN_IF_ERROR(w.AppendBlock(trailer));
    IMMU_RETURN_IF_ERROR(w.Flush());
    IMMU_RETURN_IF_ERROR(file->Sync());
    return file->Close();
  };

  Status s = write_all();
  if (s.ok()) s = env->RenameFile(tmp, path);
  if (!s.ok()) {
    file.reset();
    (void)env->RemoveFile(tmp);  // best effort: a stale .tmp is removed next time anyway
    return s;
  }
  return env->SyncDir(CkptDirName(path));
}

namespace {

// Parses checkpoint blocks into a fresh Impl, appending keys at the tail.
class CheckpointLoader {
 public:
  CheckpointLoader(SkipList* list, uint64_t upto_tx, uint64_t key_count, uint64_t version_count)
      : list_(list), upto_tx_(upto_tx), key_count_(key_count), version_count_(version_count) {
    list_->InitTail(&tail_);
  }

  Status ParseRecords(const char* p, const char* limit) {
    bool first_in_block = true;
    while (p < limit) {
      uint64_t shared, non_shared, count;
      if (!CkptGetVarint64(&p, limit, &shared) || !CkptGetVarint64(&p, limit, &non_shared)) {
        return Bad("bad key length");
      }
      if (first_in_block ? shared != 0 : shared > key_.size()) return Bad("bad shared prefix");
      if (non_shared > static_cast<uint64_t>(limit - p)) return Bad("key overruns block");
      if (shared + non_shared > std::numeric_limits<uint32_t>::max()) return Bad("key too long");
      const std::string_view suffix(p, non_shared);
      p += non_shared;
      // New key = key_[0, shared) + suffix; it must sort after key_, which
      // (sharing the prefix) means suffix > key_[shared, end).
      if (have_key_ && suffix.compare(std::string_view(key_).substr(shared)) <= 0) {
        return Bad("keys out of order");
      }
      key_.resize(shared);
      key_.append(suffix);
      have_key_ = true;
      first_in_block = false;

      // Each version takes at least 4 bytes, which bounds count before any
      // allocation even when the bytes are garbage with a valid CRC.
      if (!CkptGetVarint64(&p, limit, &count) || count == 0) return Bad("bad version count");
      if (count > static_cast<uint64_t>(limit - p) / 4 ||
          count > std::numeric_limits<uint32_t>::max()) {
        return Bad("version count overruns block");
      }
      versions_.resize(count);
      uint64_t tx = 0;
      for (uint64_t i = 0; i < count; i++) {
        uint64_t delta, pos, len;
        if (!CkptGetVarint64(&p, limit, &delta) || !CkptGetVarint64(&p, limit, &pos) ||
            !CkptGetVarint64(&p, limit, &len) || p >= limit) {
          return Bad("truncated version");
        }
        if (delta > upto_tx_ - tx) return Bad("version tx beyond checkpoint tx");
        if (len > std::numeric_limits<uint32_t>::max()) return Bad("bad entry length");
        tx += delta;
        versions_[i] = IndexVersion{tx, pos, static_cast<uint32_t>(len),
                                    static_cast<uint8_t>(*p++)};
      }
      if (++keys_ > key_count_ || count > version_count_ - versions_total_) {
        return Bad("more records than the header counts");
      }
      versions_total_ += count;
      list_->AppendLast(&tail_, key_, versions_.data(), static_cast<uint32_t>(count));
    }
    return Status::Ok();
  }

  Status Finish(const char* p, size_t n, uint32_t header_crc, uint64_t blocks) {
    if (n != kTrailerPayloadSize) return Bad("bad trailer size");
    if (DecodeFixed64LE(p + 1) != keys_ || keys_ != key_count_ ||
        DecodeFixed64LE(p + 9) != versions_total_ || versions_total_ != version_count_) {
      return Bad("trailer counts disagree with the records");
    }
    if (DecodeFixed64LE(p + 17) != blocks) return Bad("trailer block count mismatch");
    if (DecodeFixed32LE(p + 25) != header_crc) return Bad("trailer does not match header");
    return Status::Ok();
  }

  static Status Bad(const std::string& what) {
    return Status::Corruption("index checkpoint: " + what);
  }

 private:
  SkipList* list_;
  const uint64_t upto_tx_, key_count_, version_count_;
  SkipList::Tail tail_;
  std::string key_;  // the previous key
  bool have_key_ = false;
  std::vector<IndexVersion> versions_;
  uint64_t keys_ = 0;
  uint64_t versions_total_ = 0;
};

}  // namespace

Result<uint64_t> KeyIndex::LoadCheckpoint(Env* env, const std::string& path) {
  if (!impl_->list.Empty()) {
    return Status::InvalidArgument("LoadCheckpoint needs an empty index");
  }
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, env->NewRandomAccessFile(path));
  IMMU_ASSIGN_OR_RETURN(const uint64_t size, file->Size());

  std::string buf;
  // Reads exactly n bytes at offset; a short read means the file is shorter
  // than its frames claim.
  auto read = [&](uint64_t offset, size_t n, std::string_view* out) -> Status {
    if (buf.size() < n) buf.resize(n);
    IMMU_RETURN_IF_ERROR(file->Read(offset, n, out, buf.data()));
    if (out->size() != n) return CheckpointLoader::Bad("truncated file");
    return Status::Ok();
  };

  if (size < kHeaderSize) return CheckpointLoader::Bad("truncated header");
  std::string_view h;
  IMMU_RETURN_IF_ERROR(read(0, kHeaderSize, &h));
  const uint32_t header_crc = DecodeFixed32LE(h.data() + 40);
  if (std::memcmp(h.data(), kMagic, sizeof(kMagic)) != 0) {
    return CheckpointLoader::Bad("bad magic");
  }
  if (crc32c::Unmask(header_crc) != crc32c::Value(h.data(), 40)) {
    return CheckpointLoader::Bad("header checksum mismatch");
  }
  if (DecodeFixed32LE(h.data() + 8) != kFormatVersion) {
    return CheckpointLoader::Bad("unsupported format version");
  }
  const uint64_t upto_tx = DecodeFixed64LE(h.data() + 16);
  const uint64_t key_count = DecodeFixed64LE(h.data() + 24);
  const uint64_t version_count = DecodeFixed64LE(h.data() + 32);

  // Built aside and swapped in on success, so a failed load leaves this
  // index empty and usable.
  auto fresh = std::make_unique<Impl>();
  CheckpointLoader loader(&fresh->list, upto_tx, key_count, version_count);
  uint64_t offset = kHeaderSize;
  uint64_t blocks = 0;
  while (true) {
    if (offset == size) return CheckpointLoader::Bad("missing trailer");
    if (size - offset < kFrameSize) return CheckpointLoader::Bad("truncated block frame");
    std::string_view frame;
    IMMU_RETURN_IF_ERROR(read(offset, kFrameSize, &frame));
    const uint32_t len = DecodeFixed32LE(frame.data());
    const uint32_t crc = crc32c::Unmask(DecodeFixed32LE(frame.data() + 4));
    offset += kFrameSize;
    if (len == 0 || len > size - offset) return CheckpointLoader::Bad("bad block length");
    std::string_view payload;
    IMMU_RETURN_IF_ERROR(read(offset, len, &payload));
    offset += len;
    if (crc32c::Value(payload.data(), payload.size()) != crc) {
      return CheckpointLoader::Bad("block checksum mismatch");
    }
    const uint8_t type = static_cast<uint8_t>(payload[0]);
    if (type == kRecordsBlock) {
      IMMU_RETURN_IF_ERROR(loader.ParseRecords(payload.data() + 1, payload.data() + len));
      blocks++;
    } else if (type == kTrailerBlock) {
      if (offset != size) return CheckpointLoader::Bad("bytes after trailer");
      IMMU_RETURN_IF_ERROR(loader.Finish(payload.data(), payload.size(), header_crc, blocks));
      break;
    } else {
      return CheckpointLoader::Bad("unknown block type");
    }
  }
  fresh->key_count.store(key_count, std::memory_order_relaxed);
  fresh->version_count.store(version_count, std::memory_order_relaxed);
  impl_ = std::move(fresh);
  return upto_tx;
}

}  // namespace immu
