// MemEnv: NewMemEnv(). Every file is a shared, mutex-guarded string; handles
// hold a reference to it, so (as with POSIX inodes) a RandomAccessFile sees
// bytes appended after it was opened, Truncate is seen by every handle, and a
// removed or renamed-over file stays readable through handles opened before.
//
// Directories are lenient: a directory exists if it was created with
// CreateDirIfMissing (parents need not exist) or if any file lies below it,
// and a file may be created in a directory nobody created. This keeps tests
// short; behaviour that matters for durability (SyncDir, rename) is modelled
// by FaultEnv on top. Paths are normalized only by collapsing repeated and
// trailing slashes; "." and ".." components are not interpreted.
//
// Thread-safety: the name space is guarded by MemEnv::mu_, each file's bytes
// by its own mutex. Lock order: mu_ before a file's mutex (FileSize,
// Truncate, OverwriteForTesting), never the reverse; handles take only the
// file's mutex, so reads and appends do not contend on the name space.

#include <algorithm>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "storage/env.h"

namespace immu {
namespace {

struct MemFile {
  mutable std::mutex mu;
  std::string data;  // guarded by mu
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

// Name of the entry directly below dir that path lies under, if any.
std::optional<std::string> ChildName(const std::string& dir, const std::string& path) {
  std::string_view rest;
  if (dir == "." || dir.empty()) {
    if (path.empty() || path[0] == '/') return std::nullopt;
    rest = path;
  } else {
    const std::string prefix = dir == "/" ? "/" : dir + "/";
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) {
      return std::nullopt;
    }
    rest = std::string_view(path).substr(prefix.size());
  }
  return std::string(rest.substr(0, rest.find('/')));
}

class MemRandomAccessFile final : public RandomAccessFile {
 public:
  explicit MemRandomAccessFile(std::shared_ptr<MemFile> file) : file_(std::move(file)) {}

  Status Read(uint64_t offset, size_t n, std::string_view* result, char* scratch) const override {
    std::lock_guard<std::mutex> l(file_->mu);
    const std::string& d = file_->data;
    size_t got = 0;
    if (offset < d.size()) {
      got = static_cast<size_t>(std::min<uint64_t>(n, d.size() - offset));
      std::copy_n(d.data() + offset, got, scratch);
    }
    *result = std::string_view(scratch, got);
    return Status::Ok();
  }

  Result<uint64_t> Size() const override {
    std::lock_guard<std::mutex> l(file_->mu);
    return static_cast<uint64_t>(file_->data.size());
  }

 private:
  const std::shared_ptr<MemFile> file_;
};

class MemWritableFile final : public WritableFile {
 public:
  MemWritableFile(std::string path, std::shared_ptr<MemFile> file)
      : path_(std::move(path)), file_(std::move(file)) {
    std::lock_guard<std::mutex> l(file_->mu);
    size_ = file_->data.size();
  }

  Status Append(std::string_view data) override {
    if (closed_) return Status::IOError(path_ + ": append after close");
    std::lock_guard<std::mutex> l(file_->mu);
    file_->data.append(data.data(), data.size());
    size_ += data.size();
    return Status::Ok();
  }
  Status Sync() override {
    if (closed_) return Status::IOError(path_ + ": sync after close");
    return Status::Ok();
  }
  Status Close() override {
    closed_ = true;
    return Status::Ok();
  }
  uint64_t Size() const override { return size_; }

 private:
  const std::string path_;
  const std::shared_ptr<MemFile> file_;
  uint64_t size_ = 0;
  bool closed_ = false;
};

class MemEnv final : public Env {
 public:
  Result<std::unique_ptr<RandomAccessFile>> NewRandomAccessFile(const std::string& p) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Missing(path);
    return std::unique_ptr<RandomAccessFile>(new MemRandomAccessFile(it->second));
  }

