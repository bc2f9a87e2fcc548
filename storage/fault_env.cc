// FaultEnv: an Env wrapper that injects the failures a storage engine must
// survive. Test-only.
//
// Durability model (what DropUnsyncedData keeps). Deliberately simple, and
// stricter than most file systems where it matters (unsynced appends are
// lost) but laxer elsewhere (metadata operations are durable at once):
//
//  * For every file created or opened for append through this env, it tracks
//    synced_size (the size at the last successful WritableFile::Sync) and
//    durable (whether its directory entry survives).
//  * A file that already existed when first opened through this env (created
//    by the base env directly, or before this FaultEnv existed) starts as
//    durable with synced_size = its size then. Files only ever read are not
//    tracked and never touched.
//  * A new file becomes durable by a successful Sync of any of its handles,
//    or by a successful SyncDir of its parent directory after its creation.
//    (POSIX requires the directory fsync; ext4 and XFS in practice persist
//    the entry with the file's first fdatasync. Accepting either keeps the
//    model simple; a test that wants to check storage/'s SyncDir calls can
//    create a file, never Sync it, and expect it gone unless its directory
//    was synced.)
//  * RemoveFile, RenameFile and Truncate are durable immediately: a rename
//    moves the tracked state to the new name, a truncate lowers synced_size.
//    Directories are never removed.
//  * DropUnsyncedData: non-durable files are deleted, durable ones cut to
//    synced_size. The epoch advances so that every handle opened before
//    fails with IOError from then on (the process that owned them is dead);
//    only new handles work.
//
// Thread-safety: all state is guarded by State::mu; base-env calls that
// change tracked state run under it too, so a DropUnsyncedData never
// interleaves with them. Handles share the State, so a handle may outlive
// its FaultEnv (the base env must still outlive every handle, as usual).

#include <algorithm>
#include <atomic>
#include <iterator>
#include <map>
#include <mutex>

#include "storage/env.h"

namespace immu {
namespace {

struct FileState {
  uint64_t synced_size = 0;
  bool durable = false;
};

std::string Normalize(const std::string& path) {
  std::string out;
  out.reserve(path.size());
  for (char c : path) {
    if (c == '/' && !out.empty() && out.back() == '/') continue;
    out.push_back(c);
  }
  if (out.size() > 1 && out.back() == '/') out.pop_back();
  return out;
}

std::string ParentDir(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status StaleHandle(const std::string& path) {
  return Status::IOError(path + ": handle opened before a simulated crash (DropUnsyncedData)");
}

struct FaultEnvState {
  std::mutex mu;
  std::atomic<uint64_t> epoch{0};
  std::map<std::string, std::shared_ptr<FileState>> files;  // by normalized path
  int64_t short_write_after = -1;  // remaining byte budget; -1 = off
  bool has_space_limit = false;
  uint64_t space_limit = 0;
  bool space_exhausted = false;  // an append was refused for lack of space
  bool sync_failure = false;
  uint64_t bytes_appended = 0;
};

}  // namespace

struct FaultEnv::Impl {
  Env* base;
  std::shared_ptr<FaultEnvState> state = std::make_shared<FaultEnvState>();
};

namespace {

class FaultRandomAccessFile final : public RandomAccessFile {
 public:
  FaultRandomAccessFile(std::string path, std::shared_ptr<FaultEnvState> state,
                        std::unique_ptr<RandomAccessFile> base)
      : path_(std::move(path)),
        state_(std::move(state)),
        base_(std::move(base)),
        epoch_(state_->epoch.load()) {}

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    if (state_->epoch.load() != epoch_) {
      *result = std::string_view(scratch, 0);
      return StaleHandle(path_);
    }
    return base_->Read(offset, n, result, scratch);
  }

  Result<uint64_t> Size() const override {
    if (state_->epoch.load() != epoch_) return StaleHandle(path_);
    return base_->Size();
  }

 private:
  const std::string path_;
  const std::shared_ptr<FaultEnvState> state_;
  const std::unique_ptr<RandomAccessFile> base_;
  const uint64_t epoch_;
};

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(std::string path, std::shared_ptr<FaultEnvState> state,
                    std::shared_ptr<FileState> file, std::unique_ptr<WritableFile> base,
                    uint64_t epoch)
      : path_(std::move(path)),
        state_(std::move(state)),
        file_(std::move(file)),
        base_(std::move(base)),
        epoch_(epoch) {}

