// Env methods shared by every implementation. PosixEnv is in posix_env.cc,
// the in-memory Env in mem_env.cc and FaultEnv in fault_env.cc.

#include "storage/env.h"

#include <algorithm>
#include <utility>

namespace immu {

namespace {

// Directory holding path, in the form SyncDir expects ("/" and "." for the
// root and for bare names).
std::string DirName(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

}  // namespace

Result<std::string> Env::ReadFileToString(const std::string& path) {
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<RandomAccessFile> file, NewRandomAccessFile(path));
  IMMU_ASSIGN_OR_RETURN(uint64_t size_hint, file->Size());
  // Read until a short read rather than trusting the size: the file may grow
  // or shrink between Size() and the reads.
  std::string out;
  size_t chunk = size_hint > 0 ? static_cast<size_t>(size_hint) : 4096;
  for (;;) {
    const size_t old = out.size();
    out.resize(old + chunk);
    std::string_view got;
    IMMU_RETURN_IF_ERROR(file->Read(old, chunk, &got, out.data() + old));
    if (got.data() != out.data() + old) std::copy(got.begin(), got.end(), out.begin() + old);
    out.resize(old + got.size());
    if (got.size() < chunk) break;
    chunk = 64 * 1024;  // grew while we read, or size_hint was exact: one more read
  }
  return out;
}

Status Env::WriteFileAtomic(const std::string& path, std::string_view data) {
  const std::string tmp = path + ".tmp";
  // NewAppendableFile keeps existing bytes, so a leftover from a crashed
  // earlier attempt must go first.
  if (FileExists(tmp)) IMMU_RETURN_IF_ERROR(RemoveFile(tmp));
  {
    IMMU_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, NewAppendableFile(tmp));
    Status s = file->Append(data);
    if (s.ok()) s = file->Sync();
    Status c = file->Close();
    if (s.ok()) s = std::move(c);
    if (!s.ok()) {
      (void)RemoveFile(tmp);  // best effort; the original file is untouched
      return s;
    }
  }
  IMMU_RETURN_IF_ERROR(RenameFile(tmp, path));
  return SyncDir(DirName(path));
}

Status Env::OverwriteForTesting(const std::string& path, uint64_t offset, std::string_view data) {
  IMMU_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(path));
  if (offset > contents.size() || data.size() > contents.size() - offset) {
    return Status::InvalidArgument(path + ": overwrite range beyond end of file");
  }
  contents.replace(offset, data.size(), data);
  IMMU_RETURN_IF_ERROR(RemoveFile(path));
  IMMU_ASSIGN_OR_RETURN(std::unique_ptr<WritableFile> file, NewAppendableFile(path));
  IMMU_RETURN_IF_ERROR(file->Append(contents));
  IMMU_RETURN_IF_ERROR(file->Sync());
  IMMU_RETURN_IF_ERROR(file->Close());
  return SyncDir(DirName(path));
}

}  // namespace immu