  Result<std::unique_ptr<WritableFile>> NewAppendableFile(const std::string& p) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) {
      if (DirExistsLocked(path)) return Status::IOError(path + ": is a directory");
      it = files_.emplace(path, std::make_shared<MemFile>()).first;
    }
    return std::unique_ptr<WritableFile>(new MemWritableFile(path, it->second));
  }

  bool FileExists(const std::string& p) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    return files_.contains(path) || DirExistsLocked(path);
  }

  Result<std::vector<std::string>> ListDir(const std::string& d) override {
    const std::string dir = Normalize(d);
    std::lock_guard<std::mutex> l(mu_);
    if (files_.contains(dir)) return Status::IOError(dir + ": not a directory");
    if (!DirExistsLocked(dir)) return Status::NotFound(dir + ": no such directory");
    std::set<std::string> names;  // sorted and deduplicated
    for (const auto& [path, file] : files_) {
      if (auto c = ChildName(dir, path)) names.insert(*c);
    }
    for (const auto& path : dirs_) {
      if (auto c = ChildName(dir, path)) names.insert(*c);
    }
    return std::vector<std::string>(names.begin(), names.end());
  }

  Status CreateDirIfMissing(const std::string& d) override {
    const std::string dir = Normalize(d);
    std::lock_guard<std::mutex> l(mu_);
    if (files_.contains(dir)) return Status::IOError(dir + ": exists and is not a directory");
    dirs_.insert(dir);
    return Status::Ok();
  }

  Status RemoveFile(const std::string& p) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    if (files_.erase(path) == 0) return Missing(path);
    return Status::Ok();
  }

  Status RenameFile(const std::string& f, const std::string& t) override {
    const std::string from = Normalize(f), to = Normalize(t);
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(from);
    if (it == files_.end()) return Missing(from);
    if (from == to) return Status::Ok();
    if (DirExistsLocked(to)) return Status::IOError(to + ": rename target is a directory");
    std::shared_ptr<MemFile> file = it->second;
    files_.erase(it);
    files_[to] = std::move(file);
    return Status::Ok();
  }

  Status Truncate(const std::string& p, uint64_t size) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Missing(path);
    std::lock_guard<std::mutex> fl(it->second->mu);
    it->second->data.resize(static_cast<size_t>(size), '\0');  // zero-extends like ftruncate
    return Status::Ok();
  }

  Result<uint64_t> FileSize(const std::string& p) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Missing(path);
    std::lock_guard<std::mutex> fl(it->second->mu);
    return static_cast<uint64_t>(it->second->data.size());
  }

  Status SyncDir(const std::string& d) override {
    const std::string dir = Normalize(d);
    std::lock_guard<std::mutex> l(mu_);
    if (!DirExistsLocked(dir)) return Status::NotFound(dir + ": no such directory");
    return Status::Ok();
  }

  Status OverwriteForTesting(const std::string& p, uint64_t offset,
                             std::string_view data) override {
    const std::string path = Normalize(p);
    std::lock_guard<std::mutex> l(mu_);
    auto it = files_.find(path);
    if (it == files_.end()) return Missing(path);
    std::lock_guard<std::mutex> fl(it->second->mu);
    std::string& bytes = it->second->data;
    if (offset > bytes.size() || data.size() > bytes.size() - offset) {
      return Status::InvalidArgument(path + ": overwrite range beyond end of file");
    }
    bytes.replace(static_cast<size_t>(offset), data.size(), data);
    return Status::Ok();
  }

 private:
  Status Missing(const std::string& path) const {
    if (DirExistsLocked(path)) return Status::IOError(path + ": is a directory");
    return Status::NotFound(path + ": no such file");
  }

  // Requires mu_.
  bool DirExistsLocked(const std::string& dir) const {
    if (dir == "/" || dir == "." || dir.empty() || dirs_.contains(dir)) return true;
    // Implicit: some file or created directory lies below dir.
    const std::string prefix = dir + "/";
    auto below = [&prefix](const std::string& p) { return p.compare(0, prefix.size(), prefix) == 0; };
    auto f = files_.lower_bound(prefix);
    if (f != files_.end() && below(f->first)) return true;
    auto d = dirs_.lower_bound(prefix);
    return d != dirs_.end() && below(*d);
  }

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<MemFile>> files_;  // guarded by mu_
  std::set<std::string> dirs_;                              // guarded by mu_
};

}  // namespace

std::unique_ptr<Env> NewMemEnv() { return std::make_unique<MemEnv>(); }

}  // namespace immu