  Status Append(std::string_view data) override {
    size_t allowed = data.size();
    Status fault;
    {
      std::lock_guard<std::mutex> l(state_->mu);
      if (state_->epoch.load() != epoch_) return StaleHandle(path_);
      FaultEnvState& s = *state_;
      const size_t short_allowed = s.short_write_after < 0
                                       ? data.size()
                                       : std::min<uint64_t>(data.size(), s.short_write_after);
      size_t space_allowed = data.size();
      if (s.has_space_limit) {
        const uint64_t room =
            s.space_limit > s.bytes_appended ? s.space_limit - s.bytes_appended : 0;
        space_allowed = static_cast<size_t>(std::min<uint64_t>(data.size(), room));
      }
      allowed = std::min(short_allowed, space_allowed);
      if (allowed < data.size()) {
        const std::string wrote =
            " (wrote " + std::to_string(allowed) + " of " + std::to_string(data.size()) + " bytes)";
        if (space_allowed == allowed) {
          s.space_exhausted = true;
          fault = Status::ResourceExhausted(path_ + ": write: no space left on device (injected)" +
                                            wrote);
        } else {
          fault = Status::IOError(path_ + ": short write (injected)" + wrote);
          s.short_write_after = -1;  // one short write per SetShortWriteAfter
        }
      }
      if (s.short_write_after >= 0) s.short_write_after -= static_cast<int64_t>(allowed);
      s.bytes_appended += allowed;
    }
    if (allowed > 0) IMMU_RETURN_IF_ERROR(base_->Append(data.substr(0, allowed)));
    return fault;
  }

  Status Sync() override {
    {
      std::lock_guard<std::mutex> l(state_->mu);
      if (state_->epoch.load() != epoch_) return StaleHandle(path_);
      if (state_->sync_failure) {
        return Status::IOError(path_ + ": fdatasync: Input/output error (injected)");
      }
      if (state_->space_exhausted) {
        return Status::ResourceExhausted(path_ + ": fdatasync: no space left on device (injected)");
      }
    }
    const uint64_t size = base_->Size();
    IMMU_RETURN_IF_ERROR(base_->Sync());
    std::lock_guard<std::mutex> l(state_->mu);
    if (state_->epoch.load() != epoch_) return StaleHandle(path_);
    file_->synced_size = size;
    file_->durable = true;
    return Status::Ok();
  }

  Status Close() override {
    Status s = base_->Close();  // release the base handle even when stale
    if (state_->epoch.load() != epoch_) return StaleHandle(path_);
    return s;
  }

  uint64_t Size() const override { return base_->Size(); }

 private:
  const std::string path_;
  const std::shared_ptr<FaultEnvState> state_;
  const std::shared_ptr<FileState> file_;  // guarded by state_->mu
  const std::unique_ptr<WritableFile> base_;
  const uint64_t epoch_;
};

}  // namespace

FaultEnv::FaultEnv(Env* base) : impl_(new Impl{base}) {}
FaultEnv::~FaultEnv() = default;

Status FaultEnv::DropUnsyncedData() {
  FaultEnvState& s = *impl_->state;
  std::lock_guard<std::mutex> l(s.mu);
  s.epoch.fetch_add(1);
  Status first_error;
  for (auto it = s.files.begin(); it != s.files.end();) {
    const std::string& path = it->first;
    const FileState& f = *it->second;
    Status st;
    bool forget = false;
    if (!f.durable) {
      st = impl_->base->RemoveFile(path);
      forget = true;
    } else {
      auto size = impl_->base->FileSize(path);
      if (!size.ok()) {
        st = size.status();
        forget = st.IsNotFound();
      } else if (*size > f.synced_size) {
        st = impl_->base->Truncate(path, f.synced_size);
      }
    }
    if (!st.ok() && !st.IsNotFound() && first_error.ok()) first_error = st;
    it = forget ? s.files.erase(it) : std::next(it);
  }
  return first_error;
}

void FaultEnv::SetShortWriteAfter(int64_t bytes) {
  std::lock_guard<std::mutex> l(impl_->state->mu);
  impl_->state->short_write_after = bytes < 0 ? -1 : bytes;
}

void FaultEnv::SetSpaceLimit(uint64_t limit) {
  std::lock_guard<std::mutex> l(impl_->state->mu);
  impl_->state->has_space_limit = true;
  impl_->state->space_limit = limit;
  // Sync fails only while the limit is (or, as now, already was) exceeded.
  impl_->state->space_exhausted = impl_->state->bytes_appended > limit;
}

void FaultEnv::SetSyncFailure(bool fail) {
  std::lock_guard<std::mutex> l(impl_->state->mu);
  impl_->state->sync_failure = fail;
}

void FaultEnv::ClearFaults() {
  std::lock_guard<std::mutex> l(impl_->state->mu);
  impl_->state->short_write_after = -1;
  impl_->state->has_space_limit = false;
  impl_->state->space_exhausted = false;
  impl_->state->sync_failure = false;
}

uint64_t FaultEnv::BytesAppended() const {
  std::lock_guard<std::mutex> l(impl_->state->mu);
  return impl_->state->bytes_appended;
}

Status FaultEnv::FlipByte(const std::string& path, uint64_t offset, uint8_t mask) {
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file,
                        impl_->base->NewRandomAccessFile(path));
  char scratch = 0;
  std::string_view got;
  IMMU_RETURN_IF_ERROR(file->Read(offset, 1, &got, &scratch));
  if (got.size() != 1) {
    return Status::InvalidArgument(path + ": FlipByte offset " + std::to_string(offset) +
                                   " is beyond end of file");
  }
  const char flipped = static_cast<char>(static_cast<uint8_t>(got[0]) ^ mask);
  return impl_->base->OverwriteForTesting(path, offset, std::string_view(&flipped, 1));
}

Result<std::unique_ptr<RandomAccessFile>> FaultEnv::NewRandomAccessFile(const std::string& path) {
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> base,
                        impl_->base->NewRandomAccessFile(path));
  return std::unique_ptr<RandomAccessFile>(
      new FaultRandomAccessFile(path, impl_->state, std::move(base)));
}

Result<std::unique_ptr<WritableFile>> FaultEnv::NewAppendableFile(const std::string& path) {
  FaultEnvState& s = *impl_->state;
  const std::string key = Normalize(path);
  std::lock_guard<std::mutex> l(s.mu);
  const bool existed = impl_->base->FileExists(path);
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> base, impl_->base->NewAppendableFile(path));
  std::shared_ptr<FileState>& file = s.files[key];
  if (file == nullptr) {
    file = std::make_shared<FileState>();
    if (existed) {  // not created by us: whatever is there survives
      file->durable = true;
      file->synced_size = base->Size();
    }
  }
  return std::unique_ptr<WritableFile>(
      new FaultWritableFile(path, impl_->state, file, std::move(base), s.epoch.load()));
}

bool FaultEnv::FileExists(const std::string& path) { return impl_->base->FileExists(path); }

Result<std::vector<std::string>> FaultEnv::ListDir(const std::string& dir) {
  return impl_->base->ListDir(dir);
}

Status FaultEnv::CreateDirIfMissing(const std::string& dir) {
  return impl_->base->CreateDirIfMissing(dir);
}

Status FaultEnv::RemoveFile(const std::string& path) {
  std::lock_guard<std::mutex> l(impl_->state->mu);
  IMMU_RETURN_IF_ERROR(impl_->base->RemoveFile(path));
  impl_->state->files.erase(Normalize(path));
  return Status::Ok();
}

Status FaultEnv::RenameFile(const std::string& from, const std::string& to) {
  FaultEnvState& s = *impl_->state;
  std::lock_guard<std::mutex> l(s.mu);
  IMMU_RETURN_IF_ERROR(impl_->base->RenameFile(from, to));
  const std::string f = Normalize(from), t = Normalize(to);
  if (f == t) return Status::Ok();
  auto it = s.files.find(f);
  if (it == s.files.end()) {
    s.files.erase(t);  // an untracked file now lives at `to`: durable as it is
  } else {
    s.files[t] = std::move(it->second);
    s.files.erase(f);
  }
  return Status::Ok();
}

Status FaultEnv::Truncate(const std::string& path, uint64_t size) {
  FaultEnvState& s = *impl_->state;
  std::lock_guard<std::mutex> l(s.mu);
  IMMU_RETURN_IF_ERROR(impl_->base->Truncate(path, size));
  auto it = s.files.find(Normalize(path));
  if (it != s.files.end()) it->second->synced_size = std::min(it->second->synced_size, size);
  return Status::Ok();
}

Result<uint64_t> FaultEnv::FileSize(const std::string& path) { return impl_->base->FileSize(path); }

Status FaultEnv::SyncDir(const std::string& dir) {
  FaultEnvState& s = *impl_->state;
  std::lock_guard<std::mutex> l(s.mu);
  if (s.sync_failure) return Status::IOError(dir + ": fsync: Input/output error (injected)");
  IMMU_RETURN_IF_ERROR(impl_->base->SyncDir(dir));
  const std::string d = Normalize(dir);
  for (auto& [path, file] : s.files) {
    if (ParentDir(path) == d) file->durable = true;
  }
  return Status::Ok();
}

Status FaultEnv::OverwriteForTesting(const std::string& path, uint64_t offset,
                                     std::string_view data) {
  return impl_->base->OverwriteForTesting(path, offset, data);
}

}  // namespace immu
